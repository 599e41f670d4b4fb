"""Security headers and cookie flags on every kind of response (#10, item 1), and templates
that need no inline script or style under that policy."""

import re
from pathlib import Path

import boardroom.models as m
from boardroom import create_app

ROOT = Path(__file__).resolve().parent.parent


def assert_protected(response, https=False):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives.get("frame-ancestors") == "'none'", csp
    assert directives.get("script-src") == "'self'" and directives.get("style-src") == "'self'", csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    if https:
        assert response.headers.get("Strict-Transport-Security", "").startswith("max-age=")
    else:
        assert "Strict-Transport-Security" not in response.headers


def demo_meeting(session):
    from sqlmodel import select

    return session.exec(select(m.Meeting).where(m.Meeting.status == m.MeetingStatus.approved)).first()


def test_every_kind_of_response_carries_the_headers(app, client, auth, demo):
    meeting = demo_meeting(demo)
    assert meeting is not None
    responses = {
        "html": client.get("/"),
        "meeting page": client.get(f"/meetings/{meeting.id}"),
        "json": client.get("/api/meetings"),
        "docx": client.get(f"/meetings/{meeting.id}/protokoll.docx"),
        "ics": client.get("/calendar.ics"),
        "csv": client.get("/participation.csv"),
        "redirect": client.get("/meetings/new"),
        "404": client.get("/finnes-ikke"),
        "404 json": client.get("/api/meetings/999999"),
        "400": client.get("/?q=%00"),
        "400 csrf": client.post("/login", data={"email": "a@example.org", "password": "x"}),
        "static": client.get("/static/style.css"),
        "static js": client.get("/static/agenda.js"),
    }
    auth.login("reader", email="leser@example.org")
    responses["403"] = client.get("/costs/new")
    auth._token = None
    auth.post("/logout")
    auth.login("secretary", email="sekr@example.org")
    responses["409"] = client.get(f"/meetings/{meeting.id}/oppmote")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    responses["413"] = auth.post("/meetings/new", {"title": "x" * 5000})
    expected = {"html": 200, "meeting page": 200, "json": 200, "docx": 200, "ics": 200, "csv": 200, "redirect": 302,
                "404": 404, "404 json": 404, "400": 400, "400 csrf": 400, "static": 200, "static js": 200,
                "403": 403, "409": 409, "413": 413}
    assert {k: r.status_code for k, r in responses.items()} == expected
    assert responses["docx"].mimetype.endswith("wordprocessingml.document")
    assert responses["ics"].mimetype == "text/calendar"
    for name, response in responses.items():
        response.close()  # static files are streamed from open files
        assert_protected(response), name


def test_cached_pages_get_the_headers_too(client, demo):
    first, second = client.get("/calendar.ics"), client.get("/calendar.ics")
    etag = second.headers["ETag"]
    not_modified = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    for response in (first, second, not_modified):
        assert_protected(response)


def test_session_cookie_is_httponly_and_lax_and_not_secure_over_plain_http(client, auth):
    user = auth.create("secretary")
    response = client.post("/login", data={"email": user.email, "password": auth.PASSWORD,
                                           "csrf_token": auth.token()})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the demo on http://127.0.0.1 must keep its session


def test_over_https_cookies_are_secure_and_hsts_is_sent(client, auth):
    user = auth.create("secretary")
    page = client.get("/login", base_url="https://boardroom.test")
    assert_protected(page, https=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", base_url="https://boardroom.test",
                           headers={"Referer": "https://boardroom.test/login"},  # Flask-WTF checks it over HTTPS
                           data={"email": user.email, "password": auth.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert_protected(response, https=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)


def test_a_remember_cookie_is_secure_httponly_and_lax_over_https(app):
    from flask import Response

    @app.get("/test-remember")
    def remember():  # what Flask-Login's remember-me would set
        response = Response("ok")
        response.set_cookie("remember_token", "x", httponly=True, samesite="Lax")
        return response

    response = app.test_client().get("/test-remember", base_url="https://boardroom.test")
    assert "Secure" in response.headers["Set-Cookie"]
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_forwarded_https_counts_only_behind_the_configured_proxies(engine, database_url):
    def app_with(proxies):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                          "BASE_URL": "http://boardroom.test", "TRUSTED_PROXIES": proxies})
        app.extensions["boardroom.engine"].dispose()
        app.extensions["boardroom.engine"] = engine
        return app

    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    direct = app_with(0).test_client().get("/api/meetings", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers  # anyone can send that header
    behind = app_with(1).test_client().get("/api/meetings", headers=forwarded)
    assert_protected(behind, https=True)


def test_templates_and_scripts_need_no_inline_script_or_style():
    """What the policy would block: <script> without src, <style>, style="", on… handlers, javascript: links."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle\s*=", r"\son[a-z]+\s*=", r"javascript:"):
            found += [f"{path.relative_to(ROOT)}: {hit}" for hit in re.findall(pattern, text, flags=re.I)]
    for path in sorted((ROOT / "static").glob("*.js")):
        text = path.read_text()
        for pattern in (r"setAttribute\(\s*['\"](style|on[a-z]+)", r"\beval\(", r"new Function\(", r"\.on[a-z]+\s*=\s*['\"]"):
            found += [f"{path.relative_to(ROOT)}: {hit}" for hit in re.findall(pattern, text)]
    assert found == []
