"""Norwegian (bokmål) words for the enums, in one place for pages and documents."""

from .models import (
    AttendanceStatus, CaseKind, FollowUpStatus, Health, ItemStatus, MajorityRule, MeetingMode,
    MeetingStatus, MembershipRole, ParticipationAnswer, ProjectPhase, VoteChoice,
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
    ItemStatus.draft: "Ikke behandlet",
    ItemStatus.treated: "Behandlet",
    ItemStatus.deferred: "Utsatt",
    ItemStatus.withdrawn: "Trukket",
    MajorityRule.simple: "Alminnelig flertall",
    MajorityRule.two_thirds: "To tredjedels flertall",
    MajorityRule.unanimous: "Enstemmighet",
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
}


def label(value) -> str:
    """The Norwegian word for an enum member ('' for None)."""
    if value is None:
        return ""
    return LABELS.get(value, str(getattr(value, "value", value)))
