"""Members of any kind: numbers checked by kind (the organisasjonsnummer by its check digit),
ownership shares, cost keys by ownership share (shares exact to the øre for any weights), and
ownership shares that do not add up to 100 % refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

import boardroom.models as m
from boardroom.core.inputs import InputError
from boardroom.costs.shares import CostShareError, Key, compute_shares
from boardroom.costs.tables import CostContext, key_text, save_cost, save_cost_key
from boardroom.registers import registers
from boardroom.registers.identifiers import InvalidNumber, check_member_number
from tests.portfolio_helpers import POPULATION_DAY, errors_of

OWNERS = [("Helse Nord RHF", "883658752", "40"), ("Helse Midt-Norge RHF", "983658776", "30"),
          ("Helse Vest RHF", "983658725", "20"), ("Helse Sør-Øst RHF", "991324968", "10")]


@pytest.fixture
def editor(auth):
    auth.login("secretary")
    return auth


def owners(session, shares=None) -> list[m.Member]:
    """The four regional health authorities, owning 40/30/20/10 % (or ``shares``)."""
    result = []
    for (name, number, share), other in zip(OWNERS, shares or [None] * len(OWNERS)):
        member = registers.save_member(session, m.Member(), kind=m.MemberKind.health_authority, number=number,
                                       name=name, ownership_share=Decimal(other if other is not None else share))
        result.append(member)
    return result


# --------------------------------------------------------------------------- numbers by kind


@pytest.mark.parametrize("kind, number, expected", [
    (m.MemberKind.municipality, "1833", "1833"),
    (m.MemberKind.county, "18", "18"),
    (m.MemberKind.health_authority, "883 658 752", "883658752"),
    (m.MemberKind.enterprise, "983974899", "983974899"),
])
def test_a_number_that_fits_its_kind_is_kept(kind, number, expected):
    assert check_member_number(kind, number) == expected


@pytest.mark.parametrize("kind, number, message", [
    (m.MemberKind.municipality, "183", "Kommunenummeret må være fire siffer."),
    (m.MemberKind.county, "1833", "Fylkesnummeret må være to siffer."),
    (m.MemberKind.enterprise, "98397489", "Organisasjonsnummeret må være ni siffer."),
    (m.MemberKind.enterprise, "983974898", "Organisasjonsnummeret har feil kontrollsiffer."),
    # weights 3 2 7 6 5 4 3 2 give remainder 1 for 40000000: no check digit exists, none is valid
    *[(m.MemberKind.other, f"40000000{d}", "Organisasjonsnummeret har feil kontrollsiffer.") for d in "0123456789"],
    (m.MemberKind.other, "", "Oppgi organisasjonsnummeret."),
])
def test_a_number_that_does_not_fit_its_kind_is_refused(kind, number, message):
    with pytest.raises(InvalidNumber, match=message):
        check_member_number(kind, number)


def test_the_domain_function_refuses_a_wrong_check_digit_and_saves_nothing(session):
    with pytest.raises(InputError, match="feil kontrollsiffer") as refused:
        registers.save_member(session, m.Member(), kind=m.MemberKind.enterprise, number="983974898", name="AS")
    assert refused.value.field == "number"
    assert session.exec(select(func.count()).select_from(m.Member)).one() == 0


def test_an_enterprise_is_registered_with_its_ownership_share(client, editor):
    response = editor.post("/registers/municipalities/new", {
        "kind": "enterprise", "number": "983 974 899", "name": "Helgelandssykehuset HF", "ownership_share": "12,5"})
    assert response.status_code == 302
    saved = editor.session.exec(select(m.Member)).one()
    assert (saved.kind, saved.number, saved.ownership_share) == (
        m.MemberKind.enterprise, "983974899", Decimal("12.5"))
    page = client.get("/registers/municipalities").get_data(as_text=True)
    assert "Medlemmet er lagret." in page and "<h1>Medlemmer</h1>" in page
    assert "Foretak" in page and "12,5 %" in page


@pytest.mark.parametrize("changes, message", [
    ({"number": "983974898"}, "Organisasjonsnummeret har feil kontrollsiffer."),
    ({"number": "1833"}, "Organisasjonsnummeret må være ni siffer."),
    ({"kind": "county", "number": "183"}, "Fylkesnummeret må være to siffer."),
    ({"ownership_share": "101"}, "Eierandelen kan ikke være mer enn 100 %."),
    ({"ownership_share": "-1"}, "Eierandelen kan ikke være negativ."),
    ({"ownership_share": "12,00001"}, "Eierandelen kan ha høyst fire desimaler."),
    ({"kind": "planet"}, "Ikke et gyldig valg"),
])
def test_a_bad_member_is_refused_with_a_norwegian_message(client, editor, changes, message):
    data = {"kind": "enterprise", "number": "983974899", "name": "Helgelandssykehuset HF", **changes}
    response = editor.post("/registers/municipalities/new", data)
    assert response.status_code == 400
    assert any(message in e for e in errors_of(response.get_data(as_text=True)))
    assert editor.session.exec(select(func.count()).select_from(m.Member)).one() == 0


# --------------------------------------------------------------------------- shares by ownership


def test_a_key_by_ownership_share_alone_follows_the_shares():
    shares = compute_shares(Decimal("1000000"), Key(ownership_percent=Decimal(100)),
                            [(n, 0) for n, _, _ in OWNERS], [Decimal(s) for _, _, s in OWNERS])
    assert [s.total for s in shares] == [Decimal("400000.00"), Decimal("300000.00"), Decimal("200000.00"),
                                         Decimal("100000.00")]
    assert [s.ownership for s in shares] == [s.total for s in shares]
    assert {s.flat for s in shares} == {s.per_inhabitant for s in shares} == {Decimal(0)}


def test_a_mixed_key_shares_flat_by_population_and_by_ownership():
    # 20 % flat, 30 % by population, 50 % by ownership share of 100 000
    shares = compute_shares(Decimal("100000"), Key(Decimal(20), Decimal(30), ownership_percent=Decimal(50)),
                            [("A", 1000), ("B", 3000)], [Decimal(75), Decimal(25)])
    assert [(s.flat, s.per_inhabitant, s.ownership, s.total) for s in shares] == [
        (Decimal("10000.00"), Decimal("7500.00"), Decimal("37500.00"), Decimal("55000.00")),
        (Decimal("10000.00"), Decimal("22500.00"), Decimal("12500.00"), Decimal("45000.00")),
    ]


def test_a_key_by_ownership_share_needs_every_share():
    with pytest.raises(CostShareError, match="Eierandelen mangler for B"):
        compute_shares(Decimal(100), Key(ownership_percent=Decimal(100)), [("A", 0), ("B", 0)], [Decimal(1), None])
    with pytest.raises(CostShareError, match="summere til 100 %, men flat del \\(10 %\\), del etter innbyggertall"):
        Key(Decimal(10), Decimal(10), ownership_percent=Decimal(10)).validate()


mixed_keys = st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda fp: sum(fp) <= 100).map(
    lambda fp: Key(Decimal(fp[0]), Decimal(fp[1]), ownership_percent=Decimal(100 - fp[0] - fp[1])))


@settings(max_examples=300, deadline=None)
@given(
    total=st.decimals(0, 10_000_000, places=2),
    key=mixed_keys,
    members=st.lists(st.tuples(st.integers(0, 30_000), st.decimals(0, 100, places=4)), min_size=1, max_size=19),
)
def test_shares_by_any_weights_sum_exactly_to_the_total(total, key, members):
    """For any mix of flat, population and ownership share, and any weights: the shares add up to
    the total to the øre, each lies within one øre of its exact value, and each row's parts add up."""
    participants = [(f"M{i}", p) for i, (p, _) in enumerate(members)]
    ownership = [o for _, o in members]
    try:
        shares = compute_shares(total, key, participants, ownership)
    except CostShareError as error:  # zero weights for a part that must be shared: refused, never mis-shared
        assert "null" in str(error)
        return
    assert sum(s.total for s in shares) == total
    n, pop_sum, own_sum = len(members), sum(p for p, _ in members), sum(Fraction(o) for o in ownership)
    for share, (p, o) in zip(shares, members):
        exact = (Fraction(total) * Fraction(key.flat_percent) / 100 / n
                 + (Fraction(total) * Fraction(key.per_inhabitant_percent) / 100 * p / pop_sum if pop_sum else 0)
                 + (Fraction(total) * Fraction(key.ownership_percent) / 100 * Fraction(o) / own_sum if own_sum else 0))
        assert abs(Fraction(share.total) - exact) < Fraction(1, 100)
        assert share.total == share.flat + share.per_inhabitant + share.ownership


