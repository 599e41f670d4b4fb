"""``restore_backup``: an archive loaded into an empty database, on SQLite or PostgreSQL.

In this order, so that a refused restore changes nothing:

1. the archive is checked whole (every table's and file's SHA-256, see ``codec.open_archive``);
2. the target must be empty: no table has a row (a database without tables is empty too; the
   cache's revision counter does not count);
3. the target is migrated to the archive's Alembic revision;
4. every table is inserted in dependency order with its ids, in one transaction; a column that
   points at its own table (a deputy's seat, a deferred case) is filled in after all its rows;
5. on PostgreSQL every id sequence is set past the largest id, so new rows get fresh ids;
6. the database is migrated on to the newest revision;
7. the stored files' bytes go into the database (``storedfilecontent``), in one transaction; an
   archive made before files moved into the database (revision 0009 or older) holds them the same
   way, as ``files/<ab>/<sha256>``.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import boardroom.models  # every table registered on the metadata
from boardroom.backup.codec import Archive, BackupError, Codec, open_archive
from boardroom.core import db

BATCH = 500


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# The cache's revision counter: a migrated database starts with its row; the archive's replaces it.
# The installation's shared settings (not in archives): a server may have recorded its key already.
STATE_TABLES = {"revision", "sharedsetting"}


def rows_in(engine: Engine) -> dict[str, int]:
    """The tables of the schema that have rows (name → 1), for the emptiness check."""
    found = {}
    with engine.connect() as conn:
        existing = set(sa.inspect(conn).get_table_names())
        for table in SQLModel.metadata.sorted_tables:
            if table.name in existing and table.name not in STATE_TABLES and conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                found[table.name] = 1
    return found


def ensure_empty(engine: Engine) -> None:
    full = rows_in(engine)
    if full:
        names = ", ".join(f"«{n}»" for n in sorted(full)[:5]) + (" …" if len(full) > 5 else "")
        raise BackupError(f"Databasen er ikke tom (tabellene {names} har rader). Gjenoppretting skjer bare til en "
                          "tom database; opprett en ny database og pek BOARDROOM_DATABASE_URL på den.")


def restore_backup(engine: Engine, url: str, path: Path) -> dict:
    """Load the archive at ``path``, rows and files, into the empty database at ``url``.

    Returns the manifest. Raises BackupError (Norwegian) when the archive is damaged, the database
    is not empty, or the archive does not fit this version of boardroom; nothing is changed then.
    """
    archive = open_archive(Path(path))
    try:
        manifest = archive.manifest
        _check_schema(manifest)
        ensure_empty(engine)
        revision = manifest["alembic_revision"]
        before = current_revision(engine)
        if before != revision:
            try:
                db.upgrade(url, revision)
            except Exception as exc:  # noqa: BLE001 – alembic says why in its own words
                raise BackupError(f"Databasen kan ikke migreres til arkivets versjon {revision} (den er på "
                                  f"{before}): {exc}") from exc
            if current_revision(engine) != revision:
                raise BackupError(f"Databasen er på versjon {current_revision(engine)}, arkivet på {revision}; "
                                  "gjenopprett til en ny, tom database.")
        _insert_tables(engine, archive)
        db.upgrade(url)
        _insert_files(engine, archive)
    finally:
        archive.close()
    return manifest


def _check_schema(manifest: dict) -> None:
    tables = SQLModel.metadata.tables
    for name, entry in manifest["tables"].items():
        if name not in tables:
            raise BackupError(f"Arkivet har tabellen «{name}», som denne versjonen av boardroom ikke kjenner.")
        unknown = set(entry["columns"]) - set(tables[name].columns.keys())
        if unknown:
            raise BackupError(f"Arkivet har kolonner i «{name}» som denne versjonen ikke kjenner: "
                              + ", ".join(sorted(unknown)) + ".")


def _insert_files(engine: Engine, archive: Archive) -> None:
    content = boardroom.models.StoredFileContent.__table__
    with engine.begin() as conn:
        for digest in archive.manifest["files"]:
            conn.execute(content.insert().values(sha256=digest, data=archive.file(digest)))


def _self_references(table: sa.Table, columns: list[str]) -> list[str]:
    """Columns of ``table`` with a foreign key to the table itself: filled in after its rows."""
    return [c for c in columns if any(fk.column.table is table for fk in table.columns[c].foreign_keys)]


def _insert_tables(engine: Engine, archive: Archive) -> None:
    tables = archive.manifest["tables"]
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in tables:
                continue
            codec = Codec(table, tables[table.name]["columns"])
            if table.name in STATE_TABLES:
                conn.execute(table.delete())
            later = _self_references(table, codec.columns)
            # columns the update would stamp afresh (modified_at) keep their stored value
            kept = [c for c in codec.columns if table.columns[c].onupdate is not None] if later else []
            pk = [c.name for c in table.primary_key.columns]
            pending = []
            batch = []
            for values in archive.rows(table.name):
                row = codec.decode(values)
                if later and any(row[c] is not None for c in later):
                    pending.append({**{k: row[k] for k in pk}, **{c: row[c] for c in later + kept}})
                    row.update({c: None for c in later})
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
            if pending:
                where = sa.and_(*[table.c[k] == sa.bindparam(f"pk_{k}") for k in pk])
                update = table.update().where(where).values({c: sa.bindparam(f"v_{c}") for c in later + kept})
                conn.execute(update, [{**{f"pk_{k}": r[k] for k in pk}, **{f"v_{c}": r[c] for c in later + kept}}
                                      for r in pending])
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn)


def _reset_sequences(conn: sa.Connection) -> None:
    """Every serial id's sequence set past the largest id restored (or back to 1 for an empty table)."""
    quote = conn.dialect.identifier_preparer.quote
    for table in SQLModel.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = conn.execute(sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                                    {"table": quote(table.name), "column": column.name}).scalar()
            if sequence is None:
                continue
            largest = conn.execute(sa.select(sa.func.max(column))).scalar()
            conn.execute(sa.text("SELECT setval(:sequence, :value, :called)"),
                         {"sequence": sequence, "value": largest or 1, "called": largest is not None})
