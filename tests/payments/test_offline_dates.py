"""Offline gifts carry the day the money was received: the ledger entry is dated then; a day inside a
closed period is refused, naming the period, unless finance books it as a late entry in the open period."""
import io
from datetime import timedelta

import pytest
from babel.dates import format_date
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.ledger.models import LedgerEntry
from marketplace.payments import offline, receipts
from marketplace.payments.models import Donation
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reconciliation import periods
from tests.files import PDF
from tests.payments.test_receipts import text_of


@pytest.fixture
def charity(create_user, create_org):
    """A charity with a staff member (.clerk) and a finance member (.finance), a fund, books closed
    through the day before yesterday (the period began 40 days ago)."""
    clerk, finance = create_user(display_name="出纳小李"), create_user(display_name="财务小王")
    org = create_org("charity", {clerk: "staff", finance: "finance"}, name_zh="广州慈善会", name_en="GZ Charity")
    fund = funds.create_fund(clerk, org, kind="general", name_zh="综合基金", name_en="General Fund")

    class Charity:
        pass

    c = Charity()
    c.org, c.fund, c.clerk, c.finance = org, fund, clerk, finance
    c.start, c.through = local_today() - timedelta(days=40), local_today() - timedelta(days=2)
    return c


def close(c):
    from marketplace.ledger import periods as ledger_periods

    ledger_periods.close_books("organisation", c.org.id, periods.org_account_ids(c.org), through=c.through,
                               period_start=c.start, actor=c.finance)
    db.session.commit()


def give(c, actor, received_on, **fields):
    return offline.record_gift(actor, c.org, fund_id=c.fund.id, method="bank", amount_fen=30_000,
                               received_on=received_on, evidence=FileStorage(io.BytesIO(PDF), filename="slip.pdf"),
                               payer_name="陈大文", **fields)


def entry_of(donation) -> LedgerEntry:
    return db.session.get(LedgerEntry, donation.entry_id)


def test_the_ledger_entry_is_dated_the_day_received(charity):
    received = local_today() - timedelta(days=9)
    gift = give(charity, charity.clerk, received)
    assert gift.received_on == received and entry_of(gift).effective_date == received
    assert gift.is_late_entry is False


def test_a_day_in_a_closed_period_is_refused_naming_the_period(charity):
    give(charity, charity.clerk, local_today() - timedelta(days=9))  # opens the accounts before the close
    close(charity)
    with pytest.raises(InvalidInput) as refused:
        give(charity, charity.clerk, local_today() - timedelta(days=5))
    message = str(refused.value.fields["received_on"][0])
    assert format_date(charity.start, "d MMM y", locale="en") in message  # the days as people write them
    assert format_date(charity.through, "d MMM y", locale="en") in message
    assert "closed" in message and "late entry" in message
    db.session.rollback()
    assert funds.totals(charity.fund).received == 30_000


def test_only_finance_may_book_a_late_entry(charity):
    give(charity, charity.clerk, local_today() - timedelta(days=9))
    close(charity)
    with pytest.raises(InvalidInput) as refused:
        give(charity, charity.clerk, local_today() - timedelta(days=5), late_entry=True)
    assert "finance" in str(refused.value.fields["late_entry"][0])
    db.session.rollback()
    assert db.session.query(Donation).count() == 1


def test_finance_books_a_late_entry_in_the_open_period_keeping_the_day_received(charity):
    give(charity, charity.clerk, local_today() - timedelta(days=9))
    close(charity)
    received = local_today() - timedelta(days=5)
    gift = give(charity, charity.finance, received, late_entry=True)
    entry = entry_of(gift)
    assert gift.status == "completed" and gift.is_late_entry and gift.received_on == received
    assert entry.effective_date == local_today() and received.isoformat() in entry.memo
    assert funds.totals(charity.fund).received == 60_000
    text = text_of(receipts.receipt_pdf(gift))[0]
    assert received.isoformat() in text and "Late entry" in text


def test_a_day_received_in_the_open_period_ignores_the_late_entry_box(charity):
    gift = give(charity, charity.finance, local_today(), late_entry=True)
    assert gift.is_late_entry is False and entry_of(gift).effective_date == local_today()


def test_the_page_shows_finance_the_late_entry_box_and_staff_not(client, auth, charity):
    url = f"/payments/orgs/{charity.org.id}/offline"
    auth.login(charity.clerk.email)
    assert 'name="late_entry"' not in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login(charity.finance.email)
    page = client.get(url).get_data(as_text=True)
    assert 'name="late_entry"' in page and "Date received" in page
