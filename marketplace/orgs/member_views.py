"""Member management pages of an organisation, and accepting invitations."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.auth.forms import EmptyForm
from marketplace.orgs import service
from marketplace.orgs.forms import InviteForm, RoleForm
from marketplace.orgs.policy import can
from marketplace.orgs.views import bp
from marketplace.platform.errors import DomainError
from marketplace.web.forms import apply_errors
from marketplace.web.names import org_name


def _members_page(org, invite_form=None, status=200):
    manage = can(g.user, "org.manage_members", org)
    return render_template(
        "orgs/members.html", org=org, members=service.members(g.user, org), manage=manage,
        invitations=service.open_invitations(g.user, org) if manage else [],
        invite_form=invite_form or InviteForm(), role_form=RoleForm, button=EmptyForm(),
    ), status


@bp.route("/<int:org_id>/members")
@login_required
def members(org_id):
    """List members; admins also invite, change roles and remove."""
    return _members_page(service.get_organisation(org_id))


@bp.post("/<int:org_id>/members/invite")
@login_required
def invite(org_id):
    """Invite someone by email."""
    org = service.get_organisation(org_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation = service.invite(g.user, org, form.email.data, form.role.data)
        except DomainError as error:
            if error.status == 404:
                raise
            apply_errors(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("orgs.members", org_id=org.id))
    service.members(g.user, org)  # raises NotFound for outsiders before showing anything
    return _members_page(org, form, 422)


@bp.post("/<int:org_id>/members/<int:membership_id>/role")
@login_required
def change_role(org_id, membership_id):
    """Change a member's role."""
    org = service.get_organisation(org_id)
    form = RoleForm()
    if form.validate_on_submit():
        service.change_role(g.user, org, membership_id, form.role.data)
        flash(_("The role is changed."), "success")
    else:
        flash(_("Choose a role from the list."), "error")
    return redirect(url_for("orgs.members", org_id=org.id))


@bp.post("/<int:org_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(org_id, membership_id):
    """Remove a member."""
    org = service.get_organisation(org_id)
    service.remove_member(g.user, org, membership_id)
    flash(_("The member is removed."), "success")
    return redirect(url_for("orgs.members", org_id=org.id))


@bp.post("/<int:org_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(org_id, invitation_id):
    """Withdraw an invitation."""
    org = service.get_organisation(org_id)
    service.revoke_invitation(g.user, org, invitation_id)
    flash(_("The invitation is withdrawn."), "success")
    return redirect(url_for("orgs.members", org_id=org.id))


@bp.post("/<int:org_id>/leave")
@login_required
def leave(org_id):
    """Leave the organisation."""
    org = service.get_organisation(org_id)
    service.leave(g.user, org)
    flash(_("You have left %(name)s.", name=org_name(org)), "success")
    return redirect(url_for("account.profile"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def invitation(token):
    """Show an invitation and accept it."""
    try:
        invitation = service.invitation_for(token)
    except DomainError as error:
        flash(str(error.message), "error")
        return render_template("auth/link_invalid.html"), 400
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            membership = service.accept_invitation(g.user, token)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Welcome to %(name)s.", name=org_name(membership.organisation)), "success")
            return redirect(url_for("orgs.show", org_id=membership.organisation_id))
    return render_template("orgs/invitation.html", invitation=invitation, form=form), \
        403 if form.form_errors else 200
