"""Organisations: create, edit, verify; members: invite, accept, leave, remove, change role.

No organisation's name may read like another's (orgs/names.py), and only a verified organisation
takes money or asks for it in public (`require_verified`)."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import false
from sqlalchemy.exc import IntegrityError

from config import settings
from marketplace.audit.service import record
from marketplace.auth import tokens
from marketplace.auth.models import User
from marketplace.auth.service import normalise_email
from marketplace.orgs import credit_code
from marketplace.orgs.models import District, Invitation, Membership, Organisation, OrgKind, Role
from marketplace.orgs.names import name_key
from marketplace.orgs.policy import can, require
from marketplace.platform import mailer
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.links import site_url
from marketplace.platform.timeutil import now_utc

ORG_TEXT_LIMITS = {
    "name_zh": 120, "name_en": 160, "description": 4000,
    "contact_name": 80, "contact_phone": 32, "contact_email": 254,
    "registered_name": 200, "credit_code": 40, "address": 300,
}


def districts(active_only: bool = True) -> list[District]:
    """Return districts in display order."""
    stmt = db.select(District).order_by(District.sort_order, District.id)
    if active_only:
        stmt = stmt.where(District.is_active.is_(True))
    return list(db.session.scalars(stmt))


def save_district(actor: User, code: str, name_zh: str, name_en: str, sort_order: int,
                  is_active: bool, district_id: int | None = None) -> District:
    """Add a district or edit one (platform admins only)."""
    require(actor, "district.manage")
    code = code.strip().lower()
    fields = {}
    if not code or len(code) > 32 or not code.replace("-", "").replace("_", "").isalnum():
        fields["code"] = [_l("Use 1 to 32 letters, digits, - or _.")]
    for name, value, limit in (("name_zh", name_zh, 40), ("name_en", name_en, 60)):
        if not value.strip() or len(value) > limit:
            fields[name] = [_l("Enter a name of 1 to %(n)d characters.", n=limit)]
    if fields:
        raise InvalidInput(fields=fields)
    district = db.session.get(District, district_id) if district_id is not None else District()
    if district is None:
        raise NotFound()
    clash = db.session.scalar(db.select(District).where(District.code == code))
    if clash is not None and clash is not district:
        raise InvalidInput(fields={"code": [_l("Another district already uses this code.")]})
    district.code, district.name_zh, district.name_en = code, name_zh.strip(), name_en.strip()
    district.sort_order, district.is_active = sort_order, is_active
    db.session.add(district)
    db.session.flush()
    record("district.saved", actor=actor, subject=district, code=code)
    db.session.commit()
    return district


def _clean_org_fields(data: dict) -> dict:
    fields: dict[str, list] = {}
    clean = {key: (data.get(key) or "").strip() for key in ORG_TEXT_LIMITS}
    for key, limit in ORG_TEXT_LIMITS.items():
        if len(clean[key]) > limit:
            fields[key] = [_l("Use at most %(n)d characters.", n=limit)]
    for key in ("name_zh", "name_en"):
        if not clean[key]:
            fields[key] = [_l("This field is required.")]
    if clean["contact_email"] and "contact_email" not in fields:
        try:
            clean["contact_email"] = normalise_email(clean["contact_email"])
        except InvalidInput:
            fields["contact_email"] = [_l("Enter a valid email address.")]
    district_id = data.get("district_id")
    district = db.session.get(District, district_id) if is_id(district_id) else None
    if district is None or not district.is_active:
        fields["district_id"] = [_l("Choose a district from the list.")]
    for key in ("name_zh", "name_en"):
        if clean[key] and key not in fields and not name_key(clean[key]):
            fields[key] = [_l("Use letters or digits in the name.")]
    clean["credit_code"] = credit_code.normalise(clean["credit_code"]) or None
    if clean["credit_code"] and "credit_code" not in fields and not credit_code.is_valid(clean["credit_code"]):
        fields["credit_code"] = [_l("Enter the 18-character unified social credit code exactly as on the "
                                    "registration certificate; this one is not valid.")]
    if fields:
        raise InvalidInput(fields=fields)
    clean["district_id"] = district.id
    return clean


def _refuse_look_alikes(org: Organisation) -> None:
    """Give the organisation its name keys, refusing a name or code another organisation already has.

    :raise InvalidInput: naming `name_zh`, `name_en` or `credit_code`.
    """
    org.name_zh_key, org.name_en_key = name_key(org.name_zh), name_key(org.name_en)
    fields: dict[str, list] = {}
    for key, column in (("name_zh", Organisation.name_zh_key), ("name_en", Organisation.name_en_key)):
        other = db.session.scalar(db.select(Organisation).where(column == getattr(org, f"{key}_key"),
                                                                Organisation.id != org.id).limit(1))
        if other is not None:
            fields[key] = [_l("This name is too like that of %(name)s, already registered; choose a name "
                              "nobody could mistake for it.", name=other.name_zh)]
    if org.credit_code and db.session.scalar(db.select(Organisation.id).where(
            Organisation.credit_code == org.credit_code, Organisation.id != org.id).limit(1)):
        fields["credit_code"] = [_l("Another organisation is registered with this unified social credit code.")]
    if fields:
        raise InvalidInput(fields=fields)


def _commit_organisation() -> None:
    """Commit; a name or code taken at the same moment is answered like one taken before."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(fields={"name_zh": [_l(
            "Another organisation registered this name or code just now; choose another.")]}) from None


