"""The queries and time per page with one organisation and with five.

    python bench/bench_orgs.py [--years 1] [--requests 30]

Loads the demo (Digitale Helgeland, with ``--years`` of generated history) into a fresh SQLite
file (or BOARDROOM_DATABASE_URL, if set: an empty database), counts the SQL statements and
times each of the main pages of the first organisation with the response cache off (every view
built), then adds four more organisations holding the same data under their own addresses and
measures the same pages again. The queries per page must be the same, and the times should not
grow with the number of organisations: every list is filtered by its organisation in the query.

Runs in-process (the Flask test client), beside a hello-world Flask app as the floor, so the
ratios are comparable with each other, not with bench/bench.py's figures over HTTP.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

from flask import Flask
from sqlalchemy import event
from sqlmodel import Session, select

from boardroom import create_app
from boardroom.core.db import get_engine, upgrade
from boardroom.demo import load_demo, load_second_organisation
from boardroom.models import AgendaItem, Body, Meeting, MeetingStatus, Organisation

EXTRA = [(f"kopi-{n}", f"Kopi {n} av Digitale Helgeland") for n in range(1, 4)]


def pages(session: Session) -> list[tuple[str, str]]:
    """The first organisation's front page, its approved meeting, the matrix, JSON and feed."""
    first = session.exec(select(Organisation).order_by(Organisation.id)).first()
    meeting = session.exec(
        select(Meeting).join(Body).join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
        .where(Body.organisation_id == first.id, Meeting.status == MeetingStatus.approved)
        .order_by(Meeting.starts_at.desc())).first()
    return [
        ("Forside", "/"),
        ("Møte", f"/meetings/{meeting.id}"),
        ("Møter", "/meetings"),
        ("Deltakelse", "/participation"),
        ("Prosjekter", "/projects"),
        ("Oppfølging", "/follow-ups"),
        ("Kommuner", "/municipalities"),
        ("JSON møte", f"/api/meetings/{meeting.id}"),
        ("JSON møter", "/api/meetings"),
        ("Kalender", "/calendar.ics"),
    ]


def measure(app, paths, requests: int) -> dict[str, tuple[int, float]]:
    """(statements, median ms) of each path, anonymous, cache off."""
    with app.app_context():
        engine = get_engine()
    count = [0]

    def counter(*_args):
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counter)
    client = app.test_client()
    result = {}
    try:
        for name, path in paths:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} answered {response.status_code}")
            count[0] = 0
            client.get(path)
            statements = count[0]
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            result[name] = (statements, statistics.median(times))
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return result


def floor_ms(requests: int) -> float:
    floor = Flask("floor")
    floor.add_url_rule("/hello", "hello", lambda: "Hallo")
    client = floor.test_client()
    times = []
    for _ in range(requests * 3):
        start = time.perf_counter()
        client.get("/hello")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=1, help="years of generated history in each organisation")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    url = os.environ.get("BOARDROOM_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='boardroom-orgs-')}/b.sqlite"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "BASE_URL": "http://127.0.0.1",
                      "RESPONSE_CACHE_SIZE": 0})
    with app.app_context():
        upgrade(url)
        with Session(get_engine()) as session:
            load_demo(session, years=args.years)
            session.commit()
            paths = pages(session)
    one = measure(app, paths, args.requests)  # outside the app context: each request has its own
    with app.app_context():
        with Session(get_engine()) as session:
            load_second_organisation(session)
            for slug, name in EXTRA:
                load_demo(session, years=args.years, slug=slug, name=name)
            session.commit()
            organisations = len(session.exec(select(Organisation)).all())
    five = measure(app, paths, args.requests)
    floor = floor_ms(args.requests)

    print(f"Floor (hello world, in-process): {floor:.2f} ms; {args.years} year(s) of history per organisation")
    print(f"{'side':14} {'spørringer 1':>13} {f'spørringer {organisations}':>13} {'ms 1':>8} "
          f"{f'ms {organisations}':>8} {'×gulv 1':>8} {f'×gulv {organisations}':>8}")
    same = True
    for name, _path in paths:
        (q1, t1), (q5, t5) = one[name], five[name]
        same &= q1 == q5
        print(f"{name:14} {q1:13} {q5:13} {t1:8.2f} {t5:8.2f} {t1 / floor:8.1f} {t5 / floor:8.1f}"
              + ("" if q1 == q5 else "  ULIKT"))
    print("Spørringene per side er de samme." if same else "Spørringene per side er IKKE de samme.")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
