"""boardroom: agendas, minutes, participation and meeting plans for inter-municipal boards."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf import CSRFProtect

from boardroom.core import db, security
from boardroom.core.serialising import FastJSONProvider

ROOT = Path(__file__).resolve().parent.parent
csrf = CSRFProtect()


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'boardroom.sqlite'}"


def instance_secret(instance_path: str) -> str:
    """The secret kept in ``instance/secret_key`` when BOARDROOM_SECRET_KEY is not set.

    Made once, atomically: the key is written to a private temporary file (mode 0600) that is
    then hard-linked into place, which fails if another process got there first; every process
    then reads the one file that won, so servers starting at once (or sharing the instance folder
    on a network disk, where link() is atomic too) all get the same key, and no process ever
    reads a half-written one. A key file left world-readable by an older version is made 0600.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        temporary = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(32) + "\n")
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process made it first: use theirs
        finally:
            temporary.unlink()
    if path.stat().st_mode & 0o077:
        try:
            path.chmod(0o600)
        except OSError as exc:
            raise RuntimeError(f"{path} can be read by other users and cannot be made private ({exc}); "
                               "run chmod 600 on it, or set BOARDROOM_SECRET_KEY.") from exc
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable key; delete it (a new one is made) or set BOARDROOM_SECRET_KEY.")
    return key


def env_int(name: str, default: int) -> int:
    """A whole-number setting from the environment, or a clear message when it is not one."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}.") from None
    if number < 0:
        raise RuntimeError(f"{name} must be 0 or more, not {number}.")
    return number


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
        # the folder of the SQLite default, the generated secret key and base_url (default: ./instance)
        instance_path=os.path.abspath(os.environ["BOARDROOM_INSTANCE_PATH"])
        if os.environ.get("BOARDROOM_INSTANCE_PATH") else None,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config = dict(config or {})
    app.config.from_mapping(
        SECRET_KEY=config.get("SECRET_KEY") or os.environ.get("BOARDROOM_SECRET_KEY")
        or instance_secret(app.instance_path),
        DATABASE_URL=os.environ.get("BOARDROOM_DATABASE_URL") or default_database_url(app.instance_path),
        BASE_URL=os.environ.get("BOARDROOM_BASE_URL") or instance_base_url(app.instance_path),
        # how many generated pages and documents to keep (0: build every response anew)
        RESPONSE_CACHE_SIZE=int(os.environ.get("BOARDROOM_RESPONSE_CACHE_SIZE", "256")),
        JSON_SORT_KEYS=False,
        WTF_I18N_ENABLED=False,  # WTForms' own Norwegian messages (boardroom.forms.Form)
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,  # uploads larger than 25 MB are refused with 413
        # how many proxies in front of the app may say who the client is and whether it used HTTPS
        TRUSTED_PROXIES=env_int("BOARDROOM_TRUSTED_PROXIES", 0),
        # a session ends after this long without a request, and this long after the log-in at most
        SESSION_IDLE_MINUTES=env_int("BOARDROOM_SESSION_IDLE_MINUTES", 8 * 60),
        SESSION_LIFETIME_HOURS=env_int("BOARDROOM_SESSION_LIFETIME_HOURS", 7 * 24),
        # failed log-ins before a pause, per account and per address, and how long the pause lasts
        LOGIN_MAX_FAILURES_ACCOUNT=env_int("BOARDROOM_LOGIN_MAX_FAILURES_ACCOUNT", 5),
        LOGIN_MAX_FAILURES_ADDRESS=env_int("BOARDROOM_LOGIN_MAX_FAILURES_ADDRESS", 30),
        LOGIN_LOCKOUT_MINUTES=env_int("BOARDROOM_LOGIN_LOCKOUT_MINUTES", 15),
        # outgoing mail: smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (TLS); unset: mail is
        # kept in the outbox, marked as not sent
        SMTP_URL=os.environ.get("BOARDROOM_SMTP_URL", ""),
        MAIL_FROM=os.environ.get("BOARDROOM_MAIL_FROM", ""),
        # how often the outbox worker looks for mail to send, in seconds
        OUTBOX_POLL_SECONDS=env_int("BOARDROOM_OUTBOX_POLL_SECONDS", 10),
    )
    app.config.update(config)
    app.json = FastJSONProvider(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    db.init_app(app)
    csrf.init_app(app)
    security.init_app(app)  # before auth.init_app: its hook must see the remember cookie

    from boardroom import cli
    from boardroom.api import routes as api
    from boardroom.auth import routes as auth
    from boardroom.calendar import routes as calendar
    from boardroom.core import audit, cache, error_pages, guards, orgs, scoping, templating, vocabularies  # noqa: F401  (audit registers its listener)
    from boardroom.costs import routes as costs
    from boardroom.decisions import absence_routes as absence
    from boardroom.decisions import routes as decisions
    from boardroom.followups import routes as followups
    from boardroom.mail import routes as mail
    from boardroom.meetings import agenda_routes as agenda
    from boardroom.meetings import home_routes as main
    from boardroom.meetings import routes as meetings
    from boardroom.members import routes as members
    from boardroom.orgadmin import routes as orgadmin
    from boardroom.participation import routes as participation
    from boardroom.projects import routes as projects
    from boardroom.registers import routes as registers

    guards.init_app(app)
    cache.init_app(app)
    templating.init_app(app)
    vocabularies.init_app(app)
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
    app.register_blueprint(absence.bp)
    app.register_blueprint(mail.bp)
    app.register_blueprint(orgadmin.bp)
    scoping.check_views(app)
    orgs.init_app(app)
    return app


def serving_app() -> Flask:
    """The app as each `boardroom serve` worker runs it: built, its models configured, and every object
    made so far (modules, models, the SQL and template machinery) frozen out of the garbage collector's
    view. A full collection then walks only what requests make (about 4 ms less per page that builds
    many rows, such as the participation matrix), tuned for a worker
    (``boardroom.core.collector``)."""
    import gc

    from sqlalchemy.orm import configure_mappers

    from boardroom.core.collector import TunedCollector

    app = create_app()
    configure_mappers()
    gc.collect()
    gc.freeze()
    app.wsgi_app = TunedCollector(app.wsgi_app)
    return app
