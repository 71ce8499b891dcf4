"""Pages that set the referral domain up: its index, the assistance catalogue and who offers what, district
officers and communities (platform admins), households' care records with their policy worklist."""
from __future__ import annotations

from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from config import settings
from marketplace.auth.forms import EmptyForm
from marketplace.funds.models import Fund
from marketplace.orgs.models import Community, Organisation
from marketplace.orgs.policy import require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import Forbidden, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals import catalogue, households, lights, officers, policy
from marketplace.referrals.access import get_household as read_household
from marketplace.referrals.access import may_manage_household
from marketplace.referrals.loop_views import household_section
from marketplace.referrals.models import AssistanceItem, HouseholdCare, HouseholdVisitor, ItemKind, ItemOffer
from marketplace.referrals.setup_forms import (
    ActiveForm,
    CareForm,
    CommunityForm,
    ItemForm,
    OfferForm,
    OfficerForm,
    PolicyForm,
    choices_with_none,
)
from marketplace.referrals.views import bp
from marketplace.web.forms import save_or_show, submit_and_return
from marketplace.web.names import local_name
from marketplace.wishes.models import Beneficiary

HOUSEHOLDS_SHOWN = 500  # households one list page shows, red first


@bp.app_template_global()
def referral_part():
    """What the signed-in person does in the referral domain (read once a request, for the navigation)."""
    if "referral_part" not in g:
        g.referral_part = officers.part_of(g.get("user"))
    return g.referral_part


@bp.app_template_global()
def item_name(record) -> str:
    """A catalogue item's (or a community's) name in the reader's language."""
    return local_name(record)


@bp.app_template_global()
def household_in_care(household) -> bool:
    """Tell whether a registered household has a care record (for the link from its wishes page)."""
    return db.session.get(HouseholdCare, household.id) is not None


@bp.route("/")
@login_required
def index():
    """Show each person what they can do in referrals and visits."""
    part = referral_part()
    if not part.any:
        raise Forbidden()
    visiting = list(db.session.scalars(select(HouseholdCare).join(HouseholdVisitor).where(
        HouseholdVisitor.user_id == g.user.id).order_by(HouseholdCare.visit_due_on.nulls_last()).limit(50)))
    supervised = []
    if part.admin or part.districts:
        query = select(Organisation).where(select(HouseholdCare.beneficiary_id).where(
            HouseholdCare.organisation_id == Organisation.id).exists()).order_by(Organisation.id).limit(50)
        if not part.admin:
            query = query.where(Organisation.district_id.in_(part.districts))
        supervised = list(db.session.scalars(query))
    return render_template("referrals/index.html", part=part, visiting=visiting, supervised=supervised,
                           light=lights.light_of)


# --- the catalogue ------------------------------------------------------------------------------------


@bp.route("/catalogue", endpoint="catalogue")
def catalogue_page():
    """List the catalogue's items by kind (platform admins also see those taken out)."""
    admin = g.user is not None and g.user.is_platform_admin
    found = catalogue.items(active_only=not admin)
    offered: dict[int, list[str]] = {}
    for item_id, org in db.session.execute(select(ItemOffer.item_id, Organisation).join(
            Organisation, Organisation.id == ItemOffer.organisation_id).distinct().order_by(Organisation.id)):
        offered.setdefault(item_id, []).append(local_name(org))
    return render_template("referrals/catalogue.html", items=found, kinds=[k.value for k in ItemKind], admin=admin,
                           offered=offered)


def _item_form(item: AssistanceItem | None) -> ItemForm:
    form = ItemForm(obj=item)
    if item is not None and not form.is_submitted():
        form.budget.data = item.budget_fen
    orgs = db.session.scalars(select(Organisation).where(Organisation.is_verified.is_(True))
                              .order_by(Organisation.id)).all()
    form.organisation_id.choices = choices_with_none((o.id, local_name(o)) for o in orgs)
    funds = db.session.scalars(select(Fund).order_by(Fund.organisation_id, Fund.id)).all()
    form.fund_id.choices = choices_with_none((f.id, local_name(f)) for f in funds)
    return form


def _item_fields(form: ItemForm) -> dict:
    return {name: getattr(form, name).data for name in catalogue.FIELDS if name != "budget_fen"} | {
        "budget_fen": form.budget.data}


