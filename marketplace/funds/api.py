"""API: funds and disbursements.

Anyone may read an organisation's funds, a fund's totals and its paid disbursements; the fund's
staff also see every request. Opening funds and requesting, approving or rejecting disbursements
need a read-write token from the organisation's staff.
"""
from __future__ import annotations

import functools

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.api.base import TOKEN, api_blueprint, auth_required, token_route
from marketplace.api.pagination import page_schema, paginate
from marketplace.funds import disbursements, service
from marketplace.funds.models import Disbursement, Fund
from marketplace.funds.schemas import (
    DisbursementPublicSchema,
    DisbursementQuerySchema,
    DisbursementRejectSchema,
    DisbursementRequestSchema,
    DisbursementStaffSchema,
    FundCreateSchema,
    FundSchema,
)
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.wishes import service as wishes

blp = api_blueprint("funds_api", __name__, url_prefix="/api/v1", description="Funds and disbursements")
OPTIONAL_TOKEN = [{}, {"token": []}]
PublicPage = page_schema(DisbursementPublicSchema, "DisbursementPublicPage")
StaffPage = page_schema(DisbursementStaffSchema, "DisbursementStaffPage")


@blp.route("/orgs/<int:org_id>/funds")
@blp.response(200, FundSchema(many=True))
def list_funds(org_id):
    """List an organisation's funds with their totals, general ones first."""
    return db.session.scalars(service.funds_of(get_organisation(org_id)).options(selectinload(Fund.listing))).all()


@token_route(blp, "/orgs/<int:org_id>/funds", methods=("POST",), body=FundCreateSchema, code=201, response=FundSchema)
def create_fund(data, org_id):
    """Open a general, project, community (with a district) or named fund (the organisation's staff)."""
    return service.create_fund(g.user, get_organisation(org_id), **data)


@blp.route("/funds/<fund_code>")
@blp.response(200, FundSchema)
def get_fund(fund_code):
    """Return a fund by its code: purpose, and what it received, paid out, refunded and holds."""
    return service.fund_by_code(fund_code)


@blp.route("/funds/<fund_code>/disbursements")
@blp.doc(security=OPTIONAL_TOKEN)
@blp.arguments(DisbursementQuerySchema, location="query")
@blp.response(200, StaffPage, description="the fund's staff get every request (DisbursementStaff fields); "
                                          "others the paid ones (DisbursementPublic fields)")
def list_disbursements(args, fund_code):
    """List a fund's disbursements, cursor-paginated: paid ones for anyone, every request for its staff."""
    fund = service.fund_by_code(fund_code)
    if disbursements.may_manage(g.get("user"), fund):
        stmt = disbursements.disbursements_of(g.user, fund, args["status"])
        page = paginate(stmt.options(selectinload(Disbursement.listing)), Disbursement.id, args["cursor"],
                        args["limit"])
        return page
    stmt = disbursements.paid_of(fund).options(selectinload(Disbursement.listing))
    return jsonify(PublicPage().dump(paginate(stmt, Disbursement.id, args["cursor"], args["limit"])))


def _fund_staff_only(view):
    """Answer a caller who is not the fund's staff like a missing fund, before reading the form."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not disbursements.may_manage(g.user, service.fund_by_code(kwargs["fund_code"])):
            raise NotFound()
        return view(*args, **kwargs)

    return wrapped


@blp.route("/funds/<fund_code>/disbursements", methods=["POST"])
@blp.doc(security=TOKEN)
@auth_required(write=True)
@_fund_staff_only
@blp.arguments(DisbursementRequestSchema, location="form", content_type="multipart/form-data")
@blp.response(201, DisbursementStaffSchema)
def request_disbursement(data, fund_code):
    """Request a payment out of a fund (its staff), as multipart/form-data with the file `evidence`.

    At or below the approval threshold it is paid at once (status `paid`); above it, it waits
    (`requested`) for a second staff member. A fund never goes below zero (409).
    """
    fund = service.fund_by_code(fund_code)
    if not disbursements.may_manage(g.user, fund):
        raise NotFound()
    listing_id = None
    if data["listing_code"]:
        try:
            listing_id = wishes.listing_by_code(g.user, data["listing_code"]).id
        except NotFound:
            raise InvalidInput(fields={"listing_code": [_l("Choose a wish or need of this organisation.")]}) \
                from None
    try:
        return disbursements.request_disbursement(
            g.user, fund, payee=data["payee"], purpose=data["purpose"], amount_fen=data["amount_fen"],
            evidence_file=request.files.get("evidence"), listing_id=listing_id)
    except InvalidInput as error:
        if "listing_id" in error.fields:
            error.fields["listing_code"] = error.fields.pop("listing_id")
        raise


@token_route(blp, "/disbursements/<int:disbursement_id>/approve", methods=("POST",), response=DisbursementStaffSchema)
def approve_disbursement(disbursement_id):
    """Approve a waiting request and pay it: a second staff member, never the requester (409)."""
    return disbursements.approve_disbursement(g.user, disbursement_id)


@token_route(blp, "/disbursements/<int:disbursement_id>/reject",
             methods=("POST",), body=DisbursementRejectSchema, response=DisbursementStaffSchema)
def reject_disbursement(data, disbursement_id):
    """Refuse a waiting request, keeping the reason (the fund's staff)."""
    return disbursements.reject_disbursement(g.user, disbursement_id, data["reason"])
