"""Care paid in hours: the hours are held when care is asked for, posted to the volunteer who
gave it once the requester confirms (or a coordinator settles a dispute), released if cancelled.
An organisation's hour pool, filled by volunteers' donations, pays for people who have no hours.

Each verb that moves hours is one transaction repeated after a deadlock (`@retried`): it takes the care
request's row, then the hold, then the ledger's rows in the ledger's one order (docs/ledger.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.ledger import holds
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.queries import hold_for
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import can, require
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.platform.transactions import retried
from marketplace.timebank.accounts import savings_account
from marketplace.timebank.care.models import CareRequest, CareStatus

SERVICES = ("home_visit", "meal_delivery", "hospital_escort", "cleaning", "shopping", "companionship", "other")
MAX_CARE_MINUTES = 12 * 60


def pool_account(org: Organisation | int):
    """Return the organisation's community pool of donated minutes."""
    return ledger.open_account("organisation", getattr(org, "id", org), "hour_pool")


@retried
def donate_to_pool(user: User, organisation_id, minutes, *, key: str):
    """Give saved minutes to an organisation's community hour pool, once per `key` (the client's)."""
    org = _organisation(organisation_id)
    if type(minutes) is not int or not 1 <= minutes <= 6_000_000:
        raise InvalidInput(fields={"minutes": [_l("Enter a whole number of minutes, at least 1.")]})
    entry = ledger.post([(savings_account(user), -minutes), (pool_account(org), minutes)],
                        cause=Cause(CauseKind.POOL, user.id, key),
                        kind="hours.pool_donation", actor=user)
    record("hours.donated_to_pool", actor=user, subject=org, minutes=minutes)
    return entry


@retried
def request_care(requester: User, *, organisation_id, recipient_name: str, service: str, details: str,
                 district_id, scheduled_at: datetime | None, minutes, from_pool: bool = False,
                 key: str, address: str = "", contact: str = "") -> CareRequest:
    """Ask for care for a named person; the minutes are held now (from the pool for coordinators).

    `address` and `contact` say where to go and whom to call; see `may_see_contact` for who reads them.
    """
    fields: dict[str, list] = {}
    org = db.session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if org is None:
        fields["organisation_id"] = [_l("Choose an organisation from the list.")]
    if not (recipient_name or "").strip() or len(recipient_name) > 80:
        fields["recipient_name"] = [_l("Enter the name of the person to be cared for (up to 80 characters).")]
    if service not in SERVICES:
        fields["service"] = [_l("Choose a service from the list.")]
    if len(details or "") > 2000:
        fields["details"] = [_l("Use at most %(n)d characters.", n=2000)]
    for name, value, limit in (("address", address, 200), ("contact", contact, 100)):
        if len(value or "") > limit:
            fields[name] = [_l("Use at most %(n)d characters.", n=limit)]
    if not is_id(district_id) or db.session.get(District, district_id) is None:
        fields["district_id"] = [_l("Choose a district from the list.")]
    if scheduled_at is None or scheduled_at < now_utc() - timedelta(hours=1):
        fields["scheduled_at"] = [_l("Choose a time that has not passed.")]
    if type(minutes) is not int or not 15 <= minutes <= MAX_CARE_MINUTES:
        fields["minutes"] = [_l("Choose between %(low)d and %(high)d minutes.", low=15, high=MAX_CARE_MINUTES)]
    if fields:
        raise InvalidInput(fields=fields)
    if from_pool:
        require(requester, "org.approve_hours", org)
    cause = Cause(CauseKind.CARE, requester.id, key)
    earlier = hold_for(cause)
    if earlier is not None:
        existing = db.session.scalar(select(CareRequest).where(CareRequest.hold_id == earlier.id))
        if existing is not None:
            return existing
    source = pool_account(org) if from_pool else savings_account(requester)
    held = holds.hold(source, minutes, cause=cause, expires_at=scheduled_at + timedelta(days=30),
                      memo=service, actor=requester)
    care = CareRequest(requester_id=requester.id, organisation_id=org.id,
                       pool_organisation_id=org.id if from_pool else None, recipient_name=recipient_name.strip(),
                       service=service, details=(details or "").strip(), district_id=district_id,
                       address=(address or "").strip(), contact=(contact or "").strip(),
                       scheduled_at=scheduled_at, minutes=minutes, hold_id=held.id)
    CareRequest.machine.start(care, CareStatus.OPEN, requester, "asked for care")
    db.session.flush()
    record("care.requested", actor=requester, subject=care, minutes=minutes, from_pool=from_pool)
    return care


def open_requests(district_id: int | None = None):
    """Return a query of care requests waiting for a volunteer, soonest first."""
    stmt = select(CareRequest).where(CareRequest.status == CareStatus.OPEN).order_by(CareRequest.scheduled_at)
    return stmt.where(CareRequest.district_id == district_id) if district_id else stmt


def mine(user: User) -> list[CareRequest]:
    """Care the user asked for or gives."""
    return list(db.session.scalars(select(CareRequest).where(
        (CareRequest.requester_id == user.id) | (CareRequest.provider_id == user.id)).order_by(CareRequest.id.desc())))


def is_involved(care: CareRequest, user: User) -> bool:
    """The requester, the volunteer and the arranging coordinators: the only people told who the care is for."""
    return user.id in (care.requester_id, care.provider_id) or can(user, "org.approve_hours", care.organisation)


