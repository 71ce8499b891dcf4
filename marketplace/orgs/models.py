"""Organisations, the districts they serve, their members and invitations."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.platform.labels import Labels
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


class OrgKind(enum.StrEnum):
    CHARITY = "charity"
    FIRM = "firm"
    SOCIAL_WORK_STATION = "social_work_station"
    VOLUNTEER_TEAM = "volunteer_team"


class Role(enum.StrEnum):
    """Membership roles, lowest first: each role may do what the ones before it may."""

    MEMBER = "member"
    COORDINATOR = "coordinator"
    STAFF = "staff"
    FINANCE = "finance"  # staff who also keep the books: close periods, book late entries
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


ORG_KINDS = Labels("organisation_kind", {
    OrgKind.CHARITY: _l("Charity"), OrgKind.FIRM: _l("Caring firm (爱心企业)"),
    OrgKind.SOCIAL_WORK_STATION: _l("Social-work station (社工站)"), OrgKind.VOLUNTEER_TEAM: _l("Volunteer team"),
})
ROLES = Labels("member_role", {Role.MEMBER: _l("Member"), Role.COORDINATOR: _l("Coordinator"), Role.STAFF: _l("Staff"),
                               Role.FINANCE: _l("Finance"), Role.ADMIN: _l("Admin")})



class District(db.Model):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(60))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Community(db.Model):
    """A community (社区) or street (街道) inside a district: where households live and visits are compared."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    district: Mapped[District] = relationship()


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(one_of("kind", OrgKind), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # as registered with the authorities, printed on receipts
    registered_name: Mapped[str] = mapped_column(String(200), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    address: Mapped[str] = mapped_column(String(300), default="")
    # the names normalised (see orgs/names.py), unique so no organisation looks like another
    name_zh_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    name_en_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    district: Mapped[District] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_membership_org_user"),
        CheckConstraint(one_of("role", Role), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class Invitation(db.Model):
    """An emailed invitation to join an organisation; only the token's digest is stored."""

    __tablename__ = "invitation"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now
