"""Open data: public ledger lines as CSV and JSON for the platform, an organisation or a fund, streamed."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry
from marketplace.payments import postings
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.activities import service as timebank
from marketplace.transparency import opendata
from tests.funds.world import funds_of, pdf
from tests.test_access_policy import time_bank_of
from tests.wishes.world import wishes_of

SECRET_ACTIVITY = "探访SECRET-HOURS-MEMO"


@pytest.fixture
def world(create_user, create_org):
    """Two charities with funds, gifts and paid disbursements (one for a household's wish), and a
    volunteer's approved hours; returns plain values."""
    root, staff, volunteer = create_user(), create_user(), create_user(email="volunteer-secret@example.org")
    charity = create_org("charity", {root: "admin", staff: "staff"}, name_zh="关爱协会", name_en="Care Society")
    wishes = wishes_of(charity, staff, root, claimant=create_user(), pledger=create_user())
    money = funds_of(charity, staff, donor=root)
    fund = funds.fund_by_code(money["fund_code"])
    wish_paid = disbursements.request_disbursement(staff, fund, payee="百货店", purpose="购买棉被",
                                                   amount_fen=20_000, evidence_file=pdf(),
                                                   listing_id=wishes["listing_id"])
    other_staff = create_user()
    other = create_org("charity", {other_staff: "admin"}, name_zh="另一协会", name_en="Other Society")
    other_fund = funds.create_fund(other_staff, other, kind="general", name_zh="其他基金", name_en="Other Fund")
    funds_of(other, other_staff)  # a second fund of the other charity, with its own gifts
    activity, attendance, _claim, _care = time_bank_of(charity, {"org_admin": root, "volunteer": volunteer})
    activity.title = SECRET_ACTIVITY
    timebank.approve_attendance(attendance.id, root)
    db.session.commit()
    return {"org": charity, "fund": fund, "other": other, "other_fund": other_fund, "wish_paid": wish_paid,
            "volunteer": volunteer, "money": money}


def text(fmt, **scope):
    return "".join(opendata.stream_lines(fmt, **scope))


def test_platform_json_publishes_money_and_seals_hours(world):
    data = json.loads(text("json"))
    assert data["format"] == "goodhours-open-ledger" and data["scope"]["type"] == "platform"
    assert data["complete_lanes"] is True and data["hash_scheme"] == "per-entry" and data["version"] == 2
    public = [e for e in data["entries"] if not e.get("sealed")]
    sealed = [e for e in data["entries"] if e.get("sealed")]
    assert {e["kind"] for e in public} <= set(opendata.PUBLIC_KINDS)
    assert {"donation", "disbursement"} <= {e["kind"] for e in public}
    assert sealed and all(set(e) == {"lane", "seq", "prev_hash", "hash", "sealed"} for e in sealed)
    # every entry of the ledger is there, public or sealed
    assert len(data["entries"]) == db.session.query(LedgerEntry).count()
    assert data["totals"]["entries"] == len(public) and data["totals"]["sealed"] == len(sealed)
    assert all(p["unit"] == "fen" for e in public for p in e["postings"])
    body = json.dumps(data, ensure_ascii=False)
    assert SECRET_ACTIVITY not in body and "hours.attendance" not in body


def test_fund_json_holds_only_its_entries_with_totals_matching_the_ledger(world):
    fund = world["fund"]
    data = json.loads(text("json", fund=fund))
    assert data["scope"] == {"type": "fund", "name": fund.name_zh, "organisation_id": fund.organisation_id,
                             "fund": fund.public_code}
    account = postings.fund_account(fund)
    assert data["entries"] and all(account.id in [p["account_id"] for p in e["postings"]] for e in data["entries"])
    assert not any(e.get("sealed") for e in data["entries"])
    [row] = data["totals"]["accounts"]
    assert row["account_id"] == account.id and row["opening"] == 0
    assert row["closing"] == ledger.balance(account).posted
    assert row["outflow"] == 10_000 + 20_000  # the repair and the quilt


def test_org_json_covers_its_funds_and_own_accounts_only(world):
    data = json.loads(text("json", org=world["org"]))
    mine = {postings.fund_account(world["fund"]).id}
    theirs = {postings.fund_account(world["other_fund"]).id}
    accounts = {p["account_id"] for e in data["entries"] for p in e["postings"]}
    assert mine <= accounts and not theirs & accounts
    listed = {row["account_id"] for row in data["totals"]["accounts"]}
    assert mine <= listed and not theirs & listed
    # the organisation's own bank account (offline gifts arrive there) is in scope
    assert any(row["account"].startswith("Assets:Bank:Organisation") for row in data["totals"]["accounts"])


def test_dates_filter_by_effective_day_and_carry_the_opening_balance(world):
    fund, today = world["fund"], local_today()
    later = json.loads(text("json", fund=fund, since=today + timedelta(days=1)))
    assert later["entries"] == [] and later["from"] == (today + timedelta(days=1)).isoformat()
    [row] = later["totals"]["accounts"]
    balance = ledger.balance(postings.fund_account(fund)).posted
    assert row["opening"] == row["closing"] == balance and row["inflow"] == row["outflow"] == 0
    earlier = json.loads(text("json", fund=fund, until=today - timedelta(days=1)))
    assert earlier["entries"] == [] and earlier["totals"]["accounts"][0]["closing"] == 0
    same_day = json.loads(text("json", fund=fund, since=today, until=today))
    assert len(same_day["entries"]) == len(json.loads(text("json", fund=fund))["entries"])


def test_csv_is_excel_safe_with_yuan_and_hashes(world):
    body = text("csv", fund=world["fund"])
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert list(rows[0]) == opendata.CSV_COLUMNS
    quilt = next(r for r in rows if r["memo"] == f"disbursement {world['wish_paid'].public_code}"
                 and r["amount_fen"] == "-20000")
    assert quilt["amount_yuan"] == "-200.00" and len(quilt["hash"]) == 64 and quilt["unit"] == "fen"
    assert all(not r["kind"].startswith("hours") for r in rows)
    assert "王秘密" not in body and "李女士" not in body and world["volunteer"].email not in body


def test_stream_does_not_build_the_list(world):
    chunks = opendata.stream_lines("json")
    first = next(chunks)
    assert first.startswith('{"format": "goodhours-open-ledger"') and first.endswith('"entries": [')
    assert sum(1 for _ in chunks) > 2  # entries come one by one
