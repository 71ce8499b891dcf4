"""Certificates of service: what they total, how they read in Chinese and English, and how a
code proves a certificate genuine (an altered one answers "not found")."""
import hashlib
import hmac
import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.certificates.pdf import CertificateFontMissing
from marketplace.timebank.hours import reports
from marketplace.timebank.models import Certificate
from tests.files import PDF as REAL_PDF

PDF_EVIDENCE = REAL_PDF  # uploads are parsed: a real one-page PDF


@pytest.fixture
def volunteer(create_user):
    return create_user(email="xiaoming@example.org", display_name="王小明")


@pytest.fixture
def visit(app, team, create_activity):
    """visit(volunteer, minutes, days_ago): approve a 长者探访 visit, then date it `days_ago` days back."""
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9  # codes shown now still work at the activity's time

    def make(volunteer, minutes=120, days_ago=2):
        activity = create_activity(starts_in=timedelta(hours=3), hours=3)
        service.sign_up(activity.id, volunteer)
        start = activity.starts_at
        service.scan(service.scan_token(activity, "in"), volunteer, now=start)
        attendance = service.scan(service.scan_token(activity, "out"), volunteer,
                                  now=start + timedelta(minutes=minutes))
        service.approve_attendance(attendance.id, team.coordinator)
        past = timedelta(days=days_ago, hours=3)
        activity.starts_at, activity.ends_at = activity.starts_at - past, activity.ends_at - past
        db.session.commit()
        return attendance

    return make


def _report(team, volunteer, days_ago, minutes=90, approve=True):
    served = certificates.local_today() - timedelta(days=days_ago)
    evidence = FileStorage(stream=io.BytesIO(PDF_EVIDENCE), filename="proof.pdf")
    report = reports.submit_report(volunteer, team.org.id, served, minutes, "帮邻居搬家", evidence)
    return reports.approve_report(report.id, team.coordinator) if approve else report


@pytest.fixture
def served(team, volunteer, visit):
    """A volunteer with a 2-hour visit and a 90-minute report in the last month, and older service."""
    visit(volunteer)
    _report(team, volunteer, days_ago=5)
    _report(team, volunteer, days_ago=200, minutes=60)  # before the period
    _report(team, volunteer, days_ago=3, minutes=45, approve=False)  # not yet approved
    return volunteer


def _last_month():
    today = certificates.local_today()
    return today - timedelta(days=30), today


def test_a_certificate_lists_and_totals_the_approved_service_in_the_period(served, app):
    certificate = certificates.issue_certificate(served, *_last_month())
    rows = certificate.content["rows"]
    assert [(r["kind"], r["title"], r["minutes"]) for r in rows] == [("claim", "帮邻居搬家", 90),
                                                                       ("activity", "长者探访", 120)]
    assert rows[1]["org_zh"] == "天河义工队" and rows[1]["org_en"] == "Test Org"
    assert certificate.total_minutes == certificate.content["total_minutes"] == 210
    assert certificate.content["issuers"] == [{"zh": "天河义工队", "en": "Test Org"}]
    canonical = json.dumps(certificate.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = hashlib.sha256(b"goodhours-certificate\n" + app.config["SECRET_KEY"].encode()).digest()
    assert certificate.content_hash == hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def test_the_certificate_names_the_volunteer_only_masked(served):
    certificate = certificates.issue_certificate(served, *_last_month())
    stored = json.dumps(certificate.content, ensure_ascii=False)
    assert certificate.content["volunteer"] == "王**"
    assert "王小明" not in stored and "xiaoming" not in stored


@pytest.mark.parametrize("start_days,end_days,field,message", [
    (10, 20, "period_end", "cannot come before"),
    (5 * 366, 0, "period_start", "at most 5 years"),
    (3, -1, "period_end", "future"),
    (100, 60, "period_start", "no approved hours"),
    (None, 0, "period_start", "first day"),
])
def test_bad_periods_are_refused_with_a_named_field(served, start_days, end_days, field, message):
    today = certificates.local_today()
    start = None if start_days is None else today - timedelta(days=start_days)
    with pytest.raises(InvalidInput) as refused:
        certificates.issue_certificate(served, start, today - timedelta(days=end_days))
    assert message in str(refused.value.fields[field][0])
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_codes_are_random_unambiguous_and_never_reused(served, monkeypatch):
    first = certificates.issue_certificate(served, *_last_month())
    second = certificates.issue_certificate(served, *_last_month())
    assert first.code != second.code
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{12}", c) for c in (first.code, second.code))
    drawn = iter(first.code + "B" * 12)  # the first draw clashes with an existing code
    from marketplace.platform import codes

    monkeypatch.setattr(codes.secrets, "choice", lambda alphabet: next(drawn))
    assert certificates.issue_certificate(served, *_last_month()).code == "B" * 12


def test_a_genuine_certificate_verifies_however_its_code_is_typed(served):
    code = certificates.issue_certificate(served, *_last_month()).code
    for typed in (code, code.lower(), f"{code[:4]}-{code[4:8]}-{code[8:]}"):
        assert certificates.verify_certificate(typed).code == code
    for wrong in ("", "0" * 12, code[:-1], code + "A", "x" * 10_000):
        assert certificates.verify_certificate(wrong) is None


@pytest.mark.parametrize("change", [
    {"content": "total"}, {"content": "name"}, {"total_minutes": 6000}, {"content_hash": "0" * 64},
])
def test_an_altered_certificate_answers_not_found(served, change):
    certificate = certificates.issue_certificate(served, *_last_month())
    values = dict(change)
    if change.get("content") == "total":
        values["content"] = certificate.content | {"total_minutes": 6000}
    elif change.get("content") == "name":
        values["content"] = certificate.content | {"volunteer": "李**"}
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(**values))
    db.session.commit()
    assert certificates.verify_certificate(certificate.code) is None


