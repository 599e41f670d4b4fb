"""Forms of the registers: bodies, standard cases, municipalities, population figures,
persons and memberships. Messages are Norwegian; rules that need the database ask
``boardroom.registers.registers``."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from boardroom.core import vocabularies
from boardroom.core.db import get_session
from boardroom.core.fields import NONE_CHOSEN, AmountField, NotNegative, TermChoice, enum_choices, strip, text
from boardroom.core.formatting import nb_date, nb_sort_key
from boardroom.core.forms import EditForm, Form, NotBefore
from boardroom.core.labels import label
from boardroom.meetings.numbering import NumberFormatError
from boardroom.models import MajorityBase, MajorityRule, MemberKind, MembershipRole, SeatKind, StandardCasePlace
from boardroom.registers import registers
from boardroom.registers.identifiers import InvalidNumber, check_member_number

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PLACES = [SelectChoice(StandardCasePlace.opening.value, "Først i sakslisten"),
          SelectChoice(StandardCasePlace.closing.value, "Sist i sakslisten")]


def row_id(value):
    """A select's id: '' (nothing chosen) becomes None; a value that is no number stays as it is,
    so that the field says "Ikke et gyldig valg"."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def enum_member(enum_cls):
    """Coerce a select's value to ``enum_cls`` (unknown values stay, and are refused as no choice)."""

    def coerce(value):
        try:
            return enum_cls(value)
        except ValueError:
            return value

    return coerce


