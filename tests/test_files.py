"""Uploaded files and attachments: type and size checks, storage once by content,
upload forms, downloads with the right headers, and who may download what."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from sqlmodel import select

import boardroom.models as m
from boardroom.core import files
from boardroom.meetings import agenda
from boardroom.meetings.minutes import load_meeting
from tests.agenda_helpers import JPEG, PDF, PNG, board, docx_bytes, planned, uploads, xlsx_bytes, zip_bytes  # noqa: F401  (fixtures)

LIMIT = 100 * 1024  # MAX_UPLOAD_SIZE in the tests (tests.agenda_helpers.uploads)


# --------------------------------------------------------------------------- storage


def test_the_same_file_is_stored_once(session, uploads):
    first = files.store(session, "budsjett.pdf", PDF)
    second = files.store(session, "kopi av budsjett.pdf", PDF)
    other = files.store(session, "bilde.png", PNG)
    assert first.id == second.id != other.id
    assert (first.media_type, first.size, len(first.sha256)) == ("application/pdf", len(PDF), 64)
    contents = session.exec(select(m.StoredFileContent).order_by(m.StoredFileContent.sha256)).all()
    assert [(c.sha256, c.data) for c in contents] == sorted([(first.sha256, PDF), (other.sha256, PNG)])
    assert not uploads.exists()  # nothing on this server's disk: every server reads the database
    assert files.read(session, first) == PDF


@pytest.mark.parametrize("filename, data, media_type", [
    ("sak.pdf", PDF, "application/pdf"),
    ("SAK.PDF", PDF, "application/pdf"),
    ("notat.docx", docx_bytes(), files.DOCX),
    ("tall.xlsx", xlsx_bytes(), files.XLSX),
    ("kart.png", PNG, "image/png"),
    ("foto.jpg", JPEG, "image/jpeg"),
    ("foto.jpeg", JPEG, "image/jpeg"),
])
def test_allowed_types_are_accepted(filename, data, media_type, uploads):
    assert files.check(filename, data) == media_type


@pytest.mark.parametrize("filename, data, message", [
    ("program.exe", b"MZ\x90\x00", "Filtypen «.exe» er ikke tillatt. Last opp PDF, Word (.docx), Excel (.xlsx), PNG eller JPEG."),
    ("uten-endelse", PDF, "ikke tillatt"),
    ("gammel.doc", b"\xd0\xcf\x11\xe0", "ikke tillatt"),
    ("side.html", b"<script>alert(1)</script>", "ikke tillatt"),
    ("falsk.pdf", PNG, "Innholdet i filen er ikke en gyldig PDF-fil."),
    ("falsk.png", b"<svg onload=alert(1)>", "ikke en gyldig PNG-fil"),
    ("falsk.jpg", PDF, "ikke en gyldig JPG-fil"),
    ("arkiv.docx", zip_bytes(), "ikke en gyldig DOCX-fil"),
    ("regneark.xlsx", docx_bytes(), "ikke en gyldig XLSX-fil"),
    ("tom.pdf", b"", "Filen er tom."),
    ("stor.pdf", PDF + b"0" * LIMIT, "Filen er for stor. Største tillatte størrelse er 100 kB."),
])
def test_wrong_type_content_or_size_is_refused_in_norwegian(session, filename, data, message, uploads):
    with pytest.raises(files.FileRejected, match=re.escape(message)):
        files.store(session, filename, data)
    assert session.exec(select(m.StoredFile)).first() is None
    assert not any(uploads.rglob("*")) if uploads.exists() else True


@pytest.mark.parametrize("name, cleaned", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\hilde\\Årsmelding 2025.pdf", "Årsmelding 2025.pdf"),
    ("<script>.pdf", "script-.pdf"),
    ("", "fil"),
])
def test_file_names_are_cleaned(name, cleaned):
    assert files.clean_filename(name) == cleaned


def test_attachments_to_meeting_and_case_share_one_stored_file(session, planned):
    meeting = load_meeting(session, planned(cases=1).id)
    a = agenda.add_attachment(session, meeting, "Budsjett", "budsjett.pdf", PDF)
    b = agenda.add_attachment(session, meeting, "Budsjett (saken)", "budsjett.pdf", PDF, item=meeting.items[2],
                              exempt=True, exemption_basis="Offl. § 14")
    session.commit()
    assert a.file_id == b.file_id
    assert (a.meeting_id, a.agenda_item_id, b.meeting_id, b.agenda_item_id) == (meeting.id, None, None,
                                                                               meeting.items[2].id)
    assert len(session.exec(select(m.StoredFile)).all()) == 1


# --------------------------------------------------------------------------- upload forms


def upload(auth, url, data=PDF, filename="budsjett.pdf", **fields):
    return auth.post(url, data={"file": (BytesIO(data), filename), "title": "", **fields},
                     content_type="multipart/form-data")


@pytest.fixture
def meeting(session, planned, auth):
    auth.login("secretary")
    return load_meeting(session, planned(cases=1).id)


def test_upload_to_a_meeting_lists_and_serves_it(session, auth, meeting):
    response = upload(auth, f"/meetings/{meeting.id}/attachments", title="Budsjett 2026")
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vedlegget «Budsjett 2026» er lastet opp." in page
    attachment = session.exec(select(m.Attachment)).one()
    link = f"/attachments/{attachment.id}/budsjett.pdf"
    assert f'href="{link}"' in page
    download = auth.client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "inline; filename=budsjett.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "Budsjett 2026" in auth.client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_upload_to_a_case_with_a_norwegian_file_name(session, auth, meeting):
    item = meeting.items[2]
    response = upload(auth, f"/cases/{item.id}/attachments", data=docx_bytes(), filename="Årsmelding 2025.docx")
    assert response.status_code == 302
    attachment = session.exec(select(m.Attachment)).one()
    assert (attachment.agenda_item_id, attachment.title, attachment.filename) == (item.id, "Årsmelding 2025",
                                                                                   "Årsmelding 2025.docx")
    download = auth.client.get(f"/attachments/{attachment.id}/Årsmelding 2025.docx")
    assert download.headers["Content-Type"] == files.DOCX
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C3%85rsmelding%202025.docx" in download.headers["Content-Disposition"]
    assert auth.client.get(f"/attachments/{attachment.id}/annet-navn.docx").status_code == 404


@pytest.mark.parametrize("data, filename, fields, message", [
    (None, None, {}, "Velg en fil å laste opp."),
    (b"MZ", "virus.exe", {}, "Filtypen «.exe» er ikke tillatt"),
    (PNG, "falsk.pdf", {}, "ikke en gyldig PDF-fil"),
    (PDF + b"0" * LIMIT, "stor.pdf", {}, "Filen er for stor. Største tillatte størrelse er 100 kB."),
    (PDF, "ok.pdf", {"exempt": "y", "exemption_basis": ""}, "Oppgi hjemmel for unntaket"),
    (PDF, "ok.pdf", {"title": "x" * 301}, "høyst 300 tegn"),
])
def test_upload_errors_are_shown_next_to_the_field(session, auth, meeting, data, filename, fields, message):
    fields = {"title": "Tittelen brukeren skrev", **fields}
    form = {**fields, **({"file": (BytesIO(data), filename)} if data is not None else {})}
    response = auth.post(f"/meetings/{meeting.id}/attachments", data=form, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert re.search(r'<ul class="errors" id="(file|title|exemption_basis)-errors">', html)
    if len(fields["title"]) < 300:
        assert 'value="Tittelen brukeren skrev"' in html
    assert session.exec(select(m.Attachment)).first() is None


def test_delete_attachment(session, auth, meeting):
    upload(auth, f"/meetings/{meeting.id}/attachments")
    attachment_id = session.exec(select(m.Attachment.id)).one()
    response = auth.post(f"/attachments/{attachment_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == f"/meetings/{meeting.id}/attachments"
    assert session.exec(select(m.Attachment)).first() is None
    assert auth.post(f"/attachments/{attachment_id}/delete").status_code == 404


# --------------------------------------------------------------------------- who may download


@pytest.fixture
def published(session, planned):
    """A meeting whose notice is sent, with a public, an exempt and an exempt case's attachment."""
    meeting = load_meeting(session, planned(cases=1).id)
    secret_case = meeting.items[2]
    secret_case.case.exempt, secret_case.case.exemption_basis = True, "Offl. § 14"
    public = agenda.add_attachment(session, meeting, "Budsjett", "budsjett.pdf", PDF)
    exempt = agenda.add_attachment(session, meeting, "Lønn", "lonn.xlsx", xlsx_bytes(), exempt=True,
                                   exemption_basis="Offl. § 13")
    in_exempt_case = agenda.add_attachment(session, meeting, "Tilbud", "tilbud.png", PNG, item=meeting.items[1])
    in_exempt_case.agenda_item = secret_case
    session.commit()
    return meeting, public, exempt, in_exempt_case


