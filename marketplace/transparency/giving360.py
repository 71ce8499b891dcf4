"""Paid disbursements as a 360Giving data package (JSON), streamed: one grant per disbursement.

A disbursement for a household's wish or need is a grant to an individual, published only as
"Individual Recipient" with reason and purpose codes (giving360_codes); one without a household
is a grant to its payee (a shop or contractor, already public on the fund page). Identifiers:
grants `<GIVING360_PREFIX>-<disbursement public code>`, funders `XI-GOODHOURS-<organisation id>`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased

from config import settings
from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.ledger import chain
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.verify import BATCH
from marketplace.orgs.models import District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.transparency.giving360_codes import individual_details
from marketplace.wishes.models import Listing

STANDARD_VERSION = "1.4"
INDIVIDUAL = "Individual Recipient"
ORG_SCHEME = "XI-GOODHOURS"  # our own organisation identifiers: no public register covers them


def prefix() -> str:
    return settings.GIVING360_PREFIX


def funder_id(organisation_id: int) -> str:
    return f"{ORG_SCHEME}-{organisation_id}"


def _rows(org: Organisation | None, fund: Fund | None, since: date | None, until: date | None):
    district = aliased(District)
    paid_on = ledger_queries.effective_date_of(Disbursement.entry_id)
    paid_at = ledger_queries.created_at_of(Disbursement.entry_id)
    stmt = (select(Disbursement.public_code, Disbursement.payee, Disbursement.purpose, Disbursement.amount_fen,
                   paid_on.label("effective_date"), paid_at.label("created_at"), Fund.public_code.label("fund_code"),
                   Fund.name_zh.label("fund_name"), Organisation.id.label("org_id"),
                   Organisation.name_zh.label("org_name"), Organisation.name_en.label("org_name_en"),
                   Listing.kind.label("listing_kind"), Listing.category, district.code.label("district_code"),
                   district.name_en.label("district_name"))
            .join(Fund, Fund.id == Disbursement.fund_id)
            .join(Organisation, Organisation.id == Fund.organisation_id)
            .outerjoin(Listing, Listing.id == Disbursement.listing_id)
            .outerjoin(district, district.id == Listing.district_id)
            .where(Disbursement.status == DisbursementStatus.PAID.value, Disbursement.entry_id.is_not(None))
            .order_by(Disbursement.id)
            .execution_options(yield_per=BATCH))
    if org is not None:
        stmt = stmt.where(Fund.organisation_id == org.id)
    if fund is not None:
        stmt = stmt.where(Fund.id == fund.id)
    if since is not None:
        stmt = stmt.where(paid_on >= since)
    if until is not None:
        stmt = stmt.where(paid_on <= until)
    return db.session.execute(stmt)


def grant(row) -> dict:
    """Write one paid disbursement as a 360Giving grant, with no private data about the household."""
    grant_id = f"{prefix()}-{row.public_code}"
    item: dict = {
        "id": grant_id,
        "title": row.purpose[:140],
        "description": row.purpose,
        "currency": "CNY",
        # 360Giving wants a JSON number: fen / 100 written as the shortest float is exact to the fen
        "amountAwarded": float(Decimal(row.amount_fen) / 100),
        "awardDate": chain.timestamp(row.created_at),  # a full date-time, when the payment was posted
        "fundingOrganization": [{"id": funder_id(row.org_id), "name": row.org_name,
                                 "alternateName": row.org_name_en}],
        "grantProgramme": [{"code": row.fund_code, "title": row.fund_name}],
    }
    if row.listing_kind is not None:
        item["recipientIndividual"] = {"id": f"{grant_id}-IND", "name": INDIVIDUAL}
        item["toIndividualsDetails"] = individual_details(row.listing_kind, row.category)
        if row.district_code:
            item["beneficiaryLocation"] = [{"id": f"{prefix()}-district-{row.district_code}",
                                            "name": row.district_name, "countryCode": "CN"}]
    else:
        item["recipientOrganization"] = [{"id": f"{grant_id}-payee", "name": row.payee}]
    return item


def stream_package(*, org: Organisation | None = None, fund: Fund | None = None, since: date | None = None,
                   until: date | None = None) -> Iterator[str]:
    """Yield a 360Giving package of the paid disbursements in range, grant by grant."""
    title = "Goodhours disbursements" + (f": {org.name_en or org.name_zh}" if org is not None else "")
    package = {"version": STANDARD_VERSION, "title": title,
               "description": "Paid disbursements from charity funds on Goodhours, one grant each"
                              f" (from {since or 'the start'} to {until or 'today'}).",
               "issued": chain.timestamp(now_utc()), "publisher": {"name": "Goodhours"}}
    if fund is not None:
        package["title"] += f" ({fund.name_zh})"
    if org is not None:
        package["publisher"]["identifier"] = funder_id(org.id)
    yield json.dumps(package, ensure_ascii=False)[:-1] + ', "grants": ['
    for n, row in enumerate(_rows(org, fund, since, until)):
        yield ("," if n else "") + "\n" + json.dumps(grant(row), ensure_ascii=False)
    yield "\n]}\n"
