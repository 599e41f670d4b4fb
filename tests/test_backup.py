"""Backup and restore (#10 item 6): the demo plus generated history, backed up and restored into a
fresh database, comes back row for row and file for file, the stored minutes' hashes included.

SQLite → SQLite always; SQLite → PostgreSQL, PostgreSQL → SQLite and PostgreSQL → PostgreSQL when
BOARDROOM_TEST_DATABASE_URL points at PostgreSQL (its server gets two more databases of its own,
<name>2 and <name>3, emptied here). Ten years of history, as the issue asks (about 20 s more than two).
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

import boardroom.models as m
from boardroom import create_app
from boardroom.backup.codec import MANIFEST, file_member, table_member
from boardroom.backup.dump import write_backup
from boardroom.core.db import make_engine

YEARS = 10  # boardroom demo --years
PG_URL = os.environ.get("BOARDROOM_TEST_DATABASE_URL", "")
needs_pg = pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="BOARDROOM_TEST_DATABASE_URL is not PostgreSQL")


class Instance:
    """An installation: a database URL, with the app the command line runs in. Its old on-disk file
    store (read only to move files into the database) is ``files``; nothing is written there."""

    def __init__(self, url: str, files: Path):
        self.url, self.files = url, files
        self.app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test",
                               "BASE_URL": "http://boardroom.test", "UPLOAD_FOLDER": str(files)})

    @property
    def engine(self):
        return self.app.extensions["boardroom.engine"]

    def run(self, *args):
        return self.app.test_cli_runner().invoke(args=list(args))

    def close(self):
        self.engine.dispose()


def fresh_pg(suffix: str) -> str:
    """A database of its own on the test server (<name><suffix>), emptied."""
    url = make_url(PG_URL)
    name = f"{url.database}{suffix}"
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    target = url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(target)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return target


def table_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table as a tuple of typed values, in primary-key order."""
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                for t in SQLModel.metadata.sorted_tables}


def stored_files(instance: Instance) -> dict[str, bytes]:
    """Every stored file's bytes, by SHA-256 (each file has them, and they match it)."""
    content = m.StoredFileContent.__table__
    with instance.engine.connect() as conn:
        digests = conn.execute(sa.select(m.StoredFile.sha256)).scalars().all()
        found = dict(conn.execute(sa.select(content.c.sha256, content.c.data)).all())
    assert sorted(found) == sorted(digests)
    assert all(hashlib.sha256(data).hexdigest() == digest for digest, data in found.items())
    assert not instance.files.exists()  # nothing on the server's disk
    return found


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A migrated SQLite installation with the demo and its generated history, and its archive."""
    root = tmp_path_factory.mktemp("source")
    instance = Instance(f"sqlite:///{root / 'source.sqlite'}", root / "files")
    result = instance.run("demo", "--years", str(YEARS))
    assert result.exit_code == 0, result.output
    result = instance.run("backup", "-o", str(root / "backup.zip"))
    assert result.exit_code == 0, result.output
    assert "Sikkerhetskopi skrevet til" in result.output
    instance.archive = root / "backup.zip"
    instance.rows = table_rows(instance.engine)
    yield instance
    instance.close()


def assert_identical(source: Instance, target: Instance) -> None:
    rows = table_rows(target.engine)
    assert rows.keys() == source.rows.keys()
    for name in source.rows:
        assert rows[name] == source.rows[name], name
    assert stored_files(target) == stored_files(source)
    versions = rows["minutesversion"]
    assert len(versions) >= 5 * YEARS
    columns = [c.name for c in m.MinutesVersion.__table__.columns]
    for row in versions:
        version = dict(zip(columns, row))
        assert hashlib.sha256(version["docx"]).hexdigest() == version["docx_sha256"]
        assert hashlib.sha256(version["snapshot"].encode()).hexdigest() == version["snapshot_sha256"]


def assert_new_rows_get_fresh_ids(target: Instance) -> None:
    with Session(target.engine) as session:
        largest = session.execute(sa.select(sa.func.max(m.Person.id))).scalar()
        person = m.Person(name="Ny person etter gjenoppretting")
        session.add(person)
        session.flush()
        assert person.id == largest + 1
        session.rollback()


def test_the_source_has_every_kind_of_row(source):
    """What the round trip proves is only worth as much as what it carries."""
    rows = source.rows
    for table in ("meeting", "agendaitem", "vote", "attendance", "minutesversion", "storedfile", "attachment",
                  "participation", "projectdecision", "cost", "approvedshare", "followup", "auditentry", "user"):
        assert rows[table], table
    with source.engine.connect() as conn:
        statuses = set(conn.execute(sa.select(m.Meeting.status)).scalars())
        methods = set(conn.execute(sa.select(m.AgendaItem.decided_by)).scalars())
    assert {m.MeetingStatus.cancelled, m.MeetingStatus.approved} <= statuses
    assert {m.DecisionMethod.counted, m.DecisionMethod.unanimous, m.DecisionMethod.none} <= methods
    assert len(rows["agendaitem"]) >= 50 * YEARS


def test_sqlite_to_sqlite_restores_every_row_and_file(source, tmp_path):
    target = Instance(f"sqlite:///{tmp_path / 'restored.sqlite'}", tmp_path / "files")
    try:
        result = target.run("restore", str(source.archive))
        assert result.exit_code == 0, result.output
        assert "Gjenopprettet" in result.output
        assert_identical(source, target)
        assert_new_rows_get_fresh_ids(target)
    finally:
        target.close()


@needs_pg
def test_sqlite_to_postgresql_and_back(source, tmp_path):
    """The way up from SQLite to PostgreSQL, then PostgreSQL's own backup into SQLite and into PostgreSQL."""
    pg = Instance(fresh_pg("2"), tmp_path / "pg-files")
    try:
        result = pg.run("restore", str(source.archive))
        assert result.exit_code == 0, result.output
        assert_identical(source, pg)
        assert_new_rows_get_fresh_ids(pg)
        result = pg.run("backup", "-o", str(tmp_path / "from-pg.zip"))
        assert result.exit_code == 0, result.output
    finally:
        pg.close()
    back = Instance(f"sqlite:///{tmp_path / 'back.sqlite'}", tmp_path / "back-files")
    other = Instance(fresh_pg("3"), tmp_path / "pg3-files")
    try:
        for target in (back, other):
            result = target.run("restore", str(tmp_path / "from-pg.zip"))
            assert result.exit_code == 0, result.output
            assert_identical(source, target)
    finally:
        back.close()
        other.close()


