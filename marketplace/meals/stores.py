"""A firm's stores and bases: registering one, its name, address and serving windows, pausing, reopening
and closing it, and a base's stock of blind boxes. Staff of the firm run them; platform admins may too.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.meals import days
from marketplace.meals.access import get_store, is_platform_staff, may_run
from marketplace.meals.models import (
    MealPermit,
    MealReservation,
    MealStockItem,
    MealStore,
    MealWindow,
    PermitKind,
    PermitStatus,
    ReservationStatus,
    StoreKind,
    StoreStatus,
)
from marketplace.notifications.service import notify
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import require
from marketplace.platform.checks import reason_given, text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.state_change import StateChange
from marketplace.platform.timeutil import local_today
from marketplace.referrals.dispatch import staff_of

S = StoreStatus
KINDS = (PermitKind.LICENCE.value, PermitKind.HYGIENE.value)  # both needed, verified and in date, to open
PERMIT_EXPIRED = "permit expired"  # why the sweep paused a store: a new permit verified opens it again
MAX_WINDOWS = 6
MAX_QUANTITY = 100_000
MAX_VALUE_FEN = 10**8
_TIME = r"\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*"
_WINDOW = re.compile(_TIME + r"[-－–—~～至到]" + _TIME)
_SPLIT = re.compile(r"[,，;；、\n]+")


def parse_windows(text) -> list[tuple[int, int]]:
    """Read serving windows typed as "11:00-13:30, 17:00-19:00" into (opens, closes) minutes after midnight.

    :raise InvalidInput: on "windows", when one is not written as a time range, is not in the day, ends before
        it starts, or when they are not in order or overlap.
    """
    if not isinstance(text, str) or "\x00" in text or len(text) > 200:
        raise InvalidInput(fields={"windows": [_l("Write the serving times like 11:00-13:30, 17:00-19:00.")]})
    parts = [part.strip() for part in _SPLIT.split(text) if part.strip()]
    if not parts:
        raise InvalidInput(fields={"windows": [_l("Write at least one serving time, like 11:00-13:30.")]})
    if len(parts) > MAX_WINDOWS:
        raise InvalidInput(fields={"windows": [_l("Write at most %(n)d serving times.", n=MAX_WINDOWS)]})
    windows: list[tuple[int, int]] = []
    for part in parts:
        found = _WINDOW.fullmatch(part)
        if found is None:
            raise InvalidInput(fields={"windows": [_l(
                "“%(part)s” is not a serving time. Write it like 11:00-13:30.", part=part[:30])]})
        h1, m1, h2, m2 = (int(g) for g in found.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise InvalidInput(fields={"windows": [_l(
                "“%(part)s” is not a time of the day (00:00 to 24:00).", part=part[:30])]})
        opens, closes = h1 * 60 + m1, h2 * 60 + m2
        if closes <= opens:
            raise InvalidInput(fields={"windows": [_l(
                "“%(part)s” ends before it starts. Serving times stay within one day.", part=part[:30])]})
        if windows and opens < windows[-1][1]:
            raise InvalidInput(fields={"windows": [_l(
                "“%(part)s” overlaps or comes before the time written before it. Write them in order, "
                "from morning to evening.", part=part[:30])]})
        windows.append((opens, closes))
    return windows


def in_date(store: MealStore, kind: str, day: date | None = None) -> MealPermit | None:
    """Return the store's verified permit of `kind` in date on `day` (today), the one lasting longest."""
    day = day or local_today()
    return db.session.scalar(select(MealPermit).where(
        MealPermit.store_id == store.id, MealPermit.kind == kind, MealPermit.status == PermitStatus.VERIFIED,
        MealPermit.expires_on >= day).order_by(MealPermit.expires_on.desc(), MealPermit.id.desc()).limit(1))


def permits_ready(store: MealStore, day: date | None = None) -> bool:
    """Tell whether the store holds a verified licence and a verified hygiene permit, both in date."""
    return all(in_date(store, kind, day) is not None for kind in KINDS)


def paused_for_permits(store: MealStore) -> bool:
    """Tell whether the store is paused because a permit expired (by the sweep), not by a person's choice."""
    if store.status != S.PAUSED:
        return False
    last = db.session.scalar(select(StateChange.reason).where(
        StateChange.machine == MealStore.machine.name, StateChange.subject_id == store.id,
        StateChange.to_state == S.PAUSED.value).order_by(StateChange.id.desc()).limit(1))
    return last == PERMIT_EXPIRED


def format_windows(store: MealStore) -> str:
    """Write a store's windows back the way they are typed."""
    return ", ".join(f"{days.hm(w.opens_at)}-{days.hm(w.closes_at)}" for w in store.windows)


def _details(errors: dict, name, address) -> tuple[str, str]:
    return text_field(errors, "name", name, 120), text_field(errors, "address", address, 300)


