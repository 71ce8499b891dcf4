"""Malformed input to every route: never a 5xx, and whatever is refused writes nothing.

The routes are the app's URL map; each one's fields and a valid request are declared in
tests/routes.py. The walker sends that request spoilt one way at a time (over-long text,
wrong types, missing fields, unreadable bodies, huge or negative ids, forged tokens) as a
platform admin with a valid CSRF token (and a read-write API token). A route without a
declaration fails `test_every_route_is_declared` and its own walk, naming its endpoint.
"""
from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from itsdangerous import TimestampSigner

from marketplace.auth import service as auth_service
from marketplace.auth import tokens
from marketplace.auth.service import create_api_token
from marketplace.orgs import service as org_service
from marketplace.orgs.models import Invitation, Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service as tb_service
from tests.api.conftest import api_error
from tests.conftest import AuthActions
from tests.exchanges.world_agreements import agreements_of
from tests.exchanges.world_posts import posts_of
from tests.exchanges.world_talk import talk_of
from tests.funds.world import funds_of
from tests.meals.world import meals_of
from tests.reconciliation.world import reconciliation_of
from tests.referrals.world import referrals_of
from tests.routes import Route, app_routes, declaration, undeclared
from tests.test_access_policy import certificate_of, import_batch_of, spot_check_of, time_bank_of
from tests.wishes.world import wishes_of

LONG = "x" * 10_000
TABLES = ["user_account", "api_token", "organisation", "membership", "invitation", "district", "audit_event",
          "activity", "signup", "attendance", "hour_report", "ledger_entry", "care_request", "ledger_hold",
          "spot_check", "spot_check_item", "volunteer_preference", "import_batch", "import_row", "certificate",
          "beneficiary",
          "listing", "funding_line", "listing_event", "wish_claim", "pledge", "fund", "disbursement", "donation",
          "payment_event", "receipt_counter", "firm_preference", "ledger_period_close", "ledger_account",
          "reconciliation_bank_profile", "reconciliation_import", "reconciliation_line", "reconciliation_match",
          "listing_cancellation", "credit_note", "idempotent_request", "state_change",
          "notification", "notification_preference", "notification_digest",
          "household_care", "household_category", "household_visitor", "referral", "referral_dispatch",
          "referral_action", "visit", "visit_visitor", "policy_check", "item_offer", "assistance_item", "community",
          "district_officer",
          "meal_store", "meal_window", "meal_permit", "meal_quota", "meal_pause", "meal_day", "meal_stock_item",
          "meal_person", "meal_phone_code", "meal_reservation", "meal_eligibility", "meal_thanks", "meal_reward",
          "meal_exchange", "meal_plaque",
          "exchange_member", "exchange_post", "exchange_agreement", "exchange_endorsement",
          "exchange_conversation", "exchange_message", "exchange_block", "exchange_report"]
VOLATILE = {"last_used_at"}  # stamped on every API call, by design


CSRF_EXEMPT = {"/payments/stripe/webhook"}  # signed by Stripe instead

# Values each kind of field must refuse, in a form and in JSON ("\ud800" is a lone surrogate).
FORM_REFUSALS = {"text": [LONG, "a\x00b"], "email": [LONG, "a\x00b", "not an email", "a@" + LONG],
                 "password": [LONG, "short", "1234567890"], "choice": ["no-such-choice", LONG],
                 "id": ["abc", "-1", "0", "1.5", str(2**31), "9" * 30], "number": ["abc", "-1", "1.5", "9" * 30],
                 "flag": [], "datetime": ["abc", "2031-13-01T09:00", LONG], "date": ["abc", "2031-02-30", LONG],
                 "money": ["abc", "-1", "1.001", "9" * 30, "1e3"]}
JSON_REFUSALS = {"text": [LONG, "a\x00b", "\ud800", 42, ["a"], {"a": "b"}, True],
                 "email": [LONG, "not an email", 42, ["a@example.org"]],
                 "password": [LONG, "short", 42], "choice": ["no-such-choice", "a\x00b", 42, ["admin"], True],
                 "id": ["2", 2.5, True, 0, -1, 2**31, 10**30, [2], {"id": 2}],
                 "number": ["5", 2.5, True, -1, 10**30, [5], {"n": 5}],
                 "datetime": ["abc", "2031-13-01T09:00", "0001-01-01T00:00", LONG, 42, ["2031-01-01T09:00"]],
                 "date": ["abc", "2031-02-30", "0001-01-01", "2999-01-01", LONG, 42, ["2026-01-05"]]}
BAD_BODIES = [b'{"display_name": ', b"\xff\xfe{}", b"[" * 50_000, b'{"a": ' + b"1" * 5000 + b"}",
              b"[]", b'"text"', b"42", b"null"]
