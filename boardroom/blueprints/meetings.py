"""Blueprint: meetings (to be filled)."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
