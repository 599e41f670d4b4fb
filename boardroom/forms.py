"""The base of every form: Flask-WTF (CSRF on every form) with WTForms' Norwegian messages."""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        locales = ("nb_NO", "nb")
