"""Wrong passwords: one account whatever the spelling, guesses bounded across addresses, and the owner's
own browser never locked out by a stranger's guesses."""
import re

import pytest

from marketplace.auth.models import User
from marketplace.platform.extensions import db, limiter
from tests.conftest import PASSWORD, AuthActions

SPELLINGS = ["pat@example.org", "PAT@EXAMPLE.ORG", " pat@example.org  ", "pat@ｅｘａｍｐｌｅ.ｏｒｇ",
             "pat@example。org", "pat@example．org", "pat@example｡org", "ｐａｔ@example.org"]


@pytest.fixture(autouse=True)
def _fresh_allowances():
    limiter.reset()
    yield
    limiter.reset()


def _from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, AuthActions(client)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_of_an_email_logs_into_its_one_account(client, auth, create_user, spelling):
    create_user(email="pat@example.org")
    assert auth.login(spelling).status_code == 302


def test_spellings_share_one_count_of_wrong_passwords(app, create_user):
    create_user(email="pat@example.org")
    client, auth = _from(app, "203.0.113.5")
    for spelling in SPELLINGS[:5]:
        assert auth.login(spelling, "wrong password, try " + spelling).status_code == 401
    refused = auth.login(SPELLINGS[5])  # the right password, but this client's guesses are used up
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in refused.get_data(as_text=True)


def test_guesses_spread_over_many_addresses_stay_bounded(app, create_user):
    create_user(email="pat@example.org")
    answers = []
    for n in range(15):
        _client, auth = _from(app, f"198.51.100.{n}")
        answers.append(auth.login("pat@example.org", f"guess number {n}").status_code)
    assert answers[:10] == [401] * 10 and set(answers[10:]) == {429}


def test_a_strangers_guesses_never_lock_the_owner_out_of_their_own_phone(app, create_user):
    create_user(email="pat@example.org")
    phone, owner = _from(app, "192.0.2.10")
    assert owner.login("pat@example.org").status_code == 302  # the phone becomes known to the account
    owner.logout()
    for n in range(40):
        _client, attacker = _from(app, f"198.51.100.{n % 4}")
        attacker.login("pat@example.org", f"guess number {n}")
    _client, attacker = _from(app, "198.51.100.99")
    assert attacker.login("pat@example.org").status_code == 429  # even the right password, from a stranger
    assert owner.login("pat@example.org").status_code == 302


def test_an_address_with_spaces_around_it_is_not_a_form_error(client, auth, create_user):
    create_user(email="pat@example.org")
    response = auth.login("  pat@example.org ", "a wrong password")
    assert response.status_code == 401 and "Enter a valid email" not in response.get_data(as_text=True)


def _strip(response, *emails):
    text = response.get_data(as_text=True)
    for email in emails:
        text = text.replace(email, "")
    return re.sub(r'value="[^"]{20,}"', "", text)


def test_signing_up_with_a_taken_email_looks_the_same_and_mails_the_owner(client, auth, create_user, mailbox):
    owner = create_user(email="pat@example.org", display_name="Pat")
    form = {"display_name": "Someone", "password": "a long enough passphrase", "locale": "en"}
    taken = auth.post("/auth/register", {**form, "email": "PAT@example。org"}, form_page="/auth/register")
    free = auth.post("/auth/register", {**form, "email": "new@example.org"}, form_page="/auth/register")
    assert taken.status_code == free.status_code == 200
    assert _strip(taken, "pat@example.org") == _strip(free, "new@example.org")
    assert db.session.scalar(db.select(db.func.count(User.id)).where(User.email == "pat@example.org")) == 1
    to_owner = [m for m in mailbox.messages if m.to == [owner.email]]
    assert len(to_owner) == 1 and "tried to sign up" in to_owner[0].body
    again = auth.post("/auth/register", {**form, "email": "pat@example.org"}, form_page="/auth/register")
    assert again.status_code == 200  # answered alike, but the owner is told once a day, not flooded
    assert len([m for m in mailbox.messages if m.to == [owner.email]]) == 1
    assert client.get("/account/").status_code == 302  # nobody was logged in by signing up


def test_an_account_is_stored_under_its_canonical_email(client, auth, mailbox):
    auth.post("/auth/register", {"display_name": "Lu", "email": " Lu@ＥＸＡＭＰＬＥ。org ",
                                 "password": PASSWORD, "locale": "en"}, form_page="/auth/register")
    assert db.session.scalar(db.select(User.email)) == "lu@example.org"


def test_tries_sent_at_once_cannot_all_pass_before_any_is_counted(app, create_user, monkeypatch):
    """The password check is slow on purpose (Argon2): each try is booked before it, not after."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from marketplace.auth import service

    create_user(email="pat@example.org")
    real_verify = service.verify_password
    monkeypatch.setattr(service, "verify_password", lambda *a: time.sleep(0.3) or real_verify(*a))
    clients = [_from(app, "203.0.113.7")[1] for _ in range(12)]
    forms = [(auth.client, auth.csrf()) for auth in clients]  # each form ready, so the tries leave together
    start = threading.Barrier(len(clients))

    def guess(form):
        client, csrf = form
        start.wait()
        with app.app_context():
            return client.post("/auth/login", data={"email": "pat@example.org", "password": "a wrong guess!",
                                                    "csrf_token": csrf}).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(guess, forms))
    # each try is booked on two counts, this client's (5 per 15 minutes) and the account's (10 per hour), one after
    # the other: threads may reach them in different orders, so one of the first five on the client's count can
    # be the eleventh or twelfth on the account's and be refused too. Never more than five get a password check.
    assert 3 <= answers.count(401) <= 5 and answers.count(401) + answers.count(429) == 12


def test_strangers_behind_the_owners_address_do_not_lock_out_the_owners_own_browser(app, create_user):
    create_user(email="pat@example.org")
    create_user(email="other@example.org")
    phone, owner = _from(app, "203.0.113.50")  # a mobile network's shared address
    assert owner.login("pat@example.org").status_code == 302
    owner.logout()
    for n in range(25):  # others on the same address use up its limit
        _client, stranger = _from(app, "203.0.113.50")
        stranger.login(f"someone{n}@example.org", "not a password at all")
    _client, stranger = _from(app, "203.0.113.50")
    assert stranger.login("other@example.org").status_code == 429
    assert owner.login("pat@example.org").status_code == 302


def test_a_password_reset_makes_the_browser_known_to_the_account(client, auth, create_user, mailbox):
    create_user(email="pat@example.org")
    auth.post("/auth/reset", {"email": "pat@example.org"}, form_page="/auth/reset")
    link = mailbox.last_link("pat@example.org")
    answer = auth.post(link, {"new_password": "a brand new passphrase"}, form_page=link)
    assert answer.status_code == 302 and client.get_cookie("gh_device", path="/auth/login") is not None
