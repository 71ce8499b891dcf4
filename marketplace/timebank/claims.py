"""Hours claimed for service done offline: submitted with evidence, reviewed by a coordinator."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace import uploads
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.checks import reason_given
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.ids import is_id
from marketplace.ledger import service as ledger
from marketplace.orgs.models import Organisation
from marketplace.policy import require
from marketplace.timebank.models import HourClaim, ReviewStatus
from marketplace.timebank.service import savings_account, setting
from marketplace.timeutil import now_utc


def submit_claim(user: User, organisation_id, served_on: date | None, minutes, description: str,
                 evidence) -> HourClaim:
    """Ask an organisation to credit hours served offline; the evidence is checked by content."""
    fields: dict[str, list] = {}
    org = db.session.get(Organisation, organisation_id) if is_id(organisation_id) else None
    if org is None:
        fields["organisation_id"] = [_l("Choose an organisation from the list.")]
    today = now_utc().date()
    if served_on is None or served_on > today or served_on < today - timedelta(days=365):
        fields["served_on"] = [_l("Enter a date within the last year.")]
    if type(minutes) is not int or not 1 <= minutes <= setting("DAILY_CAP_MINUTES"):
        fields["minutes"] = [_l("Enter between 1 and %(n)d minutes.", n=setting("DAILY_CAP_MINUTES"))]
    if not (description or "").strip() or len(description) > 1000:
        fields["description"] = [_l("Describe the service (up to 1,000 characters).")]
    if fields:
        raise InvalidInput(fields=fields)
    stored, content_type = uploads.store(evidence, "evidence", "claims")
    claim = HourClaim(user_id=user.id, organisation_id=org.id, served_on=served_on, minutes=minutes,
                      description=description.strip(), evidence_path=stored, evidence_type=content_type,
                      status=ReviewStatus.PENDING.value)
    db.session.add(claim)
    db.session.flush()
    record("claim.submitted", actor=user, subject=claim, minutes=minutes)
    db.session.commit()
    return claim


def pending_claims(org: Organisation, actor: User) -> list[HourClaim]:
    require(actor, "org.approve_hours", org)
    return list(db.session.scalars(select(HourClaim).where(
        HourClaim.organisation_id == org.id, HourClaim.status == ReviewStatus.PENDING).order_by(HourClaim.id)))


def claims_of(user: User) -> list[HourClaim]:
    return list(db.session.scalars(select(HourClaim).where(HourClaim.user_id == user.id)
                                   .order_by(HourClaim.id.desc())))


def approve_claim(claim_id, actor: User, note: str = "") -> HourClaim:
    """Credit the claimed minutes; approving twice posts once."""
    claim = _reviewable(claim_id, actor)
    if claim.status == ReviewStatus.APPROVED:
        return claim
    if claim.status != ReviewStatus.PENDING:
        raise Conflict(_l("This claim has already been reviewed."))
    entry = ledger.post([(ledger.platform_account("hours_issued"), -claim.minutes),
                         (savings_account(claim.user_id), claim.minutes)],
                        key=f"claim:{claim.id}:approve", kind="hours.claim", memo=claim.description[:200],
                        actor=actor, effective_date=claim.served_on)
    claim.entry_id, claim.status = entry.id, ReviewStatus.APPROVED.value
    claim.review_note, claim.reviewed_by_id, claim.reviewed_at = note.strip()[:300], actor.id, now_utc()
    record("claim.approved", actor=actor, subject=claim, minutes=claim.minutes)
    db.session.commit()
    return claim


def reject_claim(claim_id, actor: User, note: str) -> HourClaim:
    """Refuse a claim with the reason the volunteer will see."""
    claim = _reviewable(claim_id, actor)
    if claim.status != ReviewStatus.PENDING:
        raise Conflict(_l("This claim has already been reviewed."))
    note = reason_given(note, "note")
    claim.status, claim.review_note = ReviewStatus.REJECTED.value, note.strip()
    claim.reviewed_by_id, claim.reviewed_at = actor.id, now_utc()
    record("claim.rejected", actor=actor, subject=claim)
    db.session.commit()
    return claim


def reverse_claim(claim_id, actor: User, reason: str) -> HourClaim:
    """Take back an approved claim's minutes with a reversing entry."""
    claim = _reviewable(claim_id, actor)
    if claim.status != ReviewStatus.APPROVED:
        raise Conflict(_l("Only approved hours can be reversed."))
    reason = reason_given(reason, "reason")
    ledger.reverse(claim.entry_id, reason=reason.strip(), actor=actor)
    claim.status = ReviewStatus.REVERSED.value
    record("claim.reversed", actor=actor, subject=claim, reason=reason.strip())
    db.session.commit()
    return claim


def evidence_for(claim_id, user: User):
    """Return (path, content type) of a claim's evidence for its volunteer or a reviewer."""
    claim = db.session.get(HourClaim, claim_id) if is_id(claim_id) else None
    if claim is None:
        raise NotFound()
    if claim.user_id != user.id:
        require(user, "org.approve_hours", claim.organisation)
    return uploads.path_of(claim.evidence_path), claim.evidence_type


def _reviewable(claim_id, actor: User) -> HourClaim:
    claim = db.session.get(HourClaim, claim_id) if is_id(claim_id) else None
    if claim is None:
        raise NotFound()
    require(actor, "org.approve_hours", claim.organisation)
    if claim.user_id == actor.id:
        raise Conflict(_l("Nobody may review their own hours; ask another coordinator."))
    return claim
