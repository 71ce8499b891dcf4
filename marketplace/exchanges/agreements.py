"""Agreements between two members on a post: propose, accept or decline, a coordinator's approval of a new
member's exchange, cancel, claim, confirm (the minutes move), dispute, and a coordinator's settlement.

Every verb takes `by` (who clicked) and `member` (whose act it is; `access.acting_for` lets a coordinator act
for a member of their exchange, recorded "by X for Y"). Every move that may move minutes first locks the
agreement's row (SELECT … FOR UPDATE) and checks its state under the lock, so double submits and races give
exactly one ledger entry; the other moves are guarded UPDATEs (`Machine.move_if`). Each verb commits once
and tells the other side.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.exchanges import transfer
from marketplace.exchanges.access import acting_for, audit_acting, coordinators_of, is_coordinator
from marketplace.exchanges.members import is_adult, needs_approval
from marketplace.exchanges.models import (
    AgreementStatus,
    ExchangeAgreement,
    ExchangeMember,
    ExchangePost,
    Place,
    PostKind,
    PostStatus,
)
from marketplace.exchanges.posts import is_blocked_pair
from marketplace.notifications.service import notify
from marketplace.platform.checks import text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import hours
from marketplace.platform.timeutil import now_utc
from marketplace.platform.transactions import retried

AS = AgreementStatus
Agreement = ExchangeAgreement
MOST_MINUTES = 600
NOTE_LENGTH = 1000
OPEN = (AS.PROPOSED, AS.AWAITING_APPROVAL, AS.AGREED, AS.CLAIMED, AS.DISPUTED)


# --- reading ---------------------------------------------------------------------------------------------

def find(code) -> ExchangeAgreement | None:
    if not isinstance(code, str) or not code.isalnum() or len(code) > 12:
        return None
    return db.session.scalar(select(Agreement).where(Agreement.code == code))


def may_see(user: User | None, agreement: ExchangeAgreement) -> bool:
    """Its two sides and the coordinators of its exchange see an agreement."""
    if user is None or not user.is_active:
        return False
    return user.id in (agreement.giver.user_id, agreement.receiver.user_id) or is_coordinator(
        user, agreement.organisation_id)


def get_agreement(user: User | None, code) -> ExchangeAgreement:
    """Return the agreement the user may see. :raise NotFound: missing, or not theirs to see (alike)."""
    found = find(code)
    if found is None or not may_see(user, found):
        raise NotFound()
    return found


def side_of(agreement: ExchangeAgreement, member: ExchangeMember | None) -> str | None:
    """"giver", "receiver" or None."""
    if member is None:
        return None
    return {agreement.giver_id: "giver", agreement.receiver_id: "receiver"}.get(member.id)


def other_side(agreement: ExchangeAgreement, member: ExchangeMember) -> ExchangeMember:
    return agreement.receiver if member.id == agreement.giver_id else agreement.giver


def agreements_of(member_ids: list[int]) -> list[ExchangeAgreement]:
    """Return the members' agreements, open ones first, then newest first."""
    if not member_ids:
        return []
    rows = db.session.scalars(select(Agreement).where(or_(
        Agreement.giver_id.in_(member_ids), Agreement.receiver_id.in_(member_ids)))
        .order_by(Agreement.starts_at.desc(), Agreement.id.desc()).limit(200))
    return sorted(rows, key=lambda a: a.status not in OPEN)


def waiting_for_coordinators(org_ids: list[int], status: AgreementStatus) -> list[ExchangeAgreement]:
    """Return the agreements of these exchanges in `status` (approvals or disputes), oldest first."""
    if not org_ids:
        return []
    return list(db.session.scalars(select(Agreement).where(
        Agreement.organisation_id.in_(org_ids), Agreement.status == status.value)
        .order_by(Agreement.status_changed_at, Agreement.id)))


# --- checks ----------------------------------------------------------------------------------------------

def _minutes(value, errors: dict, name: str = "minutes") -> int:
    if type(value) is not int or not 1 <= value <= MOST_MINUTES:
        errors[name] = [_l("Give the minutes as a whole number from 1 to %(n)d.", n=MOST_MINUTES)]
        return 0
    return value


def _locked(agreement_id: int) -> ExchangeAgreement:
    """Lock the agreement's row and read it afresh."""
    return db.session.scalar(select(Agreement).where(Agreement.id == agreement_id).with_for_update()
                             .execution_options(populate_existing=True))


def _refuse_state(agreement: ExchangeAgreement):
    return Conflict(_l("This agreement is now “%(state)s”; reload the page to see what changed.",
                       state=Agreement.machine.label(agreement.status)))


