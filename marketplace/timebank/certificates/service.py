"""Certificates of service: a volunteer's hours served for others in a period (approved attendance,
reports and imported rows, and care given), frozen as content whose
SHA-256 is stored with a random code, so that `/verify/<code>` can tell a true record from an
altered or invented one."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Organisation
from marketplace.platform.codes import is_readable, readable_code
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.links import site_url
from marketplace.platform.timeutil import day_start, local_date, now_utc
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.certificates.content import ISSUED_AT_FORMAT
from marketplace.timebank.certificates.pdf import render
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.labels import CARE_SERVICES
from marketplace.timebank.models import Activity, Attendance, Certificate, HourReport, ReviewStatus
from marketplace.web.pdf import bilingual

CODE_LENGTH = 12
MAX_YEARS = 5
TITLE_LIMIT = 120


def local_today(now: datetime | None = None) -> date:
    """Return today's date in the site's time zone (Guangzhou by default)."""
    return local_date(now or now_utc())


def issue_certificate(user: User, period_start: date, period_end: date, now: datetime | None = None) -> Certificate:
    """Certify the user's approved service between two dates (inclusive) and store it with a new code.

    :raise InvalidInput: the period is missing, reversed, longer than five years, reaches past
        today, or holds no approved service.
    """
    now = now or now_utc()
    _check_period(period_start, period_end, local_today(now))
    rows = (_attendance_rows(user, period_start, period_end) + _report_rows(user, period_start, period_end)
            + _import_rows(user, period_start, period_end) + _care_rows(user, period_start, period_end))
    if not rows:
        raise InvalidInput(fields={"period_start": [_l("You have no approved hours in this period.")]})
    rows.sort(key=lambda row: (row["date"], row["title"]))
    code = _new_code()
    issuers = {(row["org_zh"], row["org_en"]) for row in rows}
    content = {
        "v": 1, "code": code, "user_id": user.id, "volunteer": masked_name(user),
        "period_start": period_start.isoformat(), "period_end": period_end.isoformat(),
        "rows": rows, "total_minutes": sum(row["minutes"] for row in rows),
        "issuers": [{"zh": zh, "en": en} for zh, en in sorted(issuers)],
        "issued_at": now.astimezone(UTC).strftime(ISSUED_AT_FORMAT),
        "verify_url": site_url("certificates.verify", code=code),
    }
    certificate = Certificate(code=code, user_id=user.id, period_start=period_start, period_end=period_end,
                              total_minutes=content["total_minutes"], content=content,
                              content_hash=content_hash(content), created_at=now)
    db.session.add(certificate)
    db.session.flush()
    record("certificate.issued", actor=user, subject=certificate, total_minutes=content["total_minutes"])
    db.session.commit()
    return certificate


def verify_certificate(code: str) -> Certificate | None:
    """Return the certificate with this code if its stored content still matches its hash, else None."""
    code = normalise_code(code)
    if code is None:
        return None
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code))
    if certificate is None or not isinstance(certificate.content, dict):
        return None
    content = certificate.content
    if not hmac.compare_digest(content_hash(content), certificate.content_hash or ""):
        return None
    bound = (content.get("code"), content.get("user_id"), content.get("total_minutes"),
             content.get("period_start"), content.get("period_end"))
    if bound != (certificate.code, certificate.user_id, certificate.total_minutes,
                 certificate.period_start.isoformat(), certificate.period_end.isoformat()):
        return None
    return certificate


def certificates_of(user: User) -> list[Certificate]:
    """Return the user's certificates, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.id.desc())))


def render_pdf(certificate: Certificate) -> bytes:
    """Lay out the certificate as a bilingual A4 PDF with a QR code to its verify page."""
    return render(certificate.content)


def masked_name(user: User) -> str:
    """Return the first character of the name and two stars (张**): never the whole name."""
    return (user.display_name or "").strip()[:1] + "**"


