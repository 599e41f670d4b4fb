"""Time the secretary's forms during and after the meeting, in process, on a real database.

    python bench/bench_approval.py [--runs 30]

Loads the demo into a fresh SQLite file (or BOARDROOM_DATABASE_URL, if set: an empty
database, which the demo migrates), signs in as the demo secretary and posts each form
through Flask's test client, as a browser would (CSRF token, one commit per request):
recording attendance for the 24 people of the demo meeting, saving a decision with a vote
of 19 municipalities, and approving the minutes (the meeting is set back to "held" between
runs, outside the timing). Approving builds the minutes of the 12 cases and stores them
(snapshot and protokoll.docx, a new version each run); its target is under 1 s. Prints the
median and the 90th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import Session, select  # noqa: E402

import boardroom.models as m  # noqa: E402
from boardroom import create_app  # noqa: E402
from boardroom.decisions.votes import voting_seats  # noqa: E402

SECRETARY = ("sekretaer@digitalehelgeland.example", "sekretaer-demo")


def token(client, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def timed(runs: int, before, action) -> list[float]:
    times = []
    for _ in range(runs + 3):  # the first three warm up
        before()
        start = time.perf_counter()
        status = action()
        times.append((time.perf_counter() - start) * 1000)
        if status not in (200, 302):
            raise SystemExit(f"unexpected status {status}")
    return times[3:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    url = os.environ.get("BOARDROOM_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='boardroom-bench-')}/b.sqlite"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RESPONSE_CACHE_SIZE": 0})
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code:
        raise SystemExit(result.output)
    engine = app.extensions["boardroom.engine"]

    with Session(engine) as session:
        meeting = session.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).one()
        meeting.status = m.MeetingStatus.held
        for item in meeting.items:  # how each case was decided, as the secretary records it before approval
            item.decided_by = item.decided_by or m.DecisionMethod.none
        session.commit()
        meeting_id = meeting.id
        budget = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting_id,
                                                         m.AgendaItem.number_seq == 40)).one()
        attendance = {a.id: a.status.value for a in meeting.attendances}
        votes = {s.municipality.id: "for" if s.voter else "absent" for s in voting_seats(session, budget)}
        voter = next(key for key, value in votes.items() if value == "for")

    client = app.test_client()
    client.post("/login", data={"email": SECRETARY[0], "password": SECRETARY[1], "csrf_token": token(client, "/login")})
    csrf = token(client, f"/meetings/{meeting_id}/oppmote")

    def set_status(status):
        def reset():
            with Session(engine) as session:
                session.get(m.Meeting, meeting_id).status = status
                session.commit()
        return reset

    nothing = lambda: None  # noqa: E731
    flip = iter(range(10**6))
    attendance_form = {f"status_{key}": value for key, value in attendance.items()} | {"csrf_token": csrf}

    def vote_form():
        choice = "against" if next(flip) % 2 else "for"  # a change every time, so every run writes
        return {"decision": "Styret godkjente budsjett for 2026.", "discussion": "Notater.", "majority_rule": "simple",
                "majority_base": "votes_cast", "method": "counted", "csrf_token": csrf} | {f"vote_{key}": value for key, value in votes.items()} | {
                f"vote_{voter}": choice}

    rows = [
        ("Registrer oppmøte (24 personer)", nothing,
         lambda: client.post(f"/meetings/{meeting_id}/oppmote", data=attendance_form).status_code),
        ("Lagre vedtak og votering (19 kommuner)", nothing,
         lambda: client.post(f"/cases/{budget.id}/vedtak", data=vote_form()).status_code),
        ("Godkjenn protokoll", set_status(m.MeetingStatus.held),
         lambda: client.post(f"/meetings/{meeting_id}/godkjenn", data={"confirm": "y", "csrf_token": csrf}).status_code),
    ]
    print(f"{engine.dialect.name}, {args.runs} runs each (ms)")
    print(f"{'':42} {'median':>8} {'p90':>8}")
    for name, before, action in rows:
        times = sorted(timed(args.runs, before, action))
        print(f"{name:42} {statistics.median(times):8.1f} {times[int(len(times) * 0.9) - 1]:8.1f}")


if __name__ == "__main__":
    main()
