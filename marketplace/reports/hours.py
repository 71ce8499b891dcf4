"""Hours an organisation approved, as its coordinators' reports: by volunteer, activity, team and month,
and the volunteers who have served no approved hours for 90 days.

Hours are what the ledger credited to volunteers for the organisation's attendance, hour reports and
imported rows, less what was reversed (a reversed credit does not count at all). Hours given between
family members, hours paid for care and claims still pending or rejected are not the organisation's
service and never appear. A credit counts on its day of service (the entry's effective date)."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, cast, distinct, func, null, select, union_all

from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Membership, Role
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_date, local_today
from marketplace.reports.filters import Filters
from marketplace.reports.tables import Column, Table, bar_chart, month_label, month_start, months
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, HourReport
from marketplace.transparency.overview import month_of
from marketplace.web.names import org_name

HOUR_KINDS = ("hours.attendance", "hours.claim", "hours.import")
INACTIVE_DAYS = 90
TOP_IN_CHART = 10
SOURCE_REPORTS, SOURCE_IMPORT = "reports", "import"


def _credited(org_ids: list[int]):
    """(entry id, organisation id, activity id, import batch id) of every entry that credited service for
    these organisations: attendance of their activities, their hour reports and imported rows."""
    none = cast(null(), Integer)  # typed, so PostgreSQL can unite it with the ids
    return union_all(
        select(Attendance.entry_id, Activity.organisation_id, Attendance.activity_id,
               none.label("batch_id")).join(Activity, Activity.id == Attendance.activity_id)
        .where(Activity.organisation_id.in_(org_ids), Attendance.entry_id.is_not(None)),
        select(HourReport.entry_id, HourReport.organisation_id, none, none)
        .where(HourReport.organisation_id.in_(org_ids), HourReport.entry_id.is_not(None)),
        select(ImportRow.entry_id, ImportBatch.organisation_id, none, ImportBatch.id)
        .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .where(ImportBatch.organisation_id.in_(org_ids), ImportRow.entry_id.is_not(None)),
    ).subquery("credited")


def _service(org_ids: list[int], start: date | None = None, end: date | None = None):
    """(credit, credited) selectables joined: the standing credits of these organisations' service."""
    credit = ledger_queries.standing_credits(HOUR_KINDS, "user", "hour_credit")
    credited = _credited(org_ids)
    stmt = select().select_from(credit).join(credited, credited.c.entry_id == credit.c.entry_id)
    if start is not None:
        stmt = stmt.where(credit.c.effective_date.between(start, end))
    return credit, credited, stmt


def _names(user_ids) -> dict[int, str]:
    ids = sorted(set(user_ids))
    found: dict[int, str] = {}
    for i in range(0, len(ids), 1000):
        found.update(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids[i:i + 1000]))).all())
    return found


def _top_chart(rows: list[tuple], label_at: int, minutes_at: int) -> dict:
    top = sorted(rows, key=lambda r: -r[minutes_at])[:TOP_IN_CHART]
    return bar_chart([str(r[label_at]) for r in top], [(_l("Hours"), [r[minutes_at] for r in top])], divisor=60)


def by_volunteer(filters: Filters) -> Table:
    """Each volunteer's approved hours in the period, most first."""
    credit, _credited_, stmt = _service(filters.org_ids, filters.start, filters.end)
    found = db.session.execute(stmt.add_columns(
        credit.c.owner_id, func.count(distinct(credit.c.entry_id)), func.sum(credit.c.amount),
        func.max(credit.c.effective_date)).group_by(credit.c.owner_id)).all()
    names = _names(r[0] for r in found)
    rows = sorted(((names.get(owner, ""), int(times), int(minutes), last) for owner, times, minutes, last in found),
                  key=lambda r: (-r[2], r[0]))
    columns = [Column("volunteer", _l("Volunteer")), Column("times", _l("Times credited"), "count"),
               Column("minutes", _l("Hours"), "minutes"), Column("last", _l("Last served"), "date")]
    return Table("hours-by-volunteer", _l("Hours by volunteer"), columns, rows, _top_chart(rows, 0, 2),
                 _l("The chart shows the ten volunteers with the most hours."))


def by_activity(filters: Filters) -> Table:
    """Approved hours per activity; hour reports and each import are rows of their own."""
    credit, credited, stmt = _service(filters.org_ids, filters.start, filters.end)
    found = db.session.execute(stmt.add_columns(
        credited.c.organisation_id, credited.c.activity_id, credited.c.batch_id,
        func.count(distinct(credit.c.owner_id)), func.sum(credit.c.amount))
        .group_by(credited.c.organisation_id, credited.c.activity_id, credited.c.batch_id)).all()
    activities = {a.id: a for a in _load(Activity, {r[1] for r in found if r[1] is not None})}
    batches = {b.id: b for b in _load(ImportBatch, {r[2] for r in found if r[2] is not None})}
    orgs = {org.id: org_name(org) for org in filters.orgs}
    rows = []
    for org_id, activity_id, batch_id, people, minutes in found:
        if activity_id is not None:
            activity = activities[activity_id]
            what, day = activity.title, local_date(activity.starts_at)
        elif batch_id is not None:
            what, day = str(_l("Imported: %(title)s", title=batches[batch_id].title)), None
        else:
            what, day = str(_l("Hours reported by volunteers")), None
        rows.append((what, orgs.get(org_id, ""), day, int(people), int(minutes)))
    rows.sort(key=lambda r: (-r[4], r[0]))
    columns = [Column("activity", _l("Activity")), Column("team", _l("Team")), Column("day", _l("Date"), "date"),
               Column("volunteers", _l("Volunteers"), "count", summed=False), Column("minutes", _l("Hours"), "minutes")]
    return Table("hours-by-activity", _l("Hours by activity"), columns, rows, _top_chart(rows, 0, 4),
                 _l("The chart shows the ten activities with the most hours."))


