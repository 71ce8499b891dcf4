"""Red, yellow and green lights for listings and households, computed in SQL from the settings,
so the staff board stays fast with a hundred thousand listings."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

from sqlalchemy import and_, case, func, literal, or_, select

from config import settings
from marketplace.auth.models import User
from marketplace.orgs.models import Membership, Organisation, Role
from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.wishes.models import Beneficiary, Listing, ListingStatus

S = ListingStatus
LIGHTS = ("red", "yellow", "green")
ON_BOARD = [s.value for s in (S.SUBMITTED, S.VERIFIED, S.PUBLISHED, S.CLAIMED, S.FULFILLED, S.EXPIRED)]
BOARD_PAGE = 100


def listing_light(now=None):
    """SQL for a listing's light: red when overdue or left unhelped too long, yellow when close."""
    now = now or now_utc()
    days = lambda count: now - timedelta(days=count)  # noqa: E731
    status, since, deadline = Listing.status, Listing.status_changed_at, Listing.claim_deadline_at
    return case(
        (status == S.EXPIRED.value, literal("red")),
        (and_(status == S.CLAIMED.value, deadline < now), literal("red")),
        (and_(status == S.PUBLISHED.value, since < days(settings.WISHES_UNCLAIMED_RED_DAYS)), literal("red")),
        (and_(status == S.CLAIMED.value, deadline < now + timedelta(days=settings.WISHES_DEADLINE_YELLOW_DAYS)),
         literal("yellow")),
        (and_(status == S.PUBLISHED.value, since < days(settings.WISHES_UNCLAIMED_YELLOW_DAYS)), literal("yellow")),
        (and_(status == S.FULFILLED.value, since < days(settings.WISHES_UNCONFIRMED_YELLOW_DAYS)), literal("yellow")),
        else_=literal("green"),
    )


def beneficiary_light(now=None):
    """SQL for a household's light: red when re-verification is overdue, yellow when unhelped for long."""
    now = now or now_utc()
    unhelped = now - timedelta(days=settings.WISHES_UNHELPED_YELLOW_DAYS)
    return case(
        (or_(Beneficiary.reverify_due_on.is_(None), Beneficiary.reverify_due_on < local_today()), literal("red")),
        (func.coalesce(Beneficiary.last_helped_at, Beneficiary.created_at) < unhelped, literal("yellow")),
        else_=literal("green"),
    )


def visible_orgs(user: User):
    """Organisations whose board the user may read: where they are staff; all for platform admins."""
    if user.is_platform_admin:
        return select(Organisation.id)
    staff = [r.value for r in Role if r.rank >= Role.STAFF.rank]
    return select(Membership.organisation_id).where(Membership.user_id == user.id, Membership.role.in_(staff))


def _filtered(stmt, user: User, light, organisation_id=None, district_id=None, category=None, colour=None):
    stmt = stmt.where(Listing.status.in_(ON_BOARD), Listing.organisation_id.in_(visible_orgs(user)))
    if organisation_id:
        stmt = stmt.where(Listing.organisation_id == organisation_id)
    if district_id:
        stmt = stmt.where(Listing.district_id == district_id)
    if category:
        stmt = stmt.where(Listing.category == category)
    if colour in LIGHTS:
        stmt = stmt.where(light == colour)
    return stmt


def require_board(user: User | None) -> None:
    """Only staff (of any organisation) and platform admins read the board."""
    if user is None or not (user.is_platform_admin or db.session.scalar(select(func.count()).select_from(
            visible_orgs(user).subquery()))):
        raise Forbidden()


def board(user: User, *, organisation_id=None, district_id=None, category=None, light=None,
          offset: int = 0, limit: int = BOARD_PAGE) -> list[tuple[Listing, str]]:
    """Return listings with their lights, red first, then the longest waiting."""
    require_board(user)
    colour = listing_light()
    order = case((colour == "red", 0), (colour == "yellow", 1), else_=2)
    stmt = _filtered(select(Listing, colour), user, colour, organisation_id, district_id, category, light)
    rows = db.session.execute(stmt.order_by(order, Listing.status_changed_at, Listing.id).offset(offset).limit(limit))
    return [(listing, shade) for listing, shade in rows]


def counts(user: User, *, organisation_id=None, district_id=None, category=None) -> dict[int, dict[str, int]]:
    """Return {organisation id: {light: count}} over the board's listings."""
    require_board(user)
    colour = listing_light()
    stmt = _filtered(select(Listing.organisation_id, colour, func.count()), user, colour, organisation_id,
                     district_id, category)
    result: dict[int, dict[str, int]] = {}
    for org_id, shade, n in db.session.execute(stmt.group_by(Listing.organisation_id, colour)):
        result.setdefault(org_id, dict.fromkeys(LIGHTS, 0))[shade] = n
    return result


def households(user: User, organisation_id: int, light=None) -> list[tuple[Beneficiary, str]]:
    """Return an organisation's households with their lights, red first."""
    colour = beneficiary_light()
    stmt = select(Beneficiary, colour).where(Beneficiary.organisation_id == organisation_id,
                                             Beneficiary.organisation_id.in_(visible_orgs(user)))
    if light in LIGHTS:
        stmt = stmt.where(colour == light)
    order = case((colour == "red", 0), (colour == "yellow", 1), else_=2)
    return [(b, shade) for b, shade in db.session.execute(stmt.order_by(order, Beneficiary.id))]


def board_csv(user: User, **filters) -> Iterator[str]:
    """Yield the board as CSV lines (UTF-8 with BOM for Excel); public fields only."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "kind", "status", "light", "organisation_id", "district_id", "category", "title",
                     "value_fen", "status_changed_at", "claim_deadline_at"])
    offset = 0
    while True:
        rows = board(user, **filters, offset=offset, limit=1000)
        for listing, shade in rows:
            writer.writerow([listing.public_code, listing.kind, listing.status, shade, listing.organisation_id,
                             listing.district_id, listing.category, _safe(listing.title), listing.value_fen,
                             listing.status_changed_at.isoformat(),
                             listing.claim_deadline_at.isoformat() if listing.claim_deadline_at else ""])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < 1000:
            return
        offset += 1000


def _safe(cell: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
