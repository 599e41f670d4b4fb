"""The `boardroom` command: migrations, demo data, exports and the server.

Every command calls the same domain functions and document builders as the web views.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import Session

from boardroom.core import db


def _session() -> Session:
    return Session(db.get_engine(), expire_on_commit=False)


ORGANISATION_OPTION = click.option("--organisation", "slug", default=None,
                                   help="Organisasjonens kortadresse (slug); uten den: den første.")


def _organisation(session: Session, slug: str | None):
    """The organisation with that slug, or the first one; a clear message when there is none."""
    from sqlmodel import select

    from boardroom.models import Organisation

    query = select(Organisation).order_by(Organisation.id)
    found = session.exec(query.where(Organisation.slug == slug) if slug else query).first()
    if found is None and slug:
        raise click.ClickException(f"Fant ingen organisasjon med kortadressen «{slug}».")
    return found


@click.group("db")
def db_group():
    """Database migrations."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply all migrations (creates the database if it does not exist), then move any uploaded
    files still on this server's disk into the database."""
    stored, moved = _migrate()
    click.echo("Databasen er oppdatert." + (f" {stored} godkjente protokoller er lagret som godkjent." if stored else "")
               + (f" {moved} opplastede filer er flyttet fra disken inn i databasen." if moved else ""))


@db_group.command("secret-key")
@with_appcontext
def db_secret_key():
    """Record this process's secret key (BOARDROOM_SECRET_KEY) as the one every server must have."""
    from boardroom.core import secret

    with _session() as session:
        changed = secret.record(session, current_app.config["SECRET_KEY"])
        session.commit()
    click.echo("Nøkkelen er registrert." + (" Den er byttet: start alle serverne med den nye nøkkelen; alle som var "
                                            "logget inn, må logge inn igjen." if changed else ""))


def _migrate(check_secret: bool = False) -> tuple[int, int]:
    """Migrate, then store approved minutes and move files from disk; one process at a time (several
    servers may start at once). Returns (minutes stored, files moved); names files it could not move.
    With ``check_secret``, refuses (ClickException) a secret key other than the other servers'."""
    from boardroom.core import secret
    from boardroom.core.files import legacy_root

    url = current_app.config["DATABASE_URL"]
    with db.migration_lock(url):
        reported = db.upgrade(url, file_root=legacy_root())
        if check_secret:
            with _session() as session:
                try:
                    secret.check(session, current_app.config["SECRET_KEY"])
                except secret.SecretKeyMismatch as exc:
                    raise click.ClickException(str(exc)) from exc
                session.commit()
        moved, missing = _move_files_from_disk(legacy_root())  # first: approved minutes may show figures
        stored = _store_approved_minutes()
    if missing:
        click.echo(f"Advarsel: {len(missing)} opplastede filer finnes ikke (eller er skadet) i {legacy_root()} og er "
                   "ikke flyttet inn i databasen; nedlasting av dem gir 404. Legg dem dit (som ab/abcdef…) og kjør "
                   "«boardroom db upgrade» igjen. SHA-256: " + ", ".join(missing), err=True)
    return stored, reported.get("files_moved", 0) + moved


def _move_files_from_disk(root: Path) -> tuple[int, list[str]]:
    from boardroom.core.files import import_from_disk

    with _session() as session:
        result = import_from_disk(session, root)
        session.commit()
    return result.moved, result.missing + result.damaged


def _store_approved_minutes() -> int:
    """Approved minutes from before versions were stored get their version 1 now."""
    from boardroom.archive.versions import freeze_unversioned

    with _session() as session:
        count = freeze_unversioned(session)
        session.commit()
    return count


@click.command("demo")
@click.option("--years", default=0, type=click.IntRange(0, 30), show_default=True,
              help="Legg også til generert historikk for så mange år før 2025 (for måling).")
@with_appcontext
def demo_command(years: int):
    """Load Digitale Helgeland's board and its meeting of 16 October 2025 (idempotent); with --years,
    generated history of that many years before it as well (seeded, so the same each time). A second,
    smaller organisation (a health trust, under /felles-ikt/) comes with it."""
    from boardroom.demo import load_demo, load_demo_accounts, load_second_organisation

    started = time.perf_counter()
    _migrate()
    with _session() as session:
        summary = load_demo(session, years)
        second = load_second_organisation(session)
        accounts = load_demo_accounts(session)
        session.commit()
    db.analyze(db.get_engine())
    click.echo(summary)
    click.echo(second)
    if years:
        click.echo(f"Tid: {time.perf_counter() - started:.1f} s.")
    click.echo("Kontoer for innlogging på /login:")
    click.echo("\n".join(accounts))