def create_organisation(actor: User, kind: str, **data) -> Organisation:
    """Register an organisation; its creator becomes its first admin."""
    require(actor, "org.create")
    if not actor.is_email_verified:
        raise Forbidden(_l("Please confirm your email address before creating an organisation."))
    if kind not in {k.value for k in OrgKind}:
        raise InvalidInput(fields={"kind": [_l("Choose a kind of organisation from the list.")]})
    org = Organisation(kind=kind, created_by_id=actor.id, **_clean_org_fields(data))
    _refuse_look_alikes(org)
    db.session.add(org)
    db.session.flush()
    db.session.add(Membership(organisation=org, user=actor, role=Role.ADMIN.value))
    record("org.created", actor=actor, subject=org, kind=kind)
    _commit_organisation()
    return org


def update_organisation(actor: User, org: Organisation, **data) -> Organisation:
    """Edit an organisation's public details."""
    require(actor, "org.edit", org)
    clean = _clean_org_fields(data)
    with db.session.no_autoflush:
        for key, value in clean.items():
            setattr(org, key, value)
        _refuse_look_alikes(org)
    record("org.updated", actor=actor, subject=org)
    _commit_organisation()
    return org


def set_verified(actor: User, org: Organisation, verified: bool) -> Organisation:
    """Set or clear the verified flag (platform admins only)."""
    require(actor, "org.verify", org)
    org.is_verified = verified
    org.verified_at = now_utc() if verified else None
    org.verified_by_id = actor.id if verified else None
    record("org.verified" if verified else "org.unverified", actor=actor, subject=org)
    db.session.commit()
    return org


def require_verified(org: Organisation) -> None:
    """Refuse to let an organisation the platform has not verified take money or ask for it in public.

    :raise Conflict: the organisation is not verified.
    """
    if not org.is_verified:
        raise Conflict(_l("%(name)s is not verified yet: until the platform verifies it, it cannot take gifts "
                          "or open public funds, wishes or needs.", name=org.name_zh))


def get_organisation(org_id: int) -> Organisation:
    """Return an organisation or raise NotFound."""
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return org


def organisation_for(user: User | None, action: str, org_id: int) -> Organisation:
    """Return the organisation if `user` may do `action` on it; a denial looks like a missing one (NotFound)."""
    org = get_organisation(org_id)
    if not can(user, action, org):
        raise NotFound()
    return org


def list_organisations(kind: str | None = None, district_id: int | None = None,
                       q: str | None = None, verified_only: bool = False):
    """Return a select statement of organisations matching the filters, newest last."""
    stmt = db.select(Organisation).order_by(Organisation.id)
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    if district_id is not None:
        stmt = stmt.where(Organisation.district_id == district_id if is_id(district_id) else false())
    if verified_only:
        stmt = stmt.where(Organisation.is_verified.is_(True))
    if q:
        pattern = f"%{q.strip()[:100]}%"
        stmt = stmt.where(Organisation.name_zh.ilike(pattern) | Organisation.name_en.ilike(pattern))
    return stmt


def members(actor: User, org: Organisation) -> list[Membership]:
    """Return the members of an organisation, admins first."""
    require(actor, "org.view_members", org)
    order = {role.value: -role.rank for role in Role}
    return sorted(org.memberships, key=lambda m: (order[m.role], m.user.display_name, m.id))


def open_invitations(actor: User, org: Organisation) -> list[Invitation]:
    """Return the organisation's invitations still waiting for an answer."""
    require(actor, "org.manage_members", org)
    now = now_utc()
    stmt = db.select(Invitation).where(Invitation.organisation_id == org.id).order_by(Invitation.id)
    return [inv for inv in db.session.scalars(stmt) if inv.is_open(now)]


