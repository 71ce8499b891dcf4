"""A file too large for one request is stopped in the browser, so nothing the person typed is lost."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_timebank_journey import log_in

pytestmark = pytest.mark.browser


def test_a_file_over_the_request_limit_is_stopped_before_sending_and_the_form_keeps_its_fields(
        app, new_page, create_user, create_org):
    volunteer = create_user(email="vol@example.org")
    create_org("volunteer_team", {volunteer: "member"})
    page = new_page(javascript=True)
    log_in(page, "vol@example.org")
    page.goto("/timebank/hour-reports/new")
    page.get_by_label("Minutes served").fill("90")
    page.get_by_label("What you did").fill("陪王奶奶去医院复诊")
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    page.get_by_label("Evidence (photo or PDF, up to 5 MB)").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * (too_big - 5)},
        timeout=60_000)  # 16 MB through the browser's protocol: slow on a busy machine (5 s timed out in CI)
    sent = []
    page.on("request", lambda request: sent.append(request.method) if request.method == "POST" else None)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("This file is too big to send (at most 16 MB")
    assert sent == []
    expect(page.get_by_label("What you did")).to_have_value("陪王奶奶去医院复诊")
    expect(page.get_by_label("Minutes served")).to_have_value("90")
