"""Offers and requests: a member's post, open until withdrawn, taken down or past its end date.

Every verb takes `by` (who clicked) and the member whose post it is; a coordinator may post, edit and
withdraw for a member of their exchange ("by X for Y" in the audit log), and takes posts down after a
report. A member under EXCHANGE_ADULT_AGE may not offer a service in someone's home. `search` finds only
open posts, newest first, a page at a time, never between members who blocked each other.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, or_, select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.exchanges.access import acting_for, audit_acting, is_coordinator, member_ids
from marketplace.exchanges.members import district_of, is_adult
from marketplace.exchanges.models import (
    Category,
    ExchangeMember,
    ExchangePost,
    MemberBlock,
    Place,
    PostKind,
    PostStatus,
)
from marketplace.notifications.service import notify
from marketplace.orgs.models import Membership, Role
from marketplace.platform import search as words
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import local_day
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today
from marketplace.web import uploads

PS = PostStatus
TITLE_MIN, TITLE_MAX, BODY_MAX, WHEN_MAX, REASON_MAX = 4, 80, 2000, 120, 300
MINUTES_MIN, MINUTES_MAX = 15, 600
PHOTO_SIDE = 1600
NOT_OPEN = _l("This post is no longer open.")
NO_HOME_VISITS = _l("Members under %(age)d cannot offer services in someone's home. Choose meeting outside, "
                    "or by phone or video.")


def default_end() -> date:
    return local_today() + timedelta(days=settings.EXCHANGE_POST_DAYS)


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _checked(member: ExchangeMember, kind: str, title, body, category, district, place, when_text, minutes,
             active_until) -> dict:
    """Check a post's fields together; return the cleaned values. :raise InvalidInput: naming each bad field."""
    fields: dict[str, list] = {}
    title, body, when_text = (title or "").strip(), (body or "").strip(), (when_text or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        fields["title"] = [_l("Write a title of %(low)d to %(high)d characters.", low=TITLE_MIN, high=TITLE_MAX)]
    if len(body) > BODY_MAX:
        fields["body"] = [_l("Write at most %(n)d characters.", n=BODY_MAX)]
    if len(when_text) > WHEN_MAX:
        fields["when_text"] = [_l("Write at most %(n)d characters.", n=WHEN_MAX)]
    if category not in {c.value for c in Category}:
        fields["category"] = [_l("Choose what kind of help from the list.")]
    if place not in {p.value for p in Place}:
        fields["place"] = [_l("Choose where the service happens.")]
    elif kind == PostKind.OFFER and place == Place.HOME and not is_adult(member):
        fields["place"] = [_l(NO_HOME_VISITS, age=settings.EXCHANGE_ADULT_AGE)]
    try:
        minutes = int(str(minutes).strip())
    except (TypeError, ValueError):
        minutes = 0
    if not MINUTES_MIN <= minutes <= MINUTES_MAX:
        fields["minutes"] = [_l("Enter the time it takes in minutes, from %(low)d to %(high)d.",
                                low=MINUTES_MIN, high=MINUTES_MAX)]
    today, last = local_today(), default_end()
    end = _as_date(active_until) if active_until not in (None, "") else last
    if end is None or not today <= end <= last:
        fields["active_until"] = [_l("Choose an end date from today to %(last)s.", last=local_day(last))]
    try:
        found = district_of(district)
    except InvalidInput as error:
        fields |= error.fields
        found = None
    if fields:
        raise InvalidInput(fields=fields)
    return {"title": title, "body": body, "category": category, "district_id": found.id, "place": place,
            "when_text": when_text, "minutes": minutes, "active_until": end}


def _photo(upload) -> str:
    """Store a chosen photo as a re-encoded JPEG without metadata; return its stored name ('' when none)."""
    if upload is None or not getattr(upload, "filename", ""):
        return ""
    original, content_type = uploads.store(upload, "photo", "exchanges/originals")
    try:
        if content_type not in ("image/jpeg", "image/png"):
            raise InvalidInput(fields={"photo": [_l("Choose a photo (JPEG or PNG).")]})
        return uploads.without_metadata(original, "photo", "exchanges/photos", PHOTO_SIDE)
    finally:
        uploads.path_of(original).unlink(missing_ok=True)  # only the clean copy is kept


def create(by: User, member: ExchangeMember, kind: str, title: str, body: str, category: str, district, place: str,
           when_text: str, minutes, active_until=None, photo=None) -> ExchangePost:
    """Post an offer or a request for the member (by them, or by a coordinator for them).

    :raise NotFound: `by` may not act for the member. :raise InvalidInput: naming each field to correct.
    """
    acting_for(by, member)
    if kind not in {k.value for k in PostKind}:
        raise InvalidInput(fields={"kind": [_l("Choose an offer or a request.")]})
    values = _checked(member, kind, title, body, category, district, place, when_text, minutes, active_until)
    post = ExchangePost(organisation_id=member.organisation_id, member_id=member.id, created_by_id=by.id,
                        kind=kind, photo_path=_photo(photo), **values)
    ExchangePost.machine.start(post, PS.ACTIVE, by=by)
    db.session.flush()
    audit_acting("exchanges.post_created", by, member, post, kind=kind)
    db.session.commit()
    return post


def _locked(code: str) -> ExchangePost:
    post = db.session.scalar(select(ExchangePost).where(ExchangePost.code == str(code)[:12]).with_for_update())
    if post is None:
        raise NotFound()
    return post


def edit(by: User, code: str, title: str, body: str, category: str, district, place: str, when_text: str, minutes,
         active_until=None, photo=None, drop_photo: bool = False) -> ExchangePost:
    """Change an open post (its member, or a coordinator for them); a new photo replaces the old one.

    :raise NotFound: no such post, or `by` may not act for its member. :raise Conflict: it is not open.
    :raise InvalidInput: as `create`.
    """
    post = _locked(code)
    acting_for(by, post.member)
    if post.status != PS.ACTIVE:
        raise Conflict(NOT_OPEN)
    values = _checked(post.member, post.kind, title, body, category, district, place, when_text, minutes,
                      active_until)
    new_photo, old_photo = _photo(photo), post.photo_path
    if new_photo or drop_photo:
        values["photo_path"] = new_photo
    for key, value in values.items():
        setattr(post, key, value)
    audit_acting("exchanges.post_edited", by, post.member, post)
    db.session.commit()
    if old_photo and old_photo != post.photo_path:
        uploads.path_of(old_photo).unlink(missing_ok=True)  # replaced or removed: not kept
    return post


def withdraw(by: User, code: str) -> ExchangePost:
    """Close an open post for good (its member, or a coordinator for them).

    :raise NotFound: as `edit`. :raise Conflict: it was no longer open (withdrawn twice, ended, taken down).
    """
    post = by_code(code)
    acting_for(by, post.member)
    if not ExchangePost.machine.move_if(post.id, PS.ACTIVE, PS.WITHDRAWN, by=by):
        db.session.rollback()
        raise Conflict(NOT_OPEN)
    db.session.refresh(post)
    audit_acting("exchanges.post_withdrawn", by, post.member, post)
    db.session.commit()
    return post


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not 3 <= len(reason) <= REASON_MAX:
        raise InvalidInput(fields={"reason": [_l("Say why in 3 to %(n)d characters: the member reads it.",
                                                 n=REASON_MAX)]})
    return reason


def hide(by: User, code: str, reason: str) -> ExchangePost:
    """Take an open post down (a coordinator of its exchange), telling its member why.

    :raise NotFound: no such post, or `by` does not coordinate its exchange. :raise Conflict: it is not open.
    :raise InvalidInput: no reason given.
    """
    return _turn(by, code, reason, PS.ACTIVE, PS.HIDDEN, "exchanges.post_hidden", "exchange_post_hidden")


def unhide(by: User, code: str, reason: str) -> ExchangePost:
    """Put a post taken down back (the report was unfounded), telling its member. Raises as `hide`."""
    return _turn(by, code, reason, PS.HIDDEN, PS.ACTIVE, "exchanges.post_unhidden", "exchange_post_shown")


def _turn(by, code, reason, expected, to, action, kind) -> ExchangePost:
    post = by_code(code)
    if not is_coordinator(by, post.organisation_id):
        raise NotFound()
    reason = _check_reason(reason)
    if not ExchangePost.machine.move_if(post.id, expected, to, by=by, why=reason):
        db.session.rollback()
        raise Conflict(_l("This post changed meanwhile; reload the page."))
    db.session.refresh(post)
    record(action, actor=by, subject=post, reason=reason)
    notify(post.member.user, kind, link=("exchanges.post", {"post_code": post.code}), title=post.title,
           reason=reason)
    db.session.commit()
    return post


def expire_due(today: date | None = None) -> int:
    """Close every open post whose end date has passed (the daily sweep); return how many."""
    today = today or local_today()
    ids = ExchangePost.machine.move_all((ExchangePost.active_until < today,), PS.ACTIVE, PS.EXPIRED, why="sweep")
    db.session.commit()
    return len(ids)


def by_code(code: str) -> ExchangePost:
    """Return a post by its code. :raise NotFound: there is none."""
    post = db.session.scalar(select(ExchangePost).where(ExchangePost.code == str(code)[:12]))
    if post is None:
        raise NotFound()
    return post


def mine(member_ids: list[int]) -> list[ExchangePost]:
    """Return the posts of these members (a user's memberships), open ones first, then newest first."""
    if not member_ids:
        return []
    rows = db.session.scalars(select(ExchangePost).where(ExchangePost.member_id.in_(member_ids))
                              .order_by(ExchangePost.id.desc()).limit(200))
    return sorted(rows, key=lambda p: p.status != PS.ACTIVE)


# --- who sees what ------------------------------------------------------------------------------------------

def viewable_orgs(viewer: User | None) -> list[int]:
    """Return the ids of the organisations whose exchange the viewer may browse (they are a member there)."""
    if viewer is None or not viewer.is_active:
        return []
    ranks = {r.value for r in Role}
    return sorted(m.organisation_id for m in db.session.scalars(select(Membership).where(
        Membership.user_id == viewer.id)) if m.role in ranks)


def not_blocked(viewer: User):
    """SQL: the post's member and the viewer have not blocked each other (either way)."""
    mine_ids = member_ids(viewer)
    if not mine_ids:
        return True
    return ~exists().where(or_(
        and_(MemberBlock.blocker_id.in_(mine_ids), MemberBlock.blocked_id == ExchangePost.member_id),
        and_(MemberBlock.blocked_id.in_(mine_ids), MemberBlock.blocker_id == ExchangePost.member_id)))


def is_blocked_pair(first_ids: list[int], second_ids: list[int]) -> bool:
    """Tell whether any of the first members and any of the second blocked each other."""
    if not first_ids or not second_ids:
        return False
    return db.session.scalar(select(exists().where(or_(
        and_(MemberBlock.blocker_id.in_(first_ids), MemberBlock.blocked_id.in_(second_ids)),
        and_(MemberBlock.blocker_id.in_(second_ids), MemberBlock.blocked_id.in_(first_ids)))))) or False


def visible(viewer: User | None, code: str) -> ExchangePost:
    """Return the post the viewer may see: an open one of an exchange they belong to (unless one of them blocked
    the other), any post of theirs, or any of an exchange they coordinate.

    :raise NotFound: anything else, alike whether or not it exists.
    """
    post = by_code(code)
    if viewer is None or not viewer.is_active:
        raise NotFound()
    if post.member.user_id == viewer.id or is_coordinator(viewer, post.organisation_id):
        return post
    if (post.status == PS.ACTIVE and post.organisation_id in viewable_orgs(viewer)
            and not is_blocked_pair(member_ids(viewer), [post.member_id])):
        return post
    raise NotFound()


PAGE = 20


def search(viewer: User | None, org_id=None, kind: str = "", category: str = "", district_id=None, text: str = "",
           after=None, page_size: int = PAGE) -> tuple[list[ExchangePost], int | None]:
    """Find open posts of one exchange (or of every exchange the viewer belongs to), newest first, filtered by
    kind, category, district and words; return one page and the cursor of the next (None at the end).

    Unknown filter values are ignored (the whole list shows), never an error.
    """
    orgs = viewable_orgs(viewer)
    wanted = as_id(org_id)
    if wanted is not None:
        orgs = [o for o in orgs if o == wanted]
    if not orgs:
        return [], None
    query = select(ExchangePost).join(ExchangeMember, ExchangeMember.id == ExchangePost.member_id).join(
        User, User.id == ExchangeMember.user_id).where(
        ExchangePost.organisation_id.in_(orgs), ExchangePost.status == PS.ACTIVE,
        ExchangePost.active_until >= local_today(), User.is_active.is_(True), not_blocked(viewer))
    if kind in {k.value for k in PostKind}:
        query = query.where(ExchangePost.kind == kind)
    if category in {c.value for c in Category}:
        query = query.where(ExchangePost.category == category)
    if (district := as_id(district_id)) is not None:
        query = query.where(ExchangePost.district_id == district)
    if text and (condition := words.matching(str(text)[:100], ExchangePost.title, ExchangePost.body)) is not None:
        query = query.where(condition)
    if (cursor := as_id(after)) is not None:
        query = query.where(ExchangePost.id < cursor)
    rows = list(db.session.scalars(query.order_by(ExchangePost.id.desc()).limit(page_size + 1)))
    more = len(rows) > page_size
    rows = rows[:page_size]
    return rows, rows[-1].id if more else None
