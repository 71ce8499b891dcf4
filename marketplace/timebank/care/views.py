"""Care pages: ask for care paid in hours, take a request on, confirm, dispute, settle, cancel;
and an organisation's community hour pool."""
from __future__ import annotations

import secrets

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required

from marketplace.api.pagination import paginate_by_time
from marketplace.auth.forms import EmptyForm
from marketplace.ledger import service as ledger
from marketplace.orgs.forms import district_choices
from marketplace.orgs.policy import can
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import DomainError
from marketplace.platform.ids import id_arg
from marketplace.timebank.activities.views import bp
from marketplace.timebank.care import service as care
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.forms import CareForm, DisputeForm, PoolForm, SettleForm, to_utc
from marketplace.timebank.labels import CARE_SERVICES
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return
from marketplace.web.names import name_choices


@bp.app_template_global()
def service_label(service: str) -> str:
    return CARE_SERVICES(service)


@bp.app_template_global()
def care_status(status: str) -> str:
    return CareRequest.machine.label(status)


@bp.route("/care")
@login_required
def care_index():
    """Requests waiting for a volunteer, and the user's own."""
    district_id = id_arg("district")
    try:
        page = paginate_by_time(care.open_requests(district_id), CareRequest.scheduled_at, CareRequest.id,
                                request.args.get("cursor"), 20)
    except DomainError:
        abort(400)
    return render_template("timebank/care_index.html", page=page, mine=care.mine(g.user),
                           districts=district_choices(), district_id=district_id, button=EmptyForm())


@bp.route("/care/new", methods=["GET", "POST"])
@login_required
def care_new():
    """Ask for care; the expected minutes are held from your savings (or the pool)."""
    form = CareForm()
    orgs = {m.organisation_id: m.organisation for m in g.user.memberships}
    form.organisation_id.choices = name_choices(orgs.values())
    form.district_id.choices = district_choices()
    key = request.form.get("key") or secrets.token_urlsafe(16)
    return save_or_show(
        form, lambda: care.request_care(
            g.user, organisation_id=form.organisation_id.data, recipient_name=form.recipient_name.data,
            service=form.service.data, details=form.details.data or "", district_id=form.district_id.data,
            address=form.address.data or "", contact=form.contact.data or "",
            scheduled_at=to_utc(form.scheduled_at.data), minutes=form.minutes.data,
            from_pool=form.from_pool.data, key=key),
        _("Your request is posted and the hours are held until the care is given."),
        lambda made: url_for("timebank.care_detail", care_id=made.id),
        "timebank/care_form.html", key=key, has_orgs=bool(orgs))


@bp.route("/care/<int:care_id>")
@login_required
def care_detail(care_id):
    """One request, with what the user may do next."""
    item = care.get_care(care_id, g.user)
    return render_template("timebank/care_detail.html", item=item, button=EmptyForm(), dispute=DisputeForm(),
                           settle=SettleForm(), involved=care.is_involved(item, g.user),
                           see_contact=care.may_see_contact(item, g.user),
                           may_settle=can(g.user, "org.approve_hours", item.organisation))


def _act(care_id, form, action):
    return submit_and_return(form, action, url_for("timebank.care_detail", care_id=care_id))


@bp.post("/care/<int:care_id>/accept")
@login_required
def care_accept(care_id):
    """Take on the request."""
    care.get_care(care_id, g.user)
    return _act(care_id, EmptyForm(), lambda form: care.accept(care_id, g.user))


@bp.post("/care/<int:care_id>/release")
@login_required
def care_release(care_id):
    """Hand the request back (the volunteer cannot come); another volunteer may take it."""
    care.get_care(care_id, g.user)
    return _act(care_id, EmptyForm(), lambda form: care.release(care_id, g.user))


@bp.post("/care/<int:care_id>/confirm")
@login_required
def care_confirm(care_id):
    """Confirm the care was given; the volunteer is paid the held minutes."""
    care.get_care(care_id, g.user)
    return _act(care_id, EmptyForm(), lambda form: care.confirm(care_id, g.user))


@bp.post("/care/<int:care_id>/dispute")
@login_required
def care_dispute(care_id):
    """Say the care was not given as agreed."""
    care.get_care(care_id, g.user)
    return _act(care_id, DisputeForm(), lambda form: care.dispute(care_id, g.user, form.note.data))


@bp.post("/care/<int:care_id>/settle")
@fresh_login_required
def care_settle(care_id):
    """Settle a dispute (coordinators)."""
    item = care.get_care(care_id, g.user)
    if not can(g.user, "org.approve_hours", item.organisation):
        abort(404)
    return _act(care_id, SettleForm(), lambda form: care.settle(care_id, g.user, form.minutes.data, form.note.data))


@bp.post("/care/<int:care_id>/cancel")
@login_required
def care_cancel(care_id):
    """Withdraw the request; the held minutes are released."""
    care.get_care(care_id, g.user)
    return _act(care_id, EmptyForm(), lambda form: care.cancel(care_id, g.user))


@bp.route("/orgs/<int:org_id>/pool", methods=["GET", "POST"])
@fresh_login_required
def pool(org_id):
    """The organisation's community hour pool: its balance, and a form to give to it."""
    org = get_organisation(org_id)
    form = PoolForm()
    key = request.form.get("key") or secrets.token_urlsafe(16)
    if form.validate_on_submit():
        try:
            care.donate_to_pool(g.user, org.id, form.minutes.data, key=key)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Thank you: the minutes are in the pool."), "success")
            return redirect(url_for("timebank.pool", org_id=org.id))
    return render_template("timebank/pool.html", org=org, form=form, key=key,
                           balance=ledger.balance(care.pool_account(org))), 422 if form.errors else 200
