"""The reports page and its downloads, as a coordinator and staff use them: figures on screen with a chart
and totals, CSV/XLSX/PDF that open with real numbers, dates and Chinese, bad filters kept as typed."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reports import pdf
from marketplace.reports.filters import Filters
from marketplace.reports.tables import Column, Table


def _period(days=200):
    today = local_today()
    return {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}


def test_the_page_shows_the_table_its_totals_and_a_chart(client, auth, hours_world):
    auth.login(hours_world.team.coordinator.email)
    response = client.get("/reports/", query_string={"report": "hours-by-volunteer", **_period()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "<th scope=\"row\">二妹</th><td>1</td><td>1 h 30 min</td>" in page
    assert 'data-total="minutes">5 h</td>' in page
    assert "data-chart=" in page and "js/charts.js" in page and "<script>" not in page
    for fmt in ("csv", "xlsx", "pdf"):
        assert f"/reports/export.{fmt}?" in page
    assert "Gifts by fund" not in page  # a coordinator has no gift reports


def test_a_bad_filter_is_shown_again_as_typed_with_what_to_correct(client, auth, hours_world):
    auth.login(hours_world.team.coordinator.email)
    for path in ("/reports/", "/reports/export.pdf"):
        response = client.get(path, query_string={"start": "2026年13月1日", "end": "<b>x</b>", "org": "99"})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert 'value="2026年13月1日"' in page and 'value="&lt;b&gt;x&lt;/b&gt;"' in page
        assert page.count("Enter a date such as 2026-12-05, 2026/12/5 or 2026年12月5日.") == 2
        assert "Choose an organisation from the list." in page


def test_others_are_refused(client, auth, hours_world, gifts_world, create_user):
    assert client.get("/reports/").status_code == 302  # log in first
    for user in (hours_world.a, gifts_world.outsider, create_user(admin=True)):
        auth.login(user.email)
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/export.csv").status_code == 403
        auth.logout()
    auth.login(hours_world.team.coordinator.email)
    refused = client.get("/reports/export.csv", query_string={"report": "gifts-by-fund"})
    assert refused.status_code == 422 and "Choose a report from the list." in refused.get_data(as_text=True)


def test_the_organisation_page_links_its_reports_for_coordinators_only(client, auth, hours_world):
    org = hours_world.team.org
    auth.login(hours_world.team.coordinator.email)
    assert f"/reports/?org={org.id}" in client.get(f"/orgs/{org.id}").get_data(as_text=True)
    auth.logout()
    auth.login(hours_world.a.email)
    assert "/reports/" not in client.get(f"/orgs/{org.id}").get_data(as_text=True)


def test_csv_is_utf8_with_a_bom_escaped_and_totalled(client, auth, hours_world):
    hours_world.a.display_name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    auth.login(hours_world.team.coordinator.email)
    response = client.get("/reports/export.csv", query_string={"report": "hours-by-volunteer", **_period()})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Volunteer", "Times credited", "Hours", "Minutes", "Last served"]
    assert ["二妹", "1", "1.50", "90", hours_world.old_day.isoformat()] in rows
    assert any(row[0] == "'=HYPERLINK(\"http://x\")" for row in rows)
    assert rows[-1] == ["Total", "5", "5.00", "300", ""]


def test_xlsx_holds_real_dates_and_numbers(client, auth, hours_world, gifts_world):
    auth.login(hours_world.team.coordinator.email)
    response = client.get("/reports/export.xlsx", query_string={"report": "hours-by-month", **_period()})
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Month", "Volunteers", "Hours", "Minutes")
    month = hours_world.served_day.replace(day=1)
    served = next(r for r in rows[1:] if isinstance(r[0], datetime) and r[0].date() == month)
    assert served[2:] == (3.5, 210) and sheet.cell(2, 1).number_format == "yyyy-mm"
    assert rows[-1] == ("Total", None, 5, 300)
    auth.logout()
    auth.login(gifts_world.staff.email)
    response = client.get("/reports/export.xlsx", query_string={"report": "gifts-by-fund", **_period(60)})
    book = load_workbook(io.BytesIO(response.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][2:] == ("Gifts", "Received (yuan)", "Refunded (yuan)", "Net (yuan)")
    assert ("General Fund", "GZ Charity", 2, 150, 50, 100) in rows
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert about["From"].date() == date.fromisoformat(_period(60)["start"])


def test_the_pdf_is_one_page_in_chinese(client, auth, hours_world):
    coordinator = hours_world.team.coordinator
    coordinator.locale = "zh_CN"
    db.session.commit()
    auth.login(coordinator.email)
    for report in ("hours-by-volunteer", "hours-by-month", "inactive-volunteers"):
        response = client.get("/reports/export.pdf", query_string={"report": report, **_period()})
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        pdf = PdfReader(io.BytesIO(response.data))
        text = pdf.pages[0].extract_text()
        assert len(pdf.pages) == 1
        assert "天河义工队" in text and ("二妹" in text or report == "hours-by-month")


def test_the_pdf_stays_on_one_page_however_many_and_long_the_rows(app, create_org):
    org = create_org("volunteer_team", name_zh="很长名字的志愿服务队" * 8)
    columns = [Column("volunteer", "志愿者"), Column("minutes", "时长", "minutes")]
    table = Table("hours-by-volunteer", "按志愿者统计时长", columns, [("非常长的名字" * 20, n) for n in range(5_000)])
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        data = pdf.render(table, Filters("hours-by-volunteer", [org], date(2026, 1, 1), date(2026, 12, 1)))
    document = PdfReader(io.BytesIO(data))
    text = document.pages[0].extract_text()
    assert len(document.pages) == 1
    assert "非常长的名字" in text and "完整内容见 CSV 和 XLSX 下载" in text  # the rest is left to the downloads
