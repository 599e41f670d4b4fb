"""Time a personal calendar feed over ten years of meetings, in process, on a real database.

    python bench/bench_feeds.py [--runs 50]

Fills a fresh SQLite file (or BOARDROOM_DATABASE_URL, if set: an empty database, which this
migrates) with ten years of meetings (10 a year, 12 cases each), invites one board member to
all of them, makes the member's feed token and fetches the feed through Flask's test client:
uncached (the response cache off, as after every change; target under 20 ms) and unchanged
with If-None-Match (a 304; target under 5 ms). Uncached is measured twice: with each
meeting's event built before (the first fetch), with one meeting changed before every fetch
(the usual case: only its event is built again), and cold, with the event cache emptied before
every fetch (after a restart). Prints the median and the 90th percentile.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sqlmodel import Session  # noqa: E402

import boardroom.models as m  # noqa: E402
from boardroom import create_app  # noqa: E402
from boardroom.calendar.feeds import issue_token  # noqa: E402
from boardroom.core.db import upgrade  # noqa: E402

YEARS, PER_YEAR, CASES = 10, 10, 12


def fill(session: Session) -> str:
    body = m.Body(name="Styret i Benkesamarbeidet", short_name="BS")
    person = m.Person(name="Kari Benk")
    session.add_all([body, person])
    session.flush()
    for n in range(YEARS * PER_YEAR):
        start = datetime(2016, 1, 15, 9, tzinfo=timezone.utc) + timedelta(days=36 * n)
        meeting = m.Meeting(body_id=body.id, starts_at=start, ends_at=start + timedelta(hours=3),
                            status=m.MeetingStatus.approved, place="Mosjøen")
        session.add(meeting)
        session.flush()
        session.add(m.Attendance(meeting_id=meeting.id, person_id=person.id))
        for i in range(CASES):
            case = m.Case(body_id=body.id, title=f"Sak {i + 1} i møte {n + 1}")
            session.add(case)
            session.flush()
            session.add(m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=i,
                                     number_year=start.year, number_seq=n * CASES + i + 1))
    token = issue_token(session, person=person)
    session.commit()
    return token


def spread(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return spread(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    url = os.environ.get("BOARDROOM_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    upgrade(url)
    results = {}
    for label, size in (("uncached", 0), ("304", 256)):
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "BASE_URL": "https://styre.example.no",
                          "RESPONSE_CACHE_SIZE": size})
        with app.app_context(), Session(app.extensions["boardroom.engine"]) as session:
            token = results.get("token") or fill(session)
        results["token"] = token
        client = app.test_client()
        path = f"/calendar/feed/{token}.ics"
        first = client.get(path)
        assert first.status_code == 200 and first.data.count(b"BEGIN:VEVENT") == YEARS * PER_YEAR
        if size == 0:
            results[label] = timed(lambda: client.get(path), args.runs)
            with app.app_context(), Session(app.extensions["boardroom.engine"]) as session:
                meeting = session.get(m.Meeting, 1)

                def change_one_then_fetch():
                    meeting.place = f"Mosjøen {time.perf_counter()}"
                    session.commit()
                    t0 = time.perf_counter()
                    client.get(path)
                    return (time.perf_counter() - t0) * 1000

                results["changed"] = spread([change_one_then_fetch() for _ in range(args.runs)])
            events = app.extensions["boardroom.events"]
            results["cold"] = timed(lambda: (events._data.clear(), client.get(path)), args.runs)
        else:
            etag = first.headers["ETag"]
            results[label] = timed(lambda: client.get(path, headers={"If-None-Match": etag}), args.runs)
    print(f"personal feed, {YEARS * PER_YEAR} meetings × {CASES} cases")
    for key, what in (("uncached", "uncached"), ("changed", "1 changed"), ("cold", "cold")):
        print(f"  {what:10} median {results[key][0]:6.1f} ms   p90 {results[key][1]:6.1f} ms   (target 20)")
    print(f"  304        median {results['304'][0]:6.1f} ms   p90 {results['304'][1]:6.1f} ms   (target 5)")


if __name__ == "__main__":
    main()
