"""The whole schema of boardroom, as SQLModel tables.

Names follow DESIGN.md's glossary (code in English, UI in bokmål). Every table has
``created_at`` and ``modified_at``; they drive ETags, SEQUENCE in feeds and the audit log.

A case (``Case``) and its treatments (``AgendaItem``) are two things: the case keeps its
identity and exemption; each meeting that treats it has its own agenda position, number,
texts, decision and votes. A deferred case is one case treated twice.

Markdown fields are stored as written (``background``) next to their sanitised HTML
(``background_html``), rendered once when the row is saved (see ``boardroom.core.text``).
"""


import enum
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC on every backend.

    SQLite has no time zones; PostgreSQL's ``timestamptz`` has. This type accepts only
    aware datetimes and always gives back aware UTC datetimes, so code never meets a
    naive one.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; boardroom stores aware datetimes only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def money_column(nullable: bool = False) -> sa.Column:
    """NOK with øre precision."""
    return sa.Column(sa.Numeric(14, 2), nullable=nullable)


def enum_column(enum_cls: type[enum.Enum], nullable: bool = False, default=None,
                server_default: str | None = None) -> sa.Column:
    """Enums stored as their value in a plain string column (portable, readable in SQL)."""
    return sa.Column(
        sa.Enum(enum_cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        nullable=nullable,
        default=default,
        server_default=server_default,
    )


class TermKey(str):
    """A vocabulary term's stable key as read from a record (``"done"``, ``"nytt"``), knowing its
    vocabulary (``"followup_status"``), so the label can be found. Equal to the built-in enum
    member of the same value; ``.value`` is the key, as for an enum member.

    ``fixed_label`` is set on keys read from approved minutes: the word the board approved."""

    def __new__(cls, value: str = "", vocabulary: str = "", fixed_label: str | None = None):
        obj = super().__new__(cls, value)
        obj.vocabulary = vocabulary
        obj.fixed_label = fixed_label
        return obj

    @property
    def value(self) -> str:
        return str(self)


class TermType(TypeDecorator):
    """A vocabulary term's key in a plain string column of length 20 (the column the enum had, so no
    data moves): a built-in enum member is stored as its value, a custom term as its key."""

    impl = sa.String(20)
    cache_ok = True

    def __init__(self, vocabulary: str):
        super().__init__()
        self.vocabulary = vocabulary

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        key = value.value if isinstance(value, enum.Enum) else str(value)
        if len(key) > 20:
            raise ValueError("a vocabulary key has at most 20 characters")
        return key

    def process_result_value(self, value, dialect):
        return None if value is None else TermKey(value, self.vocabulary)


def term_column(vocabulary: str, nullable: bool = False, default=None) -> sa.Column:
    """A record's term of an organisation's vocabulary (``boardroom.core.vocabularies``)."""
    return sa.Column(TermType(vocabulary), nullable=nullable, default=default)


class Timestamped(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    modified_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


# --------------------------------------------------------------------------- enums


class MembershipRole(str, enum.Enum):
    chair = "chair"  # styreleder
    deputy_chair = "deputy_chair"  # nestleder
    member = "member"  # styremedlem
    deputy = "deputy"  # varamedlem
    staff = "staff"  # administrasjonen (daglig leder, rådgivere)
    observer = "observer"  # observatør / fast innkalt


class MeetingMode(str, enum.Enum):
    physical = "physical"  # fysisk
    digital = "digital"  # digitalt
    hybrid = "hybrid"


class MeetingStatus(str, enum.Enum):
    planned = "planned"  # planlagt
    called = "called"  # innkalt
    held = "held"  # gjennomført
    approved = "approved"  # protokoll godkjent
    cancelled = "cancelled"  # avlyst


class AttendanceStatus(str, enum.Enum):
    invited = "invited"  # innkalt, not yet recorded
    present = "present"  # til stede
    absent_notice = "absent_notice"  # forfall (meldt)
    absent = "absent"  # ikke til stede (uten melding)


class CaseKind(str, enum.Enum):
    decision = "decision"  # Beslutning
    discussion = "discussion"  # Diskusjon
    information = "information"  # Orientering
    election = "election"  # Valg
    other_business = "other_business"  # Eventuelt


class ItemStatus(str, enum.Enum):
    draft = "draft"  # på saksliste, ikke behandlet
    treated = "treated"  # behandlet
    deferred = "deferred"  # utsatt
    withdrawn = "withdrawn"  # trukket


class MajorityRule(str, enum.Enum):
    simple = "simple"  # alminnelig flertall
    two_thirds = "two_thirds"  # to tredjedels flertall
    unanimous = "unanimous"  # enstemmighet


class MajorityBase(str, enum.Enum):
    """What a qualified majority is counted of."""

    votes_cast = "votes_cast"  # avgitte stemmer
    present = "members_present"  # de møtende (values differ from other enums': labels are keyed by member)
    members = "all_members"  # alle stemmeberettigede medlemmer


class DecisionMethod(str, enum.Enum):
    """How a case was decided, as the secretary records it; nothing is assumed."""

    counted = "counted"  # votering, stemme for stemme
    unanimous = "unanimously"  # enstemmig, bekreftet av sekretæren (not MajorityRule.unanimous' value)
    none = "none"  # ingen votering (orientering, diskusjon)


class VoteChoice(str, enum.Enum):
    for_ = "for"
    against = "against"  # mot
    abstain = "abstain"  # avstår
    absent = "absent"  # ikke til stede


class ParticipationAnswer(str, enum.Enum):
    joins = "joins"  # deltar
    declines = "declines"  # deltar ikke
    pending = "pending"  # avklares


class ProjectPhase(str, enum.Enum):
    idea = "idea"  # idé
    study = "study"  # utredning
    procurement = "procurement"  # anskaffelse
    execution = "execution"  # gjennomføring
    operation = "operation"  # drift
    closed = "closed"  # avsluttet


class Health(str, enum.Enum):
    green = "green"
    yellow = "yellow"
    red = "red"


class BenefitKind(str, enum.Enum):
    planned = "planned"
    realised = "realised"


class FollowUpStatus(str, enum.Enum):
    open = "open"  # åpen
    in_progress = "in_progress"  # pågår
    done = "done"  # ferdig


class UserRole(str, enum.Enum):
    admin = "admin"  # administrator
    secretary = "secretary"  # sekretær
    member = "member"  # styremedlem
    reader = "reader"  # lesetilgang


class StandardCasePlace(str, enum.Enum):
    opening = "opening"  # first on the saksliste
    closing = "closing"  # last on the saksliste


class MemberKind(str, enum.Enum):
    """What a member (medlem, eier) is, and so which number identifies it."""

    municipality = "municipality"  # kommune: kommunenummer, four digits
    county = "county"  # fylkeskommune: fylkesnummer, two digits
    enterprise = "enterprise"  # foretak (AS, IKS, HF): organisasjonsnummer, nine digits
    health_authority = "health_authority"  # regionalt helseforetak: organisasjonsnummer
    other = "other"  # another body with an organisasjonsnummer


class SeatKind(str, enum.Enum):
    """Whom a seat (verv) represents."""

    member = "for_member"  # on behalf of a member (municipality, county, enterprise …)
    independent = "independent"  # an independent board member (uavhengig styremedlem), no member behind
    employee = "employee"  # an employee representative (ansattrepresentant)


class CostSharing(str, enum.Enum):
    all_members = "all_members"
    participants = "participants"


# --------------------------------------------------------------------------- organisation


class Organisation(Timestamped, table=True):
    """A cooperation (IKS, oppgavefellesskap, HF, AS) that owns bodies, members, people and projects.

    One installation may hold several; its addresses start with ``/<slug>/`` (the first
    organisation's are also served without it, as they were before organisations existed).
    """

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    short_name: str = Field(default="", max_length=50)
    # organisasjonsnummer (nine digits, mod-11 check digit); empty when not known
    number: str = Field(default="", max_length=9)
    slug: str = Field(max_length=50, unique=True)
    # printed in the Word documents and shown in the page header
    logo_id: int | None = Field(default=None, foreign_key="storedfile.id", ondelete="SET NULL")


class OrganisationRole(Timestamped, table=True):
    """An account's role in one organisation (the administrator's ``User.role`` covers all)."""

    __table_args__ = (sa.UniqueConstraint("user_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    role: UserRole = Field(sa_column=enum_column(UserRole))


class Body(Timestamped, table=True):
    """A board or committee that meets (styre, organ)."""

    __table_args__ = (sa.CheckConstraint("co_signers BETWEEN 1 AND 2", name="ck_body_co_signers"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    short_name: str = Field(default="", max_length=50)
    organisation: str = Field(default="", max_length=200)
    case_number_format: str = Field(default="{seq:02d}-{yy}", max_length=50)
    default_place: str = Field(default="", max_length=200)
    # a public body's meeting plan is a feed anyone may subscribe to; a closed body's only by token
    public: bool = True
    # the minutes are signed by the chair and this many members present (protokollunderskrivere)
    co_signers: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # whether a member present may abstain (avstå); off as kommuneloven § 8-1 requires members present to vote
    abstain_allowed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # the majority rule a new case of the body starts with (each case may set its own)
    majority_rule: MajorityRule = Field(sa_column=enum_column(MajorityRule, default=MajorityRule.simple,
                                                              server_default=MajorityRule.simple.value))
    majority_base: MajorityBase = Field(sa_column=enum_column(MajorityBase, default=MajorityBase.votes_cast,
                                                              server_default=MajorityBase.votes_cast.value))
    # the body's own Word template (.docx) whose styles, header, footer and logo the notice and minutes use
    word_template_id: int | None = Field(default=None, foreign_key="storedfile.id", ondelete="SET NULL")
    # when a member reports absence (forfall), their deputy (vara) is called in at once; otherwise
    # the secretary calls the deputy in with one click
    deputy_autocall: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    meetings: list["Meeting"] = Relationship(back_populates="body")
    standard_cases: list["StandardCase"] = Relationship(
        back_populates="body", sa_relationship_kwargs={"order_by": "StandardCase.position"}
    )


class Municipality(Timestamped, table=True):
    """A member of the cooperation (medlem): a municipality, a county, an enterprise …

    Named for the first kind of member (medlemskommune); ``Member`` is the same class.
    ``number`` is the kind's identifier: kommunenummer ("1833"), fylkesnummer ("18") or
    organisasjonsnummer ("983974899"), checked by ``boardroom.registers.identifiers``.
    The weights of cost keys: population by date (municipality, county) and ``ownership_share``
    (eierandel, per cent; the members' shares add up to 100 when a key shares by them).
    """

    # the member register belongs to the organisation: a kommunenummer is unique within it
    __table_args__ = (sa.UniqueConstraint("organisation_id", "number", name="uq_municipality_number"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    number: str = Field(max_length=9, index=True)  # kommunenummer, e.g. "1833"
    kind: MemberKind = Field(sa_column=enum_column(MemberKind, default=MemberKind.municipality,
                                                   server_default=MemberKind.municipality.value))
    name: str = Field(max_length=100)
    ownership_share: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(7, 4), nullable=True))
    region: str = Field(default="", max_length=100)  # klynge, e.g. "Nord-Helgeland"
    member_from: date | None = None
    member_to: date | None = None

    populations: list["PopulationFigure"] = Relationship(back_populates="municipality")

    @property
    def has_population(self) -> bool:
        """Whether population figures mean anything for this member (a municipality or a county)."""
        return self.kind in (None, MemberKind.municipality, MemberKind.county)

    def is_member_on(self, day: date) -> bool:
        return (self.member_from is None or self.member_from <= day) and (
            self.member_to is None or day <= self.member_to
        )


class PopulationFigure(Timestamped, table=True):
    """Population of a municipality as of a date (e.g. SSB, 2nd quarter 2025)."""

    __table_args__ = (sa.UniqueConstraint("municipality_id", "as_of"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="CASCADE", index=True)
    as_of: date
    population: int = Field(ge=0)
    source: str = Field(default="", max_length=200)

    municipality: Municipality = Relationship(back_populates="populations")


class Person(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200)  # e.g. "daglig leder"
    affiliation: str = Field(default="", max_length=200)  # e.g. "DH", "Helsefellesskap Helgeland"


class Membership(Timestamped, table=True):
    """A person's seat on a body, on behalf of a municipality (OParl onBehalfOf)."""

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", ondelete="SET NULL")
    # a member's seat names the member (municipality_id); an independent member's or an employee
    # representative's names none
    kind: SeatKind = Field(sa_column=enum_column(SeatKind, default=SeatKind.member, server_default=SeatKind.member.value))
    role: MembershipRole = Field(sa_column=enum_column(MembershipRole))
    voting: bool = True
    start: date | None = None
    end: date | None = None
    # a deputy's seat points at the member seat they stand in for
    deputy_for_id: int | None = Field(default=None, foreign_key="membership.id", ondelete="SET NULL")

    person: Person = Relationship()
    municipality: Municipality | None = Relationship()


Member = Municipality  # the member register's class by its general name


# --------------------------------------------------------------------------- meetings


class StoredFile(Timestamped, table=True):
    """An uploaded file, stored once by its SHA-256; its bytes are a StoredFileContent row."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    media_type: str = Field(max_length=100)
    size: int = Field(ge=0)


class StoredFileContent(SQLModel, table=True):
    """The bytes of a StoredFile, in the database so that every app server reads the same files.

    A table of its own, keyed by the SHA-256 like the file: listing and joining files (attachments,
    figures, templates) never reads their content, which only ``core.files.read`` does.
    """

    sha256: str = Field(primary_key=True, max_length=64, foreign_key="storedfile.sha256", ondelete="CASCADE")
    data: bytes = Field(sa_type=sa.LargeBinary)


class Meeting(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    title: str = Field(default="Styremøte", max_length=200)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # whole days (the reference gives dates only); starts_at/ends_at are then local midnights
    all_day: bool = False
    place: str = Field(default="", max_length=200)
    mode: MeetingMode = Field(sa_column=enum_column(MeetingMode, default=MeetingMode.physical))
    status: MeetingStatus = Field(sa_column=enum_column(MeetingStatus, default=MeetingStatus.planned))
    purpose: str = Field(default="", max_length=500)  # e.g. "budsjettforhandlinger 2027"
    chair_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    co_signer_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    second_co_signer_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # referent: the staff member who writes the minutes; apologies (forfall) are sent to them
    minutes_taker_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    # the address to join a digital or hybrid meeting (Teams, Zoom …), printed in the notice
    video_link: str = Field(default="", max_length=500)
    called_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_by: str = Field(default="", max_length=200)
    cancelled_reason: str = Field(default="", max_length=500)
    # raised on every change that calendar subscribers should see (iCalendar SEQUENCE)
    sequence: int = 0

    body: Body = Relationship(back_populates="meetings")
    chair: Person | None = Relationship(sa_relationship_kwargs={"foreign_keys": "Meeting.chair_id"})
    co_signer: Person | None = Relationship(sa_relationship_kwargs={"foreign_keys": "Meeting.co_signer_id"})
    second_co_signer: Person | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Meeting.second_co_signer_id"}
    )
    minutes_taker: Person | None = Relationship(sa_relationship_kwargs={"foreign_keys": "Meeting.minutes_taker_id"})
    items: list["AgendaItem"] = Relationship(
        back_populates="meeting",
        sa_relationship_kwargs={"order_by": "AgendaItem.position", "foreign_keys": "AgendaItem.meeting_id"},
    )
    attendances: list["Attendance"] = Relationship(
        back_populates="meeting", sa_relationship_kwargs={"order_by": "Attendance.position"}
    )
    attachments: list["Attachment"] = Relationship(
        back_populates="meeting",
        sa_relationship_kwargs={"order_by": "Attachment.position", "foreign_keys": "Attachment.meeting_id"},
    )


class Attendance(Timestamped, table=True):
    """Who was invited to a meeting, and whether they came."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    position: int = 0
    invited: bool = True
    status: AttendanceStatus = Field(sa_column=enum_column(AttendanceStatus, default=AttendanceStatus.invited))
    # the municipality this person represents at this meeting (voting seat), if any
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", ondelete="SET NULL")
    # a deputy attending for a member
    substitute_for_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=500)

    meeting: Meeting = Relationship(back_populates="attendances")
    person: Person = Relationship(sa_relationship_kwargs={"foreign_keys": "Attendance.person_id"})
    municipality: Municipality | None = Relationship()
    substitute_for: Person | None = Relationship(
        sa_relationship_kwargs={"foreign_keys": "Attendance.substitute_for_id"}
    )


class Case(Timestamped, table=True):
    """A case's identity across meetings: title, exemption, history."""

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=300)
    exempt: bool = False  # unntatt offentlighet
    exemption_basis: str = Field(default="", max_length=100)  # hjemmel, e.g. "Offl. § 14"
    public_title: str = Field(default="", max_length=300)  # shown instead of title when exempt

    treatments: list["AgendaItem"] = Relationship(
        back_populates="case", sa_relationship_kwargs={"order_by": "AgendaItem.id"}
    )


class AgendaItem(Timestamped, table=True):
    """One treatment of a case in one meeting: its place on the saksliste and its outcome.

    The case number is stored as year + sequence (eInnsyn's møtesaksår and
    møtesakssekvensnummer); "38-25" is a format of those two, never the key. ``body_id``
    is repeated here so that the database itself makes a duplicate number impossible.
    """

    __table_args__ = (
        sa.UniqueConstraint("body_id", "number_year", "number_seq", name="uq_agenda_item_number"),
        sa.CheckConstraint("(number_year IS NULL) = (number_seq IS NULL)", name="ck_agenda_item_number_pair"),
        # two cases never share a place on the saksliste (boardroom.meetings.agenda keeps 0…n-1)
        sa.UniqueConstraint("meeting_id", "position", name="uq_agenda_item_position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    case_id: int = Field(foreign_key="case.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE")
    position: int = 0
    # made from one of the body's closing standard cases (Eventuelt): new cases go before it
    closing: bool = False
    number_year: int | None = None
    number_seq: int | None = None
    kind: str | None = Field(default=None, sa_column=term_column("case_kind", nullable=True))
    case_handler_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: ItemStatus = Field(sa_column=enum_column(ItemStatus, default=ItemStatus.draft))
    # sub-points listed under the title on the saksliste (e.g. the projects under 44-25)
    agenda_note: str = Field(default="", sa_type=sa.Text)
    agenda_note_html: str = Field(default="", sa_type=sa.Text)
    background: str = Field(default="", sa_type=sa.Text)  # opplysninger til saken
    background_html: str = Field(default="", sa_type=sa.Text)
    assessment: str = Field(default="", sa_type=sa.Text)  # vurdering
    assessment_html: str = Field(default="", sa_type=sa.Text)
    proposal: str = Field(default="", sa_type=sa.Text)  # forslag til vedtak
    proposal_html: str = Field(default="", sa_type=sa.Text)
    decision: str = Field(default="", sa_type=sa.Text)  # vedtak
    decision_html: str = Field(default="", sa_type=sa.Text)
    discussion: str = Field(default="", sa_type=sa.Text)  # diskusjoner i møtet
    discussion_html: str = Field(default="", sa_type=sa.Text)
    majority_rule: MajorityRule = Field(sa_column=enum_column(MajorityRule, default=MajorityRule.simple))
    majority_base: MajorityBase = Field(sa_column=enum_column(MajorityBase, default=MajorityBase.votes_cast))
    # how the case was decided; None until the secretary has recorded it
    decided_by: DecisionMethod | None = Field(default=None, sa_column=enum_column(DecisionMethod, nullable=True))
    # the earlier treatment this one continues (utsatt sak)
    deferred_from_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    # why this treatment was deferred to a later meeting (printed in the minutes)
    deferral_reason: str = Field(default="", max_length=500)

    meeting: Meeting = Relationship(
        back_populates="items", sa_relationship_kwargs={"foreign_keys": "AgendaItem.meeting_id"}
    )
    case: Case = Relationship(back_populates="treatments")
    case_handler: Person | None = Relationship()
    deferred_from: "AgendaItem" = Relationship(
        sa_relationship_kwargs={"remote_side": "AgendaItem.id", "foreign_keys": "AgendaItem.deferred_from_id"}
    )
    attachments: list["Attachment"] = Relationship(
        back_populates="agenda_item",
        sa_relationship_kwargs={"order_by": "Attachment.position", "foreign_keys": "Attachment.agenda_item_id"},
    )
    vote_events: list["VoteEvent"] = Relationship(
        back_populates="agenda_item", sa_relationship_kwargs={"order_by": "VoteEvent.id"}
    )

    MARKDOWN_FIELDS: ClassVar[tuple[str, ...]] = ("agenda_note", "background", "assessment", "proposal", "decision", "discussion")


class Disqualification(Timestamped, table=True):
    """A member who declared themselves disqualified (inhabil) for a case."""

    __table_args__ = (sa.UniqueConstraint("agenda_item_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", ondelete="CASCADE", index=True)
    person_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    reason: str = Field(default="", max_length=500)


class VoteEvent(Timestamped, table=True):
    """One vote on a case (Popolo VoteEvent); the per-municipality votes belong to it."""

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", ondelete="CASCADE", index=True)
    subject: str = Field(default="", max_length=500)  # what was voted on, e.g. "Forslag til vedtak"
    requirement: MajorityRule = Field(sa_column=enum_column(MajorityRule, default=MajorityRule.simple))
    base: MajorityBase = Field(sa_column=enum_column(MajorityBase, default=MajorityBase.votes_cast))

    agenda_item: AgendaItem = Relationship(back_populates="vote_events")
    votes: list["Vote"] = Relationship(back_populates="event")


class Vote(Timestamped, table=True):
    """How one member's representative voted (group = member), or one seat without a member."""

    __table_args__ = (
        sa.UniqueConstraint("vote_event_id", "municipality_id"),
        sa.UniqueConstraint("vote_event_id", "membership_id", name="uq_vote_event_seat"),
        sa.CheckConstraint("(municipality_id IS NOT NULL) OR (membership_id IS NOT NULL)", name="ck_vote_has_group"),
    )

    id: int | None = Field(default=None, primary_key=True)
    vote_event_id: int = Field(foreign_key="voteevent.id", ondelete="CASCADE", index=True)
    # the member whose seat voted; a seat without a member (an independent member, an employee
    # representative) is named by ``membership_id`` instead
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", ondelete="CASCADE")
    membership_id: int | None = Field(default=None, foreign_key="membership.id", ondelete="CASCADE")
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    choice: VoteChoice = Field(sa_column=enum_column(VoteChoice))

    event: VoteEvent = Relationship(back_populates="votes")
    municipality: Municipality | None = Relationship()
    membership: Membership | None = Relationship()

    @property
    def group_key(self) -> int | str:
        """Whom the vote counts for: the member's id, or "s<seat id>" for a seat without a member."""
        return self.municipality_id if self.municipality_id is not None else f"s{self.membership_id}"

    @property
    def group_name(self) -> str:
        """The member's name, or the name of the person holding a seat without a member."""
        if self.municipality is not None:
            return self.municipality.name
        return self.membership.person.name if self.membership is not None else ""


class Attachment(Timestamped, table=True):
    """A Vedlegg of a meeting or of a case; ``file_id`` is empty when only the title is known."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="CASCADE", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="CASCADE", index=True)
    file_id: int | None = Field(default=None, foreign_key="storedfile.id", ondelete="RESTRICT")
    position: int = 0
    title: str = Field(max_length=300)
    filename: str = Field(default="", max_length=300)
    exempt: bool = False
    exemption_basis: str = Field(default="", max_length=100)
    # a figure (PNG/JPEG) shown in the case text as ![alt](bilde:ID) needs its alternative text
    alt_text: str = Field(default="", max_length=500)

    meeting: Meeting | None = Relationship(
        back_populates="attachments", sa_relationship_kwargs={"foreign_keys": "Attachment.meeting_id"}
    )
    agenda_item: AgendaItem | None = Relationship(
        back_populates="attachments", sa_relationship_kwargs={"foreign_keys": "Attachment.agenda_item_id"}
    )
    file: StoredFile | None = Relationship()


# --------------------------------------------------------------------------- projects


class Project(Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    short_name: str = Field(default="", max_length=50)
    description: str = Field(default="", sa_type=sa.Text)
    description_html: str = Field(default="", sa_type=sa.Text)
    phase: str = Field(default=ProjectPhase.idea, sa_column=term_column("phase", default=ProjectPhase.idea))
    health: str | None = Field(default=None, sa_column=term_column("health", nullable=True))
    health_reason: str = Field(default="", max_length=500)
    owner: str = Field(default="", max_length=200)  # prosjekteier
    lead: str = Field(default="", max_length=200)  # prosjektleder
    start: date | None = None
    planned_end: date | None = None
    position: int = 0

    MARKDOWN_FIELDS: ClassVar[tuple[str, ...]] = ("description",)

    decisions: list["ProjectDecision"] = Relationship(
        back_populates="project", sa_relationship_kwargs={"order_by": "ProjectDecision.decided_on"}
    )


class ProjectDecision(Timestamped, table=True):
    """A decision that starts or changes a joint project, which municipalities answer.

    The decision may have been made in a meeting boardroom holds (``agenda_item_id``) or
    earlier, outside it (then ``decided_on`` and ``decided_text`` say when).
    """

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    title: str = Field(max_length=300)  # "Felles anskaffelse EPJ helse og omsorg"
    decided_on: date
    decided_text: str = Field(default="", max_length=100)  # as printed, e.g. "Kunngjort juni 2025"
    remark: str = Field(default="", max_length=1000)  # remark on the decision as a whole
    position: int = 0

    project: Project = Relationship(back_populates="decisions")
    answers: list["Participation"] = Relationship(
        back_populates="decision", sa_relationship_kwargs={"order_by": "Participation.answered_on"}
    )


class Participation(Timestamped, table=True):
    """One answer of one municipality to a project decision; the history is all its rows.

    The current state of a municipality is its latest answer; counts such as "18/19" are
    derived from the current states (``boardroom.participation``), never stored.
    """

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="projectdecision.id", ondelete="CASCADE", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="CASCADE", index=True)
    answer: ParticipationAnswer = Field(sa_column=enum_column(ParticipationAnswer))
    answered_on: date
    source: str = Field(default="", max_length=200)  # "vedtak", "e-post", "telefon", "brev"
    source_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    remark: str = Field(default="", max_length=1000)

    decision: ProjectDecision = Relationship(back_populates="answers")
    municipality: Municipality = Relationship()


class StatusReport(Timestamped, table=True):
    """A project's status as reported in a meeting case ("Status prosjekter og vedtak")."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    reported_on: date
    title: str = Field(default="", max_length=300)
    text: str = Field(default="", sa_type=sa.Text)
    text_html: str = Field(default="", sa_type=sa.Text)
    phase: str | None = Field(default=None, sa_column=term_column("phase", nullable=True))
    health: str | None = Field(default=None, sa_column=term_column("health", nullable=True))

    MARKDOWN_FIELDS: ClassVar[tuple[str, ...]] = ("text",)


class Grant(Timestamped, table=True):
    """External funding (eksterne tilskudd): a project grant, or other income of the body."""

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL", index=True)
    purpose: str = Field(max_length=300)  # "Tiltak/prosjekt"
    funder: str = Field(max_length=200)  # "Finansiert av"
    amount: Decimal = Field(sa_column=money_column())
    year: int
    position: int = 0


class Benefit(Timestamped, table=True):
    """A planned or realised benefit (gevinst) of a project for one municipality."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", ondelete="CASCADE", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="CASCADE", index=True)
    kind: BenefitKind = Field(sa_column=enum_column(BenefitKind))
    description: str = Field(default="", max_length=500)
    amount: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))  # NOK per period
    hours: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(10, 1), nullable=True))
    cost: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))  # cost side, NOK
    period: str = Field(default="year", max_length=10)  # "month" or "year"
    as_of: date | None = None


class FollowUp(Timestamped, table=True):
    """An action from a case (oppfølgingspunkt), closed by a later case."""

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agendaitem.id", ondelete="CASCADE", index=True)
    text: str = Field(sa_type=sa.Text)
    responsible_person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    responsible_municipality_id: int | None = Field(
        default=None, foreign_key="municipality.id", ondelete="SET NULL"
    )
    due_date: date | None = None
    status: str = Field(default=FollowUpStatus.open,
                        sa_column=term_column("followup_status", default=FollowUpStatus.open))
    closed_by_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")


# --------------------------------------------------------------------------- costs


class CostKey(Timestamped, table=True):
    """How a cost is shared (fordelingsnøkkel): a flat part, a per-inhabitant part and a part by
    ownership share (eierandel), in any mix.

    Either percentages (``flat_percent`` + ``per_inhabitant_percent`` + ``ownership_percent``
    = 100), or a fixed ``rate_per_inhabitant`` in NOK with the rest shared flat.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "(rate_per_inhabitant IS NOT NULL) OR (flat_percent + per_inhabitant_percent + ownership_percent = 100)",
            name="ck_cost_key_sums_to_100",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=200)
    flat_percent: Decimal = Field(default=Decimal("0"), sa_column=sa.Column(sa.Numeric(5, 2), nullable=False))
    per_inhabitant_percent: Decimal = Field(
        default=Decimal("0"), sa_column=sa.Column(sa.Numeric(5, 2), nullable=False)
    )
    ownership_percent: Decimal = Field(
        default=Decimal("0"), sa_column=sa.Column(sa.Numeric(5, 2), nullable=False, server_default="0")
    )
    rate_per_inhabitant: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))
    # the project whose costs this key shares (e.g. 40/60 for a shared platform), if any
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL", index=True)


class Cost(Timestamped, table=True):
    """A cost shared among municipalities by a key."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    description: str = Field(max_length=300)
    year: int
    total: Decimal = Field(sa_column=money_column())
    cost_key_id: int = Field(foreign_key="costkey.id", ondelete="RESTRICT")
    sharing: CostSharing = Field(sa_column=enum_column(CostSharing, default=CostSharing.all_members))
    population_date: date
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    project_id: int | None = Field(default=None, foreign_key="project.id", ondelete="SET NULL")
    project_decision_id: int | None = Field(default=None, foreign_key="projectdecision.id", ondelete="SET NULL")
    # the "Sum" of the approved rows as the minutes state it, for a table copied from earlier minutes
    approved_sum: Decimal | None = Field(default=None, sa_column=money_column(nullable=True))

    cost_key: CostKey = Relationship()
    agenda_item: AgendaItem | None = Relationship()
    project: Project | None = Relationship()
    approved_shares: list["ApprovedShare"] = Relationship(
        back_populates="cost", sa_relationship_kwargs={"order_by": "ApprovedShare.position"}
    )


class ApprovedShare(Timestamped, table=True):
    """One row of a cost's shares as the board approved them, never recomputed.

    Fixed from the key when the minutes of the cost's case are approved, or copied as written
    from earlier minutes (their slips included: boardroom.costs.slips finds them).
    """

    id: int | None = Field(default=None, primary_key=True)
    cost_id: int = Field(foreign_key="cost.id", ondelete="CASCADE", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", ondelete="SET NULL")
    position: int = 0
    name: str = Field(max_length=200)  # as written in the minutes
    population: int = 0
    per_inhabitant: Decimal = Field(sa_column=money_column())  # "Fordelt etter innbyggertall"
    # "Fordelt etter eierandel", for a key by ownership share
    ownership: Decimal = Field(default=Decimal("0"), sa_column=sa.Column(sa.Numeric(14, 2), nullable=False,
                                                                         server_default="0"))
    total: Decimal = Field(sa_column=money_column())  # "Totalt pr kommune"

    cost: Cost = Relationship(back_populates="approved_shares")


# --------------------------------------------------------------------------- vocabularies


class VocabularyTerm(Timestamped, table=True):
    """One word of an organisation's vocabulary: a project phase, a follow-up status, a health
    level or a case kind. An organisation with no terms for a vocabulary uses the built-in words.

    Records hold ``key`` (stable, never changed), so renaming the ``label`` rewrites no history.
    ``closed`` marks the statuses and phases that end an item (overdue lists and open counts skip
    them); ``means`` is the built-in value whose behaviour a term takes (a health level's colour,
    a case kind's votes and placement)."""

    __table_args__ = (sa.UniqueConstraint("organisation_id", "vocabulary", "key", name="uq_vocabulary_term_key"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE", index=True)
    vocabulary: str = Field(max_length=20)  # "phase", "followup_status", "health", "case_kind"
    key: str = Field(max_length=20)
    label: str = Field(max_length=100)
    closed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    means: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    position: int = 0


# --------------------------------------------------------------------------- accounts, templates, history


class User(Timestamped, table=True):
    """An account. A board member's account is linked to a person, and so to a municipality."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True)  # stored lower-case
    password_hash: str = Field(max_length=300)
    role: UserRole = Field(sa_column=enum_column(UserRole))
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    active: bool = True
    # raised by log-out, a password change and deactivation: every session and remember cookie
    # signed with an older value stops working (boardroom.auth.sessions)
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # granted by an administrator: a reader who reads drafts and exempt cases as the secretary does
    reads_restricted: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    person: Person | None = Relationship()


class FeedToken(Timestamped, table=True):
    """A secret calendar feed address: a person's own meetings, or a closed body's meeting plan.

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is made.
    A revoked token is kept (with ``revoked_at``) and its feed answers 404.
    """

    __table_args__ = (
        sa.CheckConstraint("(person_id IS NULL) <> (body_id IS NULL)", name="ck_feed_token_one_owner"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="CASCADE", index=True)
    body_id: int | None = Field(default=None, foreign_key="body.id", ondelete="CASCADE", index=True)
    created_by: str = Field(default="", max_length=200)  # e-mail of the account that made it
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    person: Person | None = Relationship()
    body: Body | None = Relationship()


class LoginThrottle(SQLModel, table=True):
    """Failed log-ins per account or per address, shared by every app server (boardroom.auth.throttle).

    ``key`` is "konto:<e-mail>" or "adresse:<ip>"; ``failures`` counts within the window that began
    at ``window_start``; ``blocked_until`` is set when the limit is reached.
    """

    key: str = Field(primary_key=True, max_length=250)
    failures: int = 0
    window_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SharedSetting(SQLModel, table=True):
    """A fact every app server on the database must agree on, such as which secret key signs the
    sessions (its fingerprint only; boardroom.core.secret). Describes the installation, not its data:
    not in backups."""

    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=500)
    changed_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class StandardCase(Timestamped, table=True):
    """A case every new meeting of a body starts with (opening) or ends with (closing)."""

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="body.id", ondelete="CASCADE", index=True)
    place: StandardCasePlace = Field(sa_column=enum_column(StandardCasePlace))
    position: int = 0
    title: str = Field(max_length=300)
    kind: str = Field(sa_column=term_column("case_kind"))
    proposal: str = Field(default="", sa_type=sa.Text)

    body: Body = Relationship(back_populates="standard_cases")


class Correction(Timestamped, table=True):
    """A recorded amendment to approved minutes: who, when, what and why."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    agenda_item_id: int | None = Field(default=None, foreign_key="agendaitem.id", ondelete="SET NULL")
    field: str = Field(default="", max_length=50)  # e.g. "decision"
    before: str = Field(default="", sa_type=sa.Text)
    after: str = Field(default="", sa_type=sa.Text)
    reason: str = Field(sa_type=sa.Text)
    made_by: str = Field(max_length=200)


class MinutesVersion(SQLModel, table=True):
    """Approved minutes as stored: v1 at approval, v2, v3 … at each recorded correction.

    ``snapshot`` is the meeting as its page and JSON showed it (canonical JSON), ``docx`` the
    protokoll.docx as approved; each with its SHA-256. Nothing derived live changes them.
    """

    __table_args__ = (sa.UniqueConstraint("meeting_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE", index=True)
    version: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    created_by: str = Field(default="", max_length=200)
    note: str = Field(default="", sa_type=sa.Text)  # "Godkjent", or the correction's reason
    snapshot: str = Field(sa_type=sa.Text)
    snapshot_sha256: str = Field(max_length=64)
    docx: bytes = Field(sa_type=sa.LargeBinary)
    docx_sha256: str = Field(max_length=64)


class AuditEntry(SQLModel, table=True):
    """One changed field of one row: who, when, before and after (the audit log)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    user: str = Field(default="", max_length=200)  # e-mail of the account, or "kommandolinje"
    table_name: str = Field(max_length=50)
    row_id: int = Field(index=True)
    action: str = Field(max_length=10)  # "insert", "update", "delete"
    field: str = Field(default="", max_length=50)
    before: str = Field(default="", sa_type=sa.Text)
    after: str = Field(default="", sa_type=sa.Text)
    # the meeting and case the change belongs to, so a case page can show its history
    meeting_id: int | None = Field(default=None, index=True)
    agenda_item_id: int | None = Field(default=None, index=True)


class Revision(SQLModel, table=True):
    """A change counter per scope of the data, raised in the transaction of every change to it.

    Generated pages and documents are cached under the counters of the scopes they show
    (boardroom.core.cache): when one of them moves, the cached copy is stale. A scope is a kind
    ("global", "meetings", "meeting", "body") and an id (0 for the kinds that have none).
    """

    scope: str = Field(primary_key=True, max_length=20)
    scope_id: int = Field(default=0, primary_key=True)
    value: int = 0
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class OutboxStatus(str, enum.Enum):
    queued = "queued"  # venter på sending
    sending = "sending"  # claimed by a worker
    sent = "sent"  # accepted by the mail server
    retry = "retry"  # delivery failed; tried again later
    rejected = "rejected"  # the mail server refused the address for good
    unconfigured = "unconfigured"  # ikke sendt – e-post er ikke satt opp
    dropped = "dropped"  # not sent: no longer applies (meeting cancelled or gone, person no longer invited)


class OutboxMessage(SQLModel, table=True):
    """One e-mail, stored before anyone tries to send it, so nothing is lost while the mail server
    is down. A worker claims a due row (status ``sending``, ``claim``), sends it and records what
    the server said; a failure is tried again later (``next_attempt_at``, growing backoff).

    Account mail is stored whole (``message``). A meeting's notice, update or cancellation is
    stored as who, which meeting, which kind, the meeting's SEQUENCE then and the organiser;
    the worker builds the message when it first delivers the row and keeps it in ``message``
    (and its subject in ``subject``), so a retry sends the same bytes."""

    __table_args__ = (sa.Index("ix_outboxmessage_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    kind: str = Field(max_length=20)  # "notice", "update", "cancel", "invitation", "reset"
    recipient: str = Field(max_length=200)
    subject: str = Field(default="", max_length=300)
    message: bytes | None = Field(default=None, sa_type=sa.LargeBinary)  # the RFC 5322 message, once built
    sequence: int | None = None  # a meeting mail: the meeting's SEQUENCE when it was queued
    organizer_name: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    organizer_address: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    status: OutboxStatus = Field(sa_column=enum_column(OutboxStatus, default=OutboxStatus.queued))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    claim: str = Field(default="", max_length=40)  # which worker holds it while sending
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=1000)


class UsedToken(SQLModel, table=True):
    """A signed one-use link (absence report, set or reset password) that has been used."""

    jti: str = Field(primary_key=True, max_length=64)
    purpose: str = Field(max_length=20)
    used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


# Register the Markdown rendering on flush wherever the models are used (app, CLI, tests).
from boardroom.core import text as _text  # noqa: E402,F401
