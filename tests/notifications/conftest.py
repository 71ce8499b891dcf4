"""Notifications fixtures: the time-bank team, the wishes station and its funds, borrowed from their domains,
and `told(user)`: the kinds of notification a person has, oldest first."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db
from tests.funds import conftest as funds_fixtures
from tests.timebank import conftest as timebank_fixtures
from tests.wishes import conftest as wishes_fixtures

team, create_activity, capped, attend, report_for = (
    timebank_fixtures.team, timebank_fixtures.create_activity, timebank_fixtures.capped, timebank_fixtures.attend,
    timebank_fixtures.report_for)
station, create_household, create_listing = (wishes_fixtures.station, wishes_fixtures.create_household,
                                             wishes_fixtures.create_listing)
give, create_fund, upload, app_config = (funds_fixtures.give, funds_fixtures.create_fund, funds_fixtures.upload,
                                         funds_fixtures.app_config)  # a second person approves above ¥1,000


def notifications_of(user) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


@pytest.fixture
def told():
    """told(user) -> the kinds of the person's notifications, oldest first."""
    return lambda user: [n.kind for n in notifications_of(user)]
