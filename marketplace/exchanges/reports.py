"""Members reporting another member to their exchange's coordinators, and the coordinators' answers.

A report names the reported member and, when it is about one, a post, a conversation or an agreement of
theirs. Coordinators answer it by `answer_due_at` (EXCHANGE_REPORT_ANSWER_HOURS after it came in); the
board lights it (`lights`). A coordinator reads a conversation only when a report by one of its sides
names it (`reported_conversation`); any other answers as missing.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.exchanges.access import acting_for, audit_acting, coordinated_orgs, coordinators_of, is_coordinator
from marketplace.exchanges.models import (
    Conversation,
    ExchangeAgreement,
    ExchangeMember,
    ExchangePost,
    ExchangeReport,
    ReportReason,
    ReportStatus,
)
from marketplace.notifications.service import notify
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc

MAX_NOTE = 2000
RECENT_ANSWERED = 20  # answered reports the board still lists


def report(by: User, member: ExchangeMember, reported: ExchangeMember, reason, note="", *,
           post: ExchangePost | None = None, conversation: Conversation | None = None,
           agreement: ExchangeAgreement | None = None) -> ExchangeReport:
    """Report `reported` to the coordinators of `member`'s exchange (a coordinator may report for a member);
    tell the coordinators; commit.

    :raise NotFound: `by` may not act as `member`; `reported` is not in the exchange; the post, conversation or
        agreement is not theirs.
    :raise InvalidInput: an unknown reason or an over-long note.
    :raise Conflict: the member already reported this and it waits for an answer.
    """
    member = acting_for(by, member)
    if reported is None or reported.organisation_id != member.organisation_id or reported.id == member.id:
        raise NotFound()
    _check_subject(member, reported, post, conversation, agreement)
    note = note.strip() if isinstance(note, str) else ""
    errors = {}
    if reason not in set(ReportReason):
        errors["reason"] = [_l("Choose what happened.")]
    if len(note) > MAX_NOTE:
        errors["note"] = [_l("Write at most %(n)d characters.", n=MAX_NOTE)]
    if errors:
        raise InvalidInput(fields=errors)
    subject = dict(post_id=getattr(post, "id", None), conversation_id=getattr(conversation, "id", None),
                   agreement_id=getattr(agreement, "id", None))
    if db.session.scalar(select(ExchangeReport.id).where(
            ExchangeReport.reporter_id == member.id, ExchangeReport.reported_id == reported.id,
            ExchangeReport.status == ReportStatus.OPEN,
            *[getattr(ExchangeReport, k) == v if v is not None else getattr(ExchangeReport, k).is_(None)
              for k, v in subject.items()])) is not None:
        raise Conflict(_l("You reported this already; the coordinators will answer soon."))
    now = now_utc()
    found = ExchangeReport(organisation_id=member.organisation_id, reporter_id=member.id, reported_id=reported.id,
                           reason=str(reason), note=note, created_at=now,
                           answer_due_at=now + timedelta(hours=settings.EXCHANGE_REPORT_ANSWER_HOURS), **subject)
    ExchangeReport.machine.start(found, ReportStatus.OPEN, by=by, why="reported")
    db.session.flush()
    for coordinator in coordinators_of(member.organisation_id):
        if coordinator.id not in (member.user_id, reported.user_id):
            notify(coordinator, "exchange_report", link=("exchanges.coordinate", {}),
                   due=found.answer_due_at.isoformat())
    audit_acting("exchange.member_reported", by, member, subject=found, reported_member_id=reported.id)
    db.session.commit()
    return found


def _check_subject(member, reported, post, conversation, agreement) -> None:
    if post is not None and (post.member_id != reported.id or post.organisation_id != member.organisation_id):
        raise NotFound()
    if conversation is not None and {conversation.first_id, conversation.second_id} != {member.id, reported.id}:
        raise NotFound()
    if agreement is not None and {agreement.giver_id, agreement.receiver_id} != {member.id, reported.id}:
        raise NotFound()


def get_report(by: User | None, report_id) -> ExchangeReport:
    """Return a report for a coordinator of its exchange. :raise NotFound: anyone else, or no such report."""
    found = db.session.get(ExchangeReport, report_id) if is_id(report_id) else None
    if found is None or not is_coordinator(by, found.organisation_id):
        raise NotFound()
    return found


def answer(by: User, report_id, text) -> ExchangeReport:
    """Answer an open report, saying what was done; tell the reporter; commit. Of two coordinators answering at
    once, exactly one answer is kept.

    :raise NotFound: `by` does not coordinate the report's exchange.
    :raise InvalidInput: an empty or over-long answer.
    :raise Conflict: the report was answered already.
    """
    found = get_report(by, report_id)
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        raise InvalidInput(fields={"answer": [_l("Say what was done.")]})
    if len(text) > MAX_NOTE:
        raise InvalidInput(fields={"answer": [_l("Write at most %(n)d characters.", n=MAX_NOTE)]})
    moved = ExchangeReport.machine.move_if(found.id, ReportStatus.OPEN, ReportStatus.ANSWERED, by=by,
                                           why="answered", answer=text, answered_by_id=by.id,
                                           answered_at=now_utc())
    if not moved:
        db.session.rollback()
        raise Conflict(_l("Another coordinator answered this report already."))
    db.session.refresh(found)
    notify(found.reporter.user, "exchange_report_answered", link=("exchanges.messages", {}), answer=text)
    record("exchange.report_answered", actor=by, subject=found)
    db.session.commit()
    return found


def reported_conversation(by: User | None, conversation_id) -> Conversation:
    """Return a conversation for a coordinator of its exchange when a report by one of its sides names it;
    the reading is recorded in the audit log.

    :raise NotFound: no such conversation, `by` does not coordinate it, or no side reported it.
    """
    found = db.session.get(Conversation, conversation_id) if is_id(conversation_id) else None
    if found is None or not is_coordinator(by, found.organisation_id) or not is_reported(found):
        raise NotFound()
    record("exchange.reported_conversation_read", actor=by, subject=found)
    db.session.commit()
    return found


def is_reported(conversation: Conversation) -> bool:
    """Tell whether one of the conversation's sides reported it."""
    return db.session.scalar(select(ExchangeReport.id).where(
        ExchangeReport.conversation_id == conversation.id,
        ExchangeReport.reporter_id.in_([conversation.first_id, conversation.second_id])).limit(1)) is not None


