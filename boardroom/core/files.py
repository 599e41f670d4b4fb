"""Uploaded files: checked by name and content, stored once on disk by their SHA-256.

Only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG are accepted, and a file's content
must match its extension (a renamed program is refused). A file is written under the
upload folder (``UPLOAD_FOLDER``, by default ``<instance>/files``) as ``ab/abcdef…``;
the same content uploaded twice is one ``StoredFile`` and one file on disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path

from flask import current_app
from sqlmodel import Session, select

from boardroom.models import StoredFile

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


def storage_root() -> Path:
    return Path(current_app.config.get("UPLOAD_FOLDER") or Path(current_app.instance_path) / "files")


def path_of(stored: StoredFile) -> Path:
    return storage_root() / stored.sha256[:2] / stored.sha256


def read(stored: StoredFile) -> bytes:
    return path_of(stored).read_bytes()


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
    path = path_of(stored)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    return stored
