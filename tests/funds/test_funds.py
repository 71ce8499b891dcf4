"""Fund rules: staff open funds of four kinds; a household need gets its restricted fund when published."""
import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.funds import service
from marketplace.funds.models import Fund
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db


def test_staff_open_community_and_named_funds(station):
    community = service.create_fund(station.worker, station.org, kind="community", name_zh="南华西社区基金",
                                    name_en="Nanhuaxi Community Fund", district_id=1)
    named = service.create_fund(station.checker, station.org, kind="named", name_zh="陈氏冠名基金",
                                name_en="Chen Named Fund", named_after="陈先生")
    assert (community.district_id, named.named_after) == (1, "陈先生")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "fund.opened",
                                                      AuditEvent.subject_id == named.id)).actor_id == station.checker.id


def test_a_community_fund_names_a_district_and_a_named_fund_a_name(station):
    with pytest.raises(InvalidInput) as refused:
        service.create_fund(station.worker, station.org, kind="community", name_zh="社区", name_en="C")
    assert "district_id" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:
        service.create_fund(station.worker, station.org, kind="named", name_zh="冠名", name_en="N")
    assert "named_after" in refused.value.fields
    with pytest.raises(InvalidInput):
        service.create_fund(station.worker, station.org, kind="restricted", name_zh="限定", name_en="R")


def test_only_staff_open_funds(station):
    for user in (station.donor, station.firm_member):
        with pytest.raises(NotFound):
            service.create_fund(user, station.org, kind="general", name_zh="基金", name_en="Fund")


def test_publishing_a_household_need_opens_its_restricted_fund_once(station, create_listing):
    need = create_listing(kind="household_need")
    funds = db.session.scalars(select(Fund).where(Fund.listing_id == need.id)).all()
    assert len(funds) == 1 and funds[0].kind == "restricted" and funds[0].organisation_id == station.org.id
    assert service.restricted_fund_for(need).id == funds[0].id
    wish = create_listing()  # a wish gets its fund only when someone pays it in money
    assert db.session.scalar(select(Fund).where(Fund.listing_id == wish.id)) is None
    draft = create_listing(kind="household_need", status="verified")
    assert db.session.scalar(select(Fund).where(Fund.listing_id == draft.id)) is None


def test_totals_read_the_ledger(create_fund, give):
    fund = create_fund(30_000)
    give(fund, 12_345)
    totals = service.totals(fund)
    assert (totals.received, totals.disbursed, totals.refunded, totals.balance) == (42_345, 0, 0, 42_345)
