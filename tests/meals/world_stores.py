"""The stores part of the meal world (see tests/meals/world.py): an open restaurant with verified permits, a
quota agreement covering today and tomorrow and a paused day ahead; an open base with a blind-box stock item."""
from __future__ import annotations

import io
from datetime import timedelta

from werkzeug.datastructures import FileStorage

from marketplace.meals import permits, quotas, stores
from marketplace.platform.timeutil import local_today
from tests.files import pdf_bytes

WINDOWS = "11:00-13:30, 17:00-19:30"


def open_store(firm, runner, checker, *, kind="restaurant", name="矩阵餐厅", expires_in=365):
    """Register a store as `runner`, upload both permits and have `checker` verify them; return (store, permit)."""
    store = stores.register_store(runner, firm.id, kind=kind, name=name, address="深圳市福田区福华路1号",
                                  district_id=1, windows=WINDOWS)
    last = None
    for kind_ in permits.KINDS:
        last = permits.upload_permit(runner, store.id, kind=kind_, number=f"91440300-{kind_}",
                                     expires_on=local_today() + timedelta(days=expires_in),
                                     upload=FileStorage(io.BytesIO(pdf_bytes()), filename="permit.pdf"))
        permits.verify_permit(checker, last.id)
    return store, last


def stores_of(firm, people) -> dict:
    """Return the ids the store routes name (and "meal_store_id", "meal_base_id", "meal_stock_item_id" for
    the other parts)."""
    runner, checker = people["org_admin"], people["platform_admin"]
    today = local_today()
    store, permit = open_store(firm, runner, checker)
    quota = quotas.add_quota(runner, store.id, meals_per_day=30, contents="一荤两素一汤", value_fen=1500,
                             starts_on=today, ends_on=today + timedelta(days=60))
    pause = quotas.pause_day(runner, store.id, day=today + timedelta(days=10), reason="店休")
    base, _ = open_store(firm, runner, checker, kind="base", name="矩阵青年驿站")
    item = stores.add_stock_item(runner, base.id, name="爱心盲盒（米面油）", quantity=50, value_fen=3000)
    return {"meal_store_id": store.id, "meal_permit_id": permit.id, "meal_quota_id": quota.id,
            "meal_pause_id": pause.id, "meal_stock_item_id": item.id, "poster_token": store.poster_token,
            "meal_base_id": base.id}
