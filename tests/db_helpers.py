"""A database of a test's own, empty: a new SQLite file, or, when BOARDROOM_TEST_DATABASE_URL is
PostgreSQL, a uniquely named database created on that server and dropped afterwards."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("BOARDROOM_TEST_DATABASE_URL", "")


def on_postgresql() -> bool:
    return PG_URL.startswith("postgresql")


@contextmanager
def scratch_database(folder: Path, name: str = "scratch", postgresql: bool = True) -> Iterator[str]:
    """The URL of a new, empty database; dropped (PostgreSQL) when the block ends. With
    ``postgresql=False`` always a SQLite file."""
    if not (postgresql and on_postgresql()):
        yield f"sqlite:///{Path(folder) / f'{name}.sqlite'}"
        return
    url = make_url(PG_URL)
    database = f"{url.database}_{name}_{secrets.token_hex(4)}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
        try:
            yield url.set(database=database).render_as_string(hide_password=False)
        finally:
            with server.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    finally:
        server.dispose()
