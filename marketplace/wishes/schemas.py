"""API schemas for wishes and household needs.

The public listing schemas carry no personal data: a household appears only by pseudonym, age
band, district and category, and photos, notes and thanks stay out. `HouseholdSchema` holds
the private fields and is used only on answers `get_beneficiary` or `beneficiaries_of` has
already limited to the organisation's staff and the verifier.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.api.field_docs import DISTRICT_ID
from marketplace.api.pagination import CursorArgs, page_schema
from marketplace.orgs.schemas import DistrictSchema
from marketplace.platform.ids import MAX_ID
from marketplace.wishes.beneficiaries import ID_NUMBER, MASKED_ECHO, PHONE, is_verified
from marketplace.wishes.costs import costs_of
from marketplace.wishes.givers import giver_counts
from marketplace.wishes.identity import masked
from marketplace.wishes.lights import BOARD_PAGE, LIGHTS
from marketplace.wishes.models import (
    PUBLIC_STATUSES,
    AgeBand,
    ClaimMethod,
    ClaimStatus,
    FundingSource,
    HouseholdCategory,
    ListingKind,
    ListingStatus,
    PledgeStatus,
)
from marketplace.wishes.pledges import coverage
from marketplace.wishes.service import MAX_FEN, needs_over_cap_approval

KINDS = [k.value for k in ListingKind]
CATEGORIES = [c.value for c in HouseholdCategory]
AGE_BANDS = [a.value for a in AgeBand]
SOURCES = [s.value for s in FundingSource]
Fen = fields.Integer  # every amount of money is whole fen (¥1 = 100)
Id = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kw)  # noqa: E731


# --- listings ------------------------------------------------------------------------------------

class FundingLineSchema(Schema):
    """One source of a household need's co-funding plan."""

    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    amount_fen = Fen(required=True, strict=True, validate=validate.Range(min=1, max=MAX_FEN))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class CostLineSchema(Schema):
    """One line of what a household need's budget buys; a need's lines add up to its budget."""

    label = fields.String(required=True, validate=validate.Length(min=1, max=120))
    amount_fen = Fen(required=True, strict=True, validate=validate.Range(min=1, max=MAX_FEN))


class PublicFundingLineSchema(Schema):
    source = fields.String(dump_only=True, metadata={"enum": SOURCES})
    amount_fen = Fen(dump_only=True)


class CoverageSchema(Schema):
    budget_fen = Fen(dump_only=True)
    pledged_fen = Fen(dump_only=True, metadata={"description": "the part of the budget pledged or received"})
    received_fen = Fen(dump_only=True, metadata={"description": "money its fund has received, net of refunds"})
    left_fen = Fen(dump_only=True)
    by_source = fields.Dict(keys=fields.String(), values=Fen(), dump_only=True,
                            metadata={"description": "fen pledged by each source (government, firm, …)"})
    percent = fields.Integer(dump_only=True)


class CoverageField(fields.Nested):
    """A household need's pledges by source; null for other kinds."""

    def get_value(self, obj, attr, accessor=None, default=None):
        return coverage(obj) if obj.kind == ListingKind.HOUSEHOLD_NEED else None


