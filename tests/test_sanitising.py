"""Nothing executable written into a Markdown field reaches a page, the JSON or a document."""

import re
from io import BytesIO

import pytest
from docx import Document

import boardroom.models as m
from boardroom.core.text import render_markdown

PAYLOADS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[klikk](javascript:alert(1))",
    "[klikk](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">lenke</a>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<div onclick=\"alert(1)\">klikk</div>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "![bilde](javascript:alert(1))",
    "<p style=\"background:url(javascript:alert(1))\">stil</p>",
]
DANGEROUS = re.compile(r"<script|<iframe|<svg|<style|<img|javascript:|data:text|\son\w+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_markdown_strips_everything_executable(payload):
    assert not DANGEROUS.search(render_markdown(f"Tekst før.\n\n{payload}\n\nTekst etter."))


def test_payloads_never_reach_pages_json_or_documents(client, session, make_meeting, auth):
    meeting = make_meeting(cases=1)
    item = session.get(m.AgendaItem, meeting.items[0].id)
    text = "\n\n".join(PAYLOADS)
    for field in m.AgendaItem.MARKDOWN_FIELDS:
        setattr(item, field, text)
    session.commit()

    for url in (f"/meetings/{meeting.id}", f"/cases/{item.id}", "/"):
        html = client.get(url).get_data(as_text=True)
        # the page's own markup has no script; anything from the payloads is escaped or removed
        assert not DANGEROUS.search(html), url
    data = client.get(f"/api/meetings/{meeting.id}").get_json()
    for field in ("background", "proposal", "decision", "discussion"):
        assert not DANGEROUS.search(data["agenda"][0][field]["html"])

    auth.login("secretary")
    for url in (f"/meetings/{meeting.id}/protokoll.docx", f"/meetings/{meeting.id}/innkalling.docx"):
        response = client.get(url)
        assert response.status_code == 200, url
        document = Document(BytesIO(response.data))
        xml = document.element.xml
        rels = [r.target_ref for r in document.part.rels.values() if r.is_external]
        assert not any(ref.lower().startswith(("javascript:", "data:")) for ref in rels)
        assert "<script" not in xml.lower() and "onerror" not in xml.lower()
