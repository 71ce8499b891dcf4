"""API: beneficiary households, for their organisation's staff only.

Every answer here holds private fields (name, phone, address, notes; the ID number masked), so each one
goes through `get_beneficiary` or `beneficiaries_of`, which let only the organisation's staff
and the verifying social worker through; anyone else is told the household does not exist.
"""
from __future__ import annotations

from flask import g
from sqlalchemy.orm import selectinload

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.pagination import CursorArgs, paginate
from marketplace.orgs.service import get_organisation
from marketplace.wishes import beneficiaries, identity
from marketplace.wishes.models import Beneficiary
from marketplace.wishes.schemas import HouseholdPageSchema, HouseholdSchema, HouseholdUpdateSchema, IdNumberSchema

blp = api_blueprint("households", __name__, url_prefix="/api/v1",
                    description="Beneficiary households (staff of the responsible organisation only)")


@token_route(blp, "/orgs/<int:org_id>/beneficiaries", query=CursorArgs, response=HouseholdPageSchema)
def list_beneficiaries(args, org_id):
    """List the organisation's households, private fields included (its staff); cursor-paginated."""
    stmt = beneficiaries.beneficiaries_of(g.user, get_organisation(org_id))
    stmt = stmt.options(selectinload(Beneficiary.district))
    return paginate(stmt, Beneficiary.id, args["cursor"], args["limit"])


@token_route(blp, "/orgs/<int:org_id>/beneficiaries",
             methods=("POST",), body=HouseholdSchema, code=201, response=HouseholdSchema)
def register_beneficiary(data, org_id):
    """Register a household with its consent (the organisation's staff); a pseudonym is suggested if left out."""
    if data["pseudonym"] is None:
        data["pseudonym"] = beneficiaries.suggest_pseudonym(data.get("full_name", ""))
    return beneficiaries.register_beneficiary(g.user, get_organisation(org_id), **data)


@token_route(blp, "/beneficiaries/<int:beneficiary_id>", response=HouseholdSchema)
def get_beneficiary(beneficiary_id):
    """Return a household in full (its organisation's staff and the verifying social worker)."""
    return beneficiaries.get_beneficiary(g.user, beneficiary_id)


@token_route(blp, "/beneficiaries/<int:beneficiary_id>",
             methods=("PATCH",), body=HouseholdUpdateSchema, response=HouseholdSchema)
def update_beneficiary(data, beneficiary_id):
    """Correct a household's details; the fields left out keep their values (staff or the verifier)."""
    return beneficiaries.update_beneficiary(g.user, beneficiary_id, **data)


@token_route(blp, "/beneficiaries/<int:beneficiary_id>/verification", methods=("POST",), response=HouseholdSchema)
def verify_beneficiary(beneficiary_id):
    """Record a verification visit; the next falls due after REVERIFY_MONTHS (12 by default; staff)."""
    return beneficiaries.verify_beneficiary(g.user, beneficiary_id)


@token_route(blp, "/beneficiaries/<int:beneficiary_id>/id-number", methods=("POST",), response=IdNumberSchema)
def reveal_id_number(beneficiary_id):
    """Return a household's whole ID number (its verifier and the organisation's admins); each call is audit-logged."""
    return {"id_number": identity.reveal_id_number(g.user, beneficiary_id)}
