"""Ledger errors: each names what went wrong in words a person can act on."""
from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import Conflict, InvalidInput, NotFound


class UnbalancedEntry(InvalidInput):
    default_message = _l("The amounts do not balance: each unit must add up to zero.")


class InvalidLines(InvalidInput):
    default_message = _l("An entry needs at least two lines with whole, non-zero amounts.")


class UnknownAccount(NotFound):
    default_message = _l("That ledger account does not exist.")


class IdempotencyConflict(Conflict):
    default_message = _l("This request key was already used for a different posting.")


class InsufficientBalance(Conflict):
    code = "insufficient_balance"
    default_message = _l("There is not enough balance in this account.")

    def __init__(self, account_id: int, available: int | None = None):
        super().__init__()
        self.account_id = account_id
        self.available = available


class AlreadyReversed(Conflict):
    default_message = _l("This entry has already been reversed.")


class CannotReverseReversal(Conflict):
    default_message = _l("A reversal cannot itself be reversed; post a new entry instead.")


class HoldNotOpen(Conflict):
    default_message = _l("This hold has already been posted, voided or has expired.")


class HoldAmountTooLarge(InvalidInput):
    default_message = _l("You cannot post more than the amount held.")


class UnknownPurpose(InvalidInput):
    default_message = _l("Unknown account purpose.")


class PeriodClosed(Conflict):
    code = "period_closed"
    default_message = _l("That period is closed; post the correction in the open period.")

    def __init__(self, closed_through=None):
        super().__init__()
        self.closed_through = closed_through
