"""Exempt means exempt: a visitor who walks every public address finds no trace of an exempt
case, an exempt attachment or the papers of a meeting whose notice is not sent.

Every field of those rows carries its own marker text. The visitor crawls from "/" (every
same-site link, every URL in JSON and calendars) and fills every GET rule of the URL map with
the ids of every row; pages, JSON, CSV, calendars and Word documents (their text, tables,
headers, properties and every XML part) must not contain a marker. The secretary, signed in,
sees the markers, so the markers really are there.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from decimal import Decimal
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

import docx
import icalendar
import pytest
from sqlmodel import select

import boardroom.models as m
from boardroom.calendar.feeds import issue_token
from boardroom.decisions.approval import approve_minutes, correct
from boardroom.meetings.agenda import add_attachment
from boardroom.registers.routes import SLUG_OF, VOCABULARY_SLUGS
from tests.conftest import oslo

PREFIX = "MARKOR"  # ASCII, so no escaping (JSON, HTML, iCalendar, XML) can hide a marker from the search
MARKER = re.compile(rb"MARKOR-[A-Z0-9-]+")
PDF = b"%PDF-1.4\n% MARKOR-FILE-CONTENT\n"
BASE = "http://boardroom.test"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ITEM_TEXTS = ("agenda_note", "background", "assessment", "proposal", "decision", "discussion")


def recorded(meeting) -> None:
    """How each case was decided, as the secretary records it before approval."""
    for item in meeting.items:
        item.decided_by = item.decided_by or (m.DecisionMethod.counted if item.vote_events else m.DecisionMethod.none)


def mark(tag: str, field: str) -> str:
    return f"{PREFIX}-{field.upper()}-{tag}".replace("_", "-")


class World:
    """The rows the crawl fills URLs with, and the markers that must stay hidden."""

    def __init__(self):
        self.markers: set[str] = set()
        self.secret_items: list[int] = []  # cases whose page the secretary reads the markers on
        self.token = ""
        self.public_vote_item = 0  # the one case whose votes the public may see
        self.later_id = 0  # the meeting approved while public, then partly made exempt


def secret_case(session, world, meeting, body, tag, position, seq, *, exempt=True, towns=(), key=None, project=None):
    """A case with a marker in every field, with votes, a disqualification, a follow-up, a cost,
    a project decision with answers, and an exempt and a plain attachment."""
    handler = m.Person(name=mark(tag, "handler"))
    session.add(handler)
    case = m.Case(body_id=body.id, title=mark(tag, "title"), exempt=exempt,
                  exemption_basis="Offl. § 14" if exempt else "", public_title="")
    session.add(case)
    session.flush()
    texts = {name: f"Tekst {mark(tag, name)} slutt." for name in ITEM_TEXTS}
    item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=position,
                        number_year=2025 if seq else None, number_seq=seq, kind=m.CaseKind.decision,
                        status=m.ItemStatus.treated if meeting.status != m.MeetingStatus.planned else m.ItemStatus.draft,
                        case_handler_id=handler.id, **texts)
    session.add(item)
    session.flush()
    world.markers |= {mark(tag, f) for f in ("handler", "title", *ITEM_TEXTS)}
    event = m.VoteEvent(agenda_item_id=item.id, subject=mark(tag, "vote-subject"))
    session.add(event)
    session.flush()
    for town in towns:
        session.add(m.Vote(vote_event_id=event.id, municipality_id=town.id, choice=m.VoteChoice.for_))
    session.add(m.Disqualification(agenda_item_id=item.id, person_id=meeting.chair_id, reason=mark(tag, "disq")))
    session.add(m.FollowUp(agenda_item_id=item.id, text=mark(tag, "followup"), due_date=date(2026, 3, 1),
                           responsible_municipality_id=towns[0].id if towns else None))
    world.markers |= {mark(tag, "vote-subject"), mark(tag, "disq"), mark(tag, "followup")}
    if key is not None:
        session.add(m.Cost(body_id=body.id, description=mark(tag, "cost"), year=2026, total=Decimal("100000"),
                           cost_key_id=key.id, population_date=date(2025, 6, 30), agenda_item_id=item.id))
        world.markers.add(mark(tag, "cost"))
    if project is not None:
        decision = m.ProjectDecision(project_id=project.id, agenda_item_id=item.id, title=mark(tag, "pd-title"),
                                     decided_on=date(2025, 10, 16), decided_text=mark(tag, "pd-text")[:100],
                                     remark=mark(tag, "pd-remark"), position=position)
        session.add(decision)
        session.flush()
        for town in towns:
            session.add(m.Participation(decision_id=decision.id, municipality_id=town.id,
                                        answer=m.ParticipationAnswer.joins, answered_on=date(2025, 10, 16),
                                        source="vedtak", source_item_id=item.id, remark=mark(tag, "answer")))
        world.markers |= {mark(tag, "pd-title"), mark(tag, "pd-text"), mark(tag, "pd-remark"), mark(tag, "answer")}
    session.flush()
    add_attachment(session, meeting, mark(tag, "att-title"), f"{mark(tag, 'att-file')}.pdf", PDF, item=item,
                   exempt=True, exemption_basis="Offl. § 13")
    add_attachment(session, meeting, mark(tag, "att2-title"), f"{mark(tag, 'att2-file')}.pdf", PDF + tag.encode(),
                   item=item)
    world.markers |= {mark(tag, "att-title"), mark(tag, "att-file"), mark(tag, "att2-title"), mark(tag, "att2-file"),
                      "MARKOR-FILE-CONTENT"}
    world.secret_items.append(item.id)
    return item


def open_case(session, meeting, body, position, seq, title):
    case = m.Case(body_id=body.id, title=title)
    session.add(case)
    session.flush()
    item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=position,
                        number_year=2025, number_seq=seq, kind=m.CaseKind.decision, status=m.ItemStatus.treated,
                        background="Offentlig bakgrunn.", proposal="Styret godkjenner.", decision="Vedtatt.")
    session.add(item)
    session.flush()
    return item


def exempt_attachment(session, world, meeting, tag, item=None):
    add_attachment(session, meeting, mark(tag, "matt-title"), f"{mark(tag, 'matt-file')}.pdf", PDF + b"m" + tag.encode(),
                   item=item, exempt=True, exemption_basis="Offl. § 13")
    world.markers |= {mark(tag, "matt-title"), mark(tag, "matt-file")}


@pytest.fixture
def world(app, session):
    """Meetings planned, cancelled, called, held, approved, and approved then made exempt, full of markers."""
    w = World()
    with app.test_request_context():
        body = m.Body(name="Styret i Testsamarbeidet", short_name="TS")
        session.add(body)
        session.flush()
        towns = []
        for i, name in enumerate(("Bindal", "Træna", "Vega")):
            town = m.Municipality(number=f"18{11 + i}", name=name, region="Sør")
            session.add(town)
            session.flush()
            session.add(m.PopulationFigure(municipality_id=town.id, as_of=date(2025, 6, 30), population=1000 * (i + 1)))
            towns.append(town)
        people = []
        for i, town in enumerate(towns):
            person = m.Person(name=f"Medlem {town.name}")
            session.add(person)
            session.flush()
            session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=town.id,
                                     role=m.MembershipRole.chair if i == 0 else m.MembershipRole.member))
            people.append(person)
        project = m.Project(body_id=body.id, name="Felles plattform")
        session.add(project)
        key = m.CostKey(body_id=body.id, name="Nøkkel 40/60", flat_percent=Decimal(40),
                        per_inhabitant_percent=Decimal(60))
        session.add(key)
        session.flush()

        def meeting(status, day):
            row = m.Meeting(body_id=body.id, starts_at=oslo(2025, 10, day, 10), ends_at=oslo(2025, 10, day, 13),
                            status=m.MeetingStatus.held if status == m.MeetingStatus.approved else status,
                            chair_id=people[0].id, co_signer_id=people[1].id, place="Mo i Rana")
            session.add(row)
            session.flush()
            for i, person in enumerate(people):
                session.add(m.Attendance(meeting_id=row.id, person_id=person.id, position=i,
                                         status=m.AttendanceStatus.present, municipality_id=towns[i].id))
            session.flush()
            return row

        common = dict(towns=towns, key=key, project=project)
        # planned: the notice is not sent; every paper is withheld, exempt or not
        planned = meeting(m.MeetingStatus.planned, 1)
        secret_case(session, w, planned, body, "PLANNED", 0, None, exempt=False, **common)
        secret_case(session, w, planned, body, "PLANNEDEX", 1, None, **common)
        exempt_attachment(session, w, planned, "PLANNED")
        add_attachment(session, planned, mark("PLANNED", "matt2-title"), f"{mark('PLANNED', 'matt2-file')}.pdf",
                       PDF + b"planned")
        w.markers |= {mark("PLANNED", "matt2-title"), mark("PLANNED", "matt2-file")}
        # cancelled before its notice was sent: its papers stay unpublished
        cancelled = meeting(m.MeetingStatus.planned, 6)
        secret_case(session, w, cancelled, body, "CANCELLED", 0, None, exempt=False, **common)
        cancelled.status, cancelled.cancelled_reason = m.MeetingStatus.cancelled, "Avlyst"
        # called, held: the exempt cases
        seq = 0
        for status, day, tag in ((m.MeetingStatus.called, 2, "CALLED"), (m.MeetingStatus.held, 3, "HELD")):
            row = meeting(status, day)
            seq += 1
            shown = open_case(session, row, body, 0, seq, f"Åpen sak {tag.lower()}")
            add_attachment(session, row, f"Offentlig vedlegg {tag.lower()}", f"offentlig-{tag.lower()}.pdf",
                           b"%PDF-1.4\n% public " + tag.encode(), item=shown)
            exempt_attachment(session, w, row, tag + "OPEN", item=shown)  # an exempt file of an open case
            seq += 1
            secret_case(session, w, row, body, tag, 1, seq, **common)
            exempt_attachment(session, w, row, tag)
        # approved with an exempt case
        approved = meeting(m.MeetingStatus.approved, 4)
        seq += 1
        shown = open_case(session, approved, body, 0, seq, "Åpen sak godkjent")
        exempt_attachment(session, w, approved, "APPROVEDOPEN", item=shown)
        event = m.VoteEvent(agenda_item_id=shown.id, subject="Forslag til vedtak")
        session.add(event)
        session.flush()
        session.add_all([m.Vote(vote_event_id=event.id, municipality_id=t.id, choice=m.VoteChoice.for_) for t in towns])
        w.public_vote_item = shown.id
        seq += 1
        secret_case(session, w, approved, body, "APPROVED", 1, seq, **common)
        exempt_attachment(session, w, approved, "APPROVED")
        recorded(approved)
        approve_minutes(session, approved, "sekretaer@example.org")
        item = approved.items[1]
        correct(session, approved, item, "decision", f"Rettet {mark('APPROVED', 'corr-text')}.",
                mark("APPROVED", "corr-reason"), "sekretaer@example.org")
        w.markers |= {mark("APPROVED", "corr-text"), mark("APPROVED", "corr-reason")}
        # approved while public, then a case and an attachment made exempt (an innsyn request)
        later = meeting(m.MeetingStatus.approved, 5)
        seq += 1
        open_case(session, later, body, 0, seq, "Åpen sak senere")
        seq += 1
        late = secret_case(session, w, later, body, "LATER", 1, seq, exempt=False, **common)
        late_attachment = [a for a in late.attachments if not a.exempt][0]
        add_attachment(session, later, mark("LATER", "matt-title"), f"{mark('LATER', 'matt-file')}.pdf",
                       PDF + b"later")
        w.markers |= {mark("LATER", "matt-title"), mark("LATER", "matt-file")}
        recorded(later)
        approve_minutes(session, later, "sekretaer@example.org")
        w.later_id = later.id
        correct(session, later, late, "decision", f"Rettet {mark('LATER', 'corr-text')}.",
                mark("LATER", "corr-reason"), "sekretaer@example.org")
        w.markers |= {mark("LATER", "corr-text"), mark("LATER", "corr-reason")}
        late.case.exempt, late.case.exemption_basis = True, "Offl. § 14"
        for attachment in [late_attachment, *later.attachments]:
            attachment.exempt, attachment.exemption_basis = True, "Offl. § 13"
        # rows outside the exempt cases that point at them: a follow-up closed by one, an answer given in one
        opened = approved.items[0]
        session.add(m.FollowUp(agenda_item_id=opened.id, text="Offentlig oppfølging", status=m.FollowUpStatus.done,
                               closed_by_item_id=late.id))
        outside = m.ProjectDecision(project_id=project.id, title="Vedtak før boardroom", decided_on=date(2025, 1, 1),
                                    decided_text="Kunngjort januar 2025")
        session.add(outside)
        session.flush()
        held = next(i for i in map(lambda i: session.get(m.AgendaItem, i), w.secret_items)
                    if i.case.title == mark("HELD", "title"))
        session.add(m.Participation(decision_id=outside.id, municipality_id=towns[0].id,
                                    answer=m.ParticipationAnswer.declines, answered_on=date(2025, 10, 3),
                                    source="vedtak", source_item_id=held.id, remark=mark("OUTSIDE", "answer")))
        w.markers.add(mark("OUTSIDE", "answer"))
        w.token = issue_token(session, person=people[1], by="sekretaer@example.org")
        session.commit()
    return w


# --------------------------------------------------------------------------- reading what comes back


def docx_texts(data: bytes) -> list[str]:
    """What Word shows of a document: paragraphs, tables, headers, footers and properties."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            texts += [p.text for p in part.paragraphs]
            texts += [c.text for t in part.tables for r in t.rows for c in r.cells]
    props = document.core_properties
    texts += [str(getattr(props, name) or "") for name in ("title", "subject", "author", "keywords", "comments",
                                                           "category", "content_status", "identifier", "last_modified_by")]
    return texts


