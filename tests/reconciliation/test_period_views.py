"""The close-a-period pages: review, confirm, and every bad input answered in words, nothing half-written."""
import io
from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import func, select

from marketplace.ledger.causes import Cause
from marketplace.ledger.models import LedgerEntry, LedgerPeriodClose
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.files import PDF as REAL_PDF
from tests.reconciliation import test_periods as period_world
from tests.reconciliation.test_periods import last_month_end, month_of

charity = period_world.charity  # the fixture: a charity with staff, a member, an outsider, an admin and a fund

PDF = REAL_PDF  # uploads are parsed: a real one-page PDF


def shown(day) -> str:
    """A day as the English pages write it (5 Dec 2026)."""
    return format_date(day, "d MMM y", locale="en")


def closes() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerPeriodClose))


def page_of(charity):
    return f"/reconciliation/orgs/{charity.org.id}/periods"


def test_staff_review_then_confirm_a_close(client, auth, charity):
    auth.login(charity.staff.email)
    url, month = page_of(charity), month_of(last_month_end())
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No period has been closed yet." in text and f'value="{month}"' in text
    review = auth.post(url, {"month": month, "note": "reconciled"}, form_page=url)
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert "Confirm the close" in text and shown(last_month_end()) in text and closes() == 0
    done = auth.post(url, {"month": month, "note": "reconciled", "confirm": "yes"}, form_page=url)
    assert done.status_code == 302 and closes() == 1
    text = client.get(url).get_data(as_text=True)
    assert f"The books are closed through {shown(last_month_end())}." in text and "reconciled" in text
    assert "会计小王" in text and "Every month that has ended is closed already." in text


def test_bad_months_are_answered_in_words_and_change_nothing(client, auth, charity):
    auth.login(charity.staff.email)
    url = page_of(charity)
    future = auth.post(url, {"month": month_of(local_today()), "confirm": "yes"}, form_page=url)
    assert future.status_code == 422 and "only after it has ended" in future.get_data(as_text=True)
    garbage = auth.post(url, {"month": "last-month", "confirm": "yes"}, form_page=url)
    assert garbage.status_code == 422 and "Choose a month, such as 2026-10." in garbage.get_data(as_text=True)
    too_long = auth.post(url, {"month": month_of(last_month_end()), "note": "x" * 501, "confirm": "yes"},
                         form_page=url)
    assert too_long.status_code == 422 and closes() == 0
    auth.post(url, {"month": month_of(last_month_end()), "confirm": "yes"}, form_page=url)
    again = auth.post(url, {"month": month_of(last_month_end()), "confirm": "yes"}, form_page=url)
    assert again.status_code == 409 and "already closed through" in again.get_data(as_text=True)
    earlier = month_of(last_month_end().replace(day=1) - timedelta(days=1))
    backwards = auth.post(url, {"month": earlier}, form_page=url)
    assert backwards.status_code == 409 and closes() == 1


def test_strangers_cannot_see_or_close_the_books(client, auth, charity):
    url = page_of(charity)
    assert client.get(url).status_code == 302  # to the login page
    auth.login(charity.outsider.email)
    assert client.get(url).status_code == 404
    token = auth.csrf("/")
    assert client.post(url, data={"month": month_of(last_month_end()), "confirm": "yes",
                                  "csrf_token": token}).status_code == 404
    assert client.post(url, data={"month": month_of(last_month_end()), "confirm": "yes"}).status_code == 400
    assert client.get("/reconciliation/platform/periods").status_code == 403
    assert closes() == 0


def test_platform_admins_close_the_platform_books(client, auth, charity):
    auth.login(charity.admin.email)
    url = "/reconciliation/platform/periods"
    assert "Platform books" in client.get(url).get_data(as_text=True)
    done = auth.post(url, {"month": month_of(last_month_end()), "confirm": "yes"}, form_page=url)
    assert done.status_code == 302
    close = db.session.scalar(select(LedgerPeriodClose))
    assert (close.owner_type, close.closed_through) == ("platform", last_month_end())


def test_an_offline_gift_dated_in_a_closed_month_is_refused_then_booked_late_by_finance(client, auth, charity):
    auth.login(charity.staff.email)
    url = page_of(charity)
    auth.post(url, {"month": month_of(last_month_end()), "confirm": "yes"}, form_page=url)
    form_page = f"/payments/orgs/{charity.org.id}/offline"
    received = last_month_end() - timedelta(days=3)

    def post(**extra):
        return auth.post(form_page, {
            "fund_id": str(charity.fund.id), "method": "bank", "amount": "200", "payer_name": "张先生",
            "display": "masked", "received_on": received.isoformat(), "evidence": (io.BytesIO(PDF), "slip.pdf"),
            **extra}, form_page=form_page, content_type="multipart/form-data")

    refused = post()
    assert refused.status_code == 422 and shown(last_month_end()) in refused.get_data(as_text=True)
    assert db.session.scalar(select(Donation).where(Donation.received_on == received)) is None
    response = post(late_entry="y")
    assert response.status_code == 302, response.get_data(as_text=True)
    gift = db.session.scalar(select(Donation).where(Donation.received_on == received))
    assert gift.status == "completed" and gift.is_late_entry
    assert db.session.get(LedgerEntry, gift.entry_id).effective_date == local_today()
    assert "Late entry" in client.get(form_page).get_data(as_text=True)


def test_the_review_warns_of_what_reconciliation_left_unmatched(client, auth, charity):
    from marketplace.ledger import service as ledger

    bank = ledger.open_account("organisation", charity.org.id, "bank")
    ledger.post([(bank, -5_000), (ledger.open_account("organisation", charity.org.id, "fees"), 5_000)],
                cause=Cause.test("last-month-fee"), kind="t", effective_date=last_month_end() - timedelta(days=1))
    db.session.commit()
    auth.login(charity.staff.email)
    url = page_of(charity)
    review = auth.post(url, {"month": month_of(last_month_end())}, form_page=url)
    assert review.status_code == 200
    warning = "Still unmatched in reconciliation for this period (statement lines and postings): 1."
    assert warning in review.get_data(as_text=True)
