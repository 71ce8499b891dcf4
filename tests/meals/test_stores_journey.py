"""A firm onboards a restaurant: registers it, uploads permits, the platform checks them and it opens; as the
hygiene permit nears its end the firm is reminded once, then the store is paused, and a new permit reopens it."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.meals import days, permits, quotas, stores, sweeps
from marketplace.meals.models import MealStore
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.stores_helpers import firm_with_staff, png, register, travel, upload
from tests.meals.world_stores import open_store


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def test_firm_onboarding_with_permit_expiry(create_user, create_org, monkeypatch):
    firm, boss, server, checker = firm_with_staff(create_user, create_org)
    start = local_today()
    store = register(firm, boss)
    assert store.status == "pending" and stores.format_windows(store) == "11:00-13:30, 17:00-19:30"
    licence = upload(store, boss, "licence", start + timedelta(days=400))
    hygiene = upload(store, boss, "hygiene", start + timedelta(days=40), png())
    quotas.add_quota(boss, store.id, meals_per_day=30, contents="一荤两素一汤", value_fen=1500, starts_on=start,
                     ends_on=start + timedelta(days=365))
    with pytest.raises(NotFound):  # only platform admins check permits
        permits.verify_permit(boss, licence.id)
    permits.verify_permit(checker, licence.id)
    assert db.session.get(MealStore, store.id).status == "pending"  # one permit is not enough
    assert days.offered_on(store, start)[1] == 0
    permits.verify_permit(checker, hygiene.id)
    assert db.session.get(MealStore, store.id).status == "open"
    assert "meals_store_opened" in _kinds(boss) and "meals_store_opened" not in _kinds(server)
    assert days.open_day(store, start).offered == 30
    db.session.commit()

    travel(monkeypatch, start + timedelta(days=15))  # 25 days left: within the 30 days' notice
    assert sweeps.sweep() == 1 and sweeps.sweep() == 0
    assert _kinds(boss).count("meals_permit_expiring") == 1
    assert db.session.get(MealStore, store.id).status == "open"

    travel(monkeypatch, start + timedelta(days=41))  # the hygiene permit expired yesterday
    tomorrow = start + timedelta(days=42)
    assert days.open_day(store, tomorrow).offered == 30  # already made before the pause
    db.session.commit()
    assert sweeps.sweep() == 1 and sweeps.sweep() == 0
    paused = db.session.get(MealStore, store.id)
    assert paused.status == "paused" and paused.pause_reason  # says why, on the store's page
    assert _kinds(boss).count("meals_store_paused") == 1
    assert days.get_day(store.id, tomorrow).offered == 0  # nothing offered while paused
    with pytest.raises(Conflict):
        stores.reopen_store(boss, store.id)
    with pytest.raises(InvalidInput) as refused:  # an expired permit cannot be uploaded
        upload(store, boss, "hygiene", start + timedelta(days=40))
    assert "expires_on" in refused.value.fields

    renewed = upload(store, boss, "hygiene", start + timedelta(days=41 + 365))
    permits.verify_permit(checker, renewed.id)  # paused for the permit: the new one opens it again
    assert db.session.get(MealStore, store.id).status == "open"
    assert _kinds(boss).count("meals_store_opened") == 2
    assert days.get_day(store.id, tomorrow).offered == 30
    assert sweeps.sweep() == 0


def test_a_store_its_firm_paused_stays_paused_until_the_firm_reopens_it(create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker)
    stores.pause_store(boss, store.id, "装修")
    renewed = upload(store, boss, "licence", local_today() + timedelta(days=800))
    permits.verify_permit(checker, renewed.id)
    assert db.session.get(MealStore, store.id).status == "paused"
    with pytest.raises(Conflict):
        stores.pause_store(boss, store.id, "again")
    stores.reopen_store(checker, store.id)  # platform staff may reopen it too
    assert db.session.get(MealStore, store.id).status == "open"
    assert "meals_store_paused" not in _kinds(boss)  # it was the firm's own choice


def test_a_rejected_permit_tells_the_firm_why_and_the_store_stays_waiting(create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store = register(firm, boss)
    permit = upload(store, boss, "licence", local_today() + timedelta(days=100))
    with pytest.raises(InvalidInput):
        permits.reject_permit(checker, permit.id, "")
    permits.reject_permit(checker, permit.id, "照片看不清")
    assert "meals_permit_rejected" in _kinds(boss)
    assert db.session.get(MealStore, store.id).status == "pending"
    with pytest.raises(Conflict):
        permits.verify_permit(checker, permit.id)


def test_only_the_firms_staff_run_its_store(create_user, create_org):
    firm, boss, server, _checker = firm_with_staff(create_user, create_org)
    store = register(firm, boss)
    for outsider in (server, create_user()):
        with pytest.raises(NotFound):
            stores.edit_store(outsider, store.id, name="x", address="y", windows="11:00-12:00")
        with pytest.raises(NotFound):
            register(firm, outsider)
    with pytest.raises(InvalidInput) as refused:  # a fake photo is refused from its content
        upload(store, boss, "licence", local_today() + timedelta(days=9),
               FileStorage(io.BytesIO(b"\x89PNG\r\n\x1a\nnot really"), filename="a.png"))
    assert "upload" in refused.value.fields


def test_the_sweep_runs_from_the_command_line_and_in_the_workers_round(runner, create_user, create_org,
                                                                       monkeypatch):
    from marketplace.platform.worker import SWEEPS

    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker, expires_in=1)
    travel(monkeypatch, local_today() + timedelta(days=2))
    result = runner.invoke(args=["meals", "sweep"])
    assert result.exit_code == 0 and "paused 1 store(s)" in result.output
    assert db.session.get(MealStore, store.id).status == "paused"
    assert "Expired 0 reservation(s)" in result.output  # the people's sweeps run with it
    assert {"marketplace.meals.sweeps.sweep", "marketplace.meals.person_sweeps.sweep"} <= set(SWEEPS)
