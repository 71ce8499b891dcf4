"""Malformed input to every route: never a 5xx, and whatever is refused writes nothing.

Each route below names its fields and a valid request; the walker sends that request
spoilt one way at a time (over-long text, wrong types, missing fields, unreadable bodies,
huge or negative ids, forged tokens) as a platform admin with a valid CSRF token (and a
read-write API token). A new route fails `test_every_route_is_walked` until it is added.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
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
from tests.conftest import PASSWORD, AuthActions
from tests.funds.world import funds_of
from tests.reconciliation.world import reconciliation_of
from tests.test_access_policy import certificate_of, import_batch_of, spot_check_of, time_bank_of
from tests.wishes.world import wishes_of

LONG = "x" * 10_000
TABLES = ["user_account", "api_token", "organisation", "membership", "invitation", "district", "audit_event",
          "activity", "signup", "attendance", "hour_claim", "ledger_entry", "care_request", "ledger_hold", "spot_check",
          "spot_check_item", "volunteer_preference", "import_batch", "import_row", "certificate", "beneficiary",
          "listing", "funding_line", "listing_event", "wish_claim", "pledge", "fund", "disbursement", "donation",
          "payment_event", "receipt_counter", "firm_preference", "ledger_period_close", "ledger_account",
          "reconciliation_bank_profile", "reconciliation_import", "reconciliation_line", "reconciliation_match",
          "listing_cancellation", "credit_note", "idempotent_request"]
VOLATILE = {"last_used_at"}  # stamped on every API call, by design


@dataclass(frozen=True)
class F:
    kind: str  # text, email, password, choice, id, number or flag
    required: bool = True
    nullable: bool = False


@dataclass
class Route:
    fields: dict[str, F] = field(default_factory=dict)
    valid: dict = field(default_factory=dict)
    anonymous: bool = False  # sign-up only shows its form to visitors


TEXT, OPT_TEXT, EMAIL, OPT_EMAIL = F("text"), F("text", False), F("email"), F("email", False)
PASSWORD_FIELD, CHOICE, OPT_CHOICE, ID = F("password"), F("choice"), F("choice", False), F("id")
ORG = {"name_zh": TEXT, "name_en": TEXT, "district_id": ID, "description": OPT_TEXT, "contact_name": OPT_TEXT,
       "contact_phone": OPT_TEXT, "contact_email": OPT_EMAIL}
ORG_DATA = {"name_zh": "新机构", "name_en": "New", "district_id": 2, "description": "", "contact_email": ""}
OPTIONAL_ORG = {name: F(f.kind, False) for name, f in ORG.items()}
DISTRICT = Route({"code": TEXT, "name_zh": TEXT, "name_en": TEXT, "sort_order": F("number", False),
                  "is_active": F("flag", False)},
                 {"code": "new-area", "name_zh": "新区", "name_en": "New Area", "sort_order": "30", "is_active": "y"})
DATETIME, DATE, NUMBER, OPT_NUMBER = F("datetime"), F("date"), F("number"), F("number", False)
MONEY, OPT_MONEY = F("money"), F("money", False)
ACTIVITY = Route({"title": TEXT, "description": OPT_TEXT, "category": CHOICE, "district_id": ID, "address": OPT_TEXT,
                  "starts_at": DATETIME, "ends_at": DATETIME, "capacity": NUMBER, "skills": OPT_TEXT},
                 {"title": "探访", "category": "elderly_care", "district_id": "1", "starts_at": "2031-01-01T09:00",
                  "ends_at": "2031-01-01T11:00", "capacity": "5"})
REVIEW = Route({"minutes": OPT_NUMBER, "note": OPT_TEXT}, {"note": ""})
REASON = Route({"reason": TEXT}, {"reason": "counted twice"})
MEMBER = "/orgs/<int:org_id>/members/<int:membership_id>"
API_MEMBER = "/api/v1/orgs/<int:org_id>/members/<int:membership_id>"

HOUSEHOLD = Route({"pseudonym": TEXT, "district_id": ID, "category": CHOICE, "age_band": CHOICE, "full_name": TEXT,
                   "phone": OPT_TEXT, "id_number": OPT_TEXT, "address": OPT_TEXT, "notes": OPT_TEXT,
                   "consent_on": DATE, "consent_scope": TEXT},
                  {"pseudonym": "青禾", "district_id": "1", "category": "disability", "age_band": "60-79",
                   "full_name": "王某", "consent_on": "2026-01-05", "consent_scope": "发布"})
LISTING = {"title": TEXT, "story": OPT_TEXT, "quantity": NUMBER, "value": OPT_MONEY}
API_HOUSEHOLD = {"district_id": ID, "category": CHOICE, "age_band": CHOICE, "full_name": TEXT,
                 "consent_on": F("date"), "consent_scope": TEXT, "pseudonym": F("text", False, True),
                 "phone": OPT_TEXT, "id_number": OPT_TEXT, "address": OPT_TEXT, "notes": OPT_TEXT}
API_LISTING = {"title": F("text", False), "story": OPT_TEXT, "quantity": OPT_NUMBER, "value_fen": OPT_NUMBER}
LISTING_API = "/api/v1/listings/<listing_code>"
WISH_ROUTES: dict[tuple[str, str], Route] = {
    **{("GET", rule): Route() for rule in [
        "/wishes/", "/wishes/<listing_code>", "/wishes/<listing_code>/photo", "/wishes/my", "/wishes/board",
        "/wishes/board.csv", "/wishes/orgs/<int:org_id>/households", "/wishes/orgs/<int:org_id>/households/new",
        "/wishes/orgs/<int:org_id>/listings", "/wishes/households/<int:beneficiary_id>",
        "/wishes/households/<int:beneficiary_id>/edit", "/wishes/households/<int:beneficiary_id>/listings/new",
        "/wishes/listings/<int:listing_id>", "/wishes/listings/<int:listing_id>/edit",
        "/wishes/listings/<int:listing_id>/photo/<any(original, delivery):which>",
        "/api/v1/orgs/<int:org_id>/beneficiaries", "/api/v1/beneficiaries/<int:beneficiary_id>",
        "/api/v1/listings", LISTING_API, LISTING_API + "/transitions", "/api/v1/me/wish-claims",
        "/api/v1/me/pledges", "/api/v1/board", "/api/v1/board/counts"]},
    ("POST", "/wishes/<listing_code>/claim"): Route({"method": CHOICE, "organisation_id": F("id", False)},
                                                    {"method": "in_kind"}),
    ("POST", "/wishes/<listing_code>/pledge"): Route(
        {"amount": MONEY, "organisation_id": F("id", False)}, {"amount": "100"}),
    ("POST", "/wishes/listings/<int:listing_id>/cancel"): Route({"action": CHOICE, "reason": TEXT},
                                                                {"action": "refund", "reason": "x"}),
    ("POST", "/wishes/listings/<int:listing_id>/cancellation"): Route({"decision": CHOICE}, {"decision": "reject"}),
    ("POST", "/wishes/listings/<int:listing_id>/shares"): Route(
        {"source": CHOICE, "amount": MONEY, "received_on": DATE, "reference": OPT_TEXT},
        {"source": "government", "amount": "1", "received_on": "2026-01-05"}),
    ("POST", LISTING_API + "/shares"): Route(
        {"source": CHOICE, "amount_fen": NUMBER, "received_on": DATE, "reference": OPT_TEXT},
        {"source": "government", "amount_fen": 100, "received_on": "2026-01-05"}),
    ("POST", LISTING_API + "/cancellations"): Route({"action": CHOICE, "reason": TEXT},
                                                    {"action": "refund", "reason": "x"}),
    ("POST", "/api/v1/cancellations/<int:cancellation_id>/decision"): Route({"decision": CHOICE},
                                                                           {"decision": "reject"}),
    ("POST", "/wishes/claims/<int:wish_claim_id>/release"): Route(),
    ("POST", "/wishes/pledges/<int:pledge_id>/withdraw"): Route(),
    ("POST", "/wishes/orgs/<int:org_id>/households/new"): HOUSEHOLD,
    ("POST", "/wishes/households/<int:beneficiary_id>/edit"): HOUSEHOLD,
    ("POST", "/wishes/households/<int:beneficiary_id>/verify"): Route(),
    ("POST", "/wishes/households/<int:beneficiary_id>/listings/new"): Route(
        {"kind": CHOICE, **LISTING}, {"kind": "wish", "title": "新书包", "quantity": "1", "value": "150"}),
    ("POST", "/wishes/listings/<int:listing_id>/edit"): Route(LISTING, {"title": "改", "quantity": "1"}),
    ("POST", "/wishes/listings/<int:listing_id>/move"): Route({"to": CHOICE, "note": OPT_TEXT},
                                                              {"to": "withdrawn", "note": "原因"}),
    ("POST", "/wishes/listings/<int:listing_id>/approve-budget"): Route({"note": TEXT}, {"note": "ok"}),
    ("POST", "/wishes/listings/<int:listing_id>/deliver"): Route({"note": OPT_TEXT}, {"note": ""}),
    ("POST", "/wishes/listings/<int:listing_id>/thanks"): Route({"text": TEXT}, {"text": "谢谢"}),
    ("POST", "/wishes/listings/<int:listing_id>/activity"): Route(
        {"starts_at": DATETIME, "ends_at": DATETIME, "capacity": NUMBER, "address": OPT_TEXT},
        {"starts_at": "2031-01-01T09:00", "ends_at": "2031-01-01T11:00", "capacity": "5"}),
    ("POST", "/api/v1/orgs/<int:org_id>/beneficiaries"): Route(API_HOUSEHOLD, {
        "district_id": 1, "category": "elderly_alone", "age_band": "80+", "full_name": "王",
        "consent_on": "2026-01-05", "consent_scope": "x"}),
    ("PATCH", "/api/v1/beneficiaries/<int:beneficiary_id>"): Route(
        {name: F(f.kind, False) for name, f in API_HOUSEHOLD.items()}, {"pseudonym": "新名"}),
    ("POST", "/api/v1/beneficiaries/<int:beneficiary_id>/verification"): Route(),
    ("POST", "/api/v1/beneficiaries/<int:beneficiary_id>/listings"): Route(
        {"kind": CHOICE, **API_LISTING, "title": TEXT}, {"kind": "wish", "title": "书包", "value_fen": 10000}),
    ("PATCH", LISTING_API): Route(API_LISTING, {"title": "改"}),
    ("POST", LISTING_API + "/transitions"): Route({"to": CHOICE, "note": OPT_TEXT}, {"to": "withdrawn", "note": "x"}),
    ("POST", LISTING_API + "/approve-budget"): Route({"note": TEXT}, {"note": "ok"}),
    ("POST", LISTING_API + "/delivery"): Route({"note": OPT_TEXT}, {"note": ""}),
    ("POST", LISTING_API + "/thanks"): Route({"text": TEXT}, {"text": "谢谢"}),
    ("POST", LISTING_API + "/claims"): Route({"method": OPT_CHOICE, "organisation_id": F("id", False, True)},
                                             {"method": "in_kind"}),
    ("POST", LISTING_API + "/pledges"): Route(
        {"amount_fen": NUMBER, "organisation_id": F("id", False, True)}, {"amount_fen": 1000}),
    ("POST", "/api/v1/wish-claims/<int:wish_claim_id>/release"): Route(),
    ("POST", "/api/v1/pledges/<int:pledge_id>/withdraw"): Route(),
}

FUND = {"kind": CHOICE, "name_zh": TEXT, "name_en": TEXT, "purpose": OPT_TEXT, "district_id": F("id", False),
        "named_after": OPT_TEXT}
FUND_DATA = {"kind": "general", "name_zh": "社区基金", "name_en": "Community Fund"}
GIFT = Route({"display": OPT_CHOICE, "message": OPT_TEXT, "excess_choice": OPT_CHOICE},
             {"display": "masked"})  # default: the profile's
DISBURSEMENT = "/funds/disbursements/<int:disbursement_id>"
MONEY_ROUTES: dict[tuple[str, str], Route] = {
    **{("GET", rule): Route() for rule in [
        "/funds/orgs/<int:org_id>", "/funds/<fund_code>", "/funds/receipts/<disbursement_code>",
        "/funds/orgs/<int:org_id>/new", "/funds/<fund_code>/disbursements", "/funds/<fund_code>/disbursements/new",
        DISBURSEMENT, DISBURSEMENT + "/evidence", "/api/v1/orgs/<int:org_id>/funds", "/api/v1/funds/<fund_code>",
        "/api/v1/funds/<fund_code>/disbursements", "/payments/orgs/<int:org_id>/offline",
        "/payments/offline/<int:donation_id>/evidence", "/payments/my",
        "/payments/donations/<donation_code>/receipt.pdf", "/payments/give/fund/<fund_code>",
        "/payments/give/wish/<listing_code>", "/payments/give/pledge/<int:pledge_id>",
        "/payments/demo/<donation_code>", "/payments/donations/<donation_code>", "/api/v1/donations/<donation_code>",
        "/firms/leaderboard", "/firms/<int:firm_id>", "/payments/give/need/<listing_code>", "/payments/attention"]},
    ("POST", "/payments/give/need/<listing_code>"): Route(
        {"amount": MONEY, "display": OPT_CHOICE, "message": OPT_TEXT, "excess_choice": OPT_CHOICE}, {"amount": "10"}),
    ("POST", "/payments/attention/<int:payment_event_id>/settle"): Route({"note": TEXT}, {"note": "done"}),
    ("POST", "/funds/orgs/<int:org_id>/new"): Route(FUND, FUND_DATA),
    ("POST", "/funds/<fund_code>/disbursements/new"): Route(
        {"payee": TEXT, "purpose": TEXT, "amount": MONEY, "listing_id": F("id", False)},
        {"payee": "五金店", "purpose": "修门", "amount": "150.50"}),
    ("POST", DISBURSEMENT + "/approve"): Route(),
    ("POST", DISBURSEMENT + "/reject"): Route({"reason": TEXT}, {"reason": "重复"}),
    ("POST", DISBURSEMENT + "/publish"): Route({"confirm": F("flag", False)}, {"confirm": "y"}),
    ("POST", DISBURSEMENT + "/unpublish"): Route(),
    ("POST", "/api/v1/orgs/<int:org_id>/funds"): Route(FUND | {"district_id": F("id", False, True)}, FUND_DATA),
    ("POST", "/api/v1/funds/<fund_code>/disbursements"): Route(),
    ("POST", "/api/v1/disbursements/<int:disbursement_id>/approve"): Route(),
    ("POST", "/api/v1/disbursements/<int:disbursement_id>/reject"): Route({"reason": TEXT}, {"reason": "重复"}),
    ("POST", "/payments/give/fund/<fund_code>"): Route(
        {"amount": MONEY, "display": OPT_CHOICE, "message": OPT_TEXT, "organisation_id": F("id", False)},
        {"amount": "88.80", "display": "masked"}),
    ("POST", "/payments/give/wish/<listing_code>"): GIFT,
    ("POST", "/payments/give/pledge/<int:pledge_id>"): GIFT,
    ("POST", "/payments/demo/<donation_code>"): Route({"outcome": CHOICE}, {"outcome": "pay"}),
    ("POST", "/payments/stripe/webhook"): Route(),
    ("POST", "/api/v1/donations"): Route(
        {"fund_code": F("text", False), "amount_fen": OPT_NUMBER, "display": OPT_CHOICE, "message": OPT_TEXT,
         "organisation_id": F("id", False, True), "excess_choice": OPT_CHOICE}, {"amount_fen": 1000}),
    ("POST", "/payments/orgs/<int:org_id>/offline"): Route(
        {"fund_id": ID, "method": CHOICE, "amount": MONEY, "payer_email": OPT_EMAIL, "payer_name": OPT_TEXT,
         "firm_id": F("id", False), "display": CHOICE, "reference": OPT_TEXT, "received_on": DATE},
        {"fund_id": "1", "method": "bank", "amount": "100", "payer_name": "李女士", "display": "masked",
         "received_on": "2026-11-01"}),
    ("POST", "/payments/offline/<int:donation_id>/confirm"): Route(),
    ("POST", "/payments/offline/<int:donation_id>/cancel"): Route(),
    ("POST", "/firms/<int:firm_id>/leaderboard"): Route({"on": CHOICE}, {"on": "1"}),
    ("POST", "/admin/payouts"): Route({"payout_id": TEXT, "amount": MONEY}, {"payout_id": "po_walk", "amount": "1"}),
}
OPT_DATE, OPT_ID = F("date", False), F("id", False)
SCOPE = Route({"org": OPT_ID, "fund": OPT_TEXT, "from": OPT_DATE, "to": OPT_DATE})
PERIOD = Route({"account": OPT_CHOICE, "start": OPT_DATE, "end": OPT_DATE})
LAYOUT = Route({"name": TEXT, "date_column": TEXT, "date_format": CHOICE, "amount_column": OPT_TEXT,
                "debit_column": OPT_TEXT, "credit_column": OPT_TEXT, "description_column": OPT_TEXT,
                "reference_column": OPT_TEXT, "encoding": CHOICE},
               {"name": "建设银行", "date_column": "日期", "date_format": "%Y-%m-%d", "amount_column": "金额",
                "encoding": "utf-8"})
PUBLIC_ACCOUNTS_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/transparency/"): Route(),
    ("GET", "/transparency/orgs/<int:org_id>"): Route({"after": OPT_TEXT}),
    ("GET", "/transparency/funds/<fund_code>"): Route({"after": OPT_TEXT}),
    ("GET", "/transparency/wishes/<listing_code>"): Route({"after": OPT_TEXT}),
    ("GET", "/transparency/data/"): SCOPE,
    ("GET", "/transparency/data/ledger.csv"): SCOPE,
    ("GET", "/transparency/data/ledger.json"): SCOPE,
    ("GET", "/transparency/data/360giving.json"): SCOPE,
    ("GET", "/reconciliation/"): Route(),
    ("GET", "/reconciliation/imports/<int:import_id>"): Route(),
}
CLOSE = Route({"month": TEXT, "note": OPT_TEXT, "confirm": OPT_CHOICE}, {"month": "2026-10", "confirm": "yes"})
for books in ("/reconciliation/orgs/<int:org_id>", "/reconciliation/platform"):
    PUBLIC_ACCOUNTS_ROUTES |= {
        ("GET", books + "/"): Route(),
        ("POST", books + "/imports"): Route({"kind": CHOICE, "profile_id": OPT_ID}, {"kind": "bank"}),
        ("GET", books + "/profiles/new"): Route(),
        ("POST", books + "/profiles/new"): LAYOUT,
        ("GET", books + "/profiles/<int:profile_id>"): Route(),
        ("POST", books + "/profiles/<int:profile_id>"): Route(  # a choice left out keeps its saved value
            LAYOUT.fields | {"date_format": OPT_CHOICE, "encoding": OPT_CHOICE}, LAYOUT.valid),
        ("POST", books + "/match-run"): Route({"account": OPT_CHOICE}, {"account": "bank"}),  # default: bank
        ("GET", books + "/unmatched"): Route(PERIOD.fields | {"line_after": OPT_ID, "posting_after": OPT_ID}),
        ("POST", books + "/match"): Route({"line_id": ID, "posting_id": ID}, {"line_id": "1", "posting_id": "1"}),
        ("POST", books + "/correct"): Route({"line_id": ID, "reason": TEXT}, {"line_id": "1", "reason": "银行手续费"}),
        ("POST", books + "/corrections/<int:request_id>/approve"): Route(),
        ("POST", books + "/corrections/<int:request_id>/reject"): Route(),
        ("GET", books + "/report"): PERIOD,
        ("GET", books + "/report.xlsx"): PERIOD,
        ("GET", books + "/periods"): Route(),
        ("POST", books + "/periods"): CLOSE,
    }
CSRF_EXEMPT = {"/payments/stripe/webhook"}  # signed by Stripe instead

ROUTES: dict[tuple[str, str], Route] = {
    **{("GET", rule): Route() for rule in [
        "/", "/healthz", "/auth/register", "/auth/login", "/auth/reset", "/auth/reset/<token>", "/auth/verify/<token>",
        "/account/", "/account/password", "/account/tokens", "/orgs/", "/orgs/new", "/orgs/<int:org_id>",
        "/orgs/<int:org_id>/edit", "/orgs/<int:org_id>/members", "/orgs/invitations/<token>", "/admin/",
        "/admin/districts/<int:district_id>", "/api/docs", "/api/openapi.json", "/api/v1/districts", "/api/v1/me",
        "/api/v1/orgs", "/api/v1/orgs/<int:org_id>", "/api/v1/orgs/<int:org_id>/members",
        "/api/v1/activities", "/api/v1/activities/<int:activity_id>",
        "/api/v1/activities/<int:activity_id>/attendances", "/api/v1/me/claims",
        "/api/v1/orgs/<int:org_id>/claims", "/api/v1/me/hours", "/api/v1/me/hours/statement",
        "/api/v1/certificates/<code>",
        "/api/v1/care", "/api/v1/care/<int:care_id>", "/api/v1/orgs/<int:org_id>/pool",
        "/timebank/", "/timebank/orgs/<int:org_id>/activities/new", "/timebank/activities/<int:activity_id>",
        "/timebank/activities/<int:activity_id>/manage", "/timebank/scan/<token>", "/timebank/my", "/timebank/give",
        "/timebank/claims/new", "/timebank/orgs/<int:org_id>/claims", "/timebank/claims/<int:claim_id>/evidence",
        "/timebank/care", "/timebank/care/new", "/timebank/care/<int:care_id>", "/timebank/orgs/<int:org_id>/pool",
        "/timebank/orgs/<int:org_id>/spot-checks", "/timebank/spot-checks/<int:check_id>", "/timebank/leaderboard",
        "/timebank/orgs/<int:org_id>/imports", "/timebank/orgs/<int:org_id>/imports/template.<any(csv, xlsx):fmt>",
        "/timebank/imports/<int:batch_id>"]},
    ("POST", "/timebank/orgs/<int:org_id>/imports"): Route({"title": TEXT}, {"title": "三月探访"}),
    ("POST", "/timebank/imports/<int:batch_id>/confirm"): Route(),
    ("POST", "/timebank/orgs/<int:org_id>/spot-checks"): Route(
        {"period_start": DATE, "period_end": DATE, "size": NUMBER},
        {"period_start": "2026-01-01", "period_end": "2026-01-31", "size": "3"}),
    ("POST", "/timebank/spot-check-items/<int:item_id>"): Route(
        {"outcome": CHOICE, "note": OPT_TEXT, "reverse": F("flag", False)}, {"outcome": "confirmed"}),
    ("POST", "/timebank/leaderboard/choice"): Route({"on": CHOICE}, {"on": "1"}),
    ("POST", "/timebank/care/new"): Route(
        {"organisation_id": ID, "recipient_name": TEXT, "service": CHOICE, "details": OPT_TEXT, "district_id": ID,
         "scheduled_at": DATETIME, "minutes": NUMBER},
        {"recipient_name": "王阿姨", "service": "home_visit", "district_id": "1", "scheduled_at": "2031-01-01T09:00",
         "minutes": "60"}),
    **{("POST", f"/timebank/care/<int:care_id>/{action}"): Route() for action in ("accept", "confirm", "cancel")},
    ("POST", "/timebank/care/<int:care_id>/dispute"): Route({"note": TEXT}, {"note": "late"}),
    ("POST", "/timebank/care/<int:care_id>/settle"): Route({"minutes": NUMBER, "note": TEXT},
                                                           {"minutes": "0", "note": "x"}),
    ("POST", "/timebank/orgs/<int:org_id>/pool"): Route({"minutes": NUMBER}, {"minutes": "1"}),
    ("POST", "/timebank/orgs/<int:org_id>/activities/new"): ACTIVITY,
    ("POST", "/timebank/activities/<int:activity_id>/signup"): Route(),
    ("POST", "/timebank/activities/<int:activity_id>/cancel"): Route(),
    ("POST", "/timebank/activities/<int:activity_id>/attendance"): Route(
        {"email": EMAIL, "checked_in_at": DATETIME, "checked_out_at": DATETIME, "reason": TEXT},
        {"email": "staff@example.org", "checked_in_at": "2031-01-01T09:00", "checked_out_at": "2031-01-01T10:00",
         "reason": "no phone"}),
    ("POST", "/timebank/attendances/<int:attendance_id>/approve"): REVIEW,
    ("POST", "/timebank/attendances/<int:attendance_id>/reject"): Route({"note": TEXT}, {"note": "absent"}),
    ("POST", "/timebank/attendances/<int:attendance_id>/reverse"): REASON,
    ("POST", "/timebank/scan/<token>"): Route(),
    ("POST", "/timebank/give"): Route({"email": EMAIL, "minutes": NUMBER},
                                      {"email": "staff@example.org", "minutes": "5"}),
    ("POST", "/timebank/claims/new"): Route(
        {"organisation_id": ID, "served_on": DATE, "minutes": NUMBER, "description": TEXT},
        {"served_on": "2026-01-05", "minutes": "30", "description": "搬家"}),
    ("POST", "/timebank/claims/<int:claim_id>/approve"): REVIEW,
    ("POST", "/timebank/claims/<int:claim_id>/reject"): Route({"note": TEXT}, {"note": "no"}),
    ("POST", "/timebank/claims/<int:claim_id>/reverse"): REASON,
    ("POST", "/language"): Route({"locale": OPT_CHOICE}, {"locale": "en"}),
    ("POST", "/auth/register"): Route(
        {"display_name": TEXT, "email": EMAIL, "password": PASSWORD_FIELD, "locale": OPT_CHOICE},
        {"display_name": "新人", "email": "new@example.org", "password": "a long new passphrase", "locale": "en"},
        anonymous=True),
    ("POST", "/auth/login"): Route({"email": EMAIL, "password": TEXT},
                                   {"email": "root@example.org", "password": PASSWORD}),
    ("POST", "/auth/logout"): Route(),
    ("POST", "/auth/reset"): Route({"email": EMAIL}, {"email": "root@example.org"}),
    ("POST", "/auth/reset/<token>"): Route({"new_password": PASSWORD_FIELD}, {"new_password": "a long new passphrase"}),
    ("POST", "/auth/verify/resend"): Route(),
    ("POST", "/account/"): Route(
        {"display_name": TEXT, "locale": OPT_CHOICE, "phone": OPT_TEXT, "public_display": OPT_CHOICE},
        {"display_name": "新名字", "locale": "en", "phone": "", "public_display": "masked"}),
    ("POST", "/account/password"): Route({"current_password": TEXT, "new_password": PASSWORD_FIELD},
                                         {"current_password": PASSWORD, "new_password": "a long new passphrase"}),
    ("POST", "/account/tokens"): Route({"name": TEXT, "scope": OPT_CHOICE}, {"name": "script", "scope": "read"}),
    ("POST", "/account/tokens/<int:token_id>/revoke"): Route(),
    ("POST", "/orgs/new"): Route({"kind": CHOICE, **ORG}, {"kind": "charity", **ORG_DATA}),
    ("POST", "/orgs/<int:org_id>/edit"): Route({**ORG, "district_id": F("id", False)}, ORG_DATA),
    ("POST", "/orgs/<int:org_id>/verify"): Route({"verified": CHOICE}, {"verified": "1"}),
    ("POST", "/orgs/<int:org_id>/members/invite"): Route({"email": EMAIL, "role": CHOICE},
                                                         {"email": "joiner@example.org", "role": "member"}),
    ("POST", MEMBER + "/role"): Route({"role": CHOICE}, {"role": "coordinator"}),
    ("POST", MEMBER + "/remove"): Route(),
    ("POST", "/orgs/<int:org_id>/invitations/<int:invitation_id>/revoke"): Route(),
    ("POST", "/orgs/<int:org_id>/leave"): Route(),
    ("POST", "/orgs/invitations/<token>"): Route(),
    ("POST", "/admin/districts/<int:district_id>"): DISTRICT,
    ("POST", "/admin/districts/new"): DISTRICT,
    ("PATCH", "/api/v1/me"): Route(
        {"display_name": F("text", False), "locale": OPT_CHOICE, "phone": F("text", False, True),
         "public_display": OPT_CHOICE}, {"display_name": "新名字", "locale": "en"}),
    ("POST", "/api/v1/orgs"): Route({"kind": CHOICE, **ORG}, {"kind": "charity", **ORG_DATA}),
    ("PATCH", "/api/v1/orgs/<int:org_id>"): Route(OPTIONAL_ORG, {"name_en": "Renamed", "district_id": 2}),
    ("PATCH", API_MEMBER): Route({"role": CHOICE}, {"role": "coordinator"}),
    ("DELETE", API_MEMBER): Route(),
    ("POST", "/api/v1/orgs/<int:org_id>/invitations"): Route({"email": EMAIL, "role": OPT_CHOICE},
                                                                     {"email": "joiner@example.org"}),
    ("POST", "/api/v1/orgs/<int:org_id>/activities"): Route(
        ACTIVITY.fields, ACTIVITY.valid | {"district_id": 1, "capacity": 5}),
    ("POST", "/api/v1/activities/<int:activity_id>/signup"): Route(),
    ("DELETE", "/api/v1/activities/<int:activity_id>/signup"): Route(),
    ("POST", "/api/v1/checkins"): Route({"token": TEXT}, {"token": "forged"}),
    ("POST", "/api/v1/attendances/<int:attendance_id>/approve"): REVIEW,
    ("POST", "/api/v1/attendances/<int:attendance_id>/reject"): Route({"note": TEXT}, {"note": "absent"}),
    ("POST", "/api/v1/attendances/<int:attendance_id>/reverse"): REASON,
    ("POST", "/api/v1/claims/<int:claim_id>/approve"): Route({"note": OPT_TEXT}, {"note": ""}),
    ("POST", "/api/v1/claims/<int:claim_id>/reject"): Route({"note": TEXT}, {"note": "no"}),
    ("POST", "/api/v1/claims/<int:claim_id>/reverse"): REASON,
    ("POST", "/api/v1/care"): Route(
        {"organisation_id": ID, "recipient_name": TEXT, "service": CHOICE, "details": OPT_TEXT, "district_id": ID,
         "scheduled_at": DATETIME, "minutes": NUMBER, "idempotency_key": TEXT},
        {"recipient_name": "王阿姨", "service": "home_visit", "district_id": 1, "scheduled_at": "2031-01-01T09:00",
         "minutes": 60, "idempotency_key": "k"}),
    **{("POST", f"/api/v1/care/<int:care_id>/{action}"): Route() for action in ("accept", "confirm", "cancel")},
    ("POST", "/api/v1/care/<int:care_id>/dispute"): Route({"note": TEXT}, {"note": "late"}),
    ("POST", "/api/v1/care/<int:care_id>/settle"): Route({"minutes": NUMBER, "note": TEXT},
                                                         {"minutes": 0, "note": "x"}),
    ("POST", "/api/v1/orgs/<int:org_id>/pool"): Route({"minutes": NUMBER, "idempotency_key": TEXT},
                                                               {"minutes": 1, "idempotency_key": "k"}),
    ("POST", "/api/v1/me/hours/transfers"): Route({"email": EMAIL, "minutes": NUMBER, "idempotency_key": TEXT},
                                                  {"email": "staff@example.org", "minutes": 5, "idempotency_key": "k"}),
    ("GET", "/timebank/certificates"): Route(),
    ("POST", "/timebank/certificates"): Route({"period_start": DATE, "period_end": DATE}, {
        "period_start": (now_utc().date() - timedelta(days=6)).isoformat(),
        "period_end": now_utc().date().isoformat()}),
    ("GET", "/verify/<code>"): Route(),
    **WISH_ROUTES,
    **MONEY_ROUTES,
    **PUBLIC_ACCOUNTS_ROUTES,
}

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
    activity, attendance, claim, care_request = time_bank_of(charity, {"org_admin": root, "volunteer": create_user()})
    wishes = wishes_of(charity, staff, root, claimant=create_user(), pledger=create_user())
    money = funds_of(charity, staff, donor=root, firm=other)
    money |= reconciliation_of(charity, staff)
    links["/timebank/scan/<token>"] = "/timebank/scan/" + tb_service.scan_token(activity, "in")
    mailbox.messages.clear()
    ids = {"activity_id": activity.id, "attendance_id": attendance.id, "claim_id": claim.id,
           "care_id": care_request.id, **_spot_check(charity, root, claim),
           **_import_batch(charity, root, staff), "code": _certificate(charity, root, staff),
           "org_id": charity.id, "membership_id": next(m.id for m in charity.memberships if m.user is staff),
           "invitation_id": invitation.id, "district_id": 1,
           "token_id": create_api_token(root, "to revoke", "read")[0].id, **wishes, **money}
    return {"ids": ids, "links": links, "token": create_api_token(root, "walker", "write")[1]}


def _spot_check(charity, root, claim):
    check, item = spot_check_of(charity, root, claim)
    return {"check_id": check.id, "item_id": item.id}


def _import_batch(charity, root, volunteer):
    return {"batch_id": import_batch_of(charity, {"org_admin": root, "volunteer": volunteer}).id, "fmt": "csv"}


def _certificate(charity, root, staff):
    return certificate_of(charity, root, staff)


def test_every_route_is_walked(app):
    routes = {(method, rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" and rule.redirect_to is None
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(ROUTES)


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


@pytest.mark.parametrize("method,rule", sorted(ROUTES))
def test_malformed_input_never_fails_and_refusals_write_nothing(app, world, mailbox, method, rule):
    route = ROUTES[(method, rule)]
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


FORM_POSTS = sorted(rule for method, rule in ROUTES
                    if method == "POST" and not rule.startswith("/api/") and rule not in CSRF_EXEMPT)


@pytest.mark.parametrize("locale,message", [("en", "Your form expired or came from another site."),
                                            ("zh_CN", "表单已失效或来自其他网站")])
def test_wrong_csrf_token_is_refused_in_the_users_language_and_writes_nothing(
        client, auth, world, mailbox, locale, message):
    auth.login("root@example.org")
    client.post("/language", data={"locale": locale, "csrf_token": auth.csrf()})
    valid = auth.csrf()
    for rule in FORM_POSTS:
        for csrf in ({"csrf_token": "forged"}, {"csrf_token": valid[:-2] + "xx"}, {}):
            before = _snapshot()
            response = client.post(_path(rule, world), data=ROUTES[("POST", rule)].valid | csrf)
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
