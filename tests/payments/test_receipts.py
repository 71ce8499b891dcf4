"""Receipts: numbers without gaps per organisation and year (also when a completion is rolled back
and when completions race on PostgreSQL), a bilingual PDF in which Chinese is really text, and the
email that carries it in the donor's language."""
import io
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader

from marketplace.funds import service as funds
from marketplace.payments import receipts
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation
from marketplace.payments.receipt_pdf import words_en, words_zh
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_date, now_utc
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together


@pytest.fixture
def charity(create_user, create_org):
    staff = create_user(display_name="会计小王")
    donor = create_user(email="donor@example.org", display_name="陈大文")
    org = create_org("charity", {staff: "staff"}, name_zh="广州慈善会", name_en="GZ Charity")
    fund = funds.create_fund(staff, org, kind="project", name_zh="助学基金", name_en="School Fund",
                             purpose="资助山区学生")
    return {"org": org, "fund": fund, "staff": staff, "donor": donor}


def pending(fund, donor=None, amount_fen=123_450, display="masked", **fields):
    donation = Donation(fund_id=fund.id, donor_id=donor.id if donor else None, amount_fen=amount_fen,
                        display=display, provider="demo", **fields)
    db.session.add(donation)
    db.session.commit()
    return donation


def completed(fund, donor=None, **fields):
    donation = complete(pending(fund, donor, **fields))
    db.session.commit()
    return donation


def number(donation) -> int:
    return int(donation.receipt_no.rsplit("-", 1)[1])


# --- numbers ---------------------------------------------------------------------------------

def test_numbers_run_on_without_gaps_even_when_a_completion_is_rolled_back(charity):
    first = completed(charity["fund"])
    rolled_back = pending(charity["fund"])
    complete(rolled_back)
    assert number(rolled_back) == 2
    db.session.rollback()  # e.g. the request failed after completing: the number is given back
    assert db.session.get(Donation, rolled_back.id).receipt_no is None
    third = completed(charity["fund"])
    again = complete(db.session.get(Donation, rolled_back.id))
    db.session.commit()
    year = local_date(now_utc()).year
    assert [number(first), number(third), number(again)] == [1, 2, 3]
    assert first.receipt_no == f"R-{charity['org'].id}-{year}-000001"


def test_each_organisation_and_year_counts_on_its_own(charity, create_org, create_user):
    staff = create_user()
    other = create_org("charity", {staff: "staff"}, name_zh="另一机构")
    other_fund = funds.create_fund(staff, other, kind="general", name_zh="综合", name_en="General")
    assert number(completed(charity["fund"])) == 1
    assert number(completed(other_fund)) == 1
    assert number(completed(charity["fund"])) == 2
    old = pending(charity["fund"], status="completed", completed_at=datetime(2024, 6, 1, tzinfo=UTC))
    receipts.issue_number(old)
    db.session.commit()
    assert old.receipt_no == f"R-{charity['org'].id}-2024-000001"
    assert receipts.issue_number(old) == old.receipt_no  # once


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")
def test_completions_at_once_take_distinct_consecutive_numbers(app, charity):
    ids = [pending(charity["fund"], amount_fen=100 + i).id for i in range(12)]
    results = run_together(app, 12, lambda i: complete(db.session.get(Donation, ids[i])).receipt_no)
    assert all(isinstance(r, str) for r in results), results
    assert sorted(int(r.rsplit("-", 1)[1]) for r in results) == list(range(1, 13))


# --- the PDF ---------------------------------------------------------------------------------

def text_of(data: bytes) -> tuple[str, PdfReader]:
    assert data.startswith(b"%PDF-")
    pdf = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in pdf.pages), pdf


def test_the_pdf_reads_in_chinese_and_english_with_the_font_embedded(charity):
    donation = completed(charity["fund"], charity["donor"])
    text, pdf = text_of(receipts.receipt_pdf(donation))
    assert donation.receipt_no in text
    assert "广州慈善会" in text and "GZ Charity" in text
    assert "助学基金" in text and "School Fund" in text and "资助山区学生" in text
    assert "¥1,234.50" in text
    assert "人民币壹仟贰佰叁拾肆元伍角整" in text and "One thousand two hundred thirty-four yuan and fifty fen" in text
    assert "陈大文" in text and "陈**" not in text  # masked on public pages only: the receipt names the donor
    assert local_date(donation.completed_at).isoformat() in text
    fonts = {str(f["/BaseFont"]) for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)


