"""Fixtures and sample files shared by the agenda, file and notice tests.

Import the fixtures into a test module (``from tests.agenda_helpers import board, uploads, ...``);
``uploads`` is autouse there, so no test writes into the instance folder.
"""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from io import BytesIO
from types import SimpleNamespace

import pytest
from docx import Document

import boardroom.models as m
from boardroom.meetings.agenda import add_case, create_meeting
from tests.conftest import oslo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def docx_bytes(text: str = "Innhold", header: str | None = None, style: str | None = None) -> bytes:
    """A small Word document made with python-docx, optionally with a header text and a custom style."""
    doc = Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if style:
        from docx.enum.style import WD_STYLE_TYPE

        doc.styles.add_style(style, WD_STYLE_TYPE.PARAGRAPH)
    doc.add_paragraph(text)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")
    return out.getvalue()


@pytest.fixture(autouse=True)
def uploads(app, tmp_path):
    """Uploads with a small size limit (100 kB); domain calls see the app's config. The old on-disk
    file store (read only by ``files.import_from_disk``) is a temporary folder."""
    folder = tmp_path / "files"
    app.config.update(UPLOAD_FOLDER=str(folder), MAX_UPLOAD_SIZE=100 * 1024)
    with app.app_context():
        yield folder


@pytest.fixture
def board(session, make_body):
    """A body with standard cases and people: a chair, two members, a deputy, staff, an observer,
    and a member whose seat ended before the meetings of the tests."""
    body = make_body(name="Styret i Digitale Helgeland", short_name="DH", default_place="Mo i Rana")
    for place, position, title, kind, proposal in (
        (m.StandardCasePlace.opening, 0, "Godkjenning av innkalling og agenda", m.CaseKind.decision,
         "Innkalling og saksliste godkjennes."),
        (m.StandardCasePlace.opening, 1, "Valg av person til å undertegne protokoll sammen med møteleder",
         m.CaseKind.election, ""),
        (m.StandardCasePlace.closing, 0, "Eventuelt", m.CaseKind.other_business, ""),
    ):
        session.add(m.StandardCase(body_id=body.id, place=place, position=position, title=title, kind=kind,
                                   proposal=proposal))
    rana, vega, bindal = (m.Municipality(number=n, name=name) for n, name in
                          (("1833", "Rana"), ("1815", "Vega"), ("1811", "Bindal")))
    session.add_all([rana, vega, bindal])
    people = {name: m.Person(name=name, title=title, affiliation=aff) for name, title, aff in (
        ("Rachel Berg", "", ""), ("Knut Toresen", "", ""), ("Eva Vega", "", ""), ("Vara Vegasen", "", ""),
        ("Hilde Rafaelsen", "daglig leder", "DH"), ("Ola Observatør", "", "KS"), ("Gammel Medlem", "", ""),
    )}
    session.add_all(people.values())
    session.flush()
    seats = (
        ("Rachel Berg", m.MembershipRole.chair, rana, None),
        ("Knut Toresen", m.MembershipRole.member, bindal, None),
        ("Eva Vega", m.MembershipRole.member, vega, None),
        ("Vara Vegasen", m.MembershipRole.deputy, vega, None),
        ("Hilde Rafaelsen", m.MembershipRole.staff, None, None),
        ("Ola Observatør", m.MembershipRole.observer, None, None),
        ("Gammel Medlem", m.MembershipRole.member, rana, date(2024, 12, 31)),
    )
    for name, role, municipality, end in seats:
        session.add(m.Membership(body_id=body.id, person_id=people[name].id, role=role, end=end,
                                 municipality_id=municipality.id if municipality else None,
                                 voting=role not in (m.MembershipRole.staff, m.MembershipRole.observer)))
    session.commit()
    return SimpleNamespace(body=body, people=people, rana=rana, vega=vega, bindal=bindal)


@pytest.fixture
def planned(session, board):
    """A planned meeting made the way the secretary makes one, with ``cases`` cases before Eventuelt."""

    def make(cases=0, start=None, **kw):
        start = start or oslo(2025, 11, 20, 10)
        meeting = create_meeting(session, board.body, title=kw.pop("title", "Styremøte"), starts_at=start,
                                 ends_at=start + timedelta(hours=5), **kw)
        for i in range(cases):
            add_case(session, meeting, title=f"Ny sak {i + 1}", kind=m.CaseKind.decision,
                     background=f"Bakgrunn {i + 1} med **fet** tekst.\n\n- punkt en\n- punkt to",
                     proposal=f"Styret vedtar forslag {i + 1}.", case_handler_id=board.people["Hilde Rafaelsen"].id)
        session.commit()
        return meeting

    return make


def titles(meeting) -> list[str]:
    return [item.case.title for item in meeting.items]


def numbers(meeting) -> list[str]:
    from boardroom.meetings.minutes import item_number

    return [item_number(item) for item in meeting.items]
