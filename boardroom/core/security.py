"""Security headers and cookie flags on every response, and HTTPS seen through trusted proxies.

Every response (pages, JSON, documents, feeds, redirects, error pages, static files) gets:

- a Content-Security-Policy that allows scripts and styles only from files on this site (no
  inline script, no inline style, no ``on…`` handlers) and ``frame-ancestors 'none'``, so the
  approve and send buttons cannot be framed;
- X-Content-Type-Options: nosniff, X-Frame-Options: DENY (for browsers without CSP 3), and a
  Referrer-Policy;
- Strict-Transport-Security, only when the request came over HTTPS.

Whether a request came over HTTPS is ``request.is_secure`` after Werkzeug's ProxyFix, which
believes ``X-Forwarded-For``/``X-Forwarded-Proto`` from exactly ``TRUSTED_PROXIES`` proxies
(``BOARDROOM_TRUSTED_PROXIES``, default 0: a client's own forwarded headers are ignored).

Cookies are HttpOnly and SameSite=Lax, and Secure when the request came over HTTPS (decided
per request, so the demo on http://127.0.0.1 keeps working).

Written here rather than with Flask-Talisman: Talisman treats any request carrying
``X-Forwarded-Proto: https`` as secure, whoever sent it (no trusted-proxy count), and its
session-cookie Secure flag is a fixed setting rather than per request; with those switched off
what remains is four constant headers.
"""

from __future__ import annotations

from flask import request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HSTS = "max-age=31536000"  # one year; subdomains are the municipality's business, not ours


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with Secure set whenever the request came over HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def _mark_secure(cookie: str) -> str:
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    return cookie if "secure" in attributes else cookie + "; Secure"


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = HSTS
        # the remember-me cookie and any other cookie set by a view (the session is saved later,
        # by SessionInterface above)
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.setlist("Set-Cookie", [_mark_secure(c) for c in cookies])
    return response


def init_app(app) -> None:
    """Call before Flask-Login's init_app, so this hook runs after its remember-cookie hook."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.session_interface = SessionInterface()
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    app.after_request(add_headers)
