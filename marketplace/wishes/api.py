"""API: listings, transitions, claims, pledges and the board.

Anyone may read what is published, in the public schema only; the listing's organisation's
staff also get the staff fields. Every change needs a read-write token.
"""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy.orm import selectinload

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.idempotency import idempotent
from marketplace.api.pagination import CursorArgs, paginate
from marketplace.payments import shares
from marketplace.wishes import cancellations, claims, lights, pledges, service
from marketplace.wishes.models import Listing, Pledge, WishClaim
from marketplace.wishes.money_schemas import CancellationSchema, DecisionSchema, ShareSchema
from marketplace.wishes.schemas import (
    BoardItemSchema,
    BoardQuerySchema,
    CountsQuerySchema,
    CountsSchema,
    DeliverySchema,
    EventSchema,
    ListingCreateSchema,
    ListingPageSchema,
    ListingPublicDetailSchema,
    ListingQuerySchema,
    ListingStaffSchema,
    ListingUpdateSchema,
    PledgePageSchema,
    PledgeSchema,
    ReasonSchema,
    ThanksSchema,
    TransitionSchema,
    WishClaimPageSchema,
    WishClaimSchema,
)

blp = api_blueprint("listings", __name__, url_prefix="/api/v1",
                    description="Micro-wishes and household needs: listings, claims, pledges, lights")
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"\S"},
                   "description": "a retry with the same key gets the first answer; the same key with another body "
                                  "is refused (409)"}
OPTIONAL_TOKEN = [{}, {"token": []}]


def _listing(code: str) -> Listing:
    """Return the listing the caller may see by its public code (NotFound otherwise)."""
    return service.listing_by_code(g.user, code)


def _post(path: str, schema=None, code: int = 200, reply=ListingStaffSchema, once: bool = False):
    """The decorators every change shares: POST, read-write token, a body schema, the reply; with `once`,
    an `Idempotency-Key` header makes a retry return the first answer."""

    inner = (idempotent, blp.doc(parameters=[IDEMPOTENCY_KEY])) if once else ()
    return token_route(blp, path, methods=("POST",), body=schema, code=code, response=reply, inner=inner)


# --- listings ------------------------------------------------------------------------------------

@blp.route("/listings")
@blp.arguments(ListingQuerySchema, location="query")
@blp.response(200, ListingPageSchema)
def list_listings(args):
    """List published listings, filtered by kind, category, district, status, value and words; cursor-paginated."""
    stmt = service.browse(kind=args["kind"], category=args["category"], district_id=args["district"],
                          status=args["status"], min_fen=args["min_fen"], max_fen=args["max_fen"], text=args["q"])
    stmt = stmt.options(selectinload(Listing.beneficiary), selectinload(Listing.district),
                        selectinload(Listing.organisation))
    return paginate(stmt, Listing.id, args["cursor"], args["limit"])


@blp.route("/listings/<listing_code>")
@blp.doc(security=OPTIONAL_TOKEN)
@blp.response(200, ListingPublicDetailSchema)
def get_listing(listing_code):
    """Return a listing by its code, with a household need's coverage; its staff also get ListingStaff fields."""
    listing = _listing(listing_code)
    if service.may_manage(g.user, listing):
        return jsonify(ListingStaffSchema().dump(listing))
    return listing


@_post("/beneficiaries/<int:beneficiary_id>/listings", ListingCreateSchema, 201)
def create_listing(data, beneficiary_id):
    """Write a draft wish, household need or service need for a household (its organisation's staff)."""
    return service.create_listing(g.user, beneficiary_id, **data)


@token_route(blp, "/listings/<listing_code>", methods=("PATCH",), body=ListingUpdateSchema, response=ListingStaffSchema)
def update_listing(data, listing_code):
    """Change a draft or a listing waiting for verification (its organisation's staff)."""
    return service.update_listing(g.user, _listing(listing_code).id, **data)


@token_route(blp, "/listings/<listing_code>/transitions", response=EventSchema(many=True))
def list_transitions(listing_code):
    """List every status change of a listing, oldest first: who, from, to, why and when (staff)."""
    return service.history(g.user, _listing(listing_code))


@_post("/listings/<listing_code>/transitions", TransitionSchema)
def make_transition(data, listing_code):
    """Submit, return, verify, publish, withdraw, confirm or close a listing (staff; never the author verifies)."""
    return service.transition(g.user, _listing(listing_code).id, data["to"], data["note"])


@_post("/listings/<listing_code>/approve-budget", ReasonSchema)
def approve_budget(data, listing_code):
    """Let a household need's budget pass the cap, with the reason (the organisation's admins)."""
    return service.approve_over_cap(g.user, _listing(listing_code).id, data["note"])


