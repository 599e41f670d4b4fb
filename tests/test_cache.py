"""Generated pages and documents are built once per change of what they show, and never served stale."""

import re
import threading
from datetime import timedelta

import pytest
from sqlmodel import Session

import boardroom.models as m
from boardroom.core.cache import MEETINGS, LRUCache, raise_revisions, revisions
from tests.conftest import oslo
from tests.test_agenda import case_form


def meeting_revision(session, meeting_id):
    session.expire_all()
    return revisions(session, [("meeting", meeting_id)])[0]


def test_a_change_raises_the_meetings_revision_and_the_next_read_shows_it(client, session, make_meeting, query_counter):
    meeting = make_meeting(cases=2)
    first = client.get(f"/meetings/{meeting.id}")
    assert "Vedtak i sak 1." in first.get_data(as_text=True)

    with query_counter() as n:
        again = client.get(f"/meetings/{meeting.id}")
    assert n[0] == 1  # only the revisions are read
    assert again.data == first.data
    assert client.get(f"/meetings/{meeting.id}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    before = meeting_revision(session, meeting.id)
    item = session.get(m.AgendaItem, meeting.items[0].id)
    item.decision = "Styret vedtok noe helt annet."
    session.commit()
    assert meeting_revision(session, meeting.id)[0][2] == before[0][2] + 1

    changed = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Styret vedtok noe helt annet." in changed
    assert "Vedtak i sak 1." not in changed
    docx = client.get(f"/meetings/{meeting.id}/protokoll.docx")
    assert docx.status_code == 200


def test_error_responses_are_not_cached(client, session, make_meeting):
    assert client.get("/meetings/4242").status_code == 404
    assert client.get("/meetings/4242").status_code == 404


def test_a_flash_message_is_shown_once_and_never_cached(client, make_meeting, auth):
    meeting = make_meeting(cases=1)
    auth.login("reader")  # flashes "Du er logget inn."
    first = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Du er logget inn." in first
    assert "Du er logget inn." not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


@pytest.fixture
def three(session, make_meeting, make_body):
    """Meetings A and B of one body (B later), and C of another body, each with two cases."""
    body = make_body()
    other = make_body("Representantskapet", short_name="RS")
    a = make_meeting(cases=2, body=body, start=oslo(2025, 9, 4, 10), title="Møte A")
    b = make_meeting(cases=2, body=body, start=oslo(2026, 1, 15, 10), title="Møte B")
    c = make_meeting(cases=2, body=other, start=oslo(2025, 10, 16, 10), title="Møte C")
    return a, b, c


def pages_of(meeting):
    return [f"/meetings/{meeting.id}", f"/api/meetings/{meeting.id}", f"/cases/{meeting.items[0].id}"]


def queries_and_body(client, query_counter, path) -> tuple[int, bytes]:
    with query_counter() as n:
        response = client.get(path)
    assert response.status_code == 200
    return n[0], response.data


def warm(client, query_counter, paths) -> dict:
    """Each page read twice: what a read served from the cache costs (the revisions, and the
    account of a signed-in viewer) and gives."""
    for path in paths:
        client.get(path)
    return {path: queries_and_body(client, query_counter, path) for path in paths}


def test_a_change_to_one_meeting_leaves_the_other_meetings_and_bodies_cached(client, session, three, query_counter):
    a, b, c = three
    paths = [p for meeting in three for p in pages_of(meeting)]
    before = warm(client, query_counter, paths)

    item = session.get(m.AgendaItem, a.items[1].id)
    item.decision = "Styret vedtok noe nytt i møte A."
    session.add(m.Attendance(meeting_id=a.id, person_id=item.case_handler_id, status=m.AttendanceStatus.present))
    session.commit()

    assert {p: queries_and_body(client, query_counter, p) for p in pages_of(b) + pages_of(c)} == {
        p: before[p] for p in pages_of(b) + pages_of(c)
    }
    assert "Styret vedtok noe nytt i møte A." in client.get(f"/meetings/{a.id}").get_data(as_text=True)
    assert "Styret vedtok noe nytt i møte A." in client.get(f"/api/meetings/{a.id}").get_data(as_text=True)
    with query_counter() as n:
        client.get("/meetings")  # the list shows every meeting: built anew
    assert n[0] > 1


@pytest.fixture
def live_three(client, session, three, auth):
    """``three``, with A's notice sent and the secretary signed in."""
    auth.login("secretary")
    client.get("/meetings")  # shows "Du er logget inn." once
    session.get(m.Meeting, three[0].id).status = m.MeetingStatus.called
    session.commit()
    return three


def test_a_new_case_in_a_live_meeting_leaves_the_bodys_other_meetings_cached(
    client, session, live_three, auth, query_counter
):
    a, b, c = live_three
    paths = pages_of(b) + pages_of(c)
    before = warm(client, query_counter, paths)
    response = auth.post(f"/meetings/{a.id}/cases/new", data=case_form(title="Ny sak i møtet"))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    assert "Ny sak i møtet" in client.get(f"/meetings/{a.id}").get_data(as_text=True)
    assert {p: queries_and_body(client, query_counter, p) for p in paths} == before


def fresh(app, client, path) -> bytes:
    """The page built anew, as it would be with nothing cached."""
    kept = app.extensions["boardroom.cache"]
    app.extensions["boardroom.cache"] = LRUCache(16)
    try:
        return client.get(path).data
    finally:
        app.extensions["boardroom.cache"] = kept


def without_tokens(page: bytes) -> bytes:
    """The page without its CSRF tokens (signed with the time they were made)."""
    return re.sub(rb"<[^>]*csrf[^>]*>", b"<csrf>", page)


def every_page(meetings) -> list[str]:
    paths = ["/", "/meetings", "/api/meetings", "/calendar.ics", "/follow-ups", "/municipalities"]
    for meeting in meetings:
        paths += [f"/meetings/{meeting.id}", f"/api/meetings/{meeting.id}", f"/meetings/{meeting.id}.ics"]
        paths += [f"/cases/{item.id}" for item in meeting.items]
    return paths


def change_follow_up(session, a, b, c):
    session.get(m.FollowUp, session.info["follow_up"]).text = "Endret oppfølging"


def delete_follow_up(session, a, b, c):
    session.delete(session.get(m.FollowUp, session.info["follow_up"]))


def close_follow_up(session, a, b, c):
    follow_up = session.get(m.FollowUp, session.info["follow_up"])
    follow_up.closed_by_item_id, follow_up.status = c.items[0].id, m.FollowUpStatus.done


def change_case_title(session, a, b, c):
    item = session.get(m.AgendaItem, a.items[0].id)
    session.get(m.Case, item.case_id).title = "Ny tittel på en sak som går igjen"


def change_item_of_a(session, a, b, c):
    item = session.get(m.AgendaItem, a.items[0].id)  # B's case page lists it ("Andre behandlinger")
    item.decision, item.position, item.status = "Et nytt vedtak i A.", 7, m.ItemStatus.withdrawn


def change_item_texts(session, a, b, c):
    item = session.get(m.AgendaItem, a.items[0].id)  # its case comes back in B
    item.background, item.background_html = "Nye opplysninger.", "<p>Nye opplysninger.</p>"
    item.proposal, item.proposal_html = "Et nytt forslag.", "<p>Et nytt forslag.</p>"


def change_return_in_b(session, a, b, c):
    session.get(m.AgendaItem, b.items[1].id).status = m.ItemStatus.deferred  # A's case page lists it


def change_meeting_date(session, a, b, c):
    meeting = session.get(m.Meeting, a.id)
    meeting.starts_at -= timedelta(days=1)
    meeting.ends_at -= timedelta(days=1)


def change_meeting_title(session, a, b, c):
    session.get(m.Meeting, a.id).title = "Møte A, omdøpt"


def move_item_to_c(session, a, b, c):
    item = session.get(m.AgendaItem, a.items[1].id)
    item.meeting_id, item.position = c.id, 9


def delete_item_of_a(session, a, b, c):
    session.delete(session.get(m.AgendaItem, a.items[1].id))


def change_person(session, a, b, c):
    item = session.get(m.AgendaItem, b.items[0].id)
    session.get(m.Person, item.case_handler_id).name = "Hilde Omdøpt"


def change_body(session, a, b, c):
    session.get(m.Body, b.body_id).name = "Styret med nytt navn"


def add_vote(session, a, b, c):
    town = m.Municipality(name="Vefsn", number="1824")
    event = m.VoteEvent(agenda_item_id=b.items[0].id, subject="Forslag til vedtak")
    session.add_all([town, event])
    session.flush()
    session.add(m.Vote(vote_event_id=event.id, municipality_id=town.id, choice=m.VoteChoice.for_))


def add_attendance(session, a, b, c):
    item = session.get(m.AgendaItem, b.items[0].id)
    session.add(m.Attendance(meeting_id=b.id, person_id=item.case_handler_id, status=m.AttendanceStatus.present))


def add_correction(session, a, b, c):
    session.add(
        m.Correction(
            meeting_id=b.id,
            reason="Rettet en skrivefeil.",
            field="decision",
            before="a",
            after="b",
            agenda_item_id=b.items[0].id,
            made_by="Sekretær",
        )
    )


# in this order, one after the other (each starts from the pages the one before left)
CHANGES = [
    change_follow_up,
    close_follow_up,
    change_case_title,
    change_item_of_a,
    change_item_texts,
    change_return_in_b,
    change_meeting_date,
    change_meeting_title,
    change_person,
    change_body,
    add_vote,
    add_attendance,
    add_correction,
    move_item_to_c,
    delete_item_of_a,
    delete_follow_up,
]


def test_every_page_served_after_a_change_is_the_page_built_anew(app, client, session, three, auth):
    """A's first case has an open follow-up (B, later in the same body, lists it) and comes back
    in B (each treatment's case page lists the other); C belongs to another body. After each
    kind of change every page, cached before, is exactly what it would be built anew."""
    a, b, c = three
    for meeting in (a, b):
        session.get(m.Meeting, meeting.id).status = m.MeetingStatus.held  # live minutes, not stored ones
    first = session.get(m.AgendaItem, a.items[0].id)
    follow_up = m.FollowUp(agenda_item_id=first.id, text="Følge opp saken", due_date=oslo(2026, 3, 1).date())
    session.add(follow_up)
    session.get(m.AgendaItem, b.items[1].id).case_id = first.case_id  # the case comes back in B
    session.commit()
    session.info["follow_up"] = follow_up.id
    auth.login("secretary")
    client.get("/meetings")  # shows "Du er logget inn." once
    paths = every_page((a, b, c))
    before = {p: client.get(p).data for p in paths}

    for change in CHANGES:
        change(session, a, b, c)
        session.commit()
        served = {p: client.get(p).data for p in paths}
        assert [p for p in paths if served[p] != before[p]], change.__name__  # the change shows somewhere
        # a page served as it was before must be what it would be built anew (one built anew is)
        kept = [p for p in paths if served[p] == before[p]]
        assert [p for p in kept if without_tokens(served[p]) != without_tokens(fresh(app, client, p))] == [], (
            change.__name__
        )
        before = served


def test_concurrent_writers_lose_no_increment(engine):
    """Two writers raising the same scopes at once: no deadlock, and every increment counts."""
    rounds = 40
    errors = []

    def writer(scopes):
        try:
            for _ in range(rounds):
                with engine.begin() as conn:
                    raise_revisions(conn, scopes)
        except Exception as error:  # noqa: BLE001 – reported below
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=([("meeting", 1), MEETINGS],)),
        threading.Thread(target=writer, args=([MEETINGS, ("meeting", 2), ("meeting", 1)],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        values = {
            (scope, key): value
            for scope, key, value in revisions(session, [("meeting", 1), ("meeting", 2), MEETINGS])[0]
        }
    assert values == {("meeting", 1): 2 * rounds, ("meeting", 2): rounds, MEETINGS: 2 * rounds}
