"""The agreements' part of the access-policy and bad-input worlds (tests/test_access_policy.py,
tests/test_bad_input.py): in the charity's exchange, "donor" offers companionship ("post_code") and "volunteer"
asked to agree on it ("agreement_code", waiting for the donor's answer). The charity's staff and admins
coordinate its exchange. Members and the post are made with the models (the join and post services have tests
of their own)."""
from __future__ import annotations

from datetime import timedelta

from marketplace.exchanges import agreements
from marketplace.exchanges.models import ExchangeMember, ExchangePost, PostStatus
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc


def agreements_of(charity, people) -> dict:
    """Return {"post_code", "agreement_code"}. `people` holds "donor" (offers) and "volunteer" (asks)."""
    giver = ExchangeMember(organisation_id=charity.id, user_id=people["donor"].id, birth_year=1975, district_id=1,
                           exchanges_approved=5)
    receiver = ExchangeMember(organisation_id=charity.id, user_id=people["volunteer"].id, birth_year=1950,
                              district_id=1, exchanges_approved=5)
    db.session.add_all([giver, receiver])
    db.session.flush()
    post = ExchangePost(organisation_id=charity.id, member_id=giver.id, created_by_id=giver.user_id, kind="offer",
                        title="陪老人聊天", category="companionship", district_id=1, place="outside", minutes=60,
                        active_until=local_today() + timedelta(days=30))
    ExchangePost.machine.start(post, PostStatus.ACTIVE)
    db.session.commit()
    asked = agreements.propose(people["volunteer"], receiver, post, now_utc().replace(microsecond=0)
                               + timedelta(days=3), 60, "周二下午可以吗？")
    return {"post_code": post.code, "agreement_code": asked.code}
