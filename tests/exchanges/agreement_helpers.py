"""Fixtures of the agreements' tests: an organisation's exchange with a coordinator and members, and posts made
directly with the models (the join and post services have tests of their own)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from marketplace.exchanges.models import AgreementStatus, ExchangeAgreement, ExchangeMember, ExchangePost, PostStatus
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.timebank.accounts import savings_account

_keys = iter(range(1, 10**6))


def join(org, user, *, birth_year=1980, approved=5, district_id=1) -> ExchangeMember:
    """Make the user a member of the organisation's exchange (`approved`: exchanges already approved)."""
    member = ExchangeMember(organisation_id=org.id, user_id=user.id, birth_year=birth_year, district_id=district_id,
                            exchanges_approved=approved)
    db.session.add(member)
    db.session.commit()
    return member


def make_post(member, *, kind="offer", place="outside", category="companionship", minutes=60,
              title="陪老人聊天", district_id=1) -> ExchangePost:
    """An open post of the member."""
    post = ExchangePost(organisation_id=member.organisation_id, member_id=member.id, created_by_id=member.user_id,
                        kind=kind, title=title, category=category, district_id=district_id, place=place,
                        minutes=minutes, active_until=local_today() + timedelta(days=30))
    ExchangePost.machine.start(post, PostStatus.ACTIVE)
    db.session.commit()
    return post


def save_minutes(user, minutes: int) -> None:
    """Give the user saved minutes (as approved volunteer hours would)."""
    ledger.post([(ledger.platform_account("hours_issued"), -minutes), (savings_account(user), minutes)],
                cause=Cause.test(f"exchange-savings-{next(_keys)}-{user.id}"), kind="hours.attendance")
    db.session.commit()


def soon(days: int = 2):
    return now_utc().replace(microsecond=0) + timedelta(days=days)


def time_passes(agreement) -> None:
    """Move the agreed time into the past, as if the day of the service had come."""
    db.session.execute(update(ExchangeAgreement).where(ExchangeAgreement.id == agreement.id)
                       .values(starts_at=now_utc() - timedelta(hours=2)))
    db.session.commit()
    db.session.expire_all()


def exchange_entries(agreement_id: int) -> int:
    """Count the ledger entries of the agreement (its cause is the idempotency key)."""
    return db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.idempotency_key == f"exchange:{agreement_id}"))


@pytest.fixture
def exchange(create_user, create_org):
    """A charity's exchange: a coordinator, Ann (offers companionship), Ben (asks for a walk to the clinic),
    an elderly member Wang (no phone), and their posts."""
    coordinator = create_user(email="coordinator@example.org", display_name="Coordinator Li")
    ann = create_user(email="ann@example.org", display_name="Ann")
    ben = create_user(email="ben@example.org", display_name="Ben")
    wang = create_user(email="wang@example.org", display_name="Wang")
    org = create_org("charity", {coordinator: "coordinator", ann: "member", ben: "member", wang: "member"})
    members = SimpleNamespace(ann=join(org, ann), ben=join(org, ben), wang=join(org, wang, birth_year=1940))
    offer = make_post(members.ann, kind="offer", title="Chats and tea")
    request = make_post(members.ben, kind="request", category="health_escort", title="Walk to the clinic")
    return SimpleNamespace(org=org, coordinator=coordinator, ann=ann, ben=ben, wang=wang, m=members, offer=offer,
                           request=request)


__all__ = ["AgreementStatus", "exchange", "exchange_entries", "join", "make_post", "save_minutes", "soon",
           "time_passes"]
