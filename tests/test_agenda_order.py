"""An agenda order that holds: every way a case reaches a meeting (added, deferred, late) puts it
before the closing cases (Eventuelt); ten writers at once keep one place each; the deferral form
takes a reason and can make the meeting it defers to; the migration mends old agendas."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

import boardroom.models as m
from boardroom.core.db import alembic_config, make_engine
from boardroom.decisions.deferral import defer
from boardroom.meetings import agenda
from boardroom.meetings.minutes import load_meeting
from tests.agenda_helpers import board, numbers, planned, titles, uploads  # noqa: F401  (fixtures)
from tests.conftest import oslo
from tests.test_pages import text_of
from tests.test_protokoll import blocks, protokoll

OPENING = ["Godkjenning av innkalling og agenda", "Valg av person til å undertegne protokoll sammen med møteleder"]


def reload(session, meeting):
    session.expire_all()
    return load_meeting(session, meeting.id)


def assert_agenda_holds(meeting, ordinary: int):
    """Opening cases first, then ``ordinary`` cases, Eventuelt last; places 1…n, one case each."""
    assert titles(meeting)[:2] == OPENING and titles(meeting)[-1] == "Eventuelt"
    assert len(meeting.items) == ordinary + 3
    assert [item.position for item in meeting.items] == list(range(len(meeting.items)))
    assert [item.closing for item in meeting.items] == [False] * (ordinary + 2) + [True]


@pytest.fixture
def two_meetings(session, board, planned):
    """The meeting of 20 November 2025 (held, three cases) and a later one on 5 February 2026 (called)."""
    earlier = planned(cases=3)
    agenda.send_notice(session, reload(session, earlier))
    earlier.status = m.MeetingStatus.held
    later = planned(cases=1, start=oslo(2026, 2, 5, 10))
    agenda.send_notice(session, reload(session, later))  # 01-26 … 04-26
    session.commit()
    return reload(session, earlier), reload(session, later)


# --------------------------------------------------------------------------- deferral


def test_a_deferred_case_lands_before_eventuelt_with_its_reason_in_the_minutes(session, two_meetings):
    earlier, later = two_meetings
    budget = earlier.items[3]  # 04-25 Ny sak 2
    moved = defer(session, budget, later, reason="Saken må utredes mer.")
    session.commit()

    later = reload(session, later)
    assert list(zip(numbers(later), titles(later)))[2:] == [
        ("03-26", "Ny sak 1"), ("05-26", "Ny sak 2"), ("04-26", "Eventuelt")]
    assert_agenda_holds(later, 2)
    assert moved.deferred_from_id == budget.id and budget.deferral_reason == "Saken må utredes mer."
    first = blocks(protokoll(session, earlier.id))
    at = first.index("Sak 04-25 Ny sak 2")
    assert first[at + 1] == "Saken ble utsatt til møtet 5. februar 2026. Begrunnelse: Saken må utredes mer."


def test_a_deferral_without_a_reason_prints_as_before(session, two_meetings):
    earlier, later = two_meetings
    defer(session, earlier.items[2], later)
    session.commit()
    first = blocks(protokoll(session, earlier.id))
    assert first[first.index("Sak 03-25 Ny sak 1") + 1] == "Saken ble utsatt til møtet 5. februar 2026."


# --------------------------------------------------------------------------- ten writers at once


def test_ten_writers_at_once_keep_one_place_each_before_eventuelt(engine, session, two_meetings):
    """Five secretaries add late cases and five defer cases into the same called meeting at the
    same moment, each in a session of its own: every case lands before Eventuelt, the places are
    1…n with none shared, and every case has a number of its own."""
    earlier, later = two_meetings
    extra = [agenda.add_case(session, earlier, title=f"Utsettes {i}", kind=m.CaseKind.decision) for i in range(2)]
    session.commit()
    deferrable = [item.id for item in earlier.items[2:5]] + [item.id for item in extra]  # five cases
    writers = 10
    barrier = threading.Barrier(writers)
    errors = []

    def write(index: int):
        try:
            with Session(engine, expire_on_commit=False) as s:
                target = load_meeting(s, later.id)
                item = s.get(m.AgendaItem, deferrable[index // 2]) if index % 2 else None
                if item is not None:
                    load_meeting(s, item.meeting_id)
                barrier.wait(timeout=20)
                if item is None:
                    agenda.add_case(s, target, title=f"Hastesak {index}", kind=m.CaseKind.decision)
                else:
                    defer(s, item, target, reason=f"Grunn {index}")
                s.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    later = reload(session, later)
    assert_agenda_holds(later, 1 + writers)
    added = set(titles(later)[3:-1])
    assert added == {f"Hastesak {i}" for i in range(0, writers, 2)} | {"Ny sak 1", "Ny sak 2", "Ny sak 3",
                                                                         "Utsettes 0", "Utsettes 1"}
    assert sorted(item.number_seq for item in later.items) == list(range(1, writers + 5))


# --------------------------------------------------------------------------- the deferral form


@pytest.fixture
def secretary(auth):
    return auth.login("secretary")


def test_defer_form_takes_a_reason_shown_on_both_treatments(session, auth, secretary, two_meetings):
    earlier, later = two_meetings
    item = earlier.items[2]
    response = auth.post(f"/cases/{item.id}/utsett", {"meeting": str(later.id), "reason": "  Mangler tall. "})
    assert response.status_code == 302
    moved = session.exec(select(m.AgendaItem).where(m.AgendaItem.deferred_from_id == item.id)).one()
    for treatment in (item, moved):
        page = text_of(auth.client.get(f"/cases/{treatment.id}").get_data(as_text=True))
        assert "Begrunnelse for utsettelsen Mangler tall." in page
    assert titles(reload(session, later))[-2:] == ["Ny sak 1", "Eventuelt"]


def test_defer_form_can_make_the_meeting_it_defers_to(session, auth, secretary, board, planned):
    earlier = planned(cases=2, place="Brønnøysund")
    item = reload(session, earlier).items[2]
    url = f"/cases/{item.id}/utsett"
    page = auth.client.get(url).get_data(as_text=True)
    assert '<option selected value="new">Nytt møte (opprettes som planlagt)</option>' in page
    assert "Styret har ingen senere planlagte møter." in text_of(page)

    response = auth.post(url, {"meeting": "new", "new_date": "12.01.2026", "new_start": "09:00",
                               "new_end": "12.00", "reason": "Venter på tilbud."})
    assert response.status_code == 302
    new = session.exec(select(m.Meeting).where(m.Meeting.id != earlier.id)).one()
    new = reload(session, new)
    assert (new.status, new.place, new.all_day) == (m.MeetingStatus.planned, "Brønnøysund", False)
    assert titles(new) == OPENING + ["Ny sak 1", "Eventuelt"]
    assert_agenda_holds(new, 1)
    assert {a.person.name for a in new.attendances} >= {"Rachel Berg", "Knut Toresen", "Eva Vega"}
    page = text_of(auth.client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Saken er utsatt til møtet 12. januar 2026." in page and "kl. 09.00" in page


def test_a_new_meeting_without_a_time_is_a_whole_day(session, auth, secretary, board, planned):
    item = reload(session, planned(cases=1)).items[2]
    response = auth.post(f"/cases/{item.id}/utsett", {"meeting": "new", "new_date": "2026-01-12"})
    assert response.status_code == 302
    new = session.exec(select(m.Meeting).where(m.Meeting.id != item.meeting_id)).one()
    assert new.all_day and new.starts_at == oslo(2026, 1, 12) and new.ends_at == oslo(2026, 1, 13)


@pytest.mark.parametrize("data, message", [
    ({"meeting": "new"}, "Oppgi datoen for det nye møtet."),
    ({"meeting": "new", "new_date": "   "}, "Oppgi datoen for det nye møtet."),
    ({"meeting": "new", "new_date": "31.02.2026"}, "ikke en gyldig dato"),
    ({"meeting": "new", "new_date": "01.01.0001"}, "Oppgi en dato mellom år 1900 og 2200."),
    ({"meeting": "new", "new_date": "2025-11-19"}, "Det nye møtet må være etter dette møtet."),
    ({"meeting": "new", "new_date": "2025-11-20", "new_start": "09:00", "new_end": "09:30"},
     "Det nye møtet må være etter dette møtet."),
    ({"meeting": "new", "new_date": "2026-01-12", "new_start": "09:00"}, "Oppgi både fra og til klokken"),
    ({"meeting": "new", "new_date": "2026-01-12", "new_start": "12:00", "new_end": "09:00"},
     "Møtet må slutte etter at det begynner."),
    ({"meeting": "new", "new_date": "2026-01-12", "new_start": "25:00", "new_end": "26:00"},
     "ikke et gyldig klokkeslett"),
    ({"meeting": "new", "new_date": "2026-01-12", "reason": "x" * 501}, "Begrunnelsen kan ha høyst 500 tegn."),
    ({"meeting": "new", "new_date": "2026-01-12", "reason": "null\x00byte"}, "ugyldig tegn (NUL)"),
    ({"meeting": "999999999999999999999999"}, "Ikke et gyldig valg"),
])
def test_defer_form_refuses_bad_input_in_norwegian_and_saves_nothing(session, auth, secretary, board, planned,
                                                                      data, message):
    item = reload(session, planned(cases=1)).items[2]
    response = auth.post(f"/cases/{item.id}/utsett", data)
    assert response.status_code == 400
    assert message in text_of(response.get_data(as_text=True))
    session.expire_all()
    assert session.get(m.AgendaItem, item.id).status == m.ItemStatus.draft
    assert len(session.exec(select(m.Meeting)).all()) == 1


# --------------------------------------------------------------------------- the migration


def test_the_migration_mends_agendas_where_two_cases_shared_a_place(database_url, tmp_path):
    """An agenda the old code left with two cases in one place (and a deferred case after
    Eventuelt) gets places 1…n in the order it showed, and Eventuelt is marked closing."""
    if database_url.startswith("postgresql"):
        base = make_engine(database_url)
        with base.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS agenda_migration CASCADE"))
            conn.execute(text("CREATE SCHEMA agenda_migration"))
        base.dispose()
        engine = make_engine(database_url, connect_args={"options": "-csearch_path=agenda_migration"})
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        with engine.begin() as conn:
            config = alembic_config(str(engine.url))
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
            now = "2025-11-01 10:00:00+00:00"
            conn.execute(text("INSERT INTO body (id, created_at, modified_at, name, short_name, organisation, default_place, "
                              "case_number_format) VALUES (1, :t, :t, 'Styret', 'S', '', '', '')"),
                         {"t": now})
            conn.execute(text("INSERT INTO meeting (id, created_at, modified_at, body_id, title, starts_at, ends_at, "
                              "all_day, place, mode, status, purpose, approved_by, cancelled_reason, sequence) "
                              "VALUES (1, :t, :t, 1, 'Styremøte', :t, :t, false, '', 'physical', 'planned', '', '', "
                              "'', 0)"), {"t": now})
            for case_id, (title, kind, position) in enumerate(
                    [("Godkjenning", "decision", 0), ("Budsjett", "decision", 1), ("Hastesak", "decision", 1),
                     ("Eventuelt", "other_business", 2), ("Utsatt sak", "decision", 3)], start=1):
                conn.execute(text("INSERT INTO \"case\" (id, created_at, modified_at, body_id, title, exempt, "
                                  "exemption_basis, public_title) VALUES (:id, :t, :t, 1, :title, false, '', '')"),
                             {"id": case_id, "t": now, "title": title})
                texts = ", ".join(["''"] * 12)
                conn.execute(text("INSERT INTO agendaitem (id, created_at, modified_at, meeting_id, case_id, body_id, "
                                  "position, kind, status, agenda_note, agenda_note_html, background, background_html, "
                                  "assessment, assessment_html, proposal, proposal_html, decision, decision_html, "
                                  f"discussion, discussion_html, majority_rule) VALUES (:id, :t, :t, 1, :id, 1, :p, "
                                  f":kind, 'draft', {texts}, 'simple')"),
                             {"id": case_id, "t": now, "p": position, "kind": kind})
            conn.execute(text("INSERT INTO voteevent (id, created_at, modified_at, agenda_item_id, subject, requirement) "
                              "VALUES (1, :t, :t, 2, '', 'simple')"), {"t": now})
        with engine.connect() as conn:  # a new connection, as `boardroom db upgrade` makes
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
            rows = conn.execute(text("SELECT c.title, a.position, a.closing, a.deferral_reason FROM agendaitem a "
                                     "JOIN \"case\" c ON c.id = a.case_id ORDER BY a.position")).all()
            # recreating tables on SQLite cascaded nothing away; the vote recorded marks its case as counted
            assert conn.execute(text("SELECT agenda_item_id, base FROM voteevent")).all() == [(2, "votes_cast")]
            assert conn.execute(text("SELECT id FROM agendaitem WHERE decided_by = 'counted'")).all() == [(2,)]
        assert [tuple(r) for r in rows] == [("Godkjenning", 0, False, ""), ("Budsjett", 1, False, ""),
                                            ("Hastesak", 2, False, ""), ("Eventuelt", 3, True, ""),
                                            ("Utsatt sak", 4, False, "")]
    finally:
        if database_url.startswith("postgresql"):
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA agenda_migration CASCADE"))
        engine.dispose()
