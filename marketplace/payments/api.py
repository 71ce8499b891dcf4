"""API: start a gift (the answer says where to pay) and read your own donation's status.

The donation completes only when the provider's verified webhook lands; poll its status.
"""
from __future__ import annotations

from flask import g

from marketplace.api.base import api_blueprint, token_route
from marketplace.payments import service
from marketplace.payments.schemas import DonationSchema, DonationStartedSchema, DonationStartSchema
from marketplace.platform.links import site_url

blp = api_blueprint("donations_api", __name__, url_prefix="/api/v1", description="Donations and receipts")


@token_route(blp, "/donations", methods=("POST",), body=DonationStartSchema, code=201, response=DonationStartedSchema)
def start_donation(data):
    """Start a gift to a fund, or pay a wish you claimed by money or your pledge; pending until paid."""
    if data["fund_code"] is not None:
        donation = service.give_to_fund(g.user, data["fund_code"], data["amount_fen"], data["display"],
                                        data["message"], data["organisation_id"])
    elif data["listing_code"] is not None and data["amount_fen"] is not None:
        donation = service.give_to_need(g.user, data["listing_code"], data["amount_fen"], data["display"],
                                        data["message"], data["excess_choice"], data["organisation_id"])
    elif data["listing_code"] is not None:
        donation = service.pay_wish(g.user, data["listing_code"], data["display"], data["message"],
                                    data["excess_choice"])
    else:
        donation = service.pay_pledge(g.user, data["pledge_id"], data["display"], data["message"])
    code = donation.public_code
    url = service.begin_checkout(
        donation, success_url=site_url("payments.donation", donation_code=code),
        cancel_url=site_url("payments.donation", donation_code=code),
        demo_url=site_url("payments.demo_checkout", donation_code=code))
    donation = service.donation_for(g.user, code)
    donation.checkout_url = url
    return donation


@token_route(blp, "/donations/<donation_code>", response=DonationSchema)
def get_donation(donation_code):
    """Return your own donation: pending until the provider confirms it, then completed with its receipt number."""
    return service.donation_for(g.user, donation_code)