def content_hash(content: dict) -> str:
    """Return an HMAC-SHA256 of the content as canonical JSON (sorted keys, no spaces, UTF-8).

    Keyed with the site's secret, so someone who can write to the database still cannot make
    an altered certificate verify. (Changing SECRET_KEY therefore retires every certificate.)
    """
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = hashlib.sha256(b"goodhours-certificate\n" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def normalise_code(code: str) -> str | None:
    """Read a code as typed (any case, with dashes or spaces); None when it cannot be one."""
    cleaned = "".join(str(code or "")[:64].split()).replace("-", "").upper()
    if not is_readable(cleaned, CODE_LENGTH):
        return None
    return cleaned


def _check_period(start, end, today: date) -> None:
    fields: dict[str, list] = {}
    if type(start) is not date:
        fields["period_start"] = [_l("Enter the first day of the period.")]
    if type(end) is not date:
        fields["period_end"] = [_l("Enter the last day of the period.")]
    elif type(start) is date:
        if end < start:
            fields["period_end"] = [_l("The last day cannot come before the first.")]
        elif end > today:
            fields["period_end"] = [_l("The period cannot end in the future.")]
        elif end >= _years_after(start, MAX_YEARS):
            fields["period_start"] = [_l("A certificate covers at most %(n)d years.", n=MAX_YEARS)]
    if fields:
        raise InvalidInput(fields=fields)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _attendance_rows(user: User, start: date, end: date) -> list[dict]:
    begins, ends = day_start(start), day_start(end, 1)
    found = db.session.execute(
        select(Activity.starts_at, Activity.title, Attendance.minutes_granted, Organisation.name_zh,
               Organisation.name_en)
        .join(Activity, Activity.id == Attendance.activity_id)
        .join(Organisation, Organisation.id == Activity.organisation_id)
        .where(Attendance.user_id == user.id, Attendance.status == ReviewStatus.APPROVED,
               Attendance.minutes_granted > 0, Activity.starts_at >= begins, Activity.starts_at < ends))
    return [_row("activity", local_date(starts_at), title, minutes, zh, en)
            for starts_at, title, minutes, zh, en in found]


def _report_rows(user: User, start: date, end: date) -> list[dict]:
    found = db.session.execute(
        select(HourReport.served_on, HourReport.description, HourReport.minutes, Organisation.name_zh,
               Organisation.name_en)
        .join(Organisation, Organisation.id == HourReport.organisation_id)
        .where(HourReport.user_id == user.id, HourReport.status == ReviewStatus.APPROVED,
               HourReport.served_on >= start, HourReport.served_on <= end))
    return [_row("claim", served_on, description, minutes, zh, en) for served_on, description, minutes, zh, en
            in found]


def _import_rows(user: User, start: date, end: date) -> list[dict]:
    found = db.session.execute(
        select(ImportRow.served_on, ImportRow.description, ImportBatch.title, ImportRow.minutes, Organisation.name_zh,
               Organisation.name_en)
        .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .join(Organisation, Organisation.id == ImportBatch.organisation_id)
        .where(ImportRow.user_id == user.id, ImportRow.entry_id.is_not(None), _not_reversed(ImportRow.entry_id),
               ImportRow.served_on >= start, ImportRow.served_on <= end))
    return [_row("import", served_on, description or title, minutes, zh, en)
            for served_on, description, title, minutes, zh, en in found]


def _care_rows(user: User, start: date, end: date) -> list[dict]:
    """Care given to a member and paid in their hours: service for others (the payer's side never is)."""
    found = db.session.execute(
        select(CareRequest.scheduled_at, CareRequest.service, CareRequest.minutes_paid, Organisation.name_zh,
               Organisation.name_en)
        .join(Organisation, Organisation.id == CareRequest.organisation_id)
        .where(CareRequest.provider_id == user.id, CareRequest.entry_id.is_not(None), CareRequest.minutes_paid > 0,
               _not_reversed(CareRequest.entry_id), CareRequest.scheduled_at >= day_start(start),
               CareRequest.scheduled_at < day_start(end, 1)))
    return [_row("care", local_date(at), bilingual(CARE_SERVICES.words.get(service, service)), minutes, zh, en)
            for at, service, minutes, zh, en in found]


def _not_reversed(entry_id):
    return ~ledger_queries.is_reversed(entry_id)


def _row(kind: str, day: date, title: str, minutes: int, org_zh: str, org_en: str) -> dict:
    title = " ".join(title.split())
    if len(title) > TITLE_LIMIT:
        title = title[:TITLE_LIMIT - 1] + "…"
    return {"kind": kind, "date": day.isoformat(), "title": title, "minutes": int(minutes),
            "org_zh": org_zh, "org_en": org_en}


def _new_code() -> str:
    """Draw random codes until one is free (a clash is astronomically rare; the unique index is the guard)."""
    return readable_code(CODE_LENGTH, lambda code: db.session.scalar(
        select(Certificate.id).where(Certificate.code == code)) is not None)