def may_see_contact(care: CareRequest, user: User | None) -> bool:
    """Who reads the address and contact: the requester and the arranging coordinators always; the matched
    volunteer only while the care is to be given (not before matching, nor once it is given, cancelled or
    handed back); nobody else."""
    if user is None:
        return False
    if user.id == care.requester_id or can(user, "org.approve_hours", care.organisation):
        return True
    return user.id == care.provider_id and care.status == CareStatus.ACCEPTED


def get_care(care_id, user: User) -> CareRequest:
    """Return a care request its requester, provider, a volunteer who may accept it, or a coordinator may see."""
    care = db.session.get(CareRequest, care_id) if is_id(care_id) else None
    if care is None or not (care.status == CareStatus.OPEN or is_involved(care, user)):
        raise NotFound()
    return care


def accept(care_id, provider: User) -> CareRequest:
    """Take on an open request; exactly one volunteer wins, the others are told it is taken."""
    care = db.session.get(CareRequest, care_id) if is_id(care_id) else None
    if care is None:
        raise NotFound()
    if care.requester_id == provider.id:
        raise Conflict(_l("You cannot take on your own request."))
    taken = CareRequest.machine.move_if(care.id, CareStatus.OPEN, CareStatus.ACCEPTED, provider, "taken on",
                                        provider_id=provider.id, updated_at=now_utc())
    if not taken:
        db.session.rollback()
        raise Conflict(_l("Another volunteer has already taken this request."))
    record("care.accepted", actor=provider, subject=care)
    db.session.commit()
    db.session.refresh(care)
    return care


def release(care_id, provider: User) -> CareRequest:
    """The matched volunteer cannot come after all: the request is open again for another volunteer, and
    its address and contact are no longer theirs to see."""
    care = get_care(care_id, provider)
    if care.provider_id != provider.id or care.status != CareStatus.ACCEPTED:
        raise Conflict(_l("Only the volunteer who took this request on can hand it back, before it is given."))
    _move(care, CareStatus.ACCEPTED, CareStatus.OPEN, provider, "handed back",
          conditions=(CareRequest.provider_id == provider.id,), provider_id=None)
    record("care.released", actor=provider, subject=care)
    db.session.commit()
    db.session.refresh(care)
    return care


@retried
def confirm(care_id, requester: User, minutes: int | None = None, note: str = "") -> CareRequest:
    """The requester confirms the care was given; the held minutes go to the volunteer."""
    care = get_care(care_id, requester)
    if care.requester_id != requester.id:
        raise NotFound()
    _move(care, CareStatus.ACCEPTED, CareStatus.SETTLED, requester, note or "confirmed by the requester")
    return _pay(care, requester, care.minutes if minutes is None else minutes, note)


def dispute(care_id, requester: User, note: str) -> CareRequest:
    """The requester says the care was not given as agreed; a coordinator will settle it."""
    care = get_care(care_id, requester)
    if care.requester_id != requester.id:
        raise NotFound()
    if not (note or "").strip() or len(note) > 300:
        raise InvalidInput(fields={"note": [_l("Say what went wrong (up to 300 characters).")]})
    _move(care, CareStatus.ACCEPTED, CareStatus.DISPUTED, requester, note.strip())
    care.note = note.strip()
    record("care.disputed", actor=requester, subject=care, note=care.note)
    db.session.commit()
    return care


@retried
def settle(care_id, coordinator: User, minutes, note: str) -> CareRequest:
    """A coordinator settles a dispute: pay some, all or none of the held minutes."""
    care = get_care(care_id, coordinator)
    require(coordinator, "org.approve_hours", care.organisation)
    if coordinator.id in (care.requester_id, care.provider_id):
        raise Conflict(_l("Nobody may settle a request they are part of; ask another coordinator."))
    note = reason_given(note, "note")
    _move(care, CareStatus.DISPUTED, CareStatus.SETTLED, coordinator, note)
    return _pay(care, coordinator, minutes, note)


@retried
def cancel(care_id, requester: User) -> CareRequest:
    """Withdraw a request that has not been given yet; the held minutes are released."""
    care = get_care(care_id, requester)
    if care.requester_id != requester.id:
        raise NotFound()
    _move(care, (CareStatus.OPEN, CareStatus.ACCEPTED), CareStatus.CANCELLED, requester, "cancelled by the requester")
    holds.void_hold(care.hold_id, reason="cancelled by the requester", actor=requester)
    record("care.cancelled", actor=requester, subject=care)
    return care


def _move(care: CareRequest, before, after: CareStatus, by: User, why: str, conditions=(), **values) -> None:
    """Change status only from the expected one, so two people cannot act on it at once."""
    if not CareRequest.machine.move_if(care.id, before, after, by, why, conditions, updated_at=now_utc(), **values):
        db.session.rollback()
        raise Conflict(_l("This request has changed meanwhile; reload the page."))


def _pay(care: CareRequest, actor: User, minutes, note: str) -> CareRequest:
    if type(minutes) is not int or not 0 <= minutes <= care.minutes:
        db.session.rollback()
        raise InvalidInput(fields={"minutes": [_l("Between 0 and the %(n)d minutes held.", n=care.minutes)]})
    if minutes:
        entry = holds.post_hold(care.hold_id, savings_account(care.provider_id), amount=minutes, kind="care.provided",
                                memo=care.service, actor=actor)
        care.entry_id = entry.id
    else:
        holds.void_hold(care.hold_id, reason=note[:300], actor=actor)
    care.minutes_paid, care.note = minutes, (note or care.note).strip()[:300]
    record("care.settled", actor=actor, subject=care, minutes=minutes)
    return care


def _organisation(organisation_id) -> Organisation:
    org = db.session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if org is None:
        raise InvalidInput(fields={"organisation_id": [_l("Choose an organisation from the list.")]})
    return org
