"""How money moves in the ledger: the one place that says which accounts a gift, a fee, a refund,
a dispute, a payout and a disbursement touch. Debits are negative, credits positive.

| event | lines |
|---|---|
| gift received (Stripe or demo) | platform `stripe_clearing` −n, fund +n |
| gift received offline | the organisation's `bank` or `cash` −n, fund +n (dated the day received) |
| Stripe's fee | platform `fees` −f, platform `stripe_clearing` +f |
| gift past a budget | what was still needed as a gift; the rest (cause EXCESS) source −x, community fund +x |
| … the donor chose a refund | the rest is not posted: it goes back to the donor |
| refund (partial or full) | fund −r, where the gift came in +r (paid out already: organisation `refunds_owed` −s) |
| cancelled wish reallocated | its fund −m, the organisation's community fund +m |
| dispute opened | a hold of the disputed amount on the fund (not spendable) |
| Stripe payout | platform `bank` −p, platform `stripe_clearing` +p |
| disbursement | fund −d, the organisation's `bank` +d (the account its bank statement reconciles against) |
| disbursement booked before the bank rule (mended once) | `disbursed` −d, the organisation's `bank` +d |

Every posting carries its typed cause (`ledger.causes`), stored as its idempotency key, so a repeated event posts once.
These helpers flush but never commit: the calling service commits once. A service posting several of
them in one transaction first locks every account they touch (`lock_completion`, `lock_refunds`), after
its own rows (donation, listing), so that it cannot deadlock (docs/ledger.md).
"""
from __future__ import annotations

from datetime import timedelta

from marketplace.ledger import holds
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.platform.timeutil import now_utc

DISPUTE_HOLD_DAYS = 3650  # held until the dispute is settled by hand


def fund_account(fund) -> ledger.Account:
    """Return the fund's no-overdraft ledger account."""
    return ledger.open_account("fund", fund.id, "fund")


def source_account(donation) -> ledger.Account:
    """Return where a gift's money arrived: Stripe's clearing account, or the organisation's bank or cash."""
    if donation.provider in ("stripe", "demo"):
        return ledger.platform_account("stripe_clearing")
    return ledger.open_account("organisation", donation.fund.organisation_id, donation.provider)


def lock_completion(donation, *, kept: bool, excess_to=None, fee_fen: int = 0) -> None:
    """Lock every account a completing gift posts to, in the ledger's one order: where it came from, its fund
    (if it `kept` any), the fund taking its excess, and the fee's accounts."""
    credited = [fund_account(donation.fund)] if kept else []
    if excess_to is not None:
        credited.append(fund_account(excess_to))
    fees = [ledger.platform_account("fees"), ledger.platform_account("stripe_clearing")] if fee_fen > 0 else []
    ledger.lock_accounts([source_account(donation), *fees], credit_only=credited)


def lock_refunds(donations) -> None:
    """Lock every account refunds of these gifts post to (funds, sources, what organisations owe), in one order."""
    ledger.lock_accounts([account for d in donations for account in (
        fund_account(d.fund), source_account(d), ledger.open_account("organisation", d.fund.organisation_id,
                                                                     "refunds_owed"))])


def receive(donation, actor=None, amount_fen: int | None = None) -> ledger.Entry:
    """Post a completed gift into its fund (`amount_fen`: the part its wish or need still needed), dated
    the day an offline gift was received.

    A late entry (received in a closed period) is dated today and names the day received in its memo.

    :raise PeriodClosed: the day received is inside a closed period.
    """
    amount = donation.amount_fen if amount_fen is None else amount_fen
    memo, effective = f"donation {donation.public_code}", None
    if donation.received_on is not None and donation.provider not in ("stripe", "demo"):
        if donation.is_late_entry:
            memo += f", late entry: received {donation.received_on.isoformat()}"
        else:
            effective = donation.received_on
    return ledger.post([(source_account(donation), -amount), (fund_account(donation.fund), amount)],
                       cause=Cause(CauseKind.DONATION, donation.id), kind="donation", actor=actor, memo=memo,
                       effective_date=effective)


