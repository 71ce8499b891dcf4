"""Fund pages over HTTP: the public account, the staff pages and forms, the files, and no private data in public."""
import io

from sqlalchemy import select

from marketplace.funds import disbursements
from marketplace.funds.models import Disbursement, Fund
from marketplace.platform.extensions import db
from tests.funds.conftest import PDF, image_bytes


def pay(station, fund, upload, amount_fen=10_000, **fields):
    values = dict(payee="天河五金店", purpose="棉被两床", amount_fen=amount_fen, evidence_file=upload())
    values.update(fields)
    return disbursements.request_disbursement(station.worker, fund, **values)


def test_the_public_fund_page_shows_totals_and_payments_but_nothing_private(client, station, restricted_fund,
                                                                            upload):
    paid = pay(station, restricted_fund, upload, 20_000, listing_id=restricted_fund.listing_id)
    disbursements.publish_receipt(station.worker, paid.id, upload("png"))
    page = client.get(f"/funds/{restricted_fund.public_code}").get_data(as_text=True)
    assert "¥5,000.00" in page and "¥200.00" in page and "¥4,800.00" in page
    assert "天河五金店" in page and "修补漏雨的屋顶" in page
    assert f"/funds/receipts/{paid.public_code}" in page
    for private in ("PRIVATE-FILENAME", station.worker.email, paid.evidence_path, "PRIVATE-NAME", "13800138000"):
        assert private not in page
    receipt = client.get(f"/funds/receipts/{paid.public_code}")
    assert receipt.status_code == 200 and receipt.mimetype == "image/jpeg"


def test_the_organisations_funds_are_listed_in_public(client, station, create_fund):
    fund = create_fund(12_300)
    page = client.get(f"/funds/orgs/{station.org.id}").get_data(as_text=True)
    assert fund.name_en in page and "¥123.00" in page and "Open a fund" not in page
    assert f"/funds/orgs/{station.org.id}" in client.get(f"/orgs/{station.org.id}").get_data(as_text=True)
    assert client.get("/funds/orgs/999999").status_code == 404
    assert client.get("/funds/NOSUCHCODE").status_code == 404


def test_staff_open_a_fund_and_others_cannot(client, auth, station):
    auth.login(station.donor.email)
    assert client.get(f"/funds/orgs/{station.org.id}/new").status_code == 404
    auth.logout()
    auth.login(station.worker.email)
    form = f"/funds/orgs/{station.org.id}/new"
    refused = auth.post(form, {"kind": "named", "name_zh": "冠名基金", "name_en": "Named"}, form_page=form)
    assert refused.status_code == 422 and "Name the donor or firm" in refused.get_data(as_text=True)
    done = auth.post(form, {"kind": "named", "name_zh": "冠名基金", "name_en": "Named", "named_after": "陈先生",
                            "purpose": "助学"}, form_page=form)
    fund = db.session.scalar(select(Fund).where(Fund.name_en == "Named"))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/funds/{fund.public_code}")


def test_staff_request_a_payment_in_yuan_with_a_receipt(client, auth, station, create_fund):
    fund = create_fund(200_000)
    auth.login(station.worker.email)
    form = f"/funds/{fund.public_code}/disbursements/new"
    assert client.get(form).status_code == 200
    done = auth.post(form, {"payee": "五金店", "purpose": "修门", "amount": "150.50", "listing_id": "",
                            "evidence": (io.BytesIO(PDF), "invoice.pdf")}, form_page=form)
    found = db.session.scalar(select(Disbursement))
    assert done.status_code == 302 and found.amount_fen == 15_050 and found.status == "paid"
    bad = auth.post(form, {"payee": "五金店", "purpose": "修门", "amount": "150",
                           "evidence": (io.BytesIO(b"hello"), "invoice.jpg")}, form_page=form)
    assert bad.status_code == 422 and "Only JPEG or PNG photos and PDF files" in bad.get_data(as_text=True)
    short = auth.post(form, {"payee": "五金店", "purpose": "修门", "amount": "1900",
                             "evidence": (io.BytesIO(PDF), "invoice.pdf")}, form_page=form)
    assert short.status_code == 422 and "never goes below zero" in short.get_data(as_text=True)
    assert db.session.scalar(select(Disbursement).where(Disbursement.amount_fen == 190_000)) is None


