"""The signed-in user's own pages: profile, password, API tokens."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required

from marketplace.auth import service
from marketplace.auth.forms import ChangePasswordForm, EmptyForm, ProfileForm, TokenForm
from marketplace.auth.session import renew_session
from marketplace.platform.errors import DomainError
from marketplace.web.forms import apply_errors
from marketplace.web.net import client_address

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _require_login():
    """Every page here is the signed-in user's own."""


@bp.route("/", methods=["GET", "POST"])
def profile():
    """Show and edit the profile."""
    form = ProfileForm(obj=g.user)
    if form.validate_on_submit():
        try:
            service.update_profile(g.user, form.display_name.data, form.locale.data,
                                   form.public_display.data, form.phone.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("account.profile"))
    memberships = sorted(g.user.memberships, key=lambda m: m.organisation_id)
    return render_template("account/profile.html", form=form, memberships=memberships,
                           preview=service.public_name(g.user), button=EmptyForm()), \
        422 if form.errors else 200


@bp.route("/password", methods=["GET", "POST"])
@fresh_login_required
def change_password():
    """Change the password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(g.user, form.current_password.data, form.new_password.data,
                                    client_address())
        except DomainError as error:
            apply_errors(form, error)
        else:
            renew_session(g.user)  # keep this browser logged in with the new session version
            flash(_("Your password is changed. Other sessions have been logged out."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/password.html", form=form), 422 if form.errors else 200


@bp.route("/tokens", methods=["GET", "POST"])
@fresh_login_required
def tokens():
    """List, create and revoke personal API tokens."""
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            _token, created = service.create_api_token(g.user, form.name.data, form.scope.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            form = TokenForm(formdata=None)
    tokens = sorted(g.user.tokens, key=lambda t: t.id, reverse=True)
    return render_template("account/tokens.html", form=form, tokens=tokens, created=created,
                           button=EmptyForm()), 422 if form.errors else 200


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id):
    """Revoke one API token."""
    service.revoke_api_token(g.user, token_id)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.tokens"))