def acting_side(by: User, member: ExchangeMember, code, sides=("giver", "receiver")) -> ExchangeAgreement:
    """Return the agreement `member` is a side of (among `sides`), when `by` may act for them.

    :raise NotFound: `by` may not act for the member, or the member is no side of it.
    :raise Conflict: the member is the other side than the step is for.
    """
    acting_for(by, member)
    agreement = find(code)
    if agreement is None or side_of(agreement, member) is None:
        raise NotFound()
    if side_of(agreement, member) not in sides:
        raise Conflict(_l("This step is for the other side of the agreement."))
    return agreement


def _coordinating(by: User, code) -> ExchangeAgreement:
    agreement = find(code)
    if agreement is None or not is_coordinator(by, agreement.organisation_id):
        raise NotFound()
    return agreement


def _after_time(agreement: ExchangeAgreement) -> None:
    if agreement.starts_at > now_utc():
        raise Conflict(_l("This can be done once the agreed time has come."))


# --- telling -----------------------------------------------------------------------------------------------

def _tell(user: User, agreement: ExchangeAgreement, step: str, name: str = "", note: str = "") -> None:
    notify(user, "exchange_agreement", link=("exchanges.agreement", {"agreement_code": agreement.code}),
           step=step, name=name, title=agreement.post.title, when=agreement.starts_at.isoformat(),
           minutes=agreement.minutes or agreement.claimed_minutes or agreement.planned_minutes, note=note)


def _tell_other(agreement: ExchangeAgreement, member: ExchangeMember, step: str, note: str = "") -> None:
    _tell(other_side(agreement, member).user, agreement, step, member.user.display_name, note)


def _tell_both(agreement: ExchangeAgreement, step: str, note: str = "") -> None:
    for side in (agreement.giver, agreement.receiver):
        _tell(side.user, agreement, step, note=note)


def _tell_coordinators(agreement: ExchangeAgreement, step: str) -> None:
    for user in coordinators_of(agreement.organisation_id):
        notify(user, "exchange_coordinate", link=("exchanges.agreement", {"agreement_code": agreement.code}),
               step=step, title=agreement.post.title, giver=agreement.giver.user.display_name,
               receiver=agreement.receiver.user.display_name, when=agreement.starts_at.isoformat())


# --- the verbs ---------------------------------------------------------------------------------------------

def propose(by: User, member: ExchangeMember, post: ExchangePost, starts_at, minutes, note="") -> ExchangeAgreement:
    """Ask the post's member to agree on a time and minutes: on an offer the proposer receives the service, on
    a request they give it. Commit.

    :raise InvalidInput: the time is past, the minutes not 1–600, the note too long.
    :raise Conflict: their own post, a post no longer open, a blocked pair, an under-age home visit.
    """
    acting_for(by, member)
    if post is None or post.organisation_id != member.organisation_id:
        raise NotFound()
    errors: dict = {}
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [_l("Give the day and time you agree on.")]
    elif starts_at <= now_utc():
        errors["starts_at"] = [_l("Choose a time that has not passed yet.")]
    minutes = _minutes(minutes, errors)
    text = text_field(errors, "note", note, NOTE_LENGTH, required=False)
    if errors:
        raise InvalidInput(fields=errors)
    if post.member_id == member.id:
        raise Conflict(_l("This is your own post: wait for a neighbour to answer it."))
    if post.status != PostStatus.ACTIVE:
        raise Conflict(_l("This post is no longer open."))
    if is_blocked_pair([member.id], [post.member_id]):
        raise Conflict(_l("You cannot agree an exchange with this member."))
    giver, receiver = (member, post.member) if post.kind == PostKind.REQUEST else (post.member, member)
    if post.place == Place.HOME and not is_adult(giver):
        raise Conflict(_l("Members under %(age)d cannot give a service in someone's home.",
                          age=settings.EXCHANGE_ADULT_AGE))
    if db.session.scalar(select(Agreement.id).where(
            Agreement.post_id == post.id, Agreement.giver_id == giver.id, Agreement.receiver_id == receiver.id,
            Agreement.status.in_([s.value for s in OPEN])).limit(1)) is not None:
        raise Conflict(_l("You already have an open agreement on this post; see “My agreements”."))
    agreement = Agreement(organisation_id=post.organisation_id, post_id=post.id, giver_id=giver.id,
                          receiver_id=receiver.id, proposed_by_id=member.id, starts_at=starts_at,
                          planned_minutes=minutes, giver_note=text if giver is member else "",
                          receiver_note=text if receiver is member else "")
    agreement.post, agreement.giver, agreement.receiver = post, giver, receiver
    Agreement.machine.start(agreement, AS.PROPOSED, by=by, why="proposed")
    db.session.flush()
    _tell_other(agreement, member, "proposed")
    audit_acting("exchange.proposed", by, member, agreement, post=post.code, minutes=minutes)
    db.session.commit()
    return agreement


