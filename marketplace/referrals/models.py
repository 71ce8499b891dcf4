"""Referral and visits (穗救易): households' care categories and visit schedule, district officers, the
assistance catalogue (事项清单) and who offers what where, referrals from intake to feedback, visits
(探访台账) and the policy worklist (政策找人).

Every household field stays private: the household's organisation, its district officer and (for the
households assigned to them) its visitors read it; referral notes are read by the organisation handling
the referral and its supervisors only. Public pages show counts by district, never a household.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.orgs.models import Community, District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.platform.types import UTCDateTime, one_of
from marketplace.wishes.models import Beneficiary, Listing, new_public_code


class CareCategory(enum.StrEnum):
    """A household's categories (it may have several); each sets how often it is visited."""

    SUBSISTENCE = "subsistence"  # 低保
    NEAR_SUBSISTENCE = "near_subsistence"  # 低边
    EXTREME_POVERTY = "extreme_poverty"  # 特困
    EXPENDITURE_HARDSHIP = "expenditure_hardship"  # 支出型困难
    ELDERLY_ALONE = "elderly_alone"  # 独居老人
    SEVERE_DISABILITY = "severe_disability"  # 特殊重度残疾
    UNSUPPORTED_CHILD = "unsupported_child"  # 事实无人抚养儿童


class ItemKind(enum.StrEnum):
    POLICY = "policy"  # a government benefit, with eligibility by category and facts
    SERVICE = "service"  # a service offered by named organisations
    CHARITY = "charity"  # a charity programme with a budget


class NeedKind(enum.StrEnum):
    LIVING = "living"
    MEDICAL = "medical"
    HOUSING = "housing"
    EDUCATION = "education"
    EMPLOYMENT = "employment"
    CARE = "care"
    OTHER = "other"


