"""API of the referral loop for organisations' own systems: what was sent to them, a referral they may
read, and their answer — the first organisation to accept owns it; the others get 409 naming who did."""
from __future__ import annotations

from flask import g

from marketplace.api.base import api_blueprint, token_route
from marketplace.referrals import dispatch
from marketplace.referrals.access import get_referral
from marketplace.referrals.schemas import DeclineSchema, DispatchSchema, ReferralSchema

blp = api_blueprint("referrals_api", __name__, url_prefix="/api/v1",
                    description="Referrals (转介): what was sent to your organisations, and your answers")


@token_route(blp, "/referrals/inbox", response=DispatchSchema(many=True))
def list_inbox():
    """List the referrals sent to your organisations and waiting for an answer, oldest first."""
    return dispatch.open_dispatches([o.id for o in dispatch.staff_organisations(g.user)])


@token_route(blp, "/referrals/<int:referral_id>", response=ReferralSchema)
def get_referral_api(referral_id):
    """Return a referral you may read: its household's managers and the organisations it was sent to."""
    return get_referral(g.user, referral_id)


@token_route(blp, "/referrals/dispatches/<int:dispatch_id>/accept", methods=("POST",), response=ReferralSchema)
def accept_referral(dispatch_id):
    """Accept a referral sent to your organisation; exactly one organisation wins (409 for the others)."""
    return dispatch.accept(g.user, dispatch_id)


@token_route(blp, "/referrals/dispatches/<int:dispatch_id>/decline", methods=("POST",), body=DeclineSchema,
             response=ReferralSchema)
def decline_referral(data, dispatch_id):
    """Decline a referral sent to your organisation, with a reason; with no organisation left it goes back
    to dispatch."""
    return dispatch.decline(g.user, dispatch_id, data["reason"])
