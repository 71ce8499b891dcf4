"""Hours claimed for service done offline: submitted with evidence, reviewed by a coordinator."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.hours import daily_cap, review
from marketplace.timebank.models import HourClaim, ReviewStatus
from marketplace.web import uploads


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
    if type(minutes) is not int or not 1 <= minutes <= daily_cap.cap():
        fields["minutes"] = [_l("Enter between 1 and %(n)d minutes.", n=daily_cap.cap())]
    if not (description or "").strip() or len(description) > 1000:
        fields["description"] = [_l("Describe the service (up to 1,000 characters).")]
    if fields:
        raise InvalidInput(fields=fields)
    stored, content_type = uploads.store(evidence, "evidence", "claims")
    claim = HourClaim(user_id=user.id, organisation_id=org.id, served_on=served_on, minutes=minutes,
                      description=description.strip(), evidence_path=stored, evidence_type=content_type)
    HourClaim.machine.start(claim, ReviewStatus.PENDING, user, "claimed")
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
    """Credit the claimed minutes within the daily cap; approving twice posts once.

    :raise Conflict: the minutes would pass the daily cap of the day served (naming the minutes left).
    """
    claim = review.take(review.CLAIM, claim_id, actor)
    if review.is_repeat(claim, ReviewStatus.APPROVED):
        return claim
    review.lock_volunteer(claim)  # another credit to the same volunteer counts after this one commits
    room = daily_cap.room(claim.user_id, claim.served_on)
    if claim.minutes > room:
        raise Conflict(_l("This claim passes the daily cap of %(cap)d minutes for %(day)s: at most %(n)d more "
                          "minutes can be credited that day.", cap=daily_cap.cap(), day=claim.served_on.isoformat(),
                          n=room))
    return review.approve(review.CLAIM, claim, actor, claim.minutes, note, memo=claim.description,
                          effective_date=claim.served_on)


def reject_claim(claim_id, actor: User, note: str) -> HourClaim:
    """Refuse a claim with the reason the volunteer will see."""
    return review.reject(review.CLAIM, claim_id, actor, note)


def reverse_claim(claim_id, actor: User, reason: str) -> HourClaim:
    """Take back an approved claim's minutes with a reversing entry."""
    return review.reverse(review.CLAIM, claim_id, actor, reason)


def evidence_for(claim_id, user: User):
    """Return (path, content type) of a claim's evidence for its volunteer or a reviewer."""
    claim = db.session.get(HourClaim, claim_id) if is_id(claim_id) else None
    if claim is None:
        raise NotFound()
    if claim.user_id != user.id:
        require(user, "org.approve_hours", claim.organisation)
    return uploads.path_of(claim.evidence_path), claim.evidence_type

