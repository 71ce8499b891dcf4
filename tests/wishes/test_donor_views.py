"""Donor pages: claim a wish, pledge to a need, release, withdraw, and see the thanks."""
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.wishes import claims, pledges, service
from marketplace.wishes.models import Listing, Pledge, WishClaim


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def test_a_claim_from_the_page_wins_and_the_next_claimant_is_told_it_is_taken(client, auth, station,
                                                                              create_user, create_listing):
    wish = create_listing()
    path = f"/wishes/{wish.public_code}"
    auth.login(station.donor.email)
    assert "Claim this wish" in client.get(path).get_data(as_text=True)
    response = auth.post(f"{path}/claim", {"method": "in_kind", "organisation_id": ""}, form_page=path)
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    claim = db.session.scalar(select(WishClaim))
    assert claim.claimant_id == station.donor.id and db.session.get(Listing, wish.id).status == "claimed"
    page = client.get(path).get_data(as_text=True)
    assert "You claimed this wish" in page and "Release my claim" in page
    auth.logout()
    auth.login(create_user().email)
    response = auth.post(f"{path}/claim", {"method": "in_kind"}, form_page=path)
    assert response.status_code == 409
    assert "Someone else has just claimed this wish" in response.get_data(as_text=True)
    assert count(WishClaim) == 1


def test_a_claim_by_money_offers_to_pay_the_wishs_value(client, auth, station, create_listing):
    wish = create_listing()
    path = f"/wishes/{wish.public_code}"
    auth.login(station.donor.email)
    page = client.get(path).get_data(as_text=True)
    assert 'value="money"' in page and "disabled" not in page
    response = auth.post(f"{path}/claim", {"method": "money"}, form_page=path)
    assert response.status_code == 302 and count(WishClaim) == 1
    page = client.get(path).get_data(as_text=True)
    assert f"/payments/give/wish/{wish.public_code}" in page and "¥200" in page


def test_a_firm_member_claims_for_the_firm_but_not_for_another_organisation(client, auth, station, create_listing):
    wish = create_listing()
    path = f"/wishes/{wish.public_code}"
    auth.login(station.firm_member.email)
    assert "Kind Firm" in client.get(path).get_data(as_text=True)
    response = auth.post(f"{path}/claim", {"method": "in_kind", "organisation_id": str(station.org.id)},
                         form_page=path)
    assert response.status_code == 422 and count(WishClaim) == 0
    auth.post(f"{path}/claim", {"method": "in_kind", "organisation_id": str(station.firm.id)}, form_page=path)
    assert db.session.scalar(select(WishClaim)).organisation_id == station.firm.id


def test_staff_cannot_claim_their_own_organisations_wish(client, auth, station, create_listing):
    wish = create_listing()
    path = f"/wishes/{wish.public_code}"
    auth.login(station.worker.email)
    assert "Claim this wish" not in client.get(path).get_data(as_text=True)
    response = auth.post(f"{path}/claim", {"method": "in_kind"}, form_page=path)
    assert response.status_code == 409 and count(WishClaim) == 0


def test_anonymous_visitors_are_sent_to_log_in(client, create_listing):
    wish = create_listing()
    response = client.post(f"/wishes/{wish.public_code}/claim", data={"method": "in_kind"})
    assert response.status_code in (302, 400)  # the log-in page, or a missing CSRF token
    assert client.get("/wishes/my").status_code == 302
    assert count(WishClaim) == 0