@click.group("export")
def export_group():
    """Write documents to files."""


@export_group.command("protokoll")
@click.argument("meeting_id", type=int)
@click.option("-o", "--output", "out_dir", default="exports", type=click.Path(file_okay=False), show_default=True)
@with_appcontext
def export_protokoll(meeting_id: int, out_dir: str):
    """Write the minutes of MEETING_ID as DOCX into the output folder."""
    from boardroom.archive.versions import current_version
    from boardroom.documents.protokoll import build_protokoll, protokoll_filename
    from boardroom.meetings.minutes import load_meeting

    with _session() as session:
        meeting = load_meeting(session, meeting_id)
        if meeting is None:
            raise click.ClickException(f"Fant ikke møte {meeting_id}.")
        stored = current_version(session, meeting.id)  # approved minutes: as stored
        data = stored.docx if stored else build_protokoll(session, meeting)
        path = Path(out_dir) / protokoll_filename(meeting)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    click.echo(f"{path} (versjon {stored.version}, SHA-256 {stored.docx_sha256})" if stored else str(path))


@export_group.command("calendar")
@click.option("-o", "--output", "out_dir", default="exports", type=click.Path(file_okay=False), show_default=True)
@ORGANISATION_OPTION
@with_appcontext
def export_calendar(out_dir: str, slug: str | None):
    """Write one organisation's public meeting plan (its open bodies' meetings, as /calendar.ics has
    them) as an iCalendar file (moteplan.ics) into the output folder."""
    from boardroom.calendar.feeds import all_open_meetings
    from boardroom.core.orgs import address_prefix

    with _session() as session:
        organisation = _organisation(session, slug)
        org_id = organisation.id if organisation else None
        site = current_app.config["BASE_URL"].rstrip("/") + address_prefix(session.connection(), org_id)
        data, _changed = all_open_meetings(org_id).ics(session, site)
    path = Path(out_dir) / "moteplan.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    click.echo(str(path))


@click.group("import")
def import_group():
    """Load data from spreadsheet files."""


@import_group.command("organisation")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--organisation", "slug", default=None,
              help="Les inn i organisasjonen med denne kortadressen; uten den opprettes en ny fra arket «organisasjon».")
@with_appcontext
def import_organisation(files: tuple[Path, ...], slug: str | None):
    """Load an organisation's bodies, members, people and seats from FILES: an XLSX workbook with a
    sheet each (organisasjon, organer, medlemmer, personer, verv), a directory of CSV files named
    for the sheets, or the CSV files themselves. A file with a bad row is refused whole: every
    problem is printed with its sheet and line, nothing is saved, and the exit status is 1."""
    from boardroom.orgadmin.onboarding import ImportRefused, load_organisation, read_paths

    with _session() as session:
        into = _organisation(session, slug) if slug else None
        try:
            loaded = load_organisation(session, read_paths(list(files)), into)
        except ImportRefused as refused:
            session.rollback()
            for problem in refused.problems:
                click.echo(problem, err=True)
            click.echo("Filen er ikke lest inn; ingenting er lagret.", err=True)
            raise SystemExit(1) from None
        session.commit()
        click.echo(loaded.summary())


@click.group("user")
def user_group():
    """Accounts."""


@user_group.command("create")
@click.option("--email", required=True, help="E-postadressen (brukernavnet).")
@click.option("--role", required=True, type=click.Choice(["admin", "secretary", "member", "reader"]))
@click.option("--person", "person_id", type=int, default=None, help="Personen kontoen tilhører (styremedlem).")
@ORGANISATION_OPTION
@with_appcontext
def user_create(email: str, role: str, person_id: int | None, slug: str | None):
    """Create an account; the password is read from standard input, or asked for twice."""
    from boardroom.auth.accounts import AccountError, create_user

    if sys.stdin.isatty():
        password = click.prompt("Passord", hide_input=True, confirmation_prompt="Gjenta passordet")
    else:
        password = sys.stdin.readline().rstrip("\n")
    with _session() as session:
        organisation = _organisation(session, slug) if slug else None
        try:
            user = create_user(session, email, password, role, person_id, organisation.id if organisation else None)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
        click.echo(f"Opprettet {user.email} ({role}).")