# --------------------------------------------------------------------------- keys and costs by ownership


def test_a_cost_by_ownership_share_in_the_page_json_and_csv(client, editor, session, make_body):
    body = make_body()
    owners(session)
    key = save_cost_key(session, body.id, "Eierandel", flat_percent=Decimal(0), per_inhabitant_percent=Decimal(0),
                        ownership_percent=Decimal(100))
    assert key_text(key) == "100 % etter eierandel"
    cost = save_cost(session, None, key, body_id=body.id, description="Felles system", year=2026,
                     total=Decimal("1000000.00"), sharing=m.CostSharing.all_members, population_date=POPULATION_DAY)
    session.commit()
    page = client.get(f"/costs/{cost.id}").get_data(as_text=True)
    assert "Fordelt etter eierandel" in page and "Totalt pr medlem" in page and "Antall innbyggere" not in page
    assert "mellom alle medlemmene" in page and "Innbyggertall per" not in page
    data = client.get(f"/api/costs/{cost.id}").get_json()
    assert data["key"]["ownership_percent"] == "100.00"
    assert [(s["name"], s["ownership"]) for s in data["shares"]] == [
        ("Helse Midt-Norge RHF", "300000.00"), ("Helse Nord RHF", "400000.00"), ("Helse Sør-Øst RHF", "100000.00"),
        ("Helse Vest RHF", "200000.00")]
    text = client.get(f"/costs/{cost.id}.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Medlem", "Antall innbyggere", "Fordelt etter innbyggertall", "Fordelt etter eierandel",
                       "Flat del", "Totalt pr medlem"]
    assert [row[0] for row in rows[1:-1]] == ["Helse Midt-Norge RHF", "Helse Nord RHF", "Helse Sør-Øst RHF",
                                             "Helse Vest RHF"]
    assert rows[-1][0] == "Sum" and rows[-1][3].replace(" ", "").replace("\u00a0", "") == "1000000,00"


