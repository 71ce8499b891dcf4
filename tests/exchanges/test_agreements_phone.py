"""An agreement's page and the disputes page on a phone (390 px), as a member and as a coordinator, large text
included: nothing scrolls sideways, text and tap targets are big enough, axe-core finds nothing serious. The
screenshots are kept under test-artifacts/exchanges/ for review."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers and the browser's conftest)
from __future__ import annotations

import pytest

from marketplace.exchanges import agreements
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS, browser, live_server  # noqa: F401
from tests.browser.test_every_page import AXE, AXE_RUN, FINGERS, OVERFLOW, _log_in
from tests.exchanges.agreement_helpers import exchange, make_post, soon, time_passes  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "exchanges"


def _problems(page, name: str) -> list[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    problems = [f"{name}: {p}" for p in page.evaluate(FINGERS)]
    problems += [f"{name}: axe {v['id']} {v['nodes']}" for v in page.evaluate(AXE_RUN, None)]
    for large in (False, True):
        page.evaluate(f"() => document.documentElement.classList.toggle('large-text', {str(large).lower()})")
        width = page.evaluate(OVERFLOW)
        if width["scroll"] > PHONE["width"]:
            problems.append(f"{name}{' (large text)' if large else ''}: {width['scroll']} px wide {width['wide']}")
    if any("large" in p for p in problems):
        page.screenshot(path=str(SHOTS / f"{name}-large.png"), full_page=True)
    return problems


def test_agreement_pages_fit_a_phone(app, browser, live_server, exchange):
    x = exchange
    walk = make_post(x.m.wang, kind="request", category="health_escort", title="陪我去社区医院复诊，顺便买药")
    agreement = agreements.propose(x.ann, x.m.ann, walk, soon(), 90, "我周二上午有空，可以陪您去，也可以帮您拿药。")
    agreements.accept(x.coordinator, x.m.wang, agreement.code)
    time_passes(agreement)
    agreements.claim(x.ann, x.m.ann, agreement.code, 90, "We waited an hour at the clinic.")
    disputed = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60, "")
    agreements.accept(x.ann, x.m.ann, disputed.code)
    time_passes(disputed)
    agreements.dispute(x.ben, x.m.ben, disputed.code, "She came for half an hour only.")
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=True, viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        _log_in(page, "ann@example.org")
        problems = []
        for name, path in (("member-agreement", f"/exchange/agreements/{agreement.code}"),
                           ("member-mine", "/exchange/agreements"), ("figures", "/exchange/figures"),
                           ("member-propose", f"/exchange/posts/{x.request.code}/agree")):
            assert page.goto(path).ok, path
            problems += _problems(page, name)
        page.goto("/")
        page.get_by_role("button", name="Log out").first.click()
        _log_in(page, "coordinator@example.org")
        for name, path in (("coordinator-agreement", f"/exchange/agreements/{agreement.code}"),
                           ("coordinator-disputes", "/exchange/coordinate/disputes")):
            assert page.goto(path).ok, path
            problems += _problems(page, name)
        page.get_by_role("button", name="中文").first.click()  # and in Chinese
        page.wait_for_load_state()
        for name, path in (("coordinator-agreement-zh", f"/exchange/agreements/{agreement.code}"),
                           ("coordinator-approvals-zh", "/exchange/coordinate/approvals")):
            assert page.goto(path).ok, path
            problems += _problems(page, name)
        assert "代 Wang" in page.content() or "等待批准的互助" in page.content()
        assert not problems, "\n".join(problems)
    finally:
        context.close()
