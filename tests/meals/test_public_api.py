"""The public meal API and CSV downloads: figures and open stores, no token, spreadsheet-safe."""
from __future__ import annotations

import csv
import io

from marketplace.meals.models import MealPause, StoreKind
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.public_helpers import blind_box, make_store, redeem, reserve


def test_figures_api_gives_totals_and_thirty_days_without_a_token(client, create_org):
    redeem(reserve(make_store(create_org("firm"), value_fen=1200)))
    data = client.get("/api/v1/meals/figures").get_json()
    assert data["totals"] == {"meals_served": 1, "value_fen": 1200, "points_issued": 0, "blind_boxes": 0}
    assert len(data["days"]) == 30
    assert data["days"][0] == {"day": local_today().isoformat(), "offered": 10, "taken": 1, "served": 1,
                               "unclaimed": None, "value_fen": 1200}


def test_stores_api_lists_open_stores_with_what_is_left_today(client, create_org):
    from marketplace.meals.days import minute_of_day
    from marketplace.platform.timeutil import now_utc

    firm = create_org("firm")
    minute = minute_of_day(now_utc())
    window = (minute // 60 * 60, min(minute // 60 * 60 + 120, 1440))  # serving now, whatever the hour
    busy = make_store(firm, name="甲店", meals=3, window=window)
    reserve(busy)
    untouched = make_store(firm, name="乙店", meals=4)
    paused = make_store(firm, name="丙店", meals=4)
    db.session.add(MealPause(store_id=paused.id, day=local_today()))
    base = make_store(firm, name="丁驿站", kind=StoreKind.BASE)
    blind_box(base)
    db.session.commit()
    stores = {s["id"]: s for s in client.get("/api/v1/meals/stores").get_json()}
    assert stores[busy.id]["meals_left"] == 2 and stores[untouched.id]["meals_left"] == 4
    assert stores[paused.id]["meals_left"] == 0 and stores[base.id]["meals_left"] == 4
    assert stores[busy.id]["windows"] == [{"opens_at": f"{window[0] // 60:02d}:00",
                                           "closes_at": f"{window[1] // 60:02d}:00"}]
    assert stores[busy.id]["address"] and stores[busy.id]["district"]["id"] == 1
    assert set(stores[busy.id]) == {"id", "kind", "name", "address", "district", "windows", "meals_left"}


def test_api_is_documented(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/meals/figures" in paths and "/api/v1/meals/stores" in paths


def test_csv_downloads_are_utf8_sig_and_formula_safe(client, create_org):
    store = make_store(create_org("firm"), name="=HYPERLINK(1)", address="+福华路")
    redeem(reserve(store))
    days = client.get("/meals/figures/days.csv")
    assert days.mimetype == "text/csv" and days.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(days.data.decode("utf-8-sig"))))
    assert len(rows) == 31 and rows[1][0] == local_today().isoformat() and rows[1][3] == "1"
    assert rows[1][5] == "15.00"
    stores = list(csv.reader(io.StringIO(client.get("/meals/figures/stores.csv").data.decode("utf-8-sig"))))
    assert stores[1][0] == "'=HYPERLINK(1)" and stores[1][2] == "'+福华路"
    assert client.get("/meals/figures/people.csv").status_code == 404
    page = client.get("/meals/figures").get_data(as_text=True)
    assert "/meals/figures/days.csv" in page and "/meals/figures/stores.csv" in page