BAD_QUERY = {"cursor": LONG, "limit": "-1", "district": "9" * 30, "kind": ["a", "b"], "q": LONG,
             "verified": "maybe", "next": "//evil.example"}
BAD_IDS = ["0", "-1", str(2**31), "9" * 30]
BAD_TOKENS = [LONG, "%ff%fe", "%00", "a.b.c"]


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": False}


@pytest.fixture
def world(saved_world, create_user, create_org, mailbox):
    """A platform admin who co-runs a charity, with targets for every route and a valid link of each kind:
    built once per worker, then restored for each test."""
    return saved_world("bad-input", lambda: _build_world(create_user, create_org, mailbox))


def _build_world(create_user, create_org, mailbox):
    root = create_user(email="root@example.org", admin=True, locale="en")
    staff = create_user(email="staff@example.org")
    charity = create_org("charity", {root: "admin", create_user(): "admin", staff: "staff"})
    other = create_org("firm", {create_user(): "admin"})
    invitation = Invitation(organisation=charity, email="later@example.org", role="member", token_hash="0" * 64,
                            invited_by=root, expires_at=now_utc() + timedelta(days=3))
    db.session.add_all([invitation, Invitation(organisation=other, email=root.email, role="member",
                                               token_hash=tokens.digest("invite-root"), invited_by=root,
                                               expires_at=now_utc() + timedelta(days=3))])
    db.session.commit()
    auth_service.request_password_reset(root.email)
    links = {"/auth/reset/<token>": mailbox.last_link(),
             "/auth/verify/<token>": "/auth/verify/" + tokens.sign("verify", {"uid": root.id, "email": root.email}),
             "/orgs/invitations/<token>": "/orgs/invitations/invite-root"}
    activity, attendance, report, care_request = time_bank_of(charity, {"org_admin": root, "volunteer": create_user()})
    wishes = wishes_of(charity, staff, root, claimant=create_user(), pledger=create_user())
    money = funds_of(charity, staff, donor=root, firm=other)
    money |= reconciliation_of(charity, staff)
    money |= referrals_of(charity, {"org_admin": root, "staff": staff, "volunteer": create_user()})
    links["/referrals/ask/<token>"] = "/referrals/ask/" + money["ask_token"]
    links["/referrals/ask/feedback/<int:referral_id>/<token>"] = (
        f"/referrals/ask/feedback/{money['referral_id']}/{money['ask_token']}")
    money |= meals_of(create_org, {"org_admin": root, "firm_member": staff, "platform_admin": root,
                                   "social_worker": root, "volunteer": create_user()})
    # the three parts' worlds each make a post: the posts part's (made last) is the one `<post_code>` names
    money |= talk_of(create_org, member=root, other=create_user(), coordinator=root)
    money |= agreements_of(charity, {"donor": create_user(), "volunteer": create_user()})
    money |= posts_of(charity, {"org_admin": root, "staff": staff})
    links["/timebank/scan/<token>"] = "/timebank/scan/" + tb_service.scan_token(activity, "in")
    ids = {"activity_id": activity.id, "attendance_id": attendance.id, "report_id": report.id,
           "care_id": care_request.id, **_spot_check(charity, root, report),
           **_import_batch(charity, root, staff), "code": _certificate(charity, root, staff),
           "org_id": charity.id, "membership_id": next(m.id for m in charity.memberships if m.user is staff),
           "invitation_id": invitation.id, "district_id": 1,
           "token_id": create_api_token(root, "to revoke", "read")[0].id, **wishes, **money}
    walker = create_api_token(root, "walker", "write")[1]
    mailbox.messages.clear()  # last: building the world mails people (the certificate's approved hours too)
    return {"ids": ids, "links": links, "token": walker}


def _spot_check(charity, root, report):
    check, item = spot_check_of(charity, root, report)
    return {"check_id": check.id, "item_id": item.id}


def _import_batch(charity, root, volunteer):
    return {"batch_id": import_batch_of(charity, {"org_admin": root, "volunteer": volunteer}).id, "fmt": "csv"}


def _certificate(charity, root, staff):
    return certificate_of(charity, root, staff)


def test_every_route_is_declared(app):
    problems = undeclared(app)
    assert not problems, "\n".join(problems)


def _snapshot() -> dict:
    """Every row of every table (less the volatile columns), read through the driver's own cursor."""
    with db.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        state = {}
        for table in TABLES:
            cursor.execute(f'SELECT * FROM "{table}"')
            keep = [i for i, column in enumerate(cursor.description) if column[0] not in VOLATILE]
            state[table] = sorted(tuple(row[i] for i in keep) for row in cursor.fetchall())
        cursor.close()
        return state


def _path(rule: str, world: dict, bad: tuple[str, str] | None = None) -> str:
    if "<token>" in rule:
        base = world["links"][rule]
        return base.rsplit("/", 1)[0] + "/" + bad[1] if bad else base

    def value(match):
        name = match.group(2)
        return bad[1] if bad and bad[0] == name else str(world["ids"][name])
    return re.sub(r"<(int:|any\([^)]*\):)?(\w+)>", value, rule)