def _firm(actor: User, firm_id) -> Organisation:
    firm = db.session.get(Organisation, as_id(firm_id)) if as_id(firm_id) else None
    if firm is None or not (may_run(actor, firm) or is_platform_staff(actor)):
        raise NotFound()
    return firm


def register_store(actor: User, firm_id, *, kind, name, address, district_id, windows) -> MealStore:
    """Register a firm's restaurant or base, waiting for its permits to be checked. Commit.

    :raise NotFound: the actor is not staff of the firm. :raise InvalidInput: a field is wrong.
    """
    firm = _firm(actor, firm_id)
    errors: dict = {}
    name, address = _details(errors, name, address)
    if kind not in {k.value for k in StoreKind}:
        errors["kind"] = [_l("Choose a kind from the list.")]
    district = db.session.get(District, as_id(district_id)) if as_id(district_id) else None
    if district is None:
        errors["district_id"] = [_l("Choose a district from the list.")]
    try:
        parsed = parse_windows(windows)
    except InvalidInput as problem:
        errors |= problem.fields
        parsed = []
    if errors:
        raise InvalidInput(fields=errors)
    store = MealStore(organisation_id=firm.id, kind=kind, name=name, address=address, district_id=district.id,
                      created_by_id=actor.id, windows=[MealWindow(opens_at=o, closes_at=c) for o, c in parsed])
    MealStore.machine.start(store, S.PENDING, by=actor, why="registered")
    db.session.flush()
    record("meals.store_registered", actor=actor, subject=store)
    db.session.commit()
    return store


def locked(actor: User, store_id) -> MealStore:
    """Return a store the actor runs, its row locked and read fresh. :raise NotFound: otherwise."""
    store = get_store(actor, store_id)
    return db.session.scalar(select(MealStore).where(MealStore.id == store.id).with_for_update(key_share=True)
                             .execution_options(populate_existing=True))


def _not_closed(store: MealStore) -> None:
    if store.status == S.CLOSED:
        raise Conflict(_l("This store is closed."))


def edit_store(actor: User, store_id, *, name, address, windows) -> MealStore:
    """Change a store's name, address and serving windows. Commit."""
    errors: dict = {}
    name, address = _details(errors, name, address)
    try:
        parsed = parse_windows(windows)
    except InvalidInput as problem:
        errors |= problem.fields
        parsed = []
    if errors:
        raise InvalidInput(fields=errors)
    store = locked(actor, store_id)
    _not_closed(store)
    store.name, store.address = name, address
    store.windows = [MealWindow(opens_at=o, closes_at=c) for o, c in parsed]
    record("meals.store_edited", actor=actor, subject=store)
    db.session.commit()
    return store


def resync(store: MealStore) -> None:
    """Set today's and tomorrow's counters again after the store's offer changed (flushed)."""
    today = local_today()
    for day in (today, today.fromordinal(today.toordinal() + 1)):
        days.resync_day(store, day)


def tell_firm(store: MealStore, kind: str, actor: User | None = None, **params) -> None:
    """Notify the firm's staff (but the one who acted) about its store (flushed with the caller's change)."""
    for person in staff_of(store.organisation_id):
        if actor is None or person.id != actor.id:
            notify(person, kind, link=("meals.store", {"meal_store_id": store.id}), store=store.name, **params)


def pause_store(actor: User, store_id, reason) -> MealStore:
    """Pause an open store, saying why: it offers no meals until reopened (meals already taken stay). Commit."""
    why = reason_given(reason)
    store = locked(actor, store_id)
    if store.status != S.OPEN:
        raise Conflict(_l("Only an open store can be paused."))
    MealStore.machine.move(store, S.PAUSED, by=actor, why=why, pause_reason=why)
    db.session.flush()
    resync(store)
    tell_firm(store, "meals_store_paused", actor, reason=why)
    db.session.commit()
    return store


def reopen_store(actor: User, store_id) -> MealStore:
    """Open a paused store again, if its licence and hygiene permit are verified and in date. Commit."""
    store = locked(actor, store_id)
    if store.status != S.PAUSED:
        raise Conflict(_l("Only a paused store can be opened again."))
    if not permits_ready(store):
        raise Conflict(_l("The store opens again when its business licence and food business permit are both "
                          "checked and in date. Upload the new one first."))
    MealStore.machine.move(store, S.OPEN, by=actor, why="reopened", pause_reason="")
    db.session.flush()
    resync(store)
    db.session.commit()
    return store


def close_store(actor: User, store_id, reason) -> MealStore:
    """Close a store for good, saying why (meals already taken stay). Commit."""
    why = reason_given(reason)
    store = locked(actor, store_id)
    _not_closed(store)
    MealStore.machine.move(store, S.CLOSED, by=actor, why=why, pause_reason=why)
    db.session.flush()
    resync(store)
    tell_firm(store, "meals_store_paused", actor, reason=why)
    db.session.commit()
    return store


