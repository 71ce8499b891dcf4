"""The counter part of the meal world (see tests/meals/world.py): a meal redeemed at a store of the firm, a reward
the firm itself offers (its admin is the partner too), an exchange of the points and the year's plaque."""
from __future__ import annotations

from marketplace.meals import plaque, redemption, rewards
from marketplace.platform.timeutil import local_today
from tests.meals.counter_fixtures import make_store, reserve


def counter_of(ids, firm, people) -> dict:
    # a store of its own, open with a quota and no serving windows, so its meal is served at any hour the tests run
    # (the routes name the stores part's store)
    store = make_store(firm, name="世界餐厅")
    outcome = redemption.redeem(people["firm_member"], store.id, reserve(store).code).outcome
    assert outcome is redemption.Outcome.VALID, outcome
    reward = rewards.offer_reward(people["org_admin"], firm.id, "大米10斤", "东北大米", 1, 1000)
    exchange = rewards.exchange(people["org_admin"], firm.id, reward.id, 1)
    issued = plaque.issue_plaque(people["org_admin"], firm.id, local_today().year)
    return {"points_firm_id": firm.id, "partner_org_id": firm.id, "meal_reward_id": reward.id,
                    "meal_exchange_id": exchange.id, "plaque_code": issued.code, "meal_plaque_id": issued.id}

