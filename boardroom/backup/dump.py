"""``write_backup``: every row of every table and every stored file, from one snapshot, into one archive.

The tables are read in one transaction, so what the archive holds is the database as it stood
at one moment, while the app goes on serving and saving: on PostgreSQL one REPEATABLE READ, READ
ONLY transaction; on SQLite one read transaction (BEGIN; in WAL mode writers go on, and this
reader keeps seeing the database as it was at its first read). The stored files' bytes
(``storedfilecontent``) are read in the same snapshot and written as ``files/<ab>/<sha256>``, not
as a table: the archive keeps its format, and each file can be checked by its name.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import boardroom.models  # noqa: F401 – every table registered on the metadata
from boardroom.backup.codec import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Codec,
    encode_line,
    file_member,
    sha256,
    table_member,
)

BATCH = 1000
FILE_BATCH = 20  # stored files read at a time (each up to the upload limit)
# written as the archive's files/ members, not as a table
CONTENT_TABLE = boardroom.models.StoredFileContent.__table__
# what the installation's servers share (the secret key's fingerprint): not data, and the restored
# installation has its own
LEFT_OUT = {CONTENT_TABLE, boardroom.models.SharedSetting.__table__}


def snapshot_connection(engine: Engine) -> sa.Connection:
    """A connection whose reads all see one snapshot of the database (close it when done)."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        conn.begin()
    else:
        conn = engine.connect()
        conn.exec_driver_sql("BEGIN")  # pysqlite opens no transaction for reads by itself
    return conn


def alembic_revision(conn: sa.Connection) -> str:
    if not sa.inspect(conn).has_table("alembic_version"):
        raise BackupError("Databasen har ingen migrasjonsversjon (alembic_version). Kjør «boardroom db upgrade» først.")
    revisions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(revisions) != 1:
        raise BackupError(f"Databasen har {len(revisions)} migrasjonsversjoner; ventet én.")
    return revisions[0]


def write_backup(engine: Engine, out: Path) -> dict:
    """Write the archive to ``out`` (atomically: a temporary file renamed into place); returns its manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            manifest = _write_contents(engine, archive)
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


def _write_contents(engine: Engine, archive: zipfile.ZipFile) -> dict:
    tables, files = {}, {}
    conn = snapshot_connection(engine)
    try:
        revision = alembic_revision(conn)
        for table in SQLModel.metadata.sorted_tables:
            if table in LEFT_OUT:
                continue
            codec = Codec(table)
            query = sa.select(*[table.columns[c] for c in codec.columns]).order_by(*table.primary_key.columns)
            digest, count = hashlib.sha256(), 0
            with archive.open(table_member(table.name), "w", force_zip64=True) as member:
                for rows in conn.execution_options(yield_per=BATCH).execute(query).partitions():
                    chunk = b"".join(encode_line(codec.encode(row)) for row in rows)
                    member.write(chunk)
                    digest.update(chunk)
                    count += len(rows)
            tables[table.name] = {"columns": codec.columns, "rows": count, "sha256": digest.hexdigest()}
        files = _write_files(conn, archive)
    finally:
        conn.rollback()
        conn.close()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "database": engine.dialect.name,
        "alembic_revision": revision,
        "tables": tables,
        "files": files,
    }


def _write_files(conn: sa.Connection, archive: zipfile.ZipFile) -> dict[str, int]:
    """Every stored file's bytes as ``files/<ab>/<sha256>``, checked against its SHA-256; name → size."""
    stored = boardroom.models.StoredFile.__table__
    query = (sa.select(stored.c.sha256, CONTENT_TABLE.c.data)
             .select_from(stored.outerjoin(CONTENT_TABLE, CONTENT_TABLE.c.sha256 == stored.c.sha256))
             .order_by(stored.c.id))
    files = {}
    for rows in conn.execution_options(yield_per=FILE_BATCH).execute(query).partitions():
        for digest, data in rows:
            if data is None:
                raise BackupError(f"Filen {digest} finnes i databasen, men innholdet mangler (den manglet på disken "
                                  "da filene ble flyttet inn i databasen). Legg den tilbake og kjør «boardroom db "
                                  "upgrade».")
            data = bytes(data)
            if sha256(data) != digest:
                raise BackupError(f"Innholdet i filen {digest} stemmer ikke med sin SHA-256; databasen er skadet.")
            archive.writestr(file_member(digest), data)
            files[digest] = len(data)
    return files