@user_group.command("grant")
@click.option("--email", required=True, help="E-postadressen til lesekontoen.")
@click.option("--revoke", is_flag=True, help="Trekk tilgangen tilbake.")
@with_appcontext
def user_grant(email: str, revoke: bool):
    """Let a reader read drafts and exempt cases in every body (or, --revoke, no longer)."""
    from boardroom.auth.accounts import AccountError, find_user, grant_restricted

    with _session() as session:
        user = find_user(session, email)
        if user is None:
            raise click.ClickException(f"Fant ingen konto for {email}.")
        try:
            grant_restricted(session, user, not revoke)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
        click.echo(f"{user.email} leser {'ikke lenger ' if revoke else ''}utkast og saker unntatt offentlighet.")


@user_group.command("deactivate")
@click.option("--email", required=True, help="E-postadressen til kontoen.")
@with_appcontext
def user_deactivate(email: str):
    """Deactivate an account: it can no longer log in, and every session it has ends now."""
    from boardroom.auth.accounts import deactivate, find_user

    with _session() as session:
        user = find_user(session, email)
        if user is None:
            raise click.ClickException(f"Fant ingen konto for {email}.")
        deactivate(session, user)
        session.commit()
        click.echo(f"Deaktiverte {user.email}; alle øktene er avsluttet.")


def _megabytes(path: Path) -> str:
    return f"{path.stat().st_size / 1_000_000:.1f} MB".replace(".", ",")


@click.command("backup")
@click.option("-o", "--output", "out", required=True, type=click.Path(dir_okay=False), help="Arkivfilen (.zip).")
@with_appcontext
def backup_command(out: str):
    """Write every row and every stored file, from one consistent snapshot, into one archive."""
    from boardroom.backup.codec import BackupError
    from boardroom.backup.dump import write_backup
    started = time.perf_counter()
    try:
        manifest = write_backup(db.get_engine(), Path(out))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Sikkerhetskopi skrevet til {out}: {rows} rader i {len(manifest['tables'])} tabeller og "
               f"{len(manifest['files'])} filer, {_megabytes(Path(out))}, migrasjonsversjon "
               f"{manifest['alembic_revision']} ({time.perf_counter() - started:.1f} s).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(archive: str):
    """Load an archive made by `boardroom backup` into an empty database (SQLite or PostgreSQL)."""
    from boardroom.backup.codec import BackupError
    from boardroom.backup.restore import restore_backup
    started = time.perf_counter()
    try:
        manifest = restore_backup(db.get_engine(), current_app.config["DATABASE_URL"], Path(archive))
        db.analyze(db.get_engine())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Gjenopprettet {rows} rader i {len(manifest['tables'])} tabeller og {len(manifest['files'])} filer "
               f"fra {archive} (tatt {manifest['created_at'][:19]} fra {manifest['database']}) "
               f"({time.perf_counter() - started:.1f} s).")


@click.group("outbox")
def outbox_group():
    """Outgoing e-mail."""


@outbox_group.command("run")
@click.option("--loop", is_flag=True, help="Fortsett å sende til prosessen stoppes (ellers én runde).")
@with_appcontext
def outbox_run(loop: bool):
    """Send the e-mail that is due (one pass, or --loop for a worker)."""
    from boardroom.mail.outbox import MailConfigError
    from boardroom.mail.worker import run_forever, run_once

    try:
        if loop:
            run_forever(current_app._get_current_object())
        else:
            counts = run_once(current_app._get_current_object())
            click.echo(", ".join(f"{n} {status}" for status, n in counts.items()) or "Ingen e-post å sende.")
    except MailConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, type=int, show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
@with_appcontext
def serve(host: str, port: int, workers: int):
    """Migrate the database, then run the app under gunicorn (refused when the secret key is not the
    one the other servers on the database have)."""
    _migrate(check_secret=True)
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if gunicorn is None:
        raise click.ClickException("Fant ikke gunicorn.")
    click.echo(f"boardroom kjører på http://{host}:{port}/")
    from boardroom.mail.worker import start_worker_process

    start_worker_process()  # one outbox worker beside gunicorn's web workers; it ends when they do
    os.execv(gunicorn, [gunicorn, "--workers", str(workers), "--bind", f"{host}:{port}", "boardroom:serving_app()"])


def init_app(app) -> None:
    """Attach the commands to the app, so `boardroom` and app.test_cli_runner() both see them."""
    for command in (db_group, demo_command, export_group, import_group, user_group, backup_command, restore_command,
                    outbox_group, serve):
        app.cli.add_command(command)


def _create_app():
    from boardroom import create_app

    return create_app()


main = FlaskGroup(
    name="boardroom",
    help="boardroom: agendas, minutes, participation and meeting plans.",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
)
