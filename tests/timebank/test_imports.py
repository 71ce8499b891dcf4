"""Bulk import of offline hours: every rule in the per-row report, nothing posted before the
coordinator confirms, confirming posts once, CSV and XLSX in either language, 10,000 rows."""
import csv
import io
import json
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import xlsxwriter
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from marketplace.auth.models import User
from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.imports import rules as import_rules
from marketplace.timebank.imports import service as imports
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Attendance

ZONE = ZoneInfo("Asia/Shanghai")
EN = ("email", "date", "start time", "end time", "minutes", "description")
ZH = ("邮箱", "日期", "开始时间", "结束时间", "分钟", "说明")


def today():
    return now_utc().astimezone(ZONE).date()


def sheet(*rows, header=EN, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name="hours.csv") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def codes(batch) -> dict[int, list[str]]:
    rows = db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id))
    return {r.row_number: [e["code"] for e in r.errors] for r in rows}


def imported_entries() -> int:
    return db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "hours.import"))


def saved(user) -> int:
    return ledger.balance(savings_account(user)).posted


@pytest.fixture
def volunteers(create_user):
    return [create_user(email=f"v{n}@example.org") for n in range(1, 4)]


@pytest.fixture
def approved(create_activity):
    """approved(volunteer, day, start="09:00", minutes=120): approved attendance on a past day."""

    def make(volunteer, day, start="09:00", minutes=120):
        activity = create_activity()
        begins = datetime.combine(day, datetime.strptime(start, "%H:%M").time(), ZONE).astimezone(UTC)
        activity.starts_at, activity.ends_at = begins, begins + timedelta(minutes=minutes)
        db.session.add(Attendance(activity_id=activity.id, user_id=volunteer.id, checked_in_at=begins,
                                  checked_out_at=begins + timedelta(minutes=minutes), status="approved",
                                  minutes_granted=minutes))
        db.session.commit()

    return make


def test_valid_rows_wait_for_confirmation_and_post_once(team, volunteers):
    day = (today() - timedelta(days=2)).isoformat()
    data = sheet((volunteers[0].email, day, "09:00", "11:30", "", "河涌清洁"),
                 (volunteers[1].email.upper(), day, "", "", "45", ""))
    batch = imports.check_import(team.coordinator, team.org, "河涌清洁", upload(data))
    assert (batch.status, batch.total_rows, batch.valid_rows) == ("checked", 2, 2)
    assert codes(batch) == {2: [], 3: []}
    assert saved(volunteers[0]) == 0 and imported_entries() == 0  # nothing before confirming
    imports.confirm_import(team.other_coordinator, batch.id)
    imports.confirm_import(team.other_coordinator, batch.id)  # a second click posts nothing more
    assert (saved(volunteers[0]), saved(volunteers[1])) == (150, 45)
    assert imported_entries() == 2 and batch.status == "posted" and batch.done_rows == 2
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "hours.import").limit(1))
    assert entry.memo == "河涌清洁" and entry.effective_date.isoformat() == day