def test_a_pledge_in_yuan_is_recorded_in_fen(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    path = f"/wishes/{need.public_code}"
    auth.login(station.donor.email)
    response = auth.post(f"{path}/pledge", {"amount": "1,234.50"}, form_page=path)
    assert response.status_code == 302
    made = db.session.scalar(select(Pledge))
    assert made.amount_fen == 123_450 and made.source == "donor" and made.pledger_id == station.donor.id
    assert "¥1,234.50" in client.get(path).get_data(as_text=True)


def test_a_pledge_over_what_is_left_is_refused_and_nothing_is_written(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.firm_member, 900_000)
    path = f"/wishes/{need.public_code}"
    auth.login(station.donor.email)
    response = auth.post(f"{path}/pledge", {"amount": "1000.01"}, form_page=path)
    assert response.status_code == 409
    assert "Only ¥1,000.00 is still needed" in response.get_data(as_text=True)
    assert count(Pledge) == 1 and db.session.get(Listing, need.id).pledged_fen == 900_000


def test_bad_pledge_amounts_show_field_messages(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    path = f"/wishes/{need.public_code}"
    auth.login(station.donor.email)
    for amount in ["", "abc", "-5", "1.234", "0.5", "9" * 30]:
        response = auth.post(f"{path}/pledge", {"amount": amount}, form_page=path)
        assert response.status_code == 422, amount
        assert 'class="field-error"' in response.get_data(as_text=True)
    assert count(Pledge) == 0


def test_staff_record_the_governments_share_as_money_received(client, auth, station, create_listing):
    from marketplace.payments.models import Donation

    need = create_listing(kind="household_need")
    staff_page = f"/wishes/listings/{need.id}"
    auth.login(station.worker.email)
    assert "data-share-form" in client.get(staff_page).get_data(as_text=True)
    assert auth.post(f"{staff_page}/shares", {"source": "government", "amount": "4000",
                                              "received_on": "2026-01-05"}, form_page=staff_page).status_code == 302
    share = db.session.scalar(select(Donation))
    assert (share.source, share.amount_fen, share.status, share.donor_id) == ("government", 400_000, "completed", None)
    assert db.session.scalar(select(Pledge)) is None
    assert "Government subsidy" in client.get(f"/wishes/{need.public_code}").get_data(as_text=True)


def test_a_wish_takes_no_pledge_and_a_need_no_claim(client, auth, station, create_listing):
    wish, need = create_listing(), create_listing(kind="household_need")
    auth.login(station.donor.email)
    assert auth.post(f"/wishes/{wish.public_code}/pledge", {"amount": "10"}).status_code == 409
    assert auth.post(f"/wishes/{need.public_code}/claim", {"method": "in_kind"}).status_code == 409
    assert count(Pledge) == 0 and count(WishClaim) == 0


def test_the_claimant_releases_a_claim_and_nobody_else_can(client, auth, station, create_user, create_listing):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    path = f"/wishes/claims/{claim.id}/release"
    auth.login(create_user().email)
    assert auth.post(path, form_page="/wishes/my").status_code == 404
    assert db.session.get(WishClaim, claim.id).status == "active"
    auth.logout()
    auth.login(station.donor.email)
    assert "Release" in client.get("/wishes/my").get_data(as_text=True)
    response = auth.post(path, form_page="/wishes/my")
    assert response.status_code == 302 and response.headers["Location"].endswith("/wishes/my")
    assert db.session.get(WishClaim, claim.id).status == "released"
    assert db.session.get(Listing, wish.id).status == "published"
    auth.post(path, form_page="/wishes/my")
    assert "This claim has already ended." in client.get("/wishes/my").get_data(as_text=True)


def test_the_pledger_withdraws_a_pledge_and_nobody_else_can(client, auth, station, create_user, create_listing):
    need = create_listing(kind="household_need")
    made = pledges.pledge(need.id, station.donor, 1_000_000)
    path = f"/wishes/pledges/{made.id}/withdraw"
    auth.login(create_user().email)
    assert auth.post(path, form_page="/wishes/my").status_code == 404
    auth.logout()
    auth.login(station.donor.email)
    page = client.get("/wishes/my").get_data(as_text=True)
    assert "¥10,000.00" in page and "Withdraw" in page
    assert auth.post(path, form_page="/wishes/my").status_code == 302
    assert db.session.get(Pledge, made.id).status == "withdrawn"
    listing = db.session.get(Listing, need.id)
    assert listing.pledged_fen == 0 and listing.status == "published"


def test_the_donor_sees_that_the_wish_came_true_and_the_thanks(client, auth, station, create_user, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    service.confirm_delivery(station.worker, wish.id)
    service.write_thanks(station.worker, wish.id, "谢谢您送来的棉被，奶奶今年冬天很暖和")
    auth.login(station.donor.email)
    page = client.get("/wishes/my").get_data(as_text=True)
    assert "Your wish came true." in page and "奶奶今年冬天很暖和" in page
    assert "奶奶今年冬天很暖和" in client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    auth.logout()
    auth.login(create_user().email)
    assert "奶奶今年冬天很暖和" not in client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)


def test_pledgers_see_the_thanks_once_the_need_is_met(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 1_000_000)
    service.confirm_delivery(station.worker, need.id)
    service.write_thanks(station.worker, need.id, "屋顶不漏雨了")
    auth.login(station.donor.email)
    page = client.get("/wishes/my").get_data(as_text=True)
    assert "屋顶不漏雨了" in page and "Withdraw" not in page


def test_an_empty_donor_page(client, auth, create_user):
    auth.login(create_user().email)
    page = client.get("/wishes/my").get_data(as_text=True)
    assert "You have not claimed a wish yet." in page and "You have not pledged to a need yet." in page
