"""Large statements: 100,000 lines are checked by streaming, and imported in batches with progress.

The end-to-end import runs the full 100,000 lines (about 7 s on SQLite and 17 s on PostgreSQL on a quiet
two-core machine); RECONCILIATION_TEST_LINES sets another size.
"""
import os
import time

from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.reconciliation import imports
from marketplace.reconciliation import statement_files as files
from marketplace.reconciliation.books import books_for
from marketplace.reconciliation.models import StatementLine
from tests.reconciliation.world import upload

LINES = 100_000
END_TO_END = int(os.environ.get("RECONCILIATION_TEST_LINES", "100000"))


def big_report(count: int, bad_at: int | None = None) -> bytes:
    rows = ["id,Type,Source,Amount,Fee,Net,Currency,Created (UTC),Description"]
    for n in range(1, count + 1):
        amount = "12.345" if n == bad_at else f"{n % 900 + 1}.{n % 100:02d}"
        fee = f"0.{n % 90 + 10}" if n != bad_at else "0.10"
        net = f"{int(amount.split('.')[0]) * 100 + int(amount.split('.')[1][:2]) - int(fee[2:]):d}"
        rows.append(f"txn_big{n},charge,ch_big{n},{amount},{fee},{int(net) // 100}.{int(net) % 100:02d},cny,"
                    f"2026-11-{n % 28 + 1:02d} 10:00:00,Gift {n}")
    return ("\n".join(rows) + "\n").encode()


def test_a_large_report_is_checked_and_imported_in_batches(world):
    data = big_report(END_TO_END)
    started = time.perf_counter()
    batch = imports.start_import(world.admin, books_for(world.admin, None), "stripe", upload(data))
    took = time.perf_counter() - started
    db.session.expire_all()
    assert batch.status == "done" and batch.rows_total == END_TO_END and batch.rows_done == END_TO_END
    assert batch.rows_new == 2 * END_TO_END  # each charge and its fee
    assert db.session.scalar(select(func.count(StatementLine.id))) == 2 * END_TO_END
    print(f"\n{END_TO_END:,}-line Stripe report imported end to end in {took:.1f} s")


def test_one_bad_line_among_100000_refuses_the_file_and_names_the_line(world):
    data = big_report(LINES, bad_at=77_777)
    batch = imports.start_import(world.admin, books_for(world.admin, None), "stripe", upload(data))
    db.session.expire_all()
    assert batch.status == "rejected" and batch.rows_total == LINES and batch.error_count == 1
    assert batch.errors == [{"line": 77_778, "column": "amount", "code": "too_precise", "value": "12.345"}]
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0


def test_the_reader_streams_the_lines_it_checks(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(big_report(LINES))
    count = 0
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for number, cells in files.rows(handle, files.STRIPE_REQUIRED, files.STRIPE_ALIASES):
            found, errors = files.stripe_lines(number, cells)
            assert not errors and len(found) == 2
            count += 1
    assert count == LINES
