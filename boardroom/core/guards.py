"""What no view should ever see: refused before routing or before the view runs, with a
Norwegian 4xx instead of an error deep in the database driver.

- NUL characters anywhere in the request (PostgreSQL cannot store them in text): 400.
- Ids in addresses beyond what the database's integer columns hold: no route matches, 404.
"""

from __future__ import annotations

from flask import abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # INTEGER primary keys on PostgreSQL and SQLite alike
NUL_MESSAGE = "Forespørselen inneholder et ugyldig tegn (NUL). Fjern det og prøv igjen."


class IdConverter(IntegerConverter):
    """``<int:…>`` in a route: a non-negative number the database can hold, else 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))


def refuse_nul() -> None:
    if "\x00" in request.path:
        abort(400, NUL_MESSAGE)
    if _has_nul(request.args.values()) or _has_nul(request.args.keys()):
        abort(400, NUL_MESSAGE)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.form
        files = request.files
        if _has_nul(form.keys()) or _has_nul(v for key in form for v in form.getlist(key)) \
                or _has_nul(f.filename for f in files.values()):
            abort(400, NUL_MESSAGE)


def init_app(app) -> None:
    """Call before any blueprint is registered (routes take their converters when added)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)