def docx_parts(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [archive.read(name) for name in archive.namelist()]


def found_markers(response) -> set[str]:
    """Every marker in a response, read as raw bytes and as what its format shows."""
    data = response.get_data()
    seen = set(MARKER.findall(data))
    kind = response.mimetype or ""
    blobs = [unquote(unescape(data.decode("utf-8", "replace"))).encode()]
    blobs += [unquote(v).encode() for k, v in response.headers.items()]
    if kind == "application/json":
        blobs.append(json.dumps(response.get_json(), ensure_ascii=False).encode())
    elif kind == "text/calendar":
        calendar = icalendar.Calendar.from_ical(data)
        blobs += [str(v).encode() for c in calendar.walk() for v in c.values()]
        blobs.append(data.replace(b"\r\n ", b"").replace(b"\\", b""))
    elif data.startswith(b"PK\x03\x04"):
        blobs += docx_parts(data)
        if "wordprocessingml" in kind:
            blobs += [t.encode() for t in docx_texts(data)]
    for blob in blobs:
        seen |= set(MARKER.findall(blob))
    return {s.decode() for s in seen}


def links_in(response) -> set[str]:
    """Same-site addresses a response points at: links, forms' GET targets, URLs in JSON and calendars."""
    kind = response.mimetype or ""
    if kind not in ("text/html", "application/json", "text/calendar", "text/csv"):
        return set()
    text = response.get_data(as_text=True)
    urls = set()
    if kind == "text/html":
        urls |= {unescape(u) for u in re.findall(r'(?:href|src)="([^"#]+)', text)}
    elif kind in ("application/json", "text/calendar", "text/csv"):
        unfolded = text.replace("\r\n ", "")
        urls |= set(re.findall(r'(?:https?://boardroom\.test)?(/[A-Za-z0-9_\-./%~]*)', unfolded))
        urls = {u for u in urls if u.count("/") >= 1 and len(u) > 1}
    result = set()
    for url in urls:
        full = urljoin(BASE + "/", url)
        parts = urlsplit(full)
        if parts.netloc != "boardroom.test" or parts.path.startswith("/static/"):
            continue
        result.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return result


def rule_urls(app, session, world) -> set[str]:
    """Every GET rule of the URL map, filled with the ids of every row it takes."""
    ids = {
        "meeting_id": [r.id for r in session.exec(select(m.Meeting))],
        "agenda_item_id": [r.id for r in session.exec(select(m.AgendaItem))],
        "cost_id": [r.id for r in session.exec(select(m.Cost))],
        "attachment_id": [r.id for r in session.exec(select(m.Attachment))],
        "decision_id": [r.id for r in session.exec(select(m.ProjectDecision))],
        "project_id": [r.id for r in session.exec(select(m.Project))],
        "body_id": [r.id for r in session.exec(select(m.Body))],
        "follow_up_id": [r.id for r in session.exec(select(m.FollowUp))],
        "kommunenummer": [r.number for r in session.exec(select(m.Municipality))],
        "municipality_id": [r.id for r in session.exec(select(m.Municipality))],
        "person_id": [r.id for r in session.exec(select(m.Person))],
        "organisation_id": [r.id for r in session.exec(select(m.Organisation))],
        "slug": list(VOCABULARY_SLUGS),
        "token": [world.token],
    }
    urls = set()
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            args = sorted(rule.arguments)
            if not args:
                urls.add(url_for(rule.endpoint))
            elif args == ["attachment_id", "filename"]:
                urls |= {url_for(rule.endpoint, attachment_id=a.id, filename=a.filename)
                         for a in session.exec(select(m.Attachment))}
            elif args == ["meeting_id", "number"]:
                urls |= {url_for(rule.endpoint, meeting_id=v.meeting_id, number=v.version)
                         for v in session.exec(select(m.MinutesVersion))}
            elif args == ["body_id", "case_id"]:
                urls |= {url_for(rule.endpoint, body_id=s.body_id, case_id=s.id)
                         for s in session.exec(select(m.StandardCase))}
            elif args == ["figure_id", "municipality_id"]:
                urls |= {url_for(rule.endpoint, municipality_id=f.municipality_id, figure_id=f.id)
                         for f in session.exec(select(m.PopulationFigure))}
            elif args == ["key", "slug"]:
                urls |= {url_for(rule.endpoint, slug=SLUG_OF[t.vocabulary], key=t.key)
                         for t in session.exec(select(m.VocabularyTerm))}
            elif args == ["membership_id", "person_id"]:
                urls |= {url_for(rule.endpoint, person_id=s.person_id, membership_id=s.id)
                         for s in session.exec(select(m.Membership))}
            else:
                assert len(args) == 1 and args[0] in ids, f"no ids for {rule.rule}: add them to the crawl"
                urls |= {url_for(rule.endpoint, **{args[0]: v}) for v in ids[args[0]]}
    return urls


def crawl(client, start: set[str]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Visit every address reachable from ``start``: the markers found, by address, and the media
    type of every address answered with 200."""
    leaks, seen, answered, queue = {}, set(), {}, sorted(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        # refusals and redirects too; a refusal may echo the address asked for (next=), nothing more
        found = found_markers(response) - {s.decode() for s in MARKER.findall(unquote(url).encode())}
        if found:
            leaks[url] = found
        if response.status_code != 200:
            continue
        answered[url] = response.mimetype
        queue += sorted(links_in(response) - seen)
    return leaks, answered


def test_a_visitor_finds_no_marker_anywhere(app, client, session, world):
    start = {"/"} | rule_urls(app, session, world)
    leaks, answered = crawl(client, start)
    assert leaks == {}, "\n".join(f"{url}: {sorted(found)}" for url, found in sorted(leaks.items()))
    # the walk reached every kind of output, the documents of every state and the stored versions
    kinds = set(answered.values())
    assert {"text/html", "application/json", "text/calendar", "text/csv", DOCX} <= kinds, kinds
    meetings = session.exec(select(m.Meeting).order_by(m.Meeting.id)).all()
    for meeting in meetings:
        assert answered.get(f"/meetings/{meeting.id}") == "text/html"
        assert answered.get(f"/api/meetings/{meeting.id}") == "application/json"
        assert answered.get(f"/meetings/{meeting.id}.ics") == "text/calendar"
    for meeting in meetings[2:]:  # the notice is sent
        assert answered.get(f"/meetings/{meeting.id}/innkalling.docx") == DOCX
    for meeting in meetings[4:]:  # approved, corrected
        for path in ("protokoll.docx", "protokoll/v1.docx", "protokoll/v2.docx"):
            assert answered.get(f"/meetings/{meeting.id}/{path}") == DOCX
    assert answered.get(f"/calendar/feed/{world.token}.ics") == "text/calendar"
    public_files = {u for u in answered if u.startswith("/attachments/")}  # the only files not withheld
    assert public_files == {f"/attachments/{a.id}/{a.filename}" for a in session.exec(select(m.Attachment))
                            if a.filename.startswith("offentlig-")}
    assert len(answered) > 60, len(answered)
    # a municipality's votes: only those of published, open cases (exempt cases' votes stay unlisted)
    votes = client.get(f"/api/municipalities/{session.exec(select(m.Municipality)).first().number}").get_json()["votes"]
    assert [v["case"]["id"] for v in votes] == [world.public_vote_item]
    # what is public stays readable: the decision taken outside boardroom and the open cases
    overview = client.get("/participation").get_data(as_text=True)
    assert "Vedtak før boardroom" in overview and "Unntatt offentlighet" in overview
    assert "Åpen sak godkjent" in client.get(f"/meetings/{meetings[4].id}").get_data(as_text=True)


def test_the_secretary_reads_the_markers(client, session, world, auth):
    auth.login("secretary")
    for item_id in world.secret_items:
        page = client.get(f"/cases/{item_id}").get_data(as_text=True)
        item = session.get(m.AgendaItem, item_id)
        tag = item.case.title.rsplit("-", 1)[1]
        for field in ("title", "handler", *ITEM_TEXTS[1:4], "att-title", "vote-subject", "followup"):
            assert mark(tag, field) in page, (item_id, field)
    everything = set()
    for url in ("/api/participation", "/costs", "/follow-ups", "/participation"):
        everything |= found_markers(client.get(url))
    assert {mark("HELD", "pd-title"), mark("HELD", "cost"), mark("HELD", "followup"), mark("OUTSIDE", "answer"),
            mark("LATER", "corr-reason")} <= everything | found_markers(client.get(f"/meetings/{world.later_id}"))