def _count_approved(agreement: ExchangeAgreement) -> None:
    db.session.execute(update(ExchangeMember).where(ExchangeMember.id.in_([agreement.giver_id, agreement.receiver_id]))
                       .values(exchanges_approved=ExchangeMember.exchanges_approved + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(agreement.giver)
    db.session.expire(agreement.receiver)


def accept(by: User, member: ExchangeMember, code) -> ExchangeAgreement:
    """The side that did not ask accepts: agreed, or waiting for a coordinator when either is a new member."""
    agreement = acting_side(by, member, code)
    if agreement.proposed_by_id == member.id:
        raise Conflict(_l("You asked for this agreement: the other side answers it."))
    if is_blocked_pair([agreement.giver_id], [agreement.receiver_id]):
        raise Conflict(_l("You cannot agree an exchange with this member."))
    needs = needs_approval(agreement.giver) or needs_approval(agreement.receiver)
    to = AS.AWAITING_APPROVAL if needs else AS.AGREED
    if not Agreement.machine.move_if(agreement.id, AS.PROPOSED, to, by=by, why="accepted", sync="fetch",
                                     conditions=[Agreement.starts_at > now_utc()]):
        if agreement.status == AS.PROPOSED:
            raise Conflict(_l("The proposed time has passed: decline, and ask them for a new time."))
        raise _refuse_state(agreement)
    if needs:
        _tell_coordinators(agreement, "awaiting_approval")
        _tell_other(agreement, member, "awaiting_approval")
    else:
        _count_approved(agreement)
        _tell_other(agreement, member, "agreed")
    audit_acting("exchange.accepted", by, member, agreement, waits_for_approval=needs)
    db.session.commit()
    return agreement


def decline(by: User, member: ExchangeMember, code, note="") -> ExchangeAgreement:
    """The side that did not ask says no."""
    agreement = acting_side(by, member, code)
    if agreement.proposed_by_id == member.id:
        raise Conflict(_l("You asked for this agreement: you may call it off instead."))
    text = _note(note, required=False)
    field = "giver_note" if side_of(agreement, member) == "giver" else "receiver_note"
    values = {field: text} if text else {}
    if not Agreement.machine.move_if(agreement.id, AS.PROPOSED, AS.DECLINED, by=by, why=text[:300] or "declined",
                                     sync="fetch", **values):
        raise _refuse_state(agreement)
    _tell_other(agreement, member, "declined")
    audit_acting("exchange.declined", by, member, agreement)
    db.session.commit()
    return agreement


def cancel(by: User, member: ExchangeMember, code, note="") -> ExchangeAgreement:
    """Call an agreement off before its time: the side that asked while unanswered, either side after."""
    agreement = acting_side(by, member, code)
    text = _note(note, required=False)
    why = text[:300] or "cancelled"
    # an unanswered proposal is withdrawn at any time; an agreement is called off only before its time
    moved = agreement.proposed_by_id == member.id and Agreement.machine.move_if(
        agreement.id, AS.PROPOSED, AS.CANCELLED, by=by, why=why, sync="fetch")
    moved = moved or Agreement.machine.move_if(agreement.id, (AS.AWAITING_APPROVAL, AS.AGREED), AS.CANCELLED, by=by,
                                               why=why, conditions=[Agreement.starts_at > now_utc()], sync="fetch")
    if not moved:
        if agreement.starts_at <= now_utc() and agreement.status == AS.AGREED:
            raise Conflict(_l("The agreed time has passed: confirm the minutes, or disagree and a coordinator "
                              "decides."))
        raise _refuse_state(agreement)
    _tell_other(agreement, member, "cancelled", text)
    audit_acting("exchange.cancelled", by, member, agreement)
    db.session.commit()
    return agreement


def _note(note, required: bool, name: str = "note") -> str:
    errors: dict = {}
    text = text_field(errors, name, note, NOTE_LENGTH, required=required)
    if errors:
        raise InvalidInput(fields=errors)
    return text


def approve(by: User, code, note="") -> ExchangeAgreement:
    """A coordinator approves a new member's exchange: it is agreed, and counts for both sides."""
    agreement = _coordinating(by, code)
    text = _note(note, required=False)
    if not Agreement.machine.move_if(agreement.id, AS.AWAITING_APPROVAL, AS.AGREED, by=by, why=text[:300] or
                                     "approved", sync="fetch", coordinator_note=text):
        raise _refuse_state(agreement)
    _count_approved(agreement)
    _tell_both(agreement, "approved", text)
    record("exchange.approved", actor=by, subject=agreement)
    db.session.commit()
    return agreement


def refuse(by: User, code, note) -> ExchangeAgreement:
    """A coordinator does not approve a new member's exchange, saying why."""
    agreement = _coordinating(by, code)
    text = _note(note, required=True)
    if not Agreement.machine.move_if(agreement.id, AS.AWAITING_APPROVAL, AS.DECLINED, by=by, why=text[:300],
                                     sync="fetch", coordinator_note=text):
        raise _refuse_state(agreement)
    _tell_both(agreement, "refused", text)
    record("exchange.refused", actor=by, subject=agreement)
    db.session.commit()
    return agreement


def claim(by: User, member: ExchangeMember, code, minutes, note="") -> ExchangeAgreement:
    """The giver says how many minutes they served; the receiver confirms them."""
    agreement = acting_side(by, member, code, sides=("giver",))
    errors: dict = {}
    minutes = _minutes(minutes, errors)
    text = text_field(errors, "note", note, NOTE_LENGTH, required=False)
    if errors:
        raise InvalidInput(fields=errors)
    _after_time(agreement)
    values = {"claimed_minutes": minutes, **({"giver_note": text} if text else {})}
    if not Agreement.machine.move_if(agreement.id, AS.AGREED, AS.CLAIMED, by=by, why="claimed", sync="fetch",
                                     **values):
        raise _refuse_state(agreement)
    _tell_other(agreement, member, "claimed")
    audit_acting("exchange.claimed", by, member, agreement, minutes=minutes)
    db.session.commit()
    return agreement


@retried
def confirm(by: User, member: ExchangeMember, code, minutes=None) -> ExchangeAgreement:
    """The receiver confirms the minutes (the giver's claim, or their own count): they move in the ledger,
    in this transaction, once.

    :raise OverAllowance: the receiver has not enough minutes (nothing is written).
    """
    found = acting_side(by, member, code, sides=("receiver",))
    agreement = _locked(found.id)
    if agreement.status == AS.CLAIMED:
        if minutes is not None and minutes != agreement.claimed_minutes:
            raise InvalidInput(fields={"minutes": [_l(
                "%(name)s claimed %(hours)s. If that is wrong, disagree and a coordinator decides.",
                name=agreement.giver.user.display_name, hours=hours(agreement.claimed_minutes))]})
        minutes = agreement.claimed_minutes
    elif agreement.status == AS.AGREED:
        errors: dict = {}
        minutes = _minutes(minutes, errors)
        if errors:
            raise InvalidInput(fields=errors)
        _after_time(agreement)
    else:
        raise _refuse_state(agreement)
    transfer.settle(agreement, minutes, by)
    Agreement.machine.move(agreement, AS.CONFIRMED, by=by, why="confirmed")
    _tell_other(agreement, member, "confirmed")
    audit_acting("exchange.confirmed", by, member, agreement, minutes=minutes)
    db.session.flush()
    return agreement


@retried
def dispute(by: User, member: ExchangeMember, code, note) -> ExchangeAgreement:
    """Either side disagrees after the agreed time (the receiver, with a claim): a coordinator decides."""
    found = acting_side(by, member, code)
    text = _note(note, required=True)
    agreement = _locked(found.id)
    side = side_of(agreement, member)
    if agreement.status == AS.CLAIMED and side != "receiver":
        raise Conflict(_l("You claimed the minutes: the receiver confirms them or disagrees."))
    if agreement.status not in (AS.AGREED, AS.CLAIMED):
        raise _refuse_state(agreement)
    _after_time(agreement)
    Agreement.machine.move(agreement, AS.DISPUTED, by=by, why=text[:300], **{f"{side}_note": text})
    _tell_other(agreement, member, "disputed")
    _tell_coordinators(agreement, "disputed")
    audit_acting("exchange.disputed", by, member, agreement)
    db.session.flush()
    return agreement


@retried
def settle_dispute(by: User, code, minutes, note) -> ExchangeAgreement:
    """A coordinator settles a dispute: `minutes` move (confirmed), or none do (`minutes` None: called off).

    :raise OverAllowance: the receiver has not enough minutes for that many (nothing is written).
    """
    found = _coordinating(by, code)
    errors: dict = {}
    if minutes is not None:
        minutes = _minutes(minutes, errors)
    text = text_field(errors, "note", note, NOTE_LENGTH, required=True)
    if errors:
        raise InvalidInput(fields=errors)
    agreement = _locked(found.id)
    if agreement.status != AS.DISPUTED:
        raise _refuse_state(agreement)
    if minutes is not None:
        transfer.settle(agreement, minutes, by)
        Agreement.machine.move(agreement, AS.CONFIRMED, by=by, why=text[:300], coordinator_note=text,
                               settled_by_id=by.id)
        _tell_both(agreement, "settled", text)
    else:
        Agreement.machine.move(agreement, AS.CANCELLED, by=by, why=text[:300], coordinator_note=text,
                               settled_by_id=by.id)
        _tell_both(agreement, "settled_none", text)
    record("exchange.settled", actor=by, subject=agreement, minutes=minutes)
    db.session.flush()
    return agreement
