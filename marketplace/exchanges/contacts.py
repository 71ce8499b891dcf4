"""Contact details in conversations: nothing that reaches a person outside the site (a phone number, a WeChat
or QQ id, an email, a house number) is shown until both sides agree to share.

Messages are stored as written; they are masked when shown (`shown`) while either side has not agreed, with
a plain note saying why. Once both agree, the page shows each side's own phone number (`phones`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from marketplace.auth.models import User
from marketplace.exchanges.access import audit_acting
from marketplace.exchanges.models import Conversation, ExchangeMember
from marketplace.exchanges.talk import CLOSED, is_blocked, other_of, side, speaking_as
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db

HIDDEN = "•••"
NOTE = _l("(contact details hidden until you both agree to share)")

# Full-width digits and separators read as ASCII for matching (one character each, so positions agree).
_WIDE = str.maketrans("０１２３４５６７８９－＋（）：　", "0123456789-+(): ")
_SEP = r"[ \-]?"
_PATTERNS = [re.compile(p, re.IGNORECASE) for p in (
    # mobile numbers: 1[3-9] and nine digits, with spaces or dashes between, maybe +86 before
    rf"(?<![\d])(?P<hide>(?:\+?86{_SEP})?1{_SEP}[3-9](?:{_SEP}\d){{9}})(?![\d])",
    # landlines: an area code and 7-8 digits (020-8888 8888, (020) 88888888), or 7-8 digits alone
    rf"(?<![\d])(?P<hide>\(0\d{{2,3}}\) ?\d{{3,4}}{_SEP}\d{{4}}|0\d{{2,3}}[ \-]\d{{3,4}}{_SEP}\d{{4}}"
    rf"|\d{{7,8}}|\d{{3,4}}-\d{{4}})(?![\d])",
    # international numbers: + and at least eight digits
    rf"(?P<hide>\+\d{{1,3}}(?:{_SEP}\d){{7,}})",
    # WeChat, QQ and similar ids after their name
    r"(?<![a-z])(?:微信号?|微信id|威信|weixin|wechat|vx|v信|wx|qq号?|扣扣)\s*(?:号|id)?[\s是为:]*"
    r"(?P<hide>[a-z0-9][-_a-z0-9]{4,19})",
    # email addresses
    r"(?P<hide>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)",
    # Chinese addresses: the number after a road or street (中山五路123号), buildings, units and rooms
    r"(?:路|街|巷|弄|大道)\s*(?P<hide>\d+(?:-\d+)?\s*号(?:之\d+)?)",
    r"(?P<hide>[\dA-Z]{1,4}\s*(?:栋|幢|座|号楼|单元|室)|\d{1,4}\s*房(?![间子东租])|\d{1,3}\s*(?:楼|层)\s*\d{1,4})",
    # English addresses: a house number before a street's name, flats and rooms
    r"(?P<hide>\b\d{1,5}[a-z]?)(?=\s+(?:[a-z]+\s+){1,3}(?:road|rd|street|st|avenue|ave|lane|ln|drive|dr|way)\b)",
    r"\b(?:room|rm|flat|apt|apartment|unit|building|block|no\.?)\s*(?P<hide>[a-z]?\d{1,5}[a-z]?)\b",
)]


@dataclass(frozen=True)
class Shown:
    """A message's text as shown, and whether anything in it was hidden."""

    text: str
    hidden: bool


def mask(text: str) -> Shown:
    """Hide phone-number-like and address-like parts of `text`; words and other numbers stay as written."""
    plain = text.translate(_WIDE)
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        spans += [m.span("hide") for m in pattern.finditer(plain)]
    if not spans:
        return Shown(text, False)
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [text[at:start], HIDDEN]
        at = end
    out.append(text[at:])
    return Shown("".join(out), True)


def both_share(conversation: Conversation) -> bool:
    """Tell whether both sides agreed to share their contact details."""
    return bool(conversation.first_shares and conversation.second_shares)


def shares(conversation: Conversation, member: ExchangeMember) -> bool:
    """Tell whether `member` agreed to share their contact details in this conversation."""
    return bool(getattr(conversation, f"{side(conversation, member)}_shares"))


def shown(conversation: Conversation, text: str) -> Shown:
    """Return a message's text as the conversation's readers see it: masked until both share."""
    return Shown(text, False) if both_share(conversation) else mask(text)


def phones(conversation: Conversation) -> list[tuple[ExchangeMember, str]]:
    """Return each side and their phone number (sides without one are left out) once both share, else []."""
    if not both_share(conversation):
        return []
    return [(m, m.user.phone.strip()) for m in (conversation.first, conversation.second)
            if (m.user.phone or "").strip()]


def share(by: User, member: ExchangeMember, conversation: Conversation, on: bool = True) -> Conversation:
    """Say that `member` agrees (or no longer agrees) to share contact details in the conversation; commit.

    :raise NotFound: `by` may not talk as `member`, or `member` is not a side.
    :raise Conflict: sharing while either side blocked the other.
    """
    member = speaking_as(by, member)
    mine = side(conversation, member)
    if on and is_blocked(member.id, other_of(conversation, member).id):
        raise Conflict(CLOSED)
    if bool(getattr(conversation, f"{mine}_shares")) != on:
        setattr(conversation, f"{mine}_shares", on)
        audit_acting("exchange.contact_shared" if on else "exchange.contact_unshared", by, member,
                     subject=conversation)
    db.session.commit()
    return conversation


def unshare(by: User, member: ExchangeMember, conversation: Conversation) -> Conversation:
    """Withdraw `member`'s agreement to share contact details; details are hidden again for both. Commit."""
    return share(by, member, conversation, on=False)
