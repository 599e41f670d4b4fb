"""boardroom: agendas, minutes, participation and meeting plans for inter-municipal boards."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf import CSRFProtect

from boardroom.core import db

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'boardroom.sqlite'}"


def instance_secret(instance_path: str) -> str:
    """A random secret kept in the instance folder, made on first start."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


DEFAULT_BASE_URL = "http://localhost:8000"  # where `boardroom serve` answers by default


def instance_base_url(instance_path: str) -> str:
    """The public address, stored in the instance folder at first start (BOARDROOM_BASE_URL wins).

    Absolute links and calendar UIDs come from here, never from a request's Host header, so a
    forged header cannot change what subscribers get. The administrator sees it under Registre.
    """
    path = Path(instance_path) / "base_url"
    if not path.exists():
        path.write_text(DEFAULT_BASE_URL + "\n")
    return path.read_text().strip() or DEFAULT_BASE_URL


def create_app(config: dict | None = None) -> Flask:
    """Build the application. Nothing touches the database until a request needs it."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("BOARDROOM_SECRET_KEY") or instance_secret(app.instance_path),
        DATABASE_URL=os.environ.get("BOARDROOM_DATABASE_URL") or default_database_url(app.instance_path),
        BASE_URL=os.environ.get("BOARDROOM_BASE_URL") or instance_base_url(app.instance_path),
        # how many generated pages and documents to keep (0: build every response anew)
        RESPONSE_CACHE_SIZE=int(os.environ.get("BOARDROOM_RESPONSE_CACHE_SIZE", "256")),
        JSON_SORT_KEYS=False,
        WTF_I18N_ENABLED=False,  # WTForms' own Norwegian messages (boardroom.forms.Form)
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,  # uploads larger than 25 MB are refused with 413
    )
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    db.init_app(app)
    csrf.init_app(app)

    from boardroom import cli
    from boardroom.api import routes as api
    from boardroom.auth import routes as auth
    from boardroom.calendar import routes as calendar
    from boardroom.core import audit, cache, error_pages, guards, templating  # noqa: F401  (audit registers its listener)
    from boardroom.costs import routes as costs
    from boardroom.decisions import routes as decisions
    from boardroom.followups import routes as followups
    from boardroom.meetings import agenda_routes as agenda
    from boardroom.meetings import home_routes as main
    from boardroom.meetings import routes as meetings
    from boardroom.members import routes as members
    from boardroom.participation import routes as participation
    from boardroom.projects import routes as projects
    from boardroom.registers import routes as registers

    guards.init_app(app)
    cache.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    error_pages.init_app(app)
    auth.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(projects.bp)
    app.register_blueprint(participation.bp)
    app.register_blueprint(costs.bp)
    app.register_blueprint(followups.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(agenda.bp)
    app.register_blueprint(decisions.bp)
    app.register_blueprint(registers.bp)
    return app
