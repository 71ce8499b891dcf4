"""An organisation's transparency score: three plain figures, each with its definition.

1. Receipts published: of the organisation's paid disbursements, the share whose redacted receipt
   is published (counted, not weighted by amount).
2. Disbursed within 90 days: each fund spends its gifts first in, first out (FIFO by amount). A
   gift's money counts as disbursed within 90 days when the payments that used it were made within
   90 days of its arrival. Only gifts received at least 90 days ago count (younger ones have not yet
   had their chance), each less what was refunded of it. The share is by amount.
3. Lights: how many of its open wishes and needs are green, yellow and red now (`wishes.lights`).
"""
from __future__ import annotations

from collections import defaultdict, deque
from datetime import timedelta

from sqlalchemy import case, func, select

from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.orgs.models import Organisation
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.transparency.cache import cached
from marketplace.wishes.lights import LIGHTS, ON_BOARD, listing_light
from marketplace.wishes.models import Listing

WINDOW = timedelta(days=90)
GIVEN = [DonationStatus.COMPLETED.value, DonationStatus.REFUNDED.value]


def score(org: Organisation) -> tuple[dict, object]:
    """Return the organisation's score figures and when they were computed."""
    return cached(f"org:{org.id}:score", lambda: compute(org.id))


def compute(org_id: int, now=None) -> dict:
    """Compute the score figures of an organisation (see the module's definitions)."""
    now = now or now_utc()
    paid, published = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((Disbursement.public_evidence_path != "", 1), else_=0)), 0))
        .join(Fund, Fund.id == Disbursement.fund_id)
        .where(Fund.organisation_id == org_id, Disbursement.status == DisbursementStatus.PAID.value)).one()
    eligible, within = within_window(org_id, now)
    colour = listing_light(now)
    lights = dict.fromkeys(LIGHTS, 0)
    for shade, count in db.session.execute(
            select(colour, func.count()).where(Listing.organisation_id == org_id, Listing.status.in_(ON_BOARD))
            .group_by(colour)):
        lights[shade] = int(count)
    return {"paid": int(paid), "published": int(published or 0), "eligible_fen": eligible,
            "within_fen": within, "lights": lights}


def percent(part: int, whole: int) -> int | None:
    """Return part of whole in whole percent, rounded down (None when there is nothing to count)."""
    return part * 100 // whole if whole else None


def within_window(org_id: int, now) -> tuple[int, int]:
    """Return (fen of gifts at least 90 days old, of which fen disbursed within 90 days), FIFO per fund."""
    events: dict[int, list] = defaultdict(list)
    gifts = (select(Donation.fund_id, Donation.completed_at, Donation.amount_fen - Donation.refunded_fen)
             .join(Fund, Fund.id == Donation.fund_id)
             .where(Fund.organisation_id == org_id, Donation.status.in_(GIVEN), Donation.completed_at.is_not(None)))
    for fund_id, at, amount in db.session.execute(gifts):
        if amount > 0:
            events[fund_id].append((at, 0, int(amount)))
    payments = (select(Disbursement.fund_id, Disbursement.decided_at, Disbursement.amount_fen)
                .join(Fund, Fund.id == Disbursement.fund_id)
                .where(Fund.organisation_id == org_id, Disbursement.status == DisbursementStatus.PAID.value,
                       Disbursement.decided_at.is_not(None)))
    for fund_id, at, amount in db.session.execute(payments):
        events[fund_id].append((at, 1, int(amount)))
    eligible = within = 0
    for fund_events in events.values():
        fund_eligible, fund_within = _fifo(sorted(fund_events, key=lambda e: (e[0], e[1])), now)
        eligible += fund_eligible
        within += fund_within
    return eligible, within


def _fifo(events: list, now) -> tuple[int, int]:
    queue: deque[list] = deque()  # [received at, fen not yet spent]
    eligible = within = 0
    for at, is_payment, amount in events:
        if not is_payment:
            queue.append([at, amount])
            if at <= now - WINDOW:
                eligible += amount
            continue
        while amount > 0 and queue:
            gift = queue[0]
            used = min(gift[1], amount)
            if gift[0] <= now - WINDOW and at - gift[0] <= WINDOW:
                within += used
            gift[1] -= used
            amount -= used
            if gift[1] == 0:
                queue.popleft()
    return eligible, within
