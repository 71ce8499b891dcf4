"""Public meal figures: per day, per store, per consenting firm and the totals, after reserving, serving,
cancelling and expiring meals."""
from __future__ import annotations

from datetime import timedelta

from marketplace.firms import service as firms
from marketplace.meals import figures
from marketplace.meals.models import StoreKind
from marketplace.platform.timeutil import local_today
from tests.meals.public_helpers import blind_box, cancel, expire, make_store, person, redeem, reserve


def test_counts_follow_reserve_serve_cancel_and_expire(create_org):
    firm = create_org("firm")
    store = make_store(firm, meals=5, value_fen=1500)
    yesterday = local_today() - timedelta(days=1)
    served, cancelled, left = (reserve(store, yesterday, person(f"k{n}")) for n in range(3))
    redeem(served)
    cancel(cancelled)
    expire(left)
    today = [reserve(store, who=person(f"t{n}")) for n in range(2)]
    redeem(today[0])

    rows = {r.day: r for r in figures.by_day()}
    assert len(rows) == figures.DAYS
    past = rows[yesterday]
    assert (past.offered, past.taken, past.served, past.unclaimed, past.value_fen) == (5, 2, 1, 4, 1500)
    now = rows[local_today()]
    assert (now.offered, now.taken, now.served, now.unclaimed) == (5, 2, 1, None)  # today is not over
    assert rows[local_today() - timedelta(days=5)].offered == 0
    (row,) = figures.by_store()
    assert (row.store.id, row.served, row.unclaimed, row.value_fen) == (store.id, 2, 4, 3000)
    totals = figures.totals()
    assert (totals.meals_served, totals.value_fen, totals.blind_boxes) == (2, 3000, 0)


def test_blind_boxes_are_counted_per_base_and_in_total(create_org):
    firm = create_org("firm")
    base = make_store(firm, name="青年驿站", kind=StoreKind.BASE)
    blind_box(base)
    blind_box(base, person("other"))
    assert figures.totals().blind_boxes == 2
    assert {r.store.id: r.blind_boxes for r in figures.by_store()} == {base.id: 2}


def test_only_firms_that_agreed_are_named_and_the_others_make_one_line(create_user, create_org):
    admin = create_user()
    named = create_org("firm", {admin: "admin"}, name_zh="好味集团", name_en="Good Taste")
    quiet = [create_org("firm", name_zh=f"安静{n}", name_en=f"Quiet {n}") for n in range(2)]
    for n, firm in enumerate([named, *quiet]):
        redeem(reserve(make_store(firm, name=f"店{n}"), who=person(f"p{n}")))
    assert [r.firm for r in figures.by_firm()] == [None]
    assert figures.by_firm()[0].firms == 3 and figures.by_firm()[0].served == 3

    firms.set_meals_public(admin, named, True)
    rows = figures.by_firm()
    assert [r.firm.id if r.firm else None for r in rows] == [named.id, None]
    assert (rows[0].served, rows[1].firms, rows[1].served) == (1, 2, 2)
    firms.set_meals_public(admin, named, False)
    assert [r.firm for r in figures.by_firm()] == [None]


def test_firm_admin_toggles_naming_on_the_firm_page(client, auth, create_user, create_org):
    admin, member = create_user(), create_user()
    firm = create_org("firm", {admin: "admin", member: "member"}, name_zh="好味集团", name_en="Good Taste")
    redeem(reserve(make_store(firm)))
    auth.login(member.email)
    page = client.get(f"/firms/{firm.id}").get_data(as_text=True)
    assert "data-meals-public" in page and f"/firms/{firm.id}/meals-public" not in page  # members only read
    auth.logout()
    auth.login(admin.email)
    assert f"/firms/{firm.id}/meals-public" in client.get(f"/firms/{firm.id}").get_data(as_text=True)
    auth.post(f"/firms/{firm.id}/meals-public", {"on": "1"}, form_page=f"/firms/{firm.id}")
    public = client.get("/meals/figures").get_data(as_text=True)
    assert f'data-firm="{firm.id}"' in public and "Good Taste" in public


def test_public_page_shows_totals_days_stores_and_links_from_the_accounts(client, create_org):
    firm = create_org("firm")
    store = make_store(firm, name="暖心面馆", address="福华路1号")
    redeem(reserve(store))
    page = client.get("/meals/figures")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<dd data-meals-served>1</dd>' in body and "暖心面馆" in body and "福华路1号" in body
    assert "data-chart=" in body and 'data-other-firms' in body
    assert "/meals/figures" in client.get("/transparency/").get_data(as_text=True)


def queries_for(work) -> int:
    """Count the SQL statements `work` runs."""
    from sqlalchemy import event

    from marketplace.platform.extensions import db

    count = 0

    def seen(*_args):
        nonlocal count
        count += 1

    db.session.expire_all()
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return count


def test_figures_take_the_same_few_queries_however_many_stores_and_firms(create_org):
    def grow(n):
        for k in range(n):
            redeem(reserve(make_store(create_org("firm"), name=f"店{n}-{k}"), who=person(f"q{n}-{k}")))

    grow(2)
    few = queries_for(figures.public_figures), queries_for(figures.open_stores)
    grow(8)
    assert (queries_for(figures.public_figures), queries_for(figures.open_stores)) == few
    assert few[0] <= 10 and few[1] <= 8
