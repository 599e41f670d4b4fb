"""The outbox worker: one pass (``boardroom outbox run``), a loop (``--loop``), and the process
``boardroom serve`` starts beside gunicorn.

``serve`` replaces itself with gunicorn (exec), so the worker runs as a child process of what
becomes gunicorn's master: one worker per server however many web workers gunicorn forks, and
it stops when its parent is gone. Several servers on one PostgreSQL each run one; the row claims
in ``boardroom.mail.outbox`` keep every message to a single delivery.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from boardroom.mail.outbox import deliver_due, smtp_settings

log = logging.getLogger("boardroom.outbox")


def run_once(app) -> dict[str, int]:
    smtp_settings(app.config)  # a malformed BOARDROOM_SMTP_URL says so at once
    with app.app_context():  # building a notice reads stored files (Word template, figures)
        return deliver_due(app.extensions["boardroom.engine"], app.config)


def run_forever(app, parent_pid: int | None = None) -> None:
    """Send due mail every OUTBOX_POLL_SECONDS until stopped (or until ``parent_pid`` is gone)."""
    pause = max(1, int(app.config.get("OUTBOX_POLL_SECONDS", 10)))
    while parent_pid is None or os.getppid() == parent_pid:
        try:
            counts = run_once(app)
            if counts:
                log.info("outbox: %s", counts)
        except Exception:  # noqa: BLE001 — the database may be away for a moment; try again
            log.exception("outbox pass failed")
        time.sleep(pause)


def start_worker_process() -> subprocess.Popen:
    """Start ``python -m boardroom.mail.worker`` as a child of this process (see module docstring)."""
    return subprocess.Popen([sys.executable, "-m", "boardroom.mail.worker", str(os.getpid())])


if __name__ == "__main__":
    from boardroom import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_forever(create_app(), parent_pid=int(sys.argv[1]) if len(sys.argv) > 1 else None)
