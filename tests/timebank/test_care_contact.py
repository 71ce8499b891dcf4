"""Where to go and whom to call: the matched volunteer sees a care request's address and contact until the
care is given (or cancelled, or handed back); other volunteers, the public and the API for others never do."""
import pytest
from sqlalchemy import select

from marketplace.orgs.models import Membership
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from marketplace.timebank.care import service as care
from marketplace.timebank.care.models import CareRequest
from tests.api.conftest import bearer
from tests.timebank.test_care import ask, fund
from tests.timebank.test_care_api import create_token

ADDRESS, PHONE = "天河区龙口西路88号3栋502", "13912340987"


@pytest.fixture
def people(create_user):
    daughter, helper, other = (create_user(email=f"{n}@example.org") for n in ("daughter", "helper", "other"))
    fund(daughter, 600)
    return daughter, helper, other


def _shown(client, auth, user, care_id) -> str:
    auth.login(user.email)
    page = client.get(f"/timebank/care/{care_id}")
    api = client.get(f"/api/v1/care/{care_id}", headers=bearer(create_token(user, "read")))
    auth.logout()
    text = page.get_data(as_text=True) if page.status_code == 200 else ""
    return text + (api.get_data(as_text=True) if api.status_code == 200 else "")


def _sees(client, auth, user, care_id) -> bool:
    shown = _shown(client, auth, user, care_id)
    assert (ADDRESS in shown) == (PHONE in shown)
    return ADDRESS in shown


def test_the_matched_volunteer_sees_the_address_until_the_care_is_given(client, auth, team, people):
    daughter, helper, other = people
    request = ask(daughter, team, address=ADDRESS, contact=PHONE)
    db.session.commit()
    assert _sees(client, auth, daughter, request.id) and _sees(client, auth, team.coordinator, request.id)
    assert not _sees(client, auth, helper, request.id)  # open: any volunteer may look, nobody sees where
    care.accept(request.id, helper)
    assert _sees(client, auth, helper, request.id)
    assert not _sees(client, auth, other, request.id)
    care.confirm(request.id, daughter)
    assert not _sees(client, auth, helper, request.id)
    assert _sees(client, auth, daughter, request.id)


@pytest.mark.parametrize("ending", ["cancel", "dispute", "release"])
def test_the_volunteer_loses_the_address_when_the_task_ends_otherwise(client, auth, team, people, ending):
    daughter, helper, _other = people
    request = ask(daughter, team, address=ADDRESS, contact=PHONE)
    care.accept(request.id, helper)
    {"cancel": lambda: care.cancel(request.id, daughter), "dispute": lambda: care.dispute(request.id, daughter, "迟到"),
     "release": lambda: care.release(request.id, helper)}[ending]()
    assert not _sees(client, auth, helper, request.id)


def test_a_handed_back_request_is_open_for_another_volunteer(client, auth, team, people):
    daughter, helper, other = people
    request = ask(daughter, team, address=ADDRESS, contact=PHONE)
    with pytest.raises(Conflict):
        care.release(request.id, helper)  # not theirs to hand back
    care.accept(request.id, helper)
    with pytest.raises(NotFound):  # a request taken by someone else is not theirs to see
        care.release(request.id, other)
    auth.login(helper.email)
    detail = f"/timebank/care/{request.id}"
    assert "I cannot come" in client.get(detail).get_data(as_text=True)
    auth.post(f"{detail}/release", form_page=detail)
    auth.logout()
    item = db.session.scalar(select(CareRequest).execution_options(populate_existing=True))
    assert item.status == "open" and item.provider_id is None
    care.accept(request.id, other)
    assert _sees(client, auth, other, request.id) and not _sees(client, auth, helper, request.id)


def test_the_care_form_and_api_take_the_address_and_contact(client, auth, team, people):
    daughter, helper, _other = people
    db.session.add(Membership(organisation_id=team.org.id, user_id=daughter.id, role="member"))
    db.session.commit()
    auth.login(daughter.email)
    form = client.get("/timebank/care/new").get_data(as_text=True)
    assert 'name="address"' in form and 'name="contact"' in form
    too_long = auth.post("/timebank/care/new", {
        "organisation_id": str(team.org.id), "recipient_name": "王阿姨", "service": "home_visit",
        "district_id": "1", "scheduled_at": "2031-01-01T09:00", "minutes": "60", "address": ADDRESS,
        "contact": "1" * 101}, form_page="/timebank/care/new")
    assert too_long.status_code == 422 and ADDRESS in too_long.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(CareRequest.id))) == 0
    auth.logout()
    made = client.post("/api/v1/care", headers=bearer(create_token(daughter, "write")), json={
        "organisation_id": team.org.id, "recipient_name": "王阿姨", "service": "home_visit", "district_id": 1,
        "scheduled_at": "2031-01-01T09:00", "minutes": 60, "idempotency_key": "c1", "address": ADDRESS,
        "contact": PHONE}).get_json()
    assert made["address"] == ADDRESS and made["contact"] == PHONE
    listed = client.get("/api/v1/care", headers=bearer(create_token(helper, "read"))).get_data(as_text=True)
    assert ADDRESS not in listed and PHONE not in listed
    assert ADDRESS not in client.get("/timebank/care").get_data(as_text=True)  # logged out: no page at all
