"""Sessions that end (#10, item 2): log-out, a password change and deactivation end every
session of the account, copied cookies included; an idle timeout and an absolute lifetime."""

import re

import pytest

from boardroom.auth import sessions


class Clock:
    """The sessions' clock, moved by the test instead of sleeping."""

    def __init__(self, monkeypatch):
        self.t = sessions.now()
        monkeypatch.setattr(sessions, "now", lambda: self.t)

    def advance(self, hours=0, minutes=0, seconds=0):
        self.t += hours * 3600 + minutes * 60 + seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def session_cookie(response) -> str:
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    return cookie.split(";", 1)[0].split("=", 1)[1]


def signed_in_as(app, cookie: str) -> str | None:
    """Who a browser holding only this cookie is signed in as (a fresh client: a copied cookie)."""
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    page = browser.get("/meetings").get_data(as_text=True)
    found = re.search(r"Logg ut \(([^)]+)\)", page)
    return found.group(1) if found else None


def log_in(app, email, password):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, session_cookie(response)


def csrf(client, url="/"):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_a_copied_cookie_stops_working_after_log_out(app, auth):
    user = auth.create("secretary")
    laptop, cookie = log_in(app, user.email, auth.PASSWORD)
    phone, phone_cookie = log_in(app, user.email, auth.PASSWORD)
    assert signed_in_as(app, cookie) == user.email  # a copy works while the session lives

    response = laptop.post("/logout", data={"csrf_token": csrf(laptop)})
    assert response.status_code == 302
    assert signed_in_as(app, cookie) is None  # the copied cookie is dead
    assert signed_in_as(app, phone_cookie) is None  # and so is the account's other session
    assert "Logg inn" in phone.get("/").get_data(as_text=True)
    log_in(app, user.email, auth.PASSWORD)  # logging in again works


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, auth, session):
    user = auth.create("secretary")
    laptop, _ = log_in(app, user.email, auth.PASSWORD)
    _, other = log_in(app, user.email, auth.PASSWORD)
    token = csrf(laptop, "/account/password")

    wrong = laptop.post("/account/password", data={"current": "feil-passord", "new": "nytt-passord-123",
                                                   "repeated": "nytt-passord-123", "csrf_token": token})
    assert wrong.status_code == 400 and "Passordet stemmer ikke." in wrong.get_data(as_text=True)
    short = laptop.post("/account/password", data={"current": auth.PASSWORD, "new": "kort", "repeated": "kort",
                                                   "csrf_token": token})
    assert short.status_code == 400 and "minst 10 tegn" in short.get_data(as_text=True)
    unlike = laptop.post("/account/password", data={"current": auth.PASSWORD, "new": "nytt-passord-123",
                                                    "repeated": "nytt-passord-124", "csrf_token": token})
    assert unlike.status_code == 400 and "ikke like" in unlike.get_data(as_text=True)
    assert signed_in_as(app, other) == user.email  # nothing changed yet

    changed = laptop.post("/account/password", data={"current": auth.PASSWORD, "new": "nytt-passord-123",
                                                      "repeated": "nytt-passord-123", "csrf_token": token},
                          follow_redirects=True)
    assert "Passordet er endret" in changed.get_data(as_text=True)
    assert f"Logg ut ({user.email})" in laptop.get("/meetings").get_data(as_text=True)
    assert signed_in_as(app, other) is None
    log_in(app, user.email, "nytt-passord-123")


def test_the_password_page_needs_a_log_in(client):
    assert client.get("/account/password").headers["Location"].startswith("/login")


def test_deactivating_an_account_ends_its_sessions(app, auth, runner):
    user = auth.create("secretary")
    _, cookie = log_in(app, user.email, auth.PASSWORD)
    result = runner.invoke(args=["user", "deactivate", "--email", user.email])
    assert result.exit_code == 0 and "Deaktiverte" in result.output
    assert signed_in_as(app, cookie) is None
    unknown = runner.invoke(args=["user", "deactivate", "--email", "ingen@example.org"])
    assert unknown.exit_code == 1 and "Fant ingen konto" in unknown.output


def test_an_idle_session_ends_after_eight_hours(app, auth, clock):
    user = auth.create("secretary")
    client, _ = log_in(app, user.email, auth.PASSWORD)
    for _ in range(3):  # used now and then: still signed in after a whole working day
        clock.advance(hours=7, minutes=50)
        assert f"Logg ut ({user.email})" in client.get("/meetings").get_data(as_text=True)
    clock.advance(hours=8, seconds=1)
    page = client.get("/meetings").get_data(as_text=True)
    assert "inaktiv en stund og er logget ut" in page and "Logg ut (" not in page


def test_a_copied_cookie_dies_with_idleness_too(app, auth, clock):
    user = auth.create("secretary")
    _, cookie = log_in(app, user.email, auth.PASSWORD)
    clock.advance(hours=8, minutes=1)
    assert signed_in_as(app, cookie) is None


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, auth, clock):
    user = auth.create("secretary")
    client, _ = log_in(app, user.email, auth.PASSWORD)
    for _ in range(23):  # a request every 7 hours, never idle for 8, for almost 7 days
        clock.advance(hours=7)
        assert f"Logg ut ({user.email})" in client.get("/meetings").get_data(as_text=True)
    clock.advance(hours=6, minutes=59)
    assert f"Logg ut ({user.email})" in client.get("/meetings").get_data(as_text=True)
    clock.advance(minutes=2)
    assert "Logg ut (" not in client.get("/meetings").get_data(as_text=True)


def test_the_timeouts_are_settings(app, auth, clock):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_LIFETIME_HOURS=1)
    user = auth.create("secretary")
    client, _ = log_in(app, user.email, auth.PASSWORD)
    clock.advance(minutes=6)
    assert "Logg ut (" not in client.get("/meetings").get_data(as_text=True)
    client, _ = log_in(app, user.email, auth.PASSWORD)
    for _ in range(15):
        clock.advance(minutes=4)
        client.get("/api/meetings")
    assert "Logg ut (" not in client.get("/meetings").get_data(as_text=True)


def test_forged_or_old_style_session_ids_are_not_accepted(app, auth):
    from flask.sessions import SecureCookieSessionInterface

    user = auth.create("secretary")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for forged in (str(user.id), f"{user.id}:0", f"{user.id}:x:1", f"{user.id}:0:{10**30}"):
        cookie = serializer.dumps({"_user_id": forged, "_fresh": True})
        assert signed_in_as(app, cookie) is None, forged
