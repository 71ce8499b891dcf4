"""Policy finds the person (政策找人): the policy items a household may be eligible for, by its categories
and recorded facts, and what its social worker made of each (applied, received, not eligible and why)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals.access import get_household, staff_org_ids
from marketplace.referrals.models import AssistanceItem, HouseholdCare, ItemKind, PolicyCheck, PolicyStatus
from marketplace.referrals.officers import part_of

OPEN = (None, PolicyStatus.APPLIED.value)  # items still on the worklist: nothing done yet, or applied for
WORKLIST_MOST = 300  # households one worklist page reads


def _policies() -> list[AssistanceItem]:
    return list(db.session.scalars(select(AssistanceItem).where(
        AssistanceItem.kind == ItemKind.POLICY.value, AssistanceItem.is_active.is_(True))
        .order_by(AssistanceItem.code)))


def fits(item: AssistanceItem, categories: set[str], facts: set[str]) -> bool:
    """Tell whether a household of these categories and facts may be eligible for the item."""
    return (not item.categories or bool(categories & set(item.categories))) and set(item.required_facts) <= facts


def eligible(care: HouseholdCare, policies: list[AssistanceItem] | None = None) -> list[AssistanceItem]:
    """Return the active policy items whose categories include one of the household's (or name none) and
    whose required facts the household has."""
    categories, facts = {c.category for c in care.categories}, set(care.facts or [])
    return [item for item in (policies if policies is not None else _policies()) if fits(item, categories, facts)]


@dataclass
class Row:
    care: HouseholdCare
    item: AssistanceItem
    check: PolicyCheck | None

    @property
    def status(self) -> str | None:
        return self.check.status if self.check is not None else None


def _checks(beneficiary_ids) -> dict[tuple[int, int], PolicyCheck]:
    return {(c.beneficiary_id, c.item_id): c for c in db.session.scalars(
        select(PolicyCheck).where(PolicyCheck.beneficiary_id.in_(list(beneficiary_ids))))}


def rows_of(care: HouseholdCare) -> list[Row]:
    """Every policy item the household may be eligible for, with what was made of it (open ones first)."""
    checks = _checks([care.beneficiary_id])
    rows = [Row(care, item, checks.get((care.beneficiary_id, item.id))) for item in eligible(care)]
    return sorted(rows, key=lambda r: (r.status not in OPEN, r.item.code))


def worklist(user: User) -> list[Row]:
    """The open policy items of every household the user is social worker of, or staff of its organisation
    (at most WORKLIST_MOST households, those longest without a visit first)."""
    staff_of = staff_org_ids(user)
    homes = list(db.session.scalars(
        select(HouseholdCare).where(or_(HouseholdCare.social_worker_id == user.id,
                                        HouseholdCare.organisation_id.in_(staff_of)))
        .options(selectinload(HouseholdCare.categories), selectinload(HouseholdCare.beneficiary))
        .order_by(HouseholdCare.visit_due_on.nulls_last(), HouseholdCare.beneficiary_id).limit(WORKLIST_MOST)))
    policies = _policies()
    checks = _checks(c.beneficiary_id for c in homes)
    return [row for care in homes for item in eligible(care, policies)
            if (row := Row(care, item, checks.get((care.beneficiary_id, item.id)))).status in OPEN]


def is_worker(user: User | None) -> bool:
    """Tell whether the user has a worklist: social worker of a household, or staff of an organisation with
    households in care."""
    part = part_of(user)
    return part.social_worker or bool(part.care_orgs)


def mark(actor: User, beneficiary_id, item_id, status, reason="") -> PolicyCheck:
    """Record what became of a policy item for a household: applied, received, or not eligible (with the
    reason); commit. Marking it as it already is changes nothing (two clicks, one record).

    :raise NotFound: the household (for this actor) or an item it may not be eligible for.
    :raise InvalidInput: an unknown status, or not eligible without a reason.
    :raise IllegalMove: the move is not in PolicyCheck.machine's table.
    """
    care = get_household(actor, beneficiary_id, manage=True)
    item = db.session.get(AssistanceItem, item_id) if is_id(item_id) else None
    if item is None or item not in eligible(care):
        raise NotFound()
    if status not in set(PolicyStatus):
        raise InvalidInput(fields={"status": [_l("Choose applied, received or not eligible.")]})
    if reason is not None and (not isinstance(reason, str) or len(reason) > 300 or "\x00" in reason):
        raise InvalidInput(fields={"reason": [_l("Give the reason (up to 300 characters).")]})
    why = reason_given(reason) if status == PolicyStatus.NOT_ELIGIBLE else (reason or "").strip()
    for _attempt in range(2):
        check = db.session.scalar(select(PolicyCheck).where(
            PolicyCheck.beneficiary_id == care.beneficiary_id, PolicyCheck.item_id == item.id)
            .with_for_update(key_share=True).execution_options(populate_existing=True))
        try:
            if check is None:
                check = PolicyCheck(beneficiary_id=care.beneficiary_id, item_id=item.id, reason=why,
                                    decided_by_id=actor.id)
                PolicyCheck.machine.start(check, status, actor, why)
                db.session.flush()
            elif check.status == status:
                db.session.rollback()
                return check
            else:
                PolicyCheck.machine.move(check, status, actor, why, reason=why, decided_by_id=actor.id)
                db.session.flush()
        except IntegrityError:  # a colleague's click started it first: move theirs instead
            db.session.rollback()
            care = get_household(actor, beneficiary_id, manage=True)
            continue
        record("referrals.policy_marked", actor=actor, subject=care.beneficiary, item_id=item.id, status=status)
        db.session.commit()
        return check
    raise Conflict(_l("Someone else is marking this item right now; reload and try again."))