def stores_to_review(actor: User, limit: int) -> list[MealStore]:
    """Platform admins: stores waiting for checks first, then paused, open and closed ones.

    :raise NotFound: not a platform admin.
    """
    require(actor, "admin.access")
    first = case({S.PENDING.value: 0, S.PAUSED.value: 1, S.OPEN.value: 2}, value=MealStore.status, else_=3)
    return list(db.session.scalars(select(MealStore).order_by(first, MealStore.id).limit(limit)))


# --- a base's stock of blind boxes ----------------------------------------------------------------------

def _quantity(errors: dict, value) -> int:
    if type(value) is not int or not 0 <= value <= MAX_QUANTITY:
        errors["quantity"] = [_l("Enter a whole number from 0 to %(n)d.", n=MAX_QUANTITY)]
        return 0
    return value


def add_stock_item(actor: User, store_id, *, name, quantity, value_fen=0) -> MealStockItem:
    """Add something a base hands out as a blind box, with how many there are. Commit."""
    errors: dict = {}
    name = text_field(errors, "name", name, 120)
    quantity = _quantity(errors, quantity)
    if type(value_fen) is not int or not 0 <= value_fen <= MAX_VALUE_FEN:
        errors["value"] = [_l("Enter an amount in yuan, for example 15 or 15.50.")]
    if errors:
        raise InvalidInput(fields=errors)
    store = locked(actor, store_id)
    _not_closed(store)
    if store.kind != StoreKind.BASE:
        raise Conflict(_l("Only a base hands out blind boxes."))
    item = MealStockItem(store_id=store.id, name=name, quantity=quantity, value_fen=value_fen)
    db.session.add(item)
    db.session.flush()
    record("meals.stock_added", actor=actor, subject=store, item_id=item.id)
    db.session.commit()
    return item


def _item(actor: User, item_id) -> MealStockItem:
    item = db.session.get(MealStockItem, as_id(item_id)) if as_id(item_id) else None
    if item is None:
        raise NotFound()
    locked(actor, item.store_id)
    return db.session.scalar(select(MealStockItem).where(MealStockItem.id == item.id).with_for_update()
                             .execution_options(populate_existing=True))


def set_stock_quantity(actor: User, item_id, quantity) -> MealStockItem:
    """Set how many of a stock item are left (after counting the shelf). Commit."""
    errors: dict = {}
    quantity = _quantity(errors, quantity)
    if errors:
        raise InvalidInput(fields=errors)
    item = _item(actor, item_id)
    if not item.is_active:
        raise Conflict(_l("This item is no longer handed out."))
    item.quantity = quantity
    record("meals.stock_counted", actor=actor, subject=item, quantity=quantity)
    db.session.commit()
    return item


def deactivate_stock_item(actor: User, item_id) -> MealStockItem:
    """Stop handing out a stock item (blind boxes already reserved stay). Commit."""
    item = _item(actor, item_id)
    item.is_active = False
    record("meals.stock_stopped", actor=actor, subject=item)
    db.session.commit()
    return item


def stock_of(store: MealStore) -> list[MealStockItem]:
    return list(db.session.scalars(select(MealStockItem).where(MealStockItem.store_id == store.id)
                                   .order_by(MealStockItem.is_active.desc(), MealStockItem.id)))


def stores_of_firm(firm: Organisation) -> list[MealStore]:
    return list(db.session.scalars(select(MealStore).where(MealStore.organisation_id == firm.id)
                                   .order_by(MealStore.id)))


def stock_store(actor: User, item_id) -> MealStore:
    """Return the base a stock item belongs to, if the actor runs it; NotFound otherwise."""
    item = db.session.get(MealStockItem, as_id(item_id)) if as_id(item_id) else None
    if item is None:
        raise NotFound()
    return get_store(actor, item.store_id)


def counts_today(store: MealStore) -> dict:
    """Return today's counts at a store, without making its counter: meals offered, reserved (not yet
    collected) and served; for a base, blind boxes left and handed out. Counts only, never who."""
    today = local_today()
    if store.kind == StoreKind.BASE:
        by_status = dict(db.session.execute(select(MealReservation.status, func.count()).where(
            MealReservation.store_id == store.id, MealReservation.day == today).group_by(MealReservation.status)).all())
        left = sum(i.quantity for i in stock_of(store) if i.is_active)
        return {"offered": left, "reserved": by_status.get(ReservationStatus.RESERVED.value, 0),
                "served": by_status.get(ReservationStatus.REDEEMED.value, 0), "boxes_left": left}
    found = days.get_day(store.id, today)
    if found is None:
        return {"offered": days.offered_on(store, today)[1], "reserved": 0, "served": 0, "boxes_left": None}
    return {"offered": found.offered, "reserved": found.taken - found.served, "served": found.served,
            "boxes_left": None}
