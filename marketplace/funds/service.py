"""Fund rules: an organisation's staff open general, project, community and named funds; a
restricted fund opens by itself for each household need and each wish paid in money. A fund's
page shows its purpose, what it received, what it paid out and its balance, read from the ledger."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds.models import Fund, FundKind
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import require
from marketplace.orgs.service import require_verified
from marketplace.payments.postings import fund_account
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.sqlite import savepoint
from marketplace.wishes.models import Listing, ListingKind

OPENED_BY_HAND = (FundKind.GENERAL, FundKind.PROJECT, FundKind.COMMUNITY, FundKind.NAMED)


@dataclass(frozen=True)
class Totals:
    received: int
    disbursed: int
    refunded: int
    balance: int
    held: int


def create_fund(actor: User, org: Organisation, *, kind: str, name_zh: str, name_en: str, purpose: str = "",
                district_id: int | None = None, named_after: str = "") -> Fund:
    """Open a fund of the organisation (its staff); community funds name a district, named funds a name.

    :raise Conflict: the organisation is not verified (only verified organisations open public funds).
    """
    require(actor, "org.manage_funds", org)
    require_verified(org)
    errors: dict[str, list] = {}
    if kind not in [k.value for k in OPENED_BY_HAND]:
        errors["kind"] = [_l("Choose a kind from the list.")]
    for name, value, longest in (("name_zh", name_zh, 120), ("name_en", name_en, 160)):
        if not isinstance(value, str) or not value.strip() or len(value) > longest or "\x00" in value:
            errors[name] = [_l("Enter 1 to %(n)d characters.", n=longest)]
    if not isinstance(purpose, str) or len(purpose) > 5000 or "\x00" in purpose:
        errors["purpose"] = [_l("Use at most %(n)d characters.", n=5000)]
    if kind == FundKind.COMMUNITY and (not is_id(district_id) or db.session.get(District, district_id) is None):
        errors["district_id"] = [_l("Choose a district from the list.")]
    if kind == FundKind.NAMED and (not isinstance(named_after, str) or not named_after.strip()
                                   or len(named_after) > 120):
        errors["named_after"] = [_l("Name the donor or firm the fund is named after.")]
    if errors:
        raise InvalidInput(fields=errors)
    fund = Fund(organisation_id=org.id, kind=kind, name_zh=name_zh.strip(), name_en=name_en.strip(),
                purpose=purpose.strip(), district_id=district_id if kind == FundKind.COMMUNITY else None,
                named_after=named_after.strip() if kind == FundKind.NAMED else "", created_by_id=actor.id)
    db.session.add(fund)
    db.session.flush()
    fund_account(fund)
    record("fund.opened", actor=actor, subject=fund)
    db.session.commit()
    return fund


def restricted_fund_for(listing: Listing) -> Fund:
    """Return the restricted fund of a household need or a wish paid in money, opening it once
    (flushed, not committed: the caller's transaction keeps it)."""
    found = fund_of(listing)
    if found is not None:
        return found
    kind_zh = "家庭需求" if listing.kind == ListingKind.HOUSEHOLD_NEED else "微心愿"
    try:
        with savepoint():
            fund = Fund(organisation_id=listing.organisation_id, kind=FundKind.RESTRICTED.value,
                        name_zh=f"{kind_zh}：{listing.title}"[:120], name_en=f"Restricted: {listing.title}"[:160],
                        purpose=listing.title, listing_id=listing.id)
            db.session.add(fund)
            db.session.flush()
            fund_account(fund)
            record("fund.opened", subject=fund, listing_id=listing.id)
    except IntegrityError:  # opened at the same moment by another request
        fund = db.session.scalar(select(Fund).where(Fund.listing_id == listing.id))
    return fund


def community_fund_for(listing: Listing) -> Fund:
    """Return the organisation's community fund for a listing's money it no longer needs: the one of the
    listing's district, else the organisation's first, else one opened now (flushed, not committed)."""
    stmt = select(Fund).where(Fund.organisation_id == listing.organisation_id, Fund.kind == FundKind.COMMUNITY.value)
    found = (db.session.scalar(stmt.where(Fund.district_id == listing.district_id).order_by(Fund.id).limit(1))
             or db.session.scalar(stmt.order_by(Fund.id).limit(1)))
    if found is not None:
        return found
    fund = Fund(organisation_id=listing.organisation_id, kind=FundKind.COMMUNITY.value, name_zh="社区慈善基金",
                name_en="Community charity fund", district_id=listing.district_id,
                purpose="Money a wish or household need no longer needed / 微心愿或家庭需求不再需要的善款")
    db.session.add(fund)
    db.session.flush()
    fund_account(fund)
    record("fund.opened", subject=fund, listing_id=listing.id)
    return fund


def fund_of(listing: Listing) -> Fund | None:
    """Return the restricted fund of a wish or need, once it has one."""
    return db.session.scalar(select(Fund).where(Fund.listing_id == listing.id))


def get_fund(fund_id) -> Fund:
    fund = db.session.get(Fund, fund_id) if is_id(fund_id) else None
    if fund is None:
        raise NotFound()
    return fund


def fund_by_code(code) -> Fund:
    fund = db.session.scalar(select(Fund).where(Fund.public_code == str(code).replace("\x00", "")[:16]))
    if fund is None:
        raise NotFound()
    return fund


def funds_of(org: Organisation, include_restricted: bool = True):
    """Return a query of the organisation's funds, general ones first."""
    stmt = select(Fund).where(Fund.organisation_id == org.id).order_by(Fund.kind, Fund.id)
    return stmt if include_restricted else stmt.where(Fund.kind != FundKind.RESTRICTED.value)


def totals(fund: Fund, by_kind: dict[str, int] | None = None) -> Totals:
    """Return what the fund received, paid out and refunded, its balance and the amount held.

    `by_kind` ({entry kind: sum of the account's postings}) may come precomputed (the public accounts' sums).
    """
    account = fund_account(fund)
    by_kind = ledger_queries.totals_by_kind(account.id) if by_kind is None else by_kind
    balance = ledger.balance(account)
    return Totals(received=by_kind.get("donation", 0), disbursed=-by_kind.get("disbursement", 0),
                  refunded=-by_kind.get("refund", 0), balance=balance.posted, held=balance.held)