def test_every_rule_is_reported_per_row(team, volunteers, approved, app):
    v1, v2, v3 = (v.email for v in volunteers)
    day = today() - timedelta(days=3)
    approved(volunteers[2], day, "09:00", 120)
    d = day.isoformat()
    data = sheet(
        (v1, d, "09:00", "11:00", "", "清洁"),  # 2: valid
        ("nobody@example.org", d, "09:00", "10:00", "", ""),  # 3
        (team.coordinator.email, d, "09:00", "10:00", "", ""),  # 4: the uploader's own hours
        ("", d, "09:00", "10:00", "", ""),  # 5
        (v2, "", "09:00", "10:00", "", ""),  # 6
        (v2, "2026-02-30", "09:00", "10:00", "", ""),  # 7
        (v2, "08/03/2026", "09:00", "10:00", "", ""),  # 8
        (v2, (today() + timedelta(days=1)).isoformat(), "09:00", "10:00", "", ""),  # 9
        (v2, (today() - timedelta(days=400)).isoformat(), "09:00", "10:00", "", ""),  # 10
        (v2, d, "", "", "", ""),  # 11
        (v2, d, "09:00", "", "", ""),  # 12
        (v2, d, "25:00", "26:00", "", ""),  # 13
        (v2, d, "11:00", "10:00", "", ""),  # 14
        (v2, d, "", "", "abc", ""),  # 15
        (v2, d, "", "", "0", ""),  # 16
        (v2, d, "09:00", "10:00", "90", ""),  # 17
        (v2, d, "", "", "30", "长" * 301),  # 18
        (v1, d, "09:00", "11:00", "", "清洁"),  # 19: the same as row 2
        (v1, d, "10:30", "12:00", "", "别的"),  # 20: overlaps row 2
        (v3, d, "09:30", "10:00", "", ""),  # 21: overlaps v3's approved attendance
        (v3, d, "", "", "601", ""),  # 22: 120 approved + 601 passes the 720-minute cap
        (v3, d, "", "", "600", ""),  # 23: exactly the cap
    )
    batch = imports.check_import(team.coordinator, team.org, "sheet", upload(data))
    assert codes(batch) == {
        2: [], 3: ["unknown_volunteer"], 4: ["own_hours"], 5: ["missing_email"], 6: ["missing_date"],
        7: ["bad_date"], 8: ["bad_date"], 9: ["future_date"], 10: ["old_date"], 11: ["missing_time"],
        12: ["missing_time"], 13: ["bad_time"], 14: ["end_before_start"], 15: ["bad_minutes"], 16: ["bad_minutes"],
        17: ["minutes_over_span"], 18: ["long_description"], 19: ["duplicate"], 20: ["overlap_row"],
        21: ["overlap_attendance"], 22: ["over_cap"], 23: []}
    assert batch.valid_rows == 2
    rows = {r.row_number: r for r in db.session.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id))}
    json.dumps([r.errors for r in rows.values()])  # plain JSON: codes and numbers, no lazy strings
    assert import_rules.describe(rows[19].errors[0]) == "The same as row 2."
    assert import_rules.describe(rows[21].errors[0]) == "Overlaps approved attendance at “长者探访”."
    assert import_rules.describe(rows[22].errors[0]) == (
        "Passes the daily cap of 720 minutes; at most 600 more minutes that day.")
    assert rows[18].description == "长" * 300 and rows[23].minutes == 600


def test_a_sheet_imported_before_is_refused_row_by_row(team, volunteers):
    data = sheet((volunteers[0].email, (today() - timedelta(days=1)).isoformat(), "", "", "60", "探访"))
    first = imports.check_import(team.coordinator, team.org, "first", upload(data))
    imports.confirm_import(team.coordinator, first.id)
    again = imports.check_import(team.coordinator, team.org, "again", upload(data))
    assert codes(again) == {2: ["already_imported"]}
    with pytest.raises(Conflict, match="No row is valid"):
        imports.confirm_import(team.coordinator, again.id)
    assert saved(volunteers[0]) == 60


def test_confirming_re_checks_the_cap_against_hours_approved_since(team, volunteers, approved):
    day = today() - timedelta(days=1)
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, day.isoformat(), "", "", "300", ""),
        (volunteers[1].email, day.isoformat(), "", "", "300", ""))))
    approved(volunteers[0], day, "08:00", 600)  # approved after the check
    imports.confirm_import(team.coordinator, batch.id)
    assert codes(batch) == {2: ["over_cap"], 3: []}
    assert (saved(volunteers[0]), saved(volunteers[1])) == (0, 300) and batch.valid_rows == 1


def test_xlsx_with_chinese_headers_and_real_date_cells(team, volunteers):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet_ = book.add_worksheet("工时")
    sheet_.write_row(0, 0, ZH)
    day = datetime.combine(today() - timedelta(days=5), datetime.min.time())
    date_format, time_format = book.add_format({"num_format": "yyyy-mm-dd"}), book.add_format({"num_format": "hh:mm"})
    sheet_.write_string(1, 0, volunteers[0].email)
    sheet_.write_datetime(1, 1, day, date_format)
    sheet_.write_datetime(1, 2, datetime(1899, 12, 31, 9, 0), time_format)  # an Excel time-of-day cell
    sheet_.write_string(1, 3, "10:15")
    sheet_.write_string(1, 5, "社区探访")
    sheet_.write_string(2, 0, volunteers[1].email)
    sheet_.write_string(2, 1, (today() - timedelta(days=5)).strftime("%Y/%m/%d"))
    sheet_.write_number(2, 4, 90)
    book.close()
    batch = imports.check_import(team.coordinator, team.org, "xlsx", upload(out.getvalue(), "工时.xlsx"))
    assert codes(batch) == {2: [], 3: []}
    minutes = dict(db.session.execute(select(ImportRow.row_number, ImportRow.minutes)
                                      .where(ImportRow.batch_id == batch.id)).all())
    assert minutes == {2: 75, 3: 90}


