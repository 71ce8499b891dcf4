"""Account pages: sign up, verify email, log in and out, reset password."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from config import settings
from config.registry import PRODUCTION
from marketplace.auth import service, throttle
from marketplace.auth.forms import LoginForm, RegisterForm, ResetForm, ResetRequestForm
from marketplace.auth.session import end_session, start_session
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import limiter
from marketplace.platform.i18n import current_locale
from marketplace.web.forms import apply_errors
from marketplace.web.net import client_address
from marketplace.web.redirects import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _failed(response) -> bool:
    return response.status_code != 302


def _from_a_known_device() -> bool:
    return service.is_known_device(request.form.get("email", ""), request.cookies.get(throttle.DEVICE_COOKIE))


def _known_from_now_on(response, user):
    """Mark this browser as one the user has logged in from (throttle.py), on the log-in page only."""
    response.set_cookie(throttle.DEVICE_COOKIE, throttle.device_token(user.email),
                        max_age=throttle.DEVICE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=settings.ENV_NAME == PRODUCTION, path=url_for("auth.login"))
    return response


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Create an account and send the verification email."""
    if g.user is not None:
        return redirect(url_for("core.home"))
    form = RegisterForm(locale=current_locale())
    if form.validate_on_submit():
        try:
            service.register(form.email.data, form.password.data, form.display_name.data, form.locale.data)
        except DomainError as error:
            apply_errors(form, error)
        else:  # the same answer whether the address was free or taken (its owner is emailed instead)
            return render_template("auth/register_sent.html", email=service.normalise_email(form.email.data))
    return render_template("auth/register.html", form=form), 200 if not form.errors else 422


@bp.route("/verify/<token>")
def verify_email(token):
    """Confirm the email address in a verification link."""
    try:
        service.verify_email(token)
    except DomainError as error:
        flash(str(error.message), "error")
        return render_template("auth/link_invalid.html"), 400
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("account.profile") if g.user else url_for("auth.login"))


@bp.post("/verify/resend")
@login_required
@limiter.limit("5 per hour")
def resend_verification():
    """Send the verification email again."""
    if not g.user.is_email_verified:
        service.send_verification(g.user)
        flash(_("We sent a new link to %(email)s.", email=g.user.email), "success")
    return redirect(url_for("account.profile"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: settings.LOGIN_LIMIT_PER_ADDRESS, methods=["POST"],
               deduct_when=_failed, exempt_when=_from_a_known_device)
def login():
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, client_address(),
                                        request.cookies.get(throttle.DEVICE_COOKIE))
        except service.LoginThrottled as error:
            form.form_errors.append(str(error.message))
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(error.retry_after)}
        except DomainError as error:
            form.form_errors.append(str(error.message))
        else:
            start_session(user, remember=form.remember.data)
            return _known_from_now_on(redirect(safe_next()), user)
    status = 401 if form.form_errors else 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Log out, ending every session of this account."""
    if g.user is not None:
        service.logout(g.user, client_address())
        end_session()
        flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def request_reset():
    """Ask for a password reset link by email."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        service.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html")
    return render_template("auth/reset_request.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    """Choose a new password from a reset link."""
    try:
        service.user_for_reset(token)
    except DomainError as error:
        flash(str(error.message), "error")
        return render_template("auth/link_invalid.html"), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = service.reset_password(token, form.new_password.data, client_address())
        except DomainError as error:
            apply_errors(form, error)
        else:
            start_session(user)
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return _known_from_now_on(redirect(url_for("core.home")), user)
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
