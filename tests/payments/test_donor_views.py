"""The donor's giving page and the receipt download: the donor sees their own gifts and receipts
and the thanks for what they helped; only they and the organisation's staff fetch a receipt."""
import io

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.payments import offline
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.wishes.models import Listing
from tests.files import PDF as REAL_PDF
from tests.wishes.conftest import create_household, create_listing, station  # noqa: F401  (fixtures)

SLIP = REAL_PDF  # uploads are parsed: a real one-page PDF


@pytest.fixture
def charity(create_user, create_org):
    staff = create_user()
    donor = create_user(email="donor@example.org", display_name="陈大文")
    org = create_org("charity", {staff: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    fund = funds.create_fund(staff, org, kind="general", name_zh="综合基金", name_en="General Fund")
    return {"org": org, "fund": fund, "staff": staff, "donor": donor}


def _slip():
    return FileStorage(stream=io.BytesIO(SLIP), filename="slip.pdf")


def gift(c, email="donor@example.org", amount_fen=88_800):
    return offline.record_gift(c["staff"], c["org"], fund_id=c["fund"].id, method="bank", amount_fen=amount_fen,
                               received_on=local_today(), payer_email=email, evidence=_slip())


def test_the_giving_page_lists_my_gifts_with_status_and_receipt(client, auth, charity, create_user):
    mine = gift(charity)
    waiting = Donation(fund_id=charity["fund"].id, donor_id=charity["donor"].id, amount_fen=5_000, provider="demo")
    someone = create_user(email="other@example.org")
    theirs = gift(charity, email=someone.email, amount_fen=77_700)
    db.session.add(waiting)
    db.session.commit()
    auth.login(charity["donor"].email)
    page = client.get("/payments/my").get_data(as_text=True)
    assert "General Fund" in page and "¥888.00" in page and "¥50.00" in page
    assert f"/payments/donations/{mine.public_code}/receipt.pdf" in page and mine.receipt_no in page
    assert "Awaiting confirmation" in page and "Received" in page
    assert theirs.receipt_no not in page and "¥777.00" not in page
    assert "/wishes/my" in page


def test_the_page_shows_the_latest_thanks_for_what_i_paid_for(client, auth, charity, station,  # noqa: F811
                                                              create_listing):  # noqa: F811
    listing = create_listing(kind="household_need")
    fund = funds.restricted_fund_for(listing)
    db.session.commit()
    station_gift = offline.record_gift(
        station.worker, station.org, fund_id=fund.id, method="bank", amount_fen=10_000, received_on=local_today(),
        payer_email=charity["donor"].email, evidence=_slip())
    assert station_gift.listing_id == listing.id
    db.session.get(Listing, listing.id).thanks_note, db.session.get(Listing, listing.id).thanks_at = (
        "谢谢你们帮我们修好了屋顶", now_utc())
    db.session.commit()
    auth.login(charity["donor"].email)
    page = client.get("/payments/my").get_data(as_text=True)
    assert "谢谢你们帮我们修好了屋顶" in page and listing.title in page


def test_visitors_must_log_in(client):
    response = client.get("/payments/my")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_the_donor_and_staff_download_the_receipt(client, auth, charity):
    donation = gift(charity)
    url = f"/payments/donations/{donation.public_code}/receipt.pdf"
    for who in (charity["donor"], charity["staff"]):
        auth.login(who.email)
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"] == f"attachment; filename=receipt-{donation.receipt_no}.pdf"
        text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
        assert donation.receipt_no in text and "综合基金" in text
        auth.logout()


def test_nobody_else_gets_a_receipt(client, auth, charity, create_user, create_org):
    donation = gift(charity)
    url = f"/payments/donations/{donation.public_code}/receipt.pdf"
    assert client.get(url).status_code == 302  # to the login page
    other_staff = create_user()
    create_org("charity", {other_staff: "staff"})
    for who in (create_user(), other_staff):
        auth.login(who.email)
        assert client.get(url).status_code == 404
        auth.logout()


def test_a_gift_without_a_receipt_or_an_unknown_code_is_404(client, auth, charity):
    waiting = Donation(fund_id=charity["fund"].id, donor_id=charity["donor"].id, amount_fen=5_000, provider="demo")
    db.session.add(waiting)
    db.session.commit()
    auth.login(charity["donor"].email)
    for code in (waiting.public_code, "NOPE", "%00", "x" * 300):
        assert client.get(f"/payments/donations/{code}/receipt.pdf").status_code == 404


def test_the_menu_leads_a_signed_in_donor_to_their_giving(client, auth, create_user):
    assert 'href="/payments/my"' not in client.get("/").text
    create_user(email="giver@example.org")
    auth.login("giver@example.org")
    assert 'href="/payments/my"' in client.get("/").text
