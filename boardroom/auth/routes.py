"""Log-in, log-out and changing one's password."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from boardroom.auth import invitations, sessions, throttle
from boardroom.auth.accounts import (
    AccountError,
    SignedInUser,
    authenticate,
    check_new_password,
    find_user,
    set_password,
)
from boardroom.core.access import account_with_role, editor_required, seat_bodies
from boardroom.core.db import get_session
from boardroom.core.forms import Form
from boardroom.core.views import safe_next
from boardroom.mail.tokens import LinkError
from boardroom.models import Person, User, UserRole

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logg inn for å se denne siden."


@login_manager.user_loader
def load_user(token: str):
    parsed = sessions.parse_token(token)
    if parsed is None:
        return None
    user_id, version, issued = parsed
    user, role = account_with_role(get_session(), user_id)
    if not sessions.token_valid(user, version, issued):
        return None
    seats = seat_bodies(get_session(), user.person_id) if role == UserRole.member else frozenset()
    return SignedInUser(user, token, role, seats)


class LoginForm(Form):
    email = EmailField("E-post", validators=[DataRequired(message="Oppgi e-postadressen din.")])
    password = PasswordField("Passord", validators=[DataRequired(message="Oppgi passordet ditt.")])


class PasswordForm(Form):
    current = PasswordField("Nåværende passord", validators=[DataRequired(message="Oppgi passordet du har nå.")])
    new = PasswordField("Nytt passord", validators=[DataRequired(message="Oppgi et nytt passord.")])
    repeated = PasswordField("Gjenta det nye passordet",
                             validators=[DataRequired(message="Skriv det nye passordet en gang til.")])


class ForgotForm(Form):
    email = EmailField("E-post", validators=[DataRequired(message="Oppgi e-postadressen din.")])


class NewPasswordForm(Form):
    new = PasswordField("Nytt passord", validators=[DataRequired(message="Oppgi et nytt passord.")])
    repeated = PasswordField("Gjenta passordet", validators=[DataRequired(message="Skriv passordet en gang til.")])


def _wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minutt" if minutes == 1 else f"{minutes} minutter"


def sign_in(user: User) -> None:
    login_user(SignedInUser(user, sessions.make_token(user.id, user.session_version),
                            account_with_role(get_session(), user.id)[1]))
    sessions.start()


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr
        keys = throttle.keys(form.email.data, address)
        wait = throttle.retry_after(keys)
        if wait:
            throttle.record_failure({}, email=form.email.data, user_id=None, address=address, reason="sperret")
            form.password.errors.append(f"For mange mislykkede innlogginger. Vent {_wait_text(wait)} og prøv igjen.")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            throttle.clear_account(keys)
            sign_in(user)
            flash("Du er logget inn.", "info")
            return redirect(safe_next(request.args.get("next")))
        known = find_user(get_session(), form.email.data)
        throttle.record_failure(keys, email=form.email.data, user_id=known.id if known else None, address=address,
                                reason="feil passord" if known else "ukjent konto")
        form.password.errors.append("Feil e-postadresse eller passord.")
    status = 400 if form.is_submitted() and not current_user.is_authenticated else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out everywhere: every session of the account ends, copied cookies included."""
    if current_user.is_authenticated:
        sessions.end_all_sessions(get_session().connection(), current_user.id)
    logout_user()
    flash("Du er logget ut.", "info")
    return redirect(url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session of the account ends, this one goes on."""
    form = PasswordForm()
    if form.validate_on_submit():
        session = get_session()
        user = authenticate(session, current_user.email, form.current.data)
        if user is None:
            form.current.errors.append("Passordet stemmer ikke.")
        else:
            try:
                check_new_password(form.new.data, form.repeated.data)
                set_password(session, user, form.new.data)
            except AccountError as exc:
                form.new.errors.append(str(exc))
            else:
                sign_in(user)
                flash("Passordet er endret. Du er logget ut alle andre steder.", "info")
                return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), 400 if form.is_submitted() else 200


@bp.post("/persons/<int:person_id>/account")
@editor_required
def invite(person_id: int):
    """The secretary invites a person by e-mail: a member account and a one-time link to set a password."""
    session = get_session()
    person = session.get(Person, person_id)
    if person is None:
        abort(404, "Personen finnes ikke.")
    try:
        invitations.invite_person(session, current_app.config, person)
    except AccountError as exc:
        abort(409, str(exc))
    sent = "sendes" if current_app.config.get("SMTP_URL") else "ligger i utboksen, men er ikke sendt – e-post er ikke satt opp"
    flash(f"{person.name} er invitert. E-posten med lenken {sent}.", "info")
    return redirect(url_for("registers.person_edit", person_id=person.id))


@bp.route("/account/forgot", methods=["GET", "POST"])
def forgot():
    """Ask for a reset link; the answer is the same whether the address has an account or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        invitations.request_reset(get_session(), current_app.config, form.email.data)
        flash("Hvis adressen har en konto, får den en e-post med en lenke for å sette nytt passord. "
              "Lenken virker i 2 timer.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.is_submitted() else 200


def _by_link(purpose: str, token: str):
    session = get_session()
    try:
        user, payload = invitations.account_of_link(session, current_app.config, purpose, token)
    except LinkError as exc:
        abort(exc.status, exc.message)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            check_new_password(form.new.data, form.repeated.data)
            invitations.set_password_by_link(session, purpose, user, payload, form.new.data)
        except AccountError as exc:
            form.new.errors.append(str(exc))
        except LinkError as exc:
            abort(exc.status, exc.message)
        else:
            flash("Passordet er satt. Logg inn med e-postadressen og det nye passordet.", "info")
            return redirect(url_for("auth.login"))
    return (render_template("auth/set_password.html", form=form, user=user, invitation=purpose == "invitation"),
            400 if form.is_submitted() else 200)


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _by_link("invitation", token)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    return _by_link("reset", token)


def init_app(app) -> None:
    lifetime = timedelta(hours=app.config["SESSION_LIFETIME_HOURS"])
    # the signed cookies themselves expire with the absolute lifetime, too
    app.config.update(PERMANENT_SESSION_LIFETIME=lifetime, REMEMBER_COOKIE_DURATION=lifetime)
    app.before_request(sessions.check_idle)
    login_manager.init_app(app)

    @app.before_request
    def _audit_user():
        g.audit_user = current_user.email if current_user.is_authenticated else "anonym"
