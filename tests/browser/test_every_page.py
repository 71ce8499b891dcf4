"""Every HTML page each role can reach, in Chromium at a phone's (390x844) and a desktop's (1280x800) size.

The pages are the app's GET routes as declared in tests/routes.py, filled with the access matrix's world
(tests/test_access_policy.py). Each page is visited by one role that may see it: a visitor when visitors
may, else the role it belongs to (PREFERRED) or the role with the fewest pages so far; every role also
visits the home page, so each role's header is checked; some roles read in large text. On each page, at
each size: nothing scrolls sideways, axe-core finds no serious or critical problem, and a full-page
screenshot is saved under test-artifacts/pages/<viewport>/<role>-<page>.png for review; on a phone, text
and tap targets are big enough (FINGERS). Downloads (CSV, XLSX, PDF, JSON, images: DOWNLOADS) are left
out, and so are the JSON API and emailed links (forged in this world).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from marketplace.platform.extensions import limiter
from tests.browser.conftest import ARTIFACTS, TIMEOUT_MS
from tests.conftest import PASSWORD
from tests.routes import ROLES, app_routes, declaration
from tests.test_access_policy import _build_world, _fill

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SHOTS = ARTIFACTS / "pages"

# Pages whose own view belongs to one role: visited as that role rather than whoever is next in turn.
PREFERRED = {
    "timebank.my_hours": "volunteer", "timebank.give": "volunteer", "timebank.care_index": "volunteer",
    "timebank.care_new": "volunteer", "timebank.care_detail": "volunteer", "timebank.new_report": "volunteer",
    "timebank.scan": "volunteer", "certificates.download": "volunteer", "payments.my_giving": "donor",
    "payments.donation": "donor", "payments.demo_checkout": "donor", "wishes.mine": "donor",
    "payments.give_wish": "donor", "payments.give_fund": "donor", "firms.show": "firm_member",
    "payments.give_pledge": "firm_member", "wishes.board": "social_worker", "account.profile": "volunteer",
}

# GET routes that answer with a file, not a page (a new one fails the sweep until it is listed here).
DOWNLOADS = {
    "core.healthz", "funds.evidence_file", "funds.public_receipt", "payments.offline_evidence",
    "payments.receipt_download", "reconciliation.report_xlsx", "timebank.import_template",
    "timebank.report_evidence", "transparency_data.giving360", "transparency_data.ledger_csv",
    "transparency_data.ledger_json", "wishes.board_csv", "wishes.listing_photo", "wishes.photo",
    "wishes.update_photo", "reports.export",
    "referrals.attachment",  # a file kept on a referral
    "referrals.comparison_export",
    "meals.figures_download",  # the public meal figures as CSV
    "meals.plaque_pdf",  # a caring-firm plaque (PDF)
    "meals.permit_file",  # a store's permit, private
    "exchanges.post_photo",  # an exchange post's photo (a JPEG without metadata)
}
# Parts of a page served alone for a script to swap in; each is checked inside its page.
FRAGMENTS = {"timebank.manage_live"}  # in timebank.manage

# Roles that read with the large-text setting on, switched on with the header's button (their screenshots
# show it). Every other page is also measured on the phone with the setting's class put on its root.
LARGE_TEXT = {"volunteer"}

# axe-core findings that cannot be fixed in our pages, by (endpoint, rule id), with the reason. Keep it empty.
KNOWN_PROBLEMS: dict[tuple[str, str], str] = {}


def _visits() -> dict[str, list[tuple[str, str, str]]]:
    """Each role's pages as (name, endpoint, rule), decided from the declarations alone."""
    rules = [(endpoint, rule) for endpoint, method, rule in app_routes()
             if method == "GET" and not rule.startswith("/api/")]
    counts = {}
    for endpoint, _rule in rules:
        counts[endpoint] = counts.get(endpoint, 0) + 1
    visits: dict[str, list[tuple[str, str, str]]] = {role: [] for role in ROLES}
    for endpoint, rule in rules:
        allowed = declaration(endpoint, "GET", rule).roles
        if not allowed or endpoint in DOWNLOADS | FRAGMENTS:  # no allowed role: emailed links, forged in this world
            continue
        if "anonymous" in allowed:
            role = "anonymous"
        elif PREFERRED.get(endpoint) in allowed:
            role = PREFERRED[endpoint]
        else:
            role = min(allowed, key=lambda r: (len(visits[r]), ROLES.index(r)))
        name = endpoint if counts[endpoint] == 1 else re.sub(r"[^a-z]+", "-", re.sub(r"<[^>]+>", "", rule)).strip("-")
        visits[role].append((name, endpoint, rule))
    for role in ROLES:
        if not any(endpoint == "core.home" for _n, endpoint, _r in visits[role]):
            visits[role].append(("core.home", "core.home", "/"))
    return visits


VISITS = _visits()

# At the desktop size axe-core checks only the rules whose answer depends on the layout (the DOM is the same
# at both sizes; only site.css's phone rules differ): about half the sweep's time is spent in axe-core.
LAYOUT_RULES = ["color-contrast", "scrollable-region-focusable", "target-size", "region", "meta-viewport"]

