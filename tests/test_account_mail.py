"""Accounts by e-mail: the secretary invites a person with a one-time link to set a password; a
member resets a forgotten password by e-mail; no password is ever in a mail; wrong, expired or
used links are refused with a 4xx and a Norwegian message."""

from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer

import boardroom.models as m
from boardroom.auth.accounts import authenticate
from tests.mail_helpers import parts
from tests.test_mail import deliver

PASSWORD = "et-godt-passord-42"


def link_in(message) -> str:
    plain = parts(message)["text/plain"][0].get_content()
    return re.search(r"http://boardroom\.test(/account/\S+)", plain).group(1)


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def set_password(client, path, password=PASSWORD, repeated=None):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(path, data={"new": password, "repeated": repeated or password,
                                   "csrf_token": form_token(page.get_data(as_text=True))})


def test_an_invited_person_sets_a_password_once(app, auth, client, session, smtp_server):
    person = m.Person(name="Eva Vega", email="eva@vega.example")
    session.add(person)
    session.commit()
    auth.login("secretary")
    assert "Inviter som styremedlem" in client.get(f"/registers/persons/{person.id}").get_data(as_text=True)
    response = auth.post(f"/persons/{person.id}/account", follow_redirects=True)
    assert response.status_code == 200 and "Eva Vega er invitert" in response.get_data(as_text=True)
    assert auth.post(f"/persons/{person.id}/account").status_code == 409  # one account
    deliver(app)
    (mail,) = smtp_server.inbox.to("eva@vega.example")
    assert mail["Subject"] == "Du er invitert til boardroom"
    path = link_in(mail)
    client.post("/logout", data={"csrf_token": auth.token()})

    other = app.test_client()
    short = set_password(other, path, "kort")
    assert short.status_code == 400 and "minst 10 tegn" in short.get_data(as_text=True)
    assert set_password(other, path).status_code == 302
    session.expire_all()
    user = authenticate(session, "eva@vega.example", PASSWORD)
    assert user is not None and user.role == m.UserRole.member and user.person_id == person.id
    used = other.get(path)
    assert used.status_code == 410 and "allerede brukt" in used.get_data(as_text=True)
    assert PASSWORD not in str(smtp_server.inbox.messages[0][1])


def test_a_forgotten_password_is_reset_by_mail(app, auth, client, session, smtp_server):
    auth.create("member", email="knut@bindal.example")
    page = client.get("/account/forgot").get_data(as_text=True)
    for address in ("knut@bindal.example", "ukjent@example.org"):
        response = client.post("/account/forgot", data={"email": address, "csrf_token": form_token(page)})
        assert response.status_code == 302  # the same answer either way
    deliver(app)
    assert len(smtp_server.inbox.messages) == 1
    (mail,) = smtp_server.inbox.to("knut@bindal.example")
    path = link_in(mail)
    assert path.startswith("/account/reset/")
    assert set_password(app.test_client(), path).status_code == 302
    session.expire_all()
    assert authenticate(session, "knut@bindal.example", PASSWORD) is not None
    assert authenticate(session, "knut@bindal.example", auth.PASSWORD) is None
    assert app.test_client().get(path).status_code == 410


def test_wrong_and_expired_links_are_refused(app, session, auth, monkeypatch):
    user = auth.create("member", email="knut@bindal.example")
    client = app.test_client()
    wrong = client.get("/account/reset/not-a-token")
    assert wrong.status_code == 404 and "ugyldig" in wrong.get_data(as_text=True)
    old = URLSafeTimedSerializer("test", salt="boardroom-reset")
    token = old.dumps({"u": user.id, "h": user.password_hash[-12:], "jti": "x"})
    import time

    later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: later)  # three hours on the clock: a reset link lasts two
    expired = client.get("/account/reset/" + token)
    monkeypatch.undo()
    assert expired.status_code == 410 and "utløpt" in expired.get_data(as_text=True)
    # an invitation link is no reset link
    invitation = URLSafeTimedSerializer("test", salt="boardroom-invitation").dumps(
        {"u": user.id, "h": user.password_hash[-12:], "jti": "y"})
    assert client.get("/account/reset/" + invitation).status_code == 404