def open_reports(by: User) -> list[ExchangeReport]:
    """Return the open reports of the exchanges `by` coordinates."""
    return list(db.session.scalars(select(ExchangeReport).where(
        ExchangeReport.organisation_id.in_(coordinated_orgs(by)), ExchangeReport.status == ReportStatus.OPEN)
        .order_by(ExchangeReport.answer_due_at, ExchangeReport.id)))


def answered_reports(by: User) -> list[ExchangeReport]:
    """Return the latest answered reports of the exchanges `by` coordinates, newest answer first."""
    return list(db.session.scalars(select(ExchangeReport).where(
        ExchangeReport.organisation_id.in_(coordinated_orgs(by)), ExchangeReport.status == ReportStatus.ANSWERED)
        .order_by(ExchangeReport.answered_at.desc(), ExchangeReport.id.desc()).limit(RECENT_ANSWERED)))


def reports_by(member: ExchangeMember) -> list[ExchangeReport]:
    """Return the reports a member made, newest first (they read the coordinators' answers there)."""
    return list(db.session.scalars(select(ExchangeReport).where(ExchangeReport.reporter_id == member.id)
                                   .order_by(ExchangeReport.created_at.desc(), ExchangeReport.id.desc())))


def about_conversation(conversation: Conversation) -> list[ExchangeReport]:
    """Return the reports naming a conversation (what a coordinator reading it needs to see)."""
    return list(db.session.scalars(select(ExchangeReport).where(
        ExchangeReport.conversation_id == conversation.id).order_by(ExchangeReport.id)))
