"""Case numbering: sequential per body and year, never duplicated."""

import itertools
import threading

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

import boardroom.models as m
from boardroom.meetings.numbering import NumberFormatError, assign_number, format_number, next_sequence, validate_format

PLACES = itertools.count(10_000)  # a place of its own on the agenda for every item (positions are unique per meeting)


def new_item(session, meeting, title="Ny sak"):
    case = m.Case(body_id=meeting.body_id, title=title)
    session.add(case)
    session.flush()
    item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=meeting.body_id, position=next(PLACES))
    session.add(item)
    session.flush()
    return item


def test_format_default_and_custom():
    assert format_number(None, 2025, 38) == "38-25"
    assert format_number("{seq:02d}-{yy}", 2026, 1) == "01-26"
    assert format_number("{year}/{seq}", 2025, 7) == "2025/7"
    assert format_number(None, None, None) == ""


@pytest.mark.parametrize("bad", ["{foo}", "{seq:02d}-{yy", "sak", "{yy}"])
def test_invalid_formats_are_refused_in_norwegian(bad):
    with pytest.raises(NumberFormatError, match="aksnummer|løpenummer"):
        validate_format(bad)


def test_numbers_follow_on_per_body_and_year(session, make_meeting, make_body):
    meeting = make_meeting(cases=37)  # 01-25 .. 37-25
    assert next_sequence(session, meeting.body_id, 2025) == 38
    item = assign_number(session, new_item(session, meeting), 2025)
    assert (item.number_year, item.number_seq) == (2025, 38)
    # a new year starts at 1, and another body has its own sequence
    assert assign_number(session, new_item(session, meeting), 2026).number_seq == 1
    other = make_meeting(body=make_body("Annet styre"))
    assert assign_number(session, new_item(session, other), 2025).number_seq == 1


def test_a_numbered_item_keeps_its_number(session, make_meeting):
    meeting = make_meeting(cases=2)
    item = meeting.items[0]
    assert assign_number(session, item, 2025).number_seq == 1


def test_database_refuses_a_duplicate_number(session, make_meeting):
    meeting = make_meeting(cases=1)
    item = new_item(session, meeting)
    item.number_year, item.number_seq = 2025, 1
    with pytest.raises(IntegrityError):
        session.flush()


def test_concurrent_writers_never_share_a_number(engine, make_meeting):
    """Eight sessions number at the same moment; every number is distinct and contiguous."""
    meeting = make_meeting(cases=0)
    writers = 8
    barrier = threading.Barrier(writers)
    numbers, errors = [], []

    def write():
        try:
            with Session(engine) as s:
                item = new_item(s, s.get(m.Meeting, meeting.id))
                s.commit()
                barrier.wait(timeout=10)
                assign_number(s, item, 2025)
                s.commit()
                numbers.append(item.number_seq)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, writers + 1))
