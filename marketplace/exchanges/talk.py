"""Members talking through the site about a post: conversations, messages, what is unread, and blocks.

A conversation joins a post's member and one other member of the same exchange (`first_id` < `second_id`).
A block (either way) stops new conversations and messages between the two; the blocked member is not told:
they read the same closed conversation anyone reads. A coordinator writes for a member only when that member
cannot use the site alone (`may_write_for`); the message then records who wrote it.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError

from marketplace.auth.models import User
from marketplace.exchanges.access import acting_for, audit_acting, coordinated_orgs, is_coordinator
from marketplace.exchanges.models import (
    Conversation,
    ExchangeMember,
    ExchangePost,
    MemberBlock,
    Message,
    PostStatus,
)
from marketplace.exchanges.posts import is_blocked_pair
from marketplace.notifications.models import Notification
from marketplace.notifications.service import notify
from marketplace.platform.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc

MAX_BODY = 2000
BURST, BURST_MINUTES = 20, 10  # a member sends at most BURST messages in BURST_MINUTES
THREAD_LENGTH = 300  # the newest messages a thread shows
NOTIFY_KIND = "exchange_message"
CLOSED = _l("This conversation takes no new messages.")


# --- who is talking --------------------------------------------------------------------------------------

def may_write_for(by: User | None, member: ExchangeMember) -> bool:
    """Tell whether `by` may read and write a member's messages: the member themself, or a coordinator of
    their exchange when the member cannot use the site alone (joined by a coordinator, or has no phone)."""
    if by is None or not by.is_active:
        return False
    if member.user_id == by.id:
        return member.user.is_active
    return (is_coordinator(by, member.organisation_id)
            and (member.joined_by_id is not None or not (member.user.phone or "").strip()))


def speaking_as(by: User | None, member: ExchangeMember | None) -> ExchangeMember:
    """Return `member` when `by` may talk as them (see `may_write_for`).

    :raise NotFound: anyone else, as if there were no such member.
    """
    member = acting_for(by, member)
    if not may_write_for(by, member):
        raise NotFound()
    return member


def side(conversation: Conversation, member: ExchangeMember) -> str:
    """Return "first" or "second": the member's side of the conversation.

    :raise NotFound: the member is not one of its two sides.
    """
    if conversation.first_id == member.id:
        return "first"
    if conversation.second_id == member.id:
        return "second"
    raise NotFound()


def other_of(conversation: Conversation, member: ExchangeMember) -> ExchangeMember:
    """Return the other side of the conversation."""
    return conversation.second if side(conversation, member) == "first" else conversation.first


def conversation_for(by: User | None, conversation_id, member: ExchangeMember | None = None
                     ) -> tuple[Conversation, ExchangeMember]:
    """Return a conversation and the side `by` talks as: `member` when given, else `by`'s own membership.

    :raise NotFound: no such conversation, or `by` may not talk as either of its sides.
    """
    found = db.session.get(Conversation, conversation_id) if is_id(conversation_id) else None
    if found is None or by is None:
        raise NotFound()
    if member is None:
        member = next((m for m in (found.first, found.second) if m.user_id == by.id), None)
    member = speaking_as(by, member)
    side(found, member)
    return found, member


# --- blocks ----------------------------------------------------------------------------------------------

def is_blocked(a_id: int, b_id: int) -> bool:
    """Tell whether either member blocked the other."""
    return is_blocked_pair([a_id], [b_id])


def has_blocked(member: ExchangeMember, other: ExchangeMember) -> bool:
    """Tell whether `member` blocked `other` (what the blocker's own page says)."""
    return db.session.scalar(select(MemberBlock.id).where(MemberBlock.blocker_id == member.id,
                                                          MemberBlock.blocked_id == other.id)) is not None


def blocked_ids(member_id: int) -> set[int]:
    """Return the members hidden from `member_id`: those they blocked and those who blocked them."""
    rows = db.session.execute(select(MemberBlock.blocker_id, MemberBlock.blocked_id).where(
        or_(MemberBlock.blocker_id == member_id, MemberBlock.blocked_id == member_id)))
    return {b if a == member_id else a for a, b in rows}


def block(by: User, member: ExchangeMember, other: ExchangeMember) -> MemberBlock:
    """Stop `other` and `member` hearing from each other (new conversations, messages, each other's posts);
    `other` is not told. Blocking twice is fine. Commit.

    :raise NotFound: `by` may not act as `member`, or `other` is not in the same exchange.
    """
    member = speaking_as(by, member)
    if other is None or other.organisation_id != member.organisation_id or other.id == member.id:
        raise NotFound()
    found = db.session.scalar(select(MemberBlock).where(MemberBlock.blocker_id == member.id,
                                                        MemberBlock.blocked_id == other.id))
    if found is None:
        found = MemberBlock(blocker_id=member.id, blocked_id=other.id, created_at=now_utc())
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # a double click: the other request blocked first
            found = db.session.scalar(select(MemberBlock).where(MemberBlock.blocker_id == member.id,
                                                                MemberBlock.blocked_id == other.id))
        audit_acting("exchange.member_blocked", by, member, subject=other)
    db.session.commit()
    return found


def unblock(by: User, member: ExchangeMember, other: ExchangeMember) -> None:
    """Lift `member`'s block of `other` (a block by `other` stays). Commit."""
    member = speaking_as(by, member)
    found = db.session.scalar(select(MemberBlock).where(MemberBlock.blocker_id == member.id,
                                                        MemberBlock.blocked_id == getattr(other, "id", None)))
    if found is not None:
        db.session.delete(found)
        audit_acting("exchange.member_unblocked", by, member, subject=other)
    db.session.commit()


# --- conversations and messages --------------------------------------------------------------------------

def _pair(a: int, b: int):
    return (a, b) if a < b else (b, a)


def start_or_open(by: User, member: ExchangeMember, post: ExchangePost) -> Conversation:
    """Return the conversation between `member` and the post's member about the post, starting it if new
    (only while the post is open and neither blocked the other). Commit.

    :raise NotFound: `by` may not talk as `member`, the post is of another exchange, or one blocked the other.
    :raise InvalidInput: the post is the member's own.
    :raise Conflict: the post is no longer open.
    """
    member = speaking_as(by, member)
    if post is None or post.organisation_id != member.organisation_id:
        raise NotFound()
    if post.member_id == member.id:
        raise InvalidInput(_l("This is your own post: others write to you about it."))
    first_id, second_id = _pair(member.id, post.member_id)
    where = (Conversation.post_id == post.id, Conversation.first_id == first_id, Conversation.second_id == second_id)
    found = db.session.scalar(select(Conversation).where(*where))
    if found is not None:
        return found
    if is_blocked(member.id, post.member_id):
        raise NotFound()
    if post.status != PostStatus.ACTIVE:
        raise Conflict(_l("This post is closed; it takes no new messages."))
    found = Conversation(organisation_id=post.organisation_id, post_id=post.id, first_id=first_id,
                         second_id=second_id, last_message_at=now_utc(), created_at=now_utc())
    try:
        with db.session.begin_nested():
            db.session.add(found)
    except IntegrityError:  # the same conversation started twice at once: use the one that won
        found = db.session.scalar(select(Conversation).where(*where))
    else:
        audit_acting("exchange.conversation_started", by, member, subject=found, post_id=post.id)
    db.session.commit()
    return found


def check_body(body) -> str:
    """Return a message's text, trimmed. :raise InvalidInput: empty or longer than MAX_BODY characters."""
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise InvalidInput(fields={"body": [_l("Write a message first.")]})
    if len(text) > MAX_BODY:
        raise InvalidInput(fields={"body": [_l("A message holds at most %(n)d characters; this one has %(m)d.",
                                               n=MAX_BODY, m=len(text))]})
    return text


def send(by: User, member: ExchangeMember, conversation: Conversation, body) -> Message:
    """Send a message as `member` (written by `by`: a coordinator writing for them is recorded), tell the other
    side (one unread notification per conversation at a time), and commit.

    :raise NotFound: `by` may not talk as `member`, or `member` is not a side.
    :raise InvalidInput: an empty or over-long message.
    :raise Conflict: either side blocked the other.
    :raise TooManyAttempts: the member sent more than BURST messages in the last BURST_MINUTES.
    """
    member = speaking_as(by, member)
    mine = side(conversation, member)
    text = check_body(body)
    other = other_of(conversation, member)
    if is_blocked(member.id, other.id):
        raise Conflict(CLOSED)
    now = now_utc()
    recent = db.session.scalar(select(func.count()).select_from(Message).where(
        Message.sender_id == member.id, Message.created_at > now - timedelta(minutes=BURST_MINUTES)))
    if recent >= BURST:
        raise TooManyAttempts(_l("You have sent many messages in a short time. Please wait a few minutes."))
    message = Message(conversation_id=conversation.id, sender_id=member.id, written_by_id=by.id, body=text,
                      created_at=now)
    db.session.add(message)
    conversation.last_message_at = now
    setattr(conversation, f"{mine}_read_at", now)
    for row in _unread_notifications(member, conversation):  # answering is reading
        row.read_at = now
    db.session.flush()
    _tell(other, member, conversation)
    audit_acting("exchange.message_sent", by, member, subject=message, conversation_id=conversation.id)
    db.session.commit()
    return message


def _tell(other: ExchangeMember, sender: ExchangeMember, conversation: Conversation) -> None:
    """Notify the other side, unless a notification of this conversation waits unread for them already."""
    waiting = db.session.scalars(select(Notification.link_args).where(
        Notification.user_id == other.user_id, Notification.kind == NOTIFY_KIND, Notification.read_at.is_(None)))
    if any((args or {}).get("conversation_id") == conversation.id for args in waiting):
        return
    notify(other.user, NOTIFY_KIND, link=("exchanges.thread", {"conversation_id": conversation.id}),
           name=sender.user.display_name, title=conversation.post.title)


def messages_of(conversation: Conversation) -> list[Message]:
    """Return the conversation's newest THREAD_LENGTH messages, oldest first."""
    rows = db.session.scalars(select(Message).where(Message.conversation_id == conversation.id)
                              .order_by(Message.id.desc()).limit(THREAD_LENGTH)).all()
    return list(reversed(rows))


def mark_read(member: ExchangeMember, conversation: Conversation) -> None:
    """Mark the conversation read by `member` now, and the notification of it too; commit. Nothing is written
    when nothing new came since they last read it."""
    mine = side(conversation, member)
    read_at = getattr(conversation, f"{mine}_read_at")
    waiting = _unread_notifications(member, conversation)
    if not waiting and not db.session.scalar(select(func.count()).select_from(Message).where(
            Message.conversation_id == conversation.id, Message.sender_id != member.id,
            *([Message.created_at > read_at] if read_at is not None else []))):
        return
    now = now_utc()
    setattr(conversation, f"{mine}_read_at", now)
    for row in waiting:
        row.read_at = now
    db.session.commit()


def _unread_notifications(member: ExchangeMember, conversation: Conversation) -> list[Notification]:
    """The member's unread notifications of new messages in the conversation."""
    return [row for row in db.session.scalars(select(Notification).where(
        Notification.user_id == member.user_id, Notification.kind == NOTIFY_KIND, Notification.read_at.is_(None)))
        if (row.link_args or {}).get("conversation_id") == conversation.id]


def conversations_of(member: ExchangeMember) -> list[tuple[Conversation, ExchangeMember, int]]:
    """Return the member's conversations, latest message first: (conversation, the other side, unread count)."""
    read_at = case((Conversation.first_id == member.id, Conversation.first_read_at),
                   else_=Conversation.second_read_at)
    unread = (select(func.count(Message.id)).where(
        Message.conversation_id == Conversation.id, Message.sender_id != member.id,
        or_(read_at.is_(None), Message.created_at > read_at))
        .correlate(Conversation).scalar_subquery())
    rows = db.session.execute(select(Conversation, unread).where(
        or_(Conversation.first_id == member.id, Conversation.second_id == member.id))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())).all()
    return [(c, c.second if c.first_id == member.id else c.first, count) for c, count in rows]


def unread_total(member: ExchangeMember) -> int:
    """Count the member's unread messages, over every conversation."""
    return sum(count for _c, _o, count in conversations_of(member))


def members_written_for(by: User) -> list[ExchangeMember]:
    """Return the members `by` may write for as a coordinator (see `may_write_for`), by name: one query."""
    return list(db.session.scalars(select(ExchangeMember).join(User, User.id == ExchangeMember.user_id).where(
        ExchangeMember.organisation_id.in_(coordinated_orgs(by)), ExchangeMember.user_id != by.id, User.is_active,
        or_(ExchangeMember.joined_by_id.is_not(None), func.coalesce(func.trim(User.phone), "") == ""))
        .order_by(User.display_name, ExchangeMember.id)))
