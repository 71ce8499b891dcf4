"""The demo's meal stores: seeded once through the services, open with a quota or stock, and the permit
expiring soon has reminded its firm; demo people have reserved some of the day's meals and a few boxes, and
some were collected at lunch."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.meals import days
from marketplace.meals.models import MealDay, MealPermit, MealReservation, MealStockItem, MealStore
from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def test_the_demo_seeds_open_futian_stores_once(runner, client, auth):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    found = db.session.scalars(select(MealStore).order_by(MealStore.id)).all()
    assert len(found) == 3 and {s.status for s in found} == {"open"} and all("福田区" in s.address for s in found)
    assert [days.offered_on(s, local_today())[1] for s in found] == [30, 20, 0]
    assert db.session.scalar(select(func.count()).select_from(MealStockItem)) == 2
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "meals_permit_expiring")) >= 1
    counters = db.session.scalars(select(MealDay).order_by(MealDay.store_id)).all()  # today's, or tomorrow's late
    assert [(c.taken, c.served) for c in counters] in ([(12, 7), (6, 2)], [(12, 0), (6, 0)])
    assert db.session.scalar(select(func.count()).select_from(MealReservation)
                             .where(MealReservation.stock_item_id.is_not(None))) in (3, 0)  # 0 late in the day
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (MealStore, MealPermit, MealReservation)]
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert counts == [db.session.scalar(select(func.count()).select_from(m))
                      for m in (MealStore, MealPermit, MealReservation)]
    from marketplace.auth.demo import DEMO_PASSWORD

    assert auth.login("firm@demo.example.org", DEMO_PASSWORD).status_code == 302
    page = client.get("/meals/stores").get_data(as_text=True)
    assert "百味轩（福华路店）" in page and "青年驿站（莲花山站）" in page
