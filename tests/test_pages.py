"""The read-only pages: what a board member reads on them, exemption, sanitising, 404s and
a number of SQL queries per page that does not grow with the data."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from sqlmodel import select

import boardroom.models as m
from tests.conftest import oslo


class _Text(HTMLParser):
    INLINE = {"a", "abbr", "b", "code", "em", "i", "s", "small", "span", "strong", "u"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs=None):
        if tag not in self.INLINE:
            self.parts.append(" ")

    handle_endtag = handle_starttag

    def handle_data(self, data):
        self.parts.append(data)


def text_of(html: str) -> str:
    """The page's visible text with whitespace collapsed, as a reader sees it."""
    parser = _Text()
    parser.feed(re.sub(r"<(title|style)>.*?</\1>", "", html, flags=re.S))
    return " ".join("".join(parser.parts).split())


def get_text(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return text_of(response.get_data(as_text=True))


def section(html: str, heading_id: str) -> str:
    """The text of the <section> whose heading has ``id=heading_id``."""
    start = html.index(">", html.index(f'id="{heading_id}"')) + 1
    return text_of(html[start : html.index("</section>", start)])


def demo_meeting(session) -> m.Meeting:
    return session.exec(select(m.Meeting).where(m.Meeting.place == "Bodø og Teams")).one()


# --------------------------------------------------------------------------- demo data


def test_meeting_page_shows_the_minutes(client, demo):
    meeting = demo_meeting(demo)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    text = text_of(html)
    assert "Styremøte" in text and "Styret i Digitale Helgeland" in text
    assert "Tid 16. oktober 2025" in text
    assert "Sted Bodø og Teams" in text
    assert "Møteleder Robert Pettersen" in text
    assert "Protokollunderskriver Renate Mathisen" in text
    assert "Innkalt Alle styremedlemmer, Hilde Rafaelsen" in text
    assert "Ikke til stede Dønna, Sømna og Træna" in text
    assert "Atle Henriksen (Lurøy, vara for Stian Skjærvik)" in text  # the deputy who came
    assert "Økonomisk analyse eHelse – til deling" in text  # Vedlegg

    headings = re.findall(r"<h3><a [^>]*>(Sak \d\d-25 [^<]+)</a></h3>", html)
    assert len(headings) == 12
    assert headings[0] == "Sak 38-25 Godkjenning av innkalling og agenda"
    assert "Sak 40-25 Budsjett 2026" in headings
    assert headings[-1] == "Sak 49-25 Eventuelt"
    assert 'id="sak-38-25"' in html and 'href="#sak-40-25"' in html

    agenda = section(html, "saksliste")
    assert "Sak Tema Sakstype Saksbehandler" in agenda
    assert "43-25 Felles anskaffelse av EPJ legesenter Beslutning Eline Monsen" in agenda
    assert "ConnectFlow" in agenda  # the sub-points under 44-25
    assert "Vedtak Styret godkjente budsjett for 2026" in text
    assert "Diskusjoner i møtet Leirfjord kommune kom med bekymring" in text
    assert f'href="/meetings/{meeting.id}/protokoll.docx"' in html and "Last ned protokoll (Word)" in text


def test_meetings_list_groups_by_year(client, demo):
    text = get_text(client, "/meetings")
    assert text.index("2026") < text.index("2025")  # newest year first
    assert re.search(r"16\. oktober 2025 Styremøte Bodø og Teams Hybrid Protokoll godkjent 12", text)


def test_case_page(client, demo):
    meeting = demo_meeting(demo)
    item = next(i for i in meeting.items if i.number_seq == 40)
    text = get_text(client, f"/cases/{item.id}")
    assert "Sak 40-25 Budsjett 2026" in text
    assert "Møte Styremøte 16. oktober 2025" in text
    assert "Sakstype Beslutning" in text and "Saksbehandler Hilde Rafaelsen" in text
    assert "Vedtak Styret godkjente budsjett for 2026" in text
    assert "Opplysninger til saken" in text


def test_participation_page(client, demo):
    html = client.get("/participation").get_data(as_text=True)
    text = text_of(html)
    assert "Tema Dato for vedtak Kommunestatus Avvik / merknader" in text
    assert "Felles anskaffelse EPJ helse og omsorg 25. oktober 2024 Alle unntatt: Bindal (18/19) Bindal samarbeider sørover" in text
    assert "Kun: Brønnøy, Lurøy, Meløy, Rana, Sømna, Vega og Vevelstad (7/19)" in text
    assert "Meløy: Avklart på tlf/epost" in text and "Træna: Avklart på tlf/epost" in text
    matrix = section(html, "matrise")
    # every answer as a symbol and a word: 9 decisions x 19 municipalities
    assert matrix.count("✓ Deltar") + matrix.count("✗ Deltar ikke") + matrix.count("? Avklares") == 9 * 19 + 3
    assert "18/19" in matrix and "7/19" in matrix
    assert 'href="/municipalities/1811">Bindal</a>' in html


def test_municipality_page_lists_what_it_declined(client, demo):
    html = client.get("/municipalities/1811").get_data(as_text=True)
    text = text_of(html)
    assert "Bindal" in text and "Kommunenummer 1811" in text and "Region Sør-Helgeland" in text
    assert "Innbyggere 1 359" in text
    assert "Knut Toresen (styremedlem)" in text
    declined = section(html, "declined")
    assert declined.startswith("Deltar ikke i (3)")
    assert "Felles anskaffelse EPJ helse og omsorg" in declined and "Felles EPJ legesenter" in declined
    assert "Felles anskaffelse Velferdsteknologisk plattform med Rana" in declined
    assert "Merknad: Bindal samarbeider sørover på eHelse" in declined
    joined = section(html, "joined")
    assert "ALL inn" in joined and "Felles EPJ legesenter" not in joined


def test_municipalities_list(client, demo):
    text = get_text(client, "/municipalities")
    assert "19 medlemskommuner" in text
    assert "Rana 1833 Nord-Helgeland 25 899 Robert Pettersen (styreleder)" in text
    assert "Bindal 1811 Sør-Helgeland 1 359 Knut Toresen" in text


def test_front_page_latest_decisions(client, demo):
    html = client.get("/").get_data(as_text=True)
    decisions = section(html, "siste-vedtak")
    assert decisions.startswith("Siste vedtak Sak 49-25 Eventuelt")  # newest first
    assert "Sak 40-25 Budsjett 2026" in decisions
    assert decisions.count("Styremøte 16. oktober 2025") == 10


def test_front_page_latest_decisions_span_meetings(client, make_body, make_meeting):
    """The ten newest decisions come from as many meetings as they need, newest first; meetings
    with no decision are passed over, and a visitor sees none of a meeting not yet approved."""
    body = make_body()
    make_meeting(cases=8, body=body, start=oslo(2023, 3, 1, 10), title="Møte A")
    for month in range(1, 12):  # more meetings with no decision than the list has room for
        make_meeting(cases=0, body=body, start=oslo(2024, month, 1, 10), title="Møte B")
    make_meeting(cases=3, body=body, start=oslo(2025, 3, 1, 10), title="Møte C")
    make_meeting(cases=2, body=body, start=oslo(2026, 3, 1, 10), title="Møte D", status=m.MeetingStatus.held)
    decisions = section(client.get("/").get_data(as_text=True), "siste-vedtak")
    shown = re.findall(r"Møte [A-D]", decisions)
    assert shown == ["Møte C"] * 3 + ["Møte A"] * 7
    assert decisions.index("Sak nummer 3") < decisions.index("Sak nummer 1")  # within a meeting, the last case first


def test_front_page_latest_decisions_at_the_same_time(client, make_body, make_meeting):
    """Two meetings starting at the same time both count when the tenth decision is among theirs:
    the case with the higher number comes first, whichever meeting it is in."""
    for year in range(2017, 2026):  # nine newer meetings with one decision each
        make_meeting(cases=1, body=make_body(), start=oslo(year, 3, 1, 10), title=f"Møte {year}")
    make_meeting(cases=3, body=make_body(), start=oslo(2016, 3, 1, 10), title="Møte T1")
    make_meeting(cases=1, body=make_body(), start=oslo(2016, 3, 1, 10), title="Møte T2")  # the higher id
    decisions = section(client.get("/").get_data(as_text=True), "siste-vedtak")
    shown = re.findall(r"Møte (?:T\d|\d{4})", decisions)
    assert shown == [f"Møte {year}" for year in range(2025, 2016, -1)] + ["Møte T1"]


def test_every_page_has_the_layout(client, demo):
    meeting = demo_meeting(demo)
    for path in ("/", "/meetings", f"/meetings/{meeting.id}", f"/cases/{meeting.items[0].id}",
                 "/participation", "/municipalities", "/municipalities/1833"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="nb">' in html
        assert '<a class="skip-link" href="#innhold">Hopp til innholdet</a>' in html and 'id="innhold"' in html
        assert "boardroom" in html and "Digitale Helgeland" in html
        for word in ("Forside", "Møter", "Deltakelse", "Kommuner", "Møteplan (kalender)"):
            assert f">{word}</a>" in html
        assert 'href="/calendar.ics"' in html
        assert html.count("<h1") == 1


# --------------------------------------------------------------------------- texts and exemption


def test_markdown_is_rendered_and_sanitised(client, session, make_meeting):
    meeting = make_meeting(cases=1)
    item = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).one()
    item.background = (
        "Bakgrunn med **fet** tekst.\n\n<script>alert('hei')</script>\n\n"
        "[klikk her](javascript:alert(1)) og [Regjeringen](https://www.regjeringen.no/)\n\n"
        "| Utgifter | Beløp |\n|---|---:|\n| Lisenser | kr 499 320,00 |\n"
    )
    item.decision = 'Vedtatt <img src=x onerror="alert(1)">.'
    session.commit()
    for path in (f"/meetings/{meeting.id}", f"/cases/{item.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Bakgrunn med <strong>fet</strong> tekst." in html
        assert "<script" not in html and "onerror" not in html and "<img" not in html
        assert "javascript:" not in html
        assert '<a href="https://www.regjeringen.no/" rel="noopener noreferrer">Regjeringen</a>' in html
        assert "klikk her" in text_of(html)
        # a wide table scrolls on its own, reachable by keyboard, with its numbers right-aligned
        assert '<div class="table-scroll" role="region" aria-label="Tabell" tabindex="0"><table>' in html
        assert '<td align="right">kr 499 320,00</td>' in html


def test_case_texts_in_the_minutes_order(client, make_meeting):
    meeting = make_meeting(cases=1)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    text = text_of(html)
    assert re.search(
        r"Sak 01-25 Sak nummer 1 Beslutning · Hilde Rafaelsen "
        r"Vedtak Vedtak i sak 1\. Diskusjoner i møtet punkt en punkt to "
        r"Opplysninger til saken Bakgrunn for sak 1 med fet tekst\. Forslag til vedtak Styret godkjenner\.",
        text,
    )
    assert "<li>punkt en</li>" in html


def test_exempt_case_shows_only_number_public_title_and_basis(client, session, make_meeting):
    meeting = make_meeting(cases=2)
    item = session.exec(
        select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id, m.AgendaItem.number_seq == 1)
    ).one()
    item.case.exempt = True
    item.case.exemption_basis = "Offl. § 14"
    item.case.public_title = "Personalsak"
    item.status = m.ItemStatus.treated
    session.add(m.Attachment(agenda_item_id=item.id, title="Lønnsoversikt for de ansatte"))
    session.commit()

    for path in (f"/meetings/{meeting.id}", f"/cases/{item.id}", "/"):
        html = client.get(path).get_data(as_text=True)
        text = text_of(html)
        assert "Sak 01-25 Personalsak" in text, path
        assert "Offl. § 14" in text, path
        assert "Sak nummer 1" not in text, path
        assert "Vedtak i sak 1" not in text and "Bakgrunn for sak 1" not in text, path
        assert "Lønnsoversikt" not in text, path
    # the other case is public
    assert "Vedtak i sak 2." in get_text(client, f"/meetings/{meeting.id}")

    item.case.public_title = ""
    session.commit()
    assert "Sak 01-25 Unntatt offentlighet" in get_text(client, f"/cases/{item.id}")


def test_deferred_case_shows_where_it_came_from(client, session, make_meeting, make_body):
    body = make_body()
    earlier = make_meeting(cases=29, body=body, start=oslo(2025, 9, 9, 10))
    later = make_meeting(cases=0, body=body, start=oslo(2025, 10, 16, 10))
    first = session.exec(
        select(m.AgendaItem).where(m.AgendaItem.meeting_id == earlier.id, m.AgendaItem.number_seq == 29)
    ).one()
    first.status = m.ItemStatus.deferred
    again = m.AgendaItem(
        meeting_id=later.id, case_id=first.case_id, body_id=body.id, number_year=2025, number_seq=38,
        kind=m.CaseKind.decision, deferred_from_id=first.id, decision="Styret vedtok saken.",
    )
    session.add(again)
    session.commit()

    assert "Utsatt fra møtet 9. september 2025, sak 29-25" in get_text(client, f"/meetings/{later.id}")
    text = get_text(client, f"/cases/{again.id}")
    assert "Utsatt sak Utsatt fra møtet 9. september 2025, sak 29-25" in text
    assert "Andre behandlinger av saken Sak 29-25 i møtet 9. september 2025 – utsatt" in text
    assert "Sak 38-25 i møtet 16. oktober 2025 – ikke behandlet" in get_text(client, f"/cases/{first.id}")


# --------------------------------------------------------------------------- lists and front page


def test_front_page_next_and_coming_meetings(client, session, make_meeting, make_body):
    body = make_body(organisation="Testsamarbeidet")
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    make_meeting(body=body, start=now - timedelta(days=3), place="Fortid")
    make_meeting(body=body, start=now + timedelta(days=2), place="Avlyst sted", status=m.MeetingStatus.cancelled)
    make_meeting(body=body, start=now + timedelta(days=5), place="Mosjøen", mode=m.MeetingMode.hybrid,
                 purpose="budsjettforhandlinger 2027")
    make_meeting(body=body, start=now + timedelta(days=40), place="Sandnessjøen")

    html = client.get("/").get_data(as_text=True)
    upcoming = section(html, "neste-mote")
    assert "Mosjøen" in upcoming and "Hybrid" in upcoming and "budsjettforhandlinger 2027" in upcoming
    assert "Avlyst sted" not in html and "Fortid" not in html
    assert "Sandnessjøen" in section(html, "kommende")
    assert "Ingen vedtak er registrert ennå." in text_of(html)
    assert "Testsamarbeidet" in text_of(html)  # the organisation in the header


def test_front_page_without_meetings(client):
    text = get_text(client, "/")
    assert "Neste møte Ingen kommende møter er planlagt." in text


def test_cancelled_meeting_is_marked(client, make_meeting):
    meeting = make_meeting(cases=3, status=m.MeetingStatus.cancelled, place="Brønnøysund")
    html = client.get("/meetings").get_data(as_text=True)
    assert '<s>Styremøte</s></a>' in html
    assert re.search(r"<s>16\. oktober 2025 kl\. 10\.00–13\.00</s>", html)
    assert "Brønnøysund Fysisk Avlyst 3" in text_of(html)
    assert "Møtet er avlyst." in get_text(client, f"/meetings/{meeting.id}")


def test_participation_matrix_symbols_and_pending(client, session, make_body):
    body = make_body()
    ms = [m.Municipality(number=f"18{i:02d}", name=name) for i, name in enumerate(["Alfa", "Beta", "Gamma"])]
    session.add_all(ms)
    project = m.Project(body_id=body.id, name="Felles plattform")
    session.add(project)
    session.flush()
    decision = m.ProjectDecision(project_id=project.id, title="Felles plattform", decided_on=date(2025, 3, 1),
                                 remark="Gjelder fra 2026")
    session.add(decision)
    session.flush()
    day = date(2025, 3, 2)
    session.add_all([
        m.Participation(decision_id=decision.id, municipality_id=ms[0].id, answer=m.ParticipationAnswer.joins, answered_on=day),
        m.Participation(decision_id=decision.id, municipality_id=ms[1].id, answer=m.ParticipationAnswer.joins, answered_on=day),
        # Beta changed its mind: the latest answer counts
        m.Participation(decision_id=decision.id, municipality_id=ms[1].id, answer=m.ParticipationAnswer.declines,
                        answered_on=day + timedelta(days=10), remark="Trekker seg av økonomiske grunner"),
    ])
    session.commit()

    html = client.get("/participation").get_data(as_text=True)
    text = text_of(html)
    assert "Felles plattform 1. mars 2025 Kun: Alfa (1/3) Gjelder fra 2026 Beta: Trekker seg av økonomiske grunner" in text
    assert "Felles plattform ✓ Deltar ✗ Deltar ikke ? Avklares 1/3" in section(html, "matrise")

    beta = client.get("/municipalities/1801").get_data(as_text=True)
    assert "Felles plattform" in section(beta, "declined")
    assert "Merknad: Trekker seg av økonomiske grunner" in section(beta, "declined")
    assert "Felles plattform" in section(client.get("/municipalities/1802").get_data(as_text=True), "pending")


def test_empty_pages_say_so(client):
    assert "Ingen møter er registrert." in get_text(client, "/meetings")
    assert "Ingen prosjektvedtak er registrert." in get_text(client, "/participation")
    assert "Ingen medlemskommuner er registrert." in get_text(client, "/municipalities")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "path, message",
    [
        ("/meetings/9999", "Møtet finnes ikke"),
        ("/meetings/abc", "Siden finnes ikke"),
        ("/cases/9999", "Saken finnes ikke"),
        ("/cases/abc", "Siden finnes ikke"),
        ("/municipalities/9999", "Kommunen finnes ikke"),
        ("/municipalities/abc", "Kommunen finnes ikke"),
        ("/finnes/ikke", "Siden finnes ikke"),
    ],
)
def test_unknown_pages_answer_404_in_norwegian(client, path, message):
    html = client.get(path).get_data(as_text=True)
    text = get_text(client, path, status=404)
    assert message in text
    assert "Feilkode 404" in text and "Til forsiden" in text
    assert '<html lang="nb">' in html and ">Møter</a>" in html  # the app's layout


