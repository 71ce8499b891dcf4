"""The donor's giving page (their donations, receipts and the latest thanks) and the receipt download,
which only the donor and the receiving organisation's staff may fetch."""
from __future__ import annotations

import io

from flask import abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from marketplace.auth.forms import EmptyForm
from marketplace.orgs.policy import can
from marketplace.payments import giving, receipts, service, unfinished
from marketplace.payments.models import Donation, DonationStatus
from marketplace.payments.views import bp
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.links import site_url
from marketplace.web.flash import flash_errors


@bp.route("/my")
@login_required
def my_giving():
    """The donor's donations with their status and receipts, and the latest thank-you notes."""
    return render_template("payments/my_giving.html", donations=giving.donations_of(g.user),
                           thanks=giving.latest_thanks(g.user),
                           Status=DonationStatus, is_unfinished=unfinished.is_unfinished, button=EmptyForm())


@bp.post("/donations/<donation_code>/resume")
@login_required
def resume_gift(donation_code):
    """Go back to the checkout of a gift left unfinished (a fresh one if it expired)."""
    code = service.donation_for(g.user, donation_code).public_code
    return _gift_button(lambda: redirect(unfinished.resume_checkout(
        g.user, code, success_url=site_url("payments.donation", donation_code=code),
        cancel_url=site_url("payments.my_giving"),
        demo_url=url_for("payments.demo_checkout", donation_code=code))))  # a redirect within the site


@bp.post("/donations/<donation_code>/cancel")
@login_required
def cancel_gift(donation_code):
    """Cancel a gift left unfinished: nothing is charged, and a wish claimed to pay it is released."""
    code = service.donation_for(g.user, donation_code).public_code

    def cancel():
        unfinished.cancel_checkout(g.user, code)
        flash(_("The gift is cancelled; nothing was charged."), "success")
        return redirect(url_for("payments.my_giving"))
    return _gift_button(cancel)


def _gift_button(action):
    """Run a button of "my gifts"; a refusal is said at the top of the page (NotFound goes on to 404)."""
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(url_for("payments.my_giving"))
    try:
        return action()
    except (Conflict, service.ProviderUnavailable) as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("payments.my_giving"))


@bp.route("/donations/<donation_code>/receipt.pdf")
@login_required
def receipt_download(donation_code):
    """Download a completed donation's bilingual PDF receipt (its donor and the organisation's staff)."""
    donation = db.session.scalar(select(Donation).where(
        Donation.public_code == str(donation_code).replace("\x00", "")[:16]))
    if donation is None or donation.receipt_no is None:
        abort(404)
    if donation.donor_id != g.user.id and not can(g.user, "org.manage_funds", donation.fund.organisation):
        abort(404)
    return send_file(io.BytesIO(receipts.receipt_pdf(donation)), mimetype="application/pdf", as_attachment=True,
                     download_name=f"receipt-{donation.receipt_no}.pdf")