@bp.route("/catalogue/new", methods=["GET", "POST"])
@login_required
def catalogue_new():
    """Add an item to the catalogue."""
    require(g.user, "admin.access")
    form = _item_form(None)
    return save_or_show(form, lambda: catalogue.save_item(g.user, **_item_fields(form)), _("Saved."),
                        url_for("referrals.catalogue"), "referrals/catalogue_form.html", item=None)


@bp.route("/catalogue/<int:catalogue_item_id>/edit", methods=["GET", "POST"])
@login_required
def catalogue_edit(catalogue_item_id):
    """Change a catalogue item."""
    require(g.user, "admin.access")
    item = db.get_or_404(AssistanceItem, catalogue_item_id)
    form = _item_form(item)
    return save_or_show(form, lambda: catalogue.save_item(g.user, item.id, **_item_fields(form)), _("Saved."),
                        url_for("referrals.catalogue"), "referrals/catalogue_form.html", item=item,
                        active_form=ActiveForm(formdata=None, active="0" if item.is_active else "1"))


@bp.post("/catalogue/<int:catalogue_item_id>/active")
@login_required
def catalogue_active(catalogue_item_id):
    """Take an item out of the catalogue, or put it back."""
    require(g.user, "admin.access")
    item = db.get_or_404(AssistanceItem, catalogue_item_id)
    return submit_and_return(ActiveForm(), lambda f: catalogue.set_active(g.user, item.id, f.active.data == "1"),
                             url_for("referrals.catalogue_edit", catalogue_item_id=item.id))


@bp.route("/orgs/<int:org_id>/offers", methods=["GET", "POST"])
@login_required
def offers(org_id):
    """List what the organisation offers where, and declare another item it offers."""
    org, found = catalogue.offers_of(g.user, org_id)
    form = OfferForm()
    form.item_id.choices = choices_with_none((i.id, local_name(i)) for i in catalogue.items()
                                             if i.kind != ItemKind.POLICY)
    return save_or_show(form, lambda: catalogue.offer(g.user, org.id, form.item_id.data, form.district_id.data),
                        _("Saved."), url_for("referrals.offers", org_id=org.id), "referrals/catalogue_offers.html",
                        org=org, offers=found, button=EmptyForm())


@bp.post("/offers/<int:item_offer_id>/withdraw")
@login_required
def offer_withdraw(item_offer_id):
    """Stop offering an item in a district."""
    found = db.get_or_404(ItemOffer, item_offer_id)
    return submit_and_return(EmptyForm(), lambda _f: catalogue.withdraw(g.user, found.id),
                             url_for("referrals.offers", org_id=found.organisation_id), passes=(NotFound,))


# --- officers and communities ---------------------------------------------------------------------------


@bp.route("/officers", methods=["GET", "POST"], endpoint="officers")
@login_required
def officers_page():
    """List district officers and appoint one."""
    require(g.user, "admin.access")
    form = OfficerForm()
    return save_or_show(form, lambda: officers.appoint(g.user, form.email.data, form.district_id.data), _("Saved."),
                        url_for("referrals.officers"), "referrals/officers.html", officers=officers.officers(),
                        button=EmptyForm())


@bp.post("/officers/<int:officer_id>/districts/<int:district_id>/remove")
@login_required
def officer_remove(officer_id, district_id):
    """End a person's appointment as a district's officer."""
    require(g.user, "admin.access")
    return submit_and_return(EmptyForm(), lambda _f: officers.remove(g.user, officer_id, district_id),
                             url_for("referrals.officers"), passes=(NotFound,))


@bp.route("/communities", methods=["GET", "POST"])
@login_required
def communities():
    """List communities by district and add one."""
    require(g.user, "admin.access")
    form = CommunityForm()
    return save_or_show(form, lambda: officers.save_community(g.user, **form.data), _("Saved."),
                        url_for("referrals.communities"), "referrals/communities.html",
                        communities=officers.communities())


@bp.route("/communities/<int:community_id>", methods=["GET", "POST"])
@login_required
def community(community_id):
    """Correct a community."""
    require(g.user, "admin.access")
    current = db.get_or_404(Community, community_id)
    form = CommunityForm(obj=current)
    return save_or_show(form, lambda: officers.save_community(g.user, current.id, **form.data), _("Saved."),
                        url_for("referrals.communities"), "referrals/communities_edit.html", community=current)


# --- households in care --------------------------------------------------------------------------------


