"""Serve the demo as `boardroom serve` does and time the main pages against their floors.

    python bench/bench.py [--requests 60] [--years 10]

Loads the demo (with ``--years`` of generated history, ten by default) into a fresh SQLite file (or BOARDROOM_DATABASE_URL, if set), starts
`boardroom serve` and the floor app (bench/floor_app.py) under the same gunicorn
settings, and prints the median time of each page beside its floor, measured in the same
run. Absolute times on shared machines drift; the ratios hold.

Pages, JSON and documents are cached until the data changes (boardroom/cache.py); the
second table shows the same requests with the cache off (BOARDROOM_RESPONSE_CACHE_SIZE=0),
i.e. the first view after every change.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def wait_until_up(port: int, path: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            get(port, path)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def median_ms(port: int, path: str, n: int) -> float:
    for _ in range(5):  # warm-up
        status, _ = get(port, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        get(port, path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--years", type=int, default=10, help="years of generated history (boardroom demo --years)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="boardroom-bench-")
    env = dict(os.environ)
    env.setdefault("BOARDROOM_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite")
    env["BOARDROOM_SECRET_KEY"] = "bench"
    boardroom = str(BIN / "boardroom")
    subprocess.run([boardroom, "demo", "--years", str(args.years)], env=env, check=True, stdout=subprocess.DEVNULL)

    app_port, cold_port, floor_port = free_port(), free_port(), free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    servers = [
        subprocess.Popen([boardroom, "serve", "--port", str(app_port), "--workers", "1"], env=env, **quiet),
        subprocess.Popen([boardroom, "serve", "--port", str(cold_port), "--workers", "1"],
                         env=dict(env, BOARDROOM_RESPONSE_CACHE_SIZE="0"), **quiet),
    ]
    try:
        wait_until_up(app_port, "/", servers[0])
        wait_until_up(cold_port, "/", servers[1])
        _, body = get(app_port, "/api/meetings")
        mid = next(m["id"] for m in json.loads(body) if m["cases"])  # the meeting of 16 October 2025
        size = len(get(app_port, f"/meetings/{mid}/protokoll.docx")[1])  # its stored, approved minutes
        servers.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{floor_port}", "--chdir",
             str(ROOT / "bench"), "floor_app:app"], env=dict(os.environ, FLOOR_STATIC_SIZE=str(size)), **quiet))
        wait_until_up(floor_port, "/hello", servers[-1])

        checks = [
            ("Forside /", "/", "/hello", 20),
            (f"Møte /meetings/{mid}", f"/meetings/{mid}", "/hello", 20),
            ("Deltakelse /participation", "/participation", "/hello", 20),
            (f"JSON /api/meetings/{mid}", f"/api/meetings/{mid}", "/hello.json", 10),
            ("Kalender /calendar.ics", "/calendar.ics", "/one-event.ics", 10),
            (f"Protokoll /meetings/{mid}/protokoll.docx", f"/meetings/{mid}/protokoll.docx", "/empty.docx", 3),
            # approved minutes are served as stored: judged against a static file of their size, cache or not
            ("Protokoll, lagret (mot statisk fil)", f"/meetings/{mid}/protokoll.docx", "/static.docx", 2),
        ]
        failed = False
        for title, port, judged in (("as served (cache on)", app_port, True),
                                    ("first view after a change (cache off)", cold_port, False)):
            print(f"\n{title}")
            print(f"{'side':44} {'median':>9} {'gulv':>9} {'forhold':>8} {'mål':>6}")
            for name, path, floor_path, target in checks:
                floor = median_ms(floor_port, floor_path, args.requests)
                value = median_ms(port, path, args.requests)
                ratio = value / floor
                ok = ratio <= target
                counts = judged or floor_path == "/static.docx"
                failed |= counts and not ok
                verdict = ("ok" if ok else "OVER") if counts else ""
                print(f"{name:44} {value:7.2f}ms {floor:7.2f}ms {ratio:7.1f}× {'≤' + str(target) + '×':>6} {verdict}")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
