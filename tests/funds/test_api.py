"""Funds API: public funds and paid disbursements; staff open funds, request (multipart), approve and reject."""
import io

from marketplace.funds import disbursements
from marketplace.funds.models import Disbursement
from marketplace.platform.extensions import db
from tests.funds.conftest import PDF


def pay(station, fund, upload, amount_fen):
    return disbursements.request_disbursement(station.worker, fund, payee="天河五金店", purpose="棉被",
                                              amount_fen=amount_fen, evidence_file=upload())


def test_anyone_reads_an_organisations_funds_and_their_totals(client, station, create_fund):
    fund = create_fund(30_000)
    listed = client.get(f"/api/v1/orgs/{station.org.id}/funds").get_json()
    assert [f["code"] for f in listed] == [fund.public_code]
    got = client.get(f"/api/v1/funds/{fund.public_code}").get_json()
    assert got["totals"] == {"received_fen": 30_000, "disbursed_fen": 0, "refunded_fen": 0, "balance_fen": 30_000,
                             "held_fen": 0}
    assert client.get("/api/v1/funds/NOSUCH").status_code == 404
    assert client.get("/api/v1/orgs/999999/funds").status_code == 404


def test_staff_open_a_fund(client, station, headers):
    body = {"kind": "community", "name_zh": "社区基金", "name_en": "Community", "district_id": 1}
    assert client.post(f"/api/v1/orgs/{station.org.id}/funds", json=body,
                       headers=headers(station.donor)).status_code == 404
    made = client.post(f"/api/v1/orgs/{station.org.id}/funds", json=body, headers=headers(station.worker))
    assert made.status_code == 201 and made.get_json()["district_id"] == 1
    refused = client.post(f"/api/v1/orgs/{station.org.id}/funds", json=body | {"kind": "named"},
                          headers=headers(station.worker))
    assert refused.status_code == 422 and "named_after" in refused.get_json()["error"]["fields"]


def test_the_public_sees_paid_disbursements_only_and_nothing_private(client, station, create_fund, upload, headers):
    fund = create_fund(500_000)
    paid, waiting = pay(station, fund, upload, 10_000), pay(station, fund, upload, 300_000)
    url = f"/api/v1/funds/{fund.public_code}/disbursements"
    public = client.get(url)
    assert [d["code"] for d in public.get_json()["items"]] == [paid.public_code]
    text = public.get_data(as_text=True)
    for private in ("PRIVATE-FILENAME", paid.evidence_path, "requested_by", station.worker.email):
        assert private not in text
    staff = client.get(url, headers=headers(station.checker)).get_json()["items"]
    assert {d["code"]: d["status"] for d in staff} == {paid.public_code: "paid", waiting.public_code: "requested"}


def test_staff_request_a_disbursement_as_multipart(client, station, restricted_fund, headers):
    url = f"/api/v1/funds/{restricted_fund.public_code}/disbursements"
    form = {"payee": "装修队", "purpose": "屋顶材料", "amount_fen": "120000",
            "listing_code": restricted_fund.listing.public_code}
    made = client.post(url, data=form | {"evidence": (io.BytesIO(PDF), "invoice.pdf")},
                       headers=headers(station.worker))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["status"] == "requested" and made.get_json()["amount_fen"] == 120_000
    no_file = client.post(url, data=form, headers=headers(station.worker))
    assert no_file.status_code == 422 and "evidence" in no_file.get_json()["error"]["fields"]
    other = client.post(url, data=form | {"listing_code": "NOSUCH", "evidence": (io.BytesIO(PDF), "i.pdf")},
                        headers=headers(station.worker))
    assert other.status_code == 422 and "listing_code" in other.get_json()["error"]["fields"]
    too_much = client.post(url, data=form | {"amount_fen": "600000", "evidence": (io.BytesIO(PDF), "i.pdf")},
                           headers=headers(station.worker))
    assert too_much.status_code == 409
    assert client.post(url, data=form | {"evidence": (io.BytesIO(PDF), "i.pdf")},
                       headers=headers(station.donor)).status_code == 404


def test_approve_and_reject_through_the_api(client, station, create_fund, upload, headers):
    fund = create_fund(900_000)
    first, second = pay(station, fund, upload, 300_000), pay(station, fund, upload, 300_000)
    mine = client.post(f"/api/v1/disbursements/{first.id}/approve", headers=headers(station.worker))
    assert mine.status_code == 409
    approved = client.post(f"/api/v1/disbursements/{first.id}/approve", headers=headers(station.checker))
    assert approved.status_code == 200 and approved.get_json()["status"] == "paid"
    no_reason = client.post(f"/api/v1/disbursements/{second.id}/reject", json={}, headers=headers(station.checker))
    assert no_reason.status_code == 422
    rejected = client.post(f"/api/v1/disbursements/{second.id}/reject", json={"reason": "重复申请"},
                           headers=headers(station.checker))
    assert rejected.get_json()["reject_reason"] == "重复申请"
    assert db.session.get(Disbursement, second.id).status == "rejected"
    assert client.post(f"/api/v1/disbursements/{second.id}/approve",
                       headers=headers(station.donor)).status_code == 404
