"""Error pages a user can act on: a server error or an unreachable database shows the request id to quote."""
import logging

from marketplace import create_app
from tests.core.test_errors import boom  # noqa: F401  (the fixture)


def test_the_500_page_shows_the_request_id_of_its_log_line(boom, client, caplog):  # noqa: F811
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500 and response.headers["X-Request-ID"] in text
    assert "quote this code" in text and "<title>500" not in text


def test_the_503_page_says_a_form_sent_was_not_saved_and_shows_the_request_id(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production", "SERVER_NAME": "localhost",
        "BABEL_DEFAULT_LOCALE": "en", "MAIL_BACKEND": "locmem", "JOBS_RUN_INLINE": True,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nothing_listens_here",
        "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}},
        "UPLOAD_FOLDER": str(tmp_path)})
    page = app.test_client().get("/wishes/")
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and page.headers["X-Request-ID"] in text
    assert "it was not saved" in text and "<title>503" not in text
