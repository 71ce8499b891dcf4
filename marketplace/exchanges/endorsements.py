"""Endorsements: after an agreement is done, each side may write a few words (once) about the other, shown
on the other's public profile."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.auth.models import User
from marketplace.exchanges.access import audit_acting
from marketplace.exchanges.agreements import acting_side, other_side, side_of
from marketplace.exchanges.models import AgreementStatus, Endorsement, ExchangeMember
from marketplace.platform.checks import text_field
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint

LONGEST = 300


def endorse(by: User, member: ExchangeMember, code, text) -> Endorsement:
    """Write the member's one endorsement of the other side of a done agreement. Commit.

    :raise Conflict: the agreement is not done, or they already wrote one.
    """
    agreement = acting_side(by, member, code)
    errors: dict = {}
    words = text_field(errors, "text", text, LONGEST)
    if errors:
        raise InvalidInput(fields=errors)
    if agreement.status != AgreementStatus.CONFIRMED:
        raise Conflict(_l("You can say a few words once the exchange is done."))
    row = Endorsement(agreement_id=agreement.id, author_id=member.id, subject_id=other_side(agreement, member).id,
                      text=words)
    try:
        with savepoint():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You already wrote about this exchange.")) from None
    audit_acting("exchange.endorsed", by, member, agreement, side=side_of(agreement, member))
    db.session.commit()
    return row


def written_by(member_ids: list[int], agreement_id: int) -> set[int]:
    """Return which of these members already endorsed the other side of the agreement."""
    return set(db.session.scalars(select(Endorsement.author_id).where(
        Endorsement.agreement_id == agreement_id, Endorsement.author_id.in_(member_ids))))


def endorsements_of(member: ExchangeMember, limit: int = 50) -> list[Endorsement]:
    """Return what others wrote about the member, newest first (for their public profile)."""
    return list(db.session.scalars(select(Endorsement).where(Endorsement.subject_id == member.id)
                                   .order_by(Endorsement.created_at.desc(), Endorsement.id.desc()).limit(limit)))
