"""Every route's declaration, keyed by endpoint and method: who may call it, and what it takes.

The access matrix (tests/test_access_policy.py) and the bad-input walker (tests/test_bad_input.py)
walk `app.url_map` and look each route up here, so a new route fails both (naming its endpoint)
until it is declared, and a declaration whose route is gone fails too.

`D(roles, kind, data, inputs=Route(fields, valid))`:

- `roles`: who may call it, among ROLES, in the access matrix's world (tests/test_access_policy.py);
- `kind`: what a denial looks like: "page" (403), "object" (404, as for a missing object), "api"
  (404 for one object, else 403), "admin" (403), "link" (a forged emailed link: 400 for everyone);
- `data`: the form or JSON body the access matrix sends; by default the valid request of `inputs`;
- `inputs`: the fields and a valid request, in the walker's world (tests/test_bad_input.py), which
  spoils the request one way at a time: over-long text, wrong types, missing fields, unreadable
  bodies, huge ids, forged tokens.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import timedelta

from marketplace.platform.timeutil import now_utc
from tests.conftest import PASSWORD

ROLES = ["anonymous", "volunteer", "donor", "firm_member", "social_worker", "staff", "org_admin", "platform_admin"]
EVERYONE = set(ROLES)
USERS = EVERYONE - {"anonymous"}
CHARITY_MEMBERS = {"staff", "org_admin", "platform_admin"}  # the charity posts wishes and runs funds and activities
CHARITY_ADMINS = {"org_admin", "platform_admin"}
ORG_ADMIN = {"org_admin"}  # casework a platform admin does only through a role in the organisation
BOARD_READERS = CHARITY_MEMBERS | {"social_worker"}  # staff of any organisation
PLATFORM_ADMIN = {"platform_admin"}
REPORT_READERS = {"staff", "org_admin", "social_worker"}  # coordinators and staff of their own organisations
NOBODY: set[str] = set()


@dataclass(frozen=True)
class F:
    """A field: its kind picks the bad values sent (text, email, password, choice, id, number, flag, date,
    datetime or money)."""

    kind: str
    required: bool = True
    nullable: bool = False


@dataclass
class Route:
    fields: dict[str, F] = field(default_factory=dict)
    valid: dict = field(default_factory=dict)
    anonymous: bool = False  # sign-up only shows its form to visitors


TEXT, OPT_TEXT, EMAIL, OPT_EMAIL = F("text"), F("text", False), F("email"), F("email", False)
PASSWORD_FIELD, CHOICE, OPT_CHOICE, ID, OPT_ID = F("password"), F("choice"), F("choice", False), F("id"), F("id", False)
DATETIME, DATE, OPT_DATE = F("datetime"), F("date"), F("date", False)
OPT_DATETIME = F("datetime", False, nullable=True)  # null: the default
NUMBER, OPT_NUMBER, MONEY, OPT_MONEY = F("number"), F("number", False), F("money"), F("money", False)
LAST_WEEK = {
    "period_start": (now_utc().date() - timedelta(days=6)).isoformat(),
    "period_end": now_utc().date().isoformat(),
}
AS_INPUTS = object()
MEAL_CHECKERS = {"social_worker", "platform_admin"}  # statements of need for donated meals
MEALS_TOMORROW = (now_utc() + timedelta(days=1)).date().isoformat()  # the site's today or tomorrow (it is east of UTC)
EXCHANGE_POSTERS = {"staff", "org_admin"}  # the charity's staff member (who posts) and its coordinators
EXCHANGE_POST_FORM = Route(  # an offer's or request's form (a new post also takes its kind and exchange)
    {"kind": OPT_CHOICE, "organisation_id": OPT_ID, "title": TEXT, "category": CHOICE, "district_id": ID,
     "place": OPT_CHOICE, "when_text": OPT_TEXT, "minutes": NUMBER, "body": OPT_TEXT, "active_until": OPT_DATE},
    {"kind": "offer", "title": "陪老人散步", "category": "companionship", "district_id": "1", "place": "outside",
     "when_text": "周二上午", "minutes": "60"},
)

HOUSEHOLD_FORM = Route(  # a household's page form, new and edited alike
    {"pseudonym": TEXT, "district_id": ID, "category": CHOICE, "age_band": CHOICE, "full_name": TEXT,
     "phone": OPT_TEXT, "id_number": OPT_TEXT, "address": OPT_TEXT, "notes": OPT_TEXT, "consent_on": DATE,
     "consent_scope": TEXT},
    {"pseudonym": "青禾", "district_id": "1", "category": "disability", "age_band": "60-79", "full_name": "王某",
     "consent_on": "2026-01-05", "consent_scope": "发布"},
)

CATALOGUE_ITEM_FORM = Route(  # a catalogue item's form, new and changed alike
    {"code": TEXT, "kind": CHOICE, "need_kind": CHOICE, "name_zh": TEXT, "name_en": TEXT, "description": OPT_TEXT,
     "categories": OPT_CHOICE, "required_facts": OPT_CHOICE, "organisation_id": OPT_ID, "fund_id": OPT_ID,
     "budget": OPT_MONEY},
    {"code": "new-item", "kind": "service", "need_kind": "living", "name_zh": "新事项", "name_en": "New item"},
)
COMMUNITY_FORM = Route({"code": TEXT, "name_zh": TEXT, "name_en": TEXT, "district_id": ID, "sort_order": OPT_NUMBER},
                       {"code": "new-community", "name_zh": "新社区", "name_en": "New Community", "district_id": "1"})
VISIT_READERS = {"volunteer", "staff", "org_admin", "platform_admin"}  # who may read the world's household (visits)
VISIT_FORM = Route(  # a visit recorded on a phone
    {"visited_on": DATE, "mode": CHOICE, "minutes": NUMBER, "visitors": OPT_ID, "living": OPT_TEXT,
     "health": OPT_TEXT, "housing": OPT_TEXT, "education": OPT_TEXT, "medical": OPT_TEXT,
     "needs-0-need_kind": OPT_CHOICE, "needs-0-urgency": OPT_CHOICE, "needs-0-description": OPT_TEXT},
    {"visited_on": now_utc().date().isoformat(), "mode": "home", "minutes": "30", "living": "独居，生活能自理",
     "needs-0-need_kind": "medical", "needs-0-urgency": "normal", "needs-0-description": "需要陪同复诊"},
)
EXCHANGE_SIDES = {"volunteer", "donor", "staff", "org_admin"}  # an agreement's two sides and its coordinators
CHARITY_COORDINATORS = {"staff", "org_admin"}
EXCHANGE_SOON = (now_utc() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
EXCHANGE_NOTE = Route({"note": OPT_TEXT, "for_member": OPT_ID}, {"note": "那天有事"})
COMPARISON_FILTERS = Route({"month": OPT_TEXT, "district": OPT_ID, "community": OPT_ID})

REPORT_FILTERS = Route({"report": OPT_CHOICE, "org": OPT_ID, "start": OPT_DATE, "end": OPT_DATE},
                       {"report": "hours-by-month"})


@dataclass(frozen=True)
class D:
    """One route's declaration (see the module's docstring)."""

    roles: set[str]
    kind: str
    data: dict | None | object = AS_INPUTS
    inputs: Route = field(default_factory=Route)

    def request(self, method: str) -> dict | None:
        """The body the access matrix sends: none for a GET, else `data` or the valid inputs."""
        if method == "GET":
            return None
        return self.inputs.valid if self.data is AS_INPUTS else self.data  # type: ignore[return-value]


ROUTES: dict[str, dict[str, D]] = {
    "account.profile": {  # /account/
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            inputs=Route(
                {"display_name": TEXT, "locale": OPT_CHOICE, "phone": OPT_TEXT, "public_display": OPT_CHOICE},
                {"display_name": "新名字", "locale": "en", "phone": "", "public_display": "masked"},
            ),
        ),
    },
    "account.change_password": {  # /account/password
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"current_password": "x", "new_password": "y"},
            inputs=Route(
                {"current_password": TEXT, "new_password": PASSWORD_FIELD},
                {"current_password": PASSWORD, "new_password": "a long new passphrase"},
            ),
        ),
    },
    "account.tokens": {  # /account/tokens
        "GET": D(USERS, "page"),
        "POST": D(
            USERS, "page", inputs=Route({"name": TEXT, "scope": OPT_CHOICE}, {"name": "script", "scope": "read"})
        ),
    },
    "account.revoke_token": {  # /account/tokens/<int:token_id>/revoke
        "POST": D({"org_admin"}, "object"),
    },
    "activities.list_activities": {  # /api/v1/activities
        "GET": D(EVERYONE, "api"),
    },
    "activities.get_activity": {  # /api/v1/activities/<int:activity_id>
        "GET": D(EVERYONE, "api"),
    },
    "activities.list_attendances": {  # /api/v1/activities/<int:activity_id>/attendances
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "activities.cancel_signup": {  # /api/v1/activities/<int:activity_id>/signup
        "DELETE": D(USERS, "api", None),
    },
    "activities.sign_up": {  # /api/v1/activities/<int:activity_id>/signup
        "POST": D(USERS, "api", None),
    },
    "activities.approve_attendance": {  # /api/v1/attendances/<int:attendance_id>/approve
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"minutes": OPT_NUMBER, "note": OPT_TEXT}, {"note": ""})),
    },
    "activities.reject_attendance": {  # /api/v1/attendances/<int:attendance_id>/reject
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"note": TEXT}, {"note": "absent"})),
    },
    "activities.reverse_attendance": {  # /api/v1/attendances/<int:attendance_id>/reverse
        "POST": D(CHARITY_MEMBERS, "api", {"reason": "x"}, inputs=Route({"reason": TEXT}, {"reason": "counted twice"})),
    },
    "activities.check_in": {  # /api/v1/checkins
        "POST": D(USERS, "api", inputs=Route({"token": TEXT}, {"token": "forged"})),
    },
    "activities.create_activity": {  # /api/v1/orgs/<int:org_id>/activities
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {
                    "title": TEXT,
                    "description": OPT_TEXT,
                    "category": CHOICE,
                    "district_id": ID,
                    "address": OPT_TEXT,
                    "starts_at": DATETIME,
                    "ends_at": DATETIME,
                    "signup_cutoff_at": OPT_DATETIME,
                    "capacity": NUMBER,
                    "skills": OPT_TEXT,
                },
                {
                    "title": "探访",
                    "category": "elderly_care",
                    "district_id": 1,
                    "starts_at": "2031-01-01T09:00",
                    "ends_at": "2031-01-01T11:00",
                    "capacity": 5,
                },
            ),
        ),
    },
    "admin.index": {  # /admin/
        "GET": D(PLATFORM_ADMIN, "page"),
    },
    "admin.district": {
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST /admin/districts/<int:district_id>": D(
            PLATFORM_ADMIN,
            "admin",
            {"code": "yuexiu", "name_zh": "越秀区", "name_en": "Yuexiu", "sort_order": "1", "is_active": "y"},
            inputs=Route(
                {
                    "code": TEXT,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "sort_order": OPT_NUMBER,
                    "is_active": F("flag", False),
                },
                {"code": "new-area", "name_zh": "新区", "name_en": "New Area", "sort_order": "30", "is_active": "y"},
            ),
        ),
        "POST /admin/districts/new": D(
            PLATFORM_ADMIN,
            "page",
            {"code": "new", "name_zh": "新区", "name_en": "New", "sort_order": "30"},
            inputs=Route(
                {
                    "code": TEXT,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "sort_order": OPT_NUMBER,
                    "is_active": F("flag", False),
                },
                {"code": "new-area", "name_zh": "新区", "name_en": "New Area", "sort_order": "30", "is_active": "y"},
            ),
        ),
    },
    "admin.payout": {  # /admin/payouts
        "POST": D(
            PLATFORM_ADMIN,
            "admin",
            {"payout_id": "po_matrix", "amount": "1"},
            inputs=Route({"payout_id": TEXT, "amount": MONEY}, {"payout_id": "po_walk", "amount": "1"}),
        ),
    },
    "api-docs.openapi_json": {  # /api/openapi.json
        "GET": D(EVERYONE, "api"),
    },
    "apidocs.docs": {  # /api/docs
        "GET": D(EVERYONE, "page"),
    },
    "auth.login": {  # /auth/login
        "GET": D(EVERYONE, "page"),
        "POST": D(
            EVERYONE,
            "page",
            {"email": "coadmin@example.org", "password": PASSWORD},
            inputs=Route({"email": EMAIL, "password": TEXT}, {"email": "root@example.org", "password": PASSWORD}),
        ),
    },
    "auth.logout": {  # /auth/logout
        "POST": D(EVERYONE, "page"),
    },
    "auth.register": {  # /auth/register
        "GET": D(EVERYONE, "page"),
        "POST": D(
            EVERYONE,
            "page",
            inputs=Route(
                {"display_name": TEXT, "email": EMAIL, "password": PASSWORD_FIELD, "locale": OPT_CHOICE},
                {
                    "display_name": "新人",
                    "email": "new@example.org",
                    "password": "a long new passphrase",
                    "locale": "en",
                },
                anonymous=True,
            ),
        ),
    },
    "auth.request_reset": {  # /auth/reset
        "GET": D(EVERYONE, "page"),
        "POST": D(
            EVERYONE, "page", {"email": "x@example.org"}, inputs=Route({"email": EMAIL}, {"email": "root@example.org"})
        ),
    },
    "auth.reset_password": {  # /auth/reset/<token>
        "GET": D(NOBODY, "link"),
        "POST": D(
            NOBODY, "link", inputs=Route({"new_password": PASSWORD_FIELD}, {"new_password": "a long new passphrase"})
        ),
    },
    "auth.verify_email": {  # /auth/verify/<token>
        "GET": D(NOBODY, "link"),
    },
    "auth.resend_verification": {  # /auth/verify/resend
        "POST": D(USERS, "page"),
    },
    "care.ask_for_care": {  # /api/v1/care
        "POST": D(
            USERS,
            "api",
            {"recipient_name": ""},
            inputs=Route(
                {
                    "organisation_id": ID,
                    "recipient_name": TEXT,
                    "service": CHOICE,
                    "details": OPT_TEXT,
                    "address": OPT_TEXT,
                    "contact": OPT_TEXT,
                    "district_id": ID,
                    "scheduled_at": DATETIME,
                    "minutes": NUMBER,
                    "idempotency_key": TEXT,
                },
                {
                    "recipient_name": "王阿姨",
                    "service": "home_visit",
                    "district_id": 1,
                    "scheduled_at": "2031-01-01T09:00",
                    "minutes": 60,
                    "idempotency_key": "k",
                },
            ),
        ),
    },
    "care.list_care": {  # /api/v1/care
        "GET": D(USERS, "api"),
    },
    "care.get_care": {  # /api/v1/care/<int:care_id>
        "GET": D(USERS, "api"),
    },
    "care.accept_care": {  # /api/v1/care/<int:care_id>/accept
        "POST": D(USERS, "api", None),
    },
    "care.cancel_care": {  # /api/v1/care/<int:care_id>/cancel
        "POST": D({"volunteer"}, "api", None),
    },
    "care.release_care": {  # /api/v1/care/<int:care_id>/release
        "POST": D(USERS, "api", None),
    },
    "care.confirm_care": {  # /api/v1/care/<int:care_id>/confirm
        "POST": D({"volunteer"}, "api", None),
    },
    "care.dispute_care": {  # /api/v1/care/<int:care_id>/dispute
        "POST": D({"volunteer"}, "api", inputs=Route({"note": TEXT}, {"note": "late"})),
    },
    "care.settle_care": {  # /api/v1/care/<int:care_id>/settle
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"minutes": NUMBER, "note": TEXT}, {"minutes": 0, "note": "x"})),
    },
    "care.get_pool": {  # /api/v1/orgs/<int:org_id>/pool
        "GET": D(USERS, "api"),
    },
    "care.give_to_pool": {  # /api/v1/orgs/<int:org_id>/pool
        "POST": D(
            USERS,
            "api",
            {"minutes": 1, "idempotency_key": "m"},
            inputs=Route({"minutes": NUMBER, "idempotency_key": TEXT}, {"minutes": 1, "idempotency_key": "k"}),
        ),
    },
    "certificates.download": {  # /timebank/certificates
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"period_start": "2026-01-01", "period_end": "2026-01-31"},
            inputs=Route({"period_start": DATE, "period_end": DATE}, LAST_WEEK),
        ),
    },
    "certificates.verify": {  # /verify/<code>
        "GET": D(EVERYONE, "page"),
    },
    "core.home": {  # /
        "GET": D(EVERYONE, "page"),
    },
    "core.healthz": {  # /healthz
        "GET": D(EVERYONE, "page"),
    },
    "core.set_language": {  # /language
        "POST": D(EVERYONE, "page", inputs=Route({"locale": OPT_CHOICE}, {"locale": "en"})),
    },
    "core.set_text_size": {  # /text-size
        "POST": D(EVERYONE, "page", inputs=Route({"size": OPT_CHOICE}, {"size": "large"})),
    },
    "donations_api.start_donation": {  # /api/v1/donations
        "POST": D(
            USERS,
            "api",
            {"amount_fen": 100},
            inputs=Route(
                {
                    "fund_code": OPT_TEXT,
                    "amount_fen": OPT_NUMBER,
                    "display": OPT_CHOICE,
                    "message": OPT_TEXT,
                    "organisation_id": F("id", False, True),
                    "excess_choice": OPT_CHOICE,
                },
                {"amount_fen": 1000},
            ),
        ),
    },
    "donations_api.get_donation": {  # /api/v1/donations/<donation_code>
        "GET": D({"donor"}, "api"),
    },
    "firms.show": {  # /firms/<int:firm_id>
        "GET": D(PLATFORM_ADMIN | {"firm_member"}, "object"),
    },
    "firms.leaderboard_choice": {  # /firms/<int:firm_id>/leaderboard
        "POST": D(PLATFORM_ADMIN, "object", inputs=Route({"on": CHOICE}, {"on": "1"})),
    },
    "firms.leaderboard": {  # /firms/leaderboard
        "GET": D(EVERYONE, "page"),
    },
    "funds.show": {  # /funds/<fund_code>
        "GET": D(EVERYONE, "object"),
    },
    "funds.fund_disbursements": {  # /funds/<fund_code>/disbursements
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "funds.new_disbursement": {  # /funds/<fund_code>/disbursements/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            {"payee": "店", "purpose": "修门", "amount": "1"},
            inputs=Route(
                {"payee": TEXT, "purpose": TEXT, "amount": MONEY, "listing_id": OPT_ID},
                {"payee": "五金店", "purpose": "修门", "amount": "150.50"},
            ),
        ),
    },
    "funds.disbursement": {  # /funds/disbursements/<int:disbursement_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "funds.approve": {  # /funds/disbursements/<int:disbursement_id>/approve
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "funds.evidence_file": {  # /funds/disbursements/<int:disbursement_id>/evidence
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "funds.publish": {  # /funds/disbursements/<int:disbursement_id>/publish
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"confirm": F("flag", False)}, {"confirm": "y"})),
    },
    "funds.reject": {  # /funds/disbursements/<int:disbursement_id>/reject
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"reason": TEXT}, {"reason": "重复"})),
    },
    "funds.unpublish": {  # /funds/disbursements/<int:disbursement_id>/unpublish
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "funds.org_funds": {  # /funds/orgs/<int:org_id>
        "GET": D(EVERYONE, "object"),
    },
    "funds.new_fund": {  # /funds/orgs/<int:org_id>/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {
                    "kind": CHOICE,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "purpose": OPT_TEXT,
                    "district_id": OPT_ID,
                    "named_after": OPT_TEXT,
                },
                {"kind": "general", "name_zh": "社区基金", "name_en": "Community Fund"},
            ),
        ),
    },
    "funds.public_receipt": {  # /funds/receipts/<disbursement_code>
        "GET": D(EVERYONE, "object"),
    },
    "funds_api.approve_disbursement": {  # /api/v1/disbursements/<int:disbursement_id>/approve
        "POST": D(CHARITY_MEMBERS, "api", None),
    },
    "funds_api.reject_disbursement": {  # /api/v1/disbursements/<int:disbursement_id>/reject
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"reason": TEXT}, {"reason": "重复"})),
    },
    "funds_api.get_fund": {  # /api/v1/funds/<fund_code>
        "GET": D(EVERYONE, "api"),
    },
    "funds_api.list_disbursements": {  # /api/v1/funds/<fund_code>/disbursements
        "GET": D(EVERYONE, "api"),
    },
    "funds_api.request_disbursement": {  # /api/v1/funds/<fund_code>/disbursements
        "POST": D(CHARITY_MEMBERS, "api", {"payee": "店"}),
    },
    "funds_api.create_fund": {  # /api/v1/orgs/<int:org_id>/funds
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {
                    "kind": CHOICE,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "purpose": OPT_TEXT,
                    "district_id": F("id", False, True),
                    "named_after": OPT_TEXT,
                },
                {"kind": "general", "name_zh": "社区基金", "name_en": "Community Fund"},
            ),
        ),
    },
    "funds_api.list_funds": {  # /api/v1/orgs/<int:org_id>/funds
        "GET": D(EVERYONE, "api"),
    },
    "hours.verify_certificate": {  # /api/v1/certificates/<code>
        "GET": D(EVERYONE, "api"),
    },
    "hours.approve_report": {  # /api/v1/hour-reports/<int:report_id>/approve
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"note": OPT_TEXT}, {"note": ""})),
    },
    "hours.reject_report": {  # /api/v1/hour-reports/<int:report_id>/reject
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"note": TEXT}, {"note": "no"})),
    },
    "hours.reverse_report": {  # /api/v1/hour-reports/<int:report_id>/reverse
        "POST": D(CHARITY_MEMBERS, "api", {"reason": "x"}, inputs=Route({"reason": TEXT}, {"reason": "counted twice"})),
    },
    "hours.my_reports": {  # /api/v1/me/hour-reports
        "GET": D(USERS, "api"),
    },
    "hours.my_hours": {  # /api/v1/me/hours
        "GET": D(USERS, "api"),
    },
    "hours.my_statement": {  # /api/v1/me/hours/statement
        "GET": D(USERS, "api"),
    },
    "hours.give_hours": {  # /api/v1/me/hours/transfers
        "POST": D(
            USERS,
            "api",
            {"email": "coadmin@example.org", "minutes": 5, "idempotency_key": "matrix"},
            inputs=Route(
                {"email": EMAIL, "minutes": NUMBER, "idempotency_key": TEXT},
                {"email": "staff@example.org", "minutes": 5, "idempotency_key": "k"},
            ),
        ),
    },
    "hours.pending_reports": {  # /api/v1/orgs/<int:org_id>/hour-reports
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "households.get_beneficiary": {  # /api/v1/beneficiaries/<int:beneficiary_id>
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "households.update_beneficiary": {  # /api/v1/beneficiaries/<int:beneficiary_id>
        "PATCH": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {
                    "district_id": OPT_ID,
                    "category": OPT_CHOICE,
                    "age_band": OPT_CHOICE,
                    "full_name": OPT_TEXT,
                    "consent_on": OPT_DATE,
                    "consent_scope": OPT_TEXT,
                    "pseudonym": OPT_TEXT,
                    "phone": OPT_TEXT,
                    "id_number": OPT_TEXT,
                    "address": OPT_TEXT,
                    "notes": OPT_TEXT,
                },
                {"pseudonym": "新名"},
            ),
        ),
    },
    "households.reveal_id_number": {  # /api/v1/beneficiaries/<int:beneficiary_id>/id-number
        "POST": D(ORG_ADMIN, "api", None),
    },
    "households.verify_beneficiary": {  # /api/v1/beneficiaries/<int:beneficiary_id>/verification
        "POST": D(CHARITY_MEMBERS, "api", None),
    },
    "households.list_beneficiaries": {  # /api/v1/orgs/<int:org_id>/beneficiaries
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "households.register_beneficiary": {  # /api/v1/orgs/<int:org_id>/beneficiaries
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {
                    "district_id": ID,
                    "category": CHOICE,
                    "age_band": CHOICE,
                    "full_name": TEXT,
                    "consent_on": DATE,
                    "consent_scope": TEXT,
                    "pseudonym": F("text", False, True),
                    "phone": OPT_TEXT,
                    "id_number": OPT_TEXT,
                    "address": OPT_TEXT,
                    "notes": OPT_TEXT,
                },
                {
                    "district_id": 1,
                    "category": "elderly_alone",
                    "age_band": "80+",
                    "full_name": "王",
                    "consent_on": "2026-01-05",
                    "consent_scope": "x",
                },
            ),
        ),
    },
    "listings.create_listing": {  # /api/v1/beneficiaries/<int:beneficiary_id>/listings
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {"kind": CHOICE, "title": TEXT, "story": OPT_TEXT, "quantity": OPT_NUMBER, "value_fen": OPT_NUMBER},
                {"kind": "wish", "title": "书包", "value_fen": 10000},
            ),
        ),
    },
    "listings.board": {  # /api/v1/board
        "GET": D(BOARD_READERS, "api"),
    },
    "listings.board_counts": {  # /api/v1/board/counts
        "GET": D(BOARD_READERS, "api"),
    },
    "listings.decide_cancellation": {  # /api/v1/cancellations/<int:cancellation_id>/decision
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"decision": CHOICE}, {"decision": "reject"})),
    },
    "listings.list_listings": {  # /api/v1/listings
        "GET": D(EVERYONE, "api"),
    },
    "listings.get_listing": {  # /api/v1/listings/<listing_code>
        "GET": D(EVERYONE, "api"),
    },
    "listings.update_listing": {  # /api/v1/listings/<listing_code>
        "PATCH": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {"title": OPT_TEXT, "story": OPT_TEXT, "quantity": OPT_NUMBER, "value_fen": OPT_NUMBER}, {"title": "改"}
            ),
        ),
    },
    "listings.approve_budget": {  # /api/v1/listings/<listing_code>/approve-budget
        "POST": D(CHARITY_ADMINS, "api", inputs=Route({"note": TEXT}, {"note": "ok"})),
    },
    "listings.propose_cancellation": {  # /api/v1/listings/<listing_code>/cancellations
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route({"action": CHOICE, "reason": TEXT}, {"action": "refund", "reason": "x"}),
        ),
    },
    "listings.claim_wish": {  # /api/v1/listings/<listing_code>/claims
        "POST": D(
            USERS,
            "api",
            inputs=Route({"method": OPT_CHOICE, "organisation_id": F("id", False, True)}, {"method": "in_kind"}),
        ),
    },
    "listings.confirm_delivery": {  # /api/v1/listings/<listing_code>/delivery
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"note": OPT_TEXT}, {"note": ""})),
    },
    "listings.make_pledge": {  # /api/v1/listings/<listing_code>/pledges
        "POST": D(
            USERS,
            "api",
            inputs=Route({"amount_fen": NUMBER, "organisation_id": F("id", False, True)}, {"amount_fen": 1000}),
        ),
    },
    "listings.record_share": {  # /api/v1/listings/<listing_code>/shares
        "POST": D(
            CHARITY_MEMBERS,
            "api",
            inputs=Route(
                {"source": CHOICE, "amount_fen": NUMBER, "received_on": DATE, "reference": OPT_TEXT},
                {"source": "government", "amount_fen": 100, "received_on": "2026-01-05"},
            ),
        ),
    },
    "listings.write_thanks": {  # /api/v1/listings/<listing_code>/thanks
        "POST": D(CHARITY_MEMBERS, "api", inputs=Route({"text": TEXT}, {"text": "谢谢"})),
    },
    "listings.list_transitions": {  # /api/v1/listings/<listing_code>/transitions
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "listings.make_transition": {  # /api/v1/listings/<listing_code>/transitions
        "POST": D(
            CHARITY_MEMBERS, "api", inputs=Route({"to": CHOICE, "note": OPT_TEXT}, {"to": "withdrawn", "note": "x"})
        ),
    },
    "listings.my_pledges": {  # /api/v1/me/pledges
        "GET": D(USERS, "api"),
    },
    "listings.my_claims": {  # /api/v1/me/wish-claims
        "GET": D(USERS, "api"),
    },
    "listings.withdraw_pledge": {  # /api/v1/pledges/<int:pledge_id>/withdraw
        "POST": D(CHARITY_MEMBERS | {"firm_member"}, "api", None),
    },
    "listings.release_claim": {  # /api/v1/wish-claims/<int:wish_claim_id>/release
        "POST": D(CHARITY_MEMBERS | {"donor"}, "api", None),
    },
    "me.get_me": {  # /api/v1/me
        "GET": D(USERS, "api"),
    },
    "me.update_me": {  # /api/v1/me
        "PATCH": D(
            USERS,
            "api",
            {"locale": "en"},
            inputs=Route(
                {
                    "display_name": OPT_TEXT,
                    "locale": OPT_CHOICE,
                    "phone": F("text", False, True),
                    "public_display": OPT_CHOICE,
                },
                {"display_name": "新名字", "locale": "en"},
            ),
        ),
    },
    "organisations.list_districts": {  # /api/v1/districts
        "GET": D(EVERYONE, "api"),
    },
    "organisations.create_organisation": {  # /api/v1/orgs
        "POST": D(
            USERS,
            "api",
            {"kind": "charity", "name_zh": "新机构", "name_en": "New", "district_id": 1},
            inputs=Route(
                {
                    "kind": CHOICE,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "district_id": ID,
                    "description": OPT_TEXT,
                    "contact_name": OPT_TEXT,
                    "contact_phone": OPT_TEXT,
                    "contact_email": OPT_EMAIL,
                },
                {
                    "kind": "charity",
                    "name_zh": "新机构",
                    "name_en": "New",
                    "district_id": 2,
                    "description": "",
                    "contact_email": "",
                },
            ),
        ),
    },
    "organisations.list_organisations": {  # /api/v1/orgs
        "GET": D(EVERYONE, "api"),
    },
    "organisations.get_organisation": {  # /api/v1/orgs/<int:org_id>
        "GET": D(EVERYONE, "api"),
    },
    "organisations.update_organisation": {  # /api/v1/orgs/<int:org_id>
        "PATCH": D(
            CHARITY_ADMINS,
            "api",
            {"name_en": "Renamed"},
            inputs=Route(
                {
                    "name_zh": OPT_TEXT,
                    "name_en": OPT_TEXT,
                    "district_id": OPT_ID,
                    "description": OPT_TEXT,
                    "contact_name": OPT_TEXT,
                    "contact_phone": OPT_TEXT,
                    "contact_email": OPT_EMAIL,
                },
                {"name_en": "Renamed", "district_id": 2},
            ),
        ),
    },
    "organisations.invite": {  # /api/v1/orgs/<int:org_id>/invitations
        "POST": D(
            CHARITY_ADMINS,
            "api",
            {"email": "a@example.org"},
            inputs=Route({"email": EMAIL, "role": OPT_CHOICE}, {"email": "joiner@example.org"}),
        ),
    },
    "organisations.list_members": {  # /api/v1/orgs/<int:org_id>/members
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "organisations.change_role": {  # /api/v1/orgs/<int:org_id>/members/<int:membership_id>
        "PATCH": D(CHARITY_ADMINS, "api", inputs=Route({"role": CHOICE}, {"role": "coordinator"})),
    },
    "organisations.remove_member": {  # /api/v1/orgs/<int:org_id>/members/<int:membership_id>
        "DELETE": D(CHARITY_ADMINS, "api", None),
    },
    "orgs.index": {  # /orgs/
        "GET": D(EVERYONE, "page"),
    },
    "orgs.show": {  # /orgs/<int:org_id>
        "GET": D(EVERYONE, "object"),
    },
    "orgs.edit": {  # /orgs/<int:org_id>/edit
        "GET": D(CHARITY_ADMINS, "object"),
        "POST": D(
            CHARITY_ADMINS,
            "object",
            {"name_zh": "改名", "name_en": "Renamed", "district_id": "2"},
            inputs=Route(
                {
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "district_id": OPT_ID,
                    "description": OPT_TEXT,
                    "contact_name": OPT_TEXT,
                    "contact_phone": OPT_TEXT,
                    "contact_email": OPT_EMAIL,
                },
                {"name_zh": "新机构", "name_en": "New", "district_id": 2, "description": "", "contact_email": ""},
            ),
        ),
    },
    "orgs.revoke_invitation": {  # /orgs/<int:org_id>/invitations/<int:invitation_id>/revoke
        "POST": D(CHARITY_ADMINS, "object"),
    },
    "orgs.leave": {  # /orgs/<int:org_id>/leave
        "POST": D({"org_admin", "staff"}, "object"),
    },
    "orgs.members": {  # /orgs/<int:org_id>/members
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "orgs.remove_member": {  # /orgs/<int:org_id>/members/<int:membership_id>/remove
        "POST": D(CHARITY_ADMINS, "object"),
    },
    "orgs.change_role": {  # /orgs/<int:org_id>/members/<int:membership_id>/role
        "POST": D(CHARITY_ADMINS, "object", inputs=Route({"role": CHOICE}, {"role": "coordinator"})),
    },
    "orgs.invite": {  # /orgs/<int:org_id>/members/invite
        "POST": D(
            CHARITY_ADMINS,
            "object",
            inputs=Route({"email": EMAIL, "role": CHOICE}, {"email": "joiner@example.org", "role": "member"}),
        ),
    },
    "orgs.verify": {  # /orgs/<int:org_id>/verify
        "POST": D(PLATFORM_ADMIN, "object", inputs=Route({"verified": CHOICE}, {"verified": "1"})),
    },
    "orgs.invitation": {  # /orgs/invitations/<token>
        "GET": D(NOBODY, "link"),
        "POST": D(NOBODY, "link"),
    },
    "mine.home": {  # /me
        "GET": D(USERS, "page"),
    },
    "orgs.create": {  # /orgs/new
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"kind": "charity", "name_zh": "新机构", "name_en": "New", "district_id": "1"},
            inputs=Route(
                {
                    "kind": CHOICE,
                    "name_zh": TEXT,
                    "name_en": TEXT,
                    "district_id": ID,
                    "description": OPT_TEXT,
                    "contact_name": OPT_TEXT,
                    "contact_phone": OPT_TEXT,
                    "contact_email": OPT_EMAIL,
                },
                {
                    "kind": "charity",
                    "name_zh": "新机构",
                    "name_en": "New",
                    "district_id": 2,
                    "description": "",
                    "contact_email": "",
                },
            ),
        ),
    },
    "payments.attention_list": {  # /payments/attention
        "GET": D(PLATFORM_ADMIN, "admin"),
    },
    "payments.attention_settle": {  # /payments/attention/<int:payment_event_id>/settle
        "POST": D(PLATFORM_ADMIN, "admin", inputs=Route({"note": TEXT}, {"note": "done"})),
    },
    "payments.demo_checkout": {  # /payments/demo/<donation_code>
        "GET": D({"donor"}, "object"),
        "POST": D({"donor"}, "object", inputs=Route({"outcome": CHOICE}, {"outcome": "pay"})),
    },
    "payments.donation": {  # /payments/donations/<donation_code>
        "GET": D({"donor"}, "object"),
    },
    "payments.receipt_download": {  # /payments/donations/<donation_code>/receipt.pdf
        "GET": D(CHARITY_MEMBERS | {"donor"}, "object"),
    },
    "payments.give_fund": {  # /payments/give/fund/<fund_code>
        "GET": D(USERS, "object"),
        "POST": D(
            USERS,
            "object",
            inputs=Route(
                {"amount": MONEY, "display": OPT_CHOICE, "message": OPT_TEXT, "organisation_id": OPT_ID},
                {"amount": "88.80", "display": "masked"},
            ),
        ),
    },
    "payments.give_need": {  # /payments/give/need/<listing_code>
        "GET": D(NOBODY, "object"),
        "POST": D(
            NOBODY,
            "object",
            {"amount": "1"},
            inputs=Route(
                {"amount": MONEY, "display": OPT_CHOICE, "message": OPT_TEXT, "excess_choice": OPT_CHOICE},
                {"amount": "10"},
            ),
        ),
    },
    "payments.give_pledge": {  # /payments/give/pledge/<int:pledge_id>
        "GET": D({"firm_member"}, "object"),
        "POST": D(
            {"firm_member"},
            "object",
            inputs=Route(
                {"display": OPT_CHOICE, "message": OPT_TEXT, "excess_choice": OPT_CHOICE}, {"display": "masked"}
            ),
        ),
    },
    "payments.give_wish": {  # /payments/give/wish/<listing_code>
        "GET": D(USERS, "object"),
        "POST": D(
            USERS,
            "object",
            inputs=Route(
                {"display": OPT_CHOICE, "message": OPT_TEXT, "excess_choice": OPT_CHOICE}, {"display": "masked"}
            ),
        ),
    },
    "payments.my_giving": {  # /payments/my
        "GET": D(USERS, "page"),
    },
    "payments.resume_gift": {  # /payments/donations/<donation_code>/resume
        "POST": D({"donor"}, "object"),
    },
    "payments.cancel_gift": {  # /payments/donations/<donation_code>/cancel
        "POST": D({"donor"}, "object"),
    },
    "payments.offline_cancel": {  # /payments/offline/<int:donation_id>/cancel
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "payments.offline_confirm": {  # /payments/offline/<int:donation_id>/confirm
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "payments.offline_evidence": {  # /payments/offline/<int:donation_id>/evidence
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "payments.offline_gifts": {  # /payments/orgs/<int:org_id>/offline
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            {"method": "bank", "amount": "1"},
            inputs=Route(
                {
                    "fund_id": ID,
                    "method": CHOICE,
                    "amount": MONEY,
                    "payer_email": OPT_EMAIL,
                    "payer_name": OPT_TEXT,
                    "firm_id": OPT_ID,
                    "display": CHOICE,
                    "reference": OPT_TEXT,
                    "received_on": DATE,
                },
                {
                    "fund_id": "1",
                    "method": "bank",
                    "amount": "100",
                    "payer_name": "李女士",
                    "display": "masked",
                    "received_on": "2026-11-01",
                },
            ),
        ),
    },
    "payments.stripe_webhook": {  # /payments/stripe/webhook
        "POST": D(NOBODY, "link"),
    },
    "reconciliation.index": {  # /reconciliation/
        "GET": D(USERS, "page"),
    },
    "reconciliation.import_status": {  # /reconciliation/imports/<int:import_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "reconciliation.books": {
        "GET /reconciliation/orgs/<int:org_id>/": D(CHARITY_MEMBERS, "object"),
        "GET /reconciliation/platform/": D(PLATFORM_ADMIN, "admin"),
    },
    "reconciliation.correct": {
        "POST /reconciliation/orgs/<int:org_id>/correct": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route({"line_id": ID, "reason": TEXT}, {"line_id": "1", "reason": "银行手续费"}),
        ),
        "POST /reconciliation/platform/correct": D(
            PLATFORM_ADMIN,
            "admin",
            inputs=Route({"line_id": ID, "reason": TEXT}, {"line_id": "1", "reason": "银行手续费"}),
        ),
    },
    "reconciliation.approve_correction": {
        "POST /reconciliation/orgs/<int:org_id>/corrections/<int:request_id>/approve": D(CHARITY_MEMBERS, "object"),
        "POST /reconciliation/platform/corrections/<int:request_id>/approve": D(PLATFORM_ADMIN, "admin"),
    },
    "reconciliation.reject_correction": {
        "POST /reconciliation/orgs/<int:org_id>/corrections/<int:request_id>/reject": D(CHARITY_MEMBERS, "object"),
        "POST /reconciliation/platform/corrections/<int:request_id>/reject": D(PLATFORM_ADMIN, "admin"),
    },
    "reconciliation.upload": {
        "POST /reconciliation/orgs/<int:org_id>/imports": D(
            CHARITY_MEMBERS, "object", inputs=Route({"kind": CHOICE, "profile_id": OPT_ID}, {"kind": "bank"})
        ),
        "POST /reconciliation/platform/imports": D(
            PLATFORM_ADMIN, "admin", inputs=Route({"kind": CHOICE, "profile_id": OPT_ID}, {"kind": "bank"})
        ),
    },
    "reconciliation.match": {
        "POST /reconciliation/orgs/<int:org_id>/match": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route({"line_id": ID, "posting_id": ID}, {"line_id": "1", "posting_id": "1"}),
        ),
        "POST /reconciliation/platform/match": D(
            PLATFORM_ADMIN,
            "admin",
            inputs=Route({"line_id": ID, "posting_id": ID}, {"line_id": "1", "posting_id": "1"}),
        ),
    },
    "reconciliation.run_matching": {
        "POST /reconciliation/orgs/<int:org_id>/match-run": D(
            CHARITY_MEMBERS, "object", inputs=Route({"account": OPT_CHOICE}, {"account": "bank"})
        ),
        "POST /reconciliation/platform/match-run": D(
            PLATFORM_ADMIN, "admin", inputs=Route({"account": OPT_CHOICE}, {"account": "bank"})
        ),
    },
    "reconciliation.org_periods": {  # /reconciliation/orgs/<int:org_id>/periods
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_ADMINS,
            "object",
            {"month": "2026-10", "note": "已对账"},
            inputs=Route(
                {"month": TEXT, "note": OPT_TEXT, "confirm": OPT_CHOICE}, {"month": "2026-10", "confirm": "yes"}
            ),
        ),
    },
    "reconciliation.edit_profile": {
        "GET /reconciliation/orgs/<int:org_id>/profiles/<int:profile_id>": D(CHARITY_MEMBERS, "object"),
        "GET /reconciliation/platform/profiles/<int:profile_id>": D(PLATFORM_ADMIN, "admin"),
        "POST /reconciliation/orgs/<int:org_id>/profiles/<int:profile_id>": D(
            CHARITY_MEMBERS,
            "object",
            {"name": "建设银行", "date_column": "日期", "amount_column": "金额"},
            inputs=Route(
                {
                    "name": TEXT,
                    "date_column": TEXT,
                    "date_format": OPT_CHOICE,
                    "amount_column": OPT_TEXT,
                    "debit_column": OPT_TEXT,
                    "credit_column": OPT_TEXT,
                    "description_column": OPT_TEXT,
                    "reference_column": OPT_TEXT,
                    "encoding": OPT_CHOICE,
                },
                {
                    "name": "建设银行",
                    "date_column": "日期",
                    "date_format": "%Y-%m-%d",
                    "amount_column": "金额",
                    "encoding": "utf-8",
                },
            ),
        ),
        "POST /reconciliation/platform/profiles/<int:profile_id>": D(
            PLATFORM_ADMIN,
            "admin",
            {"name": "建设银行", "date_column": "日期", "amount_column": "金额"},
            inputs=Route(
                {
                    "name": TEXT,
                    "date_column": TEXT,
                    "date_format": OPT_CHOICE,
                    "amount_column": OPT_TEXT,
                    "debit_column": OPT_TEXT,
                    "credit_column": OPT_TEXT,
                    "description_column": OPT_TEXT,
                    "reference_column": OPT_TEXT,
                    "encoding": OPT_CHOICE,
                },
                {
                    "name": "建设银行",
                    "date_column": "日期",
                    "date_format": "%Y-%m-%d",
                    "amount_column": "金额",
                    "encoding": "utf-8",
                },
            ),
        ),
    },
    "reconciliation.new_profile": {
        "GET /reconciliation/orgs/<int:org_id>/profiles/new": D(CHARITY_MEMBERS, "object"),
        "GET /reconciliation/platform/profiles/new": D(PLATFORM_ADMIN, "admin"),
        "POST /reconciliation/orgs/<int:org_id>/profiles/new": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {
                    "name": TEXT,
                    "date_column": TEXT,
                    "date_format": CHOICE,
                    "amount_column": OPT_TEXT,
                    "debit_column": OPT_TEXT,
                    "credit_column": OPT_TEXT,
                    "description_column": OPT_TEXT,
                    "reference_column": OPT_TEXT,
                    "encoding": CHOICE,
                },
                {
                    "name": "建设银行",
                    "date_column": "日期",
                    "date_format": "%Y-%m-%d",
                    "amount_column": "金额",
                    "encoding": "utf-8",
                },
            ),
        ),
        "POST /reconciliation/platform/profiles/new": D(
            PLATFORM_ADMIN,
            "admin",
            inputs=Route(
                {
                    "name": TEXT,
                    "date_column": TEXT,
                    "date_format": CHOICE,
                    "amount_column": OPT_TEXT,
                    "debit_column": OPT_TEXT,
                    "credit_column": OPT_TEXT,
                    "description_column": OPT_TEXT,
                    "reference_column": OPT_TEXT,
                    "encoding": CHOICE,
                },
                {
                    "name": "建设银行",
                    "date_column": "日期",
                    "date_format": "%Y-%m-%d",
                    "amount_column": "金额",
                    "encoding": "utf-8",
                },
            ),
        ),
    },
    "reports.index": {  # /reports/
        "GET": D(REPORT_READERS, "page", inputs=REPORT_FILTERS),
    },
    "reports.export": {  # /reports/export.<any(csv, xlsx, pdf):fmt>
        "GET": D(REPORT_READERS, "page", inputs=REPORT_FILTERS),
    },
    "reconciliation.report": {
        "GET /reconciliation/orgs/<int:org_id>/report": D(
            CHARITY_MEMBERS, "object", inputs=Route({"account": OPT_CHOICE, "start": OPT_DATE, "end": OPT_DATE})
        ),
        "GET /reconciliation/platform/report": D(
            PLATFORM_ADMIN, "admin", inputs=Route({"account": OPT_CHOICE, "start": OPT_DATE, "end": OPT_DATE})
        ),
    },
    "reconciliation.report_xlsx": {
        "GET /reconciliation/orgs/<int:org_id>/report.xlsx": D(
            CHARITY_MEMBERS, "object", inputs=Route({"account": OPT_CHOICE, "start": OPT_DATE, "end": OPT_DATE})
        ),
        "GET /reconciliation/platform/report.xlsx": D(
            PLATFORM_ADMIN, "admin", inputs=Route({"account": OPT_CHOICE, "start": OPT_DATE, "end": OPT_DATE})
        ),
    },
    "reconciliation.unmatched": {
        "GET /reconciliation/orgs/<int:org_id>/unmatched": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {
                    "account": OPT_CHOICE,
                    "start": OPT_DATE,
                    "end": OPT_DATE,
                    "line_after": OPT_ID,
                    "posting_after": OPT_ID,
                }
            ),
        ),
        "GET /reconciliation/platform/unmatched": D(
            PLATFORM_ADMIN,
            "admin",
            inputs=Route(
                {
                    "account": OPT_CHOICE,
                    "start": OPT_DATE,
                    "end": OPT_DATE,
                    "line_after": OPT_ID,
                    "posting_after": OPT_ID,
                }
            ),
        ),
    },
    "reconciliation.platform_periods": {  # /reconciliation/platform/periods
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(
            PLATFORM_ADMIN,
            "admin",
            {"month": "2026-10"},
            inputs=Route(
                {"month": TEXT, "note": OPT_TEXT, "confirm": OPT_CHOICE}, {"month": "2026-10", "confirm": "yes"}
            ),
        ),
    },
    "timebank.index": {  # /timebank/
        "GET": D(EVERYONE, "page"),
    },
    "timebank.activity": {  # /timebank/activities/<int:activity_id>
        "GET": D(EVERYONE, "object"),
    },
    "timebank.record_attendance": {  # /timebank/activities/<int:activity_id>/attendance
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            {
                "email": "donor@example.org",
                "checked_in_at": "2031-01-01T09:00",
                "checked_out_at": "2031-01-01T10:00",
                "reason": "no phone",
            },
            inputs=Route(
                {"email": EMAIL, "checked_in_at": DATETIME, "checked_out_at": DATETIME, "reason": TEXT},
                {
                    "email": "staff@example.org",
                    "checked_in_at": "2031-01-01T09:00",
                    "checked_out_at": "2031-01-01T10:00",
                    "reason": "no phone",
                },
            ),
        ),
    },
    "timebank.cancel": {  # /timebank/activities/<int:activity_id>/cancel
        "POST": D(USERS, "object"),
    },
    "timebank.manage": {  # /timebank/activities/<int:activity_id>/manage
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.sign_up": {  # /timebank/activities/<int:activity_id>/signup
        "POST": D(USERS, "object"),
    },
    "timebank.approve": {  # /timebank/attendances/<int:attendance_id>/approve
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"minutes": OPT_NUMBER, "note": OPT_TEXT}, {"note": ""})),
    },
    "timebank.reject": {  # /timebank/attendances/<int:attendance_id>/reject
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"note": TEXT}, {"note": "absent"})),
    },
    "timebank.reverse": {  # /timebank/attendances/<int:attendance_id>/reverse
        "POST": D(
            CHARITY_MEMBERS, "object", {"reason": "x"}, inputs=Route({"reason": TEXT}, {"reason": "counted twice"})
        ),
    },
    "timebank.care_index": {  # /timebank/care
        "GET": D(USERS, "page"),
    },
    "timebank.care_detail": {  # /timebank/care/<int:care_id>
        "GET": D(USERS, "object"),
    },
    "timebank.care_accept": {  # /timebank/care/<int:care_id>/accept
        "POST": D(USERS, "object"),
    },
    "timebank.care_cancel": {  # /timebank/care/<int:care_id>/cancel
        "POST": D(USERS, "object"),
    },
    "timebank.manage_live": {  # /timebank/activities/<int:activity_id>/manage/live
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.care_release": {  # /timebank/care/<int:care_id>/release
        "POST": D(USERS, "object"),
    },
    "timebank.care_confirm": {  # /timebank/care/<int:care_id>/confirm
        "POST": D(USERS, "object"),
    },
    "timebank.care_dispute": {  # /timebank/care/<int:care_id>/dispute
        "POST": D(USERS, "object", inputs=Route({"note": TEXT}, {"note": "late"})),
    },
    "timebank.care_settle": {  # /timebank/care/<int:care_id>/settle
        "POST": D(
            CHARITY_MEMBERS, "object", inputs=Route({"minutes": NUMBER, "note": TEXT}, {"minutes": "0", "note": "x"})
        ),
    },
    "timebank.care_new": {  # /timebank/care/new
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"recipient_name": ""},
            inputs=Route(
                {
                    "organisation_id": ID,
                    "recipient_name": TEXT,
                    "service": CHOICE,
                    "details": OPT_TEXT,
                    "address": OPT_TEXT,
                    "contact": OPT_TEXT,
                    "district_id": ID,
                    "scheduled_at": DATETIME,
                    "minutes": NUMBER,
                },
                {
                    "recipient_name": "王阿姨",
                    "service": "home_visit",
                    "district_id": "1",
                    "scheduled_at": "2031-01-01T09:00",
                    "minutes": "60",
                },
            ),
        ),
    },
    "timebank.approve_report": {  # /timebank/hour-reports/<int:report_id>/approve
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"minutes": OPT_NUMBER, "note": OPT_TEXT}, {"note": ""})),
    },
    "timebank.report_evidence": {  # /timebank/hour-reports/<int:report_id>/evidence
        "GET": D(CHARITY_MEMBERS | {"volunteer"}, "object"),
    },
    "timebank.reject_report": {  # /timebank/hour-reports/<int:report_id>/reject
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"note": TEXT}, {"note": "no"})),
    },
    "timebank.reverse_report": {  # /timebank/hour-reports/<int:report_id>/reverse
        "POST": D(
            CHARITY_MEMBERS, "object", {"reason": "x"}, inputs=Route({"reason": TEXT}, {"reason": "counted twice"})
        ),
    },
    "timebank.new_report": {  # /timebank/hour-reports/new
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"minutes": "5"},
            inputs=Route(
                {"organisation_id": ID, "served_on": DATE, "minutes": NUMBER, "description": TEXT},
                {"served_on": "2026-01-05", "minutes": "30", "description": "搬家"},
            ),
        ),
    },
    "timebank.give": {  # /timebank/give
        "GET": D(USERS, "page"),
        "POST": D(
            USERS,
            "page",
            {"email": "coadmin@example.org", "minutes": "5"},
            inputs=Route({"email": EMAIL, "minutes": NUMBER}, {"email": "staff@example.org", "minutes": "5"}),
        ),
    },
    "timebank.import_batch": {  # /timebank/imports/<int:batch_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.confirm_import": {  # /timebank/imports/<int:batch_id>/confirm
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.leaderboard": {  # /timebank/leaderboard
        "GET": D(EVERYONE, "page"),
    },
    "timebank.leaderboard_choice": {  # /timebank/leaderboard/choice
        "POST": D(USERS, "page", inputs=Route({"on": CHOICE}, {"on": "1"})),
    },
    "timebank.my_hours": {  # /timebank/my
        "GET": D(USERS, "page"),
    },
    "timebank.new_activity": {  # /timebank/orgs/<int:org_id>/activities/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {
                    "title": TEXT,
                    "description": OPT_TEXT,
                    "category": CHOICE,
                    "district_id": ID,
                    "address": OPT_TEXT,
                    "starts_at": DATETIME,
                    "ends_at": DATETIME,
                    "signup_cutoff_at": OPT_DATETIME,
                    "capacity": NUMBER,
                    "skills": OPT_TEXT,
                },
                {
                    "title": "探访",
                    "category": "elderly_care",
                    "district_id": "1",
                    "starts_at": "2031-01-01T09:00",
                    "ends_at": "2031-01-01T11:00",
                    "capacity": "5",
                },
            ),
        ),
    },
    "timebank.org_reports": {  # /timebank/orgs/<int:org_id>/hour-reports
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.org_imports": {  # /timebank/orgs/<int:org_id>/imports
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"title": TEXT}, {"title": "三月探访"})),
    },
    "timebank.import_template": {  # /timebank/orgs/<int:org_id>/imports/template.<any(csv, xlsx):fmt>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "timebank.pool": {  # /timebank/orgs/<int:org_id>/pool
        "GET": D(USERS, "object"),
        "POST": D(USERS, "object", inputs=Route({"minutes": NUMBER}, {"minutes": "1"})),
    },
    "timebank.spot_checks_index": {  # /timebank/orgs/<int:org_id>/spot-checks
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            {"period_start": "2026-01-01", "period_end": "2026-01-31"},
            inputs=Route(
                {"period_start": DATE, "period_end": DATE, "size": NUMBER},
                {"period_start": "2026-01-01", "period_end": "2026-01-31", "size": "3"},
            ),
        ),
    },
    "timebank.scan": {  # /timebank/scan/<token>
        "GET": D(USERS, "page"),
        "POST": D(USERS, "page"),
    },
    "timebank.mark_spot_check_item": {  # /timebank/spot-check-items/<int:item_id>
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route({"outcome": CHOICE, "note": OPT_TEXT, "reverse": F("flag", False)}, {"outcome": "confirmed"}),
        ),
    },
    "timebank.spot_check": {  # /timebank/spot-checks/<int:check_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "transparency.overview": {  # /transparency/
        "GET": D(EVERYONE, "page"),
    },
    "notifications.index": {  # /notifications/
        "GET": D(USERS, "page", inputs=Route({"page": OPT_NUMBER})),
    },
    "notifications.read": {  # /notifications/read (one's own only: another's answers as a missing one)
        "POST": D(USERS, "page", inputs=Route({"id": ID, "go": F("flag", False)}, {"id": "1"})),
    },
    "notifications.read_all": {  # /notifications/read-all
        "POST": D(USERS, "page"),
    },
    "notifications.settings": {  # /notifications/settings
        "GET": D(USERS, "page"),
        "POST": D(USERS, "page", inputs=Route(
            {"hours_approved": F("flag", False), "shift_reminder": F("flag", False), "weekly_digest": F("flag", False)},
            {"hours_approved": "y", "weekly_digest": "y"})),
    },
    "transparency.fund": {  # /transparency/funds/<fund_code>
        "GET": D(EVERYONE, "object", inputs=Route({"after": OPT_TEXT})),
    },
    "transparency.organisation": {  # /transparency/orgs/<int:org_id>
        "GET": D(EVERYONE, "object", inputs=Route({"after": OPT_TEXT})),
    },
    "transparency.listing": {  # /transparency/wishes/<listing_code>
        "GET": D(EVERYONE, "object", inputs=Route({"after": OPT_TEXT})),
    },
    "transparency_data.index": {  # /transparency/data/
        "GET": D(EVERYONE, "page", inputs=Route({"org": OPT_ID, "fund": OPT_TEXT, "from": OPT_DATE, "to": OPT_DATE})),
    },
    "transparency_data.giving360": {  # /transparency/data/360giving.json
        "GET": D(EVERYONE, "page", inputs=Route({"org": OPT_ID, "fund": OPT_TEXT, "from": OPT_DATE, "to": OPT_DATE})),
    },
    "transparency_data.ledger_csv": {  # /transparency/data/ledger.csv
        "GET": D(EVERYONE, "page", inputs=Route({"org": OPT_ID, "fund": OPT_TEXT, "from": OPT_DATE, "to": OPT_DATE})),
    },
    "transparency_data.ledger_json": {  # /transparency/data/ledger.json
        "GET": D(EVERYONE, "page", inputs=Route({"org": OPT_ID, "fund": OPT_TEXT, "from": OPT_DATE, "to": OPT_DATE})),
    },
    "wishes.index": {  # /wishes/
        "GET": D(EVERYONE, "page"),
    },
    "wishes.detail": {  # /wishes/<listing_code>
        "GET": D(EVERYONE, "object"),
    },
    "wishes.claim": {  # /wishes/<listing_code>/claim
        "POST": D(USERS, "object", inputs=Route({"method": CHOICE, "organisation_id": OPT_ID}, {"method": "in_kind"})),
    },
    "wishes.photo": {  # /wishes/<listing_code>/photo
        "GET": D(EVERYONE, "object"),
    },
    "wishes.update_photo": {  # /wishes/<listing_code>/updates/<int:update_id>/photo
        "GET": D(EVERYONE, "object"),
    },
    "wishes.listing_update_new": {  # /wishes/listings/<int:listing_id>/updates/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"text": TEXT}, {"text": "好消息：棉被买好了"})),
    },
    "wishes.pledge": {  # /wishes/<listing_code>/pledge
        "POST": D(USERS, "object", inputs=Route({"amount": MONEY, "organisation_id": OPT_ID}, {"amount": "100"})),
    },
    "wishes.board": {  # /wishes/board
        "GET": D(BOARD_READERS, "page"),
    },
    "wishes.board_csv": {  # /wishes/board.csv
        "GET": D(BOARD_READERS, "page"),
    },
    "wishes.release_claim": {  # /wishes/claims/<int:wish_claim_id>/release
        "POST": D(CHARITY_MEMBERS | {"donor"}, "object"),
    },
    "wishes.household": {  # /wishes/households/<int:beneficiary_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.household_edit": {  # /wishes/households/<int:beneficiary_id>/edit
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=HOUSEHOLD_FORM,
        ),
    },
    "wishes.listing_new": {  # /wishes/households/<int:beneficiary_id>/listings/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {"kind": CHOICE, "title": TEXT, "story": OPT_TEXT, "quantity": NUMBER, "value": OPT_MONEY},
                {"kind": "wish", "title": "新书包", "quantity": "1", "value": "150"},
            ),
        ),
    },
    "wishes.household_id_number": {  # /wishes/households/<int:beneficiary_id>/id-number
        "POST": D(ORG_ADMIN, "object"),
    },
    "wishes.household_verify": {  # /wishes/households/<int:beneficiary_id>/verify
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.listing": {  # /wishes/listings/<int:listing_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.listing_activity": {  # /wishes/listings/<int:listing_id>/activity
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {"starts_at": DATETIME, "ends_at": DATETIME, "capacity": NUMBER, "address": OPT_TEXT},
                {"starts_at": "2031-01-01T09:00", "ends_at": "2031-01-01T11:00", "capacity": "5"},
            ),
        ),
    },
    "wishes.listing_approve_budget": {  # /wishes/listings/<int:listing_id>/approve-budget
        "POST": D(CHARITY_ADMINS, "object", inputs=Route({"note": TEXT}, {"note": "ok"})),
    },
    "wishes.listing_cancel": {  # /wishes/listings/<int:listing_id>/cancel
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route({"action": CHOICE, "reason": TEXT}, {"action": "refund", "reason": "x"}),
        ),
    },
    "wishes.listing_decide_cancellation": {  # /wishes/listings/<int:listing_id>/cancellation
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"decision": CHOICE}, {"decision": "reject"})),
    },
    "wishes.listing_deliver": {  # /wishes/listings/<int:listing_id>/deliver
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"note": OPT_TEXT}, {"note": ""})),
    },
    "wishes.listing_edit": {  # /wishes/listings/<int:listing_id>/edit
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {"title": TEXT, "story": OPT_TEXT, "quantity": NUMBER, "value": OPT_MONEY},
                {"title": "改", "quantity": "1"},
            ),
        ),
    },
    "wishes.listing_move": {  # /wishes/listings/<int:listing_id>/move
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route({"to": CHOICE, "note": OPT_TEXT}, {"to": "withdrawn", "note": "原因"}),
        ),
    },
    "wishes.listing_photo": {  # /wishes/listings/<int:listing_id>/photo/<any(original, delivery):which>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.listing_share": {  # /wishes/listings/<int:listing_id>/shares
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=Route(
                {"source": CHOICE, "amount": MONEY, "received_on": DATE, "reference": OPT_TEXT},
                {"source": "government", "amount": "1", "received_on": "2026-01-05"},
            ),
        ),
    },
    "wishes.listing_thanks": {  # /wishes/listings/<int:listing_id>/thanks
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"text": TEXT}, {"text": "谢谢"})),
    },
    "wishes.mine": {  # /wishes/my
        "GET": D(USERS, "page"),
    },
    "wishes.households": {  # /wishes/orgs/<int:org_id>/households
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.household_new": {  # /wishes/orgs/<int:org_id>/households/new
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(
            CHARITY_MEMBERS,
            "object",
            inputs=HOUSEHOLD_FORM,
        ),
    },
    "wishes.staff_listings": {  # /wishes/orgs/<int:org_id>/listings
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "wishes.withdraw_pledge": {  # /wishes/pledges/<int:pledge_id>/withdraw
        "POST": D(CHARITY_MEMBERS | {"firm_member"}, "object"),
    },
    # --- referrals: setup (catalogue, officers, communities, households' care records, policy worklist) ---
    "referrals.index": {  # /referrals/ : people with a part in referrals (the charity's household in care,
        "GET": D({"staff", "org_admin", "platform_admin", "volunteer"}, "page"),  # its visitor, the platform)
    },
    "referrals.catalogue": {  # /referrals/catalogue
        "GET": D(EVERYONE, "page"),
    },
    "referrals.catalogue_new": {  # /referrals/catalogue/new
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(PLATFORM_ADMIN, "admin", inputs=CATALOGUE_ITEM_FORM),
    },
    "referrals.catalogue_edit": {  # /referrals/catalogue/<int:catalogue_item_id>/edit
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(PLATFORM_ADMIN, "admin", inputs=Route(CATALOGUE_ITEM_FORM.fields, CATALOGUE_ITEM_FORM.valid | {
            "code": "matrix-allowance", "kind": "policy"})),
    },
    "referrals.catalogue_active": {  # /referrals/catalogue/<int:catalogue_item_id>/active
        "POST": D(PLATFORM_ADMIN, "admin", inputs=Route({"active": CHOICE}, {"active": "0"})),
    },
    "referrals.offers": {  # /referrals/orgs/<int:org_id>/offers : the organisation's staff
        "GET": D({"staff", "org_admin"}, "object"),
        "POST": D({"staff", "org_admin"}, "object", inputs=Route({"item_id": ID, "district_id": ID},
                                                                  {"item_id": "2", "district_id": "1"})),
    },
    "referrals.offer_withdraw": {  # /referrals/offers/<int:item_offer_id>/withdraw
        "POST": D({"staff", "org_admin"}, "object"),
    },
    "referrals.officers": {  # /referrals/officers
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(PLATFORM_ADMIN, "admin", inputs=Route({"email": EMAIL, "district_id": ID},
                                                        {"email": "staff@example.org", "district_id": "1"})),
    },
    "referrals.officer_remove": {  # /referrals/officers/<int:officer_id>/districts/<int:district_id>/remove
        "POST": D(PLATFORM_ADMIN, "admin"),
    },
    "referrals.communities": {  # /referrals/communities
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(PLATFORM_ADMIN, "admin", inputs=COMMUNITY_FORM),
    },
    "referrals.community": {  # /referrals/communities/<int:community_id>
        "GET": D(PLATFORM_ADMIN, "admin"),
        "POST": D(PLATFORM_ADMIN, "admin",
                  inputs=Route(COMMUNITY_FORM.fields, COMMUNITY_FORM.valid | {"code": "matrix"})),
    },
    "referrals.households": {  # /referrals/orgs/<int:org_id>/households
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "referrals.enrol": {  # /referrals/households/<int:household_id>/enrol
        "GET": D(CHARITY_MEMBERS, "object"),
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route(
            {"categories": CHOICE, "community_id": OPT_ID, "facts": OPT_CHOICE, "social_worker_id": OPT_ID,
             "visitors": OPT_TEXT}, {"categories": "elderly_alone", "facts": "aged_80_plus"})),
    },
    "referrals.household": {  # /referrals/households/<int:household_id> : its managers and its visitor
        "GET": D(CHARITY_MEMBERS | {"volunteer"}, "object"),
    },
    "referrals.policy_mark": {  # /referrals/households/<int:household_id>/policy/<int:catalogue_item_id>
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"status": CHOICE, "reason": OPT_TEXT},
                                                          {"status": "applied", "reason": ""})),
    },
    "referrals.worklist": {  # /referrals/worklist : staff of organisations with households in care
        "GET": D({"staff", "org_admin"}, "page"),
    },
    # --- referrals: the loop from intake to feedback ---
    "referrals.intake": {  # /referrals/households/<int:household_id>/intake
        "GET": D(CHARITY_MEMBERS | {"volunteer"}, "object"),
        "POST": D(CHARITY_MEMBERS | {"volunteer"}, "object", inputs=Route(
            {"need_kind": CHOICE, "item_id": OPT_CHOICE, "urgency": CHOICE, "description": TEXT,
             "private_details": OPT_TEXT},
            {"need_kind": "medical", "urgency": "normal", "description": "陪同就医"})),
    },
    "referrals.household_link_new": {  # /referrals/households/<int:household_id>/link
        "POST": D(CHARITY_MEMBERS, "object"),
    },
    "referrals.ask": {  # /referrals/ask/<token>
        "GET": D(NOBODY, "link"),
        "POST": D(NOBODY, "link", inputs=Route(
            {"need_kind": CHOICE, "urgency": CHOICE, "description": TEXT, "proxy_name": OPT_TEXT},
            {"need_kind": "living", "urgency": "normal", "description": "想要助餐"}, anonymous=True)),
    },
    "referrals.ask_feedback": {  # /referrals/ask/feedback/<int:referral_id>/<token>
        "POST": D(NOBODY, "link", inputs=Route(
            {"solved": CHOICE, "satisfaction": OPT_CHOICE, "note": OPT_TEXT},
            {"solved": "yes", "satisfaction": "5"}, anonymous=True)),
    },
    "referrals.inbox": {  # /referrals/inbox
        "GET": D(USERS, "page"),
    },
    "referrals.referral": {  # /referrals/<int:referral_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "referrals.send": {  # /referrals/<int:referral_id>/dispatch
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"organisation_ids": ID, "owner_id": OPT_ID},
                                                          {"organisation_ids": "1"})),
    },
    "referrals.accept": {  # /referrals/dispatches/<int:dispatch_id>/accept
        "POST": D({"staff", "org_admin"}, "object"),
    },
    "referrals.decline": {  # /referrals/dispatches/<int:dispatch_id>/decline
        "POST": D({"staff", "org_admin"}, "object", inputs=Route({"reason": TEXT}, {"reason": "没有名额"})),
    },
    "referrals.cancel": {  # /referrals/<int:referral_id>/cancel
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"reason": TEXT}, {"reason": "家属已解决"})),
    },
    "referrals.note": {  # /referrals/<int:referral_id>/note
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"text": TEXT}, {"text": "已电话联系"})),
    },
    "referrals.in_kind": {  # /referrals/<int:referral_id>/in-kind
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"what": TEXT, "value": MONEY},
                                                          {"what": "大米", "value": "120"})),
    },
    "referrals.cash": {  # /referrals/<int:referral_id>/cash
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route(
            {"fund_id": ID, "payee": TEXT, "purpose": TEXT, "amount": MONEY},
            {"fund_id": "1", "payee": "王阿婆", "purpose": "生活补助", "amount": "100"})),
    },
    "referrals.attach": {  # /referrals/<int:referral_id>/file
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"text": OPT_TEXT}, {"text": "发票"})),
    },
    "referrals.attachment": {  # /referrals/files/<int:referral_action_id>
        "GET": D(CHARITY_MEMBERS, "object"),
    },
    "referrals.done": {  # /referrals/<int:referral_id>/done
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"outcome": TEXT}, {"outcome": "已送达"})),
    },
    "referrals.hand_back": {  # /referrals/<int:referral_id>/hand-back
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"reason": TEXT}, {"reason": "需要医疗机构"})),
    },
    "referrals.give_feedback": {  # /referrals/<int:referral_id>/feedback
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route(
            {"solved": CHOICE, "satisfaction": OPT_CHOICE, "note": OPT_TEXT}, {"solved": "yes", "satisfaction": "5"})),
    },
    "referrals.spawn_wish": {  # /referrals/<int:referral_id>/wish
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route(
            {"kind": CHOICE, "title": TEXT, "story": OPT_TEXT, "value": OPT_MONEY},
            {"kind": "wish", "title": "一台电饭煲", "value": "200"})),
    },
    "referrals.spawn_care": {  # /referrals/<int:referral_id>/care
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route(
            {"service": CHOICE, "details": OPT_TEXT, "scheduled_at": DATETIME, "minutes": NUMBER},
            {"service": "meal_delivery", "scheduled_at": "2031-01-01T09:00", "minutes": "60"})),
    },
    "referrals_api.list_inbox": {  # /api/v1/referrals/inbox
        "GET": D(USERS, "api"),
    },
    "referrals_api.get_referral_api": {  # /api/v1/referrals/<int:referral_id>
        "GET": D(CHARITY_MEMBERS, "api"),
    },
    "referrals_api.accept_referral": {  # /api/v1/referrals/dispatches/<int:dispatch_id>/accept
        "POST": D({"staff", "org_admin"}, "api", None),
    },
    "referrals_api.decline_referral": {  # /api/v1/referrals/dispatches/<int:dispatch_id>/decline
        "POST": D({"staff", "org_admin"}, "api", inputs=Route({"reason": TEXT}, {"reason": "没有名额"})),
    },
    "referrals.reopen": {  # /referrals/<int:referral_id>/reopen
        "POST": D(CHARITY_MEMBERS, "object", inputs=Route({"reason": TEXT}, {"reason": "又断了"})),
    },
    # --- referrals: visits, due lists and the monthly comparison ---
    # the world's household is the charity's, with the volunteer assigned to visit it; a platform admin counts as
    # every district's officer; the comparison is for district officers and staff of any organisation
    "referrals.due": {  # /referrals/due
        "GET": D(USERS, "page"),
    },
    "referrals.household_visits_page": {  # /referrals/households/<int:household_id>/visits
        "GET": D(VISIT_READERS, "object"),
    },
    "referrals.visit_new": {  # /referrals/households/<int:household_id>/visits/new
        "GET": D(VISIT_READERS, "object"),
        "POST": D(VISIT_READERS, "object", inputs=VISIT_FORM),
    },
    "referrals.visit": {  # /referrals/visits/<int:visit_id>
        "GET": D(VISIT_READERS, "object"),
    },
    "referrals.comparison_page": {  # /referrals/comparison
        "GET": D(BOARD_READERS, "page", inputs=COMPARISON_FILTERS),
    },
    "referrals.comparison_export": {  # /referrals/comparison.<any(csv, xlsx, pdf):fmt>
        "GET": D(BOARD_READERS, "page", inputs=COMPARISON_FILTERS),
    },
    # --- referrals: the lights board, escalations and figures ---
    # district officers, staff of any organisation and platform admins (the world has no officer)
    "referrals.board": {  # /referrals/board
        "GET": D(BOARD_READERS, "page"),
    },
    "referrals.escalations": {  # /referrals/escalations
        "GET": D(BOARD_READERS, "page"),
    },
    "referrals.dashboard": {  # /referrals/dashboard
        "GET": D(BOARD_READERS, "page", inputs=Route({"start": OPT_DATE, "end": OPT_DATE, "district": OPT_ID})),
    },
    "referrals.public_figures": {  # /referrals/figures
        "GET": D(EVERYONE, "page", inputs=Route({"start": OPT_DATE, "end": OPT_DATE})),
    },
    # --- meals: public figures, their downloads and the public API ---
    "meals.public_figures": {  # /meals/figures
        "GET": D(EVERYONE, "page"),
    },
    "meals.figures_download": {  # /meals/figures/<any(days, stores):meal_table>.csv
        "GET": D(EVERYONE, "page"),
    },
    "meals_api.get_meal_figures": {  # /api/v1/meals/figures
        "GET": D(EVERYONE, "api"),
    },
    "meals_api.list_meal_stores": {  # /api/v1/meals/stores
        "GET": D(EVERYONE, "api"),
    },
    "firms.meals_public_choice": {  # /firms/<int:firm_id>/meals-public
        "POST": D(PLATFORM_ADMIN, "object", inputs=Route({"on": CHOICE}, {"on": "1"})),
    },
    # --- meals: counter (redemption at a store, points, rewards and exchanges, caring-firm plaques) ---
    # any member of the meal firm serves at its counter (platform admins too); its staff see and spend its points;
    # the world's reward is offered by the meal firm itself, so its admin is also the partner
    "meals.counter": {  # /meals/stores/<int:meal_store_id>/counter
        "GET": D({"firm_member", "org_admin", "platform_admin"}, "object"),
        "POST": D({"firm_member", "org_admin", "platform_admin"}, "object", inputs=Route({"code": TEXT},
                                                                                         {"code": "ZZZZZZ"})),
    },
    "meals_counter_api.redeem_code": {  # /api/v1/meals/stores/<int:meal_store_id>/redemptions
        "POST": D({"firm_member", "org_admin", "platform_admin"}, "api", inputs=Route({"code": TEXT},
                                                                                      {"code": "ZZZZZZ"})),
    },
    "meals.rewards_catalogue": {  # /meals/rewards
        "GET": D(EVERYONE, "page"),
    },
    "meals.points_page": {  # /meals/firms/<int:points_firm_id>/points
        "GET": D(ORG_ADMIN, "object"),
    },
    "meals.exchange_new": {  # /meals/firms/<int:points_firm_id>/exchanges
        "POST": D(ORG_ADMIN, "object", inputs=Route({"reward_id": ID, "quantity": NUMBER},
                                                    {"reward_id": "1", "quantity": "1"})),
    },
    "meals.exchange_deliver": {  # /meals/exchanges/<int:meal_exchange_id>/deliver
        "POST": D(ORG_ADMIN, "object"),
    },
    "meals.exchange_cancel": {  # /meals/exchanges/<int:meal_exchange_id>/cancel
        "POST": D(ORG_ADMIN, "object"),
    },
    "meals.partner_rewards": {  # /meals/partners/<int:partner_org_id>/rewards
        "GET": D(ORG_ADMIN, "object"),
        "POST": D(ORG_ADMIN, "object", inputs=Route(
            {"name": TEXT, "description": OPT_TEXT, "points": NUMBER, "stock": NUMBER},
            {"name": "食用油5升", "description": "花生油", "points": "30", "stock": "12"})),
    },
    "meals.plaque_new": {  # /meals/firms/<int:points_firm_id>/plaques
        "POST": D(ORG_ADMIN, "object", inputs=Route({"year": CHOICE}, {"year": str(now_utc().year)})),
    },
    "meals.plaque_pdf": {  # /meals/plaques/<int:meal_plaque_id>/pdf
        "GET": D(ORG_ADMIN, "object"),
    },
    "meals.plaque_verify": {  # /meals/plaques/<plaque_code> : anyone, from the plaque's QR code
        "GET": D(EVERYONE, "page"),
    },
    # --- meals: stores (a firm's stores, permits, quota agreements, paused days, stock; the platform's checks) ---
    # the world's firm is run by org_admin (its admin); firm_member only serves at its counter; platform admins
    # check permits and may open any store
    "meals.my_stores": {  # /meals/stores : members of a firm
        "GET": D({"org_admin", "firm_member"}, "page"),
    },
    "meals.store_new": {  # /meals/stores/new : staff of a firm
        "GET": D({"org_admin"}, "page"),
        "POST": D({"org_admin"}, "page", inputs=Route(
            {"firm_id": CHOICE, "kind": CHOICE, "name": TEXT, "address": TEXT, "district_id": CHOICE, "windows": TEXT},
            {"firm_id": "1", "kind": "restaurant", "name": "新店", "address": "福田区福华路2号", "district_id": "1",
             "windows": "11:00-13:30"})),
    },
    "meals.store": {  # /meals/stores/<int:meal_store_id>/manage
        "GET": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.store_edit": {  # /meals/stores/<int:meal_store_id>/edit
        "GET": D({"org_admin", "platform_admin"}, "object"),
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route(
            {"name": TEXT, "address": TEXT, "windows": TEXT},
            {"name": "矩阵餐厅", "address": "深圳市福田区福华路1号", "windows": "11:00-13:30, 17:00-19:30"})),
    },
    "meals.store_pause": {  # /meals/stores/<int:meal_store_id>/pause
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route({"reason": TEXT}, {"reason": "装修"})),
    },
    "meals.store_reopen": {  # /meals/stores/<int:meal_store_id>/reopen
        "POST": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.store_close": {  # /meals/stores/<int:meal_store_id>/close
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route({"reason": TEXT}, {"reason": "停业"})),
    },
    "meals.permit_new": {  # /meals/stores/<int:meal_store_id>/permits/new (the file is left out: refused)
        "GET": D({"org_admin", "platform_admin"}, "object"),
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route(
            {"kind": CHOICE, "number": TEXT, "expires_on": DATE},
            {"kind": "hygiene", "number": "JY14403040001", "expires_on": "2031-01-01"})),
    },
    "meals.permit_file": {  # /meals/permits/<int:meal_permit_id>/file
        "GET": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.quota_new": {  # /meals/stores/<int:meal_store_id>/quotas/new
        "GET": D({"org_admin", "platform_admin"}, "object"),
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route(
            {"meals_per_day": NUMBER, "contents": TEXT, "value": MONEY, "starts_on": DATE, "ends_on": DATE},
            {"meals_per_day": "20", "contents": "一荤两素一汤", "value": "15", "starts_on": "2031-01-01",
             "ends_on": "2031-06-30"})),
    },
    "meals.quota_end": {  # /meals/quotas/<int:meal_quota_id>/end
        "POST": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.pause_new": {  # /meals/stores/<int:meal_store_id>/pauses/new
        "GET": D({"org_admin", "platform_admin"}, "object"),
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route(
            {"day": DATE, "reason": OPT_TEXT}, {"day": "2031-01-02"})),
    },
    "meals.pause_delete": {  # /meals/pauses/<int:meal_pause_id>/delete
        "POST": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.stock_new": {  # /meals/stores/<int:meal_base_id>/stock/new
        "GET": D({"org_admin", "platform_admin"}, "object"),
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route(
            {"name": TEXT, "quantity": NUMBER, "value": OPT_MONEY}, {"name": "大米", "quantity": "5"})),
    },
    "meals.stock_quantity": {  # /meals/stock/<int:meal_stock_item_id>/quantity
        "POST": D({"org_admin", "platform_admin"}, "object", inputs=Route({"quantity": NUMBER}, {"quantity": "3"})),
    },
    "meals.stock_stop": {  # /meals/stock/<int:meal_stock_item_id>/stop
        "POST": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.poster": {  # /meals/stores/<int:meal_store_id>/poster
        "GET": D({"org_admin", "platform_admin"}, "object"),
    },
    "meals.review": {  # /meals/review
        "GET": D(PLATFORM_ADMIN, "admin"),
    },
    "meals.permit_review": {  # /meals/review/permits/<int:meal_permit_id>
        "GET": D(PLATFORM_ADMIN, "admin"),
    },
    "meals.permit_verify": {  # /meals/review/permits/<int:meal_permit_id>/verify
        "POST": D(PLATFORM_ADMIN, "admin"),
    },
    "meals.permit_reject": {  # /meals/review/permits/<int:meal_permit_id>/reject
        "POST": D(PLATFORM_ADMIN, "admin", inputs=Route({"reason": TEXT}, {"reason": "照片看不清"})),
    },
    # --- meals: people (reserving anonymously, walk-ins, blind boxes, thanks, statements of need) ---
    # a reservation's page and its buttons take its secret token (whoever holds the link holds the meal);
    # people without an account reserve with a phone confirmed by a code (anonymous POSTs go to /meals/phone)
    "meals.home": {  # /meals/
        "GET": D(EVERYONE, "page", inputs=Route({"district": OPT_ID})),
    },
    "meals.store_meals": {  # /meals/stores/<int:meal_store_id>
        "GET": D(EVERYONE, "object"),
    },
    "meals.reserve": {  # /meals/stores/<int:meal_store_id>/reserve
        "POST": D(EVERYONE, "object", inputs=Route({"day": DATE}, {"day": MEALS_TOMORROW})),
    },
    "meals.phone": {  # /meals/phone
        "GET": D(EVERYONE, "page"),
        "POST": D(EVERYONE, "page", inputs=Route({"phone": TEXT}, {"phone": "13800000000"}, anonymous=True)),
    },
    "meals.phone_confirm": {  # /meals/phone/confirm
        "GET": D(EVERYONE, "page"),
        "POST": D(EVERYONE, "page", inputs=Route({"phone": TEXT, "code": TEXT},
                                                 {"phone": "13800000000", "code": "123456"}, anonymous=True)),
    },
    "meals.reservation": {  # /meals/r/<reservation_token>
        "GET": D(EVERYONE, "object"),
    },
    "meals.reservation_cancel": {  # /meals/r/<reservation_token>/cancel
        "POST": D(EVERYONE, "object"),
    },
    "meals.reservation_thanks": {  # /meals/r/<reservation_token>/thanks
        "POST": D(EVERYONE, "object", inputs=Route({"text": TEXT}, {"text": "谢谢你们"})),
    },
    "meals.walk_in": {  # /meals/walk-in/<poster_token>
        "GET": D(EVERYONE, "object"),
        "POST": D(EVERYONE, "object"),
    },
    "meals.base": {  # /meals/bases/<int:meal_base_id>
        "GET": D(EVERYONE, "object"),
    },
    "meals.base_reserve": {  # /meals/bases/<int:meal_base_id>/reserve
        "POST": D(EVERYONE, "object", inputs=Route({"stock_item_id": ID}, {"stock_item_id": "1"})),
    },
    "meals.mine": {  # /meals/mine
        "GET": D(EVERYONE, "page"),
    },
    "meals.need": {  # /meals/need : an account's own statement of need
        "GET": D(USERS, "page"),
        "POST": D(USERS, "page", inputs=Route({"situation": CHOICE, "district_id": ID, "statement": TEXT},
                                              {"situation": "graduate", "district_id": "1", "statement": "找工作中"})),
    },
    "meals.checks": {  # /meals/checks : platform admins and social-work stations' staff
        "GET": D(MEAL_CHECKERS, "page"),
    },
    "meals.check_verify": {  # /meals/checks/<int:meal_eligibility_id>/verify
        "POST": D(MEAL_CHECKERS, "object"),
    },
    "meals.check_reject": {  # /meals/checks/<int:meal_eligibility_id>/reject
        "POST": D(MEAL_CHECKERS, "object", inputs=Route({"reason": TEXT}, {"reason": "情况不符"})),
    },
    # --- exchanges: members, offers and requests, search, profiles (tests/exchanges/world_posts.py) ---
    # the charity's staff member posts (post_code, exchange_member_id); its staff and admin coordinate its exchange
    "exchanges.search": {  # /exchange/ : anyone signed in (members of an organisation find its posts)
        "GET": D(USERS, "page", inputs=Route({"q": OPT_TEXT, "kind": OPT_CHOICE, "category": OPT_CHOICE,
                                              "district": OPT_ID, "org": OPT_ID, "after": OPT_ID})),
    },
    "exchanges.post": {  # /exchange/posts/<post_code> : members of its exchange
        "GET": D(EXCHANGE_POSTERS, "object"),
    },
    "exchanges.post_photo": {  # /exchange/posts/<post_code>/photo
        "GET": D(EXCHANGE_POSTERS, "object"),
    },
    "exchanges.post_new": {  # /exchange/posts/new : anyone signed in (who has not joined is sent to join)
        "GET": D(USERS, "page"),
        "POST": D(USERS, "page", inputs=EXCHANGE_POST_FORM),
    },
    "exchanges.member_post": {  # /exchange/members/<int:exchange_member_id>/post : the member, their coordinators
        "GET": D(EXCHANGE_POSTERS, "object"),
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route(
            {k: v for k, v in EXCHANGE_POST_FORM.fields.items() if k != "organisation_id"}, EXCHANGE_POST_FORM.valid)),
    },
    "exchanges.coordinate_post": {  # /exchange/coordinate/post : coordinators of any organisation
        "GET": D({"staff", "org_admin", "social_worker"}, "page"),
    },
    "exchanges.coordinate_join": {  # /exchange/coordinate/join/<int:membership_id> : the organisation's coordinators
        "GET": D(EXCHANGE_POSTERS, "object"),  # (the world's membership is the staff member's, who joined: 409)
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route(
            {"birth_year": NUMBER, "district_id": ID, "about": OPT_TEXT}, {"birth_year": "1940", "district_id": "1"})),
    },
    "exchanges.post_edit": {  # /exchange/posts/<post_code>/edit : its member, their coordinators
        "GET": D(EXCHANGE_POSTERS, "object"),
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route(
            {k: v for k, v in EXCHANGE_POST_FORM.fields.items() if k not in ("kind", "organisation_id")},
            {k: v for k, v in EXCHANGE_POST_FORM.valid.items() if k != "kind"})),
    },
    "exchanges.post_withdraw": {  # /exchange/posts/<post_code>/withdraw
        "POST": D(EXCHANGE_POSTERS, "object"),
    },
    "exchanges.post_hide": {  # /exchange/posts/<post_code>/hide : coordinators of its exchange
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route({"reason": TEXT}, {"reason": "要求付钱"})),
    },
    "exchanges.post_unhide": {  # /exchange/posts/<post_code>/unhide (an open post: 409)
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route({"reason": TEXT}, {"reason": "举报不属实"})),
    },
    "exchanges.mine": {  # /exchange/mine
        "GET": D(USERS, "page"),
    },
    "exchanges.join": {  # /exchange/join : anyone signed in (who may join none is told so)
        "GET": D(USERS, "page"),
        "POST": D(USERS, "page", inputs=Route(
            {"organisation_id": OPT_ID, "birth_year": NUMBER, "district_id": ID, "about": OPT_TEXT},
            {"birth_year": "1980", "district_id": "1", "about": "会做饭"})),
    },
    "exchanges.profile": {  # /exchange/members/<int:exchange_member_id> : members of the exchange
        "GET": D(EXCHANGE_POSTERS, "object"),
    },
    "exchanges.profile_edit": {  # /exchange/members/<int:exchange_member_id>/edit : the member, their coordinators
        "GET": D(EXCHANGE_POSTERS, "object"),
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route(
            {"p-birth_year": NUMBER, "p-district_id": ID, "p-about": OPT_TEXT},
            {"p-birth_year": "1980", "p-district_id": "1", "p-about": "会修自行车"})),
    },
    "exchanges_api.list_exchange_posts": {  # /api/v1/exchange/posts : anyone with a token (their exchanges' posts)
        "GET": D(USERS, "api"),
    },
    "exchanges_api.get_exchange_post": {  # /api/v1/exchange/posts/<post_code> : members of its exchange
        "GET": D(EXCHANGE_POSTERS, "api"),
    },
    "exchanges.profile_digest": {  # /exchange/members/<int:exchange_member_id>/digest
        "POST": D(EXCHANGE_POSTERS, "object", inputs=Route(
            {"d-match_digest": F("flag", False), "d-match_categories": OPT_CHOICE},
            {"d-match_digest": "y", "d-match_categories": "teaching"})),
    },
    # --- exchanges: agreements, the transfer, approvals, disputes, endorsements, public figures ---
    # the charity's exchange: "donor" offers, "volunteer" asked (tests/exchanges/world_agreements.py); its staff
    # and admins coordinate it and may act for either side (they name the member in `for_member`)
    "exchanges.agree": {  # /exchange/posts/<post_code>/agree : members of the post's exchange, its coordinators
        "GET": D(EXCHANGE_SIDES, "object"),
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route(
            {"starts_at": DATETIME, "minutes": NUMBER, "note": OPT_TEXT, "for_member": OPT_ID},
            {"starts_at": EXCHANGE_SOON, "minutes": "60", "note": "周三上午"})),
    },
    "exchanges.my_agreements": {"GET": D(USERS, "page")},  # /exchange/agreements
    "exchanges.agreement": {"GET": D(EXCHANGE_SIDES, "object")},  # /exchange/agreements/<agreement_code>
    "exchanges.accept": {  # /exchange/agreements/<agreement_code>/accept : its sides and coordinators
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route({"for_member": OPT_ID})),
    },
    "exchanges.decline": {  # /exchange/agreements/<agreement_code>/decline
        "POST": D(EXCHANGE_SIDES, "object", inputs=EXCHANGE_NOTE),
    },
    "exchanges.cancel": {  # /exchange/agreements/<agreement_code>/cancel
        "POST": D(EXCHANGE_SIDES, "object", inputs=EXCHANGE_NOTE),
    },
    "exchanges.claim": {  # /exchange/agreements/<agreement_code>/claim
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route({"minutes": NUMBER, "note": OPT_TEXT, "for_member": OPT_ID},
                                                         {"minutes": "60"})),
    },
    "exchanges.confirm": {  # /exchange/agreements/<agreement_code>/confirm
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route({"minutes": OPT_NUMBER, "for_member": OPT_ID},
                                                         {"minutes": "60"})),
    },
    "exchanges.dispute": {  # /exchange/agreements/<agreement_code>/dispute
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route({"note": TEXT, "for_member": OPT_ID},
                                                         {"note": "只待了半小时"})),
    },
    "exchanges.endorse": {  # /exchange/agreements/<agreement_code>/endorse
        "POST": D(EXCHANGE_SIDES, "object", inputs=Route({"text": TEXT, "for_member": OPT_ID}, {"text": "很耐心"})),
    },
    "exchanges.approve": {  # /exchange/agreements/<agreement_code>/approve : coordinators of its exchange
        "POST": D(CHARITY_COORDINATORS, "object", inputs=Route({"note": OPT_TEXT})),
    },
    "exchanges.refuse": {  # /exchange/agreements/<agreement_code>/refuse
        "POST": D(CHARITY_COORDINATORS, "object", inputs=Route({"note": TEXT}, {"note": "请先联系我"})),
    },
    "exchanges.settle": {  # /exchange/agreements/<agreement_code>/settle
        "POST": D(CHARITY_COORDINATORS, "object", inputs=Route(
            {"outcome": CHOICE, "minutes": OPT_NUMBER, "note": TEXT},
            {"outcome": "minutes", "minutes": "30", "note": "双方电话确认"})),
    },
    "exchanges.approvals": {"GET": D(REPORT_READERS, "page")},  # /exchange/coordinate/approvals : coordinators
    "exchanges.disputes": {"GET": D(REPORT_READERS, "page")},  # /exchange/coordinate/disputes  of any exchange
    "exchanges.figures": {"GET": D(EVERYONE, "page")},  # /exchange/figures
    "exchange_figures_api.get_exchange_figures": {"GET": D(EVERYONE, "api")},  # /api/v1/exchanges/figures
    # --- exchanges: messages, blocks, reports and the coordinators' board (the volunteer writes to the donor
    # about the donor's post and reported it; the social worker coordinates that exchange) ---
    "exchanges.messages": {  # /exchange/messages : anyone signed in (empty until they join an exchange)
        "GET": D(USERS, "page"),
    },
    "exchanges.thread": {  # /exchange/messages/<int:conversation_id> : its two sides; the coordinator, reported
        "GET": D({"volunteer", "donor", "social_worker"}, "object"),
        "POST": D({"volunteer", "donor"}, "object", inputs=Route({"body": TEXT, "member": OPT_ID},
                                                                 {"body": "周六下午两点可以吗？"})),
    },
    "exchanges.share": {  # /exchange/messages/<int:conversation_id>/share : its two sides
        "POST": D({"volunteer", "donor"}, "object", inputs=Route({"member": OPT_ID})),
    },
    "exchanges.unshare": {  # /exchange/messages/<int:conversation_id>/unshare : its two sides
        "POST": D({"volunteer", "donor"}, "object", inputs=Route({"member": OPT_ID})),
    },
    "exchanges.block": {  # /exchange/messages/<int:conversation_id>/block : its two sides
        "POST": D({"volunteer", "donor"}, "object", inputs=Route({"member": OPT_ID})),
    },
    "exchanges.unblock": {  # /exchange/messages/<int:conversation_id>/unblock : its two sides
        "POST": D({"volunteer", "donor"}, "object", inputs=Route({"member": OPT_ID})),
    },
    "exchanges.report": {  # /exchange/messages/<int:conversation_id>/report
        "GET": D({"volunteer", "donor"}, "object"),
        "POST": D({"volunteer", "donor"}, "object", inputs=Route(
            {"reason": CHOICE, "note": OPT_TEXT, "member": OPT_ID}, {"reason": "scam", "note": "向我要钱"})),
    },
    "exchanges.report_post": {  # /exchange/posts/<post_code>/report : other members of the post's exchange
        "GET": D({"volunteer", "donor", "org_admin"}, "object"),
        "POST": D({"volunteer", "donor", "org_admin"}, "object", inputs=Route(
            {"reason": CHOICE, "note": OPT_TEXT, "member": OPT_ID}, {"reason": "inappropriate", "note": "广告"})),
    },
    "exchanges.message_post": {  # /exchange/posts/<post_code>/message : members of the post's exchange
        "POST": D({"volunteer", "donor", "staff", "org_admin"}, "object", inputs=Route({"member": OPT_ID})),
    },
    "exchanges.coordinate": {  # /exchange/coordinate : coordinators of an exchange
        "GET": D({"social_worker", "staff", "org_admin"}, "page"),
    },
    "exchanges.answer_report": {  # /exchange/reports/<int:exchange_report_id>/answer
        "POST": D({"social_worker"}, "object", inputs=Route({"answer": TEXT}, {"answer": "已提醒对方"})),
    },
}


def routes_of(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) of every route the app serves, less static files and redirects."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule.redirect_to is None
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


@functools.cache
def app_routes() -> list[tuple[str, str, str]]:
    """The routes of an app built the tests' way, for parametrizing at collection (no database is opened)."""
    from marketplace import create_app
    from tests.conftest import TEST_SETTINGS

    return routes_of(create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


def declaration(endpoint: str, method: str, rule: str) -> D:
    """Return the route's declaration; fail naming the endpoint when there is none.

    An endpoint serving several rules with one method declares each as "METHOD rule", else "METHOD".
    """
    declared = ROUTES.get(endpoint, {})
    found = declared.get(f"{method} {rule}", declared.get(method))
    assert found is not None, (
        f"route {endpoint!r} ({method} {rule}) has no declaration: add "
        f"ROUTES[{endpoint!r}][{method!r}] to tests/routes.py (who may call it, what it takes)"
    )
    return found


def undeclared(app) -> list[str]:
    """Each route without a declaration, and each declaration without a route, as a line naming its endpoint."""
    served = routes_of(app)
    used = set()
    problems = []
    for endpoint, method, rule in served:
        declared = ROUTES.get(endpoint, {})
        key = f"{method} {rule}" if f"{method} {rule}" in declared else method
        if key in declared:
            used.add((endpoint, key))
        else:
            problems.append(f"{endpoint} ({method} {rule}) has no declaration in tests/routes.py")
    for endpoint, keys in ROUTES.items():
        problems += [
            f"{endpoint} ({key}) is declared in tests/routes.py but the app serves no such route"
            for key in keys
            if (endpoint, key) not in used
        ]
    return problems
