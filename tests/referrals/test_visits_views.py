"""Visit pages: the due list, recording a visit on a phone (what was typed kept on errors), a household's
history, one visit, and the monthly comparison with its downloads."""
import io
from datetime import timedelta

import openpyxl
from pypdf import PdfReader

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import visits
from marketplace.referrals.models import Referral, Visit
from tests.referrals.conftest import PRIVATE


def _form(**fields):
    data = {"visited_on": local_today().isoformat(), "mode": "home", "minutes": "40", "living": "生活能自理",
            "needs-0-need_kind": "medical", "needs-0-urgency": "urgent", "needs-0-description": "需要轮椅",
            "needs-1-need_kind": "", "needs-1-urgency": "normal", "needs-1-description": ""}
    data.update(fields)
    return data


def test_a_visitor_records_a_visit_from_the_due_list_and_the_need_waits_for_dispatch(care, client, auth):
    visits.record_visit(care.station.worker, care.home.beneficiary_id, visited_on=local_today() - timedelta(days=9),
                        mode="home", minutes=0, living="正常")
    auth.login(care.volunteer.email)
    due = client.get("/referrals/due")
    assert due.status_code == 200 and "青禾12" in due.get_data(as_text=True)
    assert f"/referrals/households/{care.home.beneficiary_id}/visits/new" in due.get_data(as_text=True)
    page = f"/referrals/households/{care.home.beneficiary_id}/visits/new"
    assert client.get(page).status_code == 200
    response = auth.post(page, _form(visitors=str(care.station.worker.id)), form_page=page)
    assert response.status_code == 302
    visit = db.session.query(Visit).order_by(Visit.id.desc()).first()
    assert response.location.endswith(f"/referrals/visits/{visit.id}")
    referral = db.session.query(Referral).filter_by(visit_id=visit.id).one()
    assert referral.status == "new" and referral.description == "需要轮椅"
    shown = client.get(response.location).get_data(as_text=True)
    # a visitor reads the household's record, not the notes of its referrals: its managers do
    assert "需要轮椅" not in shown and "生活能自理" in shown
    auth.login(care.station.worker.email)
    assert "需要轮椅" in client.get(response.location).get_data(as_text=True)
    auth.login(care.volunteer.email)
    history = client.get(f"/referrals/households/{care.home.beneficiary_id}/visits").get_data(as_text=True)
    assert history.index(local_today().isoformat()[:4]) >= 0 and "生活能自理" in history
    assert "青禾12" not in client.get("/referrals/due").get_data(as_text=True).split("<h2")[0]  # no longer due


def test_a_future_day_is_refused_and_what_was_typed_is_kept(care, client, auth):
    auth.login(care.volunteer.email)
    page = f"/referrals/households/{care.home.beneficiary_id}/visits/new"
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = auth.post(page, _form(visited_on=tomorrow, living="厨房漏水", **{"needs-0-need_kind": "x"}),
                         form_page=page)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "厨房漏水" in body and "需要轮椅" in body and tomorrow in body
    assert db.session.query(Visit).count() == 0 and db.session.query(Referral).count() == 0


def test_someone_not_allowed_gets_404(care, client, auth):
    visit = visits.record_visit(care.station.worker, care.home.beneficiary_id, visited_on=local_today(), mode="home",
                                minutes=0, living="正常")
    auth.login(care.charity_staff.email)
    for path in (f"/referrals/households/{care.home.beneficiary_id}/visits/new", f"/referrals/visits/{visit.id}",
                 f"/referrals/households/{care.home.beneficiary_id}/visits"):
        assert client.get(path).status_code == 404
    assert auth.post(f"/referrals/households/{care.home.beneficiary_id}/visits/new", _form()).status_code == 404
    auth.logout()
    auth.login(care.volunteer.email)
    assert client.get("/referrals/comparison").status_code == 403
    assert client.get("/referrals/comparison.xlsx").status_code == 403


def test_the_comparison_page_and_downloads_list_missed_households_without_private_data(care, client, auth):
    auth.login(care.officer.email)
    page = client.get("/referrals/comparison?district=1")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "青禾12" in body and "青禾13" in body
    assert f"/referrals/households/{care.home.beneficiary_id}/visits/new" in body
    xlsx = client.get(f"/referrals/comparison.xlsx?district=1&month={local_today():%Y-%m}")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True)
    cells = " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)
    pdf = client.get("/referrals/comparison.pdf?district=1")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "青禾12" in cells and "青禾12" in text
    for secret in PRIVATE.values():
        assert secret not in body and secret not in cells and secret not in text
    visits.record_visit(care.station.worker, care.home.beneficiary_id, visited_on=local_today(), mode="video",
                        minutes=0, health="好")
    assert "青禾12" not in client.get("/referrals/comparison?district=1").get_data(as_text=True)


def test_bad_comparison_filters_fall_back_with_a_message(care, client, auth):
    auth.login(care.officer.email)
    for query in ("month=2999-01", "month=abc", "district=77", "community=x", "community=99999"):
        response = client.get(f"/referrals/comparison?{query}")
        assert response.status_code == 200, query
        assert 'role="alert"' in response.get_data(as_text=True), query


def test_a_visit_report_in_the_coordinators_queue_has_no_file_to_download(care, client, auth):
    visit = visits.record_visit(care.volunteer, care.home.beneficiary_id, visited_on=local_today(), mode="home",
                                minutes=50, living="正常")
    report_id = visit.visitors[0].hour_report_id
    auth.login(care.station.admin.email)
    queue = client.get(f"/timebank/orgs/{care.station.org.id}/hour-reports")
    assert queue.status_code == 200 and "青禾12" in queue.get_data(as_text=True)
    assert client.get(f"/timebank/hour-reports/{report_id}/evidence").status_code == 404  # not a server error


def test_the_household_include_shows_findings_only_to_those_who_may_read_the_household(care, app):
    from flask import g, render_template_string

    visits.record_visit(care.station.worker, care.home.beneficiary_id, visited_on=local_today(), mode="phone",
                        minutes=0, housing="屋顶漏水")
    page = '{% include "referrals/_household_visits.html" %}'
    with app.test_request_context("/"):
        g.user = care.volunteer
        assert "屋顶漏水" in render_template_string(page, care=care.home)
        g.user = care.charity_staff  # say a page let them see the household: the days only
        shown = render_template_string(page, care=care.home)
        assert "屋顶漏水" not in shown and "社工小陈" not in shown and "/referrals/visits/" not in shown
