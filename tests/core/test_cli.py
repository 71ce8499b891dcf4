"""Command-line tools: seed demo and create-admin."""
from marketplace.auth.models import User
from marketplace.orgs.models import Organisation, OrgKind
from marketplace.platform.extensions import db


def test_seed_demo_fills_every_kind_and_role_once(runner):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.example.org" in first.output and "Demo logins" in first.output
    kinds = set(db.session.scalars(db.select(Organisation.kind)))
    assert kinds == {k.value for k in OrgKind}
    districts = set(db.session.scalars(db.select(Organisation.district_id)))
    assert len(districts) >= 5
    counts = (db.session.scalar(db.select(db.func.count(User.id))),
              db.session.scalar(db.select(db.func.count(Organisation.id))))
    from marketplace.ledger import service as ledger
    from marketplace.timebank.activities.service import savings_account
    from marketplace.timebank.models import Activity

    volunteer = db.session.scalar(db.select(User).where(User.email == "volunteer@demo.example.org"))
    assert ledger.balance(savings_account(volunteer)).posted == 180 + 60  # the time bank, and a neighbour's lesson
    activities = db.session.scalar(db.select(db.func.count(Activity.id)))
    second = runner.invoke(args=["seed", "demo"])
    assert second.exit_code == 0 and "already present" in second.output
    assert db.session.scalar(db.select(db.func.count(Activity.id))) == activities == 5
    assert counts == (db.session.scalar(db.select(db.func.count(User.id))),
                      db.session.scalar(db.select(db.func.count(Organisation.id))))


def test_demo_logins_work(runner, auth):
    runner.invoke(args=["seed", "demo"])
    from marketplace.auth.demo import DEMO_PASSWORD

    assert auth.login("volunteer@demo.example.org", DEMO_PASSWORD).status_code == 302


def test_create_admin_prints_a_generated_password(runner, auth):
    result = runner.invoke(args=["create-admin", "root@example.org"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    assert auth.login("root@example.org", password).status_code == 302
    again = runner.invoke(args=["create-admin", "root@example.org"])
    assert "is now a platform admin" in again.output


def test_create_admin_rejects_a_bad_email(runner):
    result = runner.invoke(args=["create-admin", "not-an-email"])
    assert result.exit_code != 0 and "valid email" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
