"""API schemas for organisations, members and invitations; public ones carry no personal data."""
from marshmallow import Schema, fields, validate

from marketplace.api.field_docs import DISTRICT_ID, EMAIL
from marketplace.api.pagination import CursorArgs, page_schema
from marketplace.orgs.models import OrgKind, Role

KINDS = [k.value for k in OrgKind]
ROLES = [r.value for r in Role]
NAME = {"description": "at least one letter or digit (in any script); no other organisation's name once case, "
                       "spaces and punctuation are set aside (409)"}
CREDIT_CODE = "^$|^[0-9A-HJ-NPQRTUWXY]{18}$"


class DistrictSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    name_zh = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)


class OrganisationPublicSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=120), metadata=NAME)
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=160), metadata=NAME)
    district_id = fields.Integer(required=True, load_only=True, strict=True, metadata={"description": DISTRICT_ID})
    district = fields.Nested(DistrictSchema, dump_only=True)
    description = fields.String(load_default="", validate=validate.Length(max=4000))
    contact_name = fields.String(load_default="", validate=validate.Length(max=80))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=32))
    contact_email = fields.String(load_default="", validate=validate.Length(max=254), metadata=EMAIL)
    registered_name = fields.String(load_default="", validate=validate.Length(max=200))
    credit_code = fields.String(load_default="", allow_none=True, validate=validate.Length(max=40),
                                metadata={"pattern": CREDIT_CODE, "description": "统一社会信用代码: 18 characters "
                                          "(digits and capitals but I, O, Z, S, V), the last a check character "
                                          "computed from the others; a wrong check character is refused (422)"})
    address = fields.String(load_default="", validate=validate.Length(max=300))
    is_verified = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class OrganisationUpdateSchema(OrganisationPublicSchema):
    class Meta:
        exclude = ("kind",)


class OrganisationQuerySchema(CursorArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    district = fields.Integer(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=100))
    verified = fields.Boolean(load_default=False)


OrganisationPageSchema = page_schema(OrganisationPublicSchema, "OrganisationPage")


class MemberSchema(Schema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    display_name = fields.String(dump_only=True, attribute="user.display_name")
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    created_at = fields.DateTime(dump_only=True)


class MemberRoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class InvitationSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String(required=True, validate=validate.Length(min=3, max=254), metadata=EMAIL)
    role = fields.String(load_default=Role.MEMBER.value, validate=validate.OneOf(ROLES))
    expires_at = fields.DateTime(dump_only=True)
