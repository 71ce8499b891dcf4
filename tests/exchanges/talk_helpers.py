"""Fixtures of the talk tests: an exchange (an organisation) with members and a coordinator, and an open post,
made directly with the models (the join and post services have tests of their own)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from marketplace.exchanges.models import ExchangeMember, ExchangePost, PostStatus
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def join(org, user, *, birth_year=1980, joined_by=None) -> ExchangeMember:
    """Make `user` a member of the organisation's exchange (`joined_by`: a coordinator, for them)."""
    member = ExchangeMember(organisation_id=org.id, user_id=user.id, birth_year=birth_year, district_id=1,
                            joined_by_id=joined_by.id if joined_by else None)
    db.session.add(member)
    db.session.commit()
    return member


def make_post(member, *, title="教用智能手机", kind="offer", status=PostStatus.ACTIVE) -> ExchangePost:
    """An open post of the member (an offer by default), in district 1."""
    post = ExchangePost(organisation_id=member.organisation_id, member_id=member.id, created_by_id=member.user_id,
                        kind=kind, title=title, body="周末下午", category="teaching", district_id=1, place="outside",
                        minutes=60, active_until=local_today() + timedelta(days=30))
    ExchangePost.machine.start(post, status, by=member.user_id)
    db.session.commit()
    return post


@pytest.fixture
def talk_world(create_user, create_org):
    """An exchange with Ann (an offer of hers), Bob, Gran (no phone, joined by the coordinator), a coordinator
    and a stranger coordinating another exchange."""
    ann = create_user(email="ann@example.org", display_name="Ann", phone="13800138000")
    bob = create_user(email="bob@example.org", display_name="Bob", phone="13900139000")
    gran = create_user(email="gran@example.org", display_name="Gran")
    coord = create_user(email="coord@example.org", display_name="Carol")
    stranger = create_user(email="stranger@example.org", display_name="Sam")
    org = create_org("charity", {ann: "member", bob: "member", gran: "member", coord: "coordinator"})
    create_org("charity", {stranger: "coordinator"}, name_zh="别的机构", name_en="Other Org")
    members = SimpleNamespace(ann=join(org, ann), bob=join(org, bob), gran=join(org, gran, birth_year=1938,
                                                                                joined_by=coord))
    post = make_post(members.ann)
    return SimpleNamespace(org=org, ann=ann, bob=bob, gran=gran, coord=coord, stranger=stranger, m=members,
                           post=post)
