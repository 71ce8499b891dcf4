"""The donor's giving page (their donations, receipts and the latest thanks) and the receipt download,
which only the donor and the receiving organisation's staff may fetch."""
from __future__ import annotations

import io

from flask import abort, g, render_template, send_file
from flask_login import login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.orgs.policy import can
from marketplace.payments import receipts
from marketplace.payments.models import Donation, DonationStatus
from marketplace.payments.views import bp
from marketplace.platform.extensions import db
from marketplace.wishes.models import ClaimStatus, Listing, Pledge, PledgeStatus, WishClaim

PER_PAGE = 100
THANKS_SHOWN = 5


@bp.route("/my")
@login_required
def my_giving():
    """The donor's donations with their status and receipts, and the latest thank-you notes."""
    donations = db.session.scalars(
        select(Donation).where(Donation.donor_id == g.user.id).order_by(Donation.id.desc()).limit(PER_PAGE)
        .options(selectinload(Donation.fund), selectinload(Donation.listing), selectinload(Donation.organisation))
    ).all()
    return render_template("payments/my_giving.html", donations=donations, thanks=_latest_thanks(g.user),
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


def _latest_thanks(user) -> list[Listing]:
    """The newest thank-you notes for wishes and needs the user helped: claimed, pledged to or paid for."""
    claimed = select(WishClaim.listing_id).where(WishClaim.claimant_id == user.id,
                                                 WishClaim.status == ClaimStatus.FULFILLED.value)
    pledged = select(Pledge.listing_id).where(Pledge.pledger_id == user.id, Pledge.status.in_(
        [PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))
    paid = select(Donation.listing_id).where(Donation.donor_id == user.id, Donation.listing_id.is_not(None),
                                             Donation.status == DonationStatus.COMPLETED.value)
    return list(db.session.scalars(
        select(Listing).where(Listing.thanks_note != "", or_(Listing.id.in_(claimed), Listing.id.in_(pledged),
                                                              Listing.id.in_(paid)))
        .order_by(Listing.thanks_at.desc(), Listing.id.desc()).limit(THANKS_SHOWN)))
