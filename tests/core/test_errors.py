"""Unhandled errors are logged with a request id, shown on the error page; an unreachable database answers
503, not 500."""
import logging

import pytest

from marketplace import create_app

pytestmark = pytest.mark.own_app  # the tests add routes


@pytest.fixture
def boom(app):
    def explode():
        raise RuntimeError("kaboom in a view")

    app.add_url_rule("/boom", "boom", explode)
    app.add_url_rule("/api/v1/boom", "api_boom", explode)
    return app


def test_an_unhandled_error_is_logged_with_its_traceback_and_request_id(boom, client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) >= 16
    logged = [r for r in caplog.records if r.exc_info and "kaboom in a view" in str(r.exc_info[1])]
    assert logged, "the traceback was not logged"
    assert request_id in logged[0].getMessage() and "/boom" in logged[0].getMessage()


def test_a_sane_incoming_request_id_is_kept_and_a_bad_one_replaced(boom, client, caplog):
    with caplog.at_level(logging.ERROR):
        kept = client.get("/api/v1/boom", headers={"X-Request-ID": "lb-3f2a9c7d-0001"})
    assert kept.headers["X-Request-ID"] == "lb-3f2a9c7d-0001"
    assert kept.get_json()["error"]["code"] == "server_error"
    assert any("lb-3f2a9c7d-0001" in r.getMessage() for r in caplog.records)
    replaced = client.get("/", headers={"X-Request-ID": "bad id\twith <html> " + "x" * 300})
    assert replaced.status_code == 200
    assert replaced.headers["X-Request-ID"] != "" and "<" not in replaced.headers["X-Request-ID"]
    assert len(replaced.headers["X-Request-ID"]) <= 64


@pytest.fixture
def dead_database(tmp_path):
    """A client of an app whose database refuses every connection."""
    return create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production", "SERVER_NAME": "localhost",
        "BABEL_DEFAULT_LOCALE": "en", "MAIL_BACKEND": "locmem", "JOBS_RUN_INLINE": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nothing_listens_here",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        "UPLOAD_FOLDER": str(tmp_path)}).test_client()


def test_an_unreachable_database_answers_503_with_retry_after(dead_database):
    client = dead_database
    page = client.get("/wishes/")
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert "try again" in page.get_data(as_text=True).lower()
    api = client.get("/api/v1/listings")
    assert api.status_code == 503 and api.headers["Retry-After"].isdigit()
    assert api.get_json()["error"]["code"] == "unavailable"


def test_the_500_page_shows_the_request_id_of_its_log_line(boom, client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and response.headers["X-Request-ID"] in text
    assert "quote this code" in text and "<title>500" not in text


def test_the_503_page_says_a_form_sent_was_not_saved_and_shows_the_request_id(dead_database):
    page = dead_database.get("/wishes/")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["X-Request-ID"] in text
    assert "it was not saved" in text and "<title>503" not in text
