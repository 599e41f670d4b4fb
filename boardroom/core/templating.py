"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from markupsafe import Markup

from boardroom.core import access, formatting
from boardroom.core.labels import health_colour, label, number_name, term


def scrollable_tables(html: str) -> Markup:
    """Sanitised case HTML with each table in a region that scrolls sideways and takes keyboard focus."""
    return Markup(
        str(html or "")
        .replace("<table>", '<div class="table-scroll" role="region" aria-label="Tabell" tabindex="0"><table>')
        .replace("</table>", "</table></div>")
    )


def init_app(app) -> None:
    app.jinja_env.filters.update(
        nb_date=formatting.nb_date,
        nb_datetime=formatting.nb_datetime,
        decision_date=formatting.decision_date,
        meeting_when=formatting.meeting_when,
        nok=formatting.nok,
        nb_number=formatting.nb_number,
        nb_percent=formatting.nb_percent,
        label=label,
        # a key of a vocabulary given as a plain string (a filter's value): the organisation's word
        term=term,
        # a health level's colour (the CSS class): its own, or the built-in level a custom one takes
        colour=health_colour,
        number_name=number_name,
        # names in Norwegian order (… z æ ø å), the one sort key of every list
        nb_sort=lambda names: sorted(names, key=formatting.nb_sort_key),
        # *_html fields were sanitised by nh3 when saved (boardroom.core.text)
        safe_html=lambda html: Markup(html or ""),
        scrollable_tables=scrollable_tables,
        # the pieces table[key] of each key, joined: a long row of a few kinds of cell, each written
        # once in the template (the participation matrix: a cell per decision and member)
        pieces=lambda keys, table: Markup("").join(table[key] for key in keys),
    )
    app.jinja_env.globals.update(
        can_edit=access.can_edit,
        is_signed_in=access.is_signed_in,
        reads_restricted=access.reads_restricted,
        can_see_agenda=access.can_see_agenda,
        can_see_minutes=access.can_see_minutes,
        can_see_case=access.can_see_case,
        shown_title=access.shown_title,
        shown_handler=access.shown_handler,
        can_see_correction=access.can_see_correction,
        can_see_attachment=access.can_see_attachment,
        attachment_text=access.attachment_text,
    )
