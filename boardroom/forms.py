"""The base of every form: Flask-WTF (CSRF on every form) with WTForms' Norwegian messages."""

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


class Form(FlaskForm):
    class Meta:
        locales = ("nb_NO", "nb")


class NotBefore:
    """An end date may not come before the start date in ``other``."""

    def __init__(self, other: str, message: str):
        self.other, self.message = other, message

    def __call__(self, form, field):
        start = form[self.other].data
        if field.data and start and field.data < start:
            raise ValidationError(self.message)
