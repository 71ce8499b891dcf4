"""API schemas for the signed-in user."""
from marshmallow import Schema, fields, validate

from marketplace.api.field_docs import PERSON_PHONE
from marketplace.auth.models import LOCALES, PublicDisplay


class MembershipSummarySchema(Schema):
    organisation_id = fields.Integer(dump_only=True)
    organisation_name_zh = fields.String(dump_only=True, attribute="organisation.name_zh")
    organisation_name_en = fields.String(dump_only=True, attribute="organisation.name_en")
    role = fields.String(dump_only=True)


class MeSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(dump_only=True)
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    phone = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=32),
                          metadata={"pattern": PERSON_PHONE, "description": "digits, spaces, + and - only"})
    public_display = fields.String(required=True, validate=validate.OneOf([p.value for p in PublicDisplay]))
    is_email_verified = fields.Boolean(dump_only=True)
    is_platform_admin = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    memberships = fields.List(fields.Nested(MembershipSummarySchema), dump_only=True)


class MeUpdateSchema(MeSchema):
    """MeSchema loaded with partial=True: send only what changes."""
