"""Funds an organisation holds, and the disbursements paid out of them.

Money itself lives only in the ledger: each fund is a no-overdraft `fund` account owned by
the fund (`owner_type="fund"`); the rows here say what the fund is for and who moved what.
"""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.orgs.models import District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.labels import Labels
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime, one_of
from marketplace.wishes.models import Listing, new_public_code


class FundKind(enum.StrEnum):
    GENERAL = "general"  # unrestricted
    PROJECT = "project"
    COMMUNITY = "community"  # 社区慈善基金, tied to a community (district)
    NAMED = "named"  # 冠名基金, named after a donor or firm
    RESTRICTED = "restricted"  # opened for one wish paid in money or one household need


KIND_LABELS = Labels("fund_kind", {
    FundKind.GENERAL: _l("General fund (unrestricted)"),
    FundKind.PROJECT: _l("Project fund"),
    FundKind.COMMUNITY: _l("Community charity fund"),
    FundKind.NAMED: _l("Named fund"),
    FundKind.RESTRICTED: _l("Restricted fund (one wish or need)"),
}, hidden=[FundKind.RESTRICTED])  # opened by the site for one listing, never chosen by hand


class DisbursementStatus(enum.StrEnum):
    REQUESTED = "requested"  # waiting for a second staff member's approval
    PAID = "paid"
    REJECTED = "rejected"


class Fund(db.Model):
    __tablename__ = "fund"
    __table_args__ = (
        CheckConstraint(one_of("kind", FundKind), name="kind_known"),
        Index("uq_fund_listing", "listing_id", unique=True, postgresql_where=text("listing_id IS NOT NULL"),
              sqlite_where=text("listing_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(Text, default="")
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))  # a community fund's community
    named_after: Mapped[str] = mapped_column(String(120), default="")  # a named fund's donor or firm
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"))  # a restricted fund's wish or need
    is_open: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District | None] = relationship()
    listing: Mapped[Listing | None] = relationship()

    @property
    def is_restricted(self) -> bool:
        return self.kind == FundKind.RESTRICTED


class Disbursement(db.Model):
    """A payment out of a fund, with its receipt or invoice; large ones need a second staff member."""

    __tablename__ = "disbursement"
    __table_args__ = (
        CheckConstraint(one_of("status", DisbursementStatus), name="status_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    payee: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[str] = mapped_column(String(500))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"), index=True)  # charity cash for a need
    evidence_path: Mapped[str] = mapped_column(String(200))  # private, under a generated name
    evidence_type: Mapped[str] = mapped_column(String(40))
    public_evidence_path: Mapped[str] = mapped_column(String(200), default="")  # redacted copy, when publishable
    status: Mapped[str] = mapped_column(String(16), default=DisbursementStatus.REQUESTED.value, index=True)
    machine = Machine("disbursement", "A payment out of a fund, with its receipt.", start={
        DisbursementStatus.REQUESTED: "staff asking for a payment",
    }, moves={
        DisbursementStatus.REQUESTED: {
            DisbursementStatus.PAID: "staff, at once up to the second-person amount; above it, a second staff member",
            DisbursementStatus.REJECTED: "any staff member (the requester withdrawing it)"},
        DisbursementStatus.PAID: {},
        DisbursementStatus.REJECTED: {},
    }, labels={"requested": _l("Waiting for approval"), "paid": _l("Paid"), "rejected": _l("Rejected")})
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str] = mapped_column(String(300), default="")
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    fund: Mapped[Fund] = relationship()
    listing: Mapped[Listing | None] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
