"""The donor's giving page (their donations, receipts and the latest thanks) and the receipt download,
which only the donor and the receiving organisation's staff may fetch."""
from __future__ import annotations

import io

from flask import abort, g, render_template, send_file
from flask_login import login_required
from sqlalchemy import select

from marketplace.orgs.policy import can
from marketplace.payments import giving, receipts
from marketplace.payments.models import Donation, DonationStatus
from marketplace.payments.views import bp
from marketplace.platform.extensions import db


@bp.route("/my")
@login_required
def my_giving():
    """The donor's donations with their status and receipts, and the latest thank-you notes."""
    return render_template("payments/my_giving.html", donations=giving.donations_of(g.user),
                           thanks=giving.latest_thanks(g.user),
                           Status=DonationStatus)


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
