"""JSON shapes of the exchange's posts: what a member of the exchange may read of an offer or request (the
member by the name they chose to show; never their phone, address or birth year), and the search's filters."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.api.pagination import CursorArgs, page_schema
from marketplace.auth.service import public_name
from marketplace.exchanges.models import Category, PostKind
from marketplace.platform.ids import MAX_ID


class PostSchema(Schema):
    code = fields.String(dump_only=True, metadata={"description": "the post's code, in its address"})
    organisation_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"description": "offer or request"})
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    district_id = fields.Integer(dump_only=True)
    place = fields.String(dump_only=True, metadata={"description": "home, outside or online"})
    when_text = fields.String(dump_only=True)
    minutes = fields.Integer(dump_only=True, metadata={"description": "estimated minutes"})
    active_until = fields.Date(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "active, withdrawn, expired or hidden"})
    has_photo = fields.Method("_has_photo", dump_only=True)
    member_id = fields.Integer(dump_only=True)
    member_name = fields.Method("_member_name", dump_only=True,
                                metadata={"description": "as the member chose to appear (a name, masked or anonymous)"})
    created_at = fields.DateTime(dump_only=True)

    def _has_photo(self, post) -> bool:
        return bool(post.photo_path)

    def _member_name(self, post) -> str:
        return public_name(post.member.user)


class PostQuerySchema(CursorArgs):
    org = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID),
                         metadata={"description": "one exchange (default: every exchange you belong to)"})
    kind = fields.String(load_default="", validate=validate.OneOf([k.value for k in PostKind]))
    category = fields.String(load_default="", validate=validate.OneOf([c.value for c in Category]))
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    q = fields.String(load_default="", validate=validate.Length(max=100),
                      metadata={"description": "words in the title or details (Chinese too)"})


PostPageSchema = page_schema(PostSchema, "ExchangePostPage")
