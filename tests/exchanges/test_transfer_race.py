"""Races on PostgreSQL with real parallel connections: double confirmations, a confirmation against a dispute,
double settlements of a dispute, and many confirmations against one receiver's allowance — each agreement
moves its minutes in exactly one ledger entry, no allowance is overdrawn, and the ledger verifies."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers are named as arguments)
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.exchanges import agreements, transfer
from marketplace.exchanges.models import AgreementStatus as AS
from marketplace.exchanges.models import ExchangeAgreement, ExchangeMember
from marketplace.ledger import verify as ledger_verify
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from tests.db_setup import is_postgres
from tests.exchanges.agreement_helpers import exchange, exchange_entries, make_post, soon, time_passes  # noqa: F401
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


def _agreed(x, minutes=60, post=None, asker=None):
    asker = asker or (x.ben, x.m.ben)
    agreement = agreements.propose(*asker, post or x.offer, soon(), minutes)
    agreements.accept(x.ann, x.m.ann, agreement.code)
    time_passes(agreement)
    return agreement.id, agreement.code


def _as(user_id, member_id):
    return db.session.get(User, user_id), db.session.get(ExchangeMember, member_id)


def _moves_to(agreement_id, state) -> int:
    return db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "exchange_agreement", StateChange.subject_id == agreement_id,
        StateChange.to_state == state))


@pytest.mark.parametrize("clicks", [2, 8])
def test_double_confirmation_moves_the_minutes_once(app, exchange, clicks):
    x = exchange
    agreement_id, code = _agreed(x)
    ben = (x.ben.id, x.m.ben.id)
    # Ben confirms on his phone while a coordinator confirms for him at the desk
    people = [ben, (x.coordinator.id, x.m.ben.id)]
    results = run_together(app, clicks, lambda i: agreements.confirm(*_as(*people[i % 2]), code, 60).id)
    assert sum(isinstance(r, int) for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, int)), results
    db.session.expire_all()
    assert exchange_entries(agreement_id) == 1 and _moves_to(agreement_id, "confirmed") == 1
    assert transfer.balance_of(x.m.ann) == 60 and transfer.balance_of(x.m.ben) == -60
    assert ledger_verify.verify().ok


def test_confirmation_against_a_dispute_one_wins(app, exchange):
    x = exchange
    agreement_id, code = _agreed(x)
    agreements.claim(x.ann, x.m.ann, code, 60)
    work = [lambda: agreements.confirm(*_as(x.ben.id, x.m.ben.id), code).status,
            lambda: agreements.dispute(*_as(x.coordinator.id, x.m.ben.id), code, "He says it was shorter").status]
    results = run_together(app, 2, lambda i: work[i]())
    won = [r for r in results if isinstance(r, str)]
    assert len(won) == 1 and isinstance([r for r in results if not isinstance(r, str)][0], Conflict), results
    db.session.expire_all()
    final = db.session.get(ExchangeAgreement, agreement_id)
    assert final.status == won[0]
    assert exchange_entries(agreement_id) == (1 if final.status == AS.CONFIRMED else 0)
    assert ledger_verify.verify().ok


def test_double_settlement_of_a_dispute_moves_the_minutes_once(app, exchange, create_user):
    x = exchange
    other = create_user(display_name="Coordinator Two")
    from marketplace.orgs.models import Membership
    db.session.add(Membership(organisation_id=x.org.id, user_id=other.id, role="coordinator"))
    db.session.commit()
    agreement_id, code = _agreed(x)
    agreements.dispute(x.ann, x.m.ann, code, "He asked me to stay longer")
    deciders = [x.coordinator.id, other.id]
    results = run_together(app, 4, lambda i: agreements.settle_dispute(
        db.session.get(User, deciders[i % 2]), code, 45 + i, "Agreed on the phone").minutes)
    assert sum(isinstance(r, int) for r in results) == 1, results
    db.session.expire_all()
    final = db.session.get(ExchangeAgreement, agreement_id)
    assert final.status == AS.CONFIRMED and final.minutes in (45, 46, 47, 48)
    assert exchange_entries(agreement_id) == 1
    assert transfer.balance_of(x.m.ann) == final.minutes
    assert ledger_verify.verify().ok


def test_confirmations_at_once_never_overdraw_the_allowance(app, exchange):
    """Ben's four agreements of 50 minutes each, confirmed at once: his allowance (120) covers two."""
    x = exchange
    posts = [make_post(x.m.ann, title=f"Tea {i}") for i in range(4)]
    codes = [_agreed(x, 50, post)[1] for post in posts]
    results = run_together(app, 4, lambda i: agreements.confirm(*_as(x.ben.id, x.m.ben.id), codes[i], 50).id)
    assert sum(isinstance(r, int) for r in results) == 2, results
    assert all(isinstance(r, transfer.OverAllowance) for r in results if not isinstance(r, int)), results
    db.session.expire_all()
    assert transfer.balance_of(x.m.ben) == -100 and transfer.balance_of(x.m.ann) == 100
    assert ledger_verify.verify().ok
