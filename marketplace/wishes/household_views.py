"""Staff pages for beneficiary households: the organisation's list with lights, registering a
household with its consent, its private page, corrections and (re-)verification."""
from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, url_for
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
from marketplace.wishes import beneficiaries, identity, lights
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


def _changed(form: HouseholdForm) -> dict:
    """The fields of a correction: an ID number left empty keeps the one on record."""
    fields = _fields(form)
    if not fields["id_number"].strip():
        del fields["id_number"]
    return fields


@bp.route("/households/<int:beneficiary_id>")
@login_required
def household(beneficiary_id):
    """Show a household in full (its ID number masked), its verification and its listings."""
    return _household_page(beneficiaries.get_beneficiary(g.user, beneficiary_id))


@bp.post("/households/<int:beneficiary_id>/id-number")
@login_required
def household_id_number(beneficiary_id):
    """Show a household's whole ID number to its verifier or an org admin, writing it to the audit log."""
    number = identity.reveal_id_number(g.user, beneficiary_id)
    response = make_response(_household_page(beneficiaries.get_beneficiary(g.user, beneficiary_id), number))
    response.headers["Cache-Control"] = "no-store"
    return response


def _household_page(household, revealed: str | None = None):
    may_write = can(g.user, "org.manage_needs", household.organisation)
    listings = db.session.scalars(select(Listing).where(Listing.beneficiary_id == household.id)
                                  .order_by(Listing.id.desc())).all() if may_write else []
    return render_template("wishes/household.html", household=household, listings=listings,
                           may_write=may_write, is_verified=beneficiaries.is_verified(household),
                           may_verify=can(g.user, "org.manage_beneficiaries", household.organisation),
                           id_number=revealed or identity.masked(household.id_number), revealed=revealed is not None,
                           may_reveal=identity.may_reveal(g.user, household), button=EmptyForm())


@bp.route("/households/<int:beneficiary_id>/edit", methods=["GET", "POST"])
@login_required
def household_edit(beneficiary_id):
    """Correct a household's details."""
    household = beneficiaries.get_beneficiary(g.user, beneficiary_id)
    require(g.user, "org.manage_beneficiaries", household.organisation)  # a verifier who left may only read
    form = HouseholdForm(obj=household)
    form.district_id.choices = district_choices()
    if not form.is_submitted():  # the number is never sent back whole: an empty field keeps it
        form.id_number.data = ""
    if household.id_number:
        form.id_number.description = _("Now %(number)s. Leave empty to keep it; type a new number to replace it.",
                                       number=identity.masked(household.id_number))
    return save_or_show(
        form, lambda: beneficiaries.update_beneficiary(g.user, household.id, **_changed(form)), _("Saved."),
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
