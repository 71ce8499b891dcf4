"""A disbursement pays out of the organisation's bank account in the books, so the bank statement's
payout line matches it in reconciliation: nothing unmatched, no correction, the books balance."""
import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.verify import verify
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import imports, profiles, report
from marketplace.reconciliation.models import ReconciliationMatch
from tests.files import PDF
from tests.reconciliation.world import bank_gift, upload


def test_a_paid_disbursement_matches_its_bank_statement_line_with_nothing_left(world, books):
    today = local_today()
    bank_gift(world, 80_000, today - timedelta(days=3), reference="HX1")
    paid = disbursements.request_disbursement(world.staff, world.fund, payee="天河五金店", purpose="修门",
                                              amount_fen=30_000, evidence_file=FileStorage(io.BytesIO(PDF), "i.pdf"))
    assert paid.status == "paid"
    bank = ledger.open_account("organisation", world.org.id, "bank")
    assert ledger.balance(bank).posted == -50_000  # ¥800 in, ¥300 out: the bank holds ¥500
    layout = profiles.save_profile(world.staff, books, name="工商银行", date_column="日期", date_format="%Y-%m-%d",
                                   amount_column="金额", description_column="摘要", reference_column="流水号",
                                   encoding="utf-8")
    statement = ("日期,金额,摘要,流水号\n"
                 f"{(today - timedelta(days=3)).isoformat()},800.00,转账 张三,HX1\n"
                 f"{today.isoformat()},-300.00,付款 天河五金店,HX2\n").encode()
    batch = imports.start_import(world.staff, books, "bank", upload(statement), layout.id)
    db.session.expire_all()
    assert batch.status == "done" and batch.matched == 2
    assert {m.method for m in db.session.scalars(select(ReconciliationMatch))} == {"amount"}
    found = report.figures(bank, today - timedelta(days=30), today)
    assert found.statement.unmatched_count == found.ledger.unmatched_count == 0 and found.difference == 0
    assert ledger.balance(ledger.open_account("organisation", world.org.id, "fees")).posted == 0
    assert funds.totals(world.fund).balance == 50_000
    assert verify().ok


def test_the_mend_moves_old_disbursements_onto_the_bank_once(world, runner):
    from marketplace.funds.models import Disbursement
    from marketplace.payments import postings

    bank_gift(world, 80_000, local_today(), reference="HX1")
    old = Disbursement(fund_id=world.fund.id, payee="五金店", purpose="修门", amount_fen=30_000, evidence_path="x.pdf",
                       evidence_type="application/pdf", requested_by_id=world.staff.id, status="paid")
    db.session.add(old)
    db.session.flush()
    spent = ledger.open_account("organisation", world.org.id, "disbursed")
    old.entry_id = ledger.post([(postings.fund_account(world.fund), -30_000), (spent, 30_000)],
                               cause=Cause(CauseKind.DISBURSEMENT, old.id),
                               kind="disbursement").id  # as it was booked before
    db.session.commit()
    bank = ledger.open_account("organisation", world.org.id, "bank")
    for _ in range(2):
        result = runner.invoke(args=["funds", "mend-disbursements"])
        assert result.exit_code == 0, result.output
    assert "Moved 0 disbursement(s)" in result.output
    assert ledger.balance(bank).posted == -50_000 and ledger.balance(spent).posted == 0
    assert verify().ok
