"""Blueprint: calendar (to be filled)."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
