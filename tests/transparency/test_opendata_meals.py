"""Open data publishes donated meals and firms' points (meal.served, points.exchange) so anyone can re-check them,
and the chain still verifies; nothing names who ate."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import timedelta

import pytest

from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.transparency import opendata
from tests.meals.public_helpers import PHONE, PHONE_KEY, make_store, person, redeem, reserve
from tests.transparency.test_verify_chain import TOOL

NAME, EMAIL = "吃饭的人王小明", "eater-secret@example.org"


@pytest.fixture
def meals(create_user, create_org):
    """A firm's meal served to a known person and recorded in the ledger with its points, then points exchanged."""
    eater, server = create_user(email=EMAIL, display_name=NAME), create_user()
    firm = create_org("firm", {server: "member"}, name_zh="好味集团", name_en="Good Taste")
    store = make_store(firm)
    reservation = reserve(store, who=person(PHONE_KEY, eater))
    redeem(reservation)
    firm_meals = ledger.open_account("organisation", firm.id, "meals_donated")
    firm_points = ledger.open_account("organisation", firm.id, "meal_points")
    ledger.post([(firm_meals, -1), (ledger.platform_account("meals_served"), 1),
                 (ledger.platform_account("points_issued"), -10), (firm_points, 10)],
                cause=Cause(CauseKind.MEAL, reservation.id), kind="meal.served", memo="meal served",
                actor=server, effective_date=local_today() - timedelta(days=2))
    ledger.post([(firm_points, -4), (ledger.platform_account("points_exchanged"), 4)],
                cause=Cause(CauseKind.POINTS_EXCHANGE, 1), kind="points.exchange", memo="points exchanged")
    db.session.commit()
    return {"firm": firm, "reservation": reservation, "eater": eater, "server": server}


def text(fmt, **scope):
    return "".join(opendata.stream_lines(fmt, **scope))


def no_person_in(body: str, meals) -> None:
    for secret in (PHONE, PHONE_KEY, NAME, EMAIL, meals["reservation"].token, meals["reservation"].code):
        assert secret not in body
    assert f'"actor_id": {meals["server"].id}' not in body


def test_platform_json_publishes_meals_and_points_unsealed(meals):
    data = json.loads(text("json"))
    public = {e["kind"]: e for e in data["entries"] if not e.get("sealed")}
    served = public["meal.served"]
    assert served["key"] == f"meal:{meals['reservation'].id}"
    assert {p["unit"] for p in served["postings"]} == {"meal", "pt"}
    assert sum(p["amount"] for p in served["postings"] if p["unit"] == "meal") == 0
    assert [p["amount"] for p in public["points.exchange"]["postings"]] == [-4, 4]
    no_person_in(json.dumps(data, ensure_ascii=False), meals)


def test_firm_download_holds_its_meal_and_points_accounts_with_totals(meals):
    data = json.loads(text("json", org=meals["firm"]))
    assert {e["kind"] for e in data["entries"]} == {"meal.served", "points.exchange"}
    closing = {a["account"].split(":")[1]: a["closing"] for a in data["totals"]["accounts"]}
    assert closing == {"MealsDonated": -1, "MealPoints": 6}
    later = json.loads(text("json", org=meals["firm"], since=local_today()))
    opening = {a["account"].split(":")[1]: a["opening"] for a in later["totals"]["accounts"]}
    assert opening["MealPoints"] == 10 and opening["MealsDonated"] == -1  # before today: the meal only


def test_csv_gives_amounts_in_their_unit_and_money_columns_blank(meals):
    body = text("csv", org=meals["firm"])
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    meal_rows = [r for r in rows if r["unit"] == "meal"]
    assert meal_rows and meal_rows[0]["amount"] == "-1" and meal_rows[0]["amount_fen"] == ""
    assert meal_rows[0]["amount_yuan"] == ""
    no_person_in(body, meals)


def test_public_figures_count_the_points_issued(meals):
    from marketplace.meals import figures

    totals = figures.totals()
    assert (totals.meals_served, totals.points_issued) == (1, 10)


def test_the_chain_with_meals_verifies(meals, tmp_path):
    path = tmp_path / "ledger.json"
    path.write_text(text("json"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(TOOL), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
