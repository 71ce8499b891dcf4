"""Visits (探访台账): recording with findings and needs, the due list, and volunteers' hours through the one
review of hours."""
from datetime import timedelta

import pytest

from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import visits
from marketplace.referrals.models import Referral, Visit, VisitVisitor
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.models import HourReport


def _visit(care, who, household, **fields):
    values = dict(visited_on=local_today(), mode="home", minutes=45, living="独居，生活能自理")
    values.update(fields)
    return visits.record_visit(who, household.beneficiary_id, **values)


def test_a_visit_with_a_need_found_makes_a_referral_waiting_for_dispatch_in_one_step(care):
    visit = _visit(care, care.station.worker, care.home, needs=[
        {"need_kind": "medical", "urgency": "urgent", "description": "需要陪同复诊"},
        {"need_kind": "", "urgency": "normal", "description": ""}])  # an empty row is skipped
    referral = db.session.query(Referral).filter_by(visit_id=visit.id).one()
    assert referral.status == "new" and referral.source == "visit" and referral.urgency == "urgent"
    assert care.home.open_referrals == 1
    assert care.home.last_visited_on == local_today()
    assert care.home.visit_due_on == local_today() + timedelta(days=7)
    assert [v.user_id for v in visit.visitors] == [care.station.worker.id]
    assert visit.visitors[0].hour_report_id is None  # staff of the household's organisation earn no hours


def test_a_future_day_no_findings_and_a_stranger_as_visitor_are_refused_whole(care):
    with pytest.raises(InvalidInput) as error:
        _visit(care, care.station.worker, care.home, visited_on=local_today() + timedelta(days=1), living="",
               mode="drone", minutes=-5, visitors=[care.charity_staff.id])
    assert set(error.value.fields) == {"visited_on", "mode", "minutes", "visitors", "living"}
    with pytest.raises(InvalidInput) as error:
        _visit(care, care.station.worker, care.home, living=" ", needs=[{"need_kind": "x", "description": "y"}])
    assert set(error.value.fields) == {"living"}
    with pytest.raises(InvalidInput) as error:
        _visit(care, care.station.worker, care.home, needs=[{"need_kind": "x", "description": "y"}])
    assert set(error.value.fields) == {"needs-0-need_kind"}
    db.session.rollback()
    assert db.session.query(Visit).count() == 0 and db.session.query(Referral).count() == 0


def test_only_those_who_may_read_the_household_record_or_read_visits(care):
    with pytest.raises(NotFound):
        _visit(care, care.charity_staff, care.home)
    with pytest.raises(NotFound):
        _visit(care, care.volunteer, care.family)  # assigned to .home only
    visit = _visit(care, care.officer, care.home, minutes=30)
    assert visits.get_visit(care.volunteer, visit.id) is visit
    assert visit.visitors[0].hour_report_id is None  # the district officer visits as work, not as a volunteer
    with pytest.raises(NotFound):
        visits.get_visit(care.charity_staff, visit.id)


def test_a_volunteers_visit_credits_hours_once_a_coordinator_approves(care):
    visit = _visit(care, care.volunteer, care.home, minutes=90, visitors=[care.station.worker.id])
    links = {v.user_id: v for v in visit.visitors}
    report = db.session.get(HourReport, links[care.volunteer.id].hour_report_id)
    assert links[care.station.worker.id].hour_report_id is None
    assert report.status == "pending" and report.minutes == 90 and report.organisation_id == care.station.org.id
    assert "青禾12" in report.description and local_today().isoformat() in report.description
    assert report.evidence_path == ""
    assert report in reports.pending_reports(care.station.org, care.station.admin)  # the one queue
    before = savings.savings(care.volunteer).posted
    reports.approve_report(report.id, care.station.admin)
    assert savings.savings(care.volunteer).posted == before + 90


def test_a_rejected_visit_report_credits_nothing(care):
    visit = _visit(care, care.station.worker, care.home, minutes=60, visitors=[care.volunteer.id])
    link = db.session.get(VisitVisitor, (visit.id, care.volunteer.id))
    before = savings.savings(care.volunteer).posted
    reports.reject_report(link.hour_report_id, care.station.admin, "没有去")
    assert savings.savings(care.volunteer).posted == before


def test_an_earlier_visit_recorded_late_does_not_move_the_due_day_back(care):
    _visit(care, care.station.worker, care.home)
    _visit(care, care.station.worker, care.home, visited_on=local_today() - timedelta(days=20))
    assert care.home.last_visited_on == local_today()


def test_the_due_list_puts_the_most_overdue_first_and_only_the_users_households(care):
    today = local_today()
    _visit(care, care.station.worker, care.home, visited_on=today - timedelta(days=10), minutes=0)
    _visit(care, care.station.worker, care.family, visited_on=today - timedelta(days=29), minutes=0)
    worker_rows = visits.due_for(care.station.worker)  # social worker of both
    assert [r.care.beneficiary_id for r in worker_rows] == [care.home.beneficiary_id, care.family.beneficiary_id]
    assert [r.days_late for r in worker_rows] == [3, -1]
    assert [r.care.beneficiary_id for r in visits.due_for(care.volunteer)] == [care.home.beneficiary_id]
    assert visits.due_for(care.charity_staff) == []
