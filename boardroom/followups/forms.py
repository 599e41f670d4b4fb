"""Forms for follow-up actions.
"""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired

from boardroom.core.fields import Choice, TermChoice, case_number, date_field, optional_int, strip
from boardroom.core.forms import EditForm


class FollowUpForm(EditForm):
    text = TextAreaField("Oppfølgingspunkt", [DataRequired(message="Skriv hva som skal følges opp.")],
                         filters=[strip])
    responsible_person = Choice("Ansvarlig person", coerce=optional_int)
    responsible_municipality = Choice("Ansvarlig kommune", coerce=optional_int)
    due_date = date_field("Frist")
    status = TermChoice("Status", vocabulary="followup_status")
    HINTS = {"due_date": "«Innen 14 dager etter 17. oktober» er 31. oktober.",
             "responsible_person": "Velg en person, en kommune eller begge."}


class FollowUpEditForm(FollowUpForm):
    closed_by = case_number("Lukket i sak (saksnummer)")
    HINTS = {**FollowUpForm.HINTS,
             "closed_by": "En senere sak som følger opp punktet, for eksempel 03-26. Punktet blir da lukket."}
