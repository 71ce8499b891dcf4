"""The referral loop over HTTP: a social worker records and sends a need, one organisation declines and
the other accepts on its inbox, gives goods, reports it done; the household confirms on its own link."""
from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.platform.extensions import db
from marketplace.referrals.models import Referral, ReferralDispatch
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
