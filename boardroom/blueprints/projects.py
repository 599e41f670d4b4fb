"""Blueprint: projects (to be filled)."""

from flask import Blueprint

bp = Blueprint("projects", __name__)
