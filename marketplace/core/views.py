"""Site-wide pages: home, language and text-size switchers, health check."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, render_template, request, session
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from marketplace.auth import service as auth_service
from marketplace.auth.models import LOCALES
from marketplace.platform.extensions import csrf, db, limiter
from marketplace.transparency import overview
from marketplace.transparency.views import platform_version
from marketplace.web.http_cache import public_cache
from marketplace.web.redirects import safe_next

bp = Blueprint("core", __name__)


@bp.route("/")
@public_cache(platform_version)  # the home page shows the platform's figures
def home():
    """Explain what each kind of user can do, with live figures."""
    return render_template("core/home.html", figures=overview.headline())


def _protect_account_choice() -> None:
    """The language and text-size forms need no CSRF token from anonymous visitors.

    For someone not logged in they only store a preference in this browser's session and redirect to a
    same-site `next` (`safe_next`): a forged post could at worst switch a stranger's language, which they
    switch back with one click. Asking for a token would put a per-session token into every page's header,
    and no page could then be cached and shared (`web/http_cache.py`). A logged-in user's choice is saved on
    their account, so their forms carry a token and it is checked here.
    """
    if g.user is not None:
        csrf.protect()


@bp.post("/language")
@csrf.exempt
def set_language():
    """Switch the interface language and remember the choice."""
    _protect_account_choice()
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session["lang"] = locale
        if g.user is not None:
            auth_service.set_locale(g.user, locale)
    return redirect(safe_next())


TEXT_SIZES = ("normal", "large")


@bp.post("/text-size")
@csrf.exempt
def set_text_size():
    """Switch between normal and larger type: on the user's account, or for this browser when not logged in."""
    _protect_account_choice()
    size = request.form.get("size", "")
    if size in TEXT_SIZES:
        session["text_size"] = size
        if g.user is not None:
            auth_service.set_large_text(g.user, size == "large")
    return redirect(safe_next())


def large_text() -> bool:
    """Whether this page is shown in larger type."""
    if g.get("user") is not None:
        return g.user.is_large_text
    return session.get("text_size") == "large"


@bp.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    """Answer 200 when the database responds, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.app_context_processor
def _globals():
    return {"next_url": request.full_path.rstrip("?") if request else "/", "large_text": large_text}


