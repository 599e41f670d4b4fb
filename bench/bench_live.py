"""A live meeting under load: 20 readers, then 20 readers and 2 secretaries saving, against `boardroom serve`.

    python bench/bench_live.py [--seconds 60] [--database-url URL] [--years 2] [--readers 20] [--writers 2]

Loads the demo (``boardroom demo --years``) into a fresh SQLite file, or into ``--database-url``
(an empty database or one holding the demo: the demo is loaded idempotently, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/NAME``), adds a live meeting (notice sent, twelve
numbered cases, as many as the demo's real meeting of 16 October 2025), and starts ``boardroom serve`` (gunicorn, 2 workers) on 127.0.0.1 only.

Two phases of ``--seconds`` each, in one run:

1. the readers alone: visitors fetching the live meeting's page and JSON, an approved meeting's
   page and JSON, a case page and the calendar feed, one after another without pause;
2. the same readers while the writers, signed in as the demo secretary, record the meeting: each
   opens a case's form and saves it with a new text, and every ``--add-every``-th time adds a
   late case instead (it gets the next case number at once), pausing ``--pause`` seconds between
   saves (default 1: each secretary saves once a second, far more often than anyone types;
   ``--pause 0`` saves as fast as the server answers).

It prints each phase's p50 and p99 (readers), the writers' p50, the errors, and whether any case
number was lost (an added case without a number, a gap) or duplicated, then checks the targets of
issue 10: 0 errors, no lost or duplicate numbers, the readers' median with writers within 2× the
median without, and p99 within 10× p50. Exit status 1 when a target is missed.

Standard library only (threads and urllib); every loop ends at its deadline or after a bounded
number of rounds.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"  # never anything else
MAX_ROUNDS = 1_000_000  # a bound on every loop besides its deadline
SECRETARY = ("sekretaer@digitalehelgeland.example", "sekretaer-demo")
PREFIX = "Lastprøve"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Client:
    """One browser: its own cookies; redirects followed; errors raised."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read()

    def post(self, path: str, data: dict) -> bytes:
        body = urllib.parse.urlencode(data).encode()
        with self.opener.open(self.base + path, data=body, timeout=60) as response:
            return response.read()

    def token(self, path: str) -> str:
        page = self.get(path).decode()
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def login(self, email: str, password: str) -> None:
        self.post("/login", {"email": email, "password": password, "csrf_token": self.token("/login")})


def wait_until_up(port: int, proc: subprocess.Popen) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit("boardroom serve stopped")
        try:
            Client(port).get("/")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise SystemExit("boardroom serve did not come up")


def prepare(url: str) -> dict:
    """A live meeting of the demo board: notice sent, twelve numbered cases. Its ids and paths."""
    os.environ["BOARDROOM_DATABASE_URL"] = url
    from sqlmodel import Session, select

    from boardroom import create_app
    from boardroom.core.db import make_engine
    from boardroom.meetings.agenda import add_case, create_meeting, send_notice
    from boardroom.models import AgendaItem, Body, Meeting, MeetingStatus, utcnow

    create_app()  # the models' listeners, as in the app
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        body = session.exec(select(Body).order_by(Body.id)).first()
        start = (utcnow() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        meeting = create_meeting(
            session, body, title="Styremøte (lastprøve)", starts_at=start, ends_at=start + timedelta(hours=4)
        )
        for n in range(12):
            add_case(
                session,
                meeting,
                title=f"Sak til behandling {n + 1}",
                background="Bakgrunn.",
                proposal="Styret tar saken til orientering.",
            )
        send_notice(session, meeting)
        session.commit()
        approved = session.exec(
            select(Meeting).where(Meeting.body_id == body.id, Meeting.status == MeetingStatus.approved)
            .order_by(Meeting.starts_at.desc())
        ).first()
        items = session.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
        ).all()
        numbered = [i.id for i in items if i.number_seq is not None]
        info = {
            "live": meeting.id,
            "approved": approved.id,
            "items": numbered,
            "body": body.id,
            "year": next(i.number_year for i in items if i.number_seq is not None),
        }
    engine.dispose()
    return info


