"""Red, yellow and green lights for listings and households, computed in SQL from the settings,
so the staff board stays fast with a hundred thousand listings."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal, or_, select

from config import settings
from marketplace.auth.models import User
from marketplace.orgs.models import District, Membership, Organisation, Role
from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.spreadsheet import BOM, local_moment, spreadsheet_safe, yuan
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.web.names import local_name
from marketplace.wishes.labels import CATEGORIES, KINDS, LIGHT_NAMES
from marketplace.wishes.models import Beneficiary, Listing, ListingStatus

S = ListingStatus
LIGHTS = ("red", "yellow", "green")
ON_BOARD = [s.value for s in (S.SUBMITTED, S.VERIFIED, S.PUBLISHED, S.CLAIMED, S.FULFILLED, S.EXPIRED)]
BOARD_PAGE = 100
CSV_HEADINGS = (_l("Code"), _l("Kind"), _l("Status"), _l("Light"), _l("Organisation"), _l("District"),
                _l("Category"), _l("Title"), _l("Value (yuan)"), _l("Status since"), _l("Claim deadline"))


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
    """Yield the board as CSV lines (UTF-8 with BOM for Excel) in the reader's words; public fields only."""
    yield BOM
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(heading) for heading in CSV_HEADINGS])
    orgs = {o.id: local_name(o) for o in db.session.scalars(select(Organisation).where(
        Organisation.id.in_(visible_orgs(user))))}
    districts = {d.id: local_name(d) for d in db.session.scalars(select(District))}
    offset = 0
    while True:
        rows = board(user, **filters, offset=offset, limit=1000)
        for listing, shade in rows:
            writer.writerow([spreadsheet_safe(cell) for cell in (
                listing.public_code, KINDS(listing.kind), Listing.machine.label(listing.status), LIGHT_NAMES(shade),
                orgs.get(listing.organisation_id, ""), districts.get(listing.district_id, ""),
                CATEGORIES(listing.category), listing.title, f"{yuan(listing.value_fen):.2f}",
                local_moment(listing.status_changed_at), local_moment(listing.claim_deadline_at))])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(rows) < 1000:
            return
        offset += 1000
