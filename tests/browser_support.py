"""Shared by the browser tests: Debian's Chromium through Playwright, and the app on a local port."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"  # Debian's package; browsers are never downloaded
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
HAVE_CHROMIUM = Path(CHROMIUM).exists()
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@contextmanager
def serve(app):
    """Serve ``app`` from a thread on a free port of 127.0.0.1; yields its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join()
        httpd.server_close()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
