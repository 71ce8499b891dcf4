"""Offline gifts: staff record bank transfers and cash with evidence; a gift up to ¥5,000 completes at
once, a larger one waits for a second staff member (never the recorder); evidence stays with staff."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.payments import offline
from marketplace.payments.models import Donation
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_date, local_today, now_utc
from tests.files import PDF as REAL_PDF

SLIP = REAL_PDF  # uploads are parsed: a real one-page PDF


def slip(data=SLIP, name="slip.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def charity(create_user, create_org):
    """A charity with two staff (.recorder, .checker), a general fund, a donor and an outsider."""
    recorder, checker = create_user(display_name="会计小王"), create_user(display_name="出纳小李")
    donor, outsider = create_user(email="donor@example.org", display_name="爱心人士"), create_user()
    org = create_org("charity", {recorder: "staff", checker: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    fund = funds.create_fund(recorder, org, kind="general", name_zh="综合基金", name_en="General Fund",
                             purpose="帮助困难家庭")

    class Charity:
        pass

    c = Charity()
    c.org, c.fund, c.recorder, c.checker, c.donor, c.outsider = org, fund, recorder, checker, donor, outsider
    return c


def give(c, method="bank", amount_fen=50_000, actor=None, **fields):
    values = dict(fund_id=c.fund.id, method=method, amount_fen=amount_fen, received_on=local_today(),
                  evidence=slip(), payer_email=c.donor.email, display="masked", reference="BANK-0001")
    values.update(fields)
    return offline.record_gift(actor or c.recorder, c.org, **values)


def count():
    return db.session.scalar(select(func.count(Donation.id)))


def test_a_bank_transfer_completes_at_once_with_a_receipt_sent(charity, mailbox):
    donation = give(charity, "bank", 50_000)
    year = local_date(now_utc()).year
    assert donation.status == "completed" and donation.receipt_no == f"R-{charity.org.id}-{year}-000001"
    assert donation.donor_id == charity.donor.id and donation.received_on == local_today()
    assert donation.recorded_by_id == donation.confirmed_by_id == charity.recorder.id
    assert funds.totals(charity.fund).received == 50_000
    bank = ledger.open_account("organisation", charity.org.id, "bank")
    assert ledger.balance(bank).posted == -50_000
    [mail] = mailbox.messages
    assert mail.to == ["donor@example.org"] and donation.receipt_no in mail.subject
    assert mail.attachments[0][0] == f"receipt-{donation.receipt_no}.pdf"


def test_small_gifts_complete_at_once_large_ones_wait_for_a_second_person(charity, mailbox, app):
    small = give(charity, "cash", 500_000)  # exactly ¥5,000: not above the second-person amount
    assert small.status == "completed"
    large_cash, large_transfer = give(charity, "cash", 500_001), give(charity, "bank", 2_000_000)
    assert large_cash.status == large_transfer.status == "awaiting_second" and large_cash.receipt_no is None
    assert funds.totals(charity.fund).received == 500_000 and len(mailbox.messages) == 1
    app.config["MONEY_SECOND_PERSON_ABOVE_FEN"] = 3_000_000
    assert give(charity, "bank", 2_000_000).status == "completed"


def test_the_recorder_cannot_confirm_their_own_cash(charity, mailbox):
    donation = give(charity, "cash", 600_000)
    with pytest.raises(Forbidden):
        offline.confirm_gift(charity.recorder, donation.id)
    db.session.rollback()
    assert db.session.get(Donation, donation.id).status == "awaiting_second"
    assert funds.totals(charity.fund).received == 0 and mailbox.messages == []


def test_a_second_staff_member_confirms_large_cash_once(charity, mailbox):
    donation = give(charity, "cash", 600_000)
    confirmed = offline.confirm_gift(charity.checker, donation.id)
    assert confirmed.status == "completed" and confirmed.confirmed_by_id == charity.checker.id
    assert confirmed.receipt_no and funds.totals(charity.fund).received == 600_000
    assert len(mailbox.messages) == 1
    with pytest.raises(Conflict):
        offline.confirm_gift(charity.checker, donation.id)
    with pytest.raises(NotFound):
        offline.confirm_gift(charity.outsider, donation.id)


def test_cash_waiting_can_be_cancelled_and_then_never_counts(charity):
    donation = give(charity, "cash", 600_000)
    assert offline.cancel_gift(charity.recorder, donation.id).status == "cancelled"
    with pytest.raises(Conflict):
        offline.confirm_gift(charity.checker, donation.id)
    assert funds.totals(charity.fund).received == 0


def test_a_payer_without_an_account_is_named_and_gets_no_email(charity, mailbox):
    donation = give(charity, payer_email="", payer_name="陈大文")
    assert donation.donor_id is None and donation.payer_name == "陈大文" and donation.status == "completed"
    assert mailbox.messages == []


def test_only_the_organisations_staff_record_gifts(charity, create_org, create_user):
    with pytest.raises(NotFound):
        give(charity, actor=charity.outsider)
    other_staff = create_user()
    create_org("charity", {other_staff: "staff"})
    with pytest.raises(NotFound):
        give(charity, actor=other_staff)
    assert count() == 0


@pytest.mark.parametrize("change,field", [
    ({"amount_fen": 99}, "amount_fen"),
    ({"amount_fen": "500"}, "amount_fen"),
    ({"method": "stripe"}, "method"),
    ({"payer_email": "nobody@example.org"}, "payer_email"),
    ({"payer_email": "", "payer_name": " "}, "payer_name"),
    ({"display": "loud"}, "display"),
    ({"received_on": "today"}, "received_on"),
    ({"reference": "x" * 121}, "reference"),
    ({"firm_id": 10**6}, "firm_id"),
    ({"fund_id": "1"}, "fund_id"),
])
def test_bad_input_names_the_field_and_stores_nothing(charity, change, field):
    with pytest.raises(InvalidInput) as refused:
        give(charity, **change)
    assert field in refused.value.fields
    assert count() == 0


def test_dates_in_the_future_or_over_a_year_back_are_refused(charity):
    for day in (local_today() + timedelta(days=1), local_today() - timedelta(days=400)):
        with pytest.raises(InvalidInput) as refused:
            give(charity, received_on=day)
        assert "received_on" in refused.value.fields


def test_another_organisations_fund_or_a_closed_fund_is_refused(charity, create_org, create_user):
    other_staff = create_user()
    other = create_org("charity", {other_staff: "staff"})
    foreign = funds.create_fund(other_staff, other, kind="general", name_zh="别的基金", name_en="Other")
    charity.fund.is_open = False
    db.session.commit()
    for fund in (foreign, charity.fund):
        with pytest.raises(InvalidInput) as refused:
            give(charity, fund_id=fund.id)
        assert "fund_id" in refused.value.fields


def test_evidence_must_be_a_photo_or_pdf(charity):
    with pytest.raises(InvalidInput) as refused:
        give(charity, evidence=slip(b"MZ\x90\x00not a pdf", "slip.pdf"))
    assert "evidence" in refused.value.fields
    with pytest.raises(InvalidInput):
        give(charity, evidence=None)
    assert count() == 0


def test_evidence_is_for_the_organisations_staff_only(charity, create_org, create_user):
    donation = give(charity)
    path, content_type = offline.evidence_for(charity.checker, donation.id)
    assert path.read_bytes() == SLIP and content_type == "application/pdf"
    other_staff = create_user()
    create_org("charity", {other_staff: "staff"})
    for someone in (charity.donor, charity.outsider, other_staff, None):
        with pytest.raises(NotFound):
            offline.evidence_for(someone, donation.id)


def test_a_firm_can_be_named_as_the_giver(charity, create_org):
    firm = create_org("firm", name_zh="爱心企业", name_en="Kind Firm")
    assert give(charity, firm_id=firm.id).organisation_id == firm.id
    with pytest.raises(InvalidInput):
        give(charity, firm_id=charity.org.id)  # a charity is not a firm


# --- the pages -------------------------------------------------------------------------------

def _form(c, **changes):
    data = {"fund_id": str(c.fund.id), "method": "bank", "amount": "1,234.50", "payer_email": c.donor.email,
            "payer_name": "", "firm_id": "", "display": "masked", "reference": "BANK-0001",
            "received_on": local_today().isoformat(), "evidence": (io.BytesIO(SLIP), "slip.pdf")}
    data.update(changes)
    return data


def _page(c):
    return f"/payments/orgs/{c.org.id}/offline"


def test_staff_record_a_transfer_on_the_page(client, auth, charity, mailbox):
    auth.login(charity.recorder.email)
    page = client.get(_page(charity)).get_data(as_text=True)
    assert "General Fund" in page and 'name="evidence"' in page
    response = auth.post(_page(charity), _form(charity), form_page=_page(charity),
                         content_type="multipart/form-data")
    assert response.status_code == 302
    donation = db.session.scalar(select(Donation))
    assert donation.amount_fen == 123_450 and donation.status == "completed"
    listed = client.get(_page(charity)).get_data(as_text=True)
    assert donation.receipt_no in listed


def test_a_bad_form_comes_back_with_the_reason(client, auth, charity):
    auth.login(charity.recorder.email)
    response = auth.post(_page(charity), _form(charity, payer_email="nobody@example.org"),
                         form_page=_page(charity), content_type="multipart/form-data")
    assert response.status_code == 422 and "No account has this email" in response.get_data(as_text=True)
    response = auth.post(_page(charity), _form(charity, amount="1.2.3"), form_page=_page(charity),
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "Enter an amount in yuan" in response.get_data(as_text=True)
    assert count() == 0


def test_others_cannot_open_the_page(client, auth, charity):
    assert client.get(_page(charity)).status_code == 302  # to the login page
    auth.login(charity.donor.email)
    assert client.get(_page(charity)).status_code == 404


def test_the_second_person_confirms_on_the_page_and_the_recorder_cannot(client, auth, charity):
    donation = give(charity, "cash", 600_000)
    auth.login(charity.recorder.email)
    page = client.get(_page(charity)).get_data(as_text=True)
    assert "another staff member must confirm" in page
    response = auth.post(f"/payments/offline/{donation.id}/confirm", form_page=_page(charity))
    assert response.status_code == 302
    assert db.session.get(Donation, donation.id).status == "awaiting_second"
    auth.logout()
    auth.login(charity.checker.email)
    auth.post(f"/payments/offline/{donation.id}/confirm", form_page=_page(charity))
    assert db.session.get(Donation, donation.id).status == "completed"


def test_staff_cancel_waiting_cash_on_the_page(client, auth, charity):
    donation = give(charity, "cash", 600_000)
    auth.login(charity.checker.email)
    response = auth.post(f"/payments/offline/{donation.id}/cancel", form_page=_page(charity))
    assert response.status_code == 302 and db.session.get(Donation, donation.id).status == "cancelled"


def test_the_evidence_downloads_for_staff_and_is_404_for_others(client, auth, charity):
    donation = give(charity)
    url = f"/payments/offline/{donation.id}/evidence"
    auth.login(charity.checker.email)
    response = client.get(url)
    assert response.status_code == 200 and response.data == SLIP
    assert response.headers["Content-Disposition"].startswith("attachment;")
    auth.logout()
    auth.login(charity.donor.email)
    assert client.get(url).status_code == 404
    assert auth.post(f"/payments/offline/{donation.id}/cancel").status_code == 404


def test_a_fake_pdf_slip_is_refused_with_a_message_and_nothing_is_recorded(charity):
    from tests.files import FAKE_PDF

    with pytest.raises(InvalidInput) as refused:
        give(charity, evidence=slip(FAKE_PDF, "slip.pdf"))
    assert "could not be opened" in str(refused.value.fields["evidence"][0]) and count() == 0