def test_gb18030_csv_from_excel_in_china(team, volunteers):
    data = sheet((volunteers[0].email, (today() - timedelta(days=1)).isoformat(), "", "", "30", "敬老院"),
                 header=ZH, encoding="gb18030")
    batch = imports.check_import(team.coordinator, team.org, "gbk", upload(data))
    assert batch.valid_rows == 1
    assert db.session.scalar(select(ImportRow.description).where(ImportRow.batch_id == batch.id)) == "敬老院"


@pytest.mark.parametrize("data,message", [
    (None, "Choose a CSV or XLSX file"),
    (b"x" * (5 * 1024 * 1024 + 1), "too large"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "could not be read"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Old .xls"),
    (b"PK\x03\x04 not really a zip", "could not be read"),
    (b"", "no rows"),
    (sheet(), "no rows"),
    (b"name,when\nx,y\n", "must name the columns"),
    (b"email,date\na@example.org,2026-01-01\n", "must name the columns"),
    (sheet(*[("a@example.org", "2026-01-01", "", "", "5", "")] * 20_001), "more than 20,000 rows"),
])
def test_unusable_files_are_refused_whole_and_write_nothing(team, data, message):
    with pytest.raises(InvalidInput) as refused:
        imports.check_import(team.coordinator, team.org, "t", upload(data) if data is not None else None)
    assert message in str(refused.value.fields["upload"][0])
    assert db.session.scalar(select(func.count(ImportBatch.id))) == 0


def test_only_coordinators_import_or_confirm(team, volunteers, create_user, create_org):
    member = create_user()
    create_org(members={member: "coordinator"})  # a coordinator elsewhere is nobody here
    data = sheet((volunteers[0].email, (today() - timedelta(days=1)).isoformat(), "", "", "30", ""))
    with pytest.raises(NotFound):
        imports.check_import(member, team.org, "t", upload(data))
    batch = imports.check_import(team.coordinator, team.org, "t", upload(data))
    with pytest.raises(NotFound):
        imports.confirm_import(member, batch.id)
    assert saved(volunteers[0]) == 0


def test_templates_carry_headers_in_either_language_and_read_back(team, volunteers):
    assert imports.template("zh_CN", "csv").startswith("\ufeff邮箱,日期,开始时间,结束时间,分钟,说明".encode())
    assert imports.template("en", "csv").decode("utf-8-sig").startswith("email,date,start time")
    book = load_workbook(io.BytesIO(imports.template("zh_CN", "xlsx")), read_only=True)
    assert [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))] == list(ZH)
    book.close()
    filled = imports.template("en", "csv") + f"{volunteers[0].email},{today().isoformat()},08:00,09:00,,\r\n".encode()
    assert imports.check_import(team.coordinator, team.org, "t", upload(filled)).valid_rows == 1


def test_large_sheets_are_checked_and_posted_by_a_job_with_progress(team, volunteers, monkeypatch):
    calls = []
    monkeypatch.setattr(imports, "JOB_ROWS", 2)
    monkeypatch.setattr("marketplace.platform.jobs.resolve", lambda path: calls.append(path) or _resolve(path))
    day = today() - timedelta(days=1)
    data = sheet(*[(v.email, day.isoformat(), "", "", "30", "") for v in volunteers])
    batch = imports.check_import(team.coordinator, team.org, "job", upload(data))
    assert (batch.status, batch.done_rows, batch.valid_rows) == ("checked", 3, 3)
    imports.confirm_import(team.coordinator, batch.id)
    assert (batch.status, batch.done_rows) == ("posted", 3) and imported_entries() == 3
    assert calls == ["marketplace.timebank.imports.service.run_check", "marketplace.timebank.imports.service.run_post"]


def _resolve(path):
    from importlib import import_module

    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def test_a_failed_posting_job_can_be_confirmed_again_and_posts_each_row_once(team, volunteers, monkeypatch):
    monkeypatch.setattr(imports, "JOB_ROWS", 2)
    day = today() - timedelta(days=1)
    batch = imports.check_import(team.coordinator, team.org, "job", upload(sheet(
        *[(v.email, day.isoformat(), "", "", "30", "") for v in volunteers])))
    real_post = ledger.post

    def flaky(lines, **kw):
        if kw["cause"].key.endswith(":4"):
            raise RuntimeError("database went away")
        return real_post(lines, **kw)

    monkeypatch.setattr(ledger, "post", flaky)
    with pytest.raises(RuntimeError):
        imports.confirm_import(team.coordinator, batch.id)
    db.session.refresh(batch)
    assert batch.status == "checked"
    monkeypatch.setattr(ledger, "post", real_post)
    imports.confirm_import(team.coordinator, batch.id)
    assert imported_entries() == 3 and [saved(v) for v in volunteers] == [30, 30, 30]