# --------------------------------------------------------------------------- queries per page


def enrich(session, meeting, municipalities):
    """Give every case of a meeting an attachment and a vote, and the meeting attendance."""
    items = session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)).all()
    for item in items:
        item.status = m.ItemStatus.treated
        session.add(m.Attachment(agenda_item_id=item.id, title=f"Vedlegg til {item.number_seq}"))
        event = m.VoteEvent(agenda_item_id=item.id, subject="Forslag til vedtak")
        session.add(event)
        session.flush()
        for muni in municipalities:
            session.add(m.Vote(vote_event_id=event.id, municipality_id=muni.id, choice=m.VoteChoice.for_))
    for i, muni in enumerate(municipalities):
        person = m.Person(name=f"Representant {muni.name} {meeting.id}")
        session.add(person)
        session.flush()
        session.add(m.Membership(body_id=meeting.body_id, person_id=person.id, municipality_id=muni.id,
                                 role=m.MembershipRole.member))
        session.add(m.Attendance(meeting_id=meeting.id, person_id=person.id, municipality_id=muni.id, position=i,
                                 status=m.AttendanceStatus.present))
    session.add(m.Attachment(meeting_id=meeting.id, title="Møtevedlegg"))
    session.commit()
    return items


def count(client, query_counter, path):
    with query_counter() as n:
        assert client.get(path).status_code == 200, path
    return n[0]


