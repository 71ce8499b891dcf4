"""Helpers of the posts tests: a valid post's fields, and posting one."""
from __future__ import annotations

from marketplace.exchanges import posts


def fields(**overrides) -> dict:
    """A valid post's fields, changed by `overrides`."""
    return {"kind": "offer", "title": "Teach smartphone use", "body": "WeChat, photos, video calls.",
            "category": "teaching", "district": 1, "place": "outside", "when_text": "Weekends",
            "minutes": 60, **overrides}


def post(by, member, **overrides):
    """Post for `member` (by `by`) with valid fields changed by `overrides`."""
    return posts.create(by, member, **fields(**overrides))
