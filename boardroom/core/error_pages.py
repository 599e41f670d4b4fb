"""Norwegian error pages (HTML, or JSON under /api/)."""

from flask import jsonify, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "Ugyldig forespørsel.",
    403: "Du har ikke tilgang til denne siden.",
    404: "Siden finnes ikke.",
    405: "Metoden er ikke tillatt.",
    413: "Filen er for stor.",
    409: "Endringen kan ikke gjøres nå.",
    500: "Noe gikk galt hos oss. Prøv igjen senere.",
}


def handle_http_error(error: HTTPException):
    code = error.code or 500
    message = MESSAGES.get(code, error.name)
    # a view's own Norwegian explanation (abort(404, "Møtet finnes ikke.")), not Werkzeug's default
    detail = error.description if error.description != type(error).description else ""
    if request.path.startswith("/api/"):
        return jsonify(error=detail or message, detail=detail, status=code), code
    # locked approved minutes (boardroom.meetings.workflow.Locked): the way to change them is a correction
    correction_id = getattr(error, "correction_meeting_id", None)
    correction_url = url_for("decisions.correct", meeting_id=correction_id) if correction_id else None
    return render_template("core/error.html", code=code, message=message, detail=detail,
                           correction_url=correction_url), code


def handle_csrf_error(error: CSRFError):
    error.description = "Skjemaet mangler en gyldig sikkerhetsnøkkel (CSRF). Last siden på nytt og send skjemaet igjen."
    return handle_http_error(error)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
