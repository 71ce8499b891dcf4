"""A household that moves takes its care record with it; a board whose households lack a community still shows."""
from marketplace.orgs.models import District
from marketplace.platform.extensions import db
from marketplace.wishes import beneficiaries


def test_a_household_moving_district_leaves_its_community_and_its_old_officer(care):
    other = District(code="other", name_zh="别区", name_en="Elsewhere", sort_order=9)
    db.session.add(other)
    db.session.commit()
    beneficiaries.update_beneficiary(care.station.worker, care.home.beneficiary_id, district_id=other.id)
    db.session.refresh(care.home)
    assert (care.home.district_id, care.home.community_id) == (other.id, None)


def test_the_board_counts_households_without_a_community_last(care, client, auth):
    care.family.community_id = None
    db.session.commit()
    auth.login(care.officer.email)
    page = client.get("/referrals/board")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index(f'data-community="{care.east.id}"') < html.index('data-community=""')
