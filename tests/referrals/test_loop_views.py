"""The referral loop over HTTP: a social worker records and sends a need, one organisation declines and
the other accepts on its inbox, gives goods, reports it done; the household confirms on its own link."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.referrals.models import Referral, ReferralDispatch
from tests.api.conftest import api_error
from tests.funds.conftest import give  # noqa: F401  (fixture)
from tests.referrals.conftest import PRIVATE


def _as(auth, user):
    auth.logout()
    assert auth.login(user.email).status_code == 302


def _dispatch_of(referral, org):
    return db.session.scalar(select(ReferralDispatch.id).where(ReferralDispatch.referral_id == referral.id,
                                                               ReferralDispatch.organisation_id == org.id))


def test_the_loop_over_http(client, auth, care):
    _as(auth, care.station.worker)
    home = care.home.beneficiary_id
    page = client.get(f"/referrals/households/{home}/intake")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    bad = auth.post(f"/referrals/households/{home}/intake", {"need_kind": "nope", "description": "留着我"})
    assert bad.status_code == 422 and "留着我" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Referral.id)) is None
    made = auth.post(f"/referrals/households/{home}/intake", {
        "need_kind": "living", "item_id": str(care.meals.id), "urgency": "urgent", "description": "每日送餐",
        "private_details": "PRIVATE-门锁密码1234"})
    referral = db.session.scalar(select(Referral))
    assert made.status_code == 302
    assert made.location.endswith(f"/referrals/{referral.id}")
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Canteen" in page and "PRIVATE-门锁密码1234" in page
    sent = auth.post(f"/referrals/{referral.id}/dispatch",
                     {"organisation_ids": [str(care.charity.id), str(care.helper.id)]})
    assert sent.status_code == 302
    db.session.refresh(referral)
    assert referral.status == "dispatched"

    _as(auth, care.helper_staff)
    inbox = client.get("/referrals/inbox").get_data(as_text=True)
    assert referral.public_code in inbox
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "每日送餐" in page and "PRIVATE-门锁密码1234" not in page  # private details: the household's org only
    assert PRIVATE["full_name"] not in page
    auth.post(f"/referrals/dispatches/{_dispatch_of(referral, care.helper)}/decline", {"reason": "人手不足"})
    _as(auth, care.charity_staff)
    auth.post(f"/referrals/dispatches/{_dispatch_of(referral, care.charity)}/accept", {})
    db.session.refresh(referral)
    assert (referral.status, referral.organisation_id) == ("accepted", care.charity.id)
    auth.post(f"/referrals/{referral.id}/in-kind", {"what": "大米两袋", "value": "120.50"})
    auth.post(f"/referrals/{referral.id}/note", {"text": "NOTE-已上门"})
    auth.post(f"/referrals/{referral.id}/done", {"outcome": "送餐已安排"})
    db.session.refresh(referral)
    assert referral.status == "done"

    _as(auth, care.helper_staff)  # declined: reads the referral, never its handlers' notes
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "NOTE-已上门" not in page

    _as(auth, care.station.worker)
    linked = auth.post(f"/referrals/households/{home}/link", {})
    link = re.search(r'value="(http[^"]+/referrals/ask/[^"]+)"', linked.get_data(as_text=True)).group(1)
    auth.logout()
    path = link.split("localhost", 1)[-1]
    own = client.get(path)
    text = own.get_data(as_text=True)
    assert own.status_code == 200 and "送餐已安排" in text and "NOTE-已上门" not in text
    assert own.headers["Cache-Control"] == "no-store" and PRIVATE["full_name"] not in text
    assert client.get("/referrals/ask/" + "x" * 32).status_code == 400
    token = path.rsplit("/", 1)[1]
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text).group(1)
    answered = client.post(f"/referrals/ask/feedback/{referral.id}/{token}",
                           data={"csrf_token": csrf, "solved": "yes", "satisfaction": "4"})
    assert answered.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.satisfaction, referral.closed_on_time) == ("closed", 4, True)
    asked = client.post(path, data={"csrf_token": csrf, "need_kind": "medical", "urgency": "normal",
                                    "description": "想复诊", "proxy_name": "邻居"})
    assert asked.status_code == 302
    assert db.session.scalar(select(Referral.source).where(Referral.id != referral.id)) == "household"


def test_another_organisations_staff_get_404(client, auth, care, create_user, create_org):
    from marketplace.referrals import service

    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="living", urgency="normal", description="x")
    stranger = create_user()
    create_org("charity", {stranger: "staff"}, name_zh="别家", name_en="Other")
    _as(auth, stranger)
    assert client.get(f"/referrals/{referral.id}").status_code == 404
    assert auth.post(f"/referrals/{referral.id}/note", {"text": "x"}).status_code == 404
    assert client.get(f"/referrals/households/{care.home.beneficiary_id}/intake").status_code == 404


def _accepted_by_charity(care):
    from marketplace.referrals import dispatch, service

    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="living", urgency="normal", description="临时困难")
    dispatch.dispatch(care.station.worker, referral.id, [care.charity.id])
    dispatch.accept(care.charity_staff, _dispatch_of(referral, care.charity))
    return referral


def test_cash_from_a_fund_a_file_and_a_wish_over_http(client, auth, care, give):  # noqa: F811
    import io

    from marketplace.funds import service as funds
    from marketplace.funds.models import Disbursement
    from tests.files import PDF

    fund = funds.create_fund(care.charity_staff, care.charity, kind="general", name_zh="助困基金",
                             name_en="Hardship Fund", purpose="助困")
    give(fund, 300_000)
    referral = _accepted_by_charity(care)
    _as(auth, care.charity_staff)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "Hardship Fund" in page
    paid = auth.post(f"/referrals/{referral.id}/cash", {
        "fund_id": str(fund.id), "payee": "王阿婆", "purpose": "生活补助", "amount": "300",
        "evidence": (io.BytesIO(PDF), "r.pdf")}, content_type="multipart/form-data")
    assert paid.status_code == 302
    cash = db.session.scalar(select(Disbursement).where(Disbursement.referral_id == referral.id))
    assert (cash.amount_fen, cash.status) == (30_000, "paid")
    too_much = auth.post(f"/referrals/{referral.id}/cash", {
        "fund_id": str(fund.id), "payee": "王阿婆", "purpose": "生活补助", "amount": "100000",
        "evidence": (io.BytesIO(PDF), "r.pdf")}, content_type="multipart/form-data")
    assert too_much.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Disbursement)) == 1
    kept = auth.post(f"/referrals/{referral.id}/file", {"text": "收据", "upload": (io.BytesIO(PDF), "f.pdf")},
                     content_type="multipart/form-data")
    assert kept.status_code == 302
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    download = re.search(r'href="(/referrals/files/\d+)"', page).group(1)
    got = client.get(download)
    assert got.status_code == 200 and got.data == PDF

    _as(auth, care.helper_staff)  # never sent it: neither the page nor the file
    assert client.get(download).status_code == 404

    _as(auth, care.station.worker)
    made = auth.post(f"/referrals/{referral.id}/wish", {"kind": "wish", "title": "一台电饭煲", "value": "200"})
    assert made.status_code == 302
    db.session.refresh(referral)
    listing_page = client.get(f"/wishes/listings/{referral.listing_id}").get_data(as_text=True)
    assert f'href="/referrals/{referral.id}"' in listing_page and referral.public_code in listing_page


def test_the_household_link_is_rate_limited_and_shown_once(client, auth, care):
    _as(auth, care.station.worker)
    first = auth.post(f"/referrals/households/{care.home.beneficiary_id}/link", {}).get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/referrals/ask/[^"]+)"', first).group(1)
    path = link.split("localhost", 1)[-1]
    page = client.get(f"/referrals/households/{care.home.beneficiary_id}/intake").get_data(as_text=True)
    assert path not in page  # the token is not kept, so it is never shown again
    auth.logout()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]
    answers = [client.post(path, data={"csrf_token": csrf, "need_kind": "living", "urgency": "normal",
                                       "description": ""}).status_code for _ in range(21)]
    assert answers[0] == 422 and answers[-1] == 429


def test_the_api_answers_once_and_the_loser_gets_409(client, care):
    from marketplace.auth.service import create_api_token
    from marketplace.referrals import dispatch, service

    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="living", urgency="urgent", description="送餐",
                              private_details="PRIVATE-钥匙")
    dispatch.dispatch(care.station.worker, referral.id, [care.charity.id, care.helper.id])
    tokens = {who: create_api_token(who, "loop", "write")[1] for who in (care.charity_staff, care.helper_staff)}

    def call(who, method, path, **kw):
        return client.open(path, method=method, headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)

    inbox = call(care.helper_staff, "GET", "/api/v1/referrals/inbox").get_json()
    assert [d["referral_id"] for d in inbox] == [referral.id]
    seen = call(care.helper_staff, "GET", f"/api/v1/referrals/{referral.id}").get_json()
    assert seen["description"] == "送餐" and seen["private_details"] is None
    won = call(care.helper_staff, "POST", f"/api/v1/referrals/dispatches/{_dispatch_of(referral, care.helper)}/accept")
    assert won.status_code == 200 and won.get_json()["organisation_id"] == care.helper.id
    lost = call(care.charity_staff, "POST",
                f"/api/v1/referrals/dispatches/{_dispatch_of(referral, care.charity)}/decline", json={"reason": "x"})
    assert "Canteen" in api_error(lost, 409)["message"]


def test_the_pages_speak_chinese(client, auth, care):
    from marketplace.referrals import service

    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="living", urgency="urgent", description="送餐")
    _as(auth, care.station.worker)
    auth.post("/language", {"locale": "zh_CN"})
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert "转介" in page and "派给机构" in page and "长者饭堂" in page
    inbox = client.get("/referrals/inbox").get_data(as_text=True)
    assert "转介收件箱" in inbox
