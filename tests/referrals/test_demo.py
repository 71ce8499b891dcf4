"""The demo's referral world: seeds once without error, shows all three lights, and its officer logs in."""
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.referrals.lights import light_of as care_light
from marketplace.referrals.models import DistrictOfficer, HouseholdCare, Referral, Visit


def test_the_demo_seeds_households_of_every_category_in_every_light_and_referral_state(runner):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "officer@demo.example.org" in first.output
    cared = db.session.scalars(select(HouseholdCare)).all()
    assert {c.category for care in cared for c in care.categories} >= {
        "subsistence", "near_subsistence", "extreme_poverty", "expenditure_hardship", "elderly_alone",
        "severe_disability", "unsupported_child"}
    assert {care_light(care) for care in cared} == {"red", "yellow", "green"}
    assert set(db.session.scalars(select(Referral.status))) == {
        "new", "dispatched", "accepted", "done", "closed", "cancelled"}
    assert db.session.scalar(select(func.count()).select_from(Visit)) > 20
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (HouseholdCare, Referral, Visit)]
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert counts == [db.session.scalar(select(func.count()).select_from(m)) for m in (HouseholdCare, Referral, Visit)]


def test_the_demo_officer_logs_in_and_finds_the_referrals_pages(runner, client, auth):
    runner.invoke(args=["seed", "demo"])
    from marketplace.auth.demo import DEMO_PASSWORD

    officer = db.session.scalar(select(User).where(User.email == "officer@demo.example.org"))
    assert db.session.scalar(select(DistrictOfficer.district_id).where(DistrictOfficer.user_id == officer.id))
    assert auth.login(officer.email, DEMO_PASSWORD).status_code == 302
    assert 'href="/referrals/"' in client.get("/").get_data(as_text=True)
    index = client.get("/referrals/")
    assert index.status_code == 200
    page = index.get_data(as_text=True)
    if "referrals.board" in client.application.view_functions:  # the board arrives with its own part
        assert "/referrals/board" in page
    assert 'data-section="supervised"' in page
    assert auth.login("socialworker@demo.example.org", DEMO_PASSWORD).status_code == 302
    assert "/referrals/worklist" in client.get("/me").get_data(as_text=True)