def _variants(method: str, rule: str, route: Route):
    """Yield (label, path override, payload, must refuse) for one route, refusals first."""
    api = rule.startswith("/api/")
    refusals = JSON_REFUSALS if api else FORM_REFUSALS
    required = any(f.required for f in route.fields.values())
    for name, spec in route.fields.items():
        for value in refusals[spec.kind]:
            yield f"{name}={str(value)[:20]!r}", None, route.valid | {name: value}, True
        if spec.required:
            yield f"without {name}", None, {k: v for k, v in route.valid.items() if k != name}, True
        if api and not spec.nullable:
            yield f"{name}=null", None, route.valid | {name: None}, True
    for param in re.findall(r"<(?:int:|any\([^)]*\):)?(\w+)>", rule):
        for value in BAD_TOKENS if param == "token" else BAD_IDS:
            yield f"{param}={value[:20]}", (param, value), route.valid, True
    if api and route.fields:
        for body in BAD_BODIES:
            yield f"body {body[:20]!r}", None, body, True
        yield "unknown field", None, route.valid | {"zzz": 1}, True
        yield "empty object", None, {}, required
    elif route.fields:
        yield "no fields", None, {}, required
        yield "garbage bytes", None, b"\xff\xfe=\xfd&\x80", required
    if method == "GET":
        yield "junk query", None, BAD_QUERY, True
        yield "NUL in query", None, {"q": "a\x00b"}, True
        return
    for name in route.fields:  # a second value, or bytes that are not UTF-8: answered, maybe accepted
        yield f"{name} twice", None, route.valid | {name: [route.valid.get(name, ""), LONG]}, False
        if not api:
            others = urlencode({k: v for k, v in route.valid.items() if k != name}).encode()
            yield f"{name} not UTF-8", None, others + b"&" + name.encode() + b"=%ff%fe\xfd", False
    yield "junk body", None, b"{\x00\xff", False


def _send(client, auth, world, method, path, payload):
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {world['token']}"}
        if method == "GET":
            return client.get(path, query_string=payload, headers=headers)
        if isinstance(payload, bytes):
            return client.open(path, method=method, data=payload, content_type="application/json", headers=headers)
        return client.open(path, method=method, json=payload, headers=headers)
    if method == "GET":
        response = client.get(path, query_string=payload.decode("latin-1") if isinstance(payload, bytes) else payload)
        response.get_data()  # a streamed download runs to its end here, inside its own request
        response.close()
        return response
    csrf = auth.csrf_token
    if isinstance(payload, bytes):
        body = b"csrf_token=" + csrf.encode() + b"&" + payload
        return client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    return client.post(path, data={**payload, "csrf_token": csrf})


SESSIONS: dict[str, tuple[str | None, str, float]] = {}  # "root" or "anonymous" -> (cookie, CSRF token, when)
FRESH_FOR = 600  # seconds a kept session is used, well inside the CSRF token's time limit


class Session:
    """A session signed in as the platform admin (or anonymous), begun once per worker: each request
    starts from that session's cookie, so no request inherits what an earlier one did to the session
    (a logout, a language), and every form carries the session's valid CSRF token."""

    def __init__(self, app, who: str):
        self.app, self.client = app, app.test_client()
        self.name = app.config["SESSION_COOKIE_NAME"]
        if who not in SESSIONS or time.monotonic() - SESSIONS[who][2] > FRESH_FOR:
            auth = AuthActions(self.client)
            if who == "root":
                assert auth.login("root@example.org").status_code == 302
            token = auth.csrf("/")  # after logging in: the token's secret is kept in the session
            cookie = self.client.get_cookie(self.name)
            SESSIONS[who] = (cookie.value if cookie else None, token, time.monotonic())
        self.cookie, self.csrf_token, _when = SESSIONS[who]
        if who == "root":
            assert self.begin().get("/account/").status_code == 200, "the walker's session is not signed in"

    def begin(self):
        self.client.delete_cookie(self.name)
        if self.cookie is not None:
            self.client.set_cookie(self.name, self.cookie)
        return self.client


@pytest.mark.parametrize("endpoint,method,rule", app_routes(), ids=[f"{m}-{r}" for _e, m, r in app_routes()])
def test_malformed_input_never_fails_and_refusals_write_nothing(app, world, mailbox, endpoint, method, rule):
    route = declaration(endpoint, method, rule).inputs
    session = Session(app, "anonymous" if route.anonymous else "root")
    for label, bad_param, payload, must_refuse in _variants(method, rule, route):
        before, sent = _snapshot(), len(mailbox.messages)
        response = _send(session.begin(), session, world, method, _path(rule, world, bad_param), payload)
        where = f"{method} {rule} with {label}"
        assert response.status_code < 500, where
        if rule.startswith("/api/") and response.status_code >= 400:
            api_error(response, response.status_code)
        if must_refuse:
            assert _snapshot() == before, f"{where} wrote to the database"
            assert len(mailbox.messages) == sent, f"{where} sent email"
            if rule.startswith("/api/") and method != "GET":
                assert 400 <= response.status_code < 500, where


