"""Exchange fixtures: a charity whose exchange has a coordinator and members (see `exchange`)."""
from __future__ import annotations

import pytest

from marketplace.exchanges import members


class Exchange:
    pass


@pytest.fixture
def exchange(create_user, create_org):
    """The exchange world, as attributes of one object:

    .org (a charity), .coordinator (its coordinator), .amy and .ben (members who joined its exchange, adults in
    district 1), .teen (a member born 15 years ago, joined), .grandma (a member with no phone, joined by the
    coordinator), .outsider (a user of another organisation), .newcomer (a member of the charity who has not
    joined). Members' user accounts are .amy.user and so on.
    """
    from marketplace.platform.timeutil import local_today

    e = Exchange()
    year = local_today().year
    e.coordinator = create_user(display_name="Coordinator Chen", email="coord@example.org")
    users = {name: create_user(display_name=label, email=f"{name}@example.org", public_display="name")
             for name, label in (("amy", "Amy Wong"), ("ben", "Ben Li"), ("teen", "Tina Teen"),
                                 ("grandma", "Grandma Ho"), ("newcomer", "Nina New"))}
    users["grandma"].phone = None
    e.org = create_org("charity", {e.coordinator: "coordinator", **{u: "member" for u in users.values()}},
                       name_zh="街坊时间银行", name_en="Neighbours' Time Bank")
    e.outsider = create_user(display_name="Olly Out", email="olly@example.org")
    create_org("charity", {e.outsider: "member"}, name_en="Other bank")
    e.amy = members.join(users["amy"], e.org, year - 40, 1, "I like teaching.")
    e.ben = members.join(users["ben"], e.org, year - 70, 1, "")
    e.teen = members.join(users["teen"], e.org, year - 15, 1, "")
    e.grandma = members.join(e.coordinator, e.org, year - 85, 1, "", user=users["grandma"])
    e.newcomer = users["newcomer"]
    return e