def test_meeting_page_queries_do_not_grow_with_cases(client, session, make_meeting, make_body, query_counter):
    municipalities = [m.Municipality(number=f"19{i:02d}", name=f"Kommune {i}") for i in range(3)]
    session.add_all(municipalities)
    session.commit()
    small = make_meeting(cases=5, body=make_body("Lite styre"))
    large = make_meeting(cases=50, body=make_body("Stort styre"), start=oslo(2025, 11, 20, 10))
    small_items = enrich(session, small, municipalities)
    large_items = enrich(session, large, municipalities)

    assert count(client, query_counter, f"/meetings/{small.id}") == count(client, query_counter, f"/meetings/{large.id}")
    assert count(client, query_counter, f"/cases/{small_items[0].id}") == count(
        client, query_counter, f"/cases/{large_items[-1].id}"
    )
    page = client.get(f"/meetings/{large.id}").get_data(as_text=True)
    assert "Sak 50-25 Sak nummer 50" in page and "Vedlegg til 50" in page and "For: 3" in page


def add_treated_meetings(session, make_meeting, n, first_day):
    for k in range(n):
        meeting = make_meeting(cases=3, start=first_day + timedelta(days=7 * k))
        for item in session.exec(select(m.AgendaItem).where(m.AgendaItem.meeting_id == meeting.id)):
            item.status = m.ItemStatus.treated
    session.commit()


