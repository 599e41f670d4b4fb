"""Every view checks the ids in its address before it runs (boardroom.core.access.check_address_ids)."""

from __future__ import annotations

from functools import wraps

from boardroom.core.access import check_address_ids
from boardroom.core.db import get_session


def check_views(app) -> None:
    """Make every view check the ids in its address (``check_address_ids``) before it runs;
    cached views check when they build a copy. Call after every blueprint is registered."""
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "organisation_checked", False) or endpoint == "static":
            continue

        def checked(*args, _view=view, **kwargs):
            check_address_ids(get_session(), kwargs)
            return _view(*args, **kwargs)

        app.view_functions[endpoint] = wraps(view)(checked)