def test_the_receipt_is_made_out_to_the_donor_whatever_they_show_in_public(charity):
    for display in ("name", "masked", "anonymous"):
        gift = completed(charity["fund"], charity["donor"], display=display)
        text = text_of(receipts.receipt_pdf(gift))[0]
        with force_locale("zh_CN"):
            anonymous_zh = str(_l("Anonymous"))
        assert "陈大文" in text and "陈**" not in text and anonymous_zh not in text, display
        assert receipts.donor_shown(gift, bilingual=False) == {"name": "陈大文", "masked": "陈**",
                                                               "anonymous": "Anonymous"}[display]


def test_the_receipt_carries_the_charitys_registered_name_credit_code_and_address(charity):
    org = charity["org"]
    org.registered_name, org.credit_code = "广州市慈善会（社会团体）", "51440100MJ0000000U"
    org.address = "广州市越秀区东风中路 1 号"
    db.session.commit()
    text = text_of(receipts.receipt_pdf(completed(charity["fund"], charity["donor"])))[0]
    assert "广州市慈善会（社会团体）" in text and "51440100MJ0000000U" in text
    assert "广州市越秀区东风中路 1 号" in text and "Unified social credit code" in text


def test_a_donation_not_completed_has_no_receipt(charity):
    with pytest.raises(NotFound):
        receipts.receipt_pdf(pending(charity["fund"], charity["donor"]))


@pytest.mark.parametrize("fen,chinese,english", [
    (100, "人民币壹元整", "One yuan only"),
    (50, "人民币伍角整", "Zero yuan and fifty fen"),
    (1_005, "人民币壹拾元零伍分", "Ten yuan and five fen"),
    (100_000_00, "人民币壹拾万元整", "One hundred thousand yuan only"),
    (1_001_000_00, "人民币壹佰万壹仟元整", "One million one thousand yuan only"),
    (1_000_100_00, "人民币壹佰万零壹佰元整", "One million one hundred yuan only"),
    (10_010_000_00, "人民币壹仟零壹万元整", "Ten million ten thousand yuan only"),
    (20_000_000_000, "人民币贰亿元整", "Two hundred million yuan only"),
    (10_000_100_000_00, "人民币壹佰亿零壹拾万元整", "Ten billion one hundred thousand yuan only"),
])
def test_amounts_are_written_in_words(fen, chinese, english):
    assert words_zh(fen) == chinese and words_en(fen) == english


# --- the email -------------------------------------------------------------------------------

def test_the_receipt_is_emailed_in_the_donors_language_with_the_pdf(charity, mailbox):
    charity["donor"].locale = "zh_CN"
    donation = completed(charity["fund"], charity["donor"])  # queued with the gift, sent after the commit
    [mail] = mailbox.messages
    with force_locale("zh_CN"):
        subject = str(_l("Your receipt %(number)s from Goodhours", number=donation.receipt_no))
    assert mail.subject == subject and mail.to == ["donor@example.org"]
    assert "助学基金" in mail.body and "¥1,234.50" in mail.body and "/payments/my" in mail.body
    name, data, mimetype = mail.attachments[0]
    assert name == f"receipt-{donation.receipt_no}.pdf" and mimetype == "application/pdf"
    assert donation.receipt_no in text_of(data)[0]


def test_english_donors_read_english(charity, mailbox):
    completed(charity["fund"], charity["donor"])
    assert "School Fund" in mailbox.messages[0].body and "Thank you for your gift" in mailbox.messages[0].body


def test_no_email_without_an_address_or_a_receipt(charity, mailbox):
    assert receipts.send_receipt(completed(charity["fund"])) is False
    assert receipts.send_receipt(pending(charity["fund"], charity["donor"])) is False
    assert mailbox.messages == []


def test_a_failing_mail_server_does_not_undo_the_gift(charity, mailbox, monkeypatch):
    from marketplace.outbox import service as outbox

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("flask_mailman.EmailMessage.send", broken)
    donation = completed(charity["fund"], charity["donor"])
    assert db.session.get(Donation, donation.id).status == "completed"
    assert mailbox.messages == [] and outbox.pending_count() == 1  # the receipt waits in the outbox
    monkeypatch.undo()
    assert outbox.deliver_due(now=now_utc() + outbox.MAX_BACKOFF) == 1
    assert mailbox.messages[0].attachments[0][0] == f"receipt-{donation.receipt_no}.pdf"


def test_the_pdf_is_made_by_the_outbox_worker_not_with_the_gift(charity, mailbox, monkeypatch):
    def unrenderable(donation):
        raise RuntimeError("no CJK font")

    monkeypatch.setattr(receipts, "receipt_pdf", unrenderable)
    donation = completed(charity["fund"], charity["donor"])
    assert db.session.get(Donation, donation.id).status == "completed" and mailbox.messages == []
