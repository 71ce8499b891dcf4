"""Points exchange: meals served earn points, a firm spends them on a partner's ingredients, the partner
delivers; a cancel gives the stock and the points back; the ledger stays sound."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

import pytest

from marketplace.ledger import verify as ledger_verify
from marketplace.meals import points, rewards
from marketplace.meals.models import MealExchange, MealReward, MealThanks
from marketplace.meals.redemption import redeem
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.counter_fixtures import meals, reserve  # noqa: F401


@pytest.fixture
def partner(create_user, create_org):
    """A charity whose staff offer rice for points."""
    staff = create_user(display_name="慈善员工")
    org = create_org("charity", {staff: "staff"}, name_zh="爱心米仓", name_en="Rice Bank")
    return staff, org


def _serve(meals, count):
    for _ in range(count):
        redeem(meals.worker, meals.store.id, reserve(meals.store).code)


def test_meals_become_points_spent_on_ingredients_and_delivered(meals, partner):
    staff, org = partner
    _serve(meals, 3)
    assert points.points_of(meals.firm) == points.Points(30, 0, 30)
    rice = rewards.offer_reward(staff, org.id, "大米10斤", "东北大米", 12, 5)
    exchange = rewards.exchange(meals.boss, meals.firm.id, rice.id, "2")
    assert exchange.status == "requested" and exchange.points == 24
    assert points.points_of(meals.firm) == points.Points(30, 24, 6)
    assert db.session.get(MealReward, rice.id).stock == 3
    told = db.session.scalars(db.select(Notification).where(Notification.user_id == staff.id)).all()
    assert [n.kind for n in told] == ["meals_exchange"]
    rewards.deliver(staff, exchange.id)
    assert db.session.get(MealExchange, exchange.id).status == "delivered"
    with pytest.raises(Conflict):
        rewards.cancel(meals.boss, exchange.id)
    assert ledger_verify.verify().ok


def test_a_cancel_gives_the_stock_and_the_points_back(meals, partner):
    staff, org = partner
    _serve(meals, 2)
    rice = rewards.offer_reward(staff, org.id, "大米10斤", "", 10, 4)
    exchange = rewards.exchange(meals.boss, meals.firm.id, rice.id, 2)
    rewards.cancel(staff, exchange.id)
    assert db.session.get(MealExchange, exchange.id).status == "cancelled"
    assert db.session.get(MealReward, rice.id).stock == 4
    assert points.points_of(meals.firm) == points.Points(20, 0, 20)
    with pytest.raises(Conflict):
        rewards.deliver(staff, exchange.id)
    assert ledger_verify.verify().ok


def test_no_exchange_beyond_the_points_or_the_stock(meals, partner):
    staff, org = partner
    _serve(meals, 1)
    rice = rewards.offer_reward(staff, org.id, "大米10斤", "", 8, 1)
    with pytest.raises(Conflict, match="Not enough points: the firm has 10, this exchange needs 16."):
        rewards.exchange(meals.boss, meals.firm.id, rice.id, 2)
    rewards.exchange(meals.boss, meals.firm.id, rice.id, 1)
    with pytest.raises(Conflict):
        rewards.exchange(meals.boss, meals.firm.id, rice.id, 1)
    assert db.session.scalar(db.select(db.func.count()).select_from(MealExchange)) == 1
    assert points.points_of(meals.firm).available == 2


def test_only_staff_exchange_and_only_the_partner_delivers(meals, partner):
    staff, org = partner
    _serve(meals, 1)
    rice = rewards.offer_reward(staff, org.id, "大米", "", 1, 5)
    with pytest.raises(NotFound):
        rewards.exchange(meals.worker, meals.firm.id, rice.id, 1)  # a member, not staff
    exchange = rewards.exchange(meals.boss, meals.firm.id, rice.id, 1)
    with pytest.raises(NotFound):
        rewards.deliver(meals.boss, exchange.id)
    with pytest.raises(NotFound):
        rewards.cancel(meals.outsider, exchange.id)


def test_a_reward_needs_a_name_and_whole_numbers(partner):
    staff, org = partner
    with pytest.raises(InvalidInput) as error:
        rewards.offer_reward(staff, org.id, " ", "", "1.5", "-1")
    assert set(error.value.fields) == {"name", "points", "stock"}
    assert db.session.scalar(db.select(db.func.count()).select_from(MealReward)) == 0


def test_the_points_page_shows_points_exchanges_and_thanks_without_people(auth, meals, partner):
    staff, org = partner
    _serve(meals, 1)
    rice = rewards.offer_reward(staff, org.id, "大米", "", 4, 5)
    db.session.add(MealThanks(organisation_id=meals.firm.id, store_id=meals.store.id, text="谢谢你们的饭菜",
                              created_on=local_today()))
    db.session.commit()
    auth.login(meals.boss.email)
    path = f"/meals/firms/{meals.firm.id}/points"
    answer = auth.post(f"/meals/firms/{meals.firm.id}/exchanges", {"reward_id": str(rice.id), "quantity": "1"},
                       form_page=path)
    assert answer.status_code == 302
    page = auth.client.get(path).get_data(as_text=True)
    assert 'data-available>6<' in page and "谢谢你们的饭菜" in page and "大米 × 1" in page
    assert meals.worker.display_name not in page
    refused = auth.post(f"/meals/firms/{meals.firm.id}/exchanges", {"reward_id": str(rice.id), "quantity": "9"},
                        form_page=path, follow_redirects=True)
    assert "Not enough points" in refused.get_data(as_text=True)
    auth.logout()
    auth.login(staff.email)
    partner_page = auth.client.get(f"/meals/partners/{org.id}/rewards").get_data(as_text=True)
    assert "大米 × 1" in partner_page and "Delivered" in partner_page
