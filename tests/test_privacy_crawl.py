"""Nothing private reaches the public: marker strings are seeded into every private field, then
every public page, every open-data download and every error page is crawled anonymously, in both
languages. No marker may appear, and public addresses name objects by random codes, not by ids."""
from __future__ import annotations

import io
import re
from collections import deque
from datetime import date, timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.datastructures import FileStorage

from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.payments import demo_provider, offline
from marketplace.payments import service as giving
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.wishes import beneficiaries, claims, service
from tests.funds.world import pdf
from tests.wishes.world import photo

MARKER = "privmark"  # compared case-insensitively: e-mail addresses are stored in lower case
PHONE = "13912340987"
ID_NUMBER = "44010619990101987X"
SECRETS = (MARKER, PHONE, ID_NUMBER.lower())
LINK = re.compile(r"""(?:href|src|action)=["']([^"'#]+)""")
SKIP = ("/auth/", "/static/", "/account/", "/payments/demo/", "/api/openapi", "/api/docs")
MAX_PAGES = 600


@pytest.fixture
def seeded(app, create_user, create_org):
    """A charity whose households, donors, notes and uploads all carry the marker."""
    app.config["MONEY_SECOND_PERSON_ABOVE_FEN"] = 1_000  # so a request waits, and can be refused with a reason
    staff = create_user(email="privmark-staff@example.org", display_name="PRIVMARK staff")
    verifier = create_user(email="privmark-verifier@example.org", display_name="PRIVMARK verifier")
    anonymous = create_user(email="privmark-anon@example.org", display_name="PRIVMARK anonymous donor")
    masked = create_user(email="privmark-masked@example.org", display_name="PRIVMARK masked donor")
    charity = create_org("charity", {staff: "admin", verifier: "admin"})
    household = beneficiaries.register_beneficiary(
        staff, charity, pseudonym="青禾", district_id=1, category="elderly_alone", age_band="80+",
        full_name="PRIVMARK full name", phone=PHONE, id_number=ID_NUMBER, address="PRIVMARK address",
        notes="PRIVMARK household notes", consent_on=date(2026, 1, 5), consent_scope="发布微心愿")
    beneficiaries.verify_beneficiary(verifier, household.id)

    def published(**fields):
        listing = service.create_listing(staff, household.id, **fields)
        service.transition(staff, listing.id, "submitted", note="PRIVMARK staff note")
        service.transition(verifier, listing.id, "verified", note="PRIVMARK staff note")
        return service.transition(verifier, listing.id, "published", note="PRIVMARK staff note")

    wish = published(kind="wish", title="棉被", value_fen=20_000, photo=photo("PRIVMARK-photo.jpg"))
    paid_wish = published(kind="wish", title="书包", value_fen=15_000)
    claims.claim_wish(paid_wish.id, anonymous, method="money")
    gift = giving.pay_wish(anonymous, paid_wish.public_code, display="anonymous", message="PRIVMARK message")
    demo_provider.checkout(anonymous, gift.public_code, "pay")
    fund = funds.create_fund(staff, charity, kind="general", name_zh="关爱基金", name_en="Care Fund")
    masked_gift = giving.give_to_fund(masked, fund.public_code, 30_000, display="masked")
    demo_provider.checkout(masked, masked_gift.public_code, "pay")
    offline.record_gift(staff, charity, fund_id=fund.id, method="bank", amount_fen=50_000,
                        received_on=local_today() - timedelta(days=1), evidence=pdf("PRIVMARK-bank-slip.pdf"),
                        payer_name="PRIVMARK payer",
                        display="anonymous", reference="PRIVMARK-ref")
    db.session.commit()
    paid = disbursements.request_disbursement(staff, fund, payee="五金店", purpose="修门", amount_fen=10_000,
                                              evidence_file=pdf("PRIVMARK-evidence.pdf"), listing_id=wish.id)
    disbursements.approve_disbursement(verifier, paid.id)
    disbursements.publish_receipt(staff, paid.id, pdf("PRIVMARK-redacted.pdf"))
    refused = disbursements.request_disbursement(staff, fund, payee="五金店", purpose="修窗", amount_fen=5_000,
                                                 evidence_file=pdf("PRIVMARK-refused.pdf"))
    disbursements.reject_disbursement(verifier, refused.id, "PRIVMARK rejection reason")
    _corrected_statement_line(staff, charity)
    _care_with_address(charity, staff, anonymous)
    _meals_eaten(create_user, create_org)
    restricted = funds.fund_of(paid_wish)
    db.session.commit()
    return {"org_id": charity.id, "fund": fund, "restricted": restricted, "wish": wish, "paid_wish": paid_wish,
            "disbursement": paid, "gift": gift}


def _care_with_address(charity, requester, helper) -> None:
    """A care request, taken on, whose address and contact carry the marker (only its volunteer may see them)."""
    from marketplace.timebank.care import service as care
    from tests.timebank.test_care import fund

    fund(requester, 120)
    request = care.request_care(requester, organisation_id=charity.id, recipient_name="PRIVMARK recipient",
                                service="home_visit", details="PRIVMARK care details", district_id=1,
                                scheduled_at=now_utc() + timedelta(days=2), minutes=60, key="privmark-care",
                                address="PRIVMARK care address", contact=PHONE)
    care.accept(request.id, helper)


def _meals_eaten(create_user, create_org) -> None:
    """Donated meals reserved and eaten by someone known by the marked phone, name and email."""
    import hashlib

    from tests.meals.public_helpers import make_store, person, redeem, reserve

    eater = create_user(email="privmark-eater@example.org", display_name="PRIVMARK eater")
    store = make_store(create_org("firm", name_zh="爱心餐饮", name_en="Caring Meals"), meals=5)
    who = person(hashlib.sha256(PHONE.encode()).hexdigest(), eater)
    redeem(reserve(store, who=who))
    reserve(store, who=who)


