"""Sign-ups at once on PostgreSQL: places are never exceeded, the rest wait in order."""
import pytest
from sqlalchemy import select

from marketplace.platform.extensions import db
from marketplace.timebank.activities import service
from marketplace.timebank.care import service as care
from marketplace.timebank.models import Activity, Signup
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.test_care import ask, fund

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]


def test_thirty_volunteers_at_once_fill_ten_places_and_wait_for_the_rest(app, create_activity, create_user):
    activity = create_activity(capacity=10)
    people = [create_user().id for _ in range(30)]
    results = run_together(app, 30, lambda i: service.sign_up(activity.id, db.session.get(
        service.User, people[i])).status)
    assert sorted(results) == ["confirmed"] * 10 + ["waitlisted"] * 20, results
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).confirmed_count == 10
    confirmed = db.session.scalars(select(Signup).where(Signup.activity_id == activity.id,
                                                        Signup.status == "confirmed")).all()
    assert len(confirmed) == 10


def test_one_volunteer_takes_a_care_request_when_ten_try_at_once(app, team, create_user):
    requester = create_user()
    fund(requester, 300)
    request = ask(requester, team)
    helpers = [create_user().id for _ in range(10)]
    results = run_together(app, 10, lambda i: care.accept(request.id, db.session.get(
        service.User, helpers[i])).provider_id)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1 and all("already taken" in str(r) for r in results if not isinstance(r, int))
