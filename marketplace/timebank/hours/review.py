"""The one review of volunteered hours, shared by attendance and offline hour reports.

The record is taken with SELECT … FOR UPDATE (fresh from the database), so of two reviewers acting
at once exactly one decides and the other is told who did; the ledger entry is posted in the same
transaction as the decision. Only this module moves a review's status.

Locks are taken in one order: the record first, then (for a rule counting the volunteer's other
records, such as the daily cap) the volunteer's savings account, then the ledger's own rows. Imports,
which credit many volunteers, take the same volunteer locks sorted (`lock_volunteers`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import events_for, record
from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import APPROVE, Cause, CauseKind
from marketplace.notifications.service import notify
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, DomainError, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.timebank import accounts as timebank
from marketplace.timebank.hours import daily_cap
from marketplace.timebank.models import Attendance, HourReport, ReviewStatus

Record = Attendance | HourReport
LOCK_CHUNK = 500  # volunteers locked per statement, still in order


@dataclass(frozen=True)
class Reviewable:
    """How one kind of record is reviewed."""

    model: type[Attendance] | type[HourReport]
    name: str  # names its audit events
    cause: CauseKind  # the ledger cause of the minutes it credits
    kind: str  # the ledger kind of the minutes it credits
    organisation: Callable[[Record], Organisation]
    keeps_minutes: bool  # whether the record stores the minutes granted
    title: Callable[[Record], str]  # names the service to the volunteer


ATTENDANCE = Reviewable(Attendance, "attendance", CauseKind.ATTENDANCE, "hours.attendance",
                        lambda a: a.activity.organisation, True, lambda a: a.activity.title)
REPORT = Reviewable(HourReport, "claim", CauseKind.HOUR_REPORT, "hours.claim", lambda c: c.organisation, False,
                    lambda c: c.description[:80])


def take(what: Reviewable, record_id, actor: User) -> Record:
    """Lock the record for review and check the actor may review it.

    :raise NotFound: no such record. :raise Conflict: the actor's own hours.
    """
    row = lock(what, record_id)
    require(actor, "org.approve_hours", what.organisation(row))
    if row.user_id == actor.id:
        raise Conflict(_l("Nobody may review their own hours; ask another coordinator."))
    return row


def is_repeat(row: Record, wanted: ReviewStatus, same: bool = True) -> bool:
    """Say whether the record is already decided as wanted (a repeated click: answer it unchanged).

    :raise Conflict: it was decided otherwise, naming who decided.
    """
    if row.status == ReviewStatus.PENDING:
        return False
    if row.status == wanted and same:
        return True
    raise Conflict(decided(row))


def approve(what: Reviewable, row: Record, actor: User, minutes: int, note: str, *, memo: str,
            effective_date: date, **detail) -> Record:
    """Credit `minutes` to the volunteer and mark the (locked, pending) record approved; commit.

    The one daily-cap check of a review: the volunteer is locked first, so another credit to them counts
    after this one commits. :raise InvalidInput: past the cap, on the minutes field where the reviewer grants
    the minutes (attendance). :raise Conflict: past the cap, where they are the volunteer's own (a report).
    """
    if len(note or "") > 300:
        raise InvalidInput(fields={"note": [_l("Use at most %(n)d characters.", n=300)]})
    lock_volunteer(row)
    room = daily_cap.room(row.user_id, effective_date)
    if minutes > room:
        message = _l("This passes the daily cap of %(cap)d minutes for %(day)s: at most %(n)d more minutes can be "
                     "credited that day.", cap=daily_cap.cap(), day=effective_date.isoformat(), n=room)
        raise InvalidInput(fields={"minutes": [message]}) if what.keeps_minutes else Conflict(message)
    if minutes:
        lines = [(ledger.platform_account("hours_issued"), -minutes), (timebank.savings_account(row.user_id), minutes)]
        entry = ledger.post(lines, cause=Cause(what.cause, row.id, APPROVE), kind=what.kind, memo=memo[:200],
                            actor=actor,
                            effective_date=effective_date)
        row.entry_id = entry.id
    _decide(what, row, ReviewStatus.APPROVED, actor, note, minutes)
    record(f"{what.name}.approved", actor=actor, subject=row, minutes=minutes, **detail)
    notify(row.user, "hours_approved", link=("timebank.my_hours", {}), title=what.title(row), minutes=minutes)
    db.session.commit()
    return row


def reject(what: Reviewable, record_id, actor: User, note: str) -> Record:
    """Refuse a pending record with the reason the volunteer will see; commit."""
    row = take(what, record_id, actor)
    is_repeat(row, ReviewStatus.REJECTED, same=False)
    _decide(what, row, ReviewStatus.REJECTED, actor, reason_given(note, "note"), 0)
    record(f"{what.name}.rejected", actor=actor, subject=row)
    notify(row.user, "hours_rejected", link=("timebank.my_hours", {}), title=what.title(row), reason=row.review_note)
    db.session.commit()
    return row


def reverse(what: Reviewable, record_id, actor: User, reason: str) -> Record:
    """Take back an approved record's minutes with a reversing entry (corrections are never edits); commit."""
    row = take(what, record_id, actor)
    if row.status == ReviewStatus.PENDING:
        raise Conflict(_l("Only approved hours can be reversed."))
    if row.status != ReviewStatus.APPROVED:
        raise Conflict(decided(row))
    reason = reason_given(reason, "reason")
    if row.entry_id is not None:
        ledger.reverse(row.entry_id, reason=reason, actor=actor)
    what.model.machine.move(row, ReviewStatus.REVERSED, actor, reason)
    record(f"{what.name}.reversed", actor=actor, subject=row, reason=reason)
    db.session.commit()
    return row