def _pdf(certificate):
    data = certificates.render_pdf(certificate)
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def test_the_pdf_reads_in_chinese_and_english_on_a4(served):
    certificate = certificates.issue_certificate(served, *_last_month())
    pdf = _pdf(certificate)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "长者探访" in text and "帮邻居搬家" in text and "天河义工队" in text and "王**" in text
    assert "3 小时 30 分钟" in text and "3 h 30 min" in text  # the total, in both languages
    assert "2 小时" in text and "1 h 30 min" in text
    assert "王小明" not in text and "xiaoming" not in text
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)
    fonts = {str(f["/BaseFont"]) for f in pdf.pages[0]["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts  # the Chinese font is embedded


def test_the_pdf_carries_a_qr_code_and_the_address_that_checks_it(served):
    certificate = certificates.issue_certificate(served, *_last_month())
    url = f"http://localhost/verify/{certificate.code}"
    assert certificate.content["verify_url"] == url
    pdf = _pdf(certificate)
    qr = pdf.pages[0].images[0].image
    assert qr.width == qr.height  # the square QR code
    assert url in pdf.pages[-1].extract_text()
    code = certificate.code
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in pdf.pages[0].extract_text()


def test_without_a_chinese_font_the_pdf_is_refused_clearly(served, app):
    certificate = certificates.issue_certificate(served, *_last_month())
    app.config["CERTIFICATE_FONT"] = "/nonexistent/font.ttc"
    with pytest.raises(CertificateFontMissing, match="fonts-wqy-microhei"):
        certificates.render_pdf(certificate)


# --- the pages -------------------------------------------------------------------------------

def _period_form(start, end):
    return {"period_start": start.isoformat(), "period_end": end.isoformat()}


def test_a_volunteer_downloads_the_certificate_as_a_pdf(client, auth, served):
    auth.login(served.email)
    page = client.get("/timebank/certificates").get_data(as_text=True)
    assert 'for="period_start"' in page and 'for="period_end"' in page
    response = auth.post("/timebank/certificates", _period_form(*_last_month()),
                         form_page="/timebank/certificates")
    certificate = db.session.scalar(select(Certificate))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="goodhours-certificate-{certificate.code}.pdf"')
    assert "长者探访" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert certificate.user_id == served.id
    listed = client.get("/timebank/certificates").get_data(as_text=True)
    assert f"/verify/{certificate.code}" in listed  # the volunteer can find it again


@pytest.mark.parametrize("form,message", [
    ("future", "The period cannot end in the future."),
    ("reversed", "The last day cannot come before the first."),
    ("empty", "This field is required."),
    ("garbled", "Enter a date such as 2026-12-05, 2026/12/5 or 2026年12月5日."),
])
def test_a_bad_period_comes_back_with_the_reason(client, auth, served, form, message):
    today = certificates.local_today()
    data = {"future": _period_form(today, today + timedelta(days=1)),
            "reversed": _period_form(today, today - timedelta(days=1)),
            "empty": {"period_start": "", "period_end": today.isoformat()},
            "garbled": {"period_start": "31/12/2024", "period_end": today.isoformat()}}[form]
    auth.login(served.email)
    response = auth.post("/timebank/certificates", data, form_page="/timebank/certificates")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_visitors_must_log_in_to_download(client):
    response = client.get("/timebank/certificates")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_anyone_can_check_a_certificate_and_learns_nothing_personal(client, served):
    code = certificates.issue_certificate(served, *_last_month()).code
    english = client.get(f"/verify/{code}").get_data(as_text=True)
    chinese = client.get(f"/verify/{code.lower()}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "This certificate is genuine" in english
    assert "王**" in english and "3 h 30 min" in english and "Test Org" in english
    assert "王**" in chinese and "3 小时 30 分钟" in chinese and "天河义工队" in chinese
    for page in (english, chinese):
        assert "王小明" not in page and "xiaoming" not in page


def test_unknown_or_altered_codes_are_not_found_in_both_languages(client, served):
    certificate = certificates.issue_certificate(served, *_last_month())
    certificate.total_minutes = 6000
    db.session.commit()
    for code in (certificate.code, "ABCDEFGHJKMN", "forged", "%00", "9" * 200):
        english = client.get(f"/verify/{code}")
        chinese = client.get(f"/verify/{code}", headers={"Accept-Language": "zh-CN"})
        assert english.status_code == chinese.status_code == 404, code
        page, chinese_page = english.get_data(as_text=True), chinese.get_data(as_text=True)
        assert "Certificate not found" in page and "王**" not in page and "6000" not in page
        assert '<html lang="zh-CN">' in chinese_page and "公益时间银行" in chinese_page  # it speaks Chinese


def test_a_row_altered_with_a_recomputed_plain_hash_still_fails(served):
    """The stored hash is keyed with the site's secret: a forger with database access cannot redo it."""
    import hashlib
    import json

    certificate = certificates.issue_certificate(served, *_last_month())
    content = certificate.content | {"total_minutes": 6000}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id).values(
        content=content, total_minutes=6000, content_hash=hashlib.sha256(canonical.encode()).hexdigest()))
    db.session.commit()
    assert certificates.verify_certificate(certificate.code) is None
