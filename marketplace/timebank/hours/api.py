"""API: saved hours, their statement and gifts to family; offline claims and their review;
and the public check of a certificate of service."""
from __future__ import annotations

from flask import g

from marketplace.api.base import api_blueprint, auth_required
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import NotFound
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.hours import claims, savings
from marketplace.timebank.schemas import (
    CertificateSchema,
    ClaimApproveSchema,
    ClaimSchema,
    HoursSchema,
    MyClaimSchema,
    RejectSchema,
    ReverseSchema,
    StatementQuerySchema,
    StatementSchema,
    TransferSchema,
)

blp = api_blueprint("hours", __name__, url_prefix="/api/v1",
                    description="Time bank: saved hours, gifts, offline claims and certificates")
TOKEN = [{"token": []}]


@blp.route("/me/hours")
@blp.doc(security=TOKEN)
@auth_required()
@blp.response(200, HoursSchema)
def my_hours():
    """Return your saved minutes (posted, held, available), minutes of service and star level."""
    return savings.savings(g.user)


@blp.route("/me/hours/statement")
@blp.doc(security=TOKEN)
@auth_required()
@blp.arguments(StatementQuerySchema, location="query")
@blp.response(200, StatementSchema)
def my_statement(args):
    """Return your history of saved minutes, newest first, with the balance after each line."""
    return savings.history(g.user, cursor=args["cursor"], limit=args["limit"])


@blp.route("/me/hours/transfers", methods=["POST"])
@blp.doc(security=TOKEN)
@auth_required(write=True)
@blp.arguments(TransferSchema)
@blp.response(201, TransferSchema)
def give_hours(data):
    """Give saved minutes to a family member's account; the same idempotency_key posts once.

    Refused with 409 (code insufficient_balance) when you have not saved enough.
    """
    entry = savings.give_hours(g.user, data["email"], data["minutes"],
                               key=data["idempotency_key"])
    return {"email": data["email"], "minutes": data["minutes"], "entry_id": entry.id,
            "created_at": entry.created_at}


@blp.route("/me/claims")
@blp.doc(security=TOKEN)
@auth_required()
@blp.response(200, MyClaimSchema(many=True))
def my_claims():
    """List your offline claims, newest first.

    A claim is submitted on the site (/timebank/claims/new), not here: it needs an evidence file.
    """
    return claims.claims_of(g.user)


@blp.route("/orgs/<int:org_id>/claims")
@blp.doc(security=TOKEN)
@auth_required()
@blp.response(200, ClaimSchema(many=True))
def pending_claims(org_id):
    """List the organisation's claims waiting for review (its coordinators)."""
    return claims.pending_claims(get_organisation(org_id), g.user)


@blp.route("/claims/<int:claim_id>/approve", methods=["POST"])
@blp.doc(security=TOKEN)
@auth_required(write=True)
@blp.arguments(ClaimApproveSchema)
@blp.response(200, ClaimSchema)
def approve_claim(data, claim_id):
    """Credit a claim's minutes (the organisation's coordinators); approving twice posts once."""
    return claims.approve_claim(claim_id, g.user, data["note"])


@blp.route("/claims/<int:claim_id>/reject", methods=["POST"])
@blp.doc(security=TOKEN)
@auth_required(write=True)
@blp.arguments(RejectSchema)
@blp.response(200, ClaimSchema)
def reject_claim(data, claim_id):
    """Refuse a pending claim, with the reason the volunteer will see."""
    return claims.reject_claim(claim_id, g.user, data["note"])


@blp.route("/claims/<int:claim_id>/reverse", methods=["POST"])
@blp.doc(security=TOKEN)
@auth_required(write=True)
@blp.arguments(ReverseSchema)
@blp.response(200, ClaimSchema)
def reverse_claim(data, claim_id):
    """Take back an approved claim's minutes with a reversing ledger entry."""
    return claims.reverse_claim(claim_id, g.user, data["reason"])


@blp.route("/certificates/<code>")
@blp.response(200, CertificateSchema)
def verify_certificate(code):
    """Check a certificate of service by its code (any case, dashes allowed): 404 unless genuine."""
    certificate = certificates.verify_certificate(code)
    if certificate is None:
        raise NotFound()
    return certificate
