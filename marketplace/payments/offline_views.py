"""Staff pages for offline gifts: record a bank transfer or cash with evidence, confirm or cancel
large cash as a second staff member, and download the evidence (the organisation's staff only)."""
from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required
from sqlalchemy import select

from marketplace.auth.forms import EmptyForm
from marketplace.funds.models import Fund
from marketplace.funds.service import funds_of
from marketplace.orgs import controls
from marketplace.orgs.models import Organisation, OrgKind
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import get_organisation
from marketplace.payments import offline
from marketplace.payments.models import Donation, DonationStatus
from marketplace.payments.offline_forms import OfflineGiftForm
from marketplace.payments.views import bp
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput
from marketplace.platform.extensions import db
from marketplace.web.flash import flash_errors
from marketplace.web.forms import apply_errors
from marketplace.web.names import name_choices

FIRM_CHOICES = 500


@bp.route("/orgs/<int:org_id>/offline", methods=["GET", "POST"])
@fresh_login_required
def offline_gifts(org_id):
    """Record a bank transfer or cash the organisation received; list gifts waiting for a second person."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_funds", org)
    form = _form(org)
    if form.validate_on_submit():
        try:
            donation = offline.record_gift(
                g.user, org, fund_id=form.fund_id.data, method=form.method.data, amount_fen=form.amount.data,
                received_on=form.received_on.data, evidence=request.files.get("evidence"),
                payer_email=form.payer_email.data or "", payer_name=form.payer_name.data or "",
                display=form.display.data, reference=form.reference.data or "", firm_id=form.firm_id.data,
                late_entry=bool(form.late_entry.data))
        except InvalidInput as error:
            db.session.rollback()
            error.fields = {("amount" if k == "amount_fen" else k): v for k, v in error.fields.items()}
            apply_errors(form, error)
        except Conflict as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            if donation.status == DonationStatus.AWAITING_SECOND:
                flash(_("The gift is recorded. Another staff member must confirm it before it counts."), "success")
            else:
                flash(_("The gift is recorded with receipt %(number)s.", number=donation.receipt_no), "success")
            return redirect(url_for("payments.offline_gifts", org_id=org.id))
    waiting = db.session.scalars(offline.awaiting(org)).all()
    latest = db.session.scalars(offline.recorded(org)).all()
    failed = request.method == "POST"
    return render_template("payments/offline.html", org=org, form=form, waiting=waiting, latest=latest,
                           button=EmptyForm(), keeps_books=can(g.user, "org.keep_books", org),
                           threshold=controls.second_person_above()), 422 if failed else 200


@bp.post("/offline/<int:donation_id>/confirm")
@fresh_login_required
def offline_confirm(donation_id):
    """Confirm a large gift another staff member recorded: it then counts and the receipt goes out."""
    return _decide(donation_id, offline.confirm_gift, _("The gift is confirmed and the receipt sent."))


@bp.post("/offline/<int:donation_id>/cancel")
@fresh_login_required
def offline_cancel(donation_id):
    """Cancel a gift still waiting for confirmation."""
    return _decide(donation_id, offline.cancel_gift, _("The gift is cancelled."))


@bp.route("/offline/<int:donation_id>/evidence")
@login_required
def offline_evidence(donation_id):
    """Download an offline gift's evidence (the organisation's staff only)."""
    path, content_type = offline.evidence_for(g.user, donation_id)
    # Files are at most a few MB: read them whole rather than hold a file open for the response.
    return send_file(io.BytesIO(path.read_bytes()), mimetype=content_type, as_attachment=True,
                     download_name=f"gift-{donation_id}-evidence{path.suffix}")


def _decide(donation_id, act, done: str):
    donation = db.session.get(Donation, donation_id)
    if donation is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
    else:
        try:
            act(g.user, donation_id)
        except (Conflict, Forbidden) as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(done, "success")
    return redirect(url_for("payments.offline_gifts", org_id=donation.fund.organisation_id))


def _form(org: Organisation) -> OfflineGiftForm:
    form = OfflineGiftForm()
    funds = db.session.scalars(funds_of(org).where(Fund.is_open.is_(True))).all()
    form.fund_id.choices = [("", _("Choose a fund"))] + name_choices(funds)
    firms = db.session.scalars(select(Organisation).where(Organisation.kind == OrgKind.FIRM.value,
                                                          Organisation.is_verified.is_(True))
                               .order_by(Organisation.name_zh).limit(FIRM_CHOICES)).all()
    form.firm_id.choices = [("", _("No: a person gave it"))] + name_choices(firms)
    return form


