"""API: care paid in hours (ask, take on, confirm, dispute, settle, cancel) and hour pools.

A care request's recipient is named only to its requester, the volunteer who takes it on and
the arranging organisation's coordinators; the open list shows what, where and when.
"""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.field_docs import DISTRICT_ID, TIME_RANGE
from marketplace.api.pagination import CursorArgs, page_schema, paginate_by_time
from marketplace.ledger import service as ledger
from marketplace.orgs.service import get_organisation
from marketplace.platform.ids import MAX_ID
from marketplace.timebank.care import service as care
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.schemas import SiteDateTime

blp = api_blueprint("care", __name__, url_prefix="/api/v1",
                    description="Time bank: care paid in held hours, and community hour pools")


class CareSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID), metadata={
        "description": "the organisation whose volunteers give the care; an unknown one is refused (422)"})
    recipient_name = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=80))
    service = fields.String(required=True, validate=validate.OneOf(care.SERVICES))
    details = fields.String(load_default="", load_only=True, validate=validate.Length(max=2000))
    address = fields.String(load_default="", load_only=True, validate=validate.Length(max=200), metadata={
        "description": "where the care is given: shown to the matched volunteer until it is given"})
    contact = fields.String(load_default="", load_only=True, validate=validate.Length(max=100), metadata={
        "description": "phone or other contact: shown to the matched volunteer until the care is given"})
    district_id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": DISTRICT_ID})
    scheduled_at = SiteDateTime(required=True, metadata={"description": TIME_RANGE + "; not in the past"})
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=15, max=care.MAX_CARE_MINUTES))
    from_pool = fields.Boolean(load_default=False, load_only=True)
    idempotency_key = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=64))
    status = fields.String(dump_only=True)
    minutes_paid = fields.Integer(dump_only=True, allow_none=True)


class CareDetailSchema(CareSchema):
    recipient_name = fields.Method("_private_recipient", dump_only=True, allow_none=True,
                                   metadata={"description": "null unless you are involved"})
    details = fields.Method("_private_details", dump_only=True, allow_none=True)
    address = fields.Method("_private_address", dump_only=True, allow_none=True, metadata={
        "description": "null unless you asked for it, coordinate it, or are the matched volunteer before it is given"})
    contact = fields.Method("_private_contact", dump_only=True, allow_none=True,
                            metadata={"description": "null on the same terms as address"})
    provider_id = fields.Integer(dump_only=True, allow_none=True)
    requester_id = fields.Integer(dump_only=True)

    def _private_recipient(self, item: CareRequest) -> str | None:
        return item.recipient_name if _involved(item) else None

    def _private_details(self, item: CareRequest) -> str | None:
        return item.details if _involved(item) else None

    def _private_address(self, item: CareRequest) -> str | None:
        return item.address if care.may_see_contact(item, g.user) else None

    def _private_contact(self, item: CareRequest) -> str | None:
        return item.contact if care.may_see_contact(item, g.user) else None


class CareQuerySchema(CursorArgs):
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))


class NoteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=300))


class SettleSchema(NoteSchema):
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=care.MAX_CARE_MINUTES))


class PoolGiftSchema(Schema):
    minutes = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=6_000_000))
    idempotency_key = fields.String(required=True, validate=validate.Length(min=1, max=64))


class PoolSchema(Schema):
    organisation_id = fields.Integer()
    posted = fields.Integer()
    held = fields.Integer()
    available = fields.Integer()


def _involved(item: CareRequest) -> bool:
    return care.is_involved(item, g.user)


@token_route(blp, "/care", query=CareQuerySchema, response=page_schema(CareSchema, "CarePage"))
def list_care(args):
    """List care requests waiting for a volunteer, soonest first (cursor-paginated)."""
    return paginate_by_time(care.open_requests(args["district"]), CareRequest.scheduled_at, CareRequest.id,
                            args["cursor"], args["limit"])


@token_route(blp, "/care", methods=("POST",), body=CareSchema, code=201, response=CareDetailSchema)
def ask_for_care(data):
    """Ask for care; the minutes are held from your savings, or the pool for its coordinators."""
    key = data.pop("idempotency_key")
    return care.request_care(g.user, key=key, **data)


@token_route(blp, "/care/<int:care_id>", response=CareDetailSchema)
def get_care(care_id):
    """Return a care request you may see."""
    return care.get_care(care_id, g.user)


def _care_post(path: str, schema=None):
    """The decorators every care action shares: POST, read-write token, the detail in reply."""

    return token_route(blp, path, methods=("POST",), body=schema, response=CareDetailSchema)


@_care_post("/care/<int:care_id>/accept")
def accept_care(care_id):
    """Take the request on; exactly one volunteer wins (409 for the others)."""
    return care.accept(care_id, g.user)


@_care_post("/care/<int:care_id>/release")
def release_care(care_id):
    """As the matched volunteer, hand the request back before giving it (another may take it); its address
    and contact are hidden from you again."""
    return care.release(care_id, g.user)


@_care_post("/care/<int:care_id>/confirm")
def confirm_care(care_id):
    """As the requester, confirm the care was given: the held minutes go to the volunteer."""
    return care.confirm(care_id, g.user)


@_care_post("/care/<int:care_id>/dispute", NoteSchema)
def dispute_care(data, care_id):
    """As the requester, say the care was not given as agreed; a coordinator settles it."""
    return care.dispute(care_id, g.user, data["note"])


@_care_post("/care/<int:care_id>/settle", SettleSchema)
def settle_care(data, care_id):
    """As a coordinator, settle a dispute by paying some, all or none of the held minutes."""
    return care.settle(care_id, g.user, data["minutes"], data["note"])


@_care_post("/care/<int:care_id>/cancel")
def cancel_care(care_id):
    """As the requester, withdraw the request; the held minutes are released."""
    return care.cancel(care_id, g.user)


@token_route(blp, "/orgs/<int:org_id>/pool", response=PoolSchema)
def get_pool(org_id):
    """Return the organisation's community hour pool."""
    return _pool(get_organisation(org_id))


@token_route(blp, "/orgs/<int:org_id>/pool", methods=("POST",), body=PoolGiftSchema, response=PoolSchema)
def give_to_pool(data, org_id):
    """Give saved minutes to the organisation's pool; the same key gives once."""
    org = get_organisation(org_id)
    care.donate_to_pool(g.user, org.id, data["minutes"], key=data["idempotency_key"])
    return _pool(org)


def _pool(org) -> dict:
    balance = ledger.balance(care.pool_account(org))
    return {"organisation_id": org.id, "posted": balance.posted, "held": balance.held, "available": balance.available}