def test_ownership_shares_that_do_not_add_up_to_100_are_refused(session, make_body):
    body = make_body()
    owners(session, shares=["40", "30", "20", "9.5"])
    with pytest.raises(InputError, match="Eierandelene til medlemmene må summere til 100 %, men summerer til 99,5 %"):
        save_cost_key(session, body.id, "Eierandel", ownership_percent=Decimal(100))
    assert session.exec(select(func.count()).select_from(m.CostKey)).one() == 0


def test_a_cost_by_ownership_is_refused_once_the_shares_no_longer_add_up(session, make_body):
    body = make_body()
    members = owners(session)
    key = save_cost_key(session, body.id, "Blandet", flat_percent=Decimal(50), ownership_percent=Decimal(50))
    members[0].ownership_share = Decimal(50)  # now 110 %
    session.flush()
    with pytest.raises(InputError, match="summerer til 110 %") as refused:
        save_cost(session, None, key, body_id=body.id, description="Drift", year=2026, total=Decimal(100),
                  sharing=m.CostSharing.all_members, population_date=POPULATION_DAY)
    assert refused.value.field == "cost_key"
    assert session.exec(select(func.count()).select_from(m.Cost)).one() == 0


def test_the_key_form_refuses_ownership_shares_that_do_not_add_up(client, editor, session, make_body):
    make_body()
    owners(session, shares=["50", "30", "20", "10"])
    session.commit()
    response = editor.post("/cost-keys/new", {"name": "Eierandel", "kind": "percent", "flat_percent": "0",
                                              "per_inhabitant_percent": "0", "ownership_percent": "100"})
    assert response.status_code == 400
    assert any("summerer til 110 %" in e for e in errors_of(response.get_data(as_text=True)))
    response = editor.post("/cost-keys/new", {"name": "Tre deler", "kind": "percent", "flat_percent": "20",
                                              "per_inhabitant_percent": "30", "ownership_percent": "40"})
    assert any("gir 90 %" in e for e in errors_of(response.get_data(as_text=True)))
    assert session.exec(select(func.count()).select_from(m.CostKey)).one() == 0


