"""Revision 0017 rewrites stored emails in canonical form, and stops, naming them, when two would collide."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from marketplace import create_app
from tests.conftest import TEST_SETTINGS

INSERT = text("INSERT INTO user_account (email, password_hash, display_name, locale, public_display, "
              "is_platform_admin, is_active, session_version, created_at, password_changed_at) VALUES "
              "(:email, 'x', 'n', 'en', 'masked', false, true, 1, '2026-01-01', '2026-01-01')")


def _database_at_0016(tmp_path, emails):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="0016_hour_reports")
    engine = create_engine(url)
    with engine.begin() as connection:
        for email in emails:
            connection.execute(INSERT, {"email": email})
    return app, engine


def _emails(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT email FROM user_account ORDER BY id")).scalars().all()


INVITE = text("INSERT INTO invitation (organisation_id, email, role, token_hash, invited_by_id, created_at, "
              "expires_at) VALUES (1, :email, 'member', :digest, 1, '2026-01-01', '2027-01-01')")


def test_stored_emails_are_rewritten_canonically(tmp_path):
    app, engine = _database_at_0016(tmp_path, ["Pat@Example.org", "lu@ｅｘａｍｐｌｅ。org", "ok@example.org"])
    with engine.begin() as connection:  # the raw connection does not enforce foreign keys
        connection.execute(INVITE, {"email": "New@Ｅxample.org", "digest": "0" * 64})
    with app.app_context():
        upgrade()
    assert _emails(engine) == ["pat@example.org", "lu@example.org", "ok@example.org"]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT email FROM invitation")).scalar_one() == "new@example.org"
    engine.dispose()


def test_accounts_that_would_share_an_email_stop_the_upgrade_and_are_named(tmp_path, capfd):
    app, engine = _database_at_0016(tmp_path, ["pat@example.org", "PAT@example.org", "lu@example.org"])
    with app.app_context(), pytest.raises(SystemExit):
        upgrade()
    assert "pat@example.org: account 1 ('pat@example.org'), account 2 ('PAT@example.org')" in capfd.readouterr().err
    assert _emails(engine) == ["pat@example.org", "PAT@example.org", "lu@example.org"]
    engine.dispose()
