"""Fixtures for browser tests: the app on a live port, and Debian's chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class LiveServer:
    url: str


def read_whole(app):
    """Wrap a WSGI app so each answer is read (and its file closed) before it is sent.

    Werkzeug's development server leaves a file answer open when the browser drops the connection
    mid-way (a page left before its stylesheet arrived); its ResourceWarning would fail a later test.
    """
    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return wsgi


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1 at a free port, in a background thread."""
    server = make_server("127.0.0.1", 0, read_whole(app), threaded=True)
    # Links in emails are built on SITE_URL, so it must be the address the browser uses.
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.port}"
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole run; each test gets its own context."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser profile: new_page(locale="en-US", javascript=False).

    Chromium sends `locale` as Accept-Language (extra headers would miss the page request itself).
    JavaScript is off by default because every page must work without it.
    """
    contexts = []

    def make(locale="en-US", javascript=False):
        context = browser.new_context(base_url=live_server.url, locale=locale, java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    # Close the browser's connections before the server stops and waits for its threads.
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in an English-speaking browser without JavaScript."""
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep a screenshot of every open page when a browser test fails."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and browser is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name)
        pages = [page for context in browser.contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            path = ARTIFACTS / (f"{name}.png" if number == 1 else f"{name}-{number}.png")
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as error:  # a broken page must not hide the test's own failure
                report.sections.append(("screenshot", f"could not save {path}: {error}"))
            else:
                report.sections.append(("screenshot", str(path)))
    return report
