"""Norwegian (bokmål) words for the enums, in one place for pages and documents."""

import enum

from boardroom.models import (
    AttendanceStatus,
    CaseKind,
    DecisionMethod,
    FollowUpStatus,
    Health,
    ItemStatus,
    MajorityBase,
    MajorityRule,
    MeetingMode,
    MeetingStatus,
    MemberKind,
    MembershipRole,
    OutboxStatus,
    ParticipationAnswer,
    ProjectPhase,
    SeatKind,
    TermKey,
    VoteChoice,
)

LABELS = {
    CaseKind.decision: "Beslutning",
    CaseKind.discussion: "Diskusjon",
    CaseKind.information: "Orientering",
    CaseKind.election: "Valg",
    CaseKind.other_business: "Eventuelt",
    MeetingMode.physical: "Fysisk",
    MeetingMode.digital: "Digitalt",
    MeetingMode.hybrid: "Hybrid",
    MeetingStatus.planned: "Planlagt",
    MeetingStatus.called: "Innkalt",
    MeetingStatus.held: "Gjennomført",
    MeetingStatus.approved: "Protokoll godkjent",
    MeetingStatus.cancelled: "Avlyst",
    AttendanceStatus.invited: "Innkalt",
    AttendanceStatus.present: "Til stede",
    AttendanceStatus.absent_notice: "Forfall",
    AttendanceStatus.absent: "Ikke til stede",
    OutboxStatus.queued: "venter på sending",
    OutboxStatus.sending: "sendes nå",
    OutboxStatus.sent: "godtatt av e-posttjeneren",
    OutboxStatus.retry: "ikke sendt – prøves igjen",
    OutboxStatus.rejected: "avvist av e-posttjeneren",
    OutboxStatus.unconfigured: "ikke sendt – e-post er ikke satt opp",
    OutboxStatus.dropped: "ikke sendt – gjelder ikke lenger",
    ItemStatus.draft: "Ikke behandlet",
    ItemStatus.treated: "Behandlet",
    ItemStatus.deferred: "Utsatt",
    ItemStatus.withdrawn: "Trukket",
    MajorityRule.simple: "Alminnelig flertall",
    MajorityRule.two_thirds: "To tredjedels flertall",
    MajorityRule.unanimous: "Enstemmighet",
    MajorityBase.votes_cast: "av de avgitte stemmene",
    MajorityBase.present: "av de møtende",
    MajorityBase.members: "av alle stemmeberettigede medlemmer",
    DecisionMethod.counted: "Votering",
    DecisionMethod.unanimous: "Enstemmig vedtatt",
    DecisionMethod.none: "Ingen votering",
    VoteChoice.for_: "For",
    VoteChoice.against: "Mot",
    VoteChoice.abstain: "Avstår",
    VoteChoice.absent: "Ikke til stede",
    ParticipationAnswer.joins: "Deltar",
    ParticipationAnswer.declines: "Deltar ikke",
    ParticipationAnswer.pending: "Avklares",
    ProjectPhase.idea: "Idé",
    ProjectPhase.study: "Utredning",
    ProjectPhase.procurement: "Anskaffelse",
    ProjectPhase.execution: "Gjennomføring",
    ProjectPhase.operation: "Drift",
    ProjectPhase.closed: "Avsluttet",
    Health.green: "Grønn",
    Health.yellow: "Gul",
    Health.red: "Rød",
    FollowUpStatus.open: "Åpen",
    FollowUpStatus.in_progress: "Pågår",
    FollowUpStatus.done: "Ferdig",
    MembershipRole.chair: "Styreleder",
    MembershipRole.deputy_chair: "Nestleder",
    MembershipRole.member: "Styremedlem",
    MembershipRole.deputy: "Varamedlem",
    MembershipRole.staff: "Administrasjon",
    MembershipRole.observer: "Observatør",
    MemberKind.municipality: "Kommune",
    MemberKind.county: "Fylkeskommune",
    MemberKind.enterprise: "Foretak",
    MemberKind.health_authority: "Helseforetak",
    MemberKind.other: "Annen virksomhet",
    SeatKind.member: "Representerer et medlem",
    SeatKind.independent: "Uavhengig styremedlem",
    SeatKind.employee: "Ansattrepresentant",
}


VOCABULARY_ENUMS = {CaseKind: "case_kind", FollowUpStatus: "followup_status", Health: "health", ProjectPhase: "phase"}


def _request_terms():
    """The request's organisation's vocabularies (``core.vocabularies``): loaded before any page is
    rendered, so a template never queries; read on first use by JSON and documents. None outside a request."""
    from flask import g, has_request_context

    if not has_request_context():
        return None
    terms = g.get("vocabulary_terms")
    if terms is None:
        from boardroom.core import vocabularies

        terms = vocabularies.request_terms()
    return terms


def _key(value) -> str:
    return value.value if isinstance(value, enum.Enum) else str(value)


def label(value) -> str:
    """The Norwegian word for an enum member ('' for None).

    A term of a vocabulary (a project phase, follow-up status, health level or case kind, as a
    record gives it back or as the enum member) is the request's organisation's word for it; one
    fixed in approved minutes is the word approved. Outside a request, the built-in word."""
    if value is None:
        return ""
    fixed = getattr(value, "fixed_label", None)
    if fixed is not None:
        return fixed
    vocabulary = getattr(value, "vocabulary", None) or VOCABULARY_ENUMS.get(type(value))
    if vocabulary:
        terms = _request_terms()
        if terms is not None:
            key = _key(value)
            for term in terms[vocabulary]:
                if term.key == key:
                    return term.label
    return LABELS.get(value, str(getattr(value, "value", value)))


def term(key, vocabulary: str) -> str:
    """The word for a key of ``vocabulary`` given as plain text (a filter's value in the address)."""
    return label(TermKey(_key(key), vocabulary)) if key else ""


def health_colour(key) -> str:
    """A health level's colour (its CSS class): its own, or the built-in level a term of the
    organisation's takes; '' for none."""
    if not key:
        return ""
    key = _key(key)
    terms = _request_terms()
    found = next((t.means or t.key for t in terms["health"] if t.key == key), key) if terms else key
    return found if found in {h.value for h in Health} else ""


NUMBER_NAMES = {MemberKind.municipality: "kommunenummer", MemberKind.county: "fylkesnummer"}


def number_name(kind: MemberKind | None) -> str:
    """What a member's number is called: 'kommunenummer', 'fylkesnummer' or 'organisasjonsnummer'."""
    return NUMBER_NAMES.get(kind or MemberKind.municipality, "organisasjonsnummer")


def only_municipalities(members) -> bool:
    """Whether every member is a municipality (then pages say "kommuner", else "medlemmer").

    None (a seat without a member) is no municipality; a member stored before members had kinds
    (a row of approved minutes) is one."""
    return all(m is not None and getattr(m, "kind", None) in (None, MemberKind.municipality) for m in members)


def members_word(members, capital: bool = False) -> str:
    """'kommuner' when every member is a municipality, else 'medlemmer' (capitalised if asked)."""
    word = "kommuner" if only_municipalities(members) else "medlemmer"
    return word.capitalize() if capital else word
