"""Several app servers on one database (#10 item 7): nothing one server needs lives on another's disk.

- Uploaded files are rows (``storedfilecontent``); ``boardroom db upgrade`` moves the files an older
  version left on disk into the database, and names those it cannot find.
- Two real ``boardroom serve`` processes (gunicorn), each with an instance folder of its own and one
  shared BOARDROOM_SECRET_KEY, on one database: a PostgreSQL database of the test's own when
  BOARDROOM_TEST_DATABASE_URL is PostgreSQL, else one SQLite file. A secretary logs in through the
  first, uploads there and downloads the same bytes from the second, approves there and is refused
  the edit (409) on the second; logging out on one ends the session on the other; a third server
  with another secret key is refused at its start. Six processes
  start, so it takes 10–30 s: it runs on every PostgreSQL run, and on SQLite with BOARDROOM_TEST_SLOW=1.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

import boardroom.models as m
from boardroom import create_app
from boardroom.core import db, secret
from tests.agenda_helpers import PDF, PNG
from tests.db_helpers import on_postgresql, scratch_database

BIN = Path(sys.executable).parent
SECRETARY = ("sekretaer@digitalehelgeland.example", "sekretaer-demo")  # boardroom.demo.DEMO_ACCOUNTS


# --------------------------------------------------------------------------- files from disk into the database


def _old_store(root: Path, data: bytes) -> str:
    """A file as versions before 0010 kept it: root/ab/abcdef…; returns its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    (root / digest[:2]).mkdir(parents=True, exist_ok=True)
    (root / digest[:2] / digest).write_bytes(data)
    return digest


def test_db_upgrade_moves_the_files_on_disk_into_the_database_and_names_the_missing(tmp_path):
    """On SQLite; on PostgreSQL too with BOARDROOM_TEST_SLOW=1 (migrating a new database there takes 20 s)."""
    root = tmp_path / "files"
    with scratch_database(tmp_path, "files", postgresql=bool(os.environ.get("BOARDROOM_TEST_SLOW"))) as url:
        db.upgrade(url, "0009")  # the schema of the version that kept files on disk
        present, missing, damaged = _old_store(root, PDF), hashlib.sha256(b"gone").hexdigest(), _old_store(root, PNG)
        (root / damaged[:2] / damaged).write_bytes(PNG[:-1] + b"X")  # no longer the file its name says
        engine = db.make_engine(url)
        now = m.utcnow()
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO storedfile (sha256, media_type, size, created_at, modified_at) "
                                 "VALUES (:sha, :type, :size, :now, :now)"),
                         [{"sha": present, "type": "application/pdf", "size": len(PDF), "now": now},
                          {"sha": missing, "type": "application/pdf", "size": 4, "now": now},
                          {"sha": damaged, "type": "image/png", "size": len(PNG), "now": now}])
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "UPLOAD_FOLDER": str(root)})

        def upgrade():
            result = app.test_cli_runner().invoke(args=["db", "upgrade"])
            assert result.exit_code == 0, result.output
            with engine.connect() as conn:
                stored = dict(conn.execute(sa.select(m.StoredFileContent.sha256, m.StoredFileContent.data)).all())
            return result.output, stored

        try:
            output, stored = upgrade()
            assert stored == {present: PDF}
            assert "1 opplastede filer er flyttet fra disken inn i databasen." in output
            assert f"Advarsel: 2 opplastede filer finnes ikke (eller er skadet) i {root}" in output
            assert missing in output and damaged in output and present not in output
            assert (root / present[:2] / present).read_bytes() == PDF  # the disk is left as it was

            output, stored = upgrade()  # again: nothing more to move, the same two named
            assert stored == {present: PDF} and "flyttet fra disken" not in output and "Advarsel: 2" in output

            (root / damaged[:2] / damaged).write_bytes(PNG)  # put back as it was
            output, stored = upgrade()
            assert stored == {present: PDF, damaged: PNG}
            assert "1 opplastede filer er flyttet" in output and "Advarsel: 1" in output and missing in output
        finally:
            app.extensions["boardroom.engine"].dispose()
            engine.dispose()


