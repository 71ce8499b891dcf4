"""An agreement's page and the disputes page on a phone (390 px), as a member and as a coordinator, large text
included: nothing scrolls sideways, text and tap targets are big enough, axe-core finds nothing serious. The
screenshots are kept under test-artifacts/exchanges/ for review.

Chromium is driven from a thread of its own: the browser tests' session-wide Playwright may already run its
event loop in this process's main thread (one worker runs both), and Playwright's sync API allows one a thread."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers and the browser's conftest)
from __future__ import annotations

import threading

import pytest

from marketplace.exchanges import agreements
from tests.browser.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, live_server  # noqa: F401
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


def _in_own_thread(app, walk) -> list[str]:
    """Run walk(browser) with a Chromium of its own, in a thread of its own; return its problems."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    found: list = []

    def run():
        try:
            with app.app_context(), sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                try:
                    found.extend(walk(browser))
                finally:
                    browser.close()
        except Exception as error:  # noqa: BLE001  (reported by the test, in its own thread's words)
            found.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=run, name="phone-check")
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the phone check did not finish in 3 minutes"
    return found


def test_agreement_pages_fit_a_phone(app, live_server, exchange):
    x = exchange
    clinic = make_post(x.m.wang, kind="request", category="health_escort", title="陪我去社区医院复诊，顺便买药")
    agreement = agreements.propose(x.ann, x.m.ann, clinic, soon(), 90, "我周二上午有空，可以陪您去，也可以帮您拿药。")
    agreements.accept(x.coordinator, x.m.wang, agreement.code)
    time_passes(agreement)
    agreements.claim(x.ann, x.m.ann, agreement.code, 90, "We waited an hour at the clinic.")
    disputed = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60, "")
    agreements.accept(x.ann, x.m.ann, disputed.code)
    time_passes(disputed)
    agreements.dispute(x.ben, x.m.ben, disputed.code, "She came for half an hour only.")
    codes = {"agreement": agreement.code, "request": x.request.code}

    def walk(browser) -> list[str]:
        context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=True,
                                      viewport=PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        try:
            page = context.new_page()
            _log_in(page, "ann@example.org")
            problems = []
            for name, path in (("member-agreement", f"/exchange/agreements/{codes['agreement']}"),
                               ("member-mine", "/exchange/agreements"), ("figures", "/exchange/figures"),
                               ("member-propose", f"/exchange/posts/{codes['request']}/agree")):
                assert page.goto(path).ok, path
                problems += _problems(page, name)
            page.goto("/")
            page.get_by_role("button", name="Log out").first.click()
            _log_in(page, "coordinator@example.org")
            for name, path in (("coordinator-agreement", f"/exchange/agreements/{codes['agreement']}"),
                               ("coordinator-disputes", "/exchange/coordinate/disputes")):
                assert page.goto(path).ok, path
                problems += _problems(page, name)
            page.get_by_role("button", name="中文").first.click()  # and in Chinese
            page.wait_for_load_state()
            for name, path in (("coordinator-agreement-zh", f"/exchange/agreements/{codes['agreement']}"),
                               ("coordinator-approvals-zh", "/exchange/coordinate/approvals")):
                assert page.goto(path).ok, path
                problems += _problems(page, name)
            assert "等待批准的互助" in page.content()
            return problems
        finally:
            context.close()

    problems = _in_own_thread(app, walk)
    assert not problems, "\n".join(problems)
