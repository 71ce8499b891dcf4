"""`flask ledger export`: CSV, JSON and beancount, streamed; beancount agrees with our balances."""
import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace.ledger import chain, export, service
from marketplace.ledger.causes import Cause
from marketplace.ledger.models import LedgerAccount
from marketplace.ledger.verify import snapshot
from marketplace.platform.extensions import db
from tests.ledger.conftest import next_key

BEAN_CHECK = Path(sys.executable).with_name("bean-check")


@pytest.fixture
def ledger(savings, fund, open_account):
    people = [savings(600) for _ in range(3)]
    money = fund(50_000)
    spent = open_account("disbursed", "organisation")
    service.post([(people[0], -90), (people[1], 90)], cause=Cause.test(next_key()), kind="hours.gift",
                 memo='给"妈妈"\\的时间')
    service.post([(money, -12_345), (spent, 12_345)], cause=Cause.test(next_key()), kind="disbursement",
                 memo="=SUM(A1)",
                 effective_date=date.today() - timedelta(days=40))
    gift = service.post([(people[2], -30), (people[0], 30)], cause=Cause.test(next_key()), kind="hours.gift")
    service.reverse(gift, reason="sent to the wrong person")
    db.session.commit()
    return people, money, spent


def run_export(runner, tmp_path, fmt, *extra):
    out = tmp_path / f"ledger.{fmt}"
    result = runner.invoke(args=["ledger", "export", "--format", fmt, "--output", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def test_json_export_carries_what_the_hash_covers(ledger, runner, tmp_path):
    data = json.loads(run_export(runner, tmp_path, "json").read_text(encoding="utf-8"))
    assert data["format"] == "goodhours-ledger" and len(data["entries"]) == 8
    for entry in data["entries"]:  # anyone can recompute each hash from the file alone
        content = chain.canonical(
            lane=entry["lane"], seq=entry["seq"], key=entry["key"], kind=entry["kind"], memo=entry["memo"],
            effective_date=date.fromisoformat(entry["effective_date"]),
            created_at=chain_time(entry["created_at"]), reverses_id=entry["reverses_id"], v=entry["v"],
            **{k: entry[k] for k in ("actor_id", "actor_ref") if k in entry},
            postings=[(p["account_id"], p["unit"], p["amount"]) for p in entry["postings"]])
        assert chain.entry_hash(entry["prev_hash"], content) == entry["hash"]
    assert any(e["memo"] == '给"妈妈"\\的时间' for e in data["entries"])


def chain_time(value):
    from datetime import datetime

    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").UTC)


def test_csv_export_is_excel_safe_with_a_row_per_posting(ledger, runner, tmp_path):
    raw = run_export(runner, tmp_path, "csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # utf-8-sig, so Excel reads the Chinese
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 16 and rows[0].keys() >= {"entry_id", "account", "unit", "amount", "hash"}
    assert any(r["memo"] == "'=SUM(A1)" for r in rows)
    assert sum(int(r["amount"]) for r in rows if r["unit"] == "fen") == 0


def test_since_keeps_only_later_entries(ledger, runner, tmp_path):
    since = (date.today() - timedelta(days=10)).isoformat()
    data = json.loads(run_export(runner, tmp_path, "json", "--since", since).read_text(encoding="utf-8"))
    assert data["since"] == since and len(data["entries"]) == 7
    assert all(e["effective_date"] >= since for e in data["entries"])


def test_bad_options_get_a_clear_message(runner):
    result = runner.invoke(args=["ledger", "export", "--format", "xml"])
    assert result.exit_code == 2 and "xml" in result.output
    result = runner.invoke(args=["ledger", "export", "--since", "yesterday"])
    assert result.exit_code == 2 and "yesterday" in result.output


@pytest.mark.parametrize("since_days", [None, 10])
def test_beancount_export_passes_bean_check_and_agrees_with_our_balances(ledger, runner, tmp_path, since_days):
    if not BEAN_CHECK.exists():
        pytest.skip("beancount is not installed (it comes with the test extras)")
    extra = ["--since", (date.today() - timedelta(days=since_days)).isoformat()] if since_days else []
    path = run_export(runner, tmp_path, "beancount", *extra)
    check = subprocess.run([str(BEAN_CHECK), str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    theirs = beancount_balances(path)
    for account in db.session.scalars(db.select(LedgerAccount)):
        ours = service.balance(account).posted
        unit = "CNY" if account.unit == "fen" else "MIN"
        expected = Decimal(ours) / 100 if unit == "CNY" else Decimal(ours)
        assert theirs.get((export.account_name(account), unit), Decimal(0)) == expected


def beancount_balances(path):
    from beancount import loader
    from beancount.core import data

    entries, errors, _ = loader.load_file(str(path))
    assert not errors
    totals = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                key = (p.account, p.units.currency)
                totals[key] = totals.get(key, Decimal(0)) + p.units.number
    return totals


def test_export_streams_in_constant_memory(savings, monkeypatch):
    """The writer yields entry by entry: memory does not grow with the number of entries."""
    import tracemalloc

    monkeypatch.setattr(export, "BATCH", 50)  # rows fetched at a time, small so the test can be too
    a, b = savings(10**6), savings()

    def peak_for(n):
        for _ in range(n):
            service.post([(a, -1), (b, 1)], cause=Cause.test(next_key()), kind="test")
        db.session.commit()
        tracemalloc.start()
        with snapshot() as conn:
            for _chunk in export.export(conn, "json"):
                pass
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small = peak_for(150)
    large = peak_for(1350)  # ten times as many entries in all
    assert large < small * 3, (small, large)
