"""Nobody a firm, a store or the public can reach learns who took a meal: every GET route under /meals and
/api/v1/meals (world ids filled in), as the public, a store member and the firm's admin, shows no phone, name,
email, phone hash or per-person count of someone who reserved and ate."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.meals.models import MealPhoneCode, MealStore
from marketplace.orgs.models import Membership, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from tests.conftest import PASSWORD
from tests.meals.public_helpers import PHONE, PHONE_KEY, make_store, person, redeem, reserve
from tests.routes import app_routes
from tests.test_access_policy import _fill, world  # noqa: F401 (fixture)

NAME, EMAIL = "吃饭的人王小明", "meal-eater-secret@example.org"
SECRETS = (PHONE, PHONE[3:], f"{PHONE[:3]} {PHONE[3:7]} {PHONE[7:]}", f"{PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}",
           NAME, EMAIL, PHONE_KEY)
PER_PERSON = ("meals_taken", "person_id", '"person"')  # words of a per-person count or link
ROLES = ("anonymous", "firm_member", "org_admin")  # the public, a member serving at the store, the firm's admin


@pytest.fixture
def seeded(world, create_user):  # noqa: F811
    """The meal world, with someone known by phone and account who reserved three meals and ate two there."""
    emails, _tokens, ids = world()
    admin = db.session.scalar(select(User).where(User.email == emails["org_admin"]))
    firm = db.session.scalar(select(Organisation).join(Membership).where(
        Membership.user_id == admin.id, Membership.role == "admin", Organisation.kind == "firm"))
    stores = [db.session.get(MealStore, ids["meal_store_id"])] if "meal_store_id" in ids else []
    stores.append(make_store(firm, name="隐私面馆", meals=20))
    eater = create_user(email=EMAIL, display_name=NAME)
    who = person(PHONE_KEY, eater)
    db.session.add(MealPhoneCode(phone_key=PHONE_KEY, code_hash="0" * 64, expires_at=now_utc(), used_at=now_utc()))
    for n in range(3):
        taken = reserve(stores[-1], who=who)
        if n < 2:
            redeem(taken)
    db.session.commit()
    return emails, ids, firm


def meal_routes() -> list[str]:
    return sorted({rule for _endpoint, method, rule in app_routes()
                   if method == "GET" and rule.startswith(("/meals", "/api/v1/meals"))})


def test_meal_routes_are_found():
    assert {"/meals/figures", "/api/v1/meals/figures", "/api/v1/meals/stores"} <= set(meal_routes())


@pytest.mark.parametrize("role", ROLES)
def test_no_meal_page_export_or_answer_names_who_ate(client, auth, seeded, role):
    emails, ids, firm = seeded
    if role != "anonymous":
        auth.login(emails[role], PASSWORD)
    urls = [_fill(rule, ids, missing=False) for rule in meal_routes()]
    urls += [f"/firms/{firm.id}", "/meals/figures/days.csv", "/meals/figures/stores.csv"]
    answered = 0
    for url in urls:
        response = client.get(url, headers={"Accept-Language": "zh-CN"})
        body = response.get_data().decode("utf-8", errors="replace")  # permits and plaques are files
        leaks = [s for s in SECRETS if s in body]
        assert not leaks, f"{url} as {role} shows {leaks}"
        if response.mimetype == "application/json":
            assert not [w for w in PER_PERSON if w in body], f"{url} as {role} answers per person"
        answered += response.status_code == 200
    assert answered >= 5  # the figures, both downloads and both API answers at least
    figures = client.get("/meals/figures").get_data(as_text=True)
    assert "隐私面馆" in figures  # the store is public; who ate there is not
