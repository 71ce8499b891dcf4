"""Closing an organisation's or the platform's books by the month: who may, what it locks, what stays open."""
import io
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from marketplace.audit.models import AuditEvent
from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import PeriodClosed
from marketplace.ledger.models import LedgerEntry, LedgerPeriodClose
from marketplace.payments import offline, postings
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import periods
from tests.files import PDF as REAL_PDF

PDF = REAL_PDF  # uploads are parsed: a real one-page PDF


def pdf(name="slip.pdf"):
    return FileStorage(io.BytesIO(PDF), filename=name)


def last_month_end():
    return local_today().replace(day=1) - timedelta(days=1)


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


@pytest.fixture
def charity(create_user, create_org):
    """A charity with a finance member (.staff), a staff member without the finance role (.clerk), a volunteer
    member, a general fund holding ¥1,000 (given by bank transfer), an outsider on another charity's staff,
    and a platform admin."""
    staff, member, outsider = create_user(display_name="会计小王"), create_user(), create_user()
    admin, clerk = create_user(admin=True), create_user(display_name="出纳小李")
    org = create_org("charity", {staff: "finance", member: "member", clerk: "staff"}, name_zh="广州慈善会",
                     name_en="GZ Charity")
    create_org("charity", {outsider: "staff"}, name_zh="别的机构", name_en="Other Charity")
    fund = funds.create_fund(staff, org, kind="general", name_zh="综合基金", name_en="General Fund")
    offline.record_gift(staff, org, fund_id=fund.id, method="bank", amount_fen=100_000, received_on=local_today(),
                        evidence=pdf(), payer_name="李女士")

    class Charity:
        pass

    c = Charity()
    c.org, c.fund, c.staff, c.member, c.outsider, c.admin = org, fund, staff, member, outsider, admin
    c.clerk = clerk
    return c


def test_staff_close_last_month_and_the_org_and_fund_accounts_lock(charity):
    through = last_month_end()
    close = periods.close_org_period(charity.staff, charity.org, through, note="  对账完毕  ")
    assert (close.owner_type, close.owner_id, close.closed_through, close.note) == (
        "organisation", charity.org.id, through, "对账完毕")
    assert close.actor_id == charity.staff.id
    bank = ledger.open_account("organisation", charity.org.id, "bank")
    assert bank.closed_through == through and postings.fund_account(charity.fund).closed_through == through
    assert ledger.open_account("organisation", charity.org.id, "hour_pool").closed_through is None  # hours stay open
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ledger.period_closed"))
    assert event.actor_id == charity.staff.id and event.subject_id == charity.org.id
    assert event.detail["closed_through"] == through.isoformat()
    with pytest.raises(PeriodClosed):
        ledger.post([(bank, -100), (postings.fund_account(charity.fund), 100)], cause=Cause.test("late"), kind="t",
                    effective_date=through)


def test_the_open_period_carries_on_after_a_close(charity):
    periods.close_org_period(charity.staff, charity.org, last_month_end())
    paid = disbursements.request_disbursement(charity.staff, charity.fund, payee="五金店", purpose="修门",
                                              amount_fen=10_000, evidence_file=pdf())
    assert paid.status == "paid"
    assert db.session.get(LedgerEntry, paid.entry_id).effective_date == local_today()
    assert funds.totals(charity.fund).balance == 90_000


def test_an_offline_gift_received_in_a_closed_month_is_a_late_entry_in_the_open_period(charity):
    """The money arrived in a closed month: refused unless finance books it late; the gift keeps that date,
    its ledger entry is dated today."""
    through = last_month_end()
    periods.close_org_period(charity.staff, charity.org, through)
    values = dict(fund_id=charity.fund.id, method="bank", amount_fen=20_000, received_on=through - timedelta(days=2),
                  payer_name="张先生")
    with pytest.raises(InvalidInput) as refused:
        offline.record_gift(charity.staff, charity.org, evidence=pdf(), **values)
    assert format_date(through, "d MMM y", locale="en") in str(refused.value.fields["received_on"][0])  # 30 Nov 2026
    db.session.rollback()
    gift = offline.record_gift(charity.staff, charity.org, evidence=pdf(), late_entry=True, **values)
    assert gift.status == "completed" and gift.received_on == through - timedelta(days=2)
    assert db.session.get(LedgerEntry, gift.entry_id).effective_date == local_today()
    assert funds.totals(charity.fund).received == 120_000


def test_a_fund_opened_after_the_close_is_closed_too(charity):
    through = last_month_end()
    periods.close_org_period(charity.staff, charity.org, through)
    later = funds.create_fund(charity.staff, charity.org, kind="general", name_zh="新基金", name_en="New Fund")
    assert postings.fund_account(later).closed_through == through


def test_only_the_organisations_finance_staff_or_admins_may_close_it(charity):
    through = last_month_end()
    for outsider in (charity.outsider, charity.member):
        with pytest.raises(NotFound):
            periods.close_org_period(outsider, charity.org, through)
    with pytest.raises(NotFound):  # staff without the finance role: the close is not theirs to make
        periods.close_org_period(charity.clerk, charity.org, through)
    assert db.session.scalar(select(LedgerPeriodClose)) is None
    assert periods.close_org_period(charity.admin, charity.org, through).actor_id == charity.admin.id


def test_a_period_closes_once_only_after_it_ended_and_never_backwards(charity):
    with pytest.raises(InvalidInput):
        periods.close_org_period(charity.staff, charity.org, local_today())
    through = last_month_end()
    periods.close_org_period(charity.staff, charity.org, through)
    earlier = through.replace(day=1) - timedelta(days=1)
    for day in (through, earlier):
        with pytest.raises(Conflict) as refusal:
            periods.close_org_period(charity.staff, charity.org, day)
        assert "already closed through" in str(refusal.value.message)
    assert periods.closable_months("organisation", charity.org.id) == []
    assert len(ledger_closes(charity)) == 1


def ledger_closes(charity):
    return db.session.scalars(select(LedgerPeriodClose).where(LedgerPeriodClose.owner_id == charity.org.id)).all()


def test_the_first_close_covers_the_books_from_their_start_and_the_next_follows_on(charity):
    two_ago = last_month_end().replace(day=1) - timedelta(days=1)
    first = periods.close_org_period(charity.staff, charity.org, two_ago)
    assert first.period_start <= two_ago.replace(day=1)
    second = periods.close_org_period(charity.staff, charity.org, last_month_end())
    assert second.period_start == two_ago + timedelta(days=1) == last_month_end().replace(day=1)


def test_the_platform_books_are_closed_by_admins_only(charity):
    through = last_month_end()
    with pytest.raises(Forbidden):
        periods.close_platform_period(charity.staff, through)
    clearing = ledger.platform_account("stripe_clearing")
    close = periods.close_platform_period(charity.admin, through, note="November")
    assert (close.owner_type, close.owner_id) == ("platform", 0)
    db.session.refresh(clearing)
    assert clearing.closed_through == through
    assert ledger.platform_account("hours_issued").closed_through is None


def test_months_offered_are_the_ended_ones_after_the_last_close(charity):
    months = periods.closable_months("organisation", charity.org.id)
    assert months[0] == month_of(last_month_end()) and len(months) == 24
    assert periods.month_end("2024-02").isoformat() == "2024-02-29"
    for bad in ("2026-13", "26-01", "", "2026-1", "1999-12"):
        assert periods.month_end(bad) is None
