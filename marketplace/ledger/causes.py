"""Why an entry or a hold exists: a typed cause (kind + id), stored as the idempotency key.

Domains build `Cause(CauseKind.DONATION, donation.id)` and never format or split key strings.
`Cause.key` is exactly the string stored since the first release (`donation:7`, `claim:3:approve`…),
so the stored keys, the hashes over them and the hash chain are unchanged; `Cause.parse` reads one back.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class CauseKind(enum.Enum):
    """Every kind of cause; the value is the key's stored prefix (never change one)."""

    # money (payments.postings)
    DONATION = "donation"  # id: donation
    EXCESS = "excess"  # id: donation whose excess went to the community fund
    FEE = "fee"  # id: donation
    REFUND = "refund"  # id: donation, detail: the refunded total after this refund
    DISPUTE = "dispute"  # a hold; id: donation
    PAYOUT = "payout"  # id: Stripe payout id (po_…)
    DISBURSEMENT = "disbursement"  # id: disbursement
    DISBURSEMENT_BANK = "disbursement-bank"  # id: disbursement mended from `disbursed` to `bank`
    REALLOCATION = "reallocation"  # id: wish cancellation
    EXCESS_MEND = "excess-mend"  # id: listing whose excess was settled afterwards
    RECONCILIATION = "reconciliation:line"  # id: reconciliation statement line
    # hours (timebank)
    ATTENDANCE = "attendance"  # id: attendance, detail: "approve"
    HOUR_REPORT = "claim"  # id: hour report, detail: "approve" (stored as "claim", its former name)
    HOURS_GIFT = "gift"  # id: giver, detail: the client's idempotency key
    IMPORT = "import"  # id: import batch, detail: row number
    POOL = "pool"  # id: donor, detail: the client's idempotency key
    CARE = "care"  # a hold; id: requester, detail: the client's idempotency key
    # member exchanges (exchanges)
    EXCHANGE = "exchange"  # id: agreement whose minutes moved from the receiver to the giver
    # donated meals (M餐)
    MEAL = "meal"  # id: reservation redeemed (one meal or blind box served, the firm's points)
    POINTS_EXCHANGE = "points-exchange"  # id: exchange of a firm's points for ingredients
    # the ledger's own
    REVERSAL = "reversal"  # id: the entry reversed
    HOLD_POST = "hold"  # id: hold, detail: "post"
    # tests and benchmarks only: the key is the id itself
    TEST = ""


APPROVE = "approve"
# kinds whose key carries a detail after the id
DETAILED = frozenset({CauseKind.REFUND, CauseKind.ATTENDANCE, CauseKind.HOUR_REPORT, CauseKind.HOURS_GIFT,
                      CauseKind.IMPORT, CauseKind.POOL, CauseKind.CARE, CauseKind.HOLD_POST})


@dataclass(frozen=True)
class Cause:
    """A cause; `id` and `detail` are kept as text, exactly as they appear in the key."""

    kind: CauseKind
    id: str
    detail: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", str(self.id))
        if self.detail is not None:
            object.__setattr__(self, "detail", str(self.detail))

    @property
    def key(self) -> str:
        """The idempotency key stored for this cause."""
        if self.kind is CauseKind.TEST:
            return self.id
        parts = [self.kind.value, self.id] + ([self.detail] if self.detail is not None else [])
        return ":".join(parts)

    @property
    def number(self) -> int | None:
        """The id as a number (a database id), or None when it is not one."""
        return int(self.id) if self.id.isdigit() else None

    @classmethod
    def test(cls, key: str) -> Cause:
        """A cause for tests and benchmarks, stored as `key` itself."""
        return cls(CauseKind.TEST, key)

    @classmethod
    def parse(cls, key: str) -> Cause:
        """Read a stored key back into its cause; a key of no known kind is a TEST cause."""
        for kind in _BY_LONGEST_PREFIX:
            prefix = kind.value + ":"
            if key.startswith(prefix):
                id_, sep, detail = key[len(prefix):].partition(":")
                return cls(kind, id_, detail if sep else None)
        return cls(CauseKind.TEST, key)

    def __str__(self) -> str:
        return self.key


_BY_LONGEST_PREFIX = sorted((k for k in CauseKind if k is not CauseKind.TEST), key=lambda k: -len(k.value))


def key_of(cause: Cause) -> str:
    """Return the key to store for `cause`; a bare string is refused (build a Cause)."""
    if not isinstance(cause, Cause):
        raise TypeError(f"expected a Cause, got {type(cause).__name__}")
    return cause.key


def prefix(kind: CauseKind, id_: object) -> str:
    """The start shared by every key of `kind` for `id_` (a refund's keys differ only in their detail)."""
    return f"{kind.value}:{id_}:"