def numbers_check(url: str, info: dict, acknowledged: list[tuple[str, str]]) -> tuple[list[str], int]:
    """What went wrong with the case numbers (empty: nothing), and how many cases were added."""
    from sqlmodel import Session, select

    from boardroom.core.db import make_engine
    from boardroom.meetings.minutes import item_number
    from boardroom.models import AgendaItem, Case

    engine = make_engine(url)
    problems = []
    with Session(engine) as session:
        rows = session.exec(
            select(AgendaItem, Case.title)
            .join(Case, AgendaItem.case_id == Case.id)
            .where(AgendaItem.meeting_id == info["live"], Case.title.startswith(PREFIX))
        ).all()
        by_title: dict[str, list] = {}
        for item, title in rows:
            by_title.setdefault(title, []).append(item)
        for title, number in acknowledged:
            found = by_title.get(title, [])
            if len(found) != 1:
                problems.append(f"«{title}» finnes {len(found)} ganger")
            elif found[0].number_seq is None:
                problems.append(f"«{title}» fikk ikke nummer")
            elif item_number(found[0]) != number:
                problems.append(f"«{title}»: meldt {number}, lagret {item_number(found[0])}")
        shown = [n for _, n in acknowledged]
        if len(set(shown)) != len(shown):
            problems.append("samme saksnummer meldt to ganger")
        year_seqs = sorted(
            session.exec(
                select(AgendaItem.number_seq).where(
                    AgendaItem.body_id == info["body"],
                    AgendaItem.number_year == info["year"],
                    AgendaItem.number_seq.is_not(None),
                )
            ).all()
        )
        if len(set(year_seqs)) != len(year_seqs):
            problems.append("duplikate saksnumre i året")
        ours = sorted(i.number_seq for items in by_title.values() for i in items if i.number_seq is not None)
        if ours and ours != list(range(ours[0], ours[0] + len(ours))):
            problems.append(f"hull i nummerrekken {ours[0]}–{ours[-1]}")
    engine.dispose()
    return problems, len(rows)


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run_phase(port: int, info: dict, seconds: float, readers: int, writers: int, add_every: int = 4,
              pause: float = 0.0) -> dict:
    paths = [
        f"/meetings/{info['live']}",
        f"/api/meetings/{info['live']}",
        f"/meetings/{info['approved']}",
        f"/api/meetings/{info['approved']}",
        f"/cases/{info['items'][0]}",
        "/calendar.ics",
    ]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    result = {"reads": [], "writes": [], "errors": [], "acknowledged": []}

    def reader(index: int) -> None:
        client = Client(port)
        for n in range(MAX_ROUNDS):
            if time.monotonic() >= deadline:
                return
            path = paths[(index + n) % len(paths)]
            began = time.perf_counter()
            try:
                client.get(path)
            except Exception as error:  # noqa: BLE001 – every failure is counted and shown
                with lock:
                    result["errors"].append(f"GET {path}: {error}")
                continue
            with lock:
                result["reads"].append((time.perf_counter() - began) * 1000)

    def writer(index: int) -> None:
        client = Client(port)
        try:
            client.login(*SECRETARY)
        except Exception as error:  # noqa: BLE001
            with lock:
                result["errors"].append(f"innlogging: {error}")
            return
        for n in range(MAX_ROUNDS):
            if time.monotonic() >= deadline:
                return
            began = time.perf_counter()
            try:
                if n % add_every == 0:  # add a case: it gets the next number at once (the notice is sent)
                    title = f"{PREFIX} {index}-{n}"
                    form = {
                        "csrf_token": client.token(f"/meetings/{info['live']}/cases/new"),
                        "title": title,
                        "kind": "decision",
                        "background": f"Lagt til av skriver {index}.",
                        "proposal": "Vedtas.",
                    }
                    page = client.post(f"/meetings/{info['live']}/cases/new", form).decode()
                    found = re.search(r"Sak (\S+) er lagt til\.", page)
                    if found is None:
                        raise RuntimeError("ingen melding om saksnummer")
                    with lock:
                        result["acknowledged"].append((title, found.group(1)))
                else:  # save one of the meeting's cases with a new background
                    item = info["items"][(index + n) % len(info["items"])]
                    form = {
                        "csrf_token": client.token(f"/cases/{item}/edit"),
                        "title": f"Sak til behandling {item}",
                        "kind": "decision",
                        "background": f"Endret av skriver {index}, runde {n}.",
                        "proposal": "Styret tar saken til orientering.",
                    }
                    client.post(f"/cases/{item}/edit", form)
            except Exception as error:  # noqa: BLE001
                with lock:
                    result["errors"].append(f"skriver {index}: {error}")
                continue
            with lock:
                result["writes"].append((time.perf_counter() - began) * 1000)
            if pause:
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)]
    threads += [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--years", type=int, default=2, help="years of generated history (boardroom demo --years)")
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of boardroom serve")
    parser.add_argument("--add-every", type=int, default=4, help="every n-th save of a writer adds a case")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a writer waits between saves")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='boardroom-live-')}/live.sqlite"
    env = dict(os.environ, BOARDROOM_DATABASE_URL=url, BOARDROOM_SECRET_KEY="bench-live")
    boardroom = str(BIN / "boardroom")
    subprocess.run([boardroom, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([boardroom, "demo", "--years", str(args.years)], env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ["BOARDROOM_SECRET_KEY"] = "bench-live"
    info = prepare(url)

    port = free_port()
    server = subprocess.Popen(
        [boardroom, "serve", "--host", HOST, "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, server)
        for path in (f"/meetings/{info['live']}", f"/meetings/{info['approved']}"):
            Client(port).get(path)  # warm
        quiet = run_phase(port, info, args.seconds, args.readers, 0)
        busy = run_phase(port, info, args.seconds, args.readers, args.writers, args.add_every, args.pause)
    finally:
        server.terminate()
        server.wait(timeout=30)

    problems, added = numbers_check(url, info, busy["acknowledged"])
    database = url.split(":", 1)[0]
    print(f"\nLive meeting on {database}: {args.readers} readers, {args.workers} workers, {args.seconds:g} s per phase")
    print(f"{'':22} {'reads':>7} {'reads/s':>8} {'p50':>9} {'p99':>9} {'writes':>7} {'write p50':>10} {'errors':>7}")
    for name, phase in (("no writers", quiet), (f"{args.writers} writers", busy)):
        reads = phase["reads"]
        print(
            f"{name:22} {len(reads):7} {len(reads) / args.seconds:8.1f} {percentile(reads, 50):7.1f}ms "
            f"{percentile(reads, 99):7.1f}ms {len(phase['writes']):7} "
            f"{percentile(phase['writes'], 50) if phase['writes'] else 0:8.1f}ms {len(phase['errors']):7}"
        )
    errors = quiet["errors"] + busy["errors"]
    for error in errors[:10]:
        print("  feil:", error)
    print(f"cases added: {added}, acknowledged with a number: {len(busy['acknowledged'])}")
    for problem in problems:
        print("  nummer:", problem)

    p50_quiet, p50_busy = percentile(quiet["reads"], 50), percentile(busy["reads"], 50)
    checks = [
        ("0 errors", not errors),
        ("no lost or duplicate case numbers", not problems and added == len(busy["acknowledged"])),
        (f"readers' median with writers ≤ 2× without ({p50_busy / p50_quiet:.2f}×)", p50_busy <= 2 * p50_quiet),
    ]
    for name, phase in (("no writers", quiet), ("writers", busy)):
        ratio = percentile(phase["reads"], 99) / percentile(phase["reads"], 50)
        checks.append((f"p99 ≤ 10× p50, {name} ({ratio:.1f}×)", ratio <= 10))
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'OVER'} {name}")
    print(json.dumps({"database": database, "p50_quiet": round(p50_quiet, 2), "p50_busy": round(p50_busy, 2)}))
    sys.exit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    main()
