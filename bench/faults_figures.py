"""The figures `faults.py` prints, read after the load from the database, the mail sink, the logs and
what the clients saw. Plain SQL on purpose: the bench judges the app, it does not ask it."""
from __future__ import annotations

import email
import re
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

from sqlalchemy import text

RECEIPT = re.compile(r"R-\d+-\d{4}-\d{6}")
PENDING_WORDS = ("pending", "queued", "new", "retry", "retrying", "sending", "scheduled", "waiting")


def columns(conn, table: str) -> set[str]:
    return set(conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                                 "AND table_schema = current_schema()"), {"t": table}).scalars())


def outbox_tables(conn) -> list[str]:
    return list(conn.execute(text("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                  "current_schema() AND table_name LIKE '%outbox%'")).scalars())


def outbox_waiting(conn) -> int:
    """Count outbox rows not yet delivered (0 when the app has no outbox table)."""
    waiting = 0
    for table in outbox_tables(conn):
        have = columns(conn, table)
        if "status" in have:
            waiting += conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE lower(status) = ANY(:w)'),
                                    {"w": list(PENDING_WORDS)}).scalar()
        else:
            done = next((c for c in ("sent_at", "delivered_at", "done_at", "processed_at") if c in have), None)
            failed = next((c for c in ("failed_at", "dead_at", "given_up_at") if c in have), None)
            if done:
                where = f"{done} IS NULL" + (f" AND {failed} IS NULL" if failed else "")
                waiting += conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE {where}')).scalar()
    return waiting


def jobs_running(conn) -> int:
    """Count rows still "running" or "started" in any table of jobs the app may keep (none today)."""
    running = 0
    for table in conn.execute(text("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                   "current_schema() AND table_name LIKE '%job%'")).scalars():
        if "status" in columns(conn, table):
            running += conn.execute(text(f'SELECT count(*) FROM "{table}" WHERE lower(status) IN '
                                         "('running', 'started')")).scalar()
    return running


def imports_running(conn) -> int:
    return conn.execute(text("SELECT count(*) FROM import_batch WHERE status IN ('checking', 'posting')")).scalar()


def stuck_imports(conn, confirmed: set[int]) -> tuple[int, Counter]:
    """Return how many sheets are stuck, and every sheet's final status.

    Stuck: still checking or posting after the grace period, or confirmed but back to "checked" with
    no message for the coordinator (a failed status, or a message column that says something, is fine).
    """
    have = columns(conn, "import_batch")
    message = next((c for c in ("problem", "error", "error_message", "failure", "failure_message", "message",
                                "last_error") if c in have), None)
    select_message = f", coalesce(CAST({message} AS text), '')" if message else ", ''"
    statuses: Counter = Counter()
    stuck = 0
    for batch_id, status, said in conn.execute(text(f"SELECT id, status{select_message} FROM import_batch")):
        statuses[status] += 1
        if status in ("checking", "posting"):
            stuck += 1
        elif status == "checked" and batch_id in confirmed and not said.strip():
            stuck += 1
    return stuck, statuses


def credited_rejections(conn) -> tuple[int, int]:
    """Return the rejected attendances and hour reports that keep an unreversed credit, and its minutes."""
    records = minutes = 0
    for table, prefix in (("attendance", "attendance"), ("hour_report", "claim")):
        row = conn.execute(text(f"""
            WITH credit AS (
                SELECT r.id AS record_id, r.entry_id AS entry_id FROM {table} r
                WHERE r.status = 'rejected' AND r.entry_id IS NOT NULL
                UNION
                SELECT r.id, e.id FROM {table} r
                JOIN ledger_entry e ON e.idempotency_key = :prefix || r.id || :suffix
                WHERE r.status = 'rejected')
            SELECT count(DISTINCT c.record_id), coalesce(sum(p.amount), 0)
            FROM credit c JOIN ledger_posting p ON p.entry_id = c.entry_id AND p.amount > 0
            WHERE NOT EXISTS (SELECT 1 FROM ledger_entry x WHERE x.reverses_id = c.entry_id)"""),
            {"prefix": f"{prefix}:", "suffix": ":approve"}).one()
        records, minutes = records + row[0], minutes + row[1]
    return records, minutes


def double_claims(conn) -> int:
    return conn.execute(text("SELECT count(*) FROM (SELECT listing_id FROM wish_claim WHERE status = 'active' "
                             "GROUP BY listing_id HAVING count(*) > 1) AS d")).scalar()


def gifts(conn) -> tuple[int, int]:
    """Return completed donations and the donation ledger entries beyond one each."""
    completed = conn.execute(text("SELECT count(*) FROM donation WHERE status = 'completed'")).scalar()
    entries = conn.execute(text("SELECT count(*) FROM ledger_entry WHERE kind = 'donation'")).scalar()
    return completed, max(0, entries - completed)


def expected_receipts(conn) -> dict[str, str]:
    """Return receipt number -> donor email for every completed gift with a donor who has an address."""
    return dict(conn.execute(text(
        "SELECT d.receipt_no, u.email FROM donation d JOIN user_account u ON u.id = d.donor_id "
        "WHERE d.status = 'completed' AND d.receipt_no IS NOT NULL AND u.email <> ''")).all())


def delivered(folder: Path) -> list[tuple[list[str], str]]:
    """Return (recipients, subject) of every message the sink kept."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        to = [a.strip().lower() for a in (message.get("X-Sink-To") or "").split(",") if a.strip()]
        found.append((to, str(make_header(decode_header(message.get("Subject", ""))))))
    return found


def mail_figures(expected: dict[str, str], messages: list[tuple[list[str], str]]) -> dict:
    """Match each receipt email to its gift: lost (never delivered), duplicated (beyond one), unexpected."""
    seen: Counter = Counter()
    unexpected = 0
    others: Counter = Counter()
    for recipients, subject in messages:
        number = RECEIPT.search(subject)
        if number is None:
            others[subject] += len(recipients)
            continue
        for to in recipients:
            if expected.get(number.group(0), "").lower() == to:
                seen[number.group(0)] += 1
            else:
                unexpected += 1
    lost = sum(1 for number in expected if not seen[number])
    duplicated = sum(count - 1 for count in seen.values() if count > 1)
    return {"expected": len(expected), "delivered": sum(seen.values()), "lost": lost, "duplicated": duplicated,
            "unexpected": unexpected, "others": others}


def deadlocks_in_pg_log(path: Path, offset: int, database: str) -> int | None:
    """Count "deadlock detected" errors of our database written to the server log since `offset`."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            lines = log.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    return sum(1 for line in lines if "deadlock detected" in line and f"@{database} " in line)


def lines_starting(paths: list[Path], prefix: str) -> int:
    """Count log lines that start with `prefix` (one per exception, however it was chained)."""
    count = 0
    for path in paths:
        try:
            count += sum(1 for line in path.read_text("utf-8", "replace").splitlines() if line.startswith(prefix))
        except OSError:
            pass
    return count