def excess(donation, amount_fen: int, community_fund, actor=None) -> ledger.Entry:
    """Post the part of a gift its wish or need no longer needed into the community fund."""
    return ledger.post([(source_account(donation), -amount_fen), (fund_account(community_fund), amount_fen)],
                       cause=Cause(CauseKind.EXCESS, donation.id), kind="donation", actor=actor,
                       memo=f"excess of donation {donation.public_code}")


def reallocate(from_fund, to_fund, amount_fen: int, *, cause: Cause, memo: str, actor=None) -> ledger.Entry:
    """Move money between two funds of an organisation (a cancelled wish's money to the community fund)."""
    return ledger.post([(fund_account(from_fund), -amount_fen), (fund_account(to_fund), amount_fen)],
                       cause=cause, kind="reallocation", actor=actor, memo=memo)


def fee(donation, amount_fen: int) -> ledger.Entry | None:
    """Post the provider's fee on a gift (once)."""
    if amount_fen <= 0:
        return None
    return ledger.post([(ledger.platform_account("fees"), -amount_fen),
                        (ledger.platform_account("stripe_clearing"), amount_fen)],
                       cause=Cause(CauseKind.FEE, donation.id), kind="stripe.fee",
                       memo=f"fee on {donation.public_code}")


def refund(donation, amount_fen: int, refunded_total: int, actor=None, shortfall_fen: int = 0) -> ledger.Entry:
    """Post a refund of `amount_fen`, keyed by the running total refunded so a repeat posts once.

    `shortfall_fen` is the part the fund no longer holds (paid out): the organisation owes it back.

    :raise InsufficientBalance: the fund holds less than `amount_fen - shortfall_fen`.
    """
    lines = [(fund_account(donation.fund), -(amount_fen - shortfall_fen)), (source_account(donation), amount_fen)]
    if shortfall_fen:
        lines.append((ledger.open_account("organisation", donation.fund.organisation_id, "refunds_owed"),
                      -shortfall_fen))
    return ledger.post([line for line in lines if line[1]], 
                       cause=Cause(CauseKind.REFUND, donation.id, refunded_total), kind="refund", actor=actor,
                       memo=f"refund of {donation.public_code}")


def hold_disputed(donation, amount_fen: int) -> holds.Hold:
    """Hold a disputed amount in the fund so it cannot be paid out while the dispute lasts."""
    return holds.hold(fund_account(donation.fund), amount_fen, cause=Cause(CauseKind.DISPUTE, donation.id),
                      expires_at=now_utc() + timedelta(days=DISPUTE_HOLD_DAYS),
                      memo=f"dispute on {donation.public_code}")


def payout(payout_id: str, amount_fen: int, actor=None) -> ledger.Entry:
    """Post a Stripe payout from the clearing account to the platform's bank account."""
    return ledger.post([(ledger.platform_account("bank"), -amount_fen),
                        (ledger.platform_account("stripe_clearing"), amount_fen)],
                       cause=Cause(CauseKind.PAYOUT, payout_id), kind="stripe.payout", actor=actor,
                       memo=f"payout {payout_id}")


def disburse(disbursement, actor=None) -> ledger.Entry:
    """Post a disbursement out of its fund and out of the organisation's bank account.

    :raise InsufficientBalance: the fund holds less than the amount (nothing is posted).
    """
    fund = disbursement.fund
    return ledger.post([(fund_account(fund), -disbursement.amount_fen),
                        (ledger.open_account("organisation", fund.organisation_id, "bank"), disbursement.amount_fen)],
                       cause=Cause(CauseKind.DISBURSEMENT, disbursement.id), kind="disbursement", actor=actor,
                       memo=f"disbursement {disbursement.public_code}")


def disbursed_to_bank(disbursement, actor=None) -> ledger.Entry:
    """Mend a disbursement booked to `disbursed` before disbursements paid out of the bank: move it to the bank.

    Dated today (the open period); posts once per disbursement.
    """
    org_id = disbursement.fund.organisation_id
    return ledger.post([(ledger.open_account("organisation", org_id, "disbursed"), -disbursement.amount_fen),
                        (ledger.open_account("organisation", org_id, "bank"), disbursement.amount_fen)],
                       cause=Cause(CauseKind.DISBURSEMENT_BANK, disbursement.id), kind="disbursement.bank", actor=actor,
                       memo=f"disbursement {disbursement.public_code} paid from the bank")
