"""Policy finds the person (政策找人): eligible by category and facts; marking through the machine."""
import pytest
from sqlalchemy import func, select

from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.states import IllegalMove
from marketplace.referrals import households, policy
from marketplace.referrals.models import AssistanceItem, PolicyCheck


@pytest.fixture
def rent(care):
    """A policy item for subsistence households with no income (the family is out of work: not eligible)."""
    item = AssistanceItem(code="rent-help", kind="policy", need_kind="housing", name_zh="租房补贴", name_en="Rent help",
                          categories=["subsistence"], required_facts=["no_income"])
    db.session.add(item)
    db.session.commit()
    return item


def test_eligible_by_category_and_recorded_facts(care, rent):
    assert policy.eligible(care.home) == [care.policy]  # elderly alone, aged 80+
    assert policy.eligible(care.family) == []  # subsistence, but no "no income" fact
    households.enrol(care.station.worker, care.family.beneficiary_id, categories=["subsistence"],
                     community_id=care.west.id, facts=["unemployed", "no_income"])
    assert policy.eligible(care.family) == [rent]
    rent.is_active = False
    assert policy.eligible(care.family) == []


def test_an_item_for_every_category_fits_whoever_has_its_facts(care):
    item = AssistanceItem(code="elder-card", kind="policy", need_kind="living", name_zh="敬老卡", name_en="Elder card",
                          categories=[], required_facts=["aged_80_plus"])
    db.session.add(item)
    db.session.commit()
    assert item in policy.eligible(care.home) and item not in policy.eligible(care.family)


def test_marking_moves_through_applied_received_and_not_eligible_with_a_reason(care):
    worker, home = care.station.worker, care.home.beneficiary_id
    check = policy.mark(worker, home, care.policy.id, "applied")
    assert (check.status, check.decided_by_id) == ("applied", worker.id)
    assert policy.mark(worker, home, care.policy.id, "applied").id == check.id  # a second click: nothing new
    with pytest.raises(InvalidInput) as error:
        policy.mark(worker, home, care.policy.id, "not_eligible", " ")
    assert set(error.value.fields) == {"reason"}
    policy.mark(worker, home, care.policy.id, "not_eligible", "已在领取其他津贴")
    assert (check.status, check.reason) == ("not_eligible", "已在领取其他津贴")
    with pytest.raises(IllegalMove):
        policy.mark(worker, home, care.policy.id, "received")  # not eligible → received is not a move
    assert db.session.scalar(select(func.count()).select_from(PolicyCheck)) == 1


def test_the_worklist_shows_open_items_of_the_workers_households(care):
    rows = policy.worklist(care.station.worker)
    assert [(r.care.beneficiary_id, r.item.code, r.status) for r in rows] == [
        (care.home.beneficiary_id, care.policy.code, None)]
    policy.mark(care.station.worker, care.home.beneficiary_id, care.policy.id, "applied")
    assert [r.status for r in policy.worklist(care.station.worker)] == ["applied"]
    policy.mark(care.station.worker, care.home.beneficiary_id, care.policy.id, "received")
    assert policy.worklist(care.station.worker) == []
    assert policy.worklist(care.charity_staff) == []


def test_only_the_households_managers_mark_and_only_items_it_may_be_eligible_for(care, rent):
    with pytest.raises(NotFound):
        policy.mark(care.volunteer, care.home.beneficiary_id, care.policy.id, "applied")  # a visitor reads only
    with pytest.raises(NotFound):
        policy.mark(care.station.worker, care.family.beneficiary_id, rent.id, "applied")  # not eligible
    with pytest.raises(NotFound):
        policy.mark(care.station.worker, care.home.beneficiary_id, care.meals.id, "applied")  # not a policy
    with pytest.raises(InvalidInput):
        policy.mark(care.station.worker, care.home.beneficiary_id, care.policy.id, "granted")


def test_the_worklist_page_marks_and_refuses_a_missing_reason(client, auth, care):
    auth.login(care.station.worker.email)
    page = client.get("/referrals/worklist").get_data(as_text=True)
    assert care.home.beneficiary.pseudonym in page and "Old-age allowance" in page
    path = f"/referrals/households/{care.home.beneficiary_id}/policy/{care.policy.id}?to=worklist"
    response = auth.post(path, {"status": "not_eligible", "reason": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/referrals/worklist")
    assert db.session.scalar(select(PolicyCheck)) is None
    assert auth.post(path, {"status": "received"}).status_code == 302
    assert "Old-age allowance" not in client.get("/referrals/worklist").get_data(as_text=True)


def test_people_with_no_households_have_no_worklist(client, auth, care):
    auth.login(care.helper_staff.email)
    assert client.get("/referrals/worklist").status_code == 403
