"""Bank statements: a saved layout (GB18030, debit and credit columns) imports a Chinese bank's CSV;
offline gifts match by amount within the window (the reference preferred) and not outside it;
a bad file is refused whole with a per-line report; the same file twice adds nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.ledger.models import LedgerEntry
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import imports, profiles
from marketplace.reconciliation.books import books_for
from marketplace.reconciliation.models import ReconciliationMatch, StatementImport, StatementLine
from marketplace.reconciliation.statement_files import parse_fen
from tests.reconciliation.world import bank_gift, upload

HEADER = "交易日期,借方发生额,贷方发生额,余额,摘要,交易流水号\n"


@pytest.fixture
def layout(world, books):
    return profiles.save_profile(world.staff, books, name="工商银行 基本户", date_column="交易日期",
                                 date_format="%Y/%m/%d", debit_column="借方发生额", credit_column="贷方发生额",
                                 description_column="摘要", reference_column="交易流水号", encoding="gb18030")


def day(offset: int) -> str:
    return (local_today() + timedelta(days=offset)).strftime("%Y/%m/%d")


def statement(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode("gb18030")


@pytest.fixture
def gifts(world):
    today = local_today()
    return {"referenced": bank_gift(world, 50_000, today - timedelta(days=2), reference="HX20260001"),
            "near": bank_gift(world, 30_000, today - timedelta(days=1)),
            "far": bank_gift(world, 20_000, today)}


def test_gifts_match_by_amount_within_the_window_and_not_outside(world, books, layout, gifts):
    data = statement(f"{day(-2)},,500.00,1000.00,转账 张三,HX20260001",
                     f"{day(0)},,300.00,1300.00,转账 李四,HX20260002",
                     f"{day(-10)},,200.00,1500.00,转账 王五,HX20260003",
                     f"{day(0)},15.00,,1485.00,手续费,HX20260004")
    batch = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert batch.status == "done" and batch.rows_new == 4 and batch.matched == 2
    matched = dict(db.session.execute(
        select(StatementLine.reference, ReconciliationMatch.method)
        .join(ReconciliationMatch, ReconciliationMatch.line_id == StatementLine.id)).all())
    assert matched == {"HX20260001": "amount", "HX20260002": "amount"}
    line = db.session.scalar(select(StatementLine).where(StatementLine.reference == "HX20260004"))
    assert line.amount_fen == -1_500 and line.description == "手续费"


@pytest.mark.parametrize("app_config", [{"RECONCILIATION_MATCH_DAYS": 10}])
def test_a_wider_window_is_a_setting(world, books, layout, gifts):
    data = statement(f"{day(-10)},,200.00,1500.00,转账 王五,HX20260003")
    batch = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert batch.matched == 1


def test_the_reference_wins_between_two_gifts_of_the_same_amount(world, books, layout):
    today = local_today()
    bank_gift(world, 10_000, today, reference="A1")
    second = bank_gift(world, 10_000, today, reference="B2")
    batch = imports.start_import(world.staff, books, "bank", upload(statement(f"{day(0)},,100.00,1,x,B2")), layout.id)
    db.session.expire_all()
    assert batch.matched == 1
    match = db.session.scalar(select(ReconciliationMatch))
    entry_id = db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.idempotency_key == f"donation:{second.id}"))
    from marketplace.ledger.models import LedgerPosting
    assert db.session.get(LedgerPosting, match.posting_id).entry_id == entry_id


def test_the_same_file_twice_adds_nothing_but_identical_lines_in_one_file_both_count(world, books, layout):
    data = statement(f"{day(0)},5.00,,1,手续费,", f"{day(0)},5.00,,1,手续费,")
    first = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    second = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert (first.rows_new, second.rows_new) == (2, 0)
    assert db.session.scalar(select(func.count(StatementLine.id))) == 2


def test_a_bad_file_gets_a_report_of_every_bad_line_and_changes_nothing(world, books, layout, gifts):
    data = statement(f"{day(0)},,300.00,1,ok,R1",
                     f"{day(0)},,12.345,1,three decimals,R2",
                     "2026-13-45,,1.00,1,bad date,R3",
                     f"{day(0)},1.00,2.00,1,both sides,R4",
                     f"{day(0)},,abc,1,not money,R5")
    batch = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert batch.status == "rejected" and batch.error_count == 4
    assert [(e["line"], e["column"], e["code"]) for e in batch.errors] == [
        (3, "贷方发生额", "too_precise"), (4, "交易日期", "not_date"), (5, "借方发生额", "debit_and_credit"),
        (6, "贷方发生额", "not_amount")]
    assert db.session.scalar(select(func.count(StatementLine.id))) == 0
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 0


def test_a_file_in_the_wrong_encoding_is_refused(world, books, layout):
    data = (HEADER + f"{day(0)},,1.00,1,转账,R1\n").encode("utf-8")
    batch = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert batch.status == "rejected" and db.session.scalar(select(func.count(StatementLine.id))) == 0


def test_a_missing_column_is_reported_on_the_header_line(world, books, layout):
    data = "日期,金额\n2026/01/01,1.00\n".encode("gb18030")
    batch = imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    assert batch.status == "rejected"
    assert {e["column"] for e in batch.errors} == {"交易日期", "借方发生额", "贷方发生额"}
    assert {e["line"] for e in batch.errors} == {1}


@pytest.mark.parametrize("text, fen, problem", [
    ("12.34", 1234, None), ("-3.50", -350, None), ("1,234.5", 123450, None), ("¥7", 700, None),
    ("1.234", None, "too_precise"), ("1.230", None, "too_precise"), ("1e3", None, "not_amount"),
    ("", None, "not_amount"), ("NaN", None, "not_amount"), ("0.1", 10, None)])
def test_amounts_are_read_exactly_to_the_fen(text, fen, problem):
    assert parse_fen(text) == (fen, problem)


def test_a_layout_needs_one_amount_column_or_both_debit_and_credit(world, books, layout):
    with pytest.raises(InvalidInput) as refused:
        profiles.save_profile(world.staff, books, name="招商银行", date_column="日期", date_format="%Y-%m-%d",
                              debit_column="支出", encoding="utf-8")
    assert "amount_column" in refused.value.fields
    with pytest.raises(Conflict):
        profiles.save_profile(world.staff, books, name="工商银行 基本户", date_column="日期",
                              date_format="%Y-%m-%d", amount_column="金额", encoding="utf-8")


def test_a_bank_import_needs_a_layout_of_the_same_books(world, layout):
    other = books_for(world.other_staff, world.other_org.id)
    with pytest.raises(InvalidInput) as refused:
        imports.start_import(world.other_staff, other, "bank", upload(statement()), layout.id)
    assert "profile_id" in refused.value.fields
    assert db.session.scalar(select(func.count(StatementImport.id))) == 0


def test_a_statement_with_a_nul_byte_is_refused_before_it_is_stored(world, books, layout):
    with pytest.raises(InvalidInput) as refused:
        imports.start_import(world.staff, books, "bank", upload(statement().replace(b"\n", b"\x00\n", 2)), layout.id)
    assert "NUL" in str(refused.value.fields["upload"][0])
    assert db.session.scalar(select(func.count(StatementImport.id))) == 0
