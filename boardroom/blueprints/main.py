"""Blueprint: main (to be filled)."""

from flask import Blueprint

bp = Blueprint("main", __name__)