def url(a) -> str:
    return f"/attachments/{a.id}/{a.filename}"


def test_visitors_get_published_files_only(session, client, published):
    meeting, public, exempt, in_exempt_case = published
    assert client.get(url(public)).status_code == 302  # a draft: the notice is not sent
    agenda.send_notice(session, meeting)
    session.commit()
    response = client.get(url(public))
    assert response.status_code == 200 and response.data == PDF
    assert "no-store" not in response.headers.get("Cache-Control", "")
    for hidden in (exempt, in_exempt_case):
        response = client.get(url(hidden))
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_board_members_of_the_body_get_every_file(session, auth, published):
    meeting, public, exempt, in_exempt_case = published
    auth.login("member", email="annet@example.org")  # a seat on no body here: none of a draft's files
    assert [auth.client.get(url(a)).status_code for a in (public, exempt, in_exempt_case)] == [403, 403, 403]
    auth.logout()
    auth.login("member", seat=meeting.body_id)
    for a, data in ((public, PDF), (exempt, xlsx_bytes()), (in_exempt_case, PNG)):
        response = auth.client.get(url(a))
        assert response.status_code == 200
    response = auth.client.get(url(exempt))
    assert response.headers["Content-Type"] == files.XLSX
    assert response.headers["Cache-Control"] == "private, no-store"