def test_restore_into_a_database_with_rows_is_refused_and_changes_nothing(source, tmp_path):
    target = Instance(f"sqlite:///{tmp_path / 'used.sqlite'}", tmp_path / "files")
    try:
        assert target.run("demo").exit_code == 0
        before = table_rows(target.engine)
        result = target.run("restore", str(source.archive))
        assert result.exit_code != 0
        assert "Databasen er ikke tom" in result.output
        assert table_rows(target.engine) == before  # no file written either: files are rows
    finally:
        target.close()


def test_a_damaged_archive_is_refused_before_anything_is_written(source, tmp_path):
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(source.archive) as original, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as out:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == table_member("meeting"):
                data = data.replace(b"Styrem\xc3\xb8te", b"Styrem\xc3\xb8tE", 1)
            out.writestr(info.filename, data)
    target = Instance(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path / "files")
    try:
        result = target.run("restore", str(damaged))
        assert result.exit_code != 0
        assert "Arkivet er skadet: SHA-256 for tabellen «meeting» stemmer ikke med manifestet." in result.output
        assert not sa.inspect(target.engine).get_table_names()
        (tmp_path / "not-a-zip.zip").write_bytes(b"ikke et arkiv")
        result = target.run("restore", str(tmp_path / "not-a-zip.zip"))
        assert result.exit_code != 0 and "er ikke et boardroom-arkiv" in result.output
    finally:
        target.close()


def test_the_archive_says_what_it_holds(source):
    with zipfile.ZipFile(source.archive) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        assert manifest["alembic_revision"]
        # the files' bytes are the files/ members, not a table
        assert {name: entry["rows"] for name, entry in manifest["tables"].items()} == \
            {name: len(rows) for name, rows in source.rows.items() if name not in ("storedfilecontent", "sharedsetting")}
        assert {digest: archive.read(file_member(digest)) for digest in manifest["files"]} == stored_files(source)
        for name, entry in manifest["tables"].items():
            assert hashlib.sha256(archive.read(table_member(name))).hexdigest() == entry["sha256"]
        assert set(manifest["files"]) == set(stored_files(source))
        money = [json.loads(line) for line in archive.read(table_member("cost")).splitlines()][0]
        assert any(isinstance(v, str) and v.count(".") == 1 and v.replace(".", "").isdigit() for v in money)


def test_the_backup_is_one_snapshot_while_the_app_writes(source, tmp_path):
    """A row committed by another connection while the tables are being read is not in the archive."""
    engine = make_engine(source.url)
    writer = make_engine(source.url)
    statements = []

    def write_meanwhile(conn, cursor, statement, *args):
        statements.append(statement)
        if "FROM loginthrottle" in statement:  # the snapshot has begun: two tables are read, the rest are not
            with writer.begin() as other:
                other.execute(sa.insert(m.Person.__table__).values(
                    name="Skrevet under sikkerhetskopieringen", created_at=m.utcnow(), modified_at=m.utcnow(),
                    organisation_id=sa.select(sa.func.min(m.Organisation.id)).scalar_subquery()))

    sa.event.listen(engine, "before_cursor_execute", write_meanwhile)
    try:
        manifest = write_backup(engine, tmp_path / "during.zip")
    finally:
        sa.event.remove(engine, "before_cursor_execute", write_meanwhile)
        engine.dispose()
    try:
        with writer.begin() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(m.Person.__table__)).scalar() == \
                len(source.rows["person"]) + 1
            conn.execute(sa.delete(m.Person.__table__).where(m.Person.__table__.c.name == "Skrevet under sikkerhetskopieringen"))
    finally:
        writer.dispose()
    assert any("FROM person" in s for s in statements)
    assert manifest["tables"]["person"]["rows"] == len(source.rows["person"])


def test_demo_with_history_twice_changes_nothing(source):
    result = source.run("demo", "--years", str(YEARS))
    assert result.exit_code == 0, result.output
    assert "ingenting ble endret" in result.output
    assert table_rows(source.engine) == source.rows