class RegisterForm(Form):
    def __init__(self, *args, current=None, **kw):
        """``current`` is the row being edited (None for a new one); it fills the fields."""
        super().__init__(*args, obj=current, **kw)
        self.current = current

    def values(self) -> dict:
        """The entered values by model field name."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}

    def is_other(self, row) -> bool:
        """``row`` exists and is not the row being edited."""
        return row is not None and (self.current is None or row.id != self.current.id)


class BodyForm(RegisterForm):
    name = text("Navn", 200, "Oppgi navnet på organet.")
    organisation = text("Organisasjon", 200)
    short_name = text("Kortnavn", 50)
    case_number_format = text("Saksnummerformat", 50, "Oppgi et saksnummerformat, for eksempel {seq:02d}-{yy}.",
                              default="{seq:02d}-{yy}")
    default_place = text("Vanlig møtested", 200)
    public = BooleanField("Åpen møteplan (alle kan abonnere på kalenderen)", default=True)
    co_signers = SelectField("Protokollunderskrivere", coerce=int, default=1, choices=[
        SelectChoice(1, "Én, sammen med møteleder"), SelectChoice(2, "To, sammen med møteleder")])
    abstain_allowed = BooleanField("Medlemmene kan avstå fra å stemme", default=False)
    majority_rule = SelectField("Flertallskrav for nye saker", choices=enum_choices(MajorityRule),
                                coerce=enum_member(MajorityRule), default=MajorityRule.simple)
    majority_base = SelectField("Kvalifisert flertall regnes av", choices=enum_choices(MajorityBase),
                                coerce=enum_member(MajorityBase), default=MajorityBase.votes_cast)
    deputy_autocall = BooleanField("Vara kalles inn med en gang når et medlem melder forfall", default=False)

    def validate_case_number_format(self, field):
        try:
            registers.check_case_number_format(field.data)
        except NumberFormatError as exc:
            raise ValidationError(str(exc)) from exc


class StandardCaseForm(RegisterForm):
    place = SelectField("Plassering", choices=PLACES, coerce=enum_member(StandardCasePlace))
    title = text("Tittel", 300, "Oppgi tittelen på saken.")
    kind = TermChoice("Sakstype", vocabulary="case_kind")
    proposal = TextAreaField("Forslag til vedtak", filters=[strip])

    def __init__(self, *args, current=None, **kw):
        super().__init__(*args, current=current, **kw)
        if current is not None:
            self.kind.keep(current.kind)


class MunicipalityForm(RegisterForm):
    """A member of any kind: its number is checked by its kind (``registers.identifiers``)."""

    kind = SelectField("Type medlem", choices=enum_choices(MemberKind), coerce=enum_member(MemberKind),
                       default=MemberKind.municipality)
    number = StringField("Nummer", filters=[strip])
    name = text("Navn", 100, "Oppgi navnet på medlemmet.")
    region = text("Region (klynge)", 100)
    ownership_share = AmountField("Eierandel (%)", [NotNegative("Eierandelen kan ikke være negativ.")],
                                  decimals=4, digits=7)
    member_from = DateField("Medlem fra", [Optional()])
    member_to = DateField("Medlem til", [
        Optional(), NotBefore("member_from", "Medlemskapet kan ikke slutte før det begynte."),
    ])

    def validate_number(self, field):
        kind = self.kind.data if isinstance(self.kind.data, MemberKind) else MemberKind.municipality
        try:
            field.data = check_member_number(kind, field.data)
        except InvalidNumber as exc:
            raise ValidationError(str(exc)) from exc
        if self.is_other(registers.municipality_by_number(get_session(), field.data)):
            what = "en kommune" if kind == MemberKind.municipality else "et medlem"
            raise ValidationError(f"Det finnes allerede {what} med nummer {field.data}.")

    def validate_ownership_share(self, field):
        if field.data is not None and field.data > 100:
            raise ValidationError("Eierandelen kan ikke være mer enn 100 %.")
        if field.data is not None and field.data != field.data.quantize(Decimal("0.0001")):
            raise ValidationError("Eierandelen kan ha høyst fire desimaler.")


class PopulationForm(RegisterForm):
    as_of = DateField("Dato", [InputRequired(message="Oppgi datoen folketallet gjelder.")])
    population = IntegerField("Folketall", [
        InputRequired(message="Oppgi folketallet."),
        NumberRange(min=0, message="Folketallet kan ikke være negativt."),
        NumberRange(max=2**31 - 1, message="Folketallet er for stort."),
    ])
    source = text("Kilde", 200)

    def __init__(self, *args, municipality_id: int, **kw):
        super().__init__(*args, **kw)
        self.municipality_id = municipality_id

    def validate_as_of(self, field):
        if self.is_other(registers.population_on(get_session(), self.municipality_id, field.data)):
            raise ValidationError(f"Det finnes allerede et folketall for {nb_date(field.data)}.")


class PersonForm(RegisterForm):
    name = text("Navn", 200, "Oppgi navnet på personen.")
    email = EmailField("E-post", [
        Optional(),
        Regexp(EMAIL, message="Oppgi en gyldig e-postadresse, for eksempel navn@kommune.no."),
        Length(max=200, message="Feltet kan ha høyst 200 tegn."),
    ], filters=[strip])
    title = text("Stilling", 200)
    affiliation = text("Tilhørighet", 200)


class MembershipForm(RegisterForm):
    body_id = SelectField("Organ", coerce=row_id)
    role = SelectField("Rolle", choices=enum_choices(MembershipRole), coerce=enum_member(MembershipRole))
    kind = SelectField("Hvem vervet representerer", choices=enum_choices(SeatKind), coerce=enum_member(SeatKind),
                       default=SeatKind.member)
    municipality_id = SelectField("Representerer medlem", coerce=row_id)
    voting = BooleanField("Har stemmerett", default=True)
    start = DateField("Fra", [Optional()])
    end = DateField("Til", [Optional(), NotBefore("start", "Sluttdatoen kan ikke være før startdatoen.")])
    deputy_for_id = SelectField("Varamedlem for", coerce=row_id)

    def __init__(self, *args, bodies, municipalities, seats, **kw):
        """Choices: the bodies, the municipalities and the member seats a deputy may stand in for."""
        super().__init__(*args, **kw)
        several = len(bodies) > 1
        names = {b.id: b.name for b in bodies}
        self.body_id.choices = [SelectChoice(b.id, b.name) for b in bodies]
        self.municipality_id.choices = [NONE_CHOSEN] + [
            SelectChoice(m.id, m.name) for m in sorted(municipalities, key=lambda m: nb_sort_key(m.name))
        ]
        self.seats = {s.id: s for s in seats if self.current is None or s.id != self.current.id}
        self.deputy_for_id.choices = [NONE_CHOSEN] + [
            SelectChoice(s.id, seat_label(s), optgroup=names.get(s.body_id) if several else None)
            for s in self.seats.values()
        ]

    def validate_municipality_id(self, field):
        if self.kind.data in (SeatKind.independent, SeatKind.employee) and field.data is not None:
            raise ValidationError(f"{label(self.kind.data)} representerer ikke et medlem. La feltet stå tomt.")

    def validate_deputy_for_id(self, field):
        seat = self.seats.get(field.data)
        if seat is None:
            return
        if self.role.data != MembershipRole.deputy:
            raise ValidationError("Bare et varamedlem kan stå for et annet verv. Velg rollen Varamedlem.")
        if seat.body_id != self.body_id.data:
            raise ValidationError("Velg et verv i det samme organet.")


def seat_label(seat) -> str:
    """'Robert Pettersen, Styreleder – Rana', 'Kari Nordmann, Styremedlem – Ansattrepresentant'."""
    kind = getattr(seat, "kind", None)
    where = f" – {seat.municipality.name}" if seat.municipality else (
        f" – {label(kind)}" if kind in (SeatKind.independent, SeatKind.employee) else "")
    return f"{seat.person.name}, {label(seat.role)}{where}"


class MoveForm(Form):
    direction = StringField(validators=[AnyOf(["up", "down"], message="Ugyldig retning.")])


class ConfirmForm(Form):
    """A confirmation step (the CSRF token is all it carries)."""


class TermForm(EditForm):
    """A term of a vocabulary: its word, whether it closes (statuses, phases), how it works (kinds, health)."""

    label = text("Ord", 100, "Skriv ordet slik det skal vises.")
    closed = BooleanField("Lukket (punktet eller prosjektet er avsluttet)")
    means = SelectField("Virker som", choices=[], validate_choice=False)

    def __init__(self, vocabulary: str, *args, **kw):
        from boardroom.registers.vocabularies import means_choices

        super().__init__(*args, **kw)
        self.vocabulary = vocabulary
        if vocabulary in vocabularies.MEANS_VOCABULARIES:
            self.means.choices = [SelectChoice(value, word) for value, word in means_choices(vocabulary)]
        else:
            self.means.choices = [SelectChoice("", "–")]

    def validate_means(self, field):
        if self.vocabulary in vocabularies.MEANS_VOCABULARIES and field.data not in {c.value for c in field.choices}:
            raise ValidationError("Velg hvordan ordet skal virke.")

    @property
    def visible_fields(self):
        shown = ["label"]
        if self.vocabulary in vocabularies.STATUS_VOCABULARIES:
            shown.append("closed")
        if self.vocabulary in vocabularies.MEANS_VOCABULARIES:
            shown.append("means")
        return [self[name] for name in shown]