@_post("/listings/<listing_code>/delivery", DeliverySchema)
def confirm_delivery(data, listing_code):
    """Confirm a claimed listing was delivered (staff); a photo can be added on the site only."""
    return service.confirm_delivery(g.user, _listing(listing_code).id, data["note"])


@_post("/listings/<listing_code>/thanks", ThanksSchema)
def write_thanks(data, listing_code):
    """Record the household's thank-you note, sent to the donors the first time (staff)."""
    return service.write_thanks(g.user, _listing(listing_code).id, data["text"])


# --- claims --------------------------------------------------------------------------------------

@_post("/listings/<listing_code>/claims", WishClaimSchema, 201, WishClaimSchema, once=True)
def claim_wish(data, listing_code):
    """Claim a published micro-wish, for yourself or a firm you belong to; one claimant wins (409 for the rest)."""
    return claims.claim_wish(_listing(listing_code).id, g.user, data["method"], data["organisation_id"])


@_post("/wish-claims/<int:wish_claim_id>/release", reply=WishClaimSchema)
def release_claim(wish_claim_id):
    """Give up a claim so someone else can fulfil the wish (the claimant or the listing's staff)."""
    return claims.release_claim(wish_claim_id, g.user)


@token_route(blp, "/me/wish-claims", query=CursorArgs, response=WishClaimPageSchema)
def my_claims(args):
    """List your claims on micro-wishes, with their deadlines; cursor-paginated."""
    stmt = claims.claims_of(g.user).options(selectinload(WishClaim.listing))
    return paginate(stmt, WishClaim.id, args["cursor"], args["limit"])


# --- pledges -------------------------------------------------------------------------------------

@_post("/listings/<listing_code>/pledges", PledgeSchema, 201, PledgeSchema)
def make_pledge(data, listing_code):
    """Pledge part of a household need's budget; more than is left is refused (409)."""
    return pledges.pledge(_listing(listing_code).id, g.user, data["amount_fen"], data["organisation_id"])


@_post("/pledges/<int:pledge_id>/withdraw", reply=PledgeSchema)
def withdraw_pledge(pledge_id):
    """Take back a pledge not yet paid (the pledger or the listing's staff)."""
    return pledges.withdraw_pledge(pledge_id, g.user)


@token_route(blp, "/me/pledges", query=CursorArgs, response=PledgePageSchema)
def my_pledges(args):
    """List your pledges to household needs; cursor-paginated."""
    stmt = pledges.pledges_of(g.user).options(selectinload(Pledge.listing))
    return paginate(stmt, Pledge.id, args["cursor"], args["limit"])


# --- money: co-funding shares received, cancellations -------------------------------------------------

@_post("/listings/<listing_code>/shares", ShareSchema, 201, ShareSchema)
def record_share(data, listing_code):
    """Record a household need's share received from the government, a charity or the family (staff)."""
    return shares.record_share(g.user, _listing(listing_code).id, **data)


@_post("/listings/<listing_code>/cancellations", CancellationSchema, 201, CancellationSchema)
def propose_cancellation(data, listing_code):
    """Propose to cancel a wish or need holding money: refund or reallocate it (staff; another confirms)."""
    return cancellations.propose(g.user, _listing(listing_code).id, data["action"], data["reason"])


@_post("/cancellations/<int:cancellation_id>/decision", DecisionSchema, 200, CancellationSchema)
def decide_cancellation(data, cancellation_id):
    """Confirm (never the proposer) or reject a proposed cancellation; confirming settles the money at once."""
    return cancellations.decide(g.user, cancellation_id, data["decision"] == "confirm")


# --- the board -----------------------------------------------------------------------------------

@token_route(blp, "/board", query=BoardQuerySchema, response=BoardItemSchema(many=True))
def board(args):
    """List the listings of your organisations with their red, yellow or green light, red first (staff)."""
    rows = lights.board(g.user, organisation_id=args["organisation"], district_id=args["district"],
                        category=args["category"], light=args["light"], offset=args["offset"], limit=args["limit"])
    return [{"listing": listing, "light": shade} for listing, shade in rows]


@token_route(blp, "/board/counts", query=CountsQuerySchema, response=CountsSchema(many=True))
def board_counts(args):
    """Count the board's listings per organisation and light (staff)."""
    found = lights.counts(g.user, organisation_id=args["organisation"], district_id=args["district"],
                          category=args["category"])
    return [{"organisation_id": org_id, **by_light} for org_id, by_light in sorted(found.items())]
