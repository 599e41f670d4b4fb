"""The command line: migrations on a fresh database, and `boardroom serve` end to end."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import inspect

from boardroom import create_app
from boardroom.core.db import make_engine

BIN = Path(sys.executable).parent


def test_db_upgrade_creates_the_schema_in_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Databasen er oppdatert" in result.output
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"alembic_version", "meeting", "agendaitem", "municipality", "participation"} <= tables
    # a second run is a no-op
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_migrates_a_new_database_and_answers_under_gunicorn(tmp_path):
    port = _free_port()
    env = dict(os.environ, BOARDROOM_DATABASE_URL=f"sqlite:///{tmp_path / 'served.sqlite'}", BOARDROOM_SECRET_KEY="x")
    proc = subprocess.Popen(
        [str(BIN / "boardroom"), "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/meetings", timeout=5) as response:
                    assert response.status == 200
                    assert "Møter" in response.read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "boardroom serve did not answer within 30 s"
                time.sleep(0.2)
        assert (tmp_path / "served.sqlite").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