@bp.route("/orgs/<int:org_id>/households", endpoint="households")
@login_required
def households_page(org_id):
    """List the organisation's households in care, red lights first, and those not yet enrolled."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_beneficiaries", org)
    colour = lights.household_light()
    first = case((colour == "red", 0), (colour == "yellow", 1), else_=2)  # red first, in SQL before the limit
    rows = list(db.session.execute(select(HouseholdCare, colour).where(HouseholdCare.organisation_id == org.id)
                                   .options(selectinload(HouseholdCare.categories),
                                            selectinload(HouseholdCare.beneficiary),
                                            selectinload(HouseholdCare.community))
                                   .order_by(first, HouseholdCare.visit_due_on.nulls_last(),
                                             HouseholdCare.beneficiary_id)
                                   .limit(HOUSEHOLDS_SHOWN)).all())
    waiting = db.session.scalars(select(Beneficiary).where(
        Beneficiary.organisation_id == org.id, ~select(HouseholdCare.beneficiary_id).where(
            HouseholdCare.beneficiary_id == Beneficiary.id).exists()).order_by(Beneficiary.id).limit(50)).all()
    return render_template("referrals/households.html", org=org, rows=rows, waiting=waiting,
                           shown=HOUSEHOLDS_SHOWN, config_yellow_days=settings.REFERRALS_YELLOW_DAYS)


def _beneficiary(household_id) -> Beneficiary:
    household = db.session.get(Beneficiary, household_id) if is_id(household_id) else None
    if household is None:
        raise NotFound()
    require(g.user, "org.manage_beneficiaries", household.organisation)
    return household


@bp.route("/households/<int:household_id>/enrol", methods=["GET", "POST"])
@login_required
def enrol(household_id):
    """Enrol a registered household for care and visits, or change its record."""
    household = _beneficiary(household_id)
    care = db.session.get(HouseholdCare, household.id)
    form = CareForm()
    if not form.is_submitted() and care is not None:
        form.categories.data = [c.category for c in care.categories]
        form.facts.data = list(care.facts or [])
        form.community_id.data, form.social_worker_id.data = care.community_id, care.social_worker_id
        form.visitors.data = "\n".join(sorted(v.user.email for v in db.session.scalars(
            select(HouseholdVisitor).where(HouseholdVisitor.beneficiary_id == care.beneficiary_id))))
    form.community_id.choices = choices_with_none((c.id, local_name(c))
                                                  for c in officers.communities(household.district_id))
    staff = sorted((m.user for m in household.organisation.memberships
                    if m.user_id in households.staff_ids(household.organisation)), key=lambda u: u.id)
    form.social_worker_id.choices = choices_with_none((u.id, u.display_name) for u in staff)
    return save_or_show(
        form, lambda: households.enrol(g.user, household.id, categories=form.categories.data or [],
                                       community_id=form.community_id.data, facts=form.facts.data or [],
                                       social_worker_id=form.social_worker_id.data, visitors=form.visitors.data or ""),
        _("Saved."), url_for("referrals.household", household_id=household.id), "referrals/household_form.html",
        household=household, care=care)


@bp.route("/households/<int:household_id>")
@login_required
def household(household_id):
    """Show a household's care record: categories, community, visits due, light and its policy worklist."""
    care = read_household(g.user, household_id)
    manage = may_manage_household(g.user, care)
    visitors = db.session.scalars(select(HouseholdVisitor).where(
        HouseholdVisitor.beneficiary_id == care.beneficiary_id)).all() if manage else []
    return render_template("referrals/household.html", household=care.beneficiary, manage=manage,
                           light=lights.light_of(care), rows=policy.rows_of(care) if manage else [],
                           visitors=visitors, policy_form=PolicyForm(formdata=None),
                           **household_section(care, g.user))


@bp.post("/households/<int:household_id>/policy/<int:catalogue_item_id>")
@login_required
def policy_mark(household_id, catalogue_item_id):
    """Mark a policy item for a household: applied, received, or not eligible (with the reason)."""
    care = read_household(g.user, household_id)
    back = url_for("referrals.worklist") if request.args.get("to") == "worklist" \
        else url_for("referrals.household", household_id=care.beneficiary_id)
    return submit_and_return(PolicyForm(), lambda f: policy.mark(g.user, care.beneficiary_id, catalogue_item_id,
                                                                 f.status.data, f.reason.data),
                             back, passes=(NotFound,))


@bp.route("/worklist")
@login_required
def worklist():
    """List the policy items the person's households may be eligible for and have not received (政策找人)."""
    if not policy.is_worker(g.user):
        raise Forbidden()
    return render_template("referrals/policy_worklist.html", rows=policy.worklist(g.user),
                           policy_form=PolicyForm(formdata=None))