def test_meeting_page_lists_vedlegg_and_hides_exempt_titles_from_visitors(session, client, published):
    meeting, public, exempt, _ = published
    agenda.send_notice(session, meeting)
    session.commit()
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Budsjett" in page and f'href="{url(public)}"' in page
    assert "Lønn" not in page and url(exempt) not in page


def test_exempt_attachment_titles_stay_out_of_the_public_documents(session, client, published):
    """innkalling.docx and protokoll.docx are public: an exempt file shows only its marking."""
    from docx import Document

    from boardroom.documents.protokoll import build_protokoll

    meeting, public, exempt, _ = published
    agenda.send_notice(session, meeting)
    session.commit()
    notice = Document(BytesIO(client.get(f"/meetings/{meeting.id}/innkalling.docx").data))
    lines = [p.text for p in notice.paragraphs]
    assert "Budsjett" in lines and "Vedlegg unntatt offentlighet (Offl. § 13)" in lines
    assert not [line for line in lines if "Lønn" in line]
    minutes = Document(BytesIO(build_protokoll(session, load_meeting(session, meeting.id))))
    lines = [p.text for p in minutes.paragraphs]
    assert "Vedlegg unntatt offentlighet (Offl. § 13)" in lines and not [line for line in lines if "Lønn" in line]


def test_papers_of_a_meeting_whose_notice_is_not_sent_stay_hidden(session, client, published):
    meeting, public, exempt, _ = published  # the notice is not sent yet
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    data = client.get(f"/api/meetings/{meeting.id}").get_data(as_text=True)
    for text in (page, data):
        assert "Budsjett" not in text and "Lønn" not in text and "budsjett.pdf" not in text
    agenda.send_notice(session, meeting)
    session.commit()
    assert "Budsjett" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert client.get(f"/api/meetings/{meeting.id}").get_json()["attachments"][0]["title"] == "Budsjett"
