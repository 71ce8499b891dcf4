"""Fund pages: an organisation's funds and each fund's public account (received, paid out,
balance, and what was paid to whom); the staff open funds, request, approve and reject
disbursements, read the private receipts and publish redacted copies."""
from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required
from sqlalchemy.orm import selectinload

from marketplace.auth.forms import EmptyForm
from marketplace.funds import disbursements, evidence, service
from marketplace.funds.forms import DisbursementForm, FundForm, PublishReceiptForm, RejectForm, kind_label
from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.orgs.forms import district_choices
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import DomainError, Forbidden, NotFound
from marketplace.platform.extensions import db
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return
from marketplace.wishes.staff_forms import page_arg

bp = Blueprint("funds", __name__, url_prefix="/funds")
PAGE = 50
LISTING_CHOICES = 200


@bp.app_template_global()
def fund_kind_name(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_global()
def listing_paid_fen(listing) -> int:
    """What has been paid out of funds for a wish or need (its money side), in fen."""
    return disbursements.paid_for(listing)


@bp.app_template_global()
def listing_fund(listing):
    """The restricted fund of a wish or need, once it has one (None before)."""
    return service.fund_of(listing)


# --- public pages ------------------------------------------------------------------------------------

@bp.route("/orgs/<int:org_id>")
def org_funds(org_id):
    """List an organisation's funds with their balances."""
    org = get_organisation(org_id)
    funds = db.session.scalars(service.funds_of(org)).all()
    return render_template("funds/org_funds.html", org=org, funds=[(f, service.totals(f)) for f in funds],
                           may_manage=can(g.get("user"), "org.manage_funds", org))


@bp.route("/<fund_code>")
def show(fund_code):
    """Show a fund's public account: purpose, received, paid out, refunded, balance and each payment."""
    fund = service.fund_by_code(fund_code)
    page = page_arg()
    stmt = disbursements.paid_of(fund).options(selectinload(Disbursement.listing))
    rows = db.session.scalars(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return render_template("funds/show.html", fund=fund, totals=service.totals(fund), paid=rows[:PAGE], page=page,
                           has_next=len(rows) > PAGE, may_manage=disbursements.may_manage(g.get("user"), fund))


@bp.route("/receipts/<disbursement_code>")
def public_receipt(disbursement_code):
    """Show the redacted copy of a paid disbursement's receipt, when staff published one."""
    found = disbursements.published_receipt(disbursement_code)
    return _send(found.public_evidence_path, f"receipt-{found.public_code}", inline=True)


def _send(name: str, download_name: str, inline: bool = False):
    try:
        data, content_type = evidence.read(name)
    except OSError:
        abort(404)
    # Receipts are at most a few MB: read them whole rather than hold a file open for the response.
    return send_file(io.BytesIO(data), mimetype=content_type, download_name=download_name + _suffix(content_type),
                     as_attachment=not (inline and content_type.startswith("image/")))


def _suffix(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(content_type, "")


# --- staff: funds ------------------------------------------------------------------------------------

@bp.route("/orgs/<int:org_id>/new", methods=["GET", "POST"])
@login_required
def new_fund(org_id):
    """Open a general, project, community or named fund."""
    org = get_organisation(org_id)
    require(g.user, "org.manage_funds", org)
    form = FundForm()
    form.district_id.choices = [("", _("(none)"))] + district_choices()
    return save_or_show(
        form, lambda: service.create_fund(g.user, org, kind=form.kind.data, name_zh=form.name_zh.data,
                                          name_en=form.name_en.data, purpose=form.purpose.data or "",
                                          district_id=form.district_id.data,
                                          named_after=form.named_after.data or ""),
        _("The fund is open."), lambda fund: url_for("funds.show", fund_code=fund.public_code),
        "funds/fund_form.html", org=org, passes=(NotFound, Forbidden))


def _managed(fund_code) -> Fund:
    """Return a fund its organisation's staff manage; others get 404."""
    fund = service.fund_by_code(fund_code)
    if not disbursements.may_manage(g.user, fund):
        raise NotFound()
    return fund


@bp.route("/<fund_code>/disbursements")
@login_required
def fund_disbursements(fund_code):
    """List every disbursement of a fund, the ones waiting for approval first."""
    fund = _managed(fund_code)
    page = page_arg()
    stmt = disbursements.disbursements_of(g.user, fund, request.args.get("status"))
    rows = db.session.scalars(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return render_template("funds/disbursements.html", fund=fund, rows=rows[:PAGE], page=page,
                           has_next=len(rows) > PAGE, totals=service.totals(fund))


@bp.route("/<fund_code>/disbursements/new", methods=["GET", "POST"])
@fresh_login_required
def new_disbursement(fund_code):
    """Request a payment out of the fund, with the receipt or invoice."""
    fund = _managed(fund_code)
    form = DisbursementForm()
    listings = db.session.scalars(disbursements.payable_listings(fund).limit(LISTING_CHOICES)).all()
    form.listing_id.choices = ([] if fund.is_restricted else [("", _("(none)"))]) + [
        (listing.id, listing.title) for listing in listings]
    if form.validate_on_submit():
        try:
            found = disbursements.request_disbursement(
                g.user, fund, payee=form.payee.data, purpose=form.purpose.data, amount_fen=form.amount.data,
                evidence_file=request.files.get("evidence"), listing_id=form.listing_id.data)
        except (NotFound, Forbidden):
            raise
        except DomainError as error:
            db.session.rollback()
            error.fields = {("amount" if k == "amount_fen" else k): v for k, v in error.fields.items()}
            apply_errors(form, error)
        else:
            flash(_("Paid.") if found.status == DisbursementStatus.PAID else
                  _("The request waits for a second staff member's approval."), "success")
            return redirect(url_for("funds.disbursement", disbursement_id=found.id))
    return render_template("funds/disbursement_form.html", form=form, fund=fund,
                           threshold=disbursements.approval_threshold()), \
        422 if form.errors or form.form_errors else 200


# --- staff: one disbursement -------------------------------------------------------------------------

@bp.route("/disbursements/<int:disbursement_id>")
@login_required
def disbursement(disbursement_id):
    """Show a disbursement to its staff, with approval, rejection and the public receipt."""
    found = disbursements.get_disbursement(g.user, disbursement_id)
    return render_template("funds/disbursement.html", d=found, fund=found.fund, approve_form=EmptyForm(),
                           reject_form=RejectForm(), publish_form=PublishReceiptForm(), unpublish_form=EmptyForm())


def _act(disbursement_id, form, action, done: str):
    """Run a disbursement button's action when its form is valid, flash how it went, and go back."""
    found = disbursements.get_disbursement(g.user, disbursement_id)
    return submit_and_return(form, lambda f: action(found, f), url_for("funds.disbursement", disbursement_id=found.id),
                             done, passes=(NotFound, Forbidden))


@bp.post("/disbursements/<int:disbursement_id>/approve")
@fresh_login_required
def approve(disbursement_id):
    """Approve a waiting request and pay it (a second staff member, never the requester)."""
    return _act(disbursement_id, EmptyForm(),
                lambda d, f: disbursements.approve_disbursement(g.user, d.id), _("Approved and paid."))


@bp.post("/disbursements/<int:disbursement_id>/reject")
@login_required
def reject(disbursement_id):
    """Refuse a waiting request, with the reason."""
    return _act(disbursement_id, RejectForm(),
                lambda d, f: disbursements.reject_disbursement(g.user, d.id, f.reason.data), _("Rejected."))


@bp.post("/disbursements/<int:disbursement_id>/publish")
@login_required
def publish(disbursement_id):
    """Publish a redacted copy of the receipt."""
    return _act(disbursement_id, PublishReceiptForm(),
                lambda d, f: disbursements.publish_receipt(g.user, d.id, request.files.get("receipt")),
                _("The redacted receipt is published."))


@bp.post("/disbursements/<int:disbursement_id>/unpublish")
@login_required
def unpublish(disbursement_id):
    """Take the public copy of the receipt down."""
    return _act(disbursement_id, EmptyForm(), lambda d, f: disbursements.unpublish_receipt(g.user, d.id),
                _("The public copy is taken down."))


@bp.route("/disbursements/<int:disbursement_id>/evidence")
@login_required
def evidence_file(disbursement_id):
    """Download a disbursement's private receipt or invoice (its organisation's staff only)."""
    found = disbursements.get_disbursement(g.user, disbursement_id)
    return _send(found.evidence_path, f"disbursement-{found.public_code}")
