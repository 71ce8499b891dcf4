"""Tables for care paid in hours."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime, one_of


class CareStatus(enum.StrEnum):
    OPEN = "open"  # hours held, waiting for a volunteer
    ACCEPTED = "accepted"
    DONE = "done"  # the provider says it is done; the requester confirms
    DISPUTED = "disputed"  # a coordinator settles it
    SETTLED = "settled"  # the hold is posted to the provider
    CANCELLED = "cancelled"  # the hold is voided



class CareRequest(db.Model):
    """A service asked for a named care recipient, paid from saved hours (or an organisation's pool)."""

    __tablename__ = "care_request"
    __table_args__ = (
        CheckConstraint(one_of("status", CareStatus), name="status_known"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    pool_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # settles disputes
    recipient_name: Mapped[str] = mapped_column(String(80))
    service: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="")
    # where to go and whom to call: shown to the matched volunteer only while the care is to be given
    # (care/service.py `may_see_contact`), and to the requester and the arranging coordinators
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(100), default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=CareStatus.OPEN.value, index=True)
    machine = Machine("care_request", "Care asked for and paid from held hours.", start={
        CareStatus.OPEN: "a member asking for care (the hours are held)",
    }, moves={
        CareStatus.OPEN: {CareStatus.ACCEPTED: "one volunteer taking it on (the first wins)",
                   CareStatus.CANCELLED: "the requester (the hold is voided)"},
        CareStatus.ACCEPTED: {CareStatus.OPEN: "the volunteer stepping back before giving it (another may take it)",
                       CareStatus.SETTLED: "the requester confirming (the hold is paid to the volunteer)",
                       CareStatus.DISPUTED: "the requester disputing it",
                       CareStatus.CANCELLED: "the requester (the hold is voided)"},
        CareStatus.DISPUTED: {CareStatus.SETTLED: "a coordinator settling it"},
        CareStatus.DONE: {},
        CareStatus.SETTLED: {},
        CareStatus.CANCELLED: {},
    }, labels={"open": _l("Waiting for a volunteer"), "accepted": _l("A volunteer is coming"), "done": _l("Given"),
               "disputed": _l("Being settled"), "settled": _l("Paid"), "cancelled": _l("Cancelled")})
    hold_id: Mapped[int] = mapped_column(ForeignKey("ledger_hold.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    minutes_paid: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    provider: Mapped[User | None] = relationship(foreign_keys=[provider_id])
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
