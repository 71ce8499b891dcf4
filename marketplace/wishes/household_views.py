"""Staff pages for beneficiary households: the organisation's list with lights, registering a
household with its consent, its private page, corrections and (re-)verification."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from marketplace.auth.forms import EmptyForm
from marketplace.orgs.forms import district_choices
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.web.forms import save_or_show
from marketplace.wishes import beneficiaries, lights
from marketplace.wishes.models import Listing
from marketplace.wishes.staff_forms import HouseholdForm, light_choices
from marketplace.wishes.views import bp


@bp.route("/orgs/<int:org_id>/households")
@login_required
def households(org_id):
    """List the organisation's households, red lights first."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_beneficiaries", org)
    light = request.args.get("light") if request.args.get("light") in lights.LIGHTS else None
    rows = lights.households(g.user, org.id, light)
    return render_template("wishes/households.html", org=org, rows=rows, light=light,
                           light_choices=light_choices())


@bp.route("/orgs/<int:org_id>/households/new", methods=["GET", "POST"])
@login_required
def household_new(org_id):
    """Register a household with its consent."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_beneficiaries", org)
    form = HouseholdForm(pseudonym=beneficiaries.suggest_pseudonym(), district_id=org.district_id)
    form.district_id.choices = district_choices()
    return save_or_show(
        form, lambda: beneficiaries.register_beneficiary(g.user, org, **_fields(form)),
        _("The household is registered. Verify it before its listings are published."),
        lambda household: url_for("wishes.household", beneficiary_id=household.id),
        "wishes/household_form.html", org=org, household=None)


def _fields(form: HouseholdForm) -> dict:
    return {name: (getattr(form, name).data or "") if name not in ("district_id", "consent_on")
            else getattr(form, name).data for name in beneficiaries.FIELDS}


@bp.route("/households/<int:beneficiary_id>")
@login_required
def household(beneficiary_id):
    """Show a household in full, its verification and its listings."""
    household = beneficiaries.get_beneficiary(g.user, beneficiary_id)
    may_write = can(g.user, "org.manage_needs", household.organisation)
    listings = db.session.scalars(select(Listing).where(Listing.beneficiary_id == household.id)
                                  .order_by(Listing.id.desc())).all() if may_write else []
    return render_template("wishes/household.html", household=household, listings=listings,
                           may_write=may_write, is_verified=beneficiaries.is_verified(household),
                           may_verify=can(g.user, "org.manage_beneficiaries", household.organisation),
                           button=EmptyForm())


@bp.route("/households/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@login_required
def household_edit(beneficiary_id):
    """Correct a household's details."""
    household = beneficiaries.get_beneficiary(g.user, beneficiary_id)
    require(g.user, "org.manage_beneficiaries", household.organisation)  # a verifier who left may only read
    form = HouseholdForm(obj=household)
    form.district_id.choices = district_choices()
    return save_or_show(
        form, lambda: beneficiaries.update_beneficiary(g.user, household.id, **_fields(form)), _("Saved."),
        url_for("wishes.household", beneficiary_id=household.id),
        "wishes/household_form.html", org=household.organisation, household=household)


@bp.post("/households/<int:beneficiary_id>/verify")
@login_required
def household_verify(beneficiary_id):
    """Record a (re-)verification visit."""
    household = beneficiaries.get_beneficiary(g.user, beneficiary_id)
    require(g.user, "org.manage_beneficiaries", household.organisation)
    try:
        beneficiaries.verify_beneficiary(g.user, household.id)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("The household is verified until %(day)s.", day=format_date(household.reverify_due_on)), "success")
    return redirect(url_for("wishes.household", beneficiary_id=household.id))
