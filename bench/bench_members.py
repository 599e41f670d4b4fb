"""Ten years of a board, served as `boardroom serve` does: time the participation matrix and a
member's page, and count their queries.

    python bench/bench_members.py [--requests 60]

Builds a fresh SQLite database (or BOARDROOM_DATABASE_URL, if set) with 19 municipalities,
60 meetings, 800 cases with a vote of every municipality on each, 60 projects with their
decisions and answers (some changed later), a budget a year and a cost per project, benefits
and follow-ups. Then starts `boardroom serve` twice (pages cached until the data changes, and
with the cache off: the first view after a change) and prints the median time of each page,
and the number of SQL statements each runs (counted in-process on the same database, with the
cache off), beside the same counts for a tenth of the data: they must not grow.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import BIN, free_port, get, wait_until_up  # noqa: E402

TARGET_MS = 50
YEARS = 10
MEETINGS_PER_YEAR = 6
CASES = 800
PROJECTS = 60
REGIONS = ["Sør-Helgeland", "Indre Helgeland", "Ytre Helgeland", "Nord-Helgeland"]
TOWNS = [  # (kommunenummer, name, population)
    ("1811", "Bindal", 1359), ("1812", "Sømna", 1995), ("1813", "Brønnøy", 7858), ("1815", "Vega", 1208),
    ("1816", "Vevelstad", 470), ("1818", "Herøy", 1910), ("1820", "Alstahaug", 7485), ("1822", "Leirfjord", 2356),
    ("1824", "Vefsn", 13491), ("1825", "Grane", 1421), ("1826", "Hattfjelldal", 1259), ("1827", "Dønna", 1431),
    ("1828", "Nesna", 1737), ("1832", "Hemnes", 4475), ("1833", "Rana", 25899), ("1834", "Lurøy", 1954),
    ("1835", "Træna", 447), ("1836", "Rødøy", 1151), ("1837", "Meløy", 6073),
]


def utc(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def build(url: str, scale: float = 1.0, seed: int = 4) -> None:
    """Fill an empty, migrated database with ``scale`` × ten years of data."""
    import boardroom.models as m
    from boardroom.core.db import make_engine

    rng = random.Random(seed)
    engine = make_engine(url)
    n_meetings = max(2, round(YEARS * MEETINGS_PER_YEAR * scale))
    n_cases, n_projects = max(4, round(CASES * scale)), max(2, round(PROJECTS * scale))
    first_year = 2016
    with Session(engine) as session:
        body = m.Body(name="Styret i Benkesamarbeidet", short_name="BS", organisation="Benkesamarbeidet")
        session.add(body)
        session.flush()
        towns = []
        for i, (number, name, population) in enumerate(TOWNS):
            town = m.Municipality(number=number, name=name, region=REGIONS[i % 4])
            session.add(town)
            towns.append((town, population))
        session.flush()
        population_days = [date(first_year + y, 6, 30) for y in range(YEARS)]
        session.execute(sa.insert(m.PopulationFigure.__table__), [
            dict(municipality_id=t.id, as_of=d, population=p + 10 * y, source="SSB",
                 created_at=utc(d), modified_at=utc(d))
            for t, p in towns for y, d in enumerate(population_days)
        ])
        people = []
        for town, _ in towns:
            person = m.Person(name=f"Representant for {town.name}")
            session.add(person)
            session.flush()
            session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=town.id,
                                     role=m.MembershipRole.member))
            people.append(person)
        session.flush()

        meetings = []
        for k in range(n_meetings):
            day = date(first_year + k * YEARS // n_meetings, 1 + (k % MEETINGS_PER_YEAR) * 2, 15)
            meeting = m.Meeting(body_id=body.id, starts_at=utc(day), ends_at=utc(day, 15), place="Mosjøen",
                                status=m.MeetingStatus.approved if k < n_meetings - 2 else m.MeetingStatus.planned)
            session.add(meeting)
            meetings.append(meeting)
        session.flush()
        items = []
        per_year: dict[int, int] = {}
        for c in range(n_cases):
            meeting = meetings[c * n_meetings // n_cases]
            year = meeting.starts_at.year
            per_year[year] = per_year.get(year, 0) + 1
            case = m.Case(body_id=body.id, title=f"Sak {c + 1} om et felles tiltak")
            session.add(case)
            session.flush()
            item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=c,
                                number_year=year, number_seq=per_year[year], kind=m.CaseKind.decision,
                                status=m.ItemStatus.treated, background="Bakgrunn med **tekst**.",
                                decision="Styret vedtok forslaget.")
            session.add(item)
            items.append(item)
        session.flush()
        events = []
        for item in items:
            events.append(dict(agenda_item_id=item.id, subject="Forslag til vedtak", requirement="simple",
                               created_at=item.created_at, modified_at=item.created_at))
        session.execute(sa.insert(m.VoteEvent.__table__), events)
        event_ids = session.execute(sa.select(m.VoteEvent.id).order_by(m.VoteEvent.id)).scalars().all()
        session.execute(sa.insert(m.Vote.__table__), [
            dict(vote_event_id=e, municipality_id=t.id, choice="for" if rng.random() > 0.05 else "against",
                 created_at=utc(date(2020, 1, 1)), modified_at=utc(date(2020, 1, 1)))
            for e in event_ids for t, _ in towns
        ])

        rate_key = m.CostKey(body_id=body.id, name="23 kr per innbygger", rate_per_inhabitant=Decimal(23))
        session.add(rate_key)
        phases = list(m.ProjectPhase)
        answers, costs, benefits = [], [], []
        for p in range(n_projects):
            item = items[p * n_cases // n_projects]
            decided = item.meeting.starts_at.date()
            project = m.Project(body_id=body.id, name=f"Prosjekt {p + 1:02d}", phase=phases[p % len(phases)],
                                health=[m.Health.green, m.Health.yellow, None][p % 3], position=p)
            session.add(project)
            session.flush()
            key = m.CostKey(body_id=body.id, name=f"Nøkkel {p + 1}", flat_percent=Decimal(20 + 20 * (p % 3)),
                            per_inhabitant_percent=Decimal(80 - 20 * (p % 3)), project_id=project.id)
            session.add(key)
            for d in range(1 + p % 2):
                decision = m.ProjectDecision(project_id=project.id, title=f"{project.name}, vedtak {d + 1}",
                                             decided_on=decided + timedelta(days=200 * d), agenda_item_id=item.id,
                                             position=2 * p + d)
                session.add(decision)
                session.flush()
                for t, _ in towns:
                    joins = rng.random() > 0.2
                    answers.append(dict(decision_id=decision.id, municipality_id=t.id, answered_on=decision.decided_on,
                                        answer="joins" if joins else "declines", source="vedtak", remark=""))
                    if rng.random() < 0.1:  # changed its mind later
                        answers.append(dict(decision_id=decision.id, municipality_id=t.id,
                                            answered_on=decision.decided_on + timedelta(days=40),
                                            answer="declines" if joins else "joins", source="e-post",
                                            remark="Endret etter fristen"))
            session.flush()
            costs.append(m.Cost(body_id=body.id, description=f"Drift {project.name}", year=decided.year + 1,
                                total=Decimal(rng.randint(100_000, 3_000_000)) + Decimal("0.37"), cost_key_id=key.id,
                                sharing=m.CostSharing.participants,
                                population_date=max(d for d in population_days if d <= decided) if decided >= population_days[0] else population_days[0],
                                project_id=project.id, agenda_item_id=item.id))
            for j in range(5 + p % 14):  # every municipality has benefits, even in the smaller set
                t = towns[(3 * p + j) % len(towns)][0]
                benefits.append(dict(project_id=project.id, municipality_id=t.id,
                                     kind=rng.choice(["planned", "realised"]), amount=Decimal(rng.randint(1000, 90000)),
                                     cost=Decimal(rng.randint(500, 20000)), period=rng.choice(["month", "year"]),
                                     description="Spart tid", hours=Decimal(rng.randint(1, 300))))
        now = utc(date(2025, 1, 1))
        session.execute(sa.insert(m.Participation.__table__),
                        [dict(a, created_at=now, modified_at=now) for a in answers])
        session.execute(sa.insert(m.Benefit.__table__), [dict(b, created_at=now, modified_at=now) for b in benefits])
        session.add_all(costs)
        for y, day in enumerate(population_days):
            session.add(m.Cost(body_id=body.id, description=f"Refusjon fra kommunene {day.year + 1}",
                               year=day.year + 1, total=Decimal("4956481.97") + 100 * y, cost_key_id=rate_key.id,
                               population_date=day, agenda_item_id=items[min(len(items) - 1, y * n_cases // YEARS)].id))
        for k, meeting in enumerate(meetings):
            item = items[k * n_cases // n_meetings]
            for j in range(2):
                session.add(m.FollowUp(
                    agenda_item_id=item.id, text=f"Oppfølging {k}-{j}", due_date=item.meeting.starts_at.date() + timedelta(days=14),
                    responsible_municipality_id=towns[(k + j) % len(towns)][0].id if j else None,
                    responsible_person_id=people[k % len(people)].id if not j else None,
                    status=m.FollowUpStatus.done if k < n_meetings - 6 else m.FollowUpStatus.open,
                ))
        for i, (town, _) in enumerate(towns):  # and a follow-up, closed by a later case
            session.add(m.FollowUp(agenda_item_id=items[i % len(items)].id, text=f"Svar fra {town.name}",
                                   responsible_municipality_id=town.id, status=m.FollowUpStatus.done,
                                   closed_by_item_id=items[-1].id))
        session.commit()
    engine.dispose()


def query_counts(url: str, paths: list[str]) -> dict[str, int]:
    """SQL statements per page, in-process, cache off."""
    from sqlalchemy import event

    from boardroom import create_app

    app = create_app({"DATABASE_URL": url, "RESPONSE_CACHE_SIZE": 0, "SECRET_KEY": "bench"})
    engine = app.extensions["boardroom.engine"]
    counts = {}
    client = app.test_client()
    for path in paths:
        client.get(path)  # warm up (the layout's body, Jinja's compiled templates)
        counter = [0]

        def count(*_args):
            counter[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        response = client.get(path)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (path, response.status_code)
        counts[path] = counter[0]
    engine.dispose()
    return counts


def median_ms(port: int, path: str, n: int) -> float:
    for _ in range(5):
        status, _ = get(port, path)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}")
    times = []
    for _ in range(n):
        start = __import__("time").perf_counter()
        get(port, path)
        times.append((__import__("time").perf_counter() - start) * 1000)
    return statistics.median(times)


def fresh_database(tmp: str, name: str, env: dict) -> str:
    url = f"sqlite:///{tmp}/{name}.sqlite"
    subprocess.run([str(BIN / "boardroom"), "db", "upgrade"], env=dict(env, BOARDROOM_DATABASE_URL=url), check=True,
                   stdout=subprocess.DEVNULL)
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="boardroom-bench-members-")
    env = dict(os.environ, BOARDROOM_SECRET_KEY="bench")
    url = os.environ.get("BOARDROOM_DATABASE_URL") or fresh_database(tmp, "ten-years", env)
    small = fresh_database(tmp, "one-year", env)
    print("Bygger ti år med data …", flush=True)
    build(url)
    build(small, scale=0.1)
    env["BOARDROOM_DATABASE_URL"] = url

    pages = [("Deltakelse (matrise)", "/participation"), ("Kommuneside Rana", "/municipalities/1833"),
             ("Kommuneside Bindal", "/municipalities/1811"), ("JSON kommune Rana", "/api/municipalities/1833")]
    paths = [p for _, p in pages]
    counts, small_counts = query_counts(url, paths), query_counts(small, paths)

    warm, cold = free_port(), free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    boardroom = str(BIN / "boardroom")
    servers = [
        subprocess.Popen([boardroom, "serve", "--port", str(warm), "--workers", "1"], env=env, **quiet),
        subprocess.Popen([boardroom, "serve", "--port", str(cold), "--workers", "1"],
                         env=dict(env, BOARDROOM_RESPONSE_CACHE_SIZE="0"), **quiet),
    ]
    failed = False
    try:
        wait_until_up(warm, "/", servers[0])
        wait_until_up(cold, "/", servers[1])
        print(f"\n10 år: {YEARS * MEETINGS_PER_YEAR} møter, {CASES} saker, {PROJECTS} prosjekter, {len(TOWNS)} kommuner")
        print(f"{'side':28} {'hurtigbuffer':>13} {'uten buffer':>12} {'spørringer':>11} {'(1 år)':>7}  mål")
        for name, path in pages:
            cached_ms = median_ms(warm, path, args.requests)
            cold_ms = median_ms(cold, path, args.requests)
            grows = counts[path] != small_counts[path]
            ok = cold_ms < TARGET_MS and not grows
            failed |= not ok
            print(f"{name:28} {cached_ms:10.1f} ms {cold_ms:9.1f} ms {counts[path]:11d} {small_counts[path]:7d}  "
                  f"{'ok' if ok else 'OVER'} (< {TARGET_MS} ms, like mange spørringer)")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
