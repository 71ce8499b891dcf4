"""Only the ledger reads the ledger: no module in marketplace/ outside marketplace/ledger/ names a
ledger model class or a ledger table.

Allowed: `marketplace/models.py` (it imports every model so Alembic sees them) and a domain column's
`ForeignKey("ledger_entry.id")` (the domain's own column pointing at an entry). Migrations and tests may
name the tables. Run `python -m tests.architecture.test_ledger_boundary [ROOT]` to list and count the
references in a tree (ROOT defaults to this checkout).
"""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from marketplace.ledger.causes import Cause, CauseKind

ROOT = Path(__file__).resolve().parents[2]
MODELS = {"LedgerAccount", "LedgerBalance", "LedgerChain", "LedgerEntry", "LedgerPosting", "LedgerHold",
          "LedgerHoldSettlement", "LedgerPeriodClose"}
TABLES = re.compile(r"\bledger_(account|balance|chain|entry|posting|hold|hold_settlement|period_close)\b")
ALLOWED_FILES = {"marketplace/models.py"}


def references(root: Path = ROOT) -> list[str]:
    """Return `path:line: what` for every reference to a ledger model or table outside the ledger package."""
    found = []
    for path in sorted((root / "marketplace").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("marketplace/ledger/") or rel in ALLOWED_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign_keys = {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
                        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "ForeignKey"
                        for arg in node.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in MODELS:
                found.append(f"{rel}:{node.lineno}: {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in MODELS:
                found.append(f"{rel}:{node.lineno}: .{node.attr}")
            elif isinstance(node, ast.ImportFrom):
                found += [f"{rel}:{node.lineno}: import {a.name}" for a in node.names if a.name in MODELS]
                if node.module == "marketplace.ledger.models":
                    found.append(f"{rel}:{node.lineno}: from marketplace.ledger.models")
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in foreign_keys
                  and (TABLES.search(node.value) or node.value in MODELS)):
                found.append(f"{rel}:{node.lineno}: {node.value[:60]!r}")
    return found


def test_no_module_outside_the_ledger_reads_its_tables():
    found = references()
    assert not found, "ledger models or tables named outside marketplace/ledger/ (ask ledger.queries):\n" + \
        "\n".join(found)


def test_every_cause_reads_back_from_its_key():
    for kind in CauseKind:
        for cause in (Cause(kind, 42), Cause(kind, "po_1Abc"), Cause(kind, 7, "approve"), Cause(kind, 3, "a:b")):
            if kind is CauseKind.TEST and cause.detail is not None:
                continue  # a test cause is its key, with no detail
            assert Cause.parse(cause.key) == cause, cause


def test_keys_are_the_ones_stored_before_causes_were_typed():
    expected = {
        Cause(CauseKind.DONATION, 12): "donation:12", Cause(CauseKind.EXCESS, 12): "excess:12",
        Cause(CauseKind.FEE, 12): "fee:12", Cause(CauseKind.REFUND, 12, 3000): "refund:12:3000",
        Cause(CauseKind.DISPUTE, 12): "dispute:12", Cause(CauseKind.PAYOUT, "po_9"): "payout:po_9",
        Cause(CauseKind.DISBURSEMENT, 5): "disbursement:5",
        Cause(CauseKind.DISBURSEMENT_BANK, 5): "disbursement-bank:5",
        Cause(CauseKind.REALLOCATION, 4): "reallocation:4", Cause(CauseKind.EXCESS_MEND, 8): "excess-mend:8",
        Cause(CauseKind.RECONCILIATION, 6): "reconciliation:line:6",
        Cause(CauseKind.ATTENDANCE, 2, "approve"): "attendance:2:approve",
        Cause(CauseKind.HOUR_REPORT, 2, "approve"): "claim:2:approve",
        Cause(CauseKind.HOURS_GIFT, 9, "k1"): "gift:9:k1", Cause(CauseKind.IMPORT, 3, 17): "import:3:17",
        Cause(CauseKind.POOL, 9, "k1"): "pool:9:k1", Cause(CauseKind.CARE, 9, "k1"): "care:9:k1",
        Cause(CauseKind.MEAL, 31): "meal:31", Cause(CauseKind.POINTS_EXCHANGE, 5): "points-exchange:5",
        Cause(CauseKind.EXCHANGE, 12): "exchange:12",
        Cause(CauseKind.REVERSAL, 77): "reversal:77", Cause(CauseKind.HOLD_POST, 4, "post"): "hold:4:post",
        Cause.test("seed-1"): "seed-1",
    }
    assert {cause.key for cause in expected} == set(expected.values())
    assert all(cause.key == key for cause, key in expected.items())
    assert set(CauseKind) == {cause.kind for cause in expected}


def main(argv: list[str]) -> int:
    root = Path(argv[0]).resolve() if argv else ROOT
    found = references(root)
    print("\n".join(found))
    print(f"{len(found)} references to ledger models or tables outside marketplace/ledger/ in {root}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
