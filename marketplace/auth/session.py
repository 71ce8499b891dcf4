"""The signed-cookie session: who is logged in, checked against a per-user version."""
from __future__ import annotations

import functools
import secrets

from flask import g, redirect, request, session, url_for

from marketplace.auth.models import User
from marketplace.platform.extensions import db


def login_user(user: User) -> None:
    """Start a fresh session for the user (a new cookie, nothing kept from before)."""
    lang = session.get("lang")
    session.clear()
    session["uid"] = user.id
    session["sv"] = user.session_version
    session["sid"] = secrets.token_urlsafe(16)
    if lang:
        session["lang"] = lang
    session.permanent = True
    g.user = user


def end_session() -> None:
    """Forget the logged-in user in this browser."""
    session.pop("uid", None)
    session.pop("sv", None)
    session.pop("sid", None)
    g.user = None


def load_user() -> None:
    """Put the session's user in g.user, dropping sessions ended by logout or a new password."""
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    user = db.session.get(User, uid)
    if user is None or not user.is_active or session.get("sv") != user.session_version:
        end_session()
        return
    g.user = user


def login_required(view):
    """Send anonymous visitors to the log-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped
