"""Every route, every role: the one access policy answers as expected.

A forbidden object and a missing one must answer alike, so for each denial the same
request is repeated against ids that do not exist and the two answers are compared.
"""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from marketplace.auth.service import create_api_token
from marketplace.orgs.models import Invitation
from marketplace.platform.extensions import db, limiter
from marketplace.platform.timeutil import now_utc
from tests.conftest import PASSWORD, AuthActions
from tests.files import PDF as REAL_PDF
from tests.funds.world import funds_of
from tests.reconciliation.world import reconciliation_of
from tests.wishes.world import wishes_of

ROLES = ["anonymous", "volunteer", "donor", "firm_member", "social_worker", "staff",
         "org_admin", "platform_admin"]
USERS = set(ROLES) - {"anonymous"}
CHARITY_MEMBERS = {"staff", "org_admin", "platform_admin"}
CHARITY_ADMINS = {"org_admin", "platform_admin"}
EVERYONE = set(ROLES)
NEW_ROLE = {"role": "coordinator"}
API_MEMBER = "/api/v1/orgs/<int:org_id>/members/<int:membership_id>"

WISH_STAFF = CHARITY_MEMBERS  # the charity posts the wishes; org_admin wrote them, coadmin verified
BOARD_READERS = CHARITY_MEMBERS | {"social_worker"}  # staff of any organisation
HOUSEHOLD = {"pseudonym": "青禾", "district_id": "1", "category": "disability", "age_band": "60-79",
             "full_name": "王某", "consent_on": "2026-01-05", "consent_scope": "发布"}
API_LISTING = "/api/v1/listings/<listing_code>"
WISH_ROUTES: dict[tuple[str, str], tuple[set, dict | None, str]] = {
    ("GET", "/wishes/"): (EVERYONE, None, "page"),
    ("GET", "/wishes/<listing_code>"): (EVERYONE, None, "object"),
    ("GET", "/wishes/<listing_code>/photo"): (EVERYONE, None, "object"),
    ("POST", "/wishes/<listing_code>/claim"): (USERS, {"method": "in_kind"}, "object"),
    ("POST", "/wishes/<listing_code>/pledge"): (USERS, {"amount": "100"}, "object"),
    ("GET", "/wishes/my"): (USERS, None, "page"),
    ("POST", "/wishes/claims/<int:wish_claim_id>/release"): (WISH_STAFF | {"donor"}, {}, "object"),
    ("POST", "/wishes/pledges/<int:pledge_id>/withdraw"): (WISH_STAFF | {"firm_member"}, {}, "object"),
    ("GET", "/wishes/board"): (BOARD_READERS, None, "page"),
    ("GET", "/wishes/board.csv"): (BOARD_READERS, None, "page"),
    ("GET", "/wishes/orgs/<int:org_id>/households"): (WISH_STAFF, None, "object"),
    ("GET", "/wishes/orgs/<int:org_id>/households/new"): (WISH_STAFF, None, "object"),
    ("POST", "/wishes/orgs/<int:org_id>/households/new"): (WISH_STAFF, HOUSEHOLD, "object"),
    ("GET", "/wishes/orgs/<int:org_id>/listings"): (WISH_STAFF, None, "object"),
    ("GET", "/wishes/households/<int:beneficiary_id>"): (WISH_STAFF, None, "object"),
    ("GET", "/wishes/households/<int:beneficiary_id>/edit"): (WISH_STAFF, None, "object"),
    ("POST", "/wishes/households/<int:beneficiary_id>/edit"): (WISH_STAFF, HOUSEHOLD, "object"),
    ("POST", "/wishes/households/<int:beneficiary_id>/verify"): (WISH_STAFF, {}, "object"),
    ("GET", "/wishes/households/<int:beneficiary_id>/listings/new"): (WISH_STAFF, None, "object"),
    ("POST", "/wishes/households/<int:beneficiary_id>/listings/new"): (WISH_STAFF, {
        "kind": "wish", "title": "新书包", "quantity": "1", "value": "150"}, "object"),
    ("GET", "/wishes/listings/<int:listing_id>"): (WISH_STAFF, None, "object"),
    ("GET", "/wishes/listings/<int:listing_id>/edit"): (WISH_STAFF, None, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/edit"): (WISH_STAFF, {"title": "改", "quantity": "1"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/move"): (WISH_STAFF, {"to": "withdrawn", "note": "原因"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/approve-budget"): (CHARITY_ADMINS, {"note": "ok"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/deliver"): (WISH_STAFF, {"note": ""}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/thanks"): (WISH_STAFF, {"text": "谢谢"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/activity"): (WISH_STAFF, {
        "starts_at": "2031-01-01T09:00", "ends_at": "2031-01-01T11:00", "capacity": "5"}, "object"),
    ("GET", "/wishes/listings/<int:listing_id>/photo/<any(original, delivery):which>"): (WISH_STAFF, None, "object"),
    ("GET", "/api/v1/orgs/<int:org_id>/beneficiaries"): (WISH_STAFF, None, "api"),
    ("POST", "/api/v1/orgs/<int:org_id>/beneficiaries"): (WISH_STAFF, {
        "district_id": 1, "category": "elderly_alone", "age_band": "80+", "full_name": "王",
        "consent_on": "2026-01-05", "consent_scope": "x"}, "api"),
    ("GET", "/api/v1/beneficiaries/<int:beneficiary_id>"): (WISH_STAFF, None, "api"),
    ("PATCH", "/api/v1/beneficiaries/<int:beneficiary_id>"): (WISH_STAFF, {"pseudonym": "新名"}, "api"),
    ("POST", "/api/v1/beneficiaries/<int:beneficiary_id>/verification"): (WISH_STAFF, None, "api"),
    ("POST", "/api/v1/beneficiaries/<int:beneficiary_id>/listings"): (WISH_STAFF, {
        "kind": "wish", "title": "书包", "value_fen": 10000}, "api"),
    ("GET", "/api/v1/listings"): (EVERYONE, None, "api"),
    ("GET", API_LISTING): (EVERYONE, None, "api"),
    ("PATCH", API_LISTING): (WISH_STAFF, {"title": "改"}, "api"),
    ("GET", API_LISTING + "/transitions"): (WISH_STAFF, None, "api"),
    ("POST", API_LISTING + "/transitions"): (WISH_STAFF, {"to": "withdrawn", "note": "x"}, "api"),
    ("POST", API_LISTING + "/approve-budget"): (CHARITY_ADMINS, {"note": "ok"}, "api"),
    ("POST", API_LISTING + "/delivery"): (WISH_STAFF, {"note": ""}, "api"),
    ("POST", API_LISTING + "/thanks"): (WISH_STAFF, {"text": "谢谢"}, "api"),
    ("POST", API_LISTING + "/claims"): (USERS, {"method": "in_kind"}, "api"),
    ("POST", API_LISTING + "/pledges"): (USERS, {"amount_fen": 1000}, "api"),
    ("POST", "/api/v1/wish-claims/<int:wish_claim_id>/release"): (WISH_STAFF | {"donor"}, None, "api"),
    ("POST", "/api/v1/pledges/<int:pledge_id>/withdraw"): (WISH_STAFF | {"firm_member"}, None, "api"),
    ("GET", "/api/v1/me/wish-claims"): (USERS, None, "api"),
    ("GET", "/api/v1/me/pledges"): (USERS, None, "api"),
    ("POST", "/wishes/listings/<int:listing_id>/cancel"): (WISH_STAFF, {"action": "refund", "reason": "x"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/cancellation"): (WISH_STAFF, {"decision": "reject"}, "object"),
    ("POST", "/wishes/listings/<int:listing_id>/shares"): (WISH_STAFF, {
        "source": "government", "amount": "1", "received_on": "2026-01-05"}, "object"),
    ("POST", API_LISTING + "/shares"): (WISH_STAFF, {"source": "government", "amount_fen": 100,
                                                     "received_on": "2026-01-05"}, "api"),
    ("POST", API_LISTING + "/cancellations"): (WISH_STAFF, {"action": "refund", "reason": "x"}, "api"),
    ("POST", "/api/v1/cancellations/<int:cancellation_id>/decision"): (WISH_STAFF, {"decision": "reject"}, "api"),
    ("GET", "/api/v1/board"): (BOARD_READERS, None, "api"),
    ("GET", "/api/v1/board/counts"): (BOARD_READERS, None, "api"),
}
FUND_STAFF = CHARITY_MEMBERS
FUND = {"kind": "general", "name_zh": "社区基金", "name_en": "Community Fund"}
DISBURSEMENT = "/funds/disbursements/<int:disbursement_id>"
FUND_ROUTES: dict[tuple[str, str], tuple[set, dict | None, str]] = {
    ("GET", "/funds/orgs/<int:org_id>"): (EVERYONE, None, "object"),
    ("GET", "/funds/<fund_code>"): (EVERYONE, None, "object"),
    ("GET", "/funds/receipts/<disbursement_code>"): (EVERYONE, None, "object"),
    ("GET", "/funds/orgs/<int:org_id>/new"): (FUND_STAFF, None, "object"),
    ("POST", "/funds/orgs/<int:org_id>/new"): (FUND_STAFF, FUND, "object"),
    ("GET", "/funds/<fund_code>/disbursements"): (FUND_STAFF, None, "object"),
    ("GET", "/funds/<fund_code>/disbursements/new"): (FUND_STAFF, None, "object"),
    ("POST", "/funds/<fund_code>/disbursements/new"): (FUND_STAFF, {"payee": "店", "purpose": "修门",
                                                                    "amount": "1"}, "object"),
    ("GET", DISBURSEMENT): (FUND_STAFF, None, "object"),
    ("POST", DISBURSEMENT + "/approve"): (FUND_STAFF, {}, "object"),
    ("POST", DISBURSEMENT + "/reject"): (FUND_STAFF, {"reason": "重复"}, "object"),
    ("POST", DISBURSEMENT + "/publish"): (FUND_STAFF, {"confirm": "y"}, "object"),
    ("POST", DISBURSEMENT + "/unpublish"): (FUND_STAFF, {}, "object"),
    ("GET", DISBURSEMENT + "/evidence"): (FUND_STAFF, None, "object"),
    ("GET", "/api/v1/orgs/<int:org_id>/funds"): (EVERYONE, None, "api"),
    ("POST", "/api/v1/orgs/<int:org_id>/funds"): (FUND_STAFF, FUND, "api"),
    ("GET", "/api/v1/funds/<fund_code>"): (EVERYONE, None, "api"),
    ("GET", "/api/v1/funds/<fund_code>/disbursements"): (EVERYONE, None, "api"),
    ("POST", "/api/v1/funds/<fund_code>/disbursements"): (FUND_STAFF, {"payee": "店"}, "api"),
    ("POST", "/api/v1/disbursements/<int:disbursement_id>/approve"): (FUND_STAFF, None, "api"),
    ("POST", "/api/v1/disbursements/<int:disbursement_id>/reject"): (FUND_STAFF, {"reason": "重复"}, "api"),
    ("GET", "/payments/orgs/<int:org_id>/offline"): (FUND_STAFF, None, "object"),
    ("POST", "/payments/orgs/<int:org_id>/offline"): (FUND_STAFF, {"method": "bank", "amount": "1"}, "object"),
    ("POST", "/payments/offline/<int:donation_id>/confirm"): (FUND_STAFF, {}, "object"),
    ("POST", "/payments/offline/<int:donation_id>/cancel"): (FUND_STAFF, {}, "object"),
    ("GET", "/payments/offline/<int:donation_id>/evidence"): (FUND_STAFF, None, "object"),
    ("GET", "/payments/my"): (USERS, None, "page"),
    ("GET", "/payments/donations/<donation_code>/receipt.pdf"): (FUND_STAFF | {"donor"}, None, "object"),
    ("GET", "/payments/give/fund/<fund_code>"): (USERS, None, "object"),
    ("POST", "/payments/give/fund/<fund_code>"): (USERS, {"amount": "88.80", "display": "masked"}, "object"),
    ("GET", "/payments/give/wish/<listing_code>"): (USERS, None, "object"),
    ("POST", "/payments/give/wish/<listing_code>"): (USERS, {"display": "masked"}, "object"),
    ("GET", "/payments/give/pledge/<int:pledge_id>"): ({"firm_member"}, None, "object"),
    ("GET", "/payments/give/need/<listing_code>"): (set(), None, "object"),  # the code names a wish: 404
    ("POST", "/payments/give/need/<listing_code>"): (set(), {"amount": "1"}, "object"),
    ("GET", "/payments/attention"): ({"platform_admin"}, None, "admin"),
    ("POST", "/payments/attention/<int:payment_event_id>/settle"): ({"platform_admin"}, {"note": "done"}, "admin"),
    ("POST", "/payments/give/pledge/<int:pledge_id>"): ({"firm_member"}, {"display": "masked"}, "object"),
    ("GET", "/payments/demo/<donation_code>"): ({"donor"}, None, "object"),
    ("POST", "/payments/demo/<donation_code>"): ({"donor"}, {"outcome": "pay"}, "object"),
    ("GET", "/payments/donations/<donation_code>"): ({"donor"}, None, "object"),
    ("POST", "/payments/stripe/webhook"): (set(), {}, "link"),  # unsigned: 400 for everyone
    ("POST", "/api/v1/donations"): (USERS, {"amount_fen": 100}, "api"),  # no target: 422
    ("GET", "/api/v1/donations/<donation_code>"): ({"donor"}, None, "api"),
    ("POST", "/admin/payouts"): ({"platform_admin"}, {"payout_id": "po_matrix", "amount": "1"}, "admin"),
    ("GET", "/firms/leaderboard"): (EVERYONE, None, "page"),
    ("GET", "/firms/<int:firm_id>"): ({"firm_member", "platform_admin"}, None, "object"),
    ("POST", "/firms/<int:firm_id>/leaderboard"): ({"platform_admin"}, {"on": "1"}, "object"),  # its admins
}
PLATFORM_ADMIN = {"platform_admin"}
BOOKS = "/reconciliation/orgs/<int:org_id>"
PUBLIC_ACCOUNTS_ROUTES: dict[tuple[str, str], tuple[set, dict | None, str]] = {
    ("GET", "/transparency/"): (EVERYONE, None, "page"),
    ("GET", "/transparency/orgs/<int:org_id>"): (EVERYONE, None, "object"),
    ("GET", "/transparency/funds/<fund_code>"): (EVERYONE, None, "object"),
    ("GET", "/transparency/wishes/<listing_code>"): (EVERYONE, None, "object"),
    ("GET", "/transparency/data/"): (EVERYONE, None, "page"),
    ("GET", "/transparency/data/ledger.csv"): (EVERYONE, None, "page"),
    ("GET", "/transparency/data/ledger.json"): (EVERYONE, None, "page"),
    ("GET", "/transparency/data/360giving.json"): (EVERYONE, None, "page"),
    ("GET", "/reconciliation/"): (USERS, None, "page"),
    ("GET", "/reconciliation/imports/<int:import_id>"): (FUND_STAFF, None, "object"),
    ("GET", BOOKS + "/periods"): (FUND_STAFF, None, "object"),
    ("POST", BOOKS + "/periods"): (CHARITY_ADMINS, {"month": "2026-10", "note": "已对账"}, "object"),  # finance
    ("GET", "/reconciliation/platform/periods"): (PLATFORM_ADMIN, None, "admin"),
    ("POST", "/reconciliation/platform/periods"): (PLATFORM_ADMIN, {"month": "2026-10"}, "admin"),
}
for prefix, allowed, kind in ((BOOKS, FUND_STAFF, "object"), ("/reconciliation/platform", PLATFORM_ADMIN, "admin")):
    PUBLIC_ACCOUNTS_ROUTES |= {
        ("GET", prefix + "/"): (allowed, None, kind),
        ("POST", prefix + "/imports"): (allowed, {"kind": "bank"}, kind),
        ("GET", prefix + "/profiles/new"): (allowed, None, kind),
        ("POST", prefix + "/profiles/new"): (allowed, {"name": "建设银行", "date_column": "日期",
                                                       "date_format": "%Y-%m-%d", "amount_column": "金额",
                                                       "encoding": "utf-8"}, kind),
        ("GET", prefix + "/profiles/<int:profile_id>"): (allowed, None, kind),
        ("POST", prefix + "/profiles/<int:profile_id>"): (allowed, {"name": "建设银行", "date_column": "日期",
                                                                     "amount_column": "金额"}, kind),
        ("POST", prefix + "/match-run"): (allowed, {"account": "bank"}, kind),
        ("GET", prefix + "/unmatched"): (allowed, None, kind),
        ("POST", prefix + "/match"): (allowed, {"line_id": "1", "posting_id": "1"}, kind),
        ("POST", prefix + "/correct"): (allowed, {"line_id": "1", "reason": "银行手续费"}, kind),
        ("POST", prefix + "/corrections/<int:request_id>/approve"): (allowed, {}, kind),
        ("POST", prefix + "/corrections/<int:request_id>/reject"): (allowed, {}, kind),
        ("GET", prefix + "/report"): (allowed, None, kind),
        ("GET", prefix + "/report.xlsx"): (allowed, None, kind),
    }

# (method, rule) -> (roles allowed, form data or JSON body, kind); kind picks what a denial looks like
ROUTES: dict[tuple[str, str], tuple[set, dict | None, str]] = {
    ("GET", "/"): (EVERYONE, None, "page"),
    ("GET", "/healthz"): (EVERYONE, None, "page"),
    ("POST", "/language"): (EVERYONE, {"locale": "en"}, "page"),
    ("GET", "/auth/register"): (EVERYONE, None, "page"),
    ("POST", "/auth/register"): (EVERYONE, {"display_name": "新人", "email": "new@example.org",
                                            "password": "a long new passphrase", "locale": "en"}, "page"),
    ("GET", "/auth/login"): (EVERYONE, None, "page"),
    ("POST", "/auth/login"): (EVERYONE, {"email": "coadmin@example.org", "password": PASSWORD}, "page"),
    ("POST", "/auth/logout"): (EVERYONE, {}, "page"),
    ("GET", "/auth/reset"): (EVERYONE, None, "page"),
    ("POST", "/auth/reset"): (EVERYONE, {"email": "x@example.org"}, "page"),
    ("GET", "/auth/reset/<token>"): (set(), None, "link"),
    ("POST", "/auth/reset/<token>"): (set(), {"new_password": "a long new passphrase"}, "link"),
    ("GET", "/auth/verify/<token>"): (set(), None, "link"),
    ("POST", "/auth/verify/resend"): (USERS, {}, "page"),
    ("GET", "/account/"): (USERS, None, "page"),
    ("POST", "/account/"): (USERS, {"display_name": "新名字", "locale": "en", "phone": "",
                                    "public_display": "masked"}, "page"),
    ("GET", "/account/password"): (USERS, None, "page"),
    ("POST", "/account/password"): (USERS, {"current_password": "x", "new_password": "y"}, "page"),
    ("GET", "/account/tokens"): (USERS, None, "page"),
    ("POST", "/account/tokens"): (USERS, {"name": "script", "scope": "read"}, "page"),
    ("POST", "/account/tokens/<int:token_id>/revoke"): ({"org_admin"}, {}, "object"),
    ("GET", "/orgs/"): (EVERYONE, None, "page"),
    ("GET", "/orgs/new"): (USERS, None, "page"),
    ("POST", "/orgs/new"): (USERS, {"kind": "charity", "name_zh": "新机构", "name_en": "New",
                                    "district_id": "1"}, "page"),
    ("GET", "/orgs/<int:org_id>"): (EVERYONE, None, "object"),
    ("GET", "/orgs/<int:org_id>/edit"): (CHARITY_ADMINS, None, "object"),
    ("POST", "/orgs/<int:org_id>/edit"): (CHARITY_ADMINS, {"name_zh": "改名", "name_en": "Renamed",
                                                           "district_id": "2"}, "object"),
    ("POST", "/orgs/<int:org_id>/verify"): ({"platform_admin"}, {"verified": "1"}, "object"),
    ("GET", "/orgs/<int:org_id>/members"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/orgs/<int:org_id>/members/invite"): (CHARITY_ADMINS, {"email": "joiner@example.org",
                                                                     "role": "member"}, "object"),
    ("POST", "/orgs/<int:org_id>/members/<int:membership_id>/role"): (CHARITY_ADMINS, NEW_ROLE, "object"),
    ("POST", "/orgs/<int:org_id>/members/<int:membership_id>/remove"): (CHARITY_ADMINS, {}, "object"),
    ("POST", "/orgs/<int:org_id>/invitations/<int:invitation_id>/revoke"): (CHARITY_ADMINS, {}, "object"),
    ("POST", "/orgs/<int:org_id>/leave"): ({"staff", "org_admin"}, {}, "object"),
    ("GET", "/orgs/invitations/<token>"): (set(), None, "link"),
    ("POST", "/orgs/invitations/<token>"): (set(), {}, "link"),
    ("GET", "/admin/"): ({"platform_admin"}, None, "page"),
    ("GET", "/admin/districts/<int:district_id>"): ({"platform_admin"}, None, "admin"),
    ("POST", "/admin/districts/<int:district_id>"): ({"platform_admin"}, {"code": "yuexiu", "name_zh": "越秀区",
                                                                          "name_en": "Yuexiu", "sort_order": "1",
                                                                          "is_active": "y"}, "admin"),
    ("POST", "/admin/districts/new"): ({"platform_admin"}, {"code": "new", "name_zh": "新区",
                                                           "name_en": "New", "sort_order": "30"}, "page"),
    ("GET", "/api/docs"): (EVERYONE, None, "page"),
    ("GET", "/api/openapi.json"): (EVERYONE, None, "api"),
    ("GET", "/api/v1/districts"): (EVERYONE, None, "api"),
    ("GET", "/api/v1/me"): (USERS, None, "api"),
    ("PATCH", "/api/v1/me"): (USERS, {"locale": "en"}, "api"),
    ("GET", "/api/v1/orgs"): (EVERYONE, None, "api"),
    ("POST", "/api/v1/orgs"): (USERS, {"kind": "charity", "name_zh": "新机构", "name_en": "New",
                                                "district_id": 1}, "api"),
    ("GET", "/api/v1/orgs/<int:org_id>"): (EVERYONE, None, "api"),
    ("PATCH", "/api/v1/orgs/<int:org_id>"): (CHARITY_ADMINS, {"name_en": "Renamed"}, "api"),
    ("GET", "/api/v1/orgs/<int:org_id>/members"): (CHARITY_MEMBERS, None, "api"),
    ("PATCH", API_MEMBER): (CHARITY_ADMINS, NEW_ROLE, "api"),
    ("DELETE", API_MEMBER): (CHARITY_ADMINS, None, "api"),
    ("POST", "/api/v1/orgs/<int:org_id>/invitations"): (CHARITY_ADMINS, {"email": "a@example.org"}, "api"),
    # time-bank API: the same charity's activity, attendance and claim
    ("GET", "/api/v1/activities"): (EVERYONE, None, "api"),
    ("GET", "/api/v1/activities/<int:activity_id>"): (EVERYONE, None, "api"),
    ("POST", "/api/v1/orgs/<int:org_id>/activities"): (CHARITY_MEMBERS, {
        "title": "探访", "category": "elderly_care", "district_id": 1, "starts_at": "2031-01-01T09:00",
        "ends_at": "2031-01-01T11:00", "capacity": 5}, "api"),
    ("POST", "/api/v1/activities/<int:activity_id>/signup"): (USERS, None, "api"),
    ("DELETE", "/api/v1/activities/<int:activity_id>/signup"): (USERS, None, "api"),
    ("POST", "/api/v1/checkins"): (USERS, {"token": "forged"}, "api"),
    ("GET", "/api/v1/activities/<int:activity_id>/attendances"): (CHARITY_MEMBERS, None, "api"),
    ("POST", "/api/v1/attendances/<int:attendance_id>/approve"): (CHARITY_MEMBERS, {"note": ""}, "api"),
    ("POST", "/api/v1/attendances/<int:attendance_id>/reject"): (CHARITY_MEMBERS, {"note": "absent"}, "api"),
    ("POST", "/api/v1/attendances/<int:attendance_id>/reverse"): (CHARITY_MEMBERS, {"reason": "x"}, "api"),
    ("GET", "/api/v1/me/claims"): (USERS, None, "api"),
    ("GET", "/api/v1/orgs/<int:org_id>/claims"): (CHARITY_MEMBERS, None, "api"),
    ("POST", "/api/v1/claims/<int:claim_id>/approve"): (CHARITY_MEMBERS, {"note": ""}, "api"),
    ("POST", "/api/v1/claims/<int:claim_id>/reject"): (CHARITY_MEMBERS, {"note": "no"}, "api"),
    ("POST", "/api/v1/claims/<int:claim_id>/reverse"): (CHARITY_MEMBERS, {"reason": "x"}, "api"),
    ("GET", "/api/v1/me/hours"): (USERS, None, "api"),
    ("GET", "/api/v1/care"): (USERS, None, "api"),
    ("POST", "/api/v1/care"): (USERS, {"recipient_name": ""}, "api"),
    ("GET", "/api/v1/care/<int:care_id>"): (USERS, None, "api"),
    ("POST", "/api/v1/care/<int:care_id>/accept"): (USERS, None, "api"),
    ("POST", "/api/v1/care/<int:care_id>/confirm"): ({"volunteer"}, None, "api"),
    ("POST", "/api/v1/care/<int:care_id>/dispute"): ({"volunteer"}, {"note": "late"}, "api"),
    ("POST", "/api/v1/care/<int:care_id>/settle"): (CHARITY_MEMBERS, {"minutes": 0, "note": "x"}, "api"),
    ("POST", "/api/v1/care/<int:care_id>/cancel"): ({"volunteer"}, None, "api"),
    ("GET", "/api/v1/orgs/<int:org_id>/pool"): (USERS, None, "api"),
    ("POST", "/api/v1/orgs/<int:org_id>/pool"): (USERS, {"minutes": 1, "idempotency_key": "m"}, "api"),
    ("GET", "/api/v1/me/hours/statement"): (USERS, None, "api"),
    ("POST", "/api/v1/me/hours/transfers"): (USERS, {"email": "coadmin@example.org", "minutes": 5,
                                                     "idempotency_key": "matrix"}, "api"),
    ("GET", "/api/v1/certificates/<code>"): (EVERYONE, None, "api"),
    # time bank: the charity runs an activity; "volunteer" has a place, an attendance and a claim
    ("GET", "/timebank/"): (EVERYONE, None, "page"),
    ("GET", "/timebank/orgs/<int:org_id>/activities/new"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/orgs/<int:org_id>/activities/new"): (CHARITY_MEMBERS, {
        "title": "探访", "category": "elderly_care", "district_id": "1", "starts_at": "2031-01-01T09:00",
        "ends_at": "2031-01-01T11:00", "capacity": "5"}, "object"),
    ("GET", "/timebank/activities/<int:activity_id>"): (EVERYONE, None, "object"),
    ("POST", "/timebank/activities/<int:activity_id>/signup"): (USERS, {}, "object"),
    ("POST", "/timebank/activities/<int:activity_id>/cancel"): (USERS, {}, "object"),
    ("GET", "/timebank/activities/<int:activity_id>/manage"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/activities/<int:activity_id>/attendance"): (CHARITY_MEMBERS, {
        "email": "donor@example.org", "checked_in_at": "2031-01-01T09:00", "checked_out_at": "2031-01-01T10:00",
        "reason": "no phone"}, "object"),
    ("POST", "/timebank/attendances/<int:attendance_id>/approve"): (CHARITY_MEMBERS, {"note": ""}, "object"),
    ("POST", "/timebank/attendances/<int:attendance_id>/reject"): (CHARITY_MEMBERS, {"note": "absent"}, "object"),
    ("POST", "/timebank/attendances/<int:attendance_id>/reverse"): (CHARITY_MEMBERS, {"reason": "x"}, "object"),
    ("GET", "/timebank/scan/<token>"): (USERS, None, "page"),
    ("POST", "/timebank/scan/<token>"): (USERS, {}, "page"),
    ("GET", "/timebank/my"): (USERS, None, "page"),
    ("GET", "/timebank/give"): (USERS, None, "page"),
    ("POST", "/timebank/give"): (USERS, {"email": "coadmin@example.org", "minutes": "5"}, "page"),
    ("GET", "/timebank/claims/new"): (USERS, None, "page"),
    ("POST", "/timebank/claims/new"): (USERS, {"minutes": "5"}, "page"),
    ("GET", "/timebank/orgs/<int:org_id>/claims"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/claims/<int:claim_id>/approve"): (CHARITY_MEMBERS, {"note": ""}, "object"),
    ("POST", "/timebank/claims/<int:claim_id>/reject"): (CHARITY_MEMBERS, {"note": "no"}, "object"),
    ("POST", "/timebank/claims/<int:claim_id>/reverse"): (CHARITY_MEMBERS, {"reason": "x"}, "object"),
    ("GET", "/timebank/claims/<int:claim_id>/evidence"): (CHARITY_MEMBERS | {"volunteer"}, None, "object"),
    # care: "volunteer" asked the charity for care; it is open, so any user may see and take it
    ("GET", "/timebank/care"): (USERS, None, "page"),
    ("GET", "/timebank/care/new"): (USERS, None, "page"),
    ("POST", "/timebank/care/new"): (USERS, {"recipient_name": ""}, "page"),
    ("GET", "/timebank/care/<int:care_id>"): (USERS, None, "object"),
    ("POST", "/timebank/care/<int:care_id>/accept"): (USERS, {}, "object"),
    ("POST", "/timebank/care/<int:care_id>/confirm"): (USERS, {}, "object"),
    ("POST", "/timebank/care/<int:care_id>/dispute"): (USERS, {"note": "late"}, "object"),
    ("POST", "/timebank/care/<int:care_id>/settle"): (CHARITY_MEMBERS, {"minutes": "0", "note": "x"}, "object"),
    ("POST", "/timebank/care/<int:care_id>/cancel"): (USERS, {}, "object"),
    ("GET", "/timebank/orgs/<int:org_id>/pool"): (USERS, None, "object"),
    ("POST", "/timebank/orgs/<int:org_id>/pool"): (USERS, {"minutes": "1"}, "object"),
    ("GET", "/timebank/orgs/<int:org_id>/spot-checks"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/orgs/<int:org_id>/spot-checks"): (CHARITY_MEMBERS, {"period_start": "2026-01-01",
                                                                            "period_end": "2026-01-31"}, "object"),
    ("GET", "/timebank/spot-checks/<int:check_id>"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/spot-check-items/<int:item_id>"): (CHARITY_MEMBERS, {"outcome": "confirmed"}, "object"),
    ("GET", "/timebank/leaderboard"): (EVERYONE, None, "page"),
    ("POST", "/timebank/leaderboard/choice"): (USERS, {"on": "1"}, "page"),
    ("GET", "/timebank/orgs/<int:org_id>/imports"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/orgs/<int:org_id>/imports"): (CHARITY_MEMBERS, {"title": "三月探访"}, "object"),
    ("GET", "/timebank/orgs/<int:org_id>/imports/template.<any(csv, xlsx):fmt>"): (CHARITY_MEMBERS, None, "object"),
    ("GET", "/timebank/imports/<int:batch_id>"): (CHARITY_MEMBERS, None, "object"),
    ("POST", "/timebank/imports/<int:batch_id>/confirm"): (CHARITY_MEMBERS, {}, "object"),
    ("GET", "/timebank/certificates"): (USERS, None, "page"),
    ("POST", "/timebank/certificates"): (USERS, {"period_start": "2026-01-01", "period_end": "2026-01-31"}, "page"),
    ("GET", "/verify/<code>"): (EVERYONE, None, "page"),
    **WISH_ROUTES,
    **FUND_ROUTES,
    **PUBLIC_ACCOUNTS_ROUTES,
}
ALLOWED_STATUSES = {200, 201, 204, 302, 303, 409, 422}


def _names_an_object(rule: str) -> bool:
    """Rules that point at one object (an id or a public code) answer a denial like a missing object."""
    return "<int:" in rule or "_code>" in rule


def test_every_route_is_in_the_matrix(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" and rule.redirect_to is None
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(ROUTES)


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
    activity, attendance, claim, care_request = time_bank_of(charity, people)
    ids = {"org_id": charity.id, "membership_id": staff_membership.id,
           "invitation_id": invitation.id, "token_id": token.id, "district_id": 1, "token": "forged",
           "activity_id": activity.id, "attendance_id": attendance.id, "claim_id": claim.id,
           "care_id": care_request.id}
    check, item = spot_check_of(charity, people["org_admin"], claim)
    ids |= {"check_id": check.id, "item_id": item.id}
    ids |= {"batch_id": import_batch_of(charity, people).id, "fmt": "csv"}
    ids["code"] = certificate_of(charity, people["donor"], people["org_admin"])
    ids |= wishes_of(charity, people["org_admin"], co_admin, claimant=people["donor"], pledger=people["firm_member"])
    ids |= funds_of(charity, people["org_admin"], donor=people["donor"], firm=firm)
    ids |= reconciliation_of(charity, people["staff"], platform_admin=people["platform_admin"])
    return {role: user.email for role, user in people.items()}, tokens, ids


def time_bank_of(charity, people):
    """An activity of the charity with the volunteer's attendance, and the volunteer's claim."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.timebank.activities import service
    from marketplace.timebank.hours import claims

    starts = now_utc().replace(microsecond=0) + timedelta(days=3)
    activity = service.create_activity(people["org_admin"], charity, title="探访", description="",
                                       category="elderly_care", district_id=1, address="", starts_at=starts,
                                       ends_at=starts + timedelta(hours=2), capacity=5)
    service.sign_up(activity.id, people["volunteer"])
    attendance = service.record_by_hand(people["org_admin"], activity.id, people["volunteer"].email, starts,
                                        starts + timedelta(hours=1), "no phone")
    evidence = FileStorage(io.BytesIO(REAL_PDF), filename="e.pdf")
    claim = claims.submit_claim(people["volunteer"], charity.id, now_utc().date(), 30, "搬家", evidence)
    return activity, attendance, claim, care_request_of(charity, people["volunteer"])


def spot_check_of(charity, drawn_by, claim):
    """A spot check of the charity sampling one claim (made directly: the sample is not the point here)."""
    from marketplace.timebank.checks.models import SpotCheck, SpotCheckItem

    check = SpotCheck(organisation_id=charity.id, drawn_by_id=drawn_by.id, period_start=now_utc().date(),
                      period_end=now_utc().date())
    db.session.add(check)
    db.session.flush()
    item = SpotCheckItem(spot_check_id=check.id, claim_id=claim.id, outcome="unchecked")
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
    """The code of a certificate of the volunteer's approved claim (the verify page needs a real one)."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.timebank.certificates import service as certificates
    from marketplace.timebank.hours import claims

    evidence = FileStorage(io.BytesIO(REAL_PDF), filename="e.pdf")
    served = now_utc().date() - timedelta(days=1)
    claims.approve_claim(claims.submit_claim(volunteer, charity.id, served, 30, "探访", evidence).id, approver)
    today = certificates.local_today()
    return certificates.issue_certificate(volunteer, today - timedelta(days=7), today).code


def care_request_of(charity, requester):
    """An open care request by `requester`, paid from hours issued to them."""
    from marketplace.ledger import service as ledger
    from marketplace.timebank.activities.service import savings_account
    from marketplace.timebank.care import service as care

    ledger.post([(ledger.platform_account("hours_issued"), -120), (savings_account(requester), 120)],
                key="matrix-care", kind="hours.attendance")
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


@pytest.mark.parametrize("method,rule", sorted(ROUTES))
def test_route_answers_each_role_as_the_policy_says(app, world, method, rule):
    """Each role in turn, on the world as built; it is put back after a request that may have changed it."""
    emails, tokens, ids = world()
    for role in ROLES:
        limiter.reset()  # each role starts with its own allowance, as in a test of its own
        changed = _check_role(*_client_as(app, emails, role), tokens, ids, role, method, rule)
        if changed:
            world()


def _check_role(client, csrf, tokens, ids, role, method, rule) -> bool:
    """Assert the role's answer; return whether the request was allowed to change something."""
    allowed, data, kind = ROUTES[(method, rule)]
    response = _call(client, csrf, role, tokens, method, _fill(rule, ids, False), data, kind)
    to_login = response.status_code == 302 and "/auth/login" in response.location
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
