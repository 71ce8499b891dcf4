"""Statement imports are never stuck: an import whose job fell silent (its worker was killed) is failed by
the sweep within a minute, and its page says what happened; a live one, or one still waiting its turn in
the queue, is left alone; a stored file left by the dead job is removed."""
from datetime import timedelta

from marketplace.ledger import service as ledger
from marketplace.platform import worker
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.reconciliation import imports
from marketplace.reconciliation.models import StatementImport
from marketplace.web import uploads


def started(world, status="importing", silent=timedelta(0), stored_path=""):
    """An import as a job leaves it: `status`, last heartbeat `silent` ago."""
    batch = StatementImport(owner_type="organisation", owner_id=world.org.id, kind="bank",
                            account_id=ledger.open_account("organisation", world.org.id, "bank").id,
                            status=status, rows_total=100_000, rows_done=40_000, uploaded_by_id=world.staff.id,
                            created_at=now_utc() - silent - timedelta(seconds=5), stored_path=stored_path)
    batch.heartbeat_at = None if status == "queued" else now_utc() - silent
    db.session.add(batch)
    db.session.commit()
    return batch.id


def state(import_id):
    db.session.expire_all()
    found = db.session.get(StatementImport, import_id)
    return found.status, found.problem


def test_a_job_killed_mid_import_is_failed_within_a_minute_and_its_page_says_so(client, auth, world):
    path = uploads.root() / "reconciliation/dead.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    dead = started(world, "importing", silent=timedelta(seconds=46), stored_path="reconciliation/dead.csv")
    matching = started(world, "matching", silent=timedelta(seconds=50))
    alive = started(world, "checking", silent=timedelta(seconds=10))
    waiting = started(world, "queued", silent=timedelta(minutes=10))
    assert worker.sweep() == 2
    assert state(dead) == state(matching) == ("failed", "stopped")
    assert state(alive) == ("checking", "") and state(waiting) == ("queued", "")
    assert not path.exists() and db.session.get(StatementImport, dead).stored_path == ""
    assert worker.sweep() == 0  # handled once
    auth.login(world.staff.email)
    page = client.get(f"/reconciliation/imports/{dead}").get_data(as_text=True)
    assert 'data-problem="stopped"' in page and "ended unexpectedly" in page and "Upload the file again" in page
    assert "http-equiv" not in page  # no longer refreshing as if it ran


def test_an_import_no_worker_took_within_an_hour_is_failed_with_its_reason(client, auth, world):
    forgotten = started(world, "queued", silent=timedelta(hours=1, minutes=1))
    assert imports.sweep_stuck() == 1
    assert state(forgotten) == ("failed", "never_started")
    imports.run_import(forgotten)  # a worker taking it after all does nothing
    assert state(forgotten) == ("failed", "never_started")
    auth.login(world.staff.email)
    page = client.get(f"/reconciliation/imports/{forgotten}").get_data(as_text=True)
    assert "no worker took it" in page


def test_a_job_beats_while_it_works_and_a_failure_is_named(world, monkeypatch):
    seen = []
    monkeypatch.setattr(imports.jobs, "beat", lambda batch: seen.append(batch.status))
    batch = started(world, "queued")
    monkeypatch.setattr(imports, "_parsed", lambda batch: iter([(n, []) for n in range(imports.BATCH * 2)]))
    imports.run_import(batch)
    assert state(batch) == ("done", "") and seen.count("checking") == 2
    broken = started(world, "queued")
    monkeypatch.setattr(imports, "_parsed", lambda batch: (_ for _ in ()).throw(UnicodeDecodeError(
        "utf-8", b"", 0, 1, "bad")))
    imports.run_import(broken)
    assert state(broken) == ("failed", "error")
