"""Accounts, log-in and roles."""

import pytest

from boardroom.auth.accounts import AccountError, authenticate, create_user


def test_passwords_are_hashed_and_checked(session):
    user = create_user(session, "Sekretar@Example.org", "et-langt-passord", "secretary")
    assert user.email == "sekretar@example.org"
    assert "et-langt-passord" not in user.password_hash
    assert authenticate(session, "SEKRETAR@example.org", "et-langt-passord").id == user.id
    assert authenticate(session, "sekretar@example.org", "feil-passord") is None


@pytest.mark.parametrize(
    "email, password, role, message",
    [
        ("ikke-en-adresse", "et-langt-passord", "secretary", "gyldig e-postadresse"),
        ("a@example.org", "kort", "secretary", "minst 10 tegn"),
        ("a@example.org", "et-langt-passord", "sjef", "Ukjent rolle"),
        ("a@example.org", "et-langt-passord", "member", "knyttes til en person"),
    ],
)
def test_bad_account_data_is_refused_in_norwegian(session, email, password, role, message):
    with pytest.raises(AccountError, match=message):
        create_user(session, email, password, role)


def test_login_logout_and_wrong_password(client, auth):
    user = auth.create("secretary")
    bad = client.post("/login", data={"email": user.email, "password": "feil-passord", "csrf_token": auth.token()})
    assert bad.status_code == 400
    assert "Feil e-postadresse eller passord." in bad.get_data(as_text=True)
    assert user.email in bad.get_data(as_text=True)  # what the user typed is kept

    ok = client.post("/login?next=/meetings", data={"email": user.email, "password": auth.PASSWORD,
                                                     "csrf_token": auth.token()})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/meetings")
    page = client.get("/").get_data(as_text=True)
    assert f"Logg ut ({user.email})" in page
    auth._token = None
    assert auth.post("/logout").status_code == 302
    assert "Logg inn" in client.get("/").get_data(as_text=True)


def test_login_never_redirects_to_another_site(client, auth):
    user = auth.create("reader")
    response = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": auth.PASSWORD,
                                                                   "csrf_token": auth.token()})
    assert response.headers["Location"] == "/"


def test_login_without_csrf_token_is_refused(client, auth):
    user = auth.create("secretary")
    response = client.post("/login", data={"email": user.email, "password": auth.PASSWORD})
    assert response.status_code == 400
    assert "sikkerhetsnøkkel" in response.get_data(as_text=True)


def test_cli_user_create_reads_the_password_from_stdin(runner, session):
    result = runner.invoke(args=["user", "create", "--email", "ny@example.org", "--role", "secretary"],
                           input="et-langt-passord\n")
    assert result.exit_code == 0, result.output
    assert "Opprettet ny@example.org (secretary)." in result.output
    assert authenticate(session, "ny@example.org", "et-langt-passord") is not None
    again = runner.invoke(args=["user", "create", "--email", "ny@example.org", "--role", "secretary"],
                          input="et-langt-passord\n")
    assert again.exit_code == 1 and "finnes allerede" in again.output


def test_minutes_are_signed_with_the_person_name_not_the_address(session):
    import boardroom.models as m
    from boardroom.auth.accounts import signature

    person = m.Person(name="Hilde Rafaelsen")
    session.add(person)
    session.flush()
    linked = create_user(session, "hilde@example.org", "et-langt-passord", "secretary", person.id)
    bare = create_user(session, "admin@example.org", "et-langt-passord", "admin")
    assert signature(session, linked) == "Hilde Rafaelsen"
    assert signature(session, bare) == "admin@example.org"
