"""Giving pages: give to a fund, pay a wish claimed by money or a pledge, the TEST MODE demo
checkout, the donation's own page (awaiting confirmation, then confirmed), and Stripe's webhook."""
from __future__ import annotations

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from config import settings
from marketplace.funds import service as funds
from marketplace.orgs.models import OrgKind
from marketplace.payments import demo_provider, rules, service, webhooks
from marketplace.payments.forms import DemoCheckoutForm, GiveForm, NeedGiveForm, PayForm
from marketplace.payments.models import DonationStatus
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import csrf, db
from marketplace.platform.links import site_address, site_url
from marketplace.web.forms import apply_errors
from marketplace.web.names import name_choices
from marketplace.wishes.funding import FullyFunded
from marketplace.wishes.models import ListingKind, Pledge, PledgeStatus
from marketplace.wishes.service import listing_by_code

bp = Blueprint("payments", __name__, url_prefix="/payments")


@bp.route("/give/fund/<fund_code>", methods=["GET", "POST"])
@login_required
def give_fund(fund_code):
    """Give an amount of your choice to a fund."""
    fund = funds.fund_by_code(fund_code)
    form = GiveForm(display=g.user.public_display)
    firms = [m.organisation for m in g.user.memberships if m.organisation.kind == OrgKind.FIRM]
    form.organisation_id.choices = [("", _("Myself"))] + name_choices(firms)
    start = lambda: service.give_to_fund(g.user, fund.public_code, form.amount.data, form.display.data,  # noqa: E731
                                         form.message.data or "", form.organisation_id.data)
    return _give(form, start, target="fund", fund=fund, amount_fen=None)


@bp.route("/give/wish/<listing_code>", methods=["GET", "POST"])
@login_required
def give_wish(listing_code):
    """Pay the estimated value of a wish you claimed by money."""
    listing = listing_by_code(g.user, listing_code)
    if listing.kind == ListingKind.HOUSEHOLD_NEED:
        return redirect(url_for("payments.give_need", listing_code=listing.public_code))
    if listing.is_funded:
        raise FullyFunded()
    form = PayForm(display=g.user.public_display)
    start = lambda: service.pay_wish(g.user, listing.public_code, form.display.data,  # noqa: E731
                                     form.message.data or "", form.excess_choice.data)
    return _give(form, start, target="wish", listing=listing, amount_fen=listing.value_fen)


@bp.route("/give/need/<listing_code>", methods=["GET", "POST"])
@login_required
def give_need(listing_code):
    """Give up to what a household need still lacks, into its own fund."""
    listing = listing_by_code(g.user, listing_code)
    if listing.kind != ListingKind.HOUSEHOLD_NEED:
        raise NotFound()
    if listing.is_funded:
        raise FullyFunded()
    form = NeedGiveForm(display=g.user.public_display)
    start = lambda: service.give_to_need(g.user, listing.public_code, form.amount.data,  # noqa: E731
                                         form.display.data, form.message.data or "", form.excess_choice.data)
    return _give(form, start, target="need", listing=listing, amount_fen=None)


@bp.route("/give/pledge/<int:pledge_id>", methods=["GET", "POST"])
@login_required
def give_pledge(pledge_id):
    """Pay your pledge to a household need."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None or pledge.pledger_id != g.user.id:
        raise NotFound()
    if pledge.status != PledgeStatus.ACTIVE:
        raise Conflict(_("This pledge is not waiting for payment."))
    form = PayForm(display=g.user.public_display)
    start = lambda: service.pay_pledge(g.user, pledge.id, form.display.data, form.message.data or "")  # noqa: E731
    return _give(form, start, target="pledge", pledge=pledge, listing=pledge.listing, amount_fen=pledge.amount_fen)


def _give(form, start, **context):
    """Show the giving form; on a valid post start the donation and send the donor to the checkout."""
    if form.validate_on_submit():
        try:
            donation = start()
            code = donation.public_code
            url = service.begin_checkout(
                donation, success_url=site_url("payments.donation", donation_code=code),
                cancel_url=site_address(request.full_path),
                demo_url=url_for("payments.demo_checkout", donation_code=code))  # a redirect within the site
        except (InvalidInput, Conflict, service.ProviderUnavailable) as error:
            db.session.rollback()
            _show(form, error)
            return _page(form, context, error.status)
        return redirect(url)
    return _page(form, context, 422 if form.errors else 200)


def _show(form, error) -> None:
    """Put a service's refusal on the form (field messages) or at the top of the page."""
    if not isinstance(error, InvalidInput):
        flash(str(error.message), "error")
        return
    if "amount_fen" in error.fields:  # the form takes yuan in `amount`
        error.fields = {"amount" if k == "amount_fen" else k: v for k, v in error.fields.items()}
    apply_errors(form, error)


def _page(form, context, status):
    listing = context.get("listing")
    return render_template("payments/give.html", form=form, provider=rules.provider(), left_fen=(
        listing.left_fen if listing is not None else None),
                           max_fen=settings.PAYMENTS_MAX_FEN, min_fen=rules.MIN_FEN, **context), status


@bp.route("/demo/<donation_code>", methods=["GET", "POST"])
@login_required
def demo_checkout(donation_code):
    """The TEST MODE checkout: pay or decline a demo donation through the signed webhook path."""
    donation = demo_provider.demo_donation(g.user, donation_code)
    form = DemoCheckoutForm()
    if form.validate_on_submit():
        try:
            result = demo_provider.checkout(g.user, donation.public_code, form.outcome.data)
        except Conflict as error:
            flash(str(error.message), "error")
        else:
            if result.status != 200:
                flash(_("The test payment could not be confirmed. Please try again."), "error")
                return redirect(url_for("payments.demo_checkout", donation_code=donation_code))
        return redirect(url_for("payments.donation", donation_code=donation_code))
    status = 422 if form.errors else 200
    return render_template("payments/checkout_demo.html", donation=donation, form=form,
                           too_late=demo_provider.too_late(donation)), status


@bp.route("/donations/<donation_code>")
@login_required
def donation(donation_code):
    """The donor's own page of a gift: awaiting confirmation until the provider's event lands, then confirmed."""
    found = service.donation_for(g.user, donation_code)
    return render_template("payments/donation.html", donation=found, S=DonationStatus)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    """Take one event from Stripe: verified on the raw body, applied once."""
    result = webhooks.handle(request.get_data(cache=False), request.headers.get("Stripe-Signature"),
                             settings.STRIPE_WEBHOOK_SECRET)
    return jsonify({"outcome": result.outcome}), result.status
