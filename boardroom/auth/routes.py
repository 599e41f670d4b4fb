"""Log-in and log-out."""


from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from boardroom.auth.accounts import SignedInUser, authenticate
from boardroom.core.db import get_session
from boardroom.core.forms import Form
from boardroom.core.views import safe_next
from boardroom.models import User

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Logg inn for å se denne siden."


@login_manager.user_loader
def load_user(user_id: str):
    user = get_session().get(User, int(user_id)) if user_id.isdigit() else None
    return SignedInUser(user) if user is not None and user.active else None


class LoginForm(Form):
    email = EmailField("E-post", validators=[DataRequired(message="Oppgi e-postadressen din.")])
    password = PasswordField("Passord", validators=[DataRequired(message="Oppgi passordet ditt.")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            login_user(SignedInUser(user))
            flash("Du er logget inn.", "info")
            return redirect(safe_next(request.args.get("next")))
        form.password.errors.append("Feil e-postadresse eller passord.")
    status = 400 if form.is_submitted() and not current_user.is_authenticated else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash("Du er logget ut.", "info")
    return redirect(url_for("main.index"))


def init_app(app) -> None:
    login_manager.init_app(app)

    @app.before_request
    def _audit_user():
        g.audit_user = current_user.email if current_user.is_authenticated else "anonym"
