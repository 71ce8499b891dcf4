"""Hours claimed for service done offline: submitted with evidence, reviewed by a coordinator."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today
from marketplace.timebank.hours import daily_cap, review
from marketplace.timebank.models import HourReport, ReviewStatus
from marketplace.web import uploads


def submit_report(user: User, organisation_id, served_on: date | None, minutes, description: str,
                 evidence) -> HourReport:
    """Ask an organisation to credit hours served offline; the evidence is checked by content."""
    fields: dict[str, list] = {}
    org = db.session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if org is None:
        fields["organisation_id"] = [_l("Choose an organisation from the list.")]
    today = local_today()  # the day it is in Guangzhou, which a volunteer types, not in UTC
    if served_on is None or served_on > today or served_on < today - timedelta(days=365):
        fields["served_on"] = [_l("Enter a date within the last year.")]
    if type(minutes) is not int or not 1 <= minutes <= daily_cap.cap():
        fields["minutes"] = [_l("Enter between 1 and %(n)d minutes.", n=daily_cap.cap())]
    if not (description or "").strip() or len(description) > 1000:
        fields["description"] = [_l("Describe the service (up to 1,000 characters).")]
    if fields:
        raise InvalidInput(fields=fields)
    stored, content_type = uploads.store(evidence, "evidence", "claims")
    report = HourReport(user_id=user.id, organisation_id=org.id, served_on=served_on, minutes=minutes,
                      description=description.strip(), evidence_path=stored, evidence_type=content_type)
    HourReport.machine.start(report, ReviewStatus.PENDING, user, "claimed")
    db.session.flush()
    record("claim.submitted", actor=user, subject=report, minutes=minutes)
    db.session.commit()
    return report


def pending_reports(org: Organisation, actor: User) -> list[HourReport]:
    require(actor, "org.approve_hours", org)
    return list(db.session.scalars(select(HourReport).where(
        HourReport.organisation_id == org.id, HourReport.status == ReviewStatus.PENDING).order_by(HourReport.id)))


def reports_of(user: User) -> list[HourReport]:
    return list(db.session.scalars(select(HourReport).where(HourReport.user_id == user.id)
                                   .order_by(HourReport.id.desc())))


def approve_report(report_id, actor: User, note: str = "") -> HourReport:
    """Credit the reported minutes within the daily cap; approving twice posts once.

    :raise Conflict: the minutes would pass the daily cap of the day served (naming the minutes left).
    """
    report = review.take(review.REPORT, report_id, actor)
    if review.is_repeat(report, ReviewStatus.APPROVED):
        return report
    return review.approve(review.REPORT, report, actor, report.minutes, note, memo=report.description,
                          effective_date=report.served_on)


def reject_report(report_id, actor: User, note: str) -> HourReport:
    """Refuse a report with the reason the volunteer will see."""
    return review.reject(review.REPORT, report_id, actor, note)


def reverse_report(report_id, actor: User, reason: str) -> HourReport:
    """Take back an approved report's minutes with a reversing entry."""
    return review.reverse(review.REPORT, report_id, actor, reason)


def evidence_for(report_id, user: User):
    """Return (path, content type) of a report's evidence for its volunteer or a reviewer."""
    report = db.session.get(HourReport, report_id) if is_id(report_id) else None
    if report is None or not report.evidence_path:  # a visit's report has no file: the visit is its evidence
        raise NotFound()
    if report.user_id != user.id:
        require(user, "org.approve_hours", report.organisation)
    return uploads.path_of(report.evidence_path), report.evidence_type



def report_visit(user: User, organisation_id: int, served_on: date, minutes: int, description: str) -> HourReport:
    """Put a volunteer's household visit in the coordinators' queue as a pending report (the visit is its
    evidence, so no file). Flushed, not committed: the visit's own transaction commits it."""
    report = HourReport(user_id=user.id, organisation_id=organisation_id, served_on=served_on, minutes=minutes,
                        description=description[:1000])
    HourReport.machine.start(report, ReviewStatus.PENDING, user, "visit")
    db.session.flush()
    record("claim.submitted", actor=user, subject=report, minutes=minutes, source="visit")
    return report
