"""Organisation pages: browse, register, edit, verify, manage members, invitations."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.api.pagination import paginate
from marketplace.auth.forms import EmptyForm
from marketplace.orgs import service
from marketplace.orgs.forms import OrganisationForm, district_choices, kind_choices
from marketplace.orgs.models import ORG_KINDS, ROLES, Organisation
from marketplace.orgs.policy import can
from marketplace.platform.errors import DomainError
from marketplace.platform.ids import id_arg
from marketplace.web.forms import save_or_show

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


@bp.app_template_global()
def kind_label(kind: str) -> str:
    return ORG_KINDS(kind)


@bp.app_template_global()
def role_label(role: str) -> str:
    return ROLES(role)


@bp.route("/")
def index():
    """List organisations with filters."""
    kind = request.args.get("kind") or None
    district_id = id_arg("district")
    q = (request.args.get("q") or "").strip()[:100]
    stmt = service.list_organisations(kind=kind, district_id=district_id, q=q)
    try:
        page = paginate(stmt, Organisation.id, request.args.get("cursor"), 20)
    except DomainError:
        abort(400)
    return render_template("orgs/index.html", page=page, kinds=kind_choices(),
                           districts=district_choices(), kind=kind, district_id=district_id, q=q)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    """Register a new organisation."""
    form = OrganisationForm()
    form.district_id.choices = district_choices()
    return save_or_show(
        form, lambda: service.create_organisation(g.user, **_org_data(form), kind=form.kind.data),
        _("The organisation is registered. A platform admin will verify it."),
        lambda org: url_for("orgs.show", org_id=org.id), "orgs/form.html", org=None)


def _org_data(form: OrganisationForm) -> dict:
    return {name: getattr(form, name).data for name in (
        "name_zh", "name_en", "district_id", "description", "contact_name", "contact_phone",
        "contact_email", "registered_name", "credit_code", "address")}


@bp.route("/<int:org_id>")
def show(org_id):
    """Show an organisation's public page."""
    org = service.get_organisation(org_id)
    return render_template("orgs/show.html", org=org, can=can, button=EmptyForm())


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id):
    """Edit an organisation's details."""
    org = service.organisation_for(g.user, "org.edit", org_id)
    form = OrganisationForm(obj=org)
    del form.kind
    form.district_id.choices = district_choices()
    return save_or_show(form, lambda: service.update_organisation(g.user, org, **_org_data(form)), _("Saved."),
                        url_for("orgs.show", org_id=org.id), "orgs/form.html", org=org)


@bp.post("/<int:org_id>/verify")
@login_required
def verify(org_id):
    """Set or clear the verified flag."""
    org = service.get_organisation(org_id)
    verified = {"1": True, "0": False}.get(request.form.get("verified", ""))
    if verified is None:  # only our own button posts here, with 1 or 0
        abort(400)
    service.set_verified(g.user, org, verified)
    flash(_("Saved."), "success")
    return redirect(url_for("orgs.show", org_id=org.id))
