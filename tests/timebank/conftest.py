"""Time-bank fixtures: a volunteer team with a coordinator, and activities to join."""
from datetime import timedelta

import pytest

from marketplace.timebank import service
from marketplace.timeutil import now_utc


@pytest.fixture
def team(create_user, create_org):
    """A volunteer team: .org, .coordinator, .other_coordinator (all verified users)."""
    coordinator, other = create_user(display_name="协调员"), create_user(display_name="另一位协调员")
    org = create_org("volunteer_team", {coordinator: "coordinator", other: "coordinator"}, name_zh="天河义工队")

    class Team:
        pass

    t = Team()
    t.org, t.coordinator, t.other_coordinator = org, coordinator, other
    return t


@pytest.fixture
def create_activity(team):
    """create_activity(starts_in=timedelta(days=2), hours=3, capacity=10, **fields)."""

    def make(starts_in=timedelta(days=2), hours=3, capacity=10, **fields):
        starts = now_utc().replace(microsecond=0) + starts_in
        values = dict(title="长者探访", description="陪伴独居长者", category="elderly_care", district_id=1,
                      address="天河区某街道", starts_at=starts, ends_at=starts + timedelta(hours=hours),
                      capacity=capacity, skills="")
        values.update(fields)
        return service.create_activity(team.coordinator, team.org, **values)

    return make