# --------------------------------------------------------------------------- one secret key for every server


def test_the_first_server_records_its_key_and_another_key_is_refused_until_recorded_on_purpose(app, session):
    secret.check(session, "nokkel-en")  # the first server to start records its key
    secret.check(session, "nokkel-en")
    with pytest.raises(secret.SecretKeyMismatch, match="Gi alle serverne samme BOARDROOM_SECRET_KEY"):
        secret.check(session, "nokkel-to")
    session.commit()
    stored = session.get(m.SharedSetting, secret.NAME).value
    assert "nokkel" not in stored and len(stored) == 64  # a fingerprint, not the key

    app.config["SECRET_KEY"] = "nokkel-to"
    result = app.test_cli_runner().invoke(args=["db", "secret-key"])
    assert result.exit_code == 0, result.output
    assert "Nøkkelen er registrert. Den er byttet: start alle serverne med den nye nøkkelen" in result.output
    session.expire_all()
    secret.check(session, "nokkel-to")
    with pytest.raises(secret.SecretKeyMismatch):
        secret.check(session, "nokkel-en")


# --------------------------------------------------------------------------- two servers, one database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, as the test client gives it


class Browser:
    """One browser: a cookie jar shared by every server at 127.0.0.1 (cookies do not care about the port)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)

    def request(self, url: str, data: dict | None = None, files: dict | None = None) -> tuple[int, dict, bytes]:
        body, headers = None, {}
        if files:
            body, headers["Content-Type"] = _multipart(data or {}, files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read()

    def token(self, url: str) -> str:
        status, _, page = self.request(url)
        assert status == 200, (url, status)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.decode()).group(1)


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body (the standard library has no encoder for one)."""
    boundary = "boardroom" + hashlib.sha256(os.urandom(8)).hexdigest()[:16]
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Server:
    """``boardroom serve`` in a process group of its own (gunicorn, its worker and the outbox worker)."""

    def __init__(self, env: dict, instance: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        self.log = open(instance.with_suffix(".log"), "wb")
        self.proc = subprocess.Popen([str(BIN / "boardroom"), "serve", "--port", str(self.port), "--workers", "1"],
                                     env=dict(env, BOARDROOM_INSTANCE_PATH=str(instance)),
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, deadline: float) -> None:
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/meetings", timeout=5) as response:
                    assert response.status == 200
                    return
            except OSError:
                assert self.proc.poll() is None, self.output()
                assert time.monotonic() < deadline, f"{self.url} did not answer: {self.output()}"
                time.sleep(0.1)

    def output(self) -> str:
        self.log.flush()
        return self.instance.with_suffix(".log").read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()


def _meeting_ready_for_approval(url: str) -> int:
    """The demo's first meeting of 2026, held, with its co-signer chosen and its standard cases decided."""
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            meeting = m.Meeting.__table__
            first = conn.execute(sa.select(meeting.c.id).where(meeting.c.status == m.MeetingStatus.planned)
                                 .order_by(meeting.c.starts_at).limit(1)).scalar_one()
            person = m.Person.__table__
            co_signer = conn.execute(sa.select(person.c.id).where(person.c.name == "Knut Toresen")).scalar_one()
            conn.execute(meeting.update().where(meeting.c.id == first)
                         .values(status=m.MeetingStatus.held, co_signer_id=co_signer))
            item = m.AgendaItem.__table__
            conn.execute(item.update().where(item.c.meeting_id == first).values(decided_by=m.DecisionMethod.unanimous))
        return first
    finally:
        engine.dispose()


@pytest.fixture
def database(tmp_path):
    if not on_postgresql() and not os.environ.get("BOARDROOM_TEST_SLOW"):
        pytest.skip("two gunicorn servers take 10–30 s: on PostgreSQL always, on SQLite with BOARDROOM_TEST_SLOW=1")
    with scratch_database(tmp_path, "servers") as url:
        yield url


def test_two_servers_on_one_database_share_files_sessions_and_the_lock(database, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARDROOM_")}
    env.update(BOARDROOM_DATABASE_URL=database, BOARDROOM_SECRET_KEY="delt-hemmelighet-" + "x" * 32,
               BOARDROOM_BASE_URL="http://boardroom.test")
    setup = create_app({"TESTING": True, "DATABASE_URL": database, "SECRET_KEY": "test"})
    try:  # the same commands, run in this process: only the servers need processes of their own
        for command in (["db", "upgrade"], ["demo"]):
            result = setup.test_cli_runner().invoke(args=command)
            assert result.exit_code == 0, result.output
    finally:
        setup.extensions["boardroom.engine"].dispose()
    meeting_id = _meeting_ready_for_approval(database)

    one, two = Server(env, tmp_path / "server-1"), Server(env, tmp_path / "server-2")
    try:
        deadline = time.monotonic() + 30
        one.wait_until_up(deadline)
        two.wait_until_up(deadline)
        browser = Browser()
        email, password = SECRETARY
        status, headers, _ = browser.request(f"{one.url}/login", {"email": email, "password": password,
                                                                  "csrf_token": browser.token(f"{one.url}/login")})
        assert status == 302, headers
        # the session made by server 1 is good on server 2, and so is the form token
        token = browser.token(f"{two.url}/meetings/{meeting_id}/attachments")

        status, headers, _ = browser.request(f"{one.url}/meetings/{meeting_id}/attachments",
                                             {"title": "Budsjett 2026", "csrf_token": token},
                                             files={"file": ("budsjett.pdf", PDF)})
        assert status == 302, headers
        status, _, page = browser.request(f"{one.url}/meetings/{meeting_id}/attachments")
        link = re.search(r'href="(/attachments/\d+/budsjett.pdf)"', page.decode()).group(1)
        status, headers, data = browser.request(two.url + link)
        assert status == 200 and data == PDF and headers["Content-Type"] == "application/pdf"

        status, headers, page = browser.request(f"{one.url}/meetings/{meeting_id}/godkjenn",
                                                {"confirm": "y", "csrf_token": token})
        assert status == 302, re.sub(r"<[^>]+>", " ", page.decode())
        status, _, page = browser.request(f"{two.url}/meetings/{meeting_id}/edit",
                                          {"title": "Endret etter godkjenning", "csrf_token": token})
        assert status == 409 and "Protokollen for dette møtet er godkjent og låst." in page.decode()
        # both serve the one stored version of the approved minutes
        first, second = (browser.request(f"{s.url}/meetings/{meeting_id}/protokoll.docx") for s in (one, two))
        assert first[0] == second[0] == 200 and first[2] == second[2]

        status, _, _ = browser.request(f"{two.url}/logout", {"csrf_token": token})
        assert status == 302
        status, headers, _ = browser.request(f"{one.url}/meetings/{meeting_id}/attachments")
        assert status == 302 and "/login" in headers["Location"]  # logged out on server 1 as well

        # a third server with a key of its own is refused at the start, saying why
        other = subprocess.run([str(BIN / "boardroom"), "serve", "--port", str(_free_port())], timeout=60,
                               env=dict(env, BOARDROOM_SECRET_KEY="en-annen-nokkel-" + "y" * 32,
                                        BOARDROOM_INSTANCE_PATH=str(tmp_path / "server-3")),
                               capture_output=True, text=True)
        assert other.returncode != 0
        assert "Denne serveren har en annen BOARDROOM_SECRET_KEY enn serverne som bruker samme database" in other.stderr

        for server in (one, two):  # nothing of it on either server's disk
            assert list(server.instance.iterdir()) == [], server.output()
    finally:
        one.stop()
        two.stop()
