"""A member's profile as other members of the exchange see it: the name they chose to show, what they wrote
about themselves, their district, their open offers, the hours they gave and received (totals only, never with
whom) and the words others endorsed them with. Never their phone, address or birth year."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.auth.service import public_name
from marketplace.exchanges.access import is_coordinator
from marketplace.exchanges.members import member_by_id
from marketplace.exchanges.models import (
    AgreementStatus,
    Endorsement,
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


def endorsements_of(member_id: int, most: int = 20) -> list[tuple[str, str]]:
    """Return the latest endorsements of the member: their words and their authors' public names."""
    rows = db.session.execute(select(Endorsement.text, User).join(
        ExchangeMember, ExchangeMember.id == Endorsement.author_id).join(User, User.id == ExchangeMember.user_id)
        .where(Endorsement.subject_id == member_id).order_by(Endorsement.id.desc()).limit(most))
    return [(text, public_name(user)) for text, user in rows]


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
        mine = list(db.session.scalars(select(ExchangeMember.id).where(ExchangeMember.user_id == viewer.id)))
        if member.organisation_id not in viewable_orgs(viewer) or is_blocked_pair(mine, [member.id]):
            raise NotFound()
    offers = list(db.session.scalars(select(ExchangePost).where(
        ExchangePost.member_id == member.id, ExchangePost.kind == PostKind.OFFER,
        ExchangePost.status == PostStatus.ACTIVE, ExchangePost.active_until >= local_today())
        .order_by(ExchangePost.id.desc())))
    given, received = minutes_moved(member.id)
    return Profile(member, public_name(member.user), offers, given, received, endorsements_of(member.id), own)