def test_municipalities_without_ownership_shares_keep_their_keys(session, make_body):
    """A key without an ownership part needs no ownership shares (Digitale Helgeland's keys)."""
    body = make_body()
    town = registers.save_member(session, m.Member(), number="1833", name="Rana")
    session.add(m.PopulationFigure(municipality_id=town.id, as_of=date(2025, 6, 30), population=25899))
    key = save_cost_key(session, body.id, "40/60", flat_percent=Decimal(40), per_inhabitant_percent=Decimal(60))
    cost = save_cost(session, None, key, body_id=body.id, description="Drift", year=2026, total=Decimal(100),
                     sharing=m.CostSharing.all_members, population_date=date(2025, 6, 30))
    table = CostContext(session, [cost]).table(cost, key)
    assert table.columns == ("Kommune", "Antall innbyggere", "Fordelt etter innbyggertall", "Totalt pr kommune")
    assert table.total == Decimal(100)


# --------------------------------------------------------------------------- seats without a member


def trust_board(session, make_body):
    """A health trust's board: two owners' seats, an independent chair, an independent member and an
    employee representative; everyone present at a called meeting with one decision case."""
    from tests.conftest import oslo

    body = make_body(name="Styret i Helsefellesskapet HF", co_signers=1)
    north, middle = owners(session)[:2]
    seats = {}
    for name, kind, member, role in [
        ("Anne Leder", m.SeatKind.independent, None, m.MembershipRole.chair),
        ("Per Nord", m.SeatKind.member, north, m.MembershipRole.member),
        ("Siv Midt", m.SeatKind.member, middle, m.MembershipRole.member),
        ("Ola Uavhengig", m.SeatKind.independent, None, m.MembershipRole.member),
        ("Kari Ansatt", m.SeatKind.employee, None, m.MembershipRole.member),
    ]:
        person = m.Person(name=name)
        session.add(person)
        session.flush()
        seats[name] = m.Membership(body_id=body.id, person_id=person.id, kind=kind, role=role,
                                   municipality_id=member.id if member else None)
        session.add(seats[name])
    session.flush()
    meeting = m.Meeting(body_id=body.id, starts_at=oslo(2026, 5, 5, 10), ends_at=oslo(2026, 5, 5, 12),
                        status=m.MeetingStatus.called, chair_id=seats["Anne Leder"].person_id)
    session.add(meeting)
    session.flush()
    for position, seat in enumerate(seats.values()):
        session.add(m.Attendance(meeting_id=meeting.id, person_id=seat.person_id, position=position,
                                 status=m.AttendanceStatus.present, municipality_id=seat.municipality_id))
    case = m.Case(body_id=body.id, title="Investeringsplan")
    session.add(case)
    session.flush()
    item = m.AgendaItem(meeting_id=meeting.id, case_id=case.id, body_id=body.id, position=0, number_year=2026,
                        number_seq=5, kind=m.CaseKind.decision, proposal="Planen vedtas.")
    session.add(item)
    session.commit()
    session.refresh(meeting)
    return meeting, item, seats