def add_municipalities(session, body, numbers):
    for i in numbers:
        muni = m.Municipality(number=f"17{i:02d}", name=f"Kommune {i}")
        session.add(muni)
        session.flush()
        session.add(m.PopulationFigure(municipality_id=muni.id, as_of=date(2025, 6, 30), population=1000 + i))
        person = m.Person(name=f"Person {i}")
        session.add(person)
        session.flush()
        session.add(m.Membership(body_id=body.id, person_id=person.id, municipality_id=muni.id, role=m.MembershipRole.member))
    session.commit()


def test_lists_and_front_page_queries_do_not_grow(client, session, make_meeting, make_body, query_counter):
    now = datetime.now(timezone.utc)
    body = make_body()
    add_treated_meetings(session, make_meeting, 1, oslo(2024, 1, 1, 10))
    add_treated_meetings(session, make_meeting, 1, now + timedelta(days=1))
    add_municipalities(session, body, [0])
    first = {path: count(client, query_counter, path) for path in ("/", "/meetings", "/municipalities")}

    add_treated_meetings(session, make_meeting, 10, oslo(2024, 2, 1, 10))
    add_treated_meetings(session, make_meeting, 10, now + timedelta(days=2))
    add_municipalities(session, body, range(1, 11))
    assert {path: count(client, query_counter, path) for path in first} == first


