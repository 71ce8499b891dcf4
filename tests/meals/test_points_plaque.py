"""Caring-firm plaques: asked for a year with meals, drawn after the commit, downloaded, checked by anyone."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

import pytest
from sqlalchemy import update

from marketplace.meals import plaque
from marketplace.meals.models import MealPlaque
from marketplace.meals.redemption import redeem
from marketplace.notifications.models import Notification
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.counter_fixtures import meals, reserve  # noqa: F401


def test_a_plaque_counts_the_years_meals_and_is_drawn_after_the_commit(meals):
    for _ in range(2):
        redeem(meals.worker, meals.store.id, reserve(meals.store).code)
    issued = plaque.issue_plaque(meals.boss, meals.firm.id, local_today().year)
    assert (issued.meals, issued.value_fen, issued.points) == (2, 3000, 20)
    db.session.expire_all()
    path = plaque.pdf_file(db.session.get(MealPlaque, issued.id))
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    assert db.session.scalar(db.select(Notification.kind).where(Notification.user_id == meals.boss.id)) \
        == "meals_plaque"
    assert plaque.issue_plaque(meals.boss, meals.firm.id, local_today().year).id == issued.id


def test_no_plaque_for_a_year_without_meals_or_for_others(meals):
    with pytest.raises(InvalidInput):
        plaque.issue_plaque(meals.boss, meals.firm.id, local_today().year - 1)
    with pytest.raises(InvalidInput):
        plaque.issue_plaque(meals.boss, meals.firm.id, "2024")
    with pytest.raises(NotFound):
        plaque.issue_plaque(meals.worker, meals.firm.id, local_today().year)
    assert db.session.scalar(db.select(db.func.count()).select_from(MealPlaque)) == 0


def test_anyone_checks_a_plaque_and_sees_a_changed_one(client, auth, meals):
    redeem(meals.worker, meals.store.id, reserve(meals.store).code)
    issued = plaque.issue_plaque(meals.boss, meals.firm.id, local_today().year)
    code = issued.code
    page = client.get(f"/meals/plaques/{code.lower()}").get_data(as_text=True)
    assert 'data-verify="intact"' in page and "Caring Meals" in page and 'data-meals>1<' in page
    assert meals.worker.display_name not in page
    db.session.execute(update(MealPlaque).where(MealPlaque.id == issued.id).values(meals=500))
    db.session.commit()
    assert 'data-verify="altered"' in client.get(f"/meals/plaques/{code}").get_data(as_text=True)
    assert client.get("/meals/plaques/NOSUCHCODE23").status_code == 404


def test_the_firm_asks_for_and_downloads_its_plaque(auth, meals):
    redeem(meals.worker, meals.store.id, reserve(meals.store).code)
    auth.login(meals.boss.email)
    path = f"/meals/firms/{meals.firm.id}/points"
    assert auth.post(f"/meals/firms/{meals.firm.id}/plaques", {"year": str(local_today().year)},
                     form_page=path).status_code == 302
    issued = db.session.scalar(db.select(MealPlaque))
    assert f"/meals/plaques/{issued.id}/pdf" in auth.client.get(path).get_data(as_text=True)
    download = auth.client.get(f"/meals/plaques/{issued.id}/pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")
