"""Database engine, the per-request session and the migrations.

One SQLModel ``Session`` per request lives on ``flask.g``. The request commits once, in
``commit_request`` (an ``after_request`` hook), when the view returned a non-error
response; any exception or error response rolls it back. Domain functions only flush.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import current_app, g
from sqlalchemy import create_engine, event, pool, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "migrations"


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics after a bulk load (the demo's history, a restore): without
    them PostgreSQL plans the first queries over thousands of rows as if the tables were empty
    (where autovacuum is off, until someone runs ANALYZE by hand), and SQLite guesses too."""
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def get_engine() -> Engine:
    return current_app.extensions["boardroom.engine"]


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    return g.db_session


def commit_request(response):
    session = g.get("db_session")
    if session is not None:
        if response.status_code < 400:
            session.commit()
        else:
            session.rollback()
    return response


def close_session(exc=None):
    session = g.pop("db_session", None)
    if session is not None:
        if exc is not None:
            session.rollback()
        session.close()


def init_app(app) -> None:
    app.extensions["boardroom.engine"] = make_engine(app.config["DATABASE_URL"])
    app.after_request(commit_request)
    app.teardown_appcontext(close_session)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", file_root: Path | None = None) -> dict:
    """Apply the Alembic migrations to the database at ``url``; returns what the migrations reported.

    ``file_root`` is the old on-disk file store, whose files migration 0010 moves into the database
    (it reports ``files_moved``).
    """
    config = alembic_config(url)
    config.attributes["file_root"] = file_root
    command.upgrade(config, revision)
    return config.attributes


# any fixed number: the PostgreSQL advisory lock that lets one server at a time migrate
MIGRATION_LOCK = 0x626F617264  # "board"


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Held while one process migrates: app servers started at once against one database take turns.

    PostgreSQL: a session advisory lock on a connection of its own (released when it closes, even
    if the process dies). SQLite: an exclusive lock on a file beside the database file.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = make_engine(url, poolclass=pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                    conn.commit()
        finally:
            engine.dispose()
    elif parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        lock_path = Path(parsed.database).with_name(Path(parsed.database).name + ".migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        yield
