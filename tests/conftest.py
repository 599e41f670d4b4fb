"""Fixtures: a real database per test run (SQLite file, or PostgreSQL when
BOARDROOM_TEST_DATABASE_URL is set), emptied after every test; an app, a client, a
command-line runner, a domain session and factories."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text
from sqlmodel import Session, SQLModel

import boardroom.models as m
from boardroom import create_app
from boardroom.core.db import make_engine
from boardroom.core.formatting import OSLO


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("BOARDROOM_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine):
    tables = SQLModel.metadata.sorted_tables
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(table.delete())


@pytest.fixture
def app(engine, database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "BASE_URL": "http://boardroom.test",
        }
    )
    app.extensions["boardroom.engine"].dispose()
    app.extensions["boardroom.engine"] = engine
    yield app
    _empty_tables(engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app, engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def demo(session):
    """Digitale Helgeland's demo data, committed."""
    from boardroom.demo import load_demo

    load_demo(session)
    session.commit()
    return session


@contextmanager
def count_queries(engine):
    """Counts the SQL statements run inside the block: ``with count_queries(e) as n: ...; n[0]``."""
    counter = [0]

    def _count(*_args):
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _count)


@pytest.fixture
def query_counter(engine):
    return lambda: count_queries(engine)


def oslo(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=OSLO).astimezone(timezone.utc)


@pytest.fixture
def make_body(session):
    def make(name="Styret i Testsamarbeidet", **kw):
        body = m.Body(name=name, short_name=kw.pop("short_name", "TS"), **kw)
        session.add(body)
        session.flush()
        return body

    return make


@pytest.fixture
def make_meeting(session, make_body):
    """A meeting with ``cases`` numbered agenda items (kinds, handlers and texts filled).

    By default its minutes are approved (published), as the read-only pages expect; pass
    ``status=`` for a meeting in another state.
    """

    def make(cases=0, body=None, start=None, hours=3, **kw):
        body = body or make_body()
        start = start or oslo(2025, 10, 16, 10)
        kw.setdefault("status", m.MeetingStatus.approved)
        meeting = m.Meeting(body_id=body.id, starts_at=start, ends_at=start + timedelta(hours=hours), **kw)
        session.add(meeting)
        session.flush()
        handler = m.Person(name="Hilde Rafaelsen", affiliation="DH")
        session.add(handler)
        session.flush()
        year = start.astimezone(OSLO).year
        for i in range(cases):
            case = m.Case(body_id=body.id, title=f"Sak nummer {i + 1}")
            session.add(case)
            session.flush()
            session.add(
                m.AgendaItem(
                    meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=i,
                    number_year=year, number_seq=i + 1, kind=m.CaseKind.decision, status=m.ItemStatus.treated,
                    case_handler_id=handler.id, background=f"Bakgrunn for sak {i + 1} med **fet** tekst.",
                    proposal="Styret godkjenner.", decision=f"Vedtak i sak {i + 1}.",
                    discussion="- punkt en\n- punkt to",
                )
            )
        session.commit()
        return meeting

    return make


def forget_signed_in_user() -> None:
    """Flask-Login keeps the loaded account in ``g``; where a fixture holds an app context open,
    requests share it, so a new log-in must not find the previous account there."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_login_user", None)


class Auth:
    """Log in as a role and post forms with a valid CSRF token (as a browser would)."""

    PASSWORD = "riktig-passord-123"

    def __init__(self, client, session):
        self.client, self.session = client, session
        self._token = None

    def token(self) -> str:
        import re

        if self._token is None:
            page = self.client.get("/login").get_data(as_text=True)
            self._token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self._token

    def create(self, role="secretary", email=None, person_id=None, seat=None, reads_restricted=False):
        """An account; ``seat``: a body (or body id) the member holds a seat on, whose drafts and
        exempt cases they then read; ``reads_restricted``: the administrator's grant to a reader."""
        from boardroom.auth.accounts import create_user

        if role == "member" and person_id is None:
            person = m.Person(name="Styre Medlem")
            self.session.add(person)
            self.session.flush()
            person_id = person.id
        user = create_user(self.session, email or f"{role}@example.org", self.PASSWORD, role, person_id)
        user.reads_restricted = reads_restricted
        if seat is not None:
            body_id = getattr(seat, "id", seat)
            self.session.add(m.Membership(body_id=body_id, person_id=person_id, role=m.MembershipRole.member))
        self.session.commit()
        return user

    def login(self, role="secretary", **kw):
        user = self.create(role, **kw)
        response = self.client.post("/login", data={"email": user.email, "password": self.PASSWORD,
                                                    "csrf_token": self.token()})
        assert response.status_code == 302, response.get_data(as_text=True)
        self._token = None  # the session changed; fetch a fresh token
        forget_signed_in_user()
        return user

    def logout(self):
        assert self.post("/logout").status_code == 302
        self._token = None
        forget_signed_in_user()

    def post(self, url, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kw)


@pytest.fixture
def auth(client, session):
    return Auth(client, session)


@pytest.fixture
def smtp_server(app):
    """A real SMTP server, running, that the app sends to (BOARDROOM_SMTP_URL)."""
    from tests.mail_helpers import SmtpServer

    server = SmtpServer()
    server.start()
    app.config["SMTP_URL"] = server.url
    app.config["MAIL_FROM"] = "Digitale Helgeland <post@dh.example>"
    yield server
    server.stop()