def _corrected_statement_line(staff, charity) -> None:
    """A bank statement line whose file name carries the marker, resolved by a correction with a private reason."""
    from marketplace.reconciliation import imports, profiles, resolve
    from marketplace.reconciliation.books import books_for
    from marketplace.reconciliation.models import StatementLine

    books = books_for(staff, charity.id)
    layout = profiles.save_profile(staff, books, name="PRIVMARK bank", date_column="日期", date_format="%Y-%m-%d",
                                   amount_column="金额", description_column="摘要", encoding="utf-8")
    data = f"日期,金额,摘要\n{local_today().isoformat()},-3.00,PRIVMARK bank fee\n".encode()
    imports.start_import(staff, books, "bank", FileStorage(io.BytesIO(data), filename="PRIVMARK-statement.csv"),
                         layout.id)
    line = db.session.scalars(db.select(StatementLine)).one()
    resolve.correct(staff, books, line.id, "PRIVMARK correction reason")


def _start_urls(seeded) -> list[str]:
    fund, wish = seeded["fund"], seeded["wish"]
    org = seeded["org_id"]
    urls = ["/", "/transparency/", "/transparency/data/", "/wishes/", f"/funds/orgs/{org}",
            f"/transparency/orgs/{org}", f"/transparency/funds/{fund.public_code}",
            f"/transparency/wishes/{wish.public_code}", f"/transparency/wishes/{seeded['paid_wish'].public_code}",
            f"/wishes/{wish.public_code}", f"/funds/{fund.public_code}", "/firms/leaderboard",
            "/api/v1/listings", f"/api/v1/listings/{wish.public_code}", "/meals/figures", "/api/v1/meals/figures",
            "/api/v1/meals/stores"]
    since = (local_today() - timedelta(days=30)).isoformat()
    for fmt in ("csv", "json"):
        urls += [f"/transparency/data/ledger.{fmt}", f"/transparency/data/ledger.{fmt}?org={org}",
                 f"/transparency/data/ledger.{fmt}?fund={fund.public_code}",
                 f"/transparency/data/ledger.{fmt}?fund={seeded['restricted'].public_code}&from={since}"]
    urls += ["/transparency/data/360giving.json", f"/transparency/data/360giving.json?org={org}"]
    return urls


ERROR_URLS = ["/no-such-page", "/transparency/funds/nosuchcode", "/transparency/wishes/nosuchcode",
              "/transparency/orgs/999999", "/transparency/data/ledger.json?from=not-a-date",
              "/transparency/data/ledger.csv?fund=nosuchcode", "/transparency/data/360giving.json?from=2026-13-01",
              "/funds/receipts/nosuchcode", "/wishes/nosuchcode"]


def _links(base: str, body: str) -> list[str]:
    found = []
    for href in LINK.findall(body):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or parts.path.startswith(SKIP):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _leaks(body: bytes) -> list[str]:
    text = body.decode("utf-8", "replace").lower()
    return [secret for secret in SECRETS if secret in text]


def crawl(client, starts: list[str], language: str) -> dict[str, int]:
    """GET every page reachable from `starts` anonymously; return each address with its status."""
    headers = {"Accept-Language": language}
    seen: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, headers=headers)
        seen[url] = response.status_code
        body = response.get_data()
        assert not _leaks(body), f"{url} ({language}) shows {_leaks(body)}"
        if response.status_code in (301, 302, 303) and not response.location.startswith("/auth/"):
            queue.append(urlsplit(response.location).path)
        if response.mimetype == "text/html":
            queue.extend(_links(url, response.get_data(as_text=True)))
    return seen


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_no_private_data_on_any_public_page_or_download(client, seeded, language):
    seen = crawl(client, _start_urls(seeded), language)
    assert len(seen) > 40  # the crawl really walked the public site
    fund = seeded["fund"]
    assert seen[f"/transparency/funds/{fund.public_code}"] == 200
    assert seen[f"/transparency/data/ledger.json?fund={fund.public_code}"] == 200
    assert seen["/meals/figures"] == seen["/meals/figures/stores.csv"] == seen["/api/v1/meals/stores"] == 200
    assert f"/funds/receipts/{seeded['disbursement'].public_code}" in seen  # the redacted receipt was followed
    for url in ERROR_URLS:
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code in (400, 404), url
        assert not _leaks(response.get_data()), url
    for url in ("/transparency/", f"/transparency/funds/{fund.public_code}", "/wishes/"):
        refused = client.post(url, headers={"Accept-Language": language})  # wrong method or no CSRF token
        assert refused.status_code in (400, 405)
        assert not _leaks(refused.get_data())


def test_public_addresses_name_objects_by_random_codes(client, seeded):
    seen = crawl(client, _start_urls(seeded), "en")
    ids = {str(seeded[name].id) for name in ("fund", "restricted", "wish", "paid_wish", "disbursement", "gift")}
    for url in seen:
        path = urlsplit(url).path
        segments = [s for s in path.split("/") if s]
        # charities, and the restaurants and bases donating meals, are public by their numbers
        named = [s for i, s in enumerate(segments) if not (i and segments[i - 1] in ("orgs", "stores", "bases"))]
        assert not [s for s in named if s.isdigit()], f"{url} names an object by a sequential number"
        assert not ids & set(named), url
    codes = [seeded[name].public_code for name in ("fund", "restricted", "wish", "paid_wish", "disbursement")]
    assert len(set(codes)) == len(codes) and not any(code.isdigit() for code in codes)
