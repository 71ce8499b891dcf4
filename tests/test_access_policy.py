"""Every route, every role: the one access policy answers as expected.

The routes are the app's URL map; who may call each, and what a denial looks like, are
declared in tests/routes.py. A forbidden object and a missing one must answer alike, so for
each denial the same request is repeated against ids that do not exist and the two answers
are compared.
"""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from marketplace.auth.service import create_api_token
from marketplace.ledger.causes import Cause
from marketplace.orgs.models import Invitation
from marketplace.platform.extensions import db, limiter
from marketplace.platform.timeutil import now_utc
from tests.conftest import AuthActions
from tests.exchanges.world_agreements import agreements_of
from tests.exchanges.world_posts import posts_of
from tests.exchanges.world_talk import talk_of
from tests.files import PDF as REAL_PDF
from tests.funds.world import funds_of
from tests.meals.world import meals_of
from tests.reconciliation.world import reconciliation_of
from tests.referrals.world import referrals_of
from tests.routes import ROLES, USERS, app_routes, declaration, undeclared
from tests.wishes.world import wishes_of

ALLOWED_STATUSES = {200, 201, 204, 302, 303, 409, 422}


def _names_an_object(rule: str) -> bool:
    """Rules that point at one object (an id or a public code) answer a denial like a missing object."""
    return "<int:" in rule or "_code>" in rule


def test_every_route_is_declared(app):
    problems = undeclared(app)
    assert not problems, "\n".join(problems)


@pytest.fixture
def world(saved_world, create_user, create_org):
    """Organisations of each kind, a user in each role, and objects to aim at: built once per
    worker, then restored on each call. Returns a function giving each role's email, API token, and the ids."""
    return lambda: saved_world("access-policy", lambda: _build_world(create_user, create_org))


def _build_world(create_user, create_org):
    people = {role: create_user(email=f"{role}@example.org", display_name=role) for role in USERS}
    people["platform_admin"].is_platform_admin = True
    co_admin = create_user(email="coadmin@example.org")
    charity = create_org("charity", {people["org_admin"]: "admin", co_admin: "admin",
                                     people["staff"]: "staff"})
    create_org("social_work_station", {people["social_worker"]: "staff"})
    firm = create_org("firm", {people["firm_member"]: "member"})
    create_org("volunteer_team", {people["volunteer"]: "member"})
    invitation = Invitation(organisation=charity, email="later@example.org", role="member",
                            token_hash="0" * 64, invited_by=people["org_admin"],
                            expires_at=now_utc() + timedelta(days=3))
    db.session.add(invitation)
    db.session.commit()
    token, _plain = create_api_token(people["org_admin"], "mine", "read")
    tokens = {role: create_api_token(user, "matrix", "write")[1] for role, user in people.items()}
    staff_membership = next(m for m in charity.memberships if m.user is people["staff"])
    activity, attendance, report, care_request = time_bank_of(charity, people)
    ids = {"org_id": charity.id, "membership_id": staff_membership.id,
           "invitation_id": invitation.id, "token_id": token.id, "district_id": 1, "token": "forged",
           "activity_id": activity.id, "attendance_id": attendance.id, "report_id": report.id,
           "care_id": care_request.id}
    check, item = spot_check_of(charity, people["org_admin"], report)
    ids |= {"check_id": check.id, "item_id": item.id}
    ids |= {"batch_id": import_batch_of(charity, people).id, "fmt": "csv"}
    ids["code"] = certificate_of(charity, people["donor"], people["org_admin"])
    ids |= wishes_of(charity, people["org_admin"], co_admin, claimant=people["donor"], pledger=people["firm_member"])
    ids |= funds_of(charity, people["org_admin"], donor=people["donor"], firm=firm)
    ids |= reconciliation_of(charity, people["staff"], platform_admin=people["platform_admin"])
    ids |= referrals_of(charity, people)
    ids |= meals_of(create_org, people)
    # the three parts' worlds each make a post: the posts part's (made last) is the one `<post_code>` names
    ids |= talk_of(create_org, member=people["volunteer"], other=people["donor"], coordinator=people["social_worker"])
    ids |= agreements_of(charity, people)
    ids |= posts_of(charity, people)
    return {role: user.email for role, user in people.items()}, tokens, ids