def make_decisions(session, body, municipalities, n):
    project = m.Project(body_id=body.id, name=f"Prosjekt med {n} vedtak")
    session.add(project)
    session.flush()
    for k in range(n):
        decision = m.ProjectDecision(project_id=project.id, title=f"Vedtak {k + 1}", decided_on=date(2025, 1, 1), position=k)
        session.add(decision)
        session.flush()
        for j, muni in enumerate(municipalities):
            answer = m.ParticipationAnswer.declines if j == k % len(municipalities) else m.ParticipationAnswer.joins
            session.add(m.Participation(decision_id=decision.id, municipality_id=muni.id, answer=answer,
                                        answered_on=date(2025, 1, 2), remark="Avklart på telefon" if j == 0 else ""))
    session.commit()


def test_participation_queries_do_not_grow_with_decisions(client, session, make_body, query_counter):
    municipalities = [m.Municipality(number=f"18{i:02d}", name=f"Kommune {i}") for i in range(5)]
    session.add_all(municipalities)
    session.commit()
    make_decisions(session, make_body("Første"), municipalities, 2)
    few = {path: count(client, query_counter, path) for path in ("/participation", "/municipalities/1800")}
    make_decisions(session, make_body("Andre"), municipalities, 18)  # 20 decisions in all
    many = {path: count(client, query_counter, path) for path in few}
    assert many == few
    assert "Vedtak 18" in get_text(client, "/participation")
