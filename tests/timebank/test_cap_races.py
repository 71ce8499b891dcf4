"""Credits to one volunteer's day at the same moment on PostgreSQL — attendance and report approvals and
import postings, in any pairing — never together pass the daily cap, and imports confirmed together with
approvals of the same volunteers never deadlock."""
import pytest

from marketplace.auth.models import User
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports
from marketplace.timebank.imports import service as imports
from marketplace.timebank.imports.models import ImportBatch
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.conftest import CAP, saved

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS = 20


def _approve_attendance(attendance_id, reviewer_id):
    return lambda: service.approve_attendance(attendance_id, db.session.get(User, reviewer_id)).status


def _approve_report(report_id, reviewer_id):
    return lambda: reports.approve_report(report_id, db.session.get(User, reviewer_id)).status


def _post_import(batch_id, reviewer_id):
    return lambda: imports.confirm_import(db.session.get(User, reviewer_id), batch_id).status


def _race_each_day(app, volunteers, pairs):
    """Run each volunteer's pair of credits at once; check one of them was credited and the other refused."""
    for volunteer, (first, second) in zip(volunteers, pairs, strict=True):
        results = run_together(app, 2, lambda i, work=(first, second): work[i]())
        db.session.expire_all()
        assert not any(isinstance(r, Exception) and not isinstance(r, Conflict | InvalidInput) for r in results), \
            results
        assert saved(volunteer) == 60, f"both credits passed the cap of {CAP}: {results}"


def test_an_attendance_and_a_report_approved_at_once_stay_within_the_cap(app, team, create_user, attend,
                                                                        report_for):
    volunteers = [create_user() for _ in range(ROUNDS)]
    attended = attend(volunteers)
    reported = [report_for(v) for v in volunteers]
    _race_each_day(app, volunteers, [
        (_approve_attendance(a, team.coordinator.id), _approve_report(c, team.other_coordinator.id))
        for a, c in zip(attended, reported, strict=True)])


def test_two_reports_of_one_day_approved_at_once_stay_within_the_cap(app, team, create_user, report_for):
    volunteers = [create_user() for _ in range(ROUNDS)]
    _race_each_day(app, volunteers, [
        (_approve_report(report_for(v), team.coordinator.id), _approve_report(report_for(v), team.other_coordinator.id))
        for v in volunteers])


def test_an_import_and_an_approval_at_once_stay_within_the_cap(app, team, create_user, attend, report_for,
                                                               import_for):
    volunteers = [create_user() for _ in range(ROUNDS)]
    attended = attend(volunteers[::2])
    reported = [report_for(v) for v in volunteers[1::2]]
    approvals = [_approve_attendance(a, team.other_coordinator.id) for a in attended] + \
                [_approve_report(c, team.other_coordinator.id) for c in reported]
    batches = [import_for([v], title=f"补录 {n}") for n, v in enumerate(volunteers[::2] + volunteers[1::2])]
    _race_each_day(app, volunteers[::2] + volunteers[1::2], [
        (_post_import(b, team.coordinator.id), approve) for b, approve in zip(batches, approvals, strict=True)])
    for batch_id in batches:  # a row refused at posting says why on the sheet's report
        batch = db.session.get(ImportBatch, batch_id)
        assert batch.status == "posted"
        if batch.valid_rows == 0:
            assert [e["code"] for row in imports.rows_of(batch)[0] for e in row.errors] == ["over_cap"]


def test_imports_of_the_same_volunteers_in_opposite_orders_with_approvals_alongside_never_deadlock(
        app, team, create_user, attend, import_for):
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = 24 * 60
    volunteers = [create_user() for _ in range(8)]
    for round_ in range(5):
        attended = attend(volunteers, minutes=1)
        forward = import_for(volunteers, minutes=1, title=f"round {round_} forward")
        backward = import_for(volunteers[::-1], minutes=2, title=f"round {round_} backward")
        work = [_post_import(forward, team.coordinator.id), _post_import(backward, team.other_coordinator.id)] + \
               [_approve_attendance(a, team.coordinator.id) for a in attended[::3]]
        results = run_together(app, len(work), lambda i, work=work: work[i]())
        assert results == ["posted", "posted"] + ["approved"] * len(attended[::3]), results
    db.session.expire_all()
    assert all(saved(v) == 5 * 3 + (5 if n % 3 == 0 else 0) for n, v in enumerate(volunteers))
