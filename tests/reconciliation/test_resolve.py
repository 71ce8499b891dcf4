"""Resolving by hand: match equal amounts only, once; a correcting entry needs a reason and posts one
balanced entry, effective today, matched to its line; every action is audited."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry, LedgerPosting
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import imports, profiles, resolve
from marketplace.reconciliation.books import books_for
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine
from tests.reconciliation.world import bank_gift, upload


@pytest.fixture
def lines(world, books):
    """A gift recorded 20 days after it arrived on the statement (outside the window), and a bank charge."""
    gift = bank_gift(world, 30_000, local_today())
    layout = profiles.save_profile(world.staff, books, name="建设银行", date_column="日期", date_format="%Y-%m-%d",
                                   amount_column="金额", description_column="摘要", encoding="utf-8-sig")
    old = (local_today() - timedelta(days=20)).isoformat()
    data = f"日期,金额,摘要\n{old},300.00,转账\n{old},299.00,转账\n{local_today()},-12.50,手续费\n".encode("utf-8-sig")
    imports.start_import(world.staff, books, "bank", upload(data), layout.id)
    db.session.expire_all()
    found = {line.amount_fen: line for line in db.session.scalars(select(StatementLine))}
    posting = db.session.scalar(select(LedgerPosting).join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
                                .where(LedgerEntry.idempotency_key == f"donation:{gift.id}", LedgerPosting.amount < 0))
    return found, posting


def test_a_line_and_a_posting_of_equal_amounts_match_by_hand_once(world, books, lines):
    found, posting = lines
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 0  # 20 days apart: not automatic
    with pytest.raises(InvalidInput) as refused:
        resolve.match_by_hand(world.staff, books, found[29_900].id, posting.id)
    assert "The amounts differ" in str(refused.value.fields["posting_id"][0])
    match = resolve.match_by_hand(world.staff, books, found[30_000].id, posting.id)
    assert match.method == "manual" and match.actor_id == world.staff.id
    with pytest.raises(Conflict):
        resolve.match_by_hand(world.staff, books, found[30_000].id, posting.id)
    audited = select(func.count(AuditEvent.id)).where(AuditEvent.action == "reconciliation.matched")
    assert db.session.scalar(audited) == 1


def test_another_books_line_cannot_be_matched(world, lines):
    found, posting = lines
    other = books_for(world.other_staff, world.other_org.id)
    with pytest.raises(InvalidInput):
        resolve.match_by_hand(world.other_staff, other, found[30_000].id, posting.id)
    assert db.session.scalar(select(func.count(ReconciliationMatch.id))) == 0


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301, None])
def test_a_correcting_entry_needs_a_reason(world, books, lines, reason):
    found, _ = lines
    before = db.session.scalar(select(func.count(LedgerEntry.id)))
    with pytest.raises(InvalidInput) as refused:
        resolve.correct(world.staff, books, found[-1_250].id, reason)
    assert "reason" in refused.value.fields
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == before


def test_a_correcting_entry_posts_one_balanced_entry_today_and_matches_the_line(world, books, lines):
    found, _ = lines
    before = db.session.scalar(select(func.count(LedgerEntry.id)))
    match = resolve.correct(world.staff, books, found[-1_250].id, "建设银行 手续费")
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == before + 1
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "reconciliation.correction"))
    postings = {p.account_id: p.amount for p in db.session.scalars(
        select(LedgerPosting).where(LedgerPosting.entry_id == entry.id))}
    bank = ledger.open_account("organisation", world.org.id, "bank")
    fees = ledger.open_account("organisation", world.org.id, "fees")
    assert postings == {bank.id: 1_250, fees.id: -1_250} and entry.effective_date == local_today()
    assert "手续费" not in entry.memo  # the reason stays with staff, the memo is public
    assert match.method == "correction" and match.reason == "建设银行 手续费"
    with pytest.raises(Conflict):
        resolve.correct(world.staff, books, found[-1_250].id, "again")
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == before + 1
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "reconciliation.corrected"))[
        "reason"] == "建设银行 手续费"


def test_a_correction_is_published_in_the_open_data_without_its_reason(client, world, books, lines):
    found, _ = lines
    resolve.correct(world.staff, books, found[-1_250].id, "建设银行 手续费")
    response = client.get(f"/transparency/data/ledger.json?org={world.org.id}")
    data = response.get_json()
    corrections = [e for e in data["entries"] if e["kind"] == "reconciliation.correction"]
    assert len(corrections) == 1 and sorted(p["amount"] for p in corrections[0]["postings"]) == [-1_250, 1_250]
    assert "手续费" not in response.get_data(as_text=True)
