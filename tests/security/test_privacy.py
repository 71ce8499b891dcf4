"""A household's identity: staff see its ID number masked unless their role needs the whole (the social
worker who verified it, the organisation's admins), who must ask for it each time, every time audit-logged;
a pseudonym that shows the real name is refused, on the page, in the API and in the service alike."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.wishes import beneficiaries
from marketplace.wishes.models import Beneficiary

ID_NUMBER = "44010619800101123X"
MASKED = "************123X"


@pytest.fixture
def home(create_user, create_org):
    """A household of a station: registered by .writer (staff), verified by .verifier (staff); .admin runs the
    station and .staff is another member of its staff."""
    writer, verifier, admin, staff = create_user(), create_user(), create_user(), create_user()
    org = create_org("social_work_station", {writer: "staff", verifier: "staff", admin: "admin", staff: "staff"})
    household = beneficiaries.register_beneficiary(
        writer, org, pseudonym="青禾12", district_id=1, category="elderly_alone", age_band="80+", full_name="王秀英",
        id_number=ID_NUMBER, consent_on=date(2026, 1, 5), consent_scope="发布微心愿")
    beneficiaries.verify_beneficiary(verifier, household.id)

    class Home:
        pass

    h = Home()
    h.id, h.org, h.writer, h.verifier, h.admin, h.staff = household.id, org, writer, verifier, admin, staff
    return h


def reveals() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "beneficiary.id_number_revealed"))


def test_staff_see_the_number_masked_on_the_page_the_form_and_in_the_api(client, auth, home, headers):
    auth.login(home.staff.email)
    page = client.get(f"/wishes/households/{home.id}").get_data(as_text=True)
    assert MASKED in page and ID_NUMBER not in page and "Show the whole number" not in page
    form = client.get(f"/wishes/households/{home.id}/edit").get_data(as_text=True)
    assert ID_NUMBER not in form and MASKED in form
    body = client.get(f"/api/v1/beneficiaries/{home.id}", headers=headers(home.staff)).get_data(as_text=True)
    assert MASKED in body and ID_NUMBER not in body
    listed = client.get(f"/api/v1/orgs/{home.org.id}/beneficiaries", headers=headers(home.staff))
    assert ID_NUMBER not in listed.get_data(as_text=True)


def test_the_verifier_sees_the_whole_number_only_by_asking_and_each_time_is_logged(client, auth, home):
    auth.login(home.verifier.email)
    path = f"/wishes/households/{home.id}"
    page = client.get(path).get_data(as_text=True)
    assert MASKED in page and ID_NUMBER not in page and "Show the whole number" in page
    forged = client.post(f"{path}/id-number")  # from another site: no CSRF token
    assert forged.status_code == 400 and ID_NUMBER not in forged.get_data(as_text=True) and reveals() == 0
    for times in (1, 2):
        shown = auth.post(f"{path}/id-number", form_page=path)
        assert shown.status_code == 200 and ID_NUMBER in shown.get_data(as_text=True)
        assert shown.headers["Cache-Control"] == "no-store"
        assert reveals() == times
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "beneficiary.id_number_revealed")).first()
    assert (event.actor_id, event.subject_type, event.subject_id) == (home.verifier.id, "Beneficiary", home.id)


def test_other_staff_cannot_ask_for_the_whole_number(client, auth, home, headers):
    auth.login(home.staff.email)
    path = f"/wishes/households/{home.id}"
    refused = auth.post(f"{path}/id-number", form_page=path)
    assert refused.status_code == 404 and ID_NUMBER not in refused.get_data(as_text=True)
    api = client.post(f"/api/v1/beneficiaries/{home.id}/id-number", headers=headers(home.staff))
    assert api.status_code == 404 and ID_NUMBER not in api.get_data(as_text=True)
    assert reveals() == 0


def test_a_platform_admin_without_a_role_there_sees_the_number_masked_only(client, home, headers, create_user):
    platform_admin = create_user(admin=True)
    body = client.get(f"/api/v1/beneficiaries/{home.id}", headers=headers(platform_admin)).get_data(as_text=True)
    assert MASKED in body and ID_NUMBER not in body  # running the platform, they may open the household
    asked = client.post(f"/api/v1/beneficiaries/{home.id}/id-number", headers=headers(platform_admin))
    assert asked.status_code == 404 and ID_NUMBER not in asked.get_data(as_text=True) and reveals() == 0


def test_the_org_admin_asks_through_the_api_and_it_is_logged(client, home, headers):
    shown = client.post(f"/api/v1/beneficiaries/{home.id}/id-number", headers=headers(home.admin))
    assert shown.status_code == 200 and shown.get_json() == {"id_number": ID_NUMBER}
    assert reveals() == 1


def test_saving_a_correction_keeps_the_number_it_did_not_show(client, auth, home, headers):
    auth.login(home.staff.email)
    path = f"/wishes/households/{home.id}/edit"
    saved = auth.post(path, {"pseudonym": "青禾12", "district_id": "1", "category": "elderly_alone", "age_band": "80+",
                             "full_name": "王秀英", "phone": "", "id_number": "", "address": "新地址",
                             "notes": "", "consent_on": "2026-01-05", "consent_scope": "发布微心愿"}, form_page=path)
    assert saved.status_code == 302
    patched = client.patch(f"/api/v1/beneficiaries/{home.id}", json={"id_number": MASKED, "phone": "13800138000"},
                           headers=headers(home.staff))
    assert patched.status_code == 200
    household = db.session.get(Beneficiary, home.id)
    assert (household.id_number, household.address, household.phone) == (ID_NUMBER, "新地址", "13800138000")


@pytest.mark.parametrize("pseudonym", ["王秀英", "王秀英家", "秀英", "秀英阿婆", " 王 秀英 "])
def test_a_pseudonym_showing_the_real_name_is_refused_by_the_service(home, pseudonym):
    with pytest.raises(InvalidInput) as refused:
        beneficiaries.register_beneficiary(
            home.writer, home.org, pseudonym=pseudonym, district_id=1, category="elderly_alone", age_band="80+",
            full_name="王秀英", consent_on=date(2026, 1, 5), consent_scope="发布微心愿")
    assert set(refused.value.fields) == {"pseudonym"}
    with pytest.raises(InvalidInput):
        beneficiaries.update_beneficiary(home.writer, home.id, pseudonym=pseudonym)
    assert db.session.scalar(select(func.count(Beneficiary.id))) == 1


def test_a_pseudonym_showing_the_real_name_is_refused_on_the_page_and_in_the_api(client, auth, home, headers):
    auth.login(home.writer.email)
    path = f"/wishes/orgs/{home.org.id}/households/new"
    page = auth.post(path, {"pseudonym": "李建国", "district_id": "1", "category": "disability", "age_band": "60-79",
                            "full_name": "李建国", "address": "天河路1号", "consent_on": "2026-01-05",
                            "consent_scope": "发布"}, form_page=path)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "must not show the household" in text and "天河路1号" in text
    api = client.post(f"/api/v1/orgs/{home.org.id}/beneficiaries", headers=headers(home.writer), json={
        "pseudonym": "Mr Smith", "full_name": "John Smith", "district_id": 1, "category": "disability",
        "age_band": "60-79", "consent_on": "2026-01-05", "consent_scope": "发布"})
    assert api.status_code == 422 and "pseudonym" in api.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Beneficiary.id))) == 1


def test_a_suggested_pseudonym_never_shows_the_name(home, client, headers):
    for _ in range(5):
        made = client.post(f"/api/v1/orgs/{home.org.id}/beneficiaries", headers=headers(home.writer), json={
            "full_name": "李明月", "district_id": 1, "category": "disability", "age_band": "60-79",
            "consent_on": "2026-01-05", "consent_scope": "发布"})
        assert made.status_code == 201 and "明月" not in made.get_json()["pseudonym"]