class ListingPublicSchema(Schema):
    """A listing as anyone sees it: no name, phone, address, photo or note of the household."""

    code = fields.String(dump_only=True, attribute="public_code")
    kind = fields.String(dump_only=True, metadata={"enum": KINDS})
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ListingStatus]})
    organisation_id = fields.Integer(dump_only=True)
    organisation_name_zh = fields.String(dump_only=True, attribute="organisation.name_zh")
    organisation_name_en = fields.String(dump_only=True, attribute="organisation.name_en")
    district_id = fields.Integer(dump_only=True)
    district = fields.Nested(DistrictSchema, dump_only=True)
    category = fields.String(dump_only=True, metadata={"enum": CATEGORIES})
    pseudonym = fields.String(dump_only=True, attribute="beneficiary.pseudonym")
    age_band = fields.String(dump_only=True, attribute="beneficiary.age_band", metadata={"enum": AGE_BANDS})
    title = fields.String(dump_only=True)
    story = fields.String(dump_only=True)
    quantity = fields.Integer(dump_only=True)
    value_fen = Fen(dump_only=True, metadata={"description": "a wish's estimated value, a need's budget"})
    pledged_fen = Fen(dump_only=True, metadata={"description": "the part of the value or budget pledged or received"})
    received_fen = Fen(dump_only=True)
    left_fen = Fen(dump_only=True, metadata={"description": "what is still needed; 0 when fully funded"})
    is_funded = fields.Boolean(dump_only=True, metadata={"description": "fully funded: it takes no more money"})
    takes_gifts = fields.Function(lambda listing: listing.status == "published" and not listing.is_funded
                                  and listing.kind in ("wish", "household_need"), dump_only=True,
                                  metadata={"description": "true while it can be claimed, pledged to or given to"})
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    claim_deadline_at = fields.DateTime(dump_only=True, allow_none=True)
    delivered_at = fields.DateTime(dump_only=True, allow_none=True)


class ListingPublicDetailSchema(ListingPublicSchema):
    funding = fields.List(fields.Nested(PublicFundingLineSchema), dump_only=True, attribute="funding_lines",
                          metadata={"description": "the co-funding plan of a household need"})
    coverage = CoverageField(CoverageSchema, dump_only=True, allow_none=True)
    costs = fields.Function(lambda listing: CostLineSchema(many=True).dump(costs_of(listing)), dump_only=True,
                            metadata={"description": "what a household need's budget buys, line by line"})
    donors = fields.Function(lambda listing: giver_counts([listing.id]).get(listing.id, 0), dump_only=True,
                             metadata={"description": "how many donors gave to it or promised to"})


class ListingStaffSchema(ListingPublicDetailSchema):
    """A listing as its organisation's staff see it (still without the household's private fields)."""

    id = fields.Integer(dump_only=True)
    beneficiary_id = fields.Integer(dump_only=True)
    author_id = fields.Integer(dump_only=True)
    funding = fields.List(fields.Nested(FundingLineSchema), dump_only=True, attribute="funding_lines")
    needs_budget_approval = fields.Function(needs_over_cap_approval, dump_only=True)
    over_cap_approved_by_id = fields.Integer(dump_only=True, allow_none=True)
    over_cap_note = fields.String(dump_only=True)
    has_photo = fields.Function(lambda listing: bool(listing.photo_path), dump_only=True)
    delivered_by_id = fields.Integer(dump_only=True, allow_none=True)
    delivery_note = fields.String(dump_only=True)
    thanks_note = fields.String(dump_only=True)
    thanks_at = fields.DateTime(dump_only=True, allow_none=True)
    activity_id = fields.Integer(dump_only=True, allow_none=True)
    status_changed_at = fields.DateTime(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ListingUpdateSchema(Schema):
    """The fields of a draft that may change; those left out keep their values."""

    title = fields.String(validate=validate.Length(min=1, max=120))
    story = fields.String(validate=validate.Length(max=5000))
    quantity = fields.Integer(strict=True, validate=validate.Range(min=1, max=1000))
    value_fen = Fen(strict=True, validate=validate.Range(min=0, max=MAX_FEN),
                    metadata={"description": "a wish's estimated value or a need's budget, in fen"})
    funding = fields.List(fields.Nested(FundingLineSchema), validate=validate.Length(max=10),
                          metadata={"description": "household needs: the sources, adding up to the budget"})
    cost_rows = fields.List(fields.Nested(CostLineSchema), data_key="costs", validate=validate.Length(max=10),
                            metadata={"description": "household needs: what the budget buys, adding up to it"})


class ListingCreateSchema(ListingUpdateSchema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    story = fields.String(load_default="", validate=validate.Length(max=5000))
    quantity = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=1000))
    value_fen = Fen(load_default=0, strict=True, validate=validate.Range(min=0, max=MAX_FEN))
    funding = fields.List(fields.Nested(FundingLineSchema), load_default=list, validate=validate.Length(max=10))