def test_seats_without_a_member_vote_and_the_minutes_are_approved(client, session, make_body):
    from boardroom.archive.versions import current_version
    from boardroom.decisions.approval import approve_minutes, choose_co_signer, mark_held
    from boardroom.decisions.votes import record_decision, voting_seats

    meeting, item, seats = trust_board(session, make_body)
    voting = voting_seats(session, item)
    assert [s.name for s in voting] == ["Anne Leder", "Helse Nord RHF", "Helse Midt-Norge RHF", "Ola Uavhengig",
                                        "Kari Ansatt"]
    keys = {s.name: s.key for s in voting}
    assert keys["Kari Ansatt"] == f"s{seats['Kari Ansatt'].id}" and keys["Helse Nord RHF"] == seats["Per Nord"].municipality_id
    choices = {key: m.VoteChoice.for_ for key in keys.values()}
    choices[keys["Kari Ansatt"]] = m.VoteChoice.against
    record_decision(session, item, decision="Planen vedtas.", discussion="", majority_rule=m.MajorityRule.simple,
                    votes=choices)
    session.commit()
    votes = session.exec(select(m.Vote)).all()
    assert sorted((v.municipality_id is None, v.choice.value) for v in votes) == [
        (False, "for"), (False, "for"), (True, "against"), (True, "for"), (True, "for")]

    key = save_cost_key(session, meeting.body_id, "Eierandel", ownership_percent=Decimal(100))
    save_cost(session, None, key, body_id=meeting.body_id, description="Investering", year=2026,
              total=Decimal("1000"), sharing=m.CostSharing.all_members, population_date=POPULATION_DAY,
              agenda_item_id=item.id)
    choose_co_signer(session, meeting, seats["Kari Ansatt"].person_id)  # an employee representative may co-sign
    mark_held(session, meeting)
    approve_minutes(session, meeting, "sekretaer@example.org")
    session.commit()
    assert meeting.status == m.MeetingStatus.approved
    stored = current_version(session, meeting.id)
    assert "Vedtatt mot 1 stemme (Kari Ansatt)" in stored.snapshot
    from docx import Document

    document = Document(io.BytesIO(stored.docx))
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "Vedtatt mot 1 stemme (Kari Ansatt)" in text
    assert "fordelt mellom alle medlemmene etter nøkkelen «100 % etter eierandel»." in text
    assert "Fordelt etter eierandel" in text and "Totalt pr medlem" in text and "kr 400,00" in text
    page = client.get(f"/cases/{item.id}").get_data(as_text=True)  # from the stored minutes
    assert "Totalt pr medlem" in page and "Vedtatt mot 1 stemme (Kari Ansatt)" in page


def test_the_vote_form_lists_seats_without_a_member(client, editor, session, make_body):
    _meeting, item, seats = trust_board(session, make_body)
    page = client.get(f"/cases/{item.id}/vedtak").get_data(as_text=True)
    assert "Medlem eller verv" in page and "Kari Ansatt" in page and "Helse Nord RHF" in page
    key = f"s{seats['Ola Uavhengig'].id}"
    assert f'name="vote_{key}"' in page
    data = {"decision": "Planen vedtas.", "discussion": "", "majority_rule": "simple", "majority_base": "votes_cast",
            "method": "counted", **{f"vote_{k}": "for" for k in
                                   [f"s{seats[n].id}" for n in ("Anne Leder", "Ola Uavhengig", "Kari Ansatt")]
                                   + [seats[n].municipality_id for n in ("Per Nord", "Siv Midt")]}}
    data[f"vote_{key}"] = "against"
    response = editor.post(f"/cases/{item.id}/vedtak", data)
    assert response.status_code == 302, errors_of(response.get_data(as_text=True))
    case_page = client.get(f"/cases/{item.id}").get_data(as_text=True)
    assert "Vedtatt mot 1 stemme (Ola Uavhengig)" in case_page


def test_an_employee_representative_represents_no_member(client, editor, session, make_body):
    body = make_body()
    member = owners(session)[0]
    person = m.Person(name="Kari Ansatt")
    session.add(person)
    session.commit()
    data = {"body_id": body.id, "role": "member", "kind": "employee", "municipality_id": member.id, "voting": "y"}
    response = editor.post(f"/registers/persons/{person.id}/memberships/new", data)
    assert response.status_code == 400
    assert any("Ansattrepresentant representerer ikke et medlem" in e for e in errors_of(response.get_data(as_text=True)))
    response = editor.post(f"/registers/persons/{person.id}/memberships/new", {**data, "municipality_id": ""})
    assert response.status_code == 302
    seat = session.exec(select(m.Membership)).one()
    assert (seat.kind, seat.municipality_id) == (m.SeatKind.employee, None)


def test_participation_counts_say_kommuner_only_for_municipalities(session):
    from boardroom.participation.status import DecisionStatus

    trust = owners(session)
    decision = m.ProjectDecision(project_id=0, title="Felles system", decided_on=date(2026, 1, 1))
    status = DecisionStatus(decision, trust, {}, joined=trust)
    assert status.summary == "Alle medlemmer (4/4)"
    towns = [m.Member(number="1833", name="Rana"), m.Member(number="1820", name="Alstahaug")]
    assert DecisionStatus(decision, towns, {}, joined=towns).summary == "Alle kommuner (2/2)"
