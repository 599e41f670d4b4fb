"""Forms of the administrator's organisation pages. Rules that need the database ask
``boardroom.orgadmin.organisations``."""

from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import ValidationError

from boardroom.core.db import get_session
from boardroom.core.fields import optional_int, text
from boardroom.core.forms import EditForm
from boardroom.core.inputs import Invalid
from boardroom.orgadmin import organisations


class IdentityForm(EditForm):
    """Name, short name, organisasjonsnummer and logo: what a new organisation starts with, and
    what the administrator may change later."""

    name = text("Navn", 200, "Oppgi navnet på organisasjonen.")
    short_name = text("Kortnavn", 50)
    number = text("Organisasjonsnummer", 20)
    logo = FileField("Logo (PNG eller JPEG)")

    HINTS = {
        "name": "Slik organisasjonen heter, for eksempel «Felles IKT-tjenester HF».",
        "short_name": "Valgfritt, for eksempel «FIKT».",
        "number": "Ni siffer fra Enhetsregisteret; kontrollsifferet sjekkes. Valgfritt.",
        "logo": "Vises øverst på sidene og i Word-dokumentene. Valgfritt.",
    }

    def __init__(self, *args, current=None, **kw):
        super().__init__(*args, obj=current, **kw)
        self.current = current

    def validate_number(self, field):
        problem = organisations.number_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def add_invalid(self, invalid: Invalid) -> None:
        for name, message in invalid.errors.items():
            target = self._fields.get(name)
            if target is None:
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]

    def uploaded_logo(self):
        """(filename, bytes) of the uploaded logo, or None when none was chosen."""
        upload = self.logo.data
        if upload is None or not getattr(upload, "filename", ""):
            return None
        return upload.filename, upload.read()


class NewOrganisationForm(IdentityForm):
    slug = text("Kortadresse", 50, "Oppgi kortadressen, for eksempel «felles-ikt».")

    HINTS = {**IdentityForm.HINTS,
             "slug": "Sidene får adressen /kortadresse/. Små bokstaver a–z, sifre og bindestrek; kan ikke endres senere."}

    def validate_slug(self, field):
        problem = organisations.slug_problem(get_session(), field.data)
        if problem:
            raise ValidationError(problem)


class EditOrganisationForm(IdentityForm):
    remove_logo = BooleanField("Fjern logoen")


class ImportForm(EditForm):
    """An onboarding file: one XLSX workbook, or the CSV files of its sheets."""

    files = MultipleFileField("Regneark (.xlsx) eller CSV-filer")
    organisation_id = SelectField("Les inn i", coerce=optional_int)

    HINTS = {
        "files": "Ett regneark med arkene organisasjon, organer, medlemmer, personer og verv – eller én CSV-fil "
                 "per ark (medlemmer.csv …). Er én rad feil, leses ingenting inn.",
        "organisation_id": "En ny organisasjon lages fra arket «organisasjon».",
    }

    def __init__(self, *args, organisations=(), **kw):
        super().__init__(*args, **kw)
        self.organisation_id.choices = [SelectChoice("", "Ny organisasjon (fra arket «organisasjon»)")] + [
            SelectChoice(o.id, o.name) for o in organisations]

    def validate_files(self, field):
        if not [f for f in field.data or [] if getattr(f, "filename", "")]:
            raise ValidationError("Velg et regneark (.xlsx) eller CSV-filene.")

    def uploads(self) -> dict[str, bytes]:
        return {f.filename: f.read() for f in self.files.data if getattr(f, "filename", "")}
