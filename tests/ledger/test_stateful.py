"""Random sequences of post, reverse, hold, post-hold and void agree with a plain Python model."""
import itertools

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from marketplace.ledger import holds, service
from marketplace.ledger.causes import Cause
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from tests.ledger.test_holds import soon

_owners = itertools.count(50_000)
_keys = itertools.count(1)


class LedgerMachine(RuleBasedStateMachine):
    """The model: posted and held per account; a no-overdraft account keeps posted - held >= 0."""

    entries = Bundle("entries")
    open_holds = Bundle("holds")

    @initialize()
    def open_accounts(self):
        self.issuance = service.platform_account("hours_issued").id
        self.accounts = [service.open_account("user", next(_owners), "volunteer_savings").id for _ in range(3)]
        self.posted = {a: 0 for a in self.accounts}
        self.held = {a: 0 for a in self.accounts}
        self.lines = {}  # entry id -> lines
        self.reversed = set()
        self.settled = set()
        db.session.commit()

    def _available(self, account):
        return self.posted[account] - self.held[account]

    def _apply(self, lines):
        for account, amount in lines:
            if account in self.posted:
                self.posted[account] += amount

    def _attempt(self, lines, expect_ok, action):
        try:
            result = action()
        except DomainError:
            db.session.rollback()
            assert not expect_ok, f"refused although the model allows {lines}"
            return None
        db.session.commit()
        assert expect_ok, f"allowed although the model refuses {lines}"
        self._apply(lines)
        return result

    @rule(target=entries, who=st.integers(0, 2), minutes=st.integers(1, 600))
    def issue(self, who, minutes):
        lines = [(self.issuance, -minutes), (self.accounts[who], minutes)]
        entry = self._attempt(lines, True, lambda: service.post(lines, cause=Cause.test(f"s{next(_keys)}"),
                                                                          kind="issue"))
        self.lines[entry.id] = lines
        return entry.id

    @rule(target=entries, source=st.integers(0, 2), target_=st.integers(0, 2), minutes=st.integers(1, 600))
    def transfer(self, source, target_, minutes):
        a, b = self.accounts[source], self.accounts[target_]
        lines = [(a, -minutes), (b, minutes)]
        ok = a == b or self._available(a) >= minutes
        entry = self._attempt(lines, ok, lambda: service.post(lines, cause=Cause.test(f"s{next(_keys)}"),
                                                                        kind="transfer"))
        if entry is None:
            return None
        self.lines[entry.id] = lines
        return entry.id

    @rule(entry=entries)
    def reverse(self, entry):
        if entry is None or entry in self.reversed:
            return
        lines = [(a, -n) for a, n in self.lines[entry]]
        net = {}
        for a, n in lines:
            net[a] = net.get(a, 0) + n
        ok = all(a not in self.posted or n >= 0 or self._available(a) + n >= 0 for a, n in net.items())
        if self._attempt(lines, ok, lambda: service.reverse(entry, reason="model")) is not None:
            self.reversed.add(entry)

    @rule(target=open_holds, who=st.integers(0, 2), minutes=st.integers(1, 300))
    def hold(self, who, minutes):
        account = self.accounts[who]
        ok = self._available(account) >= minutes
        held = self._attempt([], ok, lambda: holds.hold(account, minutes, cause=Cause.test(f"h{next(_keys)}"),
                                                                 expires_at=soon()))
        if held is None:
            return None
        self.held[account] += minutes
        return (held.id, account, minutes)

    @rule(held=open_holds, to=st.integers(0, 2), share=st.integers(1, 100))
    def post_hold(self, held, to, share):
        if held is None:
            return
        hold_id, account, minutes = held
        amount = max(1, minutes * share // 100)
        lines = [(account, -amount), (self.accounts[to], amount)]
        ok = hold_id not in self.settled
        if self._attempt(lines, ok, lambda: holds.post_hold(hold_id, self.accounts[to], amount=amount,
                                                            cause=Cause.test(f"p{next(_keys)}"))) is not None:
            self.settled.add(hold_id)
            self.held[account] -= minutes

    @rule(held=open_holds)
    def void(self, held):
        if held is None:
            return
        hold_id, account, minutes = held
        ok = hold_id not in self.settled
        if self._attempt([], ok, lambda: holds.void_hold(hold_id)) is not None:
            self.settled.add(hold_id)
            self.held[account] -= minutes

    @invariant()
    def balances_agree(self):
        if not hasattr(self, "accounts"):
            return
        for account in self.accounts:
            assert service.balance(account) == service.Balance(self.posted[account], self.held[account])


def test_ledger_agrees_with_the_model(app):
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=20, stateful_step_count=25, deadline=None, database=None))
