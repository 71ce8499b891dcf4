"""Who checks a statement of need: platform admins anywhere, a social-work station's staff in its own districts,
and nobody their own."""
from __future__ import annotations

import pytest

from marketplace.meals import people
from marketplace.platform.errors import NotFound


def test_a_station_checks_the_statements_of_its_own_districts_only(app, create_user, create_org):
    near, far, admin = create_user(), create_user(), create_user(admin=True)
    create_org("social_work_station", {near: "staff"}, district_id=1)
    create_org("social_work_station", {far: "staff"}, district_id=2, name_zh="远处社工站", name_en="Far Station")
    asker = create_user()
    statement = people.submit(asker, "between_jobs", "失业两个月", 1)
    assert [s.id for s in people.worklist(near)] == [statement.id]
    assert people.worklist(far) == []
    with pytest.raises(NotFound):
        people.verify(far, statement.id)
    assert [s.id for s in people.worklist(admin)] == [statement.id]
    assert people.verify(near, statement.id).status == "verified"


def test_nobody_checks_their_own_statement(app, create_user, create_org):
    worker = create_user()
    create_org("social_work_station", {worker: "staff"}, district_id=1)
    own = people.submit(worker, "intern", "实习没有工资", 1)
    assert people.worklist(worker) == []
    with pytest.raises(NotFound):
        people.verify(worker, own.id)
