"""The meal part of the access-policy and bad-input worlds (tests/test_access_policy.py, tests/test_bad_input.py):
a firm's store with its permits, quota and a reservation, a base with a blind box, a reward and an exchange.
Each piece of the domain adds the objects its routes name, returning their ids under the names of the routes'
parts (unique across the whole world)."""
from __future__ import annotations

from tests.meals.world_counter import counter_of
from tests.meals.world_people import people_of
from tests.meals.world_public import public_of
from tests.meals.world_stores import stores_of


def meals_of(create_org, people) -> dict:
    """Return the ids (and tokens) the meal routes name. `people` holds "org_admin" (made admin of a new firm
    that runs the store), "firm_member" (made a member of it, serving at its counter), "platform_admin"
    (checks permits), "social_worker" (staff of a social-work station: checks statements of need) and
    "volunteer" (someone who takes meals, with a verified statement of need)."""
    firm = create_org("firm", {people["org_admin"]: "admin", people["firm_member"]: "member"})
    ids = stores_of(firm, people)
    ids |= people_of(ids, people)
    ids |= counter_of(ids, firm, people)
    ids |= public_of(ids, firm, people)
    return ids