def test_ten_thousand_rows_are_checked_quickly(team):
    db.session.add_all([User(email=f"bulk{n}@example.org", password_hash="x", display_name="志愿者", locale="en")
                        for n in range(200)])
    db.session.commit()
    rows = [(f"bulk{n % 200}@example.org", (today() - timedelta(days=1 + n // 200)).isoformat(), "09:00", "10:30",
             "", "活动") for n in range(10_000)]
    started = time.perf_counter()
    batch = imports.check_import(team.coordinator, team.org, "big", upload(sheet(*rows)))
    elapsed = time.perf_counter() - started
    assert (batch.status, batch.total_rows, batch.done_rows, batch.valid_rows) == ("checked", 10_000, 10_000, 10_000)
    assert elapsed < 15, f"checking 10,000 rows took {elapsed:.1f} s"
    page, more = imports.rows_of(batch, after=9_000, limit=200)
    assert more and page[0].row_number == 9_001


# --- pages -------------------------------------------------------------------------------------

def test_coordinators_upload_read_the_report_and_confirm(client, auth, team, volunteers):
    auth.login(team.coordinator.email)
    path = f"/timebank/orgs/{team.org.id}/imports"
    assert "Upload and check" in client.get(path).get_data(as_text=True)
    day = (today() - timedelta(days=1)).isoformat()
    data = sheet((volunteers[0].email, day, "09:00", "10:00", "", "探访"), ("ghost@example.org", day, "", "", "5", ""))
    response = auth.post(path, {"title": "三月探访", "upload": (io.BytesIO(data), "hours.csv")}, form_page=path,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    report = client.get(response.location).get_data(as_text=True)
    assert "No active Goodhours account uses this email address." in report and 'data-figure="valid">1<' in report
    only_errors = client.get(response.location + "?errors=1").get_data(as_text=True)
    assert "ghost@example.org" in only_errors and volunteers[0].email not in only_errors
    batch = db.session.scalar(select(ImportBatch))
    auth.post(f"/timebank/imports/{batch.id}/confirm", form_page=response.location)
    assert saved(volunteers[0]) == 60
    assert "三月探访" in client.get(path).get_data(as_text=True)


def test_a_bad_upload_shows_the_message_on_the_form(client, auth, team):
    auth.login(team.coordinator.email)
    path = f"/timebank/orgs/{team.org.id}/imports"
    response = auth.post(path, {"title": "x", "upload": (io.BytesIO(b"name\nx\n"), "x.csv")}, form_page=path,
                         content_type="multipart/form-data")
    assert response.status_code == 422 and "must name the columns" in response.get_data(as_text=True)


def test_a_running_import_shows_a_progress_bar_and_refreshes_itself(client, auth, team, volunteers):
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, today().isoformat(), "", "", "5", ""))))
    batch.status, batch.done_rows = "checking", 0
    db.session.commit()
    auth.login(team.coordinator.email)
    page = client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)
    assert '<progress id="import-progress" max="1" value="0">' in page and 'http-equiv="refresh"' in page
    batch.status = "checked"
    db.session.commit()
    assert 'http-equiv="refresh"' not in client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)


@pytest.mark.parametrize("locale,first", [("zh_CN", "邮箱"), ("en", "email")])
def test_templates_download_in_the_users_language(client, auth, team, locale, first):
    team.coordinator.locale = locale
    db.session.commit()
    auth.login(team.coordinator.email)
    response = client.get(f"/timebank/orgs/{team.org.id}/imports/template.csv")
    assert response.data.decode("utf-8-sig").startswith(first)
    assert "attachment" in response.headers["Content-Disposition"]
    response = client.get(f"/timebank/orgs/{team.org.id}/imports/template.xlsx")
    assert response.data.startswith(b"PK") and response.mimetype.endswith("spreadsheetml.sheet")


def test_non_coordinators_find_nothing(client, auth, team, volunteers):
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, today().isoformat(), "", "", "5", ""))))
    auth.login(volunteers[0].email)
    for path in (f"/timebank/orgs/{team.org.id}/imports", f"/timebank/orgs/{team.org.id}/imports/template.xlsx",
                 f"/timebank/imports/{batch.id}"):
        assert client.get(path).status_code == 404, path
    assert auth.post(f"/timebank/imports/{batch.id}/confirm").status_code == 404
    assert saved(volunteers[0]) == 0