class ListingQuerySchema(CursorArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in PUBLIC_STATUSES]))
    min_fen = Fen(load_default=None, validate=validate.Range(min=0, max=MAX_FEN))
    max_fen = Fen(load_default=None, validate=validate.Range(min=0, max=MAX_FEN))
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "words in the title, story or pseudonym (Chinese too)"})


ListingPageSchema = page_schema(ListingPublicSchema, "ListingPage")


class TransitionSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf([s.value for s in ListingStatus]),
                       metadata={"description": "submitted, draft, verified, published, withdrawn, confirmed "
                                                "or closed; a note is needed to return or withdraw"})
    note = fields.String(load_default="", validate=validate.Length(max=300))


class EventSchema(Schema):
    actor_id = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "null: the scheduler"})
    from_ = fields.String(dump_only=True, data_key="from", attribute="from_status")
    to = fields.String(dump_only=True, attribute="to_status")
    note = fields.String(dump_only=True)
    at = fields.DateTime(dump_only=True, attribute="created_at")


class ReasonSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=300))


class DeliverySchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=300))


class ThanksSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=2000))


# --- claims and pledges --------------------------------------------------------------------------

class WishClaimSchema(Schema):
    id = fields.Integer(dump_only=True)
    listing_code = fields.String(dump_only=True, attribute="listing.public_code")
    listing_title = fields.String(dump_only=True, attribute="listing.title")
    method = fields.String(load_default=ClaimMethod.IN_KIND.value,
                           validate=validate.OneOf([m.value for m in ClaimMethod]),
                           metadata={"description": "in_kind: bring the item to the station; money opens "
                                                    "with online donations"})
    organisation_id = Id(load_default=None, allow_none=True,
                         metadata={"description": "a firm you belong to, to claim on its behalf; any other "
                                                  "organisation is refused (422)"})
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ClaimStatus]})
    deadline_at = fields.DateTime(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    ended_at = fields.DateTime(dump_only=True, allow_none=True)


class PledgeSchema(Schema):
    id = fields.Integer(dump_only=True)
    listing_code = fields.String(dump_only=True, attribute="listing.public_code")
    listing_title = fields.String(dump_only=True, attribute="listing.title")
    amount_fen = Fen(required=True, strict=True, validate=validate.Range(min=1, max=MAX_FEN),
                     metadata={"description": "at least 100 (¥1), at most what is left of the budget"})
    organisation_id = Id(load_default=None, allow_none=True,
                         metadata={"description": "a firm or charity you belong to, to pledge on its behalf"})
    source = fields.String(dump_only=True, metadata={
        "enum": SOURCES, "description": "donor, firm or charity; shares of the government, a charity or the family "
                                        "are recorded as money received (POST /listings/{code}/shares)"})
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in PledgeStatus]})
    created_at = fields.DateTime(dump_only=True)
    ended_at = fields.DateTime(dump_only=True, allow_none=True)


WishClaimPageSchema = page_schema(WishClaimSchema, "WishClaimPage")
PledgePageSchema = page_schema(PledgeSchema, "PledgePage")


# --- the board -----------------------------------------------------------------------------------

class BoardQuerySchema(Schema):
    organisation = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    light = fields.String(load_default=None, validate=validate.OneOf(LIGHTS))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    limit = fields.Integer(load_default=BOARD_PAGE, validate=validate.Range(min=1, max=BOARD_PAGE))


class CountsQuerySchema(Schema):
    organisation = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))


