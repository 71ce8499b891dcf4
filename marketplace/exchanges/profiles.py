"""A member's profile as other members of the exchange see it: the name they chose to show, what they wrote
about themselves, their district, their open offers, the hours they gave and received (totals only, never with
whom) and the words others endorsed them with. Never their phone, address or birth year."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from marketplace.auth.models import User
from marketplace.auth.service import public_name
from marketplace.exchanges import endorsements
from marketplace.exchanges.access import is_coordinator, member_ids
from marketplace.exchanges.members import member_by_id
from marketplace.exchanges.models import (
    AgreementStatus,
    ExchangeAgreement,
    ExchangeMember,
    ExchangePost,
    PostKind,
    PostStatus,
)
from marketplace.exchanges.posts import is_blocked_pair, viewable_orgs
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


@dataclass
class Profile:
    member: ExchangeMember
    name: str
    offers: list[ExchangePost]
    minutes_given: int
    minutes_received: int
    endorsements: list[tuple[str, str]]  # (text, author's public name), newest first
    is_own: bool


def minutes_moved(member_id: int) -> tuple[int, int]:
    """Return the minutes the member gave and received in confirmed agreements."""
    def total(column) -> int:
        return int(db.session.scalar(select(func.coalesce(func.sum(ExchangeAgreement.minutes), 0)).where(
            column == member_id, ExchangeAgreement.status == AgreementStatus.CONFIRMED)) or 0)
    return total(ExchangeAgreement.giver_id), total(ExchangeAgreement.receiver_id)


def _endorsements(member: ExchangeMember, most: int = 20) -> list[tuple[str, str]]:
    """The latest endorsements of the member (`endorsements.endorsements_of`) with their authors' public names."""
    found = endorsements.endorsements_of(member, limit=most)
    authors = {m.id: m.user for m in db.session.scalars(select(ExchangeMember).options(
        joinedload(ExchangeMember.user)).where(ExchangeMember.id.in_({e.author_id for e in found})))}
    return [(e.text, public_name(authors.get(e.author_id))) for e in found]


def profile(viewer: User | None, member_id: int) -> Profile:
    """Return the member's profile for the viewer: a member of the same exchange not blocked either way, a
    coordinator of it, or the member themselves.

    :raise NotFound: anyone else, alike whether or not the member exists.
    """
    member = member_by_id(member_id)
    if viewer is None or not viewer.is_active:
        raise NotFound()
    own = member.user_id == viewer.id
    if not own and not is_coordinator(viewer, member.organisation_id):
        if member.organisation_id not in viewable_orgs(viewer) or is_blocked_pair(member_ids(viewer), [member.id]):
            raise NotFound()
    offers = list(db.session.scalars(select(ExchangePost).where(
        ExchangePost.member_id == member.id, ExchangePost.kind == PostKind.OFFER,
        ExchangePost.status == PostStatus.ACTIVE, ExchangePost.active_until >= local_today())
        .order_by(ExchangePost.id.desc())))
    given, received = minutes_moved(member.id)
    return Profile(member, public_name(member.user), offers, given, received, _endorsements(member), own)