class Urgency(enum.StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class IntakeSource(enum.StrEnum):
    SOCIAL_WORKER = "social_worker"
    VISIT = "visit"
    HOUSEHOLD = "household"  # the household itself, on its phone, perhaps through a proxy


class ReferralStatus(enum.StrEnum):
    NEW = "new"  # waiting for dispatch
    DISPATCHED = "dispatched"  # offered to one or more organisations
    ACCEPTED = "accepted"  # an organisation owns it and is working on it
    DONE = "done"  # the owner reports it done; waiting for the household's feedback
    CLOSED = "closed"  # feedback given
    CANCELLED = "cancelled"


class DispatchAnswer(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"  # another organisation accepted first, or the referral was taken back


class ActionKind(enum.StrEnum):
    NOTE = "note"
    CASH = "cash"  # charity cash paid out of a fund (a disbursement)
    IN_KIND = "in_kind"  # goods or services at a declared value
    ATTACHMENT = "attachment"
    SPAWN = "spawn"  # a micro-wish, household need or care task made from the referral
    ESCALATION = "escalation"


class VisitMode(enum.StrEnum):
    HOME = "home"
    VIDEO = "video"
    PHONE = "phone"


class PolicyStatus(enum.StrEnum):
    APPLIED = "applied"
    RECEIVED = "received"
    NOT_ELIGIBLE = "not_eligible"


class HouseholdCare(db.Model):
    """The referral domain's record of one household: where it lives, how often it is visited, and the
    dates its light is read from (kept up to date by every visit and referral, so boards stay indexed)."""

    __tablename__ = "household_care"
    __table_args__ = (
        Index("ix_household_care_district_community", "district_id", "community_id"),
        CheckConstraint("open_referrals >= 0", name="open_referrals_not_negative"),
    )

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the household's
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"), index=True)
    social_worker_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    facts: Mapped[list] = mapped_column(JSON, default=list)  # recorded facts (labels.FACTS) for eligibility
    enrolled_on: Mapped[date] = mapped_column(Date, default=local_today)  # visits are due from this day
    visit_every_days: Mapped[int | None] = mapped_column(Integer)  # None: no category asks for visits
    last_visited_on: Mapped[date | None] = mapped_column(Date)
    visit_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    referral_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # earliest open due date
    open_referrals: Mapped[int] = mapped_column(Integer, default=0)
    # the household's own link to ask for help and give feedback without an account (digest of its token)
    intake_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    beneficiary: Mapped[Beneficiary] = relationship()
    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District] = relationship()
    community: Mapped[Community | None] = relationship()
    social_worker: Mapped[User | None] = relationship()
    categories: Mapped[list[HouseholdCategory]] = relationship(cascade="all, delete-orphan",
                                                               order_by="HouseholdCategory.category")


class HouseholdCategory(db.Model):
    __tablename__ = "household_category"
    __table_args__ = (CheckConstraint(one_of("category", CareCategory), name="category_known"),)

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("household_care.beneficiary_id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class HouseholdVisitor(db.Model):
    """A person (staff or volunteer) who visits a household regularly and so reads its record."""

    __tablename__ = "household_visitor"

    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("household_care.beneficiary_id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship()


class DistrictOfficer(db.Model):
    """A district officer supervises one district: every light, referral and escalation in it."""

    __tablename__ = "district_officer"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), primary_key=True, index=True)
    appointed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    district: Mapped[District] = relationship()


class AssistanceItem(db.Model):
    """One item of the assistance catalogue (事项清单): a policy, a service or a charity programme."""

    __tablename__ = "assistance_item"
    __table_args__ = (
        CheckConstraint(one_of("kind", ItemKind), name="kind_known"),
        CheckConstraint(one_of("need_kind", NeedKind), name="need_kind_known"),
        CheckConstraint("budget_fen IS NULL OR budget_fen >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    need_kind: Mapped[str] = mapped_column(String(16), index=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)  # eligible categories (any of); [] = all
    required_facts: Mapped[list] = mapped_column(JSON, default=list)  # facts a household must have (all of)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # a programme's owner
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("fund.id"))  # a charity programme's fund
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation | None] = relationship()


class ItemOffer(db.Model):
    """An organisation declares it offers a catalogue item in a district."""

    __tablename__ = "item_offer"
    __table_args__ = (UniqueConstraint("item_id", "organisation_id", "district_id", name="uq_item_offer"),
                      Index("ix_item_offer_item_district", "item_id", "district_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assistance_item.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    item: Mapped[AssistanceItem] = relationship()
    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District] = relationship()


R = ReferralStatus


class Referral(db.Model):
    """One need of one household followed from intake through dispatch and processing to feedback."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint(one_of("status", ReferralStatus), name="status_known"),
        CheckConstraint(one_of("need_kind", NeedKind), name="need_kind_known"),
        CheckConstraint(one_of("urgency", Urgency), name="urgency_known"),
        CheckConstraint(one_of("source", IntakeSource), name="source_known"),
        CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
        Index("ix_referral_status_due", "status", "due_at"),
        Index("ix_referral_org_status", "organisation_id", "status"),
        Index("ix_referral_district_status", "district_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("household_care.beneficiary_id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))  # the household's, for boards
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_item.id"), index=True)
    need_kind: Mapped[str] = mapped_column(String(16))
    urgency: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text)  # what is needed: read by handlers, never public
    private_details: Mapped[str] = mapped_column(Text, default="")  # the household's organisation only
    source: Mapped[str] = mapped_column(String(16))
    proxy_name: Mapped[str] = mapped_column(String(80), default="")  # who filled the form for the household
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(16), default=R.NEW.value)
    machine = Machine("referral", "A household's need, from intake to the household's feedback (转办转介).", start={
        R.NEW: "a social worker, a visitor or the household recording a need",
    }, moves={
        R.NEW: {R.DISPATCHED: "staff of the household's organisation or the district officer, choosing who helps",
                R.CANCELLED: "staff of the household's organisation, giving the reason"},
        R.DISPATCHED: {R.ACCEPTED: "staff of an organisation it was sent to; the first to accept owns it",
                       R.NEW: "every organisation it was sent to declining, with reasons (back to dispatch)",
                       R.CANCELLED: "staff of the household's organisation, giving the reason"},
        R.ACCEPTED: {R.DONE: "the owning organisation, recording the outcome",
                     R.NEW: "the owning organisation handing it back, with a reason (back to dispatch)"},
        R.DONE: {R.CLOSED: "the household, or its social worker for it, confirming the outcome",
                 R.ACCEPTED: "the household or its social worker saying it is not done yet"},
        R.CLOSED: {R.ACCEPTED: "staff of the household's organisation or the owner, reopening with a reason"},
        R.CANCELLED: {},
    }, stamp="status_changed_at", labels={
        "new": _l("Waiting for dispatch"), "dispatched": _l("Sent, waiting for an answer"),
        "accepted": _l("Being handled"), "done": _l("Done, waiting for feedback"), "closed": _l("Closed with feedback"),
        "cancelled": _l("Cancelled")})
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # the owner's, once accepted
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set at dispatch from the urgency
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1–5, from the feedback
    feedback_note: Mapped[str] = mapped_column(String(500), default="")
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on_time: Mapped[bool | None] = mapped_column(Boolean)  # done by its due date, read at closing
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"))  # a wish or need made from it
    care_request_id: Mapped[int | None] = mapped_column(ForeignKey("care_request.id"))  # a care task made from it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    household: Mapped[HouseholdCare] = relationship()
    item: Mapped[AssistanceItem | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    listing: Mapped[Listing | None] = relationship()


class ReferralDispatch(db.Model):
    """A referral offered to one organisation, and its answer."""

    __tablename__ = "referral_dispatch"
    __table_args__ = (CheckConstraint(one_of("answer", DispatchAnswer), name="answer_known"),
                      Index("ix_referral_dispatch_org_answer", "organisation_id", "answer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    dispatched_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    answer: Mapped[str] = mapped_column(String(16), default=DispatchAnswer.OPEN.value)
    reason: Mapped[str] = mapped_column(String(300), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()


class ReferralAction(db.Model):
    """Something done on a referral: a note, money or goods given, a file, a wish made from it…"""

    __tablename__ = "referral_action"
    __table_args__ = (CheckConstraint(one_of("kind", ActionKind), name="kind_known"),
                      CheckConstraint("value_fen >= 0", name="value_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # cash paid, or goods' declared value
    disbursement_id: Mapped[int | None] = mapped_column(ForeignKey("disbursement.id"))
    attachment_path: Mapped[str] = mapped_column(String(200), default="")  # private, under a generated name
    attachment_type: Mapped[str] = mapped_column(String(40), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    actor: Mapped[User | None] = relationship()


class Visit(db.Model):
    """One visit to a household (探访), with what the visitors found."""

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint(one_of("mode", VisitMode), name="mode_known"),
        CheckConstraint("minutes >= 0 AND minutes <= 1440", name="minutes_range"),
        Index("ix_visit_household_day", "beneficiary_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("household_care.beneficiary_id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # the household's, at the time
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    mode: Mapped[str] = mapped_column(String(8))
    minutes: Mapped[int] = mapped_column(Integer, default=0)  # how long, for volunteers' hours
    living: Mapped[str] = mapped_column(Text, default="")
    health: Mapped[str] = mapped_column(Text, default="")
    housing: Mapped[str] = mapped_column(Text, default="")
    education: Mapped[str] = mapped_column(Text, default="")
    medical: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    household: Mapped[HouseholdCare] = relationship()
    visitors: Mapped[list[VisitVisitor]] = relationship(cascade="all, delete-orphan")


class VisitVisitor(db.Model):
    """One of a visit's visitors; a volunteer's hours for it go through the one review of hours."""

    __tablename__ = "visit_visitor"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, index=True)
    hour_report_id: Mapped[int | None] = mapped_column(ForeignKey("hour_report.id"))

    user: Mapped[User] = relationship()


class PolicyCheck(db.Model):
    """政策找人: what became of one policy item a household may be eligible for."""

    __tablename__ = "policy_check"
    __table_args__ = (UniqueConstraint("beneficiary_id", "item_id", name="uq_policy_check"),
                      CheckConstraint(one_of("status", PolicyStatus), name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("household_care.beneficiary_id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("assistance_item.id"))
    status: Mapped[str] = mapped_column(String(16))
    machine = Machine("policy_check", "A policy item a household may be eligible for (政策找人).", start={
        PolicyStatus.APPLIED: "its social worker, having applied for it",
        PolicyStatus.RECEIVED: "its social worker, the household already receiving it",
        PolicyStatus.NOT_ELIGIBLE: "its social worker, saying why",
    }, moves={
        PolicyStatus.APPLIED: {PolicyStatus.RECEIVED: "its social worker", PolicyStatus.NOT_ELIGIBLE:
                               "its social worker, saying why (the application was refused)"},
        PolicyStatus.RECEIVED: {PolicyStatus.APPLIED: "its social worker, the benefit having stopped"},
        PolicyStatus.NOT_ELIGIBLE: {PolicyStatus.APPLIED: "its social worker, the household's facts having changed"},
    }, stamp="status_changed_at", labels={"applied": _l("Applied"), "received": _l("Receiving it"),
                                          "not_eligible": _l("Not eligible")})
    reason: Mapped[str] = mapped_column(String(300), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    item: Mapped[AssistanceItem] = relationship()
