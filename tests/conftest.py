"""Fixtures: app, client, runner, auth actions and factories for users and organisations."""
from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.platform.extensions import db
from tests.db_setup import TestDatabase

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def test_database(tmp_path_factory, worker_id):
    database = TestDatabase(worker_id, tmp_path_factory.mktemp(f"db-{worker_id}"))
    database.prepare()
    yield database
    database.close()


@pytest.fixture
def app_config():
    """Extra settings a test may override before the app is built."""
    return {}


TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "MAIL_BACKEND": "locmem",
    "ARGON2_PROFILE": "cheapest",
    "SERVER_NAME": "localhost",
    "SITE_URL": "http://localhost",  # the address of the test client, so links in emails can be followed
    "BABEL_DEFAULT_LOCALE": "en",  # tests read English unless they ask for Chinese
    "JOBS_RUN_INLINE": True,  # background jobs run at once, inside the test
}


@pytest.fixture
def app(request, test_database, app_config, tmp_path):
    """The app on a database in its just-migrated state.

    Building an app costs more than most tests, so the worker keeps the last one and hands it to the
    next test with the same `app_config` (its settings put back as built, its rate limits and mail
    emptied, its database file copied afresh). The extensions are module-level objects bound by the
    last `create_app`, so only the last app is ever kept. A test that changes the app itself (adds a
    route) is marked `own_app` and gets one of its own. A test that built an app of its own (with
    REDIS_URL, say) has bound the limiter to that app's storage: the kept app is then built again, or its
    rate limits would be counted, and `limiter.reset()` below would wipe every count, in that Redis.
    """
    from marketplace.platform.extensions import limiter

    reuse = request.node.get_closest_marker("own_app") is None
    key = repr(sorted(app_config.items()))
    last = test_database.last_app
    if reuse and last is not None and last[0] == key and limiter.storage is last[3]:
        _key, app, built, _storage = last
        settings = test_database.fresh(reused=True)
        app.config.clear()
        app.config.update(copy.deepcopy(built))
    else:
        test_database.last_app = None
        settings = test_database.fresh(reused=reuse)
        app = create_app({**TEST_SETTINGS, **settings, **app_config})
        app.test_client_class = IsolatedClient
        if reuse:
            test_database.last_app = (key, app, copy.deepcopy(dict(app.config)), limiter.storage)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    app.extensions["mailman"].outbox = []
    limiter.reset()
    from marketplace.ledger import one_call
    from marketplace.transparency import cache

    cache.clear()  # figures cached in this process by an earlier test belong to another database
    one_call.forget_facts()  # so do the ledger accounts' facts
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    test_database.discard(settings)


class IsolatedClient(FlaskClient):
    """Run each request in its own app context, as a real server does (own g, own session)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session then sees what the request committed
        return response


@pytest.fixture
def saved_world(app, test_database):
    """Build a costly set of records once per worker: saved_world(name, build) runs build() the
    first time and saves the database (and uploaded files); later calls restore that state
    instead. build() must commit and return plain data (ids, emails, tokens), not ORM objects."""
    import shutil

    upload_dir = Path(app.config["UPLOAD_FOLDER"])
    settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}

    def use(name: str, build):
        if name in test_database.saved:
            db.session.remove()
            test_database.restore(name, settings, db.engine)
            shutil.copytree(test_database.tmp / f"uploads-{name}", upload_dir, dirs_exist_ok=True)
            return test_database.saved_data[name]
        data = build()
        db.session.commit()
        db.session.remove()
        test_database.save(name, settings, db.engine)
        (test_database.tmp / f"uploads-{name}").mkdir()
        if upload_dir.exists():
            shutil.copytree(upload_dir, test_database.tmp / f"uploads-{name}", dirs_exist_ok=True)
        test_database.saved_data[name] = data
        return data

    return use


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def mailbox(app):
    """The emails sent during the test, newest last."""
    app.extensions["mailman"].outbox = []
    return Mailbox(app)


class Mailbox:
    def __init__(self, app):
        self.app = app

    @property
    def messages(self):
        return self.app.extensions["mailman"].outbox

    def last_link(self, to: str | None = None) -> str:
        messages = [m for m in self.messages if to is None or to in m.to]
        assert messages, "no email was sent"
        match = re.search(r"https?://\S+", messages[-1].body)
        assert match, "the email holds no link"
        return match.group(0).replace("http://localhost", "")


_emails = itertools.count(1)


@pytest.fixture
def create_user(app):
    """Make a user: create_user(email=None, verified=True, admin=False, **fields)."""
    from marketplace.auth.models import User
    from marketplace.auth.passwords import hash_password
    from marketplace.platform.timeutil import now_utc

    def make(email=None, password=PASSWORD, verified=True, admin=False, **fields):
        fields.setdefault("locale", "en")  # tests read English unless they ask for Chinese
        user = User(
            email=email or f"user{next(_emails)}@example.org",
            password_hash=hash_password(password),
            display_name=fields.pop("display_name", "测试用户"),
            email_verified_at=now_utc() if verified else None,
            is_platform_admin=admin,
            **fields,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_org(app):
    """Make an organisation with members: create_org(kind, members={user: role})."""
    from marketplace.orgs.models import Membership, Organisation

    def make(kind="charity", members=None, verified=True, name_zh="测试机构", **fields):
        org = Organisation(kind=kind, name_zh=name_zh, name_en=fields.pop("name_en", "Test Org"),
                           district_id=fields.pop("district_id", 1), is_verified=verified, **fields)
        db.session.add(org)
        for user, role in (members or {}).items():
            db.session.add(Membership(organisation=org, user=user, role=role))
        db.session.commit()
        return org

    return make


@pytest.fixture
def headers(app):
    """Bearer headers for an API call as the user: headers(user, scope="write")."""
    from marketplace.auth.service import create_api_token

    def make(user, scope="write"):
        return {"Authorization": f"Bearer {create_api_token(user, 'test', scope)[1]}"}

    return make


class AuthActions:
    def __init__(self, client):
        self.client = client

    def csrf(self, path="/auth/login") -> str:
        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            r'name="csrf_token" value="([^"]+)"', page)
        if match is None and path == "/":  # the home page is shared by every visitor: no token for the anonymous
            return self.csrf()
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email, password=PASSWORD, remember=False, path="/auth/login"):
        data = {"email": email, "password": password, "csrf_token": self.csrf()}
        if remember:
            data["remember"] = "y"
        return self.client.post(path, data=data)

    def logout(self):
        return self.client.post("/auth/logout", data={"csrf_token": self.csrf("/")})

    def post(self, path, data=None, form_page=None, **kwargs):
        """POST a form with a valid CSRF token taken from `form_page` (default: the site root)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf(form_page or "/"))
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def auth(client):
    return AuthActions(client)
