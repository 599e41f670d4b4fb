"""Blueprint: members (to be filled)."""

from flask import Blueprint

bp = Blueprint("members", __name__)
