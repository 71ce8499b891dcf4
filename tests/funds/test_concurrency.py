"""Races on PostgreSQL: disbursements made at once from one fund never take it below zero."""
import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.funds import disbursements, service
from marketplace.funds.models import Disbursement, Fund
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


def test_ten_disbursements_of_thirty_percent_at_once_pay_at_most_three(app, station, create_fund, upload):
    fund = create_fund(100_000)  # ¥1,000; each request takes ¥300, at or below the threshold: paid at once
    fund_id, worker_id = fund.id, station.worker.id

    def disburse(i):
        return disbursements.request_disbursement(
            db.session.get(User, worker_id), db.session.get(Fund, fund_id), payee=f"供应商{i}", purpose="棉被",
            amount_fen=30_000, evidence_file=upload()).status

    results = run_together(app, 10, disburse)
    paid = [r for r in results if r == "paid"]
    assert len(paid) == 3, results
    assert all(isinstance(r, Conflict) for r in results if r != "paid"), results
    db.session.expire_all()
    fund = db.session.get(Fund, fund_id)
    totals = service.totals(fund)
    assert totals.balance == 10_000 >= 0 and totals.disbursed == 90_000
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 3


def test_approvals_at_once_never_overdraw(app, station, create_fund, upload, create_user):
    from marketplace.orgs.models import Membership

    fund = create_fund(1_000_000)  # ¥10,000; ten waiting requests of ¥3,000
    waiting = [disbursements.request_disbursement(station.worker, fund, payee="装修队", purpose="修屋顶",
                                                  amount_fen=300_000, evidence_file=upload()).id for _ in range(10)]
    approvers = []
    for _ in range(10):
        user = create_user()
        db.session.add(Membership(organisation_id=station.org.id, user=user, role="staff"))
        approvers.append(user.id)
    db.session.commit()
    results = run_together(app, 10, lambda i: disbursements.approve_disbursement(
        db.session.get(User, approvers[i]), waiting[i]).status)
    assert results.count("paid") == 3, results
    db.session.expire_all()
    assert service.totals(db.session.get(Fund, fund.id)).balance == 100_000
