"""The exchange domain's kinds and states."""
from __future__ import annotations

import enum


class PostKind(enum.StrEnum):
    OFFER = "offer"  # "I can …"
    REQUEST = "request"  # "I need …"


class Category(enum.StrEnum):
    """What a service is; labels in `labels.CATEGORIES`."""

    COMPANIONSHIP = "companionship"
    ERRANDS = "errands"
    TEACHING = "teaching"
    REPAIRS = "repairs"
    HEALTH_ESCORT = "health_escort"
    CHILDCARE = "childcare"
    IT_HELP = "it_help"
    TRANSLATION = "translation"
    COOKING = "cooking"
    OTHER = "other"


class Place(enum.StrEnum):
    """Where the service happens: a home visit is refused to members under 18."""

    HOME = "home"  # at the receiver's home
    OUTSIDE = "outside"  # meeting somewhere (a clinic, a park, a shop)
    ONLINE = "online"  # by phone or video


class PostStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # by its member (or a coordinator for them)
    EXPIRED = "expired"  # its end date passed (sweep)
    HIDDEN = "hidden"  # taken down by a coordinator after a report


class AgreementStatus(enum.StrEnum):
    PROPOSED = "proposed"  # one side asked; the other has not answered
    AWAITING_APPROVAL = "awaiting_approval"  # both agreed; a new member's exchange waits for a coordinator
    AGREED = "agreed"  # both agreed on a time
    CLAIMED = "claimed"  # the giver said how many minutes they served; the receiver has to confirm
    CONFIRMED = "confirmed"  # the receiver confirmed: the minutes moved (one ledger entry)
    DISPUTED = "disputed"  # a side disagreed; a coordinator decides
    DECLINED = "declined"  # the other side said no, or a coordinator did not approve
    CANCELLED = "cancelled"  # called off before the service, or a dispute settled with no transfer


class ReportStatus(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class ReportReason(enum.StrEnum):
    HARASSMENT = "harassment"
    SCAM = "scam"  # asked for money, or for hours not served
    UNSAFE = "unsafe"
    NO_SHOW = "no_show"
    INAPPROPRIATE = "inappropriate"
    OTHER = "other"


PS, AS = PostStatus, AgreementStatus
