"""Account rules, exercised through the service."""
import pytest

from marketplace.audit.models import AuditEvent
from marketplace.auth import service
from marketplace.auth.models import User
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from tests.conftest import PASSWORD


def test_register_hashes_with_argon2id_and_sends_verification(app, mailbox):
    user = service.register("Mei@Example.org ", PASSWORD, "梅", "zh_CN")
    assert user.email == "mei@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert not user.is_email_verified
    assert len(mailbox.messages) == 1 and "/auth/verify/" in mailbox.messages[0].body


@pytest.mark.parametrize("email,password,name,field", [
    ("not-an-email", PASSWORD, "A", "email"),
    ("a@example.org", "short", "A", "password"),
    ("a@example.org", "password123", "A", "password"),
    ("a@example.org", "aaaaaaaaaaaaaa", "A", "password"),
    ("a@example.org", PASSWORD, "", "display_name"),
    ("a@example.org", PASSWORD, "x" * 81, "display_name"),
    ("a@example.org", "x" * 129 + "Ab1", "A", "password"),
])
def test_register_rejects_bad_input_and_writes_nothing(app, email, password, name, field):
    with pytest.raises(InvalidInput) as caught:
        service.register(email, password, name)
    assert field in caught.value.fields
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_register_with_a_taken_email_makes_no_account_and_mails_the_owner(app, create_user, mailbox):
    create_user(email="dup@example.org")
    assert service.register("DUP@example.org", PASSWORD, "B") is None
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
    assert [m.to for m in mailbox.messages] == [["dup@example.org"]]


def test_wrong_password_and_unknown_email_fail_alike(app, create_user):
    create_user(email="known@example.org")
    with pytest.raises(service.InvalidCredentials) as wrong:
        service.authenticate("known@example.org", "not the password")
    with pytest.raises(service.InvalidCredentials) as unknown:
        service.authenticate("nobody@example.org", "not the password")
    assert str(wrong.value.message) == str(unknown.value.message)
    actions = db.session.scalars(db.select(AuditEvent.action)).all()
    assert actions.count("user.login_failed") == 2


def test_change_password_ends_other_sessions(app, create_user):
    user = create_user()
    before = user.session_version
    with pytest.raises(InvalidInput):
        service.change_password(user, "wrong current", "a brand new passphrase")
    assert user.session_version == before
    service.change_password(user, PASSWORD, "a brand new passphrase")
    assert user.session_version == before + 1
    assert service.authenticate(user.email, "a brand new passphrase") is user


def test_public_name_honours_choice(app, create_user):
    user = create_user(display_name="张小明")
    user.public_display = "masked"
    assert service.public_name(user) == "张**"
    user.public_display = "name"
    assert service.public_name(user) == "张小明"
    user.public_display = "anonymous"
    assert "张" not in service.public_name(user)


def test_api_tokens_are_stored_hashed_and_revocable(app, create_user):
    user = create_user()
    token, plain = service.create_api_token(user, "script", "write")
    assert plain not in token.token_hash and token.prefix == plain[:8]
    assert service.user_for_api_token(plain)[0] is user
    service.revoke_api_token(user, token.id)
    assert service.user_for_api_token(plain) is None
    assert service.user_for_api_token("gh_forged") is None


def test_create_admin_makes_and_promotes(app, create_user):
    admin, created = service.create_admin("boss@example.org", "a long admin passphrase")
    assert created and admin.is_platform_admin and admin.is_email_verified
    existing = create_user(email="later@example.org")
    promoted, created = service.create_admin("later@example.org", "ignored")
    assert promoted is existing and not created and existing.is_platform_admin