def time_bank_of(charity, people):
    """An activity of the charity with the volunteer's attendance, and the volunteer's hour report."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.timebank.activities import service
    from marketplace.timebank.hours import reports

    starts = now_utc().replace(microsecond=0) + timedelta(days=3)
    activity = service.create_activity(people["org_admin"], charity, title="探访", description="",
                                       category="elderly_care", district_id=1, address="", starts_at=starts,
                                       ends_at=starts + timedelta(hours=2), capacity=5)
    service.sign_up(activity.id, people["volunteer"])
    attendance = service.record_by_hand(people["org_admin"], activity.id, people["volunteer"].email, starts,
                                        starts + timedelta(hours=1), "no phone")
    evidence = FileStorage(io.BytesIO(REAL_PDF), filename="e.pdf")
    report = reports.submit_report(people["volunteer"], charity.id, now_utc().date(), 30, "搬家", evidence)
    return activity, attendance, report, care_request_of(charity, people["volunteer"])


def spot_check_of(charity, drawn_by, report):
    """A spot check of the charity sampling one hour report (made directly: the sample is not the point here)."""
    from marketplace.timebank.checks.models import SpotCheck, SpotCheckItem

    check = SpotCheck(organisation_id=charity.id, drawn_by_id=drawn_by.id, period_start=now_utc().date(),
                      period_end=now_utc().date())
    db.session.add(check)
    db.session.flush()
    item = SpotCheckItem(spot_check_id=check.id, report_id=report.id, outcome="unchecked")
    db.session.add(item)
    db.session.commit()
    return check, item


def import_batch_of(charity, people):
    """A checked sheet of the volunteer's offline hours, uploaded by the charity's admin."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.timebank.imports import service as imports

    day = (now_utc() - timedelta(days=1)).date().isoformat()
    sheet = f"email,date,minutes\n{people['volunteer'].email},{day},30\n".encode()
    upload = FileStorage(io.BytesIO(sheet), filename="h.csv")
    return imports.check_import(people["org_admin"], charity, "三月探访", upload)


