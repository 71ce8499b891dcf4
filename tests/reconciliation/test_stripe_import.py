"""Stripe reports: real gifts, fees, a refund and a payout match by Stripe ids, and the clearing account
nets to zero; the same report twice adds nothing; Stripe's other column names are read too."""
import pytest
from sqlalchemy import func, select

from marketplace.ledger import service as ledger
from marketplace.payments import service
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import imports, report
from marketplace.reconciliation.books import books_for
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine
from tests.reconciliation.world import paid_online, stripe_csv, upload

REPORT_HEADER = ["balance_transaction_id", "created_utc", "available_on_utc", "currency", "gross", "fee", "net",
                 "reporting_category", "source_id", "description", "automatic_payout_id", "charge_id"]


@pytest.fixture
def paid_out(world):
    """Two gifts with Stripe's fees, a partial refund of the second, and the payout of what is left."""
    paid_online(world, 10_000, 360, 1)
    second = paid_online(world, 5_000, 180, 2)
    service.apply_refund(db.session.get(type(second), second.id), 2_000)
    db.session.commit()
    service.apply_payout("po_test1", 10_000 - 360 + 5_000 - 180 - 2_000)
    db.session.commit()
    day = local_today().isoformat()
    rows = [
        ["txn_1", f"{day} 04:00:00", f"{day} 04:00:00", "cny", "100.00", "3.60", "96.40", "charge", "ch_test1",
         "Gift", "po_test1", "ch_test1"],
        ["txn_2", f"{day} 04:10:00", f"{day} 04:10:00", "cny", "50.00", "1.80", "48.20", "charge", "ch_test2",
         "Gift", "po_test1", "ch_test2"],
        ["txn_3", f"{day} 05:00:00", f"{day} 05:00:00", "cny", "-20.00", "0.00", "-20.00", "refund", "re_test1",
         "Refund", "po_test1", "ch_test2"],
        ["txn_4", f"{day} 06:00:00", f"{day} 06:00:00", "cny", "-124.60", "0.00", "-124.60", "payout", "po_test1",
         "STRIPE PAYOUT", "", ""],
    ]
    return stripe_csv(rows, REPORT_HEADER)


def test_a_report_of_real_gifts_matches_every_line_by_id_and_the_clearing_account_nets_to_zero(world, paid_out):
    books = books_for(world.admin, None)
    batch = imports.start_import(world.admin, books, "stripe", upload(paid_out))
    db.session.expire_all()
    assert batch.status == "done" and batch.rows_total == 4
    assert batch.rows_new == 6 and batch.matched == 6  # two charges and their fees, the refund, the payout
    methods = db.session.scalars(select(ReconciliationMatch.method)).all()
    assert methods == ["id"] * 6
    clearing = ledger.platform_account("stripe_clearing")
    found = report.figures(clearing, local_today(), local_today())
    assert found.statement.unmatched_count == 0 and found.ledger.unmatched_count == 0
    assert found.statement.total == found.ledger.total == 0
    assert found.clearing == {"inflows": 15_000, "fees": 540, "refunds": 2_000, "payouts": 12_460, "other": 0,
                              "difference": 0}


def test_the_same_report_twice_adds_nothing(world, paid_out):
    books = books_for(world.admin, None)
    imports.start_import(world.admin, books, "stripe", upload(paid_out))
    again = imports.start_import(world.admin, books, "stripe", upload(paid_out))
    db.session.expire_all()
    assert again.status == "done" and again.rows_new == 0 and again.matched == 0
    assert db.session.scalar(select(func.count(StatementLine.id))) == 6
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 6


def test_an_unpaid_out_period_shows_the_difference(world):
    paid_online(world, 10_000, 360, 1)
    found = report.figures(ledger.platform_account("stripe_clearing"), local_today(), local_today())
    assert found.clearing["difference"] == 10_000 - 360


def test_the_dashboard_export_column_names_are_read_as_well(world):
    gift = paid_online(world, 8_800, 0, 7)
    day = local_today().isoformat()
    data = stripe_csv([["txn_9", "charge", "ch_test7", "88.00", "0.00", "88.00", "CNY", f"{day} 08:00", f"{day} 08:00",
                        "Gift", ""]])
    batch = imports.start_import(world.admin, books_for(world.admin, None), "stripe", upload(data))
    db.session.expire_all()
    assert batch.status == "done" and batch.matched == 1
    line = db.session.scalar(select(StatementLine))
    assert line.uid == "txn_9" and line.amount_fen == 8_800 and gift.charge_id == "ch_test7"


def test_a_stripe_report_belongs_to_the_platform_books(world, paid_out):
    from marketplace.platform.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        imports.start_import(world.staff, books_for(world.staff, world.org.id), "stripe", upload(paid_out))
    assert "kind" in refused.value.fields


def test_a_bad_stripe_report_names_every_bad_line_and_adds_nothing(world):
    day = local_today().isoformat()
    data = stripe_csv([
        ["txn_1", "charge", "ch_1", "10.00", "0.30", "9.70", "cny", day, day, "ok", ""],
        ["txn_2", "charge", "ch_2", "10.00", "0.30", "9.70", "usd", day, day, "dollars", ""],
        ["txn 3", "charge", "ch_3", "10.00", "0.30", "9.70", "cny", day, day, "bad id", ""],
        ["txn_4", "charge", "ch_4", "10.00", "0.30", "9.00", "cny", day, day, "net wrong", ""],
        ["txn_5", "charge", "ch_5", "10.00", "0.30", "9.70", "cny", "soon", day, "no date", ""],
    ])
    batch = imports.start_import(world.admin, books_for(world.admin, None), "stripe", upload(data))
    db.session.expire_all()
    assert batch.status == "rejected"
    assert [(e["line"], e["column"], e["code"]) for e in batch.errors] == [
        (3, "currency", "currency"), (4, "id", "bad_id"), (5, "net", "net_mismatch"), (6, "created", "not_date")]
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0
