"""``write_backup``: every row of every table and every stored file, from one snapshot, into one archive.

The tables are read in one transaction, so what the archive holds is the database as it stood
at one moment, while the app goes on serving and saving: on PostgreSQL one REPEATABLE READ, READ
ONLY transaction; on SQLite one read transaction (BEGIN; in WAL mode writers go on, and this
reader keeps seeing the database as it was at its first read). Stored files are content-addressed
and never change, so the files of the rows in the snapshot are copied after it.
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


def write_backup(engine: Engine, out: Path, file_root: Path) -> dict:
    """Write the archive to ``out`` (atomically: a temporary file renamed into place); returns its manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            manifest = _write_contents(engine, archive, Path(file_root))
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return manifest


def _write_contents(engine: Engine, archive: zipfile.ZipFile, file_root: Path) -> dict:
    tables, digests = {}, []
    conn = snapshot_connection(engine)
    try:
        revision = alembic_revision(conn)
        for table in SQLModel.metadata.sorted_tables:
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
        stored = boardroom.models.StoredFile.__table__
        digests = conn.execute(sa.select(stored.c.sha256, stored.c.size).order_by(stored.c.id)).all()
    finally:
        conn.rollback()
        conn.close()
    files = {}
    for digest, size in digests:
        path = file_root / digest[:2] / digest
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BackupError(f"Filen {digest} finnes i databasen, men ikke i fillageret ({path}).") from exc
        if sha256(data) != digest:
            raise BackupError(f"Filen {path} stemmer ikke med sin SHA-256; fillageret er skadet.")
        archive.writestr(file_member(digest), data)
        files[digest] = len(data)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "database": engine.dialect.name,
        "alembic_revision": revision,
        "tables": tables,
        "files": files,
    }