class BoardItemSchema(Schema):
    """One row of the staff board: a listing and its light, red first."""

    light = fields.String(dump_only=True, metadata={"enum": list(LIGHTS)})
    code = fields.String(dump_only=True, attribute="listing.public_code")
    kind = fields.String(dump_only=True, attribute="listing.kind")
    status = fields.String(dump_only=True, attribute="listing.status")
    title = fields.String(dump_only=True, attribute="listing.title")
    organisation_id = fields.Integer(dump_only=True, attribute="listing.organisation_id")
    district_id = fields.Integer(dump_only=True, attribute="listing.district_id")
    category = fields.String(dump_only=True, attribute="listing.category")
    value_fen = Fen(dump_only=True, attribute="listing.value_fen")
    status_changed_at = fields.DateTime(dump_only=True, attribute="listing.status_changed_at")
    claim_deadline_at = fields.DateTime(dump_only=True, allow_none=True, attribute="listing.claim_deadline_at")


class CountsSchema(Schema):
    organisation_id = fields.Integer(dump_only=True)
    red = fields.Integer(dump_only=True)
    yellow = fields.Integer(dump_only=True)
    green = fields.Integer(dump_only=True)


# --- households (staff and the verifier only) ----------------------------------------------------

class MaskedIdNumber(fields.String):
    """An ID number taken whole but written masked (`************1234`); the whole number is given only by
    POST /api/v1/beneficiaries/<id>/id-number, to the household's verifier and the organisation's admins."""

    def _serialize(self, value, attr, obj, **kwargs):
        return masked(value)


class IdNumberSchema(Schema):
    id_number = fields.String(dump_only=True, metadata={"description": "the whole number (each reveal is logged)"})


class HouseholdUpdateSchema(Schema):
    """A household's fields that may change; those left out keep their values."""

    pseudonym = fields.String(validate=validate.Length(min=1, max=40),
                              metadata={"description": "the only name public pages show"})
    district_id = Id()
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    age_band = fields.String(validate=validate.OneOf(AGE_BANDS))
    full_name = fields.String(validate=validate.Length(min=1, max=80), metadata={"description": "private"})
    phone = fields.String(validate=validate.Length(max=32), metadata={"description": "private"})
    id_number = MaskedIdNumber(validate=validate.Length(max=32),
                               metadata={"description": "private; written masked as ************1234"})
    address = fields.String(validate=validate.Length(max=200), metadata={"description": "private"})
    notes = fields.String(validate=validate.Length(max=5000), metadata={"description": "private"})
    consent_on = fields.Date(metadata={"description": "the day the household consented"})
    consent_scope = fields.String(validate=validate.Length(min=1, max=300))


class HouseholdSchema(HouseholdUpdateSchema):
    """A household in full, private fields included: only for its organisation's staff and the verifier."""

    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True, attribute="public_code")
    organisation_id = fields.Integer(dump_only=True)
    pseudonym = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                              metadata={"description": "leave out to get a suggested one"})
    district_id = Id(required=True, metadata={"description": DISTRICT_ID})
    district = fields.Nested(DistrictSchema, dump_only=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    age_band = fields.String(required=True, validate=validate.OneOf(AGE_BANDS))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=32),
                          metadata={"pattern": f"^$|{PHONE.pattern}", "description": "private"})
    id_number = MaskedIdNumber(load_default="", validate=validate.Length(max=32),
                               metadata={"pattern": f"^$|{MASKED_ECHO.pattern}|{ID_NUMBER.pattern}",
                                         "description": "private; written masked as ************1234"})
    address = fields.String(load_default="", validate=validate.Length(max=200))
    notes = fields.String(load_default="", validate=validate.Length(max=5000))
    consent_on = fields.Date(required=True, metadata={"description": "the day the household consented; not in "
                                                                  "the future"})
    consent_scope = fields.String(required=True, validate=validate.Length(min=1, max=300))
    registered_by_id = fields.Integer(dump_only=True)
    verified_by_id = fields.Integer(dump_only=True, allow_none=True)
    verified_at = fields.DateTime(dump_only=True, allow_none=True)
    reverify_due_on = fields.Date(dump_only=True, allow_none=True)
    is_verified = fields.Function(is_verified, dump_only=True)
    last_helped_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)


HouseholdPageSchema = page_schema(HouseholdSchema, "HouseholdPage")
