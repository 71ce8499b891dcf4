"""Every page a role may use is found by following links from the home page.

For each role of the access matrix's world (tests/test_access_policy.py), a signed-in client starts at
the home page and follows the site's own links breadth first (GET, HTML pages only). Every GET route the
role may call (tests/routes.py) that answers an HTML page in that world must be among the pages reached,
save the few listed in NOT_LINKED with the reason people reach them another way.
"""
from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from tests.routes import ROLES, app_routes, declaration
from tests.test_access_policy import _build_world, _client_as, _fill

HOST = "localhost"
LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"', re.IGNORECASE)
URLS_PER_RULE = 6  # enough to meet each kind of page; lists of a thousand wishes need not all be walked
SIGNED_IN_ROLES = [role for role in ROLES if role != "anonymous"]

# Pages people reach from outside the site's links, and why. (rule -> roles it holds for, reason)
NOT_LINKED: dict[str, tuple[set[str], str]] = {
    "/timebank/scan/<token>": (set(ROLES), "opened by scanning an activity's QR code with a phone"),
    "/timebank/activities/<int:activity_id>/manage/live": (set(ROLES), "the manage page's own script fetches "
                                                           "this part of it to refresh the list"),
    "/verify/<code>": ({role for role in ROLES if role != "donor"},
                       "opened from a certificate's QR code; only the donor holds a certificate in the world, "
                       "and is the one who finds it linked from their own certificates"),
    "/meals/plaques/<plaque_code>": ({role for role in ROLES if role != "org_admin"},
                                     "opened from a caring-firm plaque's QR code; only the meal firm's admin holds "
                                     "one in the world, and finds it linked from the firm's points page"),
    "/meals/stores/<int:meal_store_id>/counter": ({"platform_admin"}, "a store's counter is its firm's; platform "
                                                  "admins may open it to help, from the store they are checking"),
    "/meals/walk-in/<poster_token>": (set(ROLES), "opened by scanning the QR code on a restaurant's poster"),
    "/meals/r/<reservation_token>": ({role for role in ROLES if role != "volunteer"},
                                     "a reservation's own secret link: only the volunteer holds one in the world, "
                                     "and finds it under /meals/mine"),
    "/payments/give/wish/<listing_code>": (set(ROLES), "the pay button appears once a wish is claimed to be paid "
                                                       "by money (a POST); the world's only claim is in kind"),
    "/payments/demo/<donation_code>": ({"donor"}, "the test-mode checkout is linked from a gift waiting for payment; "
                                                  "the world's gift is already paid"),
    "/auth/login": (set(SIGNED_IN_ROLES), "for visitors: people who are logged in are not offered it"),
    "/exchange/join": ({"donor", "platform_admin", "staff"}, "offered to people with an organisation whose neighbour "
                                                             "exchange they have not joined: these have none"),
    "/auth/reset": (set(SIGNED_IN_ROLES), "for visitors who forgot their password: linked from the log-in page"),
    "/reconciliation/": ({"volunteer", "donor", "firm_member"},
                         "lists the books a person keeps; for people who keep none it has nothing to offer"),
    # referrals and visits: offered to people with a part in them (staff of organisations with households in care
    # or offering items, district officers, visitors); for others these lists are empty and not offered
    "/referrals/inbox": ({"volunteer", "donor", "firm_member", "social_worker"},
                         "referrals sent to a person's organisations: none offers or cares for anyone"),
    "/referrals/due": ({"donor", "firm_member", "social_worker"}, "the households a person visits: they visit none"),
    **{path: ({"social_worker"}, "the world's social-work station has no households in care and offers nothing")
       for path in ("/referrals/board", "/referrals/dashboard", "/referrals/escalations", "/referrals/comparison")},
    # exchanges: the exchange's home (/exchange/, in the header) links my agreements, messages, the figures and
    # the coordinators' board; a post's page its propose, message and report buttons
    **{path: ({"volunteer", "donor"}, "a button on a neighbour's post page; the crawl opens a few post pages a "
                                      "rule, and theirs come first (my posts)")
       for path in ("/exchange/posts/<post_code>/report", "/exchange/posts/<post_code>/agree")},
    **{path: ({"firm_member", "social_worker", "platform_admin"}, "empty until one joins an exchange; the "
                                                                  "exchange's home links them for its members")
       for path in ("/exchange/agreements", "/exchange/messages")},
    "/exchange/agreements/<agreement_code>": ({"staff", "org_admin"}, "a coordinator opens one from the approvals "
                                              "or disputes list (none waits in the world)"),
}


def _rule_of(adapter, path: str):
    try:
        rule, _args = adapter.match(path, method="GET", return_rule=True)
    except HTTPException:
        return None
    return rule


def crawl(app, client) -> dict[str, set[str]]:
    """Follow links from the home page; return {rule: paths reached} of every page answered."""
    adapter = app.url_map.bind(HOST)
    reached: dict[str, set[str]] = {}
    queued, per_rule = {"/"}, Counter()
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        response = client.get(path, buffered=True)
        rule = _rule_of(adapter, urlsplit(path).path)
        if rule is not None and response.status_code == 200:
            reached.setdefault(rule.rule, set()).add(path)
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        for href in LINK.findall(response.get_data(as_text=True)):
            parts = urlsplit(urljoin(f"http://{HOST}{path}", unescape(href)))
            if parts.scheme not in ("http", "") or parts.netloc != HOST or parts.path.startswith(("/static/", "/api/")):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            found = _rule_of(adapter, parts.path)
            if target in queued or found is None or per_rule[found.rule] >= URLS_PER_RULE:
                continue
            per_rule[found.rule] += 1
            queued.add(target)
            queue.append(target)
    return reached


def pages_of(client, role: str, ids: dict) -> set[str]:
    """The rules of GET routes the role may call that answer an HTML page in the world."""
    pages = set()
    for endpoint, method, rule in app_routes():
        if method != "GET" or rule.startswith("/api/") or role not in declaration(endpoint, method, rule).roles:
            continue
        response = client.get(_fill(rule, ids, False), buffered=True)
        if response.status_code == 200 and response.content_type.startswith("text/html"):
            pages.add(rule)
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_use_is_linked_from_the_home_page(app, saved_world, create_user, create_org, role):
    emails, _tokens, ids = saved_world("access-policy", lambda: _build_world(create_user, create_org))
    client, _csrf = _client_as(app, emails, role)
    expected = pages_of(client, role, ids) - {rule for rule, (roles, _why) in NOT_LINKED.items() if role in roles}
    reached = crawl(app, client)
    unreachable = sorted(expected - reached.keys())
    assert not unreachable, f"{role} cannot find these pages by following links from the home page: {unreachable}"


def test_the_crawl_does_not_reach_a_page_nothing_links_to(app, saved_world, create_user, create_org):
    """A visitor meets no link to a certificate's check page (only its QR code leads there), so it is not reached."""
    emails, _tokens, ids = saved_world("access-policy", lambda: _build_world(create_user, create_org))
    client, _csrf = _client_as(app, emails, "anonymous")
    visitor_pages = pages_of(client, "anonymous", ids)
    reached = crawl(app, client)
    assert "/verify/<code>" in visitor_pages and "/verify/<code>" not in reached
    assert {"/transparency/", "/transparency/data/", "/firms/leaderboard"} <= reached.keys()
