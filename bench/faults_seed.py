"""The world `faults.py` loads: a charity with funds, a social-work station with published wishes, a
volunteer team with pending attendance and pending offline hour reports, its reviewers and importers,
volunteers and donors. Written through the app's services where one exists; people, memberships and
past activities (which no service creates in the past) are written in bulk."""
from __future__ import annotations

import io
import struct
import zlib
from datetime import UTC, date, datetime, timedelta

PASSWORD = "faults-bench-2026-pw"
DOMAIN = "faults.example.org"
PER_ACTIVITY = 10
ATTENDANCE_MINUTES = 90
REPORT_MINUTES = 60


def tiny_png() -> bytes:
    """Return a valid 1x1 PNG (evidence for hour reports)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
            + chunk(b"IEND", b""))


def _people(prefix: str, count: int, password_hash: str, locale: str = "zh_CN") -> list[str]:
    from sqlalchemy import insert

    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.platform.timeutil import now_utc

    emails = [f"{prefix}{n}@{DOMAIN}" for n in range(count)]
    db.session.execute(insert(User), [{"email": e, "password_hash": password_hash, "display_name": f"{prefix}{n}",
                                       "locale": locale, "email_verified_at": now_utc()}
                                      for n, e in enumerate(emails)])
    return emails


def seed(*, volunteers: int, donors: int, claimers: int, wishes: int, attendances: int, reports: int) -> dict:
    """Write the world; return what the load clients need (codes, ids, emails and API tokens)."""
    from sqlalchemy import select

    from marketplace.auth import service as accounts
    from marketplace.auth.models import User
    from marketplace.auth.passwords import hash_password
    from marketplace.funds import service as funds
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.platform.extensions import db
    from marketplace.platform.timeutil import now_utc

    password_hash = hash_password(PASSWORD)
    orgs = {key: Organisation(kind=kind, name_zh=zh, name_en=en, district_id=1, is_verified=True,
                              verified_at=now_utc(), contact_email=f"{key}@{DOMAIN}")
            for key, kind, zh, en in (("charity", "charity", "故障基准慈善会", "Faults Bench Charity"),
                                      ("station", "social_work_station", "故障基准社工站", "Faults Bench Station"),
                                      ("team", "volunteer_team", "故障基准义工队", "Faults Bench Team"))}
    db.session.add_all(orgs.values())
    staff = {}
    for key, org, role, admin in (("admin", None, None, True), ("staff", "charity", "staff", False),
                                  ("worker", "station", "staff", False), ("worker2", "station", "staff", False),
                                  ("reviewer_a", "team", "coordinator", False),
                                  ("reviewer_b", "team", "coordinator", False),
                                  ("importer_a", "team", "coordinator", False),
                                  ("importer_b", "team", "coordinator", False)):
        user = User(email=f"{key}@{DOMAIN}", password_hash=password_hash, display_name=key, locale="zh_CN",
                    email_verified_at=now_utc(), is_platform_admin=admin)
        db.session.add(user)
        if org:
            db.session.add(Membership(organisation=orgs[org], user=user, role=role))
        staff[key] = user
    volunteer_emails = _people("volunteer", volunteers, password_hash)
    donor_emails = _people("donor", donors, password_hash)
    claimer_emails = _people("claimer", claimers, password_hash)
    db.session.commit()
    fund_codes = [funds.create_fund(staff["staff"], orgs["charity"], kind=kind, name_zh=f"基准基金{n}",
                                    name_en=f"Bench fund {n}").public_code
                  for n, kind in enumerate(("general", "project", "general"))]
    wish_codes = _wishes(staff, orgs["station"], wishes)
    by_email = dict(db.session.execute(select(User.email, User.id).where(User.email.like(f"%@{DOMAIN}"))).all())
    attendance_ids = _attendances(staff["importer_a"].id, orgs["team"].id,
                                  [by_email[e] for e in volunteer_emails[:attendances]])
    report_ids = _reports(orgs["team"].id, volunteer_emails[-reports:])
    tokens = {}
    for email in ["reviewer_a@" + DOMAIN, "reviewer_b@" + DOMAIN, *claimer_emails]:
        user = db.session.get(User, by_email[email])
        tokens[email] = accounts.create_api_token(user, "faults bench", "write")[1]
    return {"password": PASSWORD, "funds": fund_codes, "wishes": wish_codes, "team": orgs["team"].id,
            "donors": donor_emails, "claimers": [(e, tokens[e]) for e in claimer_emails],
            "reviewers": [tokens["reviewer_a@" + DOMAIN], tokens["reviewer_b@" + DOMAIN]],
            "importers": ["importer_a@" + DOMAIN, "importer_b@" + DOMAIN], "volunteers": volunteer_emails,
            "attendances": attendance_ids, "reports": report_ids}


def _wishes(staff: dict, station, count: int) -> list[str]:
    """Register and verify households, then write, submit, verify and publish `count` micro-wishes."""
    from marketplace.wishes import beneficiaries, service

    households = []
    for n in range(max(1, count // 10)):
        household = beneficiaries.register_beneficiary(
            staff["worker"], station, pseudonym=f"基准户{n}", district_id=station.district_id,
            category="elderly_alone", age_band="80+", full_name=f"基准{n}", phone="", id_number="", address="",
            notes="", consent_on=date(2026, 1, 1), consent_scope="同意以化名发布微心愿")
        households.append(beneficiaries.verify_beneficiary(staff["worker2"], household.id))  # never the registrar
    codes = []
    for n in range(count):
        listing = service.create_listing(staff["worker"], households[n % len(households)].id, kind="wish",
                                         title=f"微心愿 {n}", story="基准", value_fen=20_000, quantity=1)
        service.transition(staff["worker"], listing.id, "submitted")
        service.transition(staff["admin"], listing.id, "verified")
        service.transition(staff["admin"], listing.id, "published")
        codes.append(listing.public_code)
    return codes


def _attendances(coordinator_id: int, team_id: int, volunteer_ids: list[int]) -> list[int]:
    """Write past activities and one pending attendance per volunteer (no service records the past)."""
    from sqlalchemy import insert, select

    from marketplace.platform.extensions import db
    from marketplace.timebank.models import Activity, Attendance

    today = datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    rows = []
    for a in range((len(volunteer_ids) + PER_ACTIVITY - 1) // PER_ACTIVITY):
        starts = today - timedelta(days=5 + a)
        rows.append({"organisation_id": team_id, "title": f"基准探访 {a}", "description": "", "category": "community",
                     "district_id": 1, "address": "", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                     "signup_cutoff_at": starts - timedelta(hours=2), "capacity": PER_ACTIVITY,
                     "confirmed_count": 0, "skills": "", "is_cancelled": False, "created_by_id": coordinator_id})
    activities = db.session.execute(insert(Activity).returning(Activity.id, Activity.starts_at), rows).all()
    db.session.execute(insert(Attendance), [
        {"activity_id": activities[n // PER_ACTIVITY][0], "user_id": user_id,
         "checked_in_at": activities[n // PER_ACTIVITY][1],
         "checked_out_at": activities[n // PER_ACTIVITY][1] + timedelta(minutes=ATTENDANCE_MINUTES),
         "status": "pending", "manual_reason": "", "review_note": ""} for n, user_id in enumerate(volunteer_ids)])
    db.session.commit()
    return list(db.session.scalars(select(Attendance.id).order_by(Attendance.id)))


def _reports(team_id: int, volunteer_emails: list[str]) -> list[int]:
    """Each volunteer reports an hour served offline, with a photo as evidence."""
    from sqlalchemy import select
    from werkzeug.datastructures import FileStorage

    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.timebank.hours import reports

    png, today, ids = tiny_png(), datetime.now(UTC).date(), []
    users = db.session.scalars(select(User).where(User.email.in_(volunteer_emails)).order_by(User.id))
    for n, user in enumerate(users):
        evidence = FileStorage(io.BytesIO(png), filename="evidence.png", content_type="image/png")
        ids.append(reports.submit_report(user, team_id, today - timedelta(days=40 + n % 30), REPORT_MINUTES,
                                       "社区服务（基准）", evidence).id)
    return ids