def certificate_of(charity, volunteer, approver):
    """The code of a certificate of the volunteer's approved hour report (the verify page needs a real one)."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.timebank.certificates import service as certificates
    from marketplace.timebank.hours import reports

    evidence = FileStorage(io.BytesIO(REAL_PDF), filename="e.pdf")
    served = now_utc().date() - timedelta(days=1)
    reports.approve_report(reports.submit_report(volunteer, charity.id, served, 30, "探访", evidence).id, approver)
    today = certificates.local_today()
    return certificates.issue_certificate(volunteer, today - timedelta(days=7), today).code


def care_request_of(charity, requester):
    """An open care request by `requester`, paid from hours issued to them."""
    from marketplace.ledger import service as ledger
    from marketplace.timebank.activities.service import savings_account
    from marketplace.timebank.care import service as care

    ledger.post([(ledger.platform_account("hours_issued"), -120), (savings_account(requester), 120)],
                cause=Cause.test("matrix-care"), kind="hours.attendance")
    db.session.commit()
    return care.request_care(requester, organisation_id=charity.id, recipient_name="王阿姨", service="home_visit",
                             details="", district_id=1, scheduled_at=now_utc() + timedelta(days=2), minutes=60,
                             key="matrix")


ALIASES = {"/reconciliation/platform/profiles/<int:profile_id>": {"profile_id": "platform_profile_id"}}


def _fill(rule: str, ids: dict, missing: bool) -> str:
    def value(match):
        name = match.group(2)
        if name == "token":
            return "forged"
        return str(999_999 if missing else ids[ALIASES.get(rule, {}).get(name, name)])
    return re.sub(r"<(int:|any\([^)]*\):)?(\w+)>", value, rule)


SIGNED_IN: dict[str, tuple[str | None, str, float]] = {}  # role -> (session cookie, CSRF token, when), per worker
FRESH_FOR = 600  # seconds a kept session is used, well inside the CSRF token's time limit


def _client_as(app, emails, role):
    """Return a new client signed in as `role` (anonymous: not signed in) and a CSRF token of its session.

    Each role logs in once per worker; later clients start from the same session cookie. Sessions are
    signed cookies checked against the user's session version, which every restore of the world puts back.
    """
    client = app.test_client()
    if role in SIGNED_IN and time.monotonic() - SIGNED_IN[role][2] <= FRESH_FOR:
        cookie, csrf, _when = SIGNED_IN[role]
        if cookie is not None:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return client, csrf
    auth = AuthActions(client)
    if role != "anonymous":
        assert auth.login(emails[role]).status_code == 302, role
    csrf = auth.csrf("/")
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    SIGNED_IN[role] = (cookie.value if cookie else None, csrf, time.monotonic())
    return client, csrf


def _call(client, csrf, role, tokens, method, path, data, kind):
    if path.startswith("/api/"):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role != "anonymous" else {}
        return client.open(path, method=method, json=data if method != "GET" else None, headers=headers)
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"csrf_token": csrf, **(data or {})})


def _body(response) -> str:
    text = re.sub(r'value="[^"]{20,}"', "", response.get_data(as_text=True))
    return re.sub(r'next=[^"]*', "", text)


@pytest.mark.parametrize("endpoint,method,rule", app_routes(), ids=[f"{m}-{r}" for _e, m, r in app_routes()])
def test_route_answers_each_role_as_the_policy_says(app, world, endpoint, method, rule):
    """Each role in turn, on the world as built; it is put back after a request that may have changed it."""
    declared = declaration(endpoint, method, rule)
    emails, tokens, ids = world()
    for role in ROLES:
        limiter.reset()  # each role starts with its own allowance, as in a test of its own
        changed = _check_role(*_client_as(app, emails, role), tokens, ids, role, method, rule, declared)
        if changed:
            world()


def _check_role(client, csrf, tokens, ids, role, method, rule, declared) -> bool:
    """Assert the role's answer; return whether the request was allowed to change something."""
    allowed, data, kind = declared.roles, declared.request(method), declared.kind
    response = _call(client, csrf, role, tokens, method, _fill(rule, ids, False), data, kind)
    to_login = response.status_code == 302 and "/auth/login" in response.location
    if role != "anonymous":  # whatever the answer, no cache keeps a copy of someone's private page
        assert response.headers.get("Cache-Control") == "no-store", (role, response.headers.get("Cache-Control"))
    if role in allowed:
        assert response.status_code in ALLOWED_STATUSES and not to_login, (role, response.status_code)
        return method != "GET"
    if kind == "link":  # forged emailed links: one plain answer, or log in first
        assert response.status_code == 400 or (to_login and role == "anonymous"), (role, response.status_code)
        return False
    if role == "anonymous":
        assert to_login or response.status_code == 401, (role, response.status_code)
        return False
    expected = {"object": 404, "api": 404 if _names_an_object(rule) else 403, "admin": 403, "page": 403}[kind]
    assert response.status_code == expected, (role, response.status_code)
    if _names_an_object(rule):
        missing = _call(client, csrf, role, tokens, method, _fill(rule, ids, True), data, kind)
        assert missing.status_code == response.status_code, role
        assert _body(missing) == _body(response), role
    return False


def test_a_route_without_a_declaration_is_named():
    from marketplace import create_app
    from tests.conftest import TEST_SETTINGS

    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/new-page", "core.new_page", lambda: "")
    assert undeclared(app) == ["core.new_page (GET /new-page) has no declaration in tests/routes.py"]
    with pytest.raises(AssertionError, match="route 'core.new_page' \\(GET /new-page\\) has no declaration"):
        declaration("core.new_page", "GET", "/new-page")
