"""Spot checks: staff draw a random sample of approved hours and confirm or dispute each;
a disputed one may be reversed."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import day_start, now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.checks.models import SpotCheck, SpotCheckItem
from marketplace.timebank.hours import reports
from marketplace.timebank.models import Activity, Attendance, HourReport, ReviewStatus

OUTCOMES = ("confirmed", "disputed")


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return day_start(start), day_start(end, 1)


def draw(actor: User, org: Organisation, period_start: date | None, period_end: date | None,
         size: int | None = None) -> SpotCheck:
    """Draw a random sample of the organisation's approved attendances and reports in a period."""
    require(actor, "org.spot_check", org)
    size = size if size is not None else settings.TIMEBANK_SPOT_CHECK_SIZE
    fields: dict[str, list] = {}
    if period_start is None or period_end is None or period_end < period_start:
        fields["period_end"] = [_l("The end must come after the start.")]
    if type(size) is not int or not 1 <= size <= 500:
        fields["size"] = [_l("Choose between 1 and %(n)d.", n=500)]
    if fields:
        raise InvalidInput(fields=fields)
    low, high = _bounds(period_start, period_end)
    attendances = db.session.scalars(
        select(Attendance.id).join(Activity, Activity.id == Attendance.activity_id)
        .where(Activity.organisation_id == org.id, Attendance.status == ReviewStatus.APPROVED,
               Activity.starts_at >= low, Activity.starts_at < high)).all()
    report_ids = db.session.scalars(select(HourReport.id).where(
        HourReport.organisation_id == org.id, HourReport.status == ReviewStatus.APPROVED,
        HourReport.served_on >= period_start, HourReport.served_on <= period_end)).all()
    population = [("attendance", i) for i in attendances] + [("claim", i) for i in report_ids]
    if not population:
        raise Conflict(_l("No approved hours in that period to check."))
    check = SpotCheck(organisation_id=org.id, drawn_by_id=actor.id, period_start=period_start,
                      period_end=period_end)
    db.session.add(check)
    db.session.flush()
    for kind, item_id in secrets.SystemRandom().sample(population, min(size, len(population))):
        db.session.add(SpotCheckItem(spot_check_id=check.id, outcome="unchecked",
                                     attendance_id=item_id if kind == "attendance" else None,
                                     report_id=item_id if kind == "claim" else None))
    record("spot_check.drawn", actor=actor, subject=check, size=min(size, len(population)))
    db.session.commit()
    return check


def get_check(check_id, actor: User) -> SpotCheck:
    check = db.session.get(SpotCheck, check_id) if is_id(check_id) else None
    if check is None:
        raise NotFound()
    require(actor, "org.spot_check", db.session.get(Organisation, check.organisation_id))
    return check


def items(check: SpotCheck) -> list[SpotCheckItem]:
    return list(db.session.scalars(select(SpotCheckItem).where(SpotCheckItem.spot_check_id == check.id)
                                   .order_by(SpotCheckItem.id)))


def mark(actor: User, item_id, outcome: str, note: str = "", reverse: bool = False) -> SpotCheckItem:
    """Mark a sampled item confirmed or disputed; a disputed one may be reversed with the note as reason."""
    item = db.session.get(SpotCheckItem, item_id) if is_id(item_id) else None
    if item is None:
        raise NotFound()
    get_check(item.spot_check_id, actor)
    if outcome not in OUTCOMES:
        raise InvalidInput(fields={"outcome": [_l("Choose confirmed or disputed.")]})
    if len(note or "") > 300 or (outcome == "disputed" and not (note or "").strip()):
        raise InvalidInput(fields={"note": [_l("Say what is wrong (up to 300 characters).")]})
    if item.outcome == "reversed":
        raise Conflict(_l("These hours have already been reversed."))
    item.outcome, item.note, item.checked_by_id, item.checked_at = outcome, (note or "").strip(), actor.id, now_utc()
    db.session.flush()
    record("spot_check.marked", actor=actor, subject=item, outcome=outcome)
    if outcome == "disputed" and reverse:
        if item.attendance_id:
            service.reverse_attendance(item.attendance_id, actor, item.note)
        else:
            reports.reverse_report(item.report_id, actor, item.note)
        item.outcome = "reversed"
    db.session.commit()
    return item


def report(org: Organisation, actor: User) -> list[tuple[SpotCheck, dict[str, int]]]:
    """Each spot check of the organisation with how many items ended each way."""
    require(actor, "org.spot_check", org)
    checks = db.session.scalars(select(SpotCheck).where(SpotCheck.organisation_id == org.id)
                                .order_by(SpotCheck.id.desc())).all()
    counts: dict[int, dict[str, int]] = {check.id: {} for check in checks}
    for check_id, outcome, number in db.session.execute(
            select(SpotCheckItem.spot_check_id, SpotCheckItem.outcome, func.count())
            .join(SpotCheck, SpotCheck.id == SpotCheckItem.spot_check_id)
            .where(SpotCheck.organisation_id == org.id)
            .group_by(SpotCheckItem.spot_check_id, SpotCheckItem.outcome)):
        counts[check_id][outcome] = number
    return [(check, counts[check.id]) for check in checks]
