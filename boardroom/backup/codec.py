"""The archive's format and how each column's values are written as JSON and read back exactly.

An archive is a zip file:

- ``manifest.json``: format and version, when it was made and from which database, the Alembic
  revision of the schema, and per table its columns, row count and the SHA-256 of its data file;
  per stored file its size;
- ``tables/<table>.jsonl``: one JSON array per row, values in the manifest's column order;
- ``files/<ab>/<sha256>``: every stored file, named by the SHA-256 of its content.

Values are typed by their column: datetimes as ISO 8601 with their offset (UTC), dates as
ISO dates, decimals (money) as strings, bytes (the stored minutes' .docx) as base64, enums as
their stored value; strings, whole numbers, booleans and nulls as themselves.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

FORMAT = "boardroom-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Norwegian and meant for the operator."""


def table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def file_member(digest: str) -> str:
    return f"files/{digest[:2]}/{digest}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _kind(column: sa.Column) -> str:
    """What a column holds, for encoding: datetime, date, decimal, bytes, enum, bool or plain."""
    col_type = column.type
    if isinstance(col_type, TypeDecorator):
        col_type = col_type.impl if not isinstance(col_type.impl, type) else col_type.impl()
    if isinstance(col_type, sa.Enum):  # before String: an Enum is a String
        return "enum" if col_type.enum_class is not None else "plain"
    if isinstance(col_type, sa.DateTime):
        return "datetime"
    if isinstance(col_type, sa.Date):
        return "date"
    if isinstance(col_type, sa.Numeric) and not isinstance(col_type, sa.Float):
        return "decimal"
    if isinstance(col_type, sa.LargeBinary):
        return "bytes"
    if isinstance(col_type, sa.Boolean):
        return "bool"
    return "plain"


class Codec:
    """Encodes the rows of one table to JSON-ready lists and decodes them back to typed values."""

    def __init__(self, table: sa.Table, columns: list[str] | None = None):
        self.table = table
        self.columns = columns or [c.name for c in table.columns]
        self.kinds = [_kind(table.columns[name]) for name in self.columns]
        self.enums = [table.columns[name].type.enum_class if kind == "enum" else None
                      for name, kind in zip(self.columns, self.kinds)]

    def encode(self, row) -> list:
        out = []
        for value, kind in zip(row, self.kinds):
            if value is None or kind in ("plain", "bool"):
                out.append(value)
            elif kind in ("datetime", "date"):
                out.append(value.isoformat())
            elif kind == "decimal":
                out.append(str(value))
            elif kind == "bytes":
                out.append(base64.b64encode(bytes(value)).decode("ascii"))
            elif kind == "enum":
                out.append(value.value if isinstance(value, enum.Enum) else value)
        return out

    def decode(self, values: list) -> dict:
        if len(values) != len(self.columns):
            raise BackupError(f"Arkivet er skadet: en rad i tabellen «{self.table.name}» har feil antall verdier.")
        row = {}
        for name, value, kind, enum_class in zip(self.columns, values, self.kinds, self.enums):
            if value is not None:
                if kind == "datetime":
                    value = datetime.fromisoformat(value)
                elif kind == "date":
                    value = date.fromisoformat(value)
                elif kind == "decimal":
                    value = Decimal(value)
                elif kind == "bytes":
                    value = base64.b64decode(value)
                elif kind == "enum":
                    value = enum_class(value)
            row[name] = value
        return row


def encode_line(values: list) -> bytes:
    return (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


@dataclass
class Archive:
    """An archive opened and checked: its manifest, and the zip to read tables and files from."""

    path: Path
    zip: zipfile.ZipFile
    manifest: dict

    def rows(self, table: str) -> list[list]:
        data = self.zip.read(table_member(table))
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]

    def file(self, digest: str) -> bytes:
        return self.zip.read(file_member(digest))

    def close(self) -> None:
        self.zip.close()


def open_archive(path: Path) -> Archive:
    """Open an archive and check it whole: every table's and every file's SHA-256 and count.

    Raises BackupError with a Norwegian message when the file is not an archive or is damaged.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"{path} er ikke et boardroom-arkiv ({exc}).") from exc
    try:
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError(f"{path} er ikke et boardroom-arkiv (manifest.json mangler eller er ugyldig).") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path} er ikke et boardroom-arkiv.")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(f"Arkivet har formatversjon {manifest.get('format_version')}; denne versjonen av "
                              f"boardroom leser versjon {FORMAT_VERSION}.")
        for name, entry in manifest["tables"].items():
            try:
                data = archive.read(table_member(name))
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise BackupError(f"Arkivet er skadet: data for tabellen «{name}» mangler eller kan ikke leses.") from exc
            if sha256(data) != entry["sha256"]:
                raise BackupError(f"Arkivet er skadet: SHA-256 for tabellen «{name}» stemmer ikke med manifestet.")
            if data.count(b"\n") != entry["rows"]:
                raise BackupError(f"Arkivet er skadet: tabellen «{name}» har ikke {entry['rows']} rader.")
        for digest, size in manifest["files"].items():
            try:
                data = archive.read(file_member(digest))
            except (KeyError, zipfile.BadZipFile, OSError) as exc:
                raise BackupError(f"Arkivet er skadet: filen {digest} mangler eller kan ikke leses.") from exc
            if sha256(data) != digest or len(data) != size:
                raise BackupError(f"Arkivet er skadet: innholdet i filen {digest} stemmer ikke med SHA-256.")
    except BaseException:
        archive.close()
        raise
    return Archive(path, archive, manifest)
