"""Hash scheme 2: an entry hashes a salted reference to its actor, not the user id, and `flask ledger
verify` still catches a changed actor; entries of the legacy scheme 1 keep verifying beside them."""
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from marketplace.ledger import chain, service
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db
from tests.ledger.conftest import next_key
from tests.ledger.test_verify import tamper

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_chain.py"


@contextmanager
def legacy(monkeypatch):
    """Write entries as before migration 0018: hash scheme 1 (covering actor_id), no salt."""
    with monkeypatch.context() as patch:
        patch.setattr(chain, "SCHEME_VERSION", 1)
        patch.setattr(chain, "new_salt", lambda actor_id: None)
        yield


@pytest.fixture
def staff(create_user):
    return create_user(), create_user()


@pytest.fixture
def mixed_ledger(savings, staff, monkeypatch):
    """Each transaction posts a scheme 1 entry, then scheme 2 entries, onto its one lane; return their ids."""
    accounts = [savings(500) for _ in range(3)]
    ids = {1: [], 2: []}
    for n in range(4):
        source, target = accounts[n % 3], accounts[(n + 1) % 3]
        with legacy(monkeypatch):
            ids[1].append(service.post([(source, -1), (target, 1)], cause=Cause.test(next_key()),
                                       kind="hours.gift", memo=f"旧{n}", actor=staff[0]).id)
        ids[2].append(service.post([(source, -2), (target, 2)], cause=Cause.test(next_key()),
                                   kind="hours.gift", memo=f"新{n}", actor=staff[0]).id)
        ids[2].append(service.post([(target, -1), (source, 1)], cause=Cause.test(next_key()),
                                   kind="hours.gift", memo="nobody").id)
        db.session.commit()
    return ids


def stored(entry_id):
    return db.session.execute(text("SELECT hash_scheme, actor_id, actor_salt FROM ledger_entry WHERE id = :id"),
                              {"id": entry_id}).one()


def test_new_entries_hash_a_salted_actor_reference(mixed_ledger, staff):
    with_actor, without_actor = stored(mixed_ledger[2][0]), stored(mixed_ledger[2][1])
    assert with_actor.hash_scheme == 2 and with_actor.actor_id == staff[0].id
    assert len(with_actor.actor_salt) == 32 and without_actor.actor_salt is None
    salts = {stored(i).actor_salt for i in mixed_ledger[2][::2]}
    assert len(salts) == 4  # one salt per entry: the same member of staff is unlinkable across entries
    legacy_row = stored(mixed_ledger[1][0])
    assert legacy_row.hash_scheme == 1 and legacy_row.actor_salt is None


def test_a_ledger_of_both_schemes_verifies_end_to_end(mixed_ledger, runner, tmp_path):
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0 and result.output.startswith("Ledger verified: "), result.output
    out = tmp_path / "ledger.json"
    assert runner.invoke(args=["ledger", "export", "--format", "json", "-o", str(out)]).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["hash_scheme"] == "per-entry"
    by_id = {e["id"]: e for e in data["entries"]}
    for entry_id in mixed_ledger[1]:  # legacy entries can only be re-hashed with the id they covered
        assert by_id[entry_id]["v"] == 1 and "actor_ref" not in by_id[entry_id] and by_id[entry_id]["actor_id"]
    for entry_id in mixed_ledger[2]:
        assert by_id[entry_id]["v"] == 2 and "actor_id" not in by_id[entry_id]
    assert len({by_id[i]["lane"] for i in mixed_ledger[1]} & {by_id[i]["lane"] for i in mixed_ledger[2]}) >= 1
    done = subprocess.run([sys.executable, "-I", str(TOOL), str(out)], capture_output=True, text=True, timeout=60)
    # 12 entries and the 3 that funded the accounts
    assert done.returncode == 0 and done.stdout.startswith("OK: 15 entries"), done.stdout + done.stderr


@pytest.mark.parametrize("change", [
    "UPDATE ledger_entry SET actor_id = :other WHERE id = :id",
    "UPDATE ledger_entry SET actor_id = NULL WHERE id = :id",
    "UPDATE ledger_entry SET actor_salt = :salt WHERE id = :id",
    "UPDATE ledger_entry SET hash_scheme = 1 WHERE id = :id",
])
def test_changing_who_posted_a_scheme_2_entry_is_caught(mixed_ledger, staff, runner, change):
    bad = mixed_ledger[2][2]
    assert stored(bad).hash_scheme == 2
    tamper(change, id=bad, other=staff[1].id, salt="0" * 32)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0
    assert result.output.startswith(f"Ledger check FAILED at entry {bad}: its hash does not match"), result.output


def test_giving_an_actor_to_an_entry_nobody_posted_is_caught(mixed_ledger, staff, runner):
    bad = mixed_ledger[2][1]
    tamper("UPDATE ledger_entry SET actor_id = :other WHERE id = :id", id=bad, other=staff[1].id)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0 and result.output.startswith(f"Ledger check FAILED at entry {bad}:")


def test_changing_who_posted_a_legacy_entry_is_still_caught(mixed_ledger, staff, runner):
    bad = mixed_ledger[1][1]
    tamper("UPDATE ledger_entry SET actor_id = :other WHERE id = :id", id=bad, other=staff[1].id)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0 and result.output.startswith(f"Ledger check FAILED at entry {bad}:")
