"""The posts part of the exchange world for the access-policy and bad-input tests (tests/test_access_policy.py,
tests/test_bad_input.py): the charity's staff member and its admin join its exchange, and the staff member posts
an offer with a photo. Returns the ids its routes name: `post_code` (the offer) and `exchange_member_id` (the
staff member's membership)."""
from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from marketplace.exchanges import members, posts
from marketplace.platform.timeutil import local_today
from tests.files import png_bytes


def posts_of(charity, people) -> dict:
    """`people` holds "staff" (staff of the charity, who posts) and "org_admin" (its admin: a coordinator)."""
    year = local_today().year
    staff = members.join(people["staff"], charity, year - 35, 1, "会修自行车")
    members.join(people["org_admin"], charity, year - 50, 1, "")
    photo = FileStorage(io.BytesIO(png_bytes((8, 8))), filename="bike.png", content_type="image/png")
    offer = posts.create(people["staff"], staff, "offer", "教用智能手机", "微信、视频通话", "teaching", 1, "outside",
                         "周末", 60, photo=photo)
    return {"post_code": offer.code, "exchange_member_id": staff.id}
