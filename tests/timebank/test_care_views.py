"""Care pages: ask, take on, confirm; the recipient's name stays with the people involved."""
from datetime import timedelta

from sqlalchemy import select

from marketplace.ledger import service as ledger
from marketplace.orgs.models import Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.care.models import CareRequest
from tests.timebank.test_care import fund
from tests.timebank.test_views import local


def test_asking_for_care_and_paying_the_volunteer_through_the_pages(client, auth, team, create_user):
    daughter, helper, stranger = create_user(email="d@example.org"), create_user(email="h@example.org"), create_user()
    db.session.add(Membership(organisation_id=team.org.id, user_id=daughter.id, role="member"))
    db.session.commit()
    fund(daughter, 300)
    auth.login("d@example.org")
    response = auth.post("/timebank/care/new", {
        "organisation_id": str(team.org.id), "recipient_name": "王阿姨", "service": "meal_delivery", "details": "",
        "district_id": "1", "scheduled_at": local(now_utc() + timedelta(days=1)), "minutes": "60", "key": "k"},
        form_page="/timebank/care/new")
    assert response.status_code == 302
    item = db.session.scalar(select(CareRequest))
    assert ledger.balance(savings_account(daughter)).held == 60
    auth.logout()
    auth.login(stranger.email)
    listing = client.get("/timebank/care").get_data(as_text=True)
    assert "Meal delivery" in listing and "王阿姨" not in listing
    assert "王阿姨" not in client.get(f"/timebank/care/{item.id}").get_data(as_text=True)
    auth.logout()
    auth.login("h@example.org")
    detail = f"/timebank/care/{item.id}"
    auth.post(f"{detail}/accept", form_page=detail)
    assert "王阿姨" in client.get(detail).get_data(as_text=True)
    auth.logout()
    auth.login("d@example.org")
    auth.post(f"{detail}/confirm", form_page=detail)
    assert ledger.balance(savings_account(helper)).posted == 60


def test_care_form_refuses_bad_input_and_holds_nothing(client, auth, team, create_user):
    daughter = create_user(email="d2@example.org")
    db.session.add(Membership(organisation_id=team.org.id, user_id=daughter.id, role="member"))
    db.session.commit()
    auth.login("d2@example.org")
    response = auth.post("/timebank/care/new", {
        "organisation_id": str(team.org.id), "recipient_name": "", "service": "meal_delivery", "district_id": "1",
        "scheduled_at": local(now_utc() + timedelta(days=1)), "minutes": "60"}, form_page="/timebank/care/new")
    assert response.status_code == 422
    response = auth.post("/timebank/care/new", {  # no saved hours
        "organisation_id": str(team.org.id), "recipient_name": "王阿姨", "service": "meal_delivery",
        "district_id": "1", "scheduled_at": local(now_utc() + timedelta(days=1)), "minutes": "60"},
        form_page="/timebank/care/new")
    assert response.status_code == 422 and "not enough" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(CareRequest.id))) == 0


def test_giving_to_the_pool(client, auth, team, create_user):
    giver = create_user(email="g@example.org")
    fund(giver, 100)
    auth.login("g@example.org")
    path = f"/timebank/orgs/{team.org.id}/pool"
    auth.post(path, {"minutes": "40", "key": "once"}, form_page=path)
    auth.post(path, {"minutes": "40", "key": "once"}, form_page=path)  # sent twice, given once
    assert 'data-figure="pool">40 min<' in client.get(path).get_data(as_text=True)
