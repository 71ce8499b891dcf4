"""A fund's totals and chart come from monthly sums folded from its lines, plus the lines since; when the sums
and the ledger's balance disagree the pages add the lines up, and the next fold mends the sums."""
from __future__ import annotations

from sqlalchemy import delete, select

from marketplace.funds import service as funds
from marketplace.platform.extensions import db
from marketplace.transparency import overview, rollup
from marketplace.transparency.models import FundMonth


def _received(fund) -> int:
    found = rollup.flows([funds.fund_account(fund).id])
    return None if found is None else sum(n for (_f, _m, kind), n in found.items() if kind == "donation")


def test_folded_sums_and_new_lines_give_the_fund_totals(station, create_fund, give):
    fund = create_fund(10_000)
    assert rollup.fold(settle_seconds=0) >= 1
    assert db.session.scalars(select(FundMonth.lines).where(FundMonth.fund_id == fund.id)).all() == [1]
    give(fund, 5_000)  # above the mark: read from the lines
    assert _received(fund) == 15_000
    assert overview.fund_figures(fund)[0]["totals"]["received"] == 15_000
    assert rollup.fold(settle_seconds=0) == 1
    assert _received(fund) == 15_000 and sum(db.session.scalars(select(FundMonth.lines))) == 2


def test_young_lines_wait_for_the_next_fold(station, create_fund):
    create_fund(10_000)
    assert rollup.fold() == 0 and rollup.mark() == 0  # a line of this minute: its neighbours may be in flight


def test_sums_that_disagree_with_the_balance_are_not_used_and_are_mended(station, create_fund, client):
    fund = create_fund(10_000)
    rollup.fold(settle_seconds=0)
    db.session.execute(delete(FundMonth))  # as if a line had committed below the mark after the fold
    db.session.commit()
    assert _received(fund) is None
    page = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert "data-received>¥100.00" in page  # added up from the lines instead
    rollup.fold(settle_seconds=0)
    assert _received(fund) == 10_000


def test_rollup_command_rebuilds_the_sums(station, create_fund, runner):
    create_fund(10_000)
    result = runner.invoke(args=["transparency", "rollup", "--rebuild"])
    assert result.exit_code == 0 and "Folded 1 line(s)" in result.output


def test_the_worker_loop_folds_settled_lines(station, create_fund, monkeypatch):
    from marketplace.platform import worker

    create_fund(10_000)
    monkeypatch.setattr(rollup, "SETTLE_SECONDS", 0)
    worker.sweep()
    assert rollup.mark() > 0 and sum(db.session.scalars(select(FundMonth.lines))) == 1
