"""The one place minutes move between members of an exchange: an agreement's transfer in the ledger.

The receiver pays from their saved minutes first, the rest from their exchange allowance (`exchange_credit`,
which may go down to -EXCHANGE_ALLOWANCE_MINUTES, as TimeOverflow allows new members). The giver's minutes
first refill their own allowance (if they had used it), the rest goes to their savings. A member's balance,
as pages show it, is their savings plus their allowance account (negative while they owe).

`settle` takes the accounts' locks in the ledger's one order, reads the balances under them, and posts one
entry whose cause is the agreement: of racing callers at most one entry is ever written (the caller holds
the agreement's row lock; the cause is the entry's idempotency key besides). It flushes, never commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from config import settings
from marketplace.exchanges.models import ExchangeAgreement, ExchangeMember
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.platform.errors import Conflict
from marketplace.platform.i18n import hours
from marketplace.timebank.accounts import savings_account

CREDIT = "exchange_credit"


class OverAllowance(Conflict):
    code = "over_allowance"
    default_message = _l("The receiver does not have enough minutes for this exchange.")


def credit_account(user_id: int) -> ledger.Account:
    """Return the user's exchange allowance account (minutes, may go negative within the allowance)."""
    return ledger.open_account("user", user_id, CREDIT)


@dataclass(frozen=True)
class Standing:
    """A member's minutes in the exchange: saved, their allowance account (<= 0 while used), and the limit."""

    savings: int
    credit: int
    allowance: int

    @property
    def balance(self) -> int:
        """What pages show: savings plus the allowance account."""
        return self.savings + self.credit

    @property
    def may_receive(self) -> int:
        """How many more minutes they may receive from neighbours now."""
        return max(self.savings + self.credit + self.allowance, 0)


def _standing(user_id: int) -> Standing:
    return Standing(ledger.balance(savings_account(user_id)).available, ledger.balance(credit_account(user_id)).posted,
                    settings.EXCHANGE_ALLOWANCE_MINUTES)


def standing_of(member: ExchangeMember) -> Standing:
    """Return the member's savings, allowance account and limit (read without locks: for pages)."""
    return _standing(member.user_id)


def balance_of(member: ExchangeMember) -> int:
    """Return the member's balance as pages show it: savings plus allowance account (negative while owing)."""
    return standing_of(member).balance


def signed_hours(minutes: int) -> str:
    """Format a balance in hours and minutes, with a minus sign when negative."""
    return ("−" + hours(-minutes)) if minutes < 0 else hours(minutes)


def settle(agreement: ExchangeAgreement, minutes: int, by) -> ledger.Entry:
    """Move `minutes` from the agreement's receiver to its giver in one ledger entry; set the agreement's
    `minutes` and `entry_id`. Flushes, never commits: the calling service commits once.

    The caller holds the agreement's row lock and has checked its state.
    :raise OverAllowance: the receiver would go beyond their allowance (nothing is written).
    """
    receiver, giver = agreement.receiver.user_id, agreement.giver.user_id
    r_savings, r_credit = savings_account(receiver), credit_account(receiver)
    g_savings, g_credit = savings_account(giver), credit_account(giver)
    ledger.lock_accounts([r_savings, r_credit, g_savings, g_credit])
    paying, getting = _standing(receiver), _standing(giver)
    if minutes > paying.may_receive:
        raise OverAllowance(_l(
            "%(name)s has %(balance)s and may still receive %(most)s from neighbours; %(asked)s is too many.",
            name=agreement.receiver.user.display_name, balance=signed_hours(paying.balance),
            most=hours(paying.may_receive), asked=hours(minutes)))
    from_savings = min(max(paying.savings, 0), minutes)
    refill = min(max(-getting.credit, 0), minutes)
    lines = [(r_savings, -from_savings), (r_credit, -(minutes - from_savings)),
             (g_credit, refill), (g_savings, minutes - refill)]
    entry = ledger.post([(a, n) for a, n in lines if n], cause=Cause(CauseKind.EXCHANGE, agreement.id), kind="exchange",
                        memo=f"exchange {agreement.code}", actor=by)
    agreement.minutes, agreement.entry_id = minutes, entry.id
    return entry
