"""Who is logged in: Flask-Login over the signed-cookie session.

A session (and a remember-me cookie) names the user and their session version; logging out or a new
password raises the version, which ends every session of that user at once. `g.user` is the logged-in
`User` or None for the rest of the code (the API sets it from a bearer token instead).
"""
from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager as _LoginManager
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.web.redirects import to_login_and_back


class LoginManager(_LoginManager):
    """Flask-Login's manager, with strong protection only where there is someone to protect."""

    def _session_protection_failed(self) -> bool:
        # A session naming no one holds only a visitor's language or text size. Strong protection would
        # "end" it on every request (it has no browser fingerprint), rewriting the session cookie and
        # clearing the remember-me cookie each time: no public page could then be cached and shared.
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = LoginManager()
login_manager.session_protection = "strong"
KEPT_ON_LOGIN = ("lang",)  # what a browser keeps of its session when someone logs in on it


@login_manager.user_loader
def _user_for(session_id: str) -> User | None:
    """Return the active user a session names, if that session has not been ended."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


@user_loaded_from_cookie.connect
def _bind_remembered_session(_app, user) -> None:
    """Bind a session restored from a remember-me cookie to this browser, as a log-in does; strong
    protection would otherwise end it (and the cookie) on the very next request."""
    session["_id"] = login_manager._session_identifier_generator()


@login_manager.unauthorized_handler
def _ask_to_log_in():
    return to_login_and_back(_l("Please log in to see this page."))


@login_manager.needs_refresh_handler
def _ask_password_again():
    """A remembered session (not a fresh log-in) confirms the password before money or password steps."""
    return to_login_and_back(_l("For your safety, please enter your password again before this step."))


def start_session(user: User, remember: bool = False) -> None:
    """Log the user in on a fresh session: nothing an earlier visitor put in it survives."""
    kept = {key: session[key] for key in KEPT_ON_LOGIN if key in session}
    session.clear()
    session.update(kept)
    # A remembered session is permanent: when its address or browser changes (a phone moving between
    # networks), strong protection then only asks for the password before money and password steps,
    # instead of ending it and its remember-me cookie.
    session.permanent = remember
    login_user(user, remember=remember, fresh=True)
    g.user = user


def renew_session(user: User) -> None:
    """Keep this browser logged in after the user's session version changed (a new password)."""
    remembered = REMEMBER_COOKIE in request.cookies
    start_session(user, remember=remembered)


def end_session() -> None:
    """Forget the logged-in user in this browser, remember-me cookie included."""
    logout_user()
    g.user = None


def _set_g_user() -> None:
    g.user = current_user._get_current_object() if current_user.is_authenticated else None
    g.signed_in = g.user is not None  # stays true through a log-out, so its answer is private too


def _keep_out_of_caches(response):
    """Mark every answer to a logged-in user (or an API token) `no-store`: no browser back button, shared
    computer or proxy keeps a copy of someone's account, hours, gifts or a household's details."""
    if g.get("user") is not None or g.get("signed_in") or "_user_id" in session:
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_set_g_user)
    app.after_request(_keep_out_of_caches)
