"""The stores' world part gives the other parts an open restaurant with meals today and an open base with stock."""
from __future__ import annotations

from marketplace.meals import days
from marketplace.meals.models import MealStockItem, MealStore
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.world_stores import stores_of


def test_world_part_holds_an_open_restaurant_with_meals_and_an_open_base_with_stock(create_user, create_org):
    people = {"org_admin": create_user(), "firm_member": create_user(), "platform_admin": create_user(admin=True)}
    firm = create_org("firm", {people["org_admin"]: "admin", people["firm_member"]: "member"})
    ids = stores_of(firm, people)
    store, base = db.session.get(MealStore, ids["meal_store_id"]), db.session.get(MealStore, ids["meal_base_id"])
    assert store.status == "open" and base.status == "open"
    assert days.open_day(store, local_today()).offered == 30
    assert db.session.get(MealStockItem, ids["meal_stock_item_id"]).store_id == base.id
    assert len({v for k, v in ids.items() if k.endswith("_id")}) >= 1 and ids["poster_token"]
