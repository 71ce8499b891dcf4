"""Time-bank benchmark on PostgreSQL: approving attendance and importing a sheet of hours.
Prints figures, asserts nothing.

    .venv/bin/python bench/timebank_bench.py [--rows 10000]

Creates a scratch database on BENCH_PG (default postgresql://postgres@127.0.0.1:5432) and
drops it afterwards. With N volunteers (written in bulk):
  (a) N attendances at past activities, written in bulk, then approved one by one through
      `service.approve_attendance` (one transaction and one ledger entry each), as coordinators do;
  (b) an N-row CSV sheet of offline hours, checked (`imports.check_import`: read, check every
      row, store the report) and then posted (`imports.confirm_import`: one ledger entry per row),
      both run in this process (JOBS_RUN_INLINE) so the time is the job's own;
  (c) the same sheet as XLSX, checked only, to show what reading a workbook costs.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import make_app, scratch_database  # noqa: E402  (beside this file)

ZONE = ZoneInfo("Asia/Shanghai")
PER_ACTIVITY = 100




def seed(rows: int):
    """Write a coordinator, an organisation, `rows` volunteers and their pending attendances in bulk."""
    from sqlalchemy import insert, select

    from marketplace.auth.models import User
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.platform.extensions import db
    from marketplace.timebank.models import Activity, Attendance

    coordinator = User(email="coordinator@example.org", password_hash="bench", display_name="协调员")
    org = Organisation(kind="volunteer_team", name_zh="基准义工队", name_en="Bench team", district_id=1,
                       is_verified=True)
    db.session.add_all([coordinator, org, Membership(organisation=org, user=coordinator, role="coordinator")])
    db.session.flush()
    db.session.execute(insert(User), [{"email": f"v{n}@example.org", "password_hash": "bench",
                                       "display_name": "志愿者", "locale": "zh_CN"} for n in range(rows)])
    users = db.session.execute(select(User.id).where(User.email.like("v%@example.org")).order_by(User.id))
    volunteer_ids = [u for (u,) in users]
    today = datetime.now(ZONE).date()
    activities = []
    for a in range((rows + PER_ACTIVITY - 1) // PER_ACTIVITY):
        starts = datetime.combine(today - timedelta(days=10 + a % 300), datetime.min.time(), ZONE).replace(hour=9)
        activities.append({"organisation_id": org.id, "title": f"探访 {a}", "description": "", "category": "community",
                           "district_id": 1, "address": "", "starts_at": starts.astimezone(UTC),
                           "ends_at": (starts + timedelta(hours=2)).astimezone(UTC),
                           "signup_cutoff_at": (starts - timedelta(hours=2)).astimezone(UTC),
                           "capacity": PER_ACTIVITY, "confirmed_count": 0, "skills": "", "is_cancelled": False,
                           "created_by_id": coordinator.id})
    activity_rows = db.session.execute(insert(Activity).returning(Activity.id, Activity.starts_at), activities).all()
    db.session.execute(insert(Attendance), [
        {"activity_id": activity_rows[n // PER_ACTIVITY][0], "user_id": user_id,
         "checked_in_at": activity_rows[n // PER_ACTIVITY][1],
         "checked_out_at": activity_rows[n // PER_ACTIVITY][1] + timedelta(minutes=90), "status": "pending",
         "manual_reason": "", "review_note": ""} for n, user_id in enumerate(volunteer_ids)])
    db.session.commit()
    return coordinator.id, org.id


def approve_all(coordinator_id: int) -> tuple[int, float]:
    from sqlalchemy import select

    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.timebank.activities import service
    from marketplace.timebank.models import Attendance

    ids = list(db.session.scalars(select(Attendance.id).order_by(Attendance.id)))
    coordinator = db.session.get(User, coordinator_id)
    started = time.perf_counter()
    for attendance_id in ids:
        service.approve_attendance(attendance_id, coordinator)
    return len(ids), time.perf_counter() - started


def sheet(rows: int, day: date, fmt: str):
    from werkzeug.datastructures import FileStorage

    lines = [(f"v{n}@example.org", day.isoformat(), "14:00", "15:30", "", "社区活动") for n in range(rows)]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(("邮箱", "日期", "开始时间", "结束时间", "分钟", "说明"))
        writer.writerows(lines)
        data = out.getvalue().encode("utf-8-sig")
    else:
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
        ws = book.add_worksheet()
        ws.write_row(0, 0, ("email", "date", "start time", "end time", "minutes", "description"))
        for r, line in enumerate(lines, 1):
            ws.write_row(r, 0, line)
        book.close()
        data = buffer.getvalue()
    return FileStorage(io.BytesIO(data), filename=f"hours.{fmt}"), len(data)


def import_sheet(coordinator_id: int, org_id: int, rows: int):
    from marketplace.auth.models import User
    from marketplace.orgs.models import Organisation
    from marketplace.platform.extensions import db
    from marketplace.timebank.imports import service as imports

    coordinator, org = db.session.get(User, coordinator_id), db.session.get(Organisation, org_id)
    today = datetime.now(ZONE).date()
    upload, size = sheet(rows, today - timedelta(days=3), "csv")
    started = time.perf_counter()
    batch = imports.check_import(coordinator, org, "bench csv", upload)
    checked = time.perf_counter() - started
    assert batch.valid_rows == rows, (batch.valid_rows, rows)  # a wrong sheet would make the figures meaningless
    started = time.perf_counter()
    imports.confirm_import(coordinator, batch.id)
    posted = time.perf_counter() - started
    upload, xlsx_size = sheet(rows, today - timedelta(days=4), "xlsx")
    started = time.perf_counter()
    imports.check_import(coordinator, org, "bench xlsx", upload)
    xlsx = time.perf_counter() - started
    return checked, posted, xlsx, size, xlsx_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with scratch_database() as url, make_app(url, JOBS_RUN_INLINE=True).app_context():
        coordinator_id, org_id = seed(args.rows)
        count, approving = approve_all(coordinator_id)
        print(f"Time bank on PostgreSQL, {args.rows:,} volunteers, one process")
        print(f"(a) approve attendance, one transaction each: {count:,} in {approving:.1f} s = "
              f"{count / approving:,.0f} rows/s")
        checked, posted, xlsx, size, xlsx_size = import_sheet(coordinator_id, org_id, args.rows)
        rows = args.rows
        print(f"(b) import a {rows:,}-row CSV ({size / 1024:,.0f} KiB): check {checked:.1f} s = "
              f"{rows / checked:,.0f} rows/s; confirm (post) {posted:.1f} s = {rows / posted:,.0f} rows/s; "
              f"together {rows / (checked + posted):,.0f} rows/s")
        print(f"(c) check the same sheet as XLSX ({xlsx_size / 1024:,.0f} KiB): {xlsx:.1f} s = "
              f"{rows / xlsx:,.0f} rows/s")


if __name__ == "__main__":
    main()
