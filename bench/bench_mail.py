"""Time "Send innkalling" to 25 people, who each get a row queued in the outbox; the worker,
afterwards, builds each e-mail (text, HTML, innkalling.docx, calendar invitation) and sends it.

    python bench/bench_mail.py [--runs 15]

Loads the demo into a fresh SQLite file (or BOARDROOM_DATABASE_URL, if set), adds 25 board
members with e-mail addresses, and posts "Send innkalling" for a fresh meeting of 15 cases
every run, as a browser would (CSRF token, one commit per request), with BOARDROOM_SMTP_URL
pointing at a mail server that is not running (the request must not care). Then it starts a
real SMTP server (aiosmtpd) and times one worker pass delivering the last run's 25 messages.
Target: the request answers in under 300 ms.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_approval import SECRETARY, timed, token  # noqa: E402
from bench_workflow import BACKGROUND, CASES  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

import boardroom.models as m  # noqa: E402
from boardroom import create_app  # noqa: E402
from boardroom.mail.outbox import deliver_due  # noqa: E402
from boardroom.meetings.agenda import add_case, create_meeting, invite  # noqa: E402
from tests.mail_helpers import SmtpServer  # noqa: E402

PEOPLE = 25


def make_meeting(app, engine, day: int, people: list[int]) -> int:
    with app.app_context(), Session(engine) as session:
        body = session.exec(select(m.Body)).first()
        start = datetime(2030, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=day)
        meeting = create_meeting(session, body, title="Styremøte", starts_at=start, ends_at=start + timedelta(hours=5))
        for a in list(meeting.attendances):
            session.delete(a)
        session.flush()
        session.refresh(meeting)
        for person_id in people:
            invite(session, meeting, person_id)
        for i in range(CASES):
            add_case(session, meeting, title=f"Sak {i + 1}", kind=m.CaseKind.decision, background=BACKGROUND,
                     proposal="Styret tar saken til orientering.")
        session.commit()
        return meeting.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="boardroom-bench-")
    url = os.environ.get("BOARDROOM_DATABASE_URL") or f"sqlite:///{folder}/b.sqlite"
    server = SmtpServer()  # not started yet: nothing listens while the requests are timed
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RESPONSE_CACHE_SIZE": 0,
                      "SMTP_URL": server.url,
                      "MAIL_FROM": "Digitale Helgeland <post@dh.example>"})
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code:
        raise SystemExit(f"{result.output}{result.exception!r}")
    engine = app.extensions["boardroom.engine"]
    with Session(engine) as session:
        people = [m.Person(name=f"Medlem {i + 1}", email=f"medlem{i + 1}@kommune.example") for i in range(PEOPLE)]
        session.add_all(people)
        session.commit()
        ids = [p.id for p in people]

    client = app.test_client()
    client.post("/login", data={"email": SECRETARY[0], "password": SECRETARY[1], "csrf_token": token(client, "/login")})
    csrf = token(client, "/meetings/new")
    days = iter(range(1, 10**6))
    fresh = {}

    def before():
        fresh["id"] = make_meeting(app, engine, next(days), ids)

    def send():
        response = client.post(f"/meetings/{fresh['id']}/send", data={"csrf_token": csrf})
        return response.status_code

    times = sorted(timed(args.runs, before, send))
    with Session(engine) as session:
        queued = session.exec(select(m.OutboxMessage).where(m.OutboxMessage.meeting_id == fresh["id"])).all()
        assert len(queued) == PEOPLE, len(queued)
    print(f"{engine.dialect.name}, {args.runs} runs (ms)")
    print(f"{'Send innkalling til 25 personer (15 saker)':48} median {statistics.median(times):7.1f}  "
          f"p90 {times[int(len(times) * 0.9) - 1]:7.1f}  (target < 300)")

    # the worker, afterwards: deliver everything due to a real SMTP server
    server.start()
    try:
        with Session(engine) as session:  # only the last run's messages are due now; the rest later
            for row in session.exec(select(m.OutboxMessage).where(m.OutboxMessage.meeting_id != fresh["id"])).all():
                row.status = m.OutboxStatus.sent
            session.commit()
        start = time.perf_counter()
        with app.app_context():  # as the worker runs it
            counts = deliver_due(engine, app.config)
        elapsed = (time.perf_counter() - start) * 1000
        print(f"{'Arbeideren bygger og leverer 25 e-poster':48} {elapsed:7.1f} ms  {counts}")
        assert counts.get("sent") == PEOPLE and len(server.inbox.messages) == PEOPLE
        with Session(engine) as session:
            sent = session.exec(select(m.OutboxMessage).where(m.OutboxMessage.meeting_id == fresh["id"])).all()
            size = sum(len(row.message) for row in sent) / len(sent)
        print(f"{'':48} {PEOPLE} e-poster sendt, {size / 1024:.0f} kB hver")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