def by_team(filters: Filters) -> Table:
    """Approved hours per organisation (team) reported on."""
    credit, credited, stmt = _service(filters.org_ids, filters.start, filters.end)
    found = {org_id: (int(people), int(activities), int(minutes)) for org_id, people, activities, minutes in
             db.session.execute(stmt.add_columns(
                 credited.c.organisation_id, func.count(distinct(credit.c.owner_id)),
                 func.count(distinct(credited.c.activity_id)), func.sum(credit.c.amount))
                 .group_by(credited.c.organisation_id))}
    rows = sorted(((org_name(org), *found.get(org.id, (0, 0, 0))) for org in filters.orgs), key=lambda r: (-r[3], r[0]))
    columns = [Column("team", _l("Team")), Column("volunteers", _l("Volunteers"), "count", summed=False),
               Column("activities", _l("Activities"), "count"), Column("minutes", _l("Hours"), "minutes")]
    return Table("hours-by-team", _l("Hours by team"), columns, rows, _top_chart(rows, 0, 3))


def by_month(filters: Filters) -> Table:
    """Approved hours in each month of the period, every month shown (empty ones as 0)."""
    credit, _credited_, stmt = _service(filters.org_ids, filters.start, filters.end)
    month = month_of(credit.c.effective_date)
    found = {month_start(m): (int(people), int(minutes)) for m, people, minutes in db.session.execute(
        stmt.add_columns(month, func.count(distinct(credit.c.owner_id)), func.sum(credit.c.amount)).group_by(month))}
    rows = [(m, *found.get(m, (0, 0))) for m in months(filters.start, filters.end)]
    columns = [Column("month", _l("Month"), "month"), Column("volunteers", _l("Volunteers"), "count", summed=False),
               Column("minutes", _l("Hours"), "minutes")]
    chart = bar_chart([month_label(r[0]) for r in rows], [(_l("Hours"), [r[2] for r in rows])], divisor=60)
    return Table("hours-by-month", _l("Hours by month"), columns, rows, chart)


def inactive(filters: Filters) -> Table:
    """Volunteers of these organisations with no approved hours in the last 90 days (to today, whatever
    the period chosen): everyone who ever served for one of them, and members who never have."""
    today = local_today()
    credit, credited, stmt = _service(filters.org_ids)
    last = {(org_id, owner): day for org_id, owner, day in db.session.execute(stmt.add_columns(
        credited.c.organisation_id, credit.c.owner_id, func.max(credit.c.effective_date))
        .group_by(credited.c.organisation_id, credit.c.owner_id))}
    joined = {(org_id, user_id): local_date(at) for org_id, user_id, at in db.session.execute(
        select(Membership.organisation_id, Membership.user_id, Membership.created_at)
        .where(Membership.organisation_id.in_(filters.org_ids), Membership.role == Role.MEMBER.value))}
    people = sorted({user for _org, user in last} | {user for _org, user in joined})
    active_users = set()
    for i in range(0, len(people), 1000):
        active_users.update(db.session.scalars(select(User.id).where(User.id.in_(people[i:i + 1000]),
                                                                     User.is_active.is_(True))))
    since = today - timedelta(days=INACTIVE_DAYS)
    quiet = [key for key in set(last) | set(joined)
             if key[1] in active_users and (last.get(key) is None or last[key] < since)]
    names, orgs = _names(user for _org, user in quiet), {org.id: org_name(org) for org in filters.orgs}
    rows = []
    for org_id, user_id in quiet:
        served = last.get((org_id, user_id))
        rows.append((names.get(user_id, ""), orgs[org_id], joined.get((org_id, user_id)), served,
                     (today - served).days if served else None))
    rows.sort(key=lambda r: (r[3] is not None, r[3] or date.min, r[0]))  # never served first, then longest ago
    columns = [Column("volunteer", _l("Volunteer")), Column("team", _l("Team")),
               Column("joined", _l("Member since"), "date"), Column("last", _l("Last served"), "date"),
               Column("days", _l("Days since"), "count", summed=False)]
    return Table("inactive-volunteers", _l("Volunteers inactive for 90 days"), columns, rows, _quiet_chart(rows),
                 _l("No approved hours in the 90 days up to today, whatever period is chosen above."))


def _quiet_chart(rows: list[tuple]) -> dict:
    buckets = [(_l("3 to 6 months"), 0, 183), (_l("6 to 12 months"), 183, 366), (_l("Over a year"), 366, None)]
    counts = [sum(1 for r in rows if r[4] is not None and low <= r[4] and (high is None or r[4] < high))
              for _label, low, high in buckets] + [sum(1 for r in rows if r[4] is None)]
    labels = [str(label) for label, _low, _high in buckets] + [str(_l("Never served"))]
    return bar_chart(labels, [(_l("Volunteers"), counts)])


def _load(model, ids) -> list:
    ids = sorted(ids)
    found = []
    for i in range(0, len(ids), 1000):
        found += db.session.scalars(select(model).where(model.id.in_(ids[i:i + 1000])))
    return found