def test_the_second_staff_member_approves_on_the_page(client, auth, station, create_fund, upload):
    fund = create_fund(500_000)
    waiting = pay(station, fund, upload, 300_000)
    page = f"/funds/disbursements/{waiting.id}"
    auth.login(station.worker.email)
    assert "Another staff member must approve" in client.get(page).get_data(as_text=True)
    auth.post(f"{page}/approve", form_page=page)
    assert db.session.get(Disbursement, waiting.id).status == "requested"
    auth.logout()
    auth.login(station.checker.email)
    listing = client.get(f"/funds/{fund.public_code}/disbursements").get_data(as_text=True)
    assert page in listing and "Waiting for approval" in listing
    auth.post(f"{page}/approve", form_page=page)
    assert db.session.get(Disbursement, waiting.id).status == "paid"


def test_a_rejection_needs_a_reason_on_the_page(client, auth, station, create_fund, upload):
    fund = create_fund(500_000)
    waiting = pay(station, fund, upload, 300_000)
    page = f"/funds/disbursements/{waiting.id}"
    auth.login(station.checker.email)
    auth.post(f"{page}/reject", {"reason": ""}, form_page=page)
    assert db.session.get(Disbursement, waiting.id).status == "requested"
    auth.post(f"{page}/reject", {"reason": "金额有误"}, form_page=page)
    assert "金额有误" in client.get(page).get_data(as_text=True)


def test_evidence_is_an_attachment_for_staff_only(client, auth, station, create_fund, upload):
    fund = create_fund(100_000)
    paid = pay(station, fund, upload)
    url = f"/funds/disbursements/{paid.id}/evidence"
    assert client.get(url).status_code == 302  # to the login page
    auth.login(station.donor.email)
    assert client.get(url).status_code == 404
    assert client.get(f"/funds/disbursements/{paid.id}").status_code == 404
    auth.logout()
    auth.login(station.checker.email)
    got = client.get(url)
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")


def test_staff_publish_and_take_down_the_redacted_copy(client, auth, station, create_fund, upload):
    fund = create_fund(100_000)
    paid = pay(station, fund, upload)
    page = f"/funds/disbursements/{paid.id}"
    public = f"/funds/receipts/{paid.public_code}"
    assert client.get(public).status_code == 404
    auth.login(station.worker.email)
    auth.post(f"{page}/publish", {"receipt": (io.BytesIO(image_bytes()), "redacted.png")}, form_page=page)
    assert client.get(public).status_code == 404  # not confirmed as redacted
    auth.post(f"{page}/publish", {"receipt": (io.BytesIO(image_bytes()), "redacted.png"), "confirm": "y"},
              form_page=page)
    assert client.get(public).status_code == 200
    auth.post(f"{page}/unpublish", form_page=page)
    assert client.get(public).status_code == 404


def test_a_paid_wish_shows_its_money_side(client, auth, station, create_listing, create_fund, upload):
    wish = create_listing()
    pay(station, create_fund(100_000), upload, 20_000, listing_id=wish.id)
    assert "Its cost is paid" in client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    auth.login(station.worker.email)
    assert "Its cost is paid" in client.get(f"/wishes/listings/{wish.id}").get_data(as_text=True)


def test_a_needs_staff_page_links_to_its_restricted_fund(client, auth, station, restricted_fund):
    auth.login(station.worker.email)
    page = client.get(f"/wishes/listings/{restricted_fund.listing_id}").get_data(as_text=True)
    assert f'href="/funds/{restricted_fund.public_code}"' in page and "Its fund" in page


def test_an_open_fund_invites_gifts_and_a_restricted_one_does_not(client, create_fund, restricted_fund):
    general = create_fund()
    assert f'href="/payments/give/fund/{general.public_code}"' in client.get(f"/funds/{general.public_code}").text
    assert "/payments/give/fund/" not in client.get(f"/funds/{restricted_fund.public_code}").text
