"""Generated pages and documents are built once per change, and never served stale."""

import boardroom.models as m
from boardroom.core.cache import current_revision


def test_a_change_raises_the_revision_and_the_next_read_shows_it(client, session, make_meeting, query_counter):
    meeting = make_meeting(cases=2)
    first = client.get(f"/meetings/{meeting.id}")
    assert "Vedtak i sak 1." in first.get_data(as_text=True)

    with query_counter() as n:
        again = client.get(f"/meetings/{meeting.id}")
    assert n[0] == 1  # only the revision is read
    assert again.data == first.data
    assert client.get(f"/meetings/{meeting.id}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    before = current_revision(session)
    item = session.get(m.AgendaItem, meeting.items[0].id)
    item.decision = "Styret vedtok noe helt annet."
    session.commit()
    assert current_revision(session) == before + 1

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
