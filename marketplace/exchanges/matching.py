"""The daily digest of matching requests: a member who opted in hears, at most once a day, of the new requests
of their exchange in their district whose category is one they offer (or one they chose).

Each member's day is claimed by a guarded UPDATE of `last_digest_on` before they are told, so runs at once
(cron and the worker's round) tell each member once. The digest sent on day T covers the requests created from
the start of their previous digest's day to the start of T: no request twice, none missed.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from marketplace.auth.models import User
from marketplace.exchanges.access import acting_for, audit_acting
from marketplace.exchanges.models import Category, ExchangeMember, ExchangePost, PostKind, PostStatus
from marketplace.exchanges.posts import is_blocked_pair
from marketplace.notifications.service import notify
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today

PS = PostStatus


def choose(by: User, member: ExchangeMember, wanted: bool, categories: list[str]) -> ExchangeMember:
    """Opt the member in or out of the daily digest, for the categories chosen (none: those they offer).

    :raise NotFound: `by` may not act for the member. :raise InvalidInput: an unknown category.
    """
    acting_for(by, member)
    known = {c.value for c in Category}
    chosen = [c for c in dict.fromkeys(categories or []) if c]
    if any(c not in known for c in chosen):
        raise InvalidInput(fields={"match_categories": [_l("Choose categories from the list.")]})
    member.match_digest, member.match_categories = bool(wanted), ",".join(chosen)
    audit_acting("exchanges.digest_chosen", by, member, member, wanted=bool(wanted))
    db.session.commit()
    return member


def categories_of(member: ExchangeMember) -> list[str]:
    """The categories the member hears about: those chosen, else those of their open offers."""
    chosen = [c for c in (member.match_categories or "").split(",") if c]
    if chosen:
        return chosen
    return sorted(set(db.session.scalars(select(ExchangePost.category).where(
        ExchangePost.member_id == member.id, ExchangePost.kind == PostKind.OFFER, ExchangePost.status == PS.ACTIVE))))


def matches(member: ExchangeMember, today: date) -> list[ExchangePost]:
    """The open requests created since the member's last digest, before today, that match them."""
    categories = categories_of(member)
    if not categories:
        return []
    since = day_start(member.last_digest_on) if member.last_digest_on else day_start(today, -1)
    query = select(ExchangePost).where(
        ExchangePost.organisation_id == member.organisation_id, ExchangePost.kind == PostKind.REQUEST,
        ExchangePost.status == PS.ACTIVE, ExchangePost.member_id != member.id,
        ExchangePost.category.in_(categories), ExchangePost.created_at >= since,
        ExchangePost.created_at < day_start(today))
    if member.district_id is not None:
        query = query.where(ExchangePost.district_id == member.district_id)
    rows = list(db.session.scalars(query.order_by(ExchangePost.id.desc())))
    return [p for p in rows if not is_blocked_pair([member.id], [p.member_id])]


def send_digests(today: date | None = None) -> int:
    """Tell each opted-in member (once today) of the requests matching them; return how many were told."""
    today = today or local_today()
    due = or_(ExchangeMember.last_digest_on.is_(None), ExchangeMember.last_digest_on < today)
    ids = list(db.session.scalars(select(ExchangeMember.id).where(ExchangeMember.match_digest.is_(True), due)
                                  .order_by(ExchangeMember.id)))
    db.session.rollback()
    return sum(_send_one(member_id, today) for member_id in ids)


def _send_one(member_id: int, today: date) -> int:
    member = db.session.get(ExchangeMember, member_id)
    found = matches(member, today) if member.user.is_active else []
    claimed = db.session.execute(update(ExchangeMember).where(
        ExchangeMember.id == member_id, or_(ExchangeMember.last_digest_on.is_(None),
                                            ExchangeMember.last_digest_on < today))
        .values(last_digest_on=today).execution_options(synchronize_session=False)).rowcount
    if claimed != 1 or not found:
        db.session.commit() if claimed == 1 else db.session.rollback()
        return 0
    notify(member.user, "exchange_matches", link=("exchanges.search", {"kind": PostKind.REQUEST.value}),
           count=len(found), title=found[0].title)
    db.session.commit()
    return 1