def _check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(fields={"role": [_l("Choose a role from the list.")]}) from None


def invite(actor: User, org: Organisation, email: str, role: str) -> Invitation:
    """Invite someone by email to join with a role."""
    require(actor, "org.manage_members", org)
    email = normalise_email(email)
    role_enum = _check_role(role)
    if any(m.user.email == email for m in org.memberships):
        raise InvalidInput(fields={"email": [_l("This person is already a member.")]})
    plain = tokens.random_token()
    days = settings.INVITATION_MAX_AGE_DAYS
    invitation = Invitation(
        organisation=org, email=email, role=role_enum.value, invited_by=actor,
        token_hash=tokens.digest(plain), expires_at=now_utc() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    record("org.member_invited", actor=actor, subject=org, email_digest=tokens.fingerprint(email),
           role=role_enum.value)
    link = site_url("orgs.invitation", token=plain)
    mailer.send(email, actor.locale, _l("You are invited to join an organisation on Goodhours"),
                "invitation", org=org, inviter=actor, role=role_enum, link=link, days=days)
    db.session.commit()
    return invitation


def invitation_for(token: str) -> Invitation:
    """Return the open invitation for a token, or raise."""
    invitation = db.session.scalar(db.select(Invitation).where(Invitation.token_hash == tokens.digest(token)))
    if invitation is None or not invitation.is_open(now_utc()):
        raise InvalidInput(_l("This invitation is invalid, used or expired. Ask for a new one."))
    return invitation


def accept_invitation(user: User, token: str) -> Membership:
    """Join the organisation an invitation is for; it must be addressed to the user's email."""
    require(user, "invitation.accept")
    invitation = invitation_for(token)
    if invitation.email != user.email:
        raise Forbidden(_l("This invitation was sent to another email address."))
    membership = db.session.scalar(db.select(Membership).where(
        Membership.organisation_id == invitation.organisation_id, Membership.user_id == user.id))
    if membership is None:
        membership = Membership(organisation_id=invitation.organisation_id, user=user,
                                role=invitation.role)
        db.session.add(membership)
    invitation.accepted_at = now_utc()
    if user.email_verified_at is None:
        user.email_verified_at = invitation.accepted_at  # the emailed link proves the address
    db.session.flush()
    record("org.member_joined", actor=user, subject=invitation.organisation, role=invitation.role)
    db.session.commit()
    return membership


def revoke_invitation(actor: User, org: Organisation, invitation_id: int) -> None:
    """Withdraw an invitation not yet accepted."""
    require(actor, "org.manage_members", org)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != org.id:
        raise NotFound()
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now_utc()
        record("org.invitation_revoked", actor=actor, subject=org, invitation_id=invitation.id)
        db.session.commit()


def _membership(org: Organisation, membership_id: int) -> Membership:
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation_id != org.id:
        raise NotFound()
    return membership


def _admin_count(org: Organisation) -> int:
    return sum(1 for m in org.memberships if m.role == Role.ADMIN.value)


def _keep_an_admin(org: Organisation, membership: Membership) -> None:
    if membership.role == Role.ADMIN.value and _admin_count(org) <= 1:
        raise Conflict(_l("An organisation needs at least one admin. Make someone else admin first."))


def change_role(actor: User, org: Organisation, membership_id: int, role: str) -> Membership:
    """Give a member another role."""
    require(actor, "org.manage_members", org)
    membership = _membership(org, membership_id)
    new_role = _check_role(role)
    if new_role.value == membership.role:
        return membership
    if new_role is not Role.ADMIN:
        _keep_an_admin(org, membership)
    old = membership.role
    membership.role = new_role.value
    record("org.role_changed", actor=actor, subject=org, user_id=membership.user_id,
           old=old, new=new_role.value)
    db.session.commit()
    return membership


def remove_member(actor: User, org: Organisation, membership_id: int) -> None:
    """Remove a member from the organisation."""
    require(actor, "org.manage_members", org)
    membership = _membership(org, membership_id)
    _keep_an_admin(org, membership)
    record("org.member_removed", actor=actor, subject=org, user_id=membership.user_id,
           role=membership.role)
    db.session.delete(membership)
    db.session.commit()


def leave(user: User, org: Organisation) -> None:
    """Leave an organisation the user belongs to."""
    require(user, "org.leave", org)
    membership = next(m for m in org.memberships if m.user_id == user.id)
    _keep_an_admin(org, membership)
    record("org.member_left", actor=user, subject=org, role=membership.role)
    db.session.delete(membership)
    db.session.commit()