AXE_RUN = """async (rules) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  const result = await axe.run(document, options);
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])
  }));
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const sticks = e => e.getBoundingClientRect().right > width + 1
    || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible');
  const wide = [...document.querySelectorAll('body *')].filter(sticks)
    .filter(e => !e.closest('.visually-hidden, .skip-link')).slice(-3)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''));
  return {scroll: document.documentElement.scrollWidth, wide};
}"""


# On a phone: text of 16 px or more (iOS zooms into smaller inputs), and whatever a finger taps (controls,
# links in the header, footer, lists and table cells) at least 44x44 px; a checkbox or radio button counts
# with its label, which taps it too. Links inside running text are exempt, as in WCAG 2.5.5.
FINGERS = """() => {
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(e).visibility !== 'hidden' && !e.closest('.visually-hidden, .skip-link'); };
  const say = e => e.tagName.toLowerCase()
    + (e.className ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : '')
    + ' "' + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 30) + '"';
  const problems = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(e).fontSize);
    if ((own || e.matches('input, select, textarea')) && size < 16 && shown(e)) {
      problems.push(`${size}px text ${say(e)}`);
    }
  }
  const targets = 'button, select, textarea, input:not([type=hidden]), nav a, .site-footer a, li > a:only-child, '
    + 'td > a:only-child, dd > a:only-child, .actions a';
  for (const e of document.querySelectorAll(targets)) {
    if (!shown(e)) continue;
    const boxes = [e, ...(e.matches('[type=checkbox], [type=radio]') ? e.labels : [])]
      .map(x => x.getBoundingClientRect());
    const width = Math.max(...boxes.map(b => b.right)) - Math.min(...boxes.map(b => b.left));
    const height = Math.max(...boxes.map(b => b.bottom)) - Math.min(...boxes.map(b => b.top));
    if (width < 43.5 || height < 43.5) problems.push(`${Math.round(width)}x${Math.round(height)} px target ${say(e)}`);
  }
  return [...new Set(problems)].slice(0, 8);
}"""


@pytest.fixture
def world(saved_world, create_user, create_org):
    """The access matrix's world (the same saved state when both run in one worker)."""
    return saved_world("access-policy", lambda: _build_world(create_user, create_org))


def _log_in(page, email):
    limiter.reset()
    page.goto("/auth/login")
    page.locator("main input[name=email]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"could not log in as {email}"


def _check(page, name, endpoint, role, viewport) -> list[str]:
    """Problems of the open page at one size; its screenshot is saved whatever they are."""
    page.set_viewport_size(VIEWPORTS[viewport])
    problems = []
    shot = SHOTS / viewport / f"{role}-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    width = page.evaluate(OVERFLOW)
    if width["scroll"] > VIEWPORTS[viewport]["width"]:
        problems.append(f"{viewport} {role} {name}: scrolls sideways ({width['scroll']} px wide; {width['wide']})")
    if viewport == "phone":
        problems += [f"{viewport} {role} {name}: {problem}" for problem in page.evaluate(FINGERS)]
        if role not in LARGE_TEXT:
            page.evaluate("() => document.documentElement.classList.add('large-text')")
            width = page.evaluate(OVERFLOW)
            page.evaluate("() => document.documentElement.classList.remove('large-text')")
            if width["scroll"] > VIEWPORTS[viewport]["width"]:
                problems.append(f"{viewport} {role} {name}: scrolls sideways in large text "
                                f"({width['scroll']} px wide; {width['wide']})")
    for violation in page.evaluate(AXE_RUN, None if viewport == "phone" else LAYOUT_RULES):
        if (endpoint, violation["id"]) not in KNOWN_PROBLEMS:
            problems.append(f"{viewport} {role} {name}: axe {violation['impact']} {violation['id']} "
                            f"({violation['help']}) at {violation['nodes']}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(browser, live_server, world, role):
    emails, _tokens, ids = world
    for viewport in VIEWPORTS:
        (SHOTS / viewport).mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=True,
                                  viewport=VIEWPORTS["phone"])
    context.set_default_timeout(TIMEOUT_MS)
    # axe-core goes into every page before its own scripts (handed over once, not once a page as a script tag
    # would be; and a script the page did not ask for, so the site's CSP does not apply).
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        if role != "anonymous":
            _log_in(page, emails[role])
        if role in LARGE_TEXT:
            page.goto("/")
            page.get_by_role("button", name="Larger text").click()
            assert page.locator("html.large-text").count() == 1
        problems = []
        for name, endpoint, rule in VISITS[role]:
            path = _fill(rule, ids, False)
            page.set_viewport_size(VIEWPORTS["phone"])
            try:
                response = page.goto(path)
            except PlaywrightError as error:  # a download starts instead of a page
                raise AssertionError(f"{endpoint} is not a page: add it to DOWNLOADS ({error.message})") from None
            assert response.ok, f"{role} {path}: HTTP {response.status}"
            kind = response.header_value("content-type") or ""
            assert kind.startswith("text/html"), f"{endpoint} answers {kind}: add it to DOWNLOADS"
            for viewport in VIEWPORTS:
                problems += _check(page, name, endpoint, role, viewport)
        assert not problems, "\n".join(problems)
    finally:
        context.close()
