"""Uploaded files: checked by name and content, stored once in the database by their SHA-256.

Only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG are accepted, and a file's content
must match its extension (a renamed program is refused). The bytes are a ``StoredFileContent``
row beside the ``StoredFile`` (written in the request's transaction, so a file and the rows that
point at it commit or roll back together, and every app server on the database reads it); the
same content uploaded twice is one ``StoredFile`` and one content row.

Before migration 0010 the bytes lived on one server's disk, under the upload folder
(``UPLOAD_FOLDER``, by default ``<instance>/files``) as ``ab/abcdef…``; ``import_from_disk``
moves what is still there into the database (``boardroom db upgrade`` runs it).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session, select

from boardroom.models import StoredFile, StoredFileContent

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
IMAGE_TYPES = {"image/png", "image/jpeg"}  # what a case text can show as a figure
ALLOWED_TEXT = "PDF, Word (.docx), Excel (.xlsx), PNG eller JPEG"
DEFAULT_MAX_SIZE = 20 * 1024 * 1024


class FileRejected(ValueError):
    """An upload that is not accepted; the message is Norwegian and meant for the user."""


def max_size() -> int:
    return current_app.config.get("MAX_UPLOAD_SIZE", DEFAULT_MAX_SIZE)


def size_text(size: int) -> str:
    """'20 MB', '100 kB'"""
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} kB"


def max_size_text() -> str:
    """'20 MB': the largest upload, as the forms say it."""
    return size_text(max_size())


class FileMissing(LookupError):
    """A StoredFile whose content is not in the database (its file was missing when it was moved there)."""


def legacy_root() -> Path:
    """Where files lived on disk before they moved into the database (read by ``import_from_disk`` only)."""
    return Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "files")


def read(session: Session, stored: StoredFile) -> bytes:
    """The bytes of a stored file; raises FileMissing when the database has none."""
    data = session.connection().execute(sa.select(StoredFileContent.data)
                                        .where(StoredFileContent.sha256 == stored.sha256)).scalar()
    if data is None:
        raise FileMissing(stored.sha256)
    return bytes(data)


def read_many(session: Session, stored: list[StoredFile]) -> dict[int, bytes]:
    """The bytes of several stored files in one query, by StoredFile.id (those without content left out)."""
    by_digest = {f.sha256: f.id for f in stored}
    if not by_digest:
        return {}
    rows = session.connection().execute(sa.select(StoredFileContent.sha256, StoredFileContent.data)
                                        .where(StoredFileContent.sha256.in_(by_digest)))
    return {by_digest[digest]: bytes(data) for digest, data in rows}


def clean_filename(name: str) -> str:
    """A file name safe to store and to send back: no folders, no control characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\- ]+", "-", name).strip(" .-")
    return name[-200:] or "fil"


def extension(filename: str) -> str:
    return Path(filename).suffix.lower()


def _zip_contains(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


def content_matches(ext: str, data: bytes) -> bool:
    """Whether the bytes are what the extension says (by the format's signature)."""
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == ".docx":
        return data.startswith(b"PK\x03\x04") and _zip_contains(data, "word/document.xml")
    if ext == ".xlsx":
        return data.startswith(b"PK\x03\x04") and _zip_contains(data, "xl/workbook.xml")
    return False


def check(filename: str, data: bytes, allowed: tuple[str, ...] | None = None) -> str:
    """The media type of an acceptable upload; raises FileRejected with the reason otherwise."""
    ext = extension(filename)
    if ext not in (allowed or MEDIA_TYPES):
        if allowed:
            raise FileRejected(f"Filen må være av typen {', '.join(allowed)}.")
        raise FileRejected(f"Filtypen «{ext or filename}» er ikke tillatt. Last opp {ALLOWED_TEXT}.")
    if not data:
        raise FileRejected("Filen er tom.")
    if len(data) > max_size():
        raise FileRejected(f"Filen er for stor. Største tillatte størrelse er {size_text(max_size())}.")
    if not content_matches(ext, data):
        raise FileRejected(f"Innholdet i filen er ikke en gyldig {ext.lstrip('.').upper()}-fil.")
    return MEDIA_TYPES[ext]


def check_figure(filename: str, data: bytes) -> None:
    """A figure for a case text: a PNG or JPEG that can be read as a picture; raises FileRejected otherwise."""
    from docx.image.image import Image  # the same reader that puts it into the Word documents

    if check(filename, data) not in IMAGE_TYPES:
        raise FileRejected("Et bilde i saksteksten må være en PNG- eller JPEG-fil.")
    try:
        image = Image.from_blob(data)
        if not (image.px_width and image.px_height):
            raise ValueError("no size")
    except Exception as exc:  # python-docx raises several kinds for a broken picture
        raise FileRejected("Bildet kan ikke leses. Lagre det på nytt som PNG eller JPEG.") from exc


def store(session: Session, filename: str, data: bytes, allowed: tuple[str, ...] | None = None) -> StoredFile:
    """Check and store an upload; the same content gives back the same StoredFile. Flushes."""
    media_type = check(filename, data, allowed)
    digest = hashlib.sha256(data).hexdigest()
    stored = session.exec(select(StoredFile).where(StoredFile.sha256 == digest)).first()
    if stored is None:
        stored = StoredFile(sha256=digest, media_type=media_type, size=len(data))
        session.add(stored)
        session.flush()
    if not has_content(session, digest):  # also mends a file whose content went missing
        session.add(StoredFileContent(sha256=digest, data=data))
        session.flush()
    return stored


def has_content(session: Session, digest: str) -> bool:
    """Whether the database holds the bytes of the file with this SHA-256 (without reading them)."""
    query = sa.select(sa.literal(1)).where(StoredFileContent.sha256 == digest)
    return session.connection().execute(query).first() is not None


@dataclass
class DiskImport:
    """What ``import_from_disk`` did: files moved into the database, and those it could not find or trust."""

    moved: int = 0
    missing: list[str] = field(default_factory=list)  # SHA-256 of files not on disk
    damaged: list[str] = field(default_factory=list)  # SHA-256 of files whose bytes do not match it


def import_from_disk(session: Session, root: Path) -> DiskImport:
    """Move the content of every StoredFile that has none in the database from ``root/ab/abcdef…``.

    Idempotent: files already in the database are left alone, so it can run again after missing
    files are put back. A file that is missing, or whose bytes do not match its SHA-256, is
    reported and skipped. The files on disk are not deleted.
    """
    result = DiskImport()
    lacking = session.exec(select(StoredFile).where(
        ~sa.exists().where(StoredFileContent.sha256 == StoredFile.sha256)).order_by(StoredFile.id)).all()
    for stored in lacking:
        path = Path(root) / stored.sha256[:2] / stored.sha256
        try:
            data = path.read_bytes()
        except OSError:
            result.missing.append(stored.sha256)
            continue
        if hashlib.sha256(data).hexdigest() != stored.sha256:
            result.damaged.append(stored.sha256)
            continue
        # a plain insert: the bytes are not kept in the session while the next file is read
        session.connection().execute(sa.insert(StoredFileContent).values(sha256=stored.sha256, data=data))
        result.moved += 1
    return result
