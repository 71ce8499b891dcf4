"""tools/verify_chain.py: a genuine download verifies; any tampering is named; unreadable files exit 2."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.ledger import chain, locks
from marketplace.ledger.models import LedgerEntry
from marketplace.payments import postings
from marketplace.platform.extensions import db
from marketplace.transparency import opendata
from tests.ledger.test_hash_schemes import legacy
from tests.transparency.test_opendata import world  # noqa: F401 (fixture)

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_chain.py"


def run(path, stdin=None):
    """Run the tool as a reader would: a separate Python, standard library only."""
    done = subprocess.run([sys.executable, "-I", str(TOOL), str(path)], capture_output=True, text=True,
                          input=stdin, timeout=60)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def download(world, tmp_path):  # noqa: F811
    """download(**scope) -> (the parsed JSON, a writer that saves a changed copy and returns its path)."""

    def make(**scope):
        data = json.loads("".join(opendata.stream_lines("json", **scope)))

        def save(changed, name="changed.json"):
            path = tmp_path / name
            path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
            return path

        return data, save

    return make


def public(data):
    return [e for e in data["entries"] if not e.get("sealed")]


def test_genuine_platform_export_verifies(download):
    data, save = download()
    code, out = run(save(data, "genuine.json"))
    assert code == 0, out
    lanes = len({e["lane"] for e in data["entries"]})
    assert out.strip() == (f"OK: {len(public(data)):,} entries ({data['totals']['sealed']:,} sealed), "
                           f"{lanes} lanes, hashes and totals agree")


def test_tool_and_chain_py_write_the_same_canonical_content(download):
    """The tool's copy of the hash scheme agrees with marketplace/ledger/chain.py on real entries."""
    sys.path.insert(0, str(TOOL.parent))
    try:
        import verify_chain
    finally:
        sys.path.remove(str(TOOL.parent))
    data, _ = download()
    for entry in public(data):
        postings = [(p["account_id"], p["unit"], p["amount"]) for p in entry["postings"]]
        ours = chain.canonical(
            lane=entry["lane"], seq=entry["seq"], key=entry["key"], kind=entry["kind"], memo=entry["memo"],
            effective_date=date.fromisoformat(entry["effective_date"]),
            created_at=datetime.strptime(entry["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            reverses_id=entry["reverses_id"], postings=postings, v=entry["v"],
            **{k: entry[k] for k in ("actor_id", "actor_ref") if k in entry})
        assert verify_chain.canonical(entry, verify_chain.postings_of(entry)) == ours
        assert verify_chain.entry_hash(entry["prev_hash"], ours) == chain.entry_hash(entry["prev_hash"], ours)


def test_a_download_mixing_legacy_and_new_entries_verifies(download, world, monkeypatch):  # noqa: F811
    """Entries posted before hash scheme 2 keep scheme 1 and their actor_id; the tool checks both in one lane."""
    with legacy(monkeypatch):
        old = postings.payout("po_legacy", 100, actor=world["volunteer"])
    new = postings.payout("po_new", 100, actor=world["volunteer"])
    db.session.commit()
    data, save = download()
    by_id = {e["id"]: e for e in public(data)}
    assert by_id[old.id]["v"] == 1 and by_id[old.id]["actor_id"] == world["volunteer"].id
    assert by_id[new.id]["v"] == 2 and "actor_id" not in by_id[new.id] and by_id[new.id]["actor_ref"]
    assert by_id[old.id]["lane"] == by_id[new.id]["lane"] and by_id[new.id]["seq"] == by_id[old.id]["seq"] + 1
    code, out = run(save(data))
    assert code == 0, out
    by_id[new.id]["actor_ref"] = "0" * 64
    code, out = run(save(data))
    assert code == 1 and f"entry {new.id}" in out and "hash does not match" in out


def test_fund_and_org_exports_verify_from_stdin(download, world):  # noqa: F811
    for scope in ({"fund": world["fund"]}, {"org": world["org"]}):
        data, _ = download(**scope)
        code, out = run("-", stdin=json.dumps(data, ensure_ascii=False))
        assert code == 0 and out.startswith("OK: "), out


def test_the_cli_export_verifies_too(runner, world, tmp_path):  # noqa: F811
    out = tmp_path / "cli.json"
    assert runner.invoke(args=["ledger", "export", "--format", "json", "-o", str(out)]).exit_code == 0
    code, text = run(out)
    assert code == 0 and text.endswith("hashes agree\n"), text


def test_a_changed_amount_is_caught(download):
    data, save = download()
    entry = public(data)[0]
    entry["postings"][0]["amount"] += 100
    code, out = run(save(data))
    assert code == 1
    assert f"entry {entry['id']} (lane {entry['lane']}, seq {entry['seq']}): hash does not match" in out
    assert "do not balance" in out and ("inflow" in out or "outflow" in out)


def test_a_changed_memo_is_caught(download):
    data, save = download()
    entry = public(data)[-1]
    entry["memo"] = entry["memo"] + " (edited)"
    code, out = run(save(data))
    assert code == 1 and f"entry {entry['id']}" in out and "hash does not match" in out
    assert out.startswith("FAILED: 1 problem(s) found")


def a_lane_holds(entries: int) -> None:
    """Add payouts until some lane holds `entries` entries.

    Each transaction picks its lane at random among 16, so the world's dozen or so entries all land in
    lanes of their own now and then; by pigeonhole, 16 * (entries - 1) + 1 entries always suffice.
    """
    for n in range(locks.LANES * (entries - 1) + 1):
        if db.session.execute(select(LedgerEntry.lane).group_by(LedgerEntry.lane)
                              .having(func.count() >= entries)).first():
            return
        postings.payout(f"po_{n}", 100)
        db.session.commit()
    raise AssertionError(f"no lane holds {entries} entries")


def test_an_entry_removed_from_the_middle_of_a_lane_is_caught(download):
    a_lane_holds(3)
    data, save = download()
    lanes = {}
    for e in data["entries"]:
        lanes.setdefault(e["lane"], []).append(e)
    lane, entries = max(lanes.items(), key=lambda item: len(item[1]))
    middle = sorted(entries, key=lambda e: e["seq"])[1]
    data["entries"].remove(middle)
    code, out = run(save(data))
    assert code == 1 and f"lane {lane}: missing seq {middle['seq']}" in out


def test_a_relinked_entry_is_caught(download):
    a_lane_holds(2)  # an entry with a previous one in its lane
    data, save = download()
    entry = next(e for e in data["entries"] if e["seq"] > 1)
    entry["prev_hash"] = "f" * 64
    code, out = run(save(data))
    assert code == 1 and "previous hash does not match" in out


def test_a_changed_footer_total_is_caught(download, world):  # noqa: F811
    data, save = download(fund=world["fund"])
    row = data["totals"]["accounts"][0]
    row["closing"] += 1
    code, out = run(save(data))
    assert code == 1 and f"account {row['account_id']}: opening" in out and "is not the closing balance" in out
    row["closing"] -= 1
    data["totals"]["entries"] += 1
    code, out = run(save(data))
    assert code == 1 and "entries, the file holds" in out


def test_unreadable_files_exit_2(tmp_path):
    code, out = run(tmp_path / "missing.json")
    assert code == 2 and "Cannot read" in out
    broken = tmp_path / "broken.json"
    broken.write_text('{"entries": [', encoding="utf-8")
    assert run(broken)[0] == 2
    broken.write_text('{"grants": []}', encoding="utf-8")
    code, out = run(broken)
    assert code == 2 and "not a Goodhours ledger file" in out