FORM_POSTS = sorted((rule, declaration(endpoint, method, rule).inputs.valid) for endpoint, method, rule in app_routes()
                    if method == "POST" and not rule.startswith("/api/") and rule not in CSRF_EXEMPT)


@pytest.mark.parametrize("locale,message", [("en", "Your form expired or came from another site."),
                                            ("zh_CN", "表单已失效或来自其他网站")])
def test_wrong_csrf_token_is_refused_in_the_users_language_and_writes_nothing(
        client, auth, world, mailbox, locale, message):
    auth.login("root@example.org")
    client.post("/language", data={"locale": locale, "csrf_token": auth.csrf()})
    valid = auth.csrf()
    for rule, data in FORM_POSTS:
        for csrf in ({"csrf_token": "forged"}, {"csrf_token": valid[:-2] + "xx"}, {}):
            before = _snapshot()
            response = client.post(_path(rule, world), data=data | csrf)
            page = response.get_data(as_text=True)
            assert response.status_code == 400 and page.count(message) == 1, rule
            assert _snapshot() == before and not mailbox.messages, rule
    assert client.get("/account/").status_code == 200  # not even logged out


def _issued_ago(monkeypatch, seconds, action):
    """Run `action` with signed links stamped `seconds` in the past."""
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        action()


def _tampered(link):
    return link[:-3] + ("xyz" if link.endswith("abc") else "abc")


def _says_link_is_dead(response, message="This link is invalid or has expired. Please ask for a new one."):
    page = response.get_data(as_text=True)
    return response.status_code == 400 and message in page and "This link does not work" in page


def test_expired_forged_or_stale_verification_links_say_so(client, auth, create_user, mailbox, monkeypatch):
    user = create_user(email="a@example.org", verified=False, locale="en")
    _issued_ago(monkeypatch, 4 * 24 * 3600, lambda: auth_service.send_verification(user))
    expired = mailbox.last_link()
    auth_service.send_verification(user)
    fresh = mailbox.last_link()
    for link in (expired, "/auth/verify/forged", _tampered(fresh), fresh + "x"):
        assert _says_link_is_dead(client.get(link)), link
    user.email = "b@example.org"  # the address changed after the link was sent
    db.session.commit()
    assert _says_link_is_dead(client.get(fresh))
    db.session.refresh(user)
    assert user.email_verified_at is None
    response = client.get("/auth/verify/forged", headers={"Accept-Language": "zh-CN"})
    assert "这个链接无效或已过期，请重新获取。" in response.get_data(as_text=True)


def test_expired_forged_or_used_reset_links_say_so(client, auth, create_user, mailbox, monkeypatch):
    create_user(email="a@example.org", locale="en")
    _issued_ago(monkeypatch, 2 * 3600, lambda: auth_service.request_password_reset("a@example.org"))
    expired = mailbox.last_link()
    auth_service.request_password_reset("a@example.org")
    fresh = mailbox.last_link()
    assert auth.post(fresh, {"new_password": "a brand new passphrase"}, form_page=fresh).status_code == 302
    auth.logout()
    for link in (expired, "/auth/reset/forged", _tampered(fresh), fresh):  # the last one is used
        assert _says_link_is_dead(client.get(link)), link
        assert _says_link_is_dead(auth.post(link, {"new_password": "an attacker's passphrase"})), link
    assert auth.login("a@example.org", "a brand new passphrase").status_code == 302


def test_expired_forged_or_withdrawn_invitations_say_so(client, auth, create_user, create_org, mailbox):
    admin = create_user(locale="en")
    org = create_org(members={admin: "admin"})
    create_user(email="helper@example.org", locale="en")
    links = {}
    for name in ("expired", "withdrawn"):
        org_service.invite(admin, org, "helper@example.org", "member")
        links[name] = mailbox.last_link()
    first, second = db.session.scalars(db.select(Invitation).order_by(Invitation.id))
    first.expires_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    org_service.revoke_invitation(admin, org, second.id)
    auth.login("helper@example.org")
    message = "This invitation is invalid, used or expired. Ask for a new one."
    for link in (links["expired"], links["withdrawn"], "/orgs/invitations/forged"):
        assert _says_link_is_dead(client.get(link), message), link
        assert _says_link_is_dead(auth.post(link), message), link
    assert db.session.scalar(db.select(db.func.count(Membership.id))) == 1