def decided(row: Record):
    """Say how the record was decided and by whom, for a reviewer who came second."""
    if row.status == ReviewStatus.APPROVED:
        return _l("Already approved by %(name)s.", name=_name(row.reviewed_by_id))
    if row.status == ReviewStatus.REJECTED:
        return _l("Already rejected by %(name)s.", name=_name(row.reviewed_by_id))
    reverser = next((e.actor_id for e in events_for(type(row).__name__, row.id) if e.action.endswith(".reversed")),
                    None)
    return _l("Already reversed by %(name)s.", name=_name(reverser))


def mend_rejected() -> tuple[int, list[str]]:
    """Reverse the minutes still credited to rejected records (left by the review race); safe to repeat.

    Return how many were mended and a line for each that could not be (the volunteer spent the minutes).
    """
    mended, failed = 0, []
    for what in (ATTENDANCE, REPORT):
        ids = db.session.scalars(
            select(what.model.id)
            .where(what.model.status == ReviewStatus.REJECTED, what.model.entry_id.is_not(None),
                   ~ledger_queries.is_reversed(what.model.entry_id)).order_by(what.model.id)).all()
        for record_id in ids:
            row = lock(what, record_id)
            try:
                ledger.reverse(row.entry_id, reason=f"{what.name} {row.id} was rejected; its minutes are taken back")
            except DomainError as error:  # reported; the others are still mended
                db.session.rollback()
                failed.append(f"{what.name} {record_id}: {error}")
                continue
            record(f"{what.name}.mended", subject=row, entry_id=row.entry_id)
            db.session.commit()
            mended += 1
    return mended, failed


def lock(what: Reviewable, record_id) -> Record:
    """Lock the record (read fresh) so that no review or edit of it runs alongside; :raise NotFound:."""
    row = db.session.get(what.model, record_id, with_for_update=True, populate_existing=True) \
        if is_id(record_id) else None
    if row is None:
        raise NotFound()
    return row


def lock_volunteer(row: Record) -> None:
    """Make the volunteer's other credits wait until this review commits, so a total counted now stays true.

    Taken after the record's own lock (see `lock_volunteers`).
    """
    lock_volunteers([row.user_id])


def lock_volunteers(user_ids: Iterable[int]) -> None:
    """Make other credits to these volunteers (reviews, imports) wait until this transaction commits.

    FOR NO KEY UPDATE of each savings account row, in volunteer order, opening missing accounts first
    (in the same order): postings to the accounts (which only key-share them) go on; only another holder
    of this lock waits. Taken after any record's lock and before the ledger's rows, so nothing deadlocks.
    """
    ids = sorted(set(user_ids))
    chunks = [ids[i:i + LOCK_CHUNK] for i in range(0, len(ids), LOCK_CHUNK)]
    for chunk in chunks:
        found = ledger_queries.account_ids("user", "volunteer_savings", chunk)
        for user_id in chunk:
            if user_id not in found:
                timebank.savings_account(user_id)
    for chunk in chunks:
        ledger_queries.lock_accounts_of("user", "volunteer_savings", chunk)


def _decide(what: Reviewable, row: Record, status: ReviewStatus, actor: User, note: str, minutes: int) -> None:
    note = (note or "").strip()
    what.model.machine.move(row, status, actor, note, review_note=note, reviewed_by_id=actor.id,
                            reviewed_at=now_utc())
    if what.keeps_minutes:
        row.minutes_granted = minutes


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user is not None else str(_l("another coordinator"))
