"""Time the secretary's agenda forms, in process, on a real database.

    python bench/bench_workflow.py [--runs 30]

Loads the demo into a fresh SQLite file (or BOARDROOM_DATABASE_URL, if set), signs in as
the demo secretary and posts each form through Flask's test client, as a browser would
(CSRF token, one commit per request), on meetings of 15 cases (the body's three standard
cases and twelve more, with Markdown texts of the demo's length):

- saving a case (the edit form, a changed text every run, so every run writes),
- adding a case,
- sending the notice, which numbers all 15 cases (a fresh meeting for every run, made
  outside the timing),
- building the notice as DOCX (cache off: every request builds it).

Prints the median and the 90th percentile of each in milliseconds; the target for saving a
case and sending a notice is a median under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_approval import SECRETARY, timed, token  # noqa: E402  (the same helpers as the other form bench)
from sqlmodel import Session, select  # noqa: E402

import boardroom.models as m  # noqa: E402
from boardroom import create_app  # noqa: E402
from boardroom.meetings.agenda import add_case, create_meeting  # noqa: E402

CASES = 12  # plus the three standard cases: 15
BACKGROUND = """Digitale Helgeland har i 2025 arbeidet med **felles anskaffelser**, *informasjonssikkerhet* og
drift av fellesløsninger for de 19 medlemskommunene.

- Felles anskaffelse av EPJ helse og omsorg: konkurransegrunnlaget er sendt ut.
- Velferdsteknologi: 14 av 19 kommuner er i drift.
- Digital hjemmeoppfølging: 20 pasienter i fire klynger.

| Kommune | Innbyggere | Andel |
|---|--:|--:|
| Rana | 26 548 | kr 610 604 |
| Alstahaug | 7 300 | kr 167 900 |
| Bindal | 1 400 | kr 32 200 |

Administrasjonen foreslår at styret tar saken til orientering og ber om en ny status i neste møte.
"""


def make_meeting(app, engine, day: int):
    """A planned meeting of 15 cases, made with the domain functions (outside the timing)."""
    with app.app_context(), Session(engine) as session:
        body = session.exec(select(m.Body)).first()
        start = datetime(2030, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=day)
        meeting = create_meeting(session, body, title="Styremøte", starts_at=start, ends_at=start + timedelta(hours=5))
        for i in range(CASES):
            add_case(session, meeting, title=f"Sak {i + 1}", kind=m.CaseKind.decision, background=BACKGROUND,
                     assessment="Vurderingen er **kort**.", proposal="Styret tar saken til orientering.")
        session.commit()
        return meeting.id, [item.id for item in meeting.items]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="boardroom-bench-")
    url = os.environ.get("BOARDROOM_DATABASE_URL") or f"sqlite:///{folder}/b.sqlite"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RESPONSE_CACHE_SIZE": 0})
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code:
        raise SystemExit(result.output)
    engine = app.extensions["boardroom.engine"]

    client = app.test_client()
    client.post("/login", data={"email": SECRETARY[0], "password": SECRETARY[1], "csrf_token": token(client, "/login")})
    meeting_id, item_ids = make_meeting(app, engine, 0)
    csrf = token(client, f"/meetings/{meeting_id}/cases/new")
    edited = item_ids[5]
    counter = iter(range(10**6))
    days = iter(range(1, 10**6))
    fresh = {}

    def case_form(title: str) -> dict:
        return {"title": title, "kind": "decision", "case_handler_id": "", "agenda_note": "",
                "background": f"{BACKGROUND}\nEndring {next(counter)}.", "assessment": "Vurderingen er **kort**.",
                "proposal": "Styret tar saken til orientering.", "exemption_basis": "", "public_title": "",
                "placement": "before_closing", "csrf_token": csrf}

    def new_meeting():
        fresh["id"] = make_meeting(app, engine, next(days))[0]

    def check(response, expected="") -> int:
        if expected and expected not in response.headers.get("Location", ""):
            raise SystemExit(f"unexpected answer: {response.status_code} {response.headers.get('Location')}")
        return response.status_code

    nothing = lambda: None  # noqa: E731
    rows = [
        ("Lagre sak (rediger, 15 saker i møtet)", nothing,
         lambda: check(client.post(f"/cases/{edited}/edit", data=case_form("Sak 6")), "/agenda")),
        ("Legg til sak", nothing,
         lambda: check(client.post(f"/meetings/{meeting_id}/cases/new", data=case_form("Ny sak")), "/agenda")),
        ("Send innkalling (15 saker nummereres)", new_meeting,
         lambda: check(client.post(f"/meetings/{fresh['id']}/send", data={"csrf_token": csrf}), "/agenda")),
        ("Innkalling som DOCX (15 saker)", nothing,
         lambda: client.get(f"/meetings/{fresh['id']}/innkalling.docx").status_code),
    ]
    print(f"{engine.dialect.name}, {args.runs} runs each (ms)")
    print(f"{'':42} {'median':>8} {'p90':>8}")
    for name, before, action in rows:
        times = sorted(timed(args.runs, before, action))
        print(f"{name:42} {statistics.median(times):8.1f} {times[int(len(times) * 0.9) - 1]:8.1f}")
    with Session(engine) as session:  # the numbers of the last notice: 15 in agenda order, no gaps
        items = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == fresh["id"])
                             .order_by(m.AgendaItem.position)).all()
        seqs = [item.number_seq for item in items]
        assert len(seqs) == 15 and seqs == list(range(seqs[0], seqs[0] + 15)), seqs


if __name__ == "__main__":
    main()