class _Deadlock(Exception):
    sqlstate = "40P01"


def _deadlocking(monkeypatch, times):
    """Make the next `times` import postings fail as PostgreSQL fails a deadlock victim."""
    from sqlalchemy.exc import OperationalError

    real, left = ledger.post, [times]

    def post(*args, **kwargs):
        if left[0]:
            left[0] -= 1
            raise OperationalError("SELECT ledger_write_entry(...)", {}, _Deadlock("deadlock detected"))
        return real(*args, **kwargs)

    monkeypatch.setattr(imports.ledger, "post", post)


def test_a_deadlocked_confirm_is_retried_and_posts_once(team, volunteers, monkeypatch):
    day = (today() - timedelta(days=1)).isoformat()
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, day, "", "", "30", ""), (volunteers[1].email, day, "", "", "40", ""))))
    _deadlocking(monkeypatch, 2)
    assert imports.confirm_import(team.coordinator, batch.id).status == "posted"
    assert (saved(volunteers[0]), saved(volunteers[1])) == (30, 40) and imported_entries() == 2


def test_an_import_that_keeps_deadlocking_says_so_and_can_be_confirmed_again(team, volunteers, monkeypatch,
                                                                            client):
    from marketplace.platform.transactions import Busy
    from tests.conftest import AuthActions

    day = (today() - timedelta(days=1)).isoformat()
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, day, "", "", "30", ""),)))
    _deadlocking(monkeypatch, 100)
    with pytest.raises(Busy):
        imports.confirm_import(team.coordinator, batch.id)
    db.session.expire_all()
    assert batch.status == "checked" and batch.problem == "busy" and imported_entries() == 0
    AuthActions(client).login(team.coordinator.email)
    page = client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)
    assert "Nothing was posted. Confirm again to retry." in page
    monkeypatch.undo()
    assert imports.confirm_import(team.coordinator, batch.id).status == "posted"
    db.session.expire_all()
    assert batch.problem == "" and saved(volunteers[0]) == 30
    assert "Confirm again" not in client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)


def _stuck(batch, status, silent_for):
    db.session.execute(ImportBatch.__table__.update().where(ImportBatch.id == batch.id).values(
        status=status, heartbeat_at=now_utc() - silent_for))
    db.session.commit()
    db.session.expire_all()


def test_a_posting_whose_worker_died_is_found_within_a_minute_and_can_be_confirmed_again(
        team, volunteers, client, runner):
    from tests.conftest import AuthActions

    day = (today() - timedelta(days=1)).isoformat()
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, day, "", "", "30", ""), (volunteers[1].email, day, "", "", "40", ""))))
    _stuck(batch, "posting", timedelta(seconds=20))  # still beating: left alone
    assert runner.invoke(args=["jobs", "sweep"]).output.strip() == "Handled 0 stuck job(s)."
    _stuck(batch, "posting", timedelta(seconds=60))  # the worker was killed a minute ago
    assert runner.invoke(args=["jobs", "sweep"]).output.strip() == "Handled 1 stuck job(s)."
    db.session.expire_all()
    assert (batch.status, batch.problem) == ("checked", "post_stopped")
    AuthActions(client).login(team.coordinator.email)
    page = client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)
    assert "Posting stopped because the worker doing it stopped" in page and "Confirm and post" in page
    assert imports.confirm_import(team.coordinator, batch.id).status == "posted"
    assert (saved(volunteers[0]), saved(volunteers[1])) == (30, 40)


def test_a_check_whose_worker_died_fails_with_a_message(team, volunteers, client):
    from marketplace.platform import worker
    from tests.conftest import AuthActions

    day = (today() - timedelta(days=1)).isoformat()
    batch = imports.check_import(team.coordinator, team.org, "x", upload(sheet(
        (volunteers[0].email, day, "", "", "30", ""),)))
    _stuck(batch, "checking", timedelta(minutes=5))
    assert worker.work_once() == (0, 1)
    db.session.expire_all()
    assert (batch.status, batch.problem) == ("failed", "check_stopped") and codes(batch) == {}
    AuthActions(client).login(team.coordinator.email)
    page = client.get(f"/timebank/imports/{batch.id}").get_data(as_text=True)
    assert "Checking stopped because the worker doing it stopped. Upload the sheet again." in page
