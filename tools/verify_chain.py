#!/usr/bin/env python3
"""Re-check a Goodhours open-data ledger download: hashes, chain links, balanced entries and totals.

Usage: python tools/verify_chain.py goodhours-ledger.json   (or "-" to read standard input)

Standard library only, so anyone can run it without installing Goodhours. Exit status: 0 when
everything agrees, 1 when a problem is found (each is printed), 2 when the file cannot be read.
The hash scheme is written out again here on purpose (see docs/ledger.md, "The hash chain").
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict

SCHEMES = (1, 2)  # each entry's "v"; files written before scheme 2 have no "v" and say "hash_scheme": 1
PER_ENTRY = "per-entry"
GENESIS_HASH = "0" * 64


def canonical(entry: dict, postings: list) -> str:
    """Return an entry's canonical content, exactly as marketplace/ledger/chain.py writes it.

    Scheme 1 covers the user id `actor_id`; scheme 2 covers `actor_ref`, a salted hash that names nobody.
    """
    version = entry.get("v", 1)
    if version not in SCHEMES:
        raise ValueError(f"hash scheme {version!r} is not supported (this tool knows {SCHEMES})")
    who = {"actor_id": entry["actor_id"]} if version == 1 else {"actor_ref": entry["actor_ref"]}
    return json.dumps(
        {
            "v": version,
            "lane": entry["lane"],
            "seq": entry["seq"],
            "key": entry["key"],
            "kind": entry["kind"],
            "memo": entry["memo"],
            "effective_date": entry["effective_date"],
            "created_at": entry["created_at"],
            **who,
            "reverses_id": entry["reverses_id"],
            "postings": sorted([int(a), str(u), int(n)] for a, u, n in postings),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def entry_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def postings_of(entry: dict) -> list:
    """Read postings written as {"account_id", "unit", "amount"} objects or [account_id, unit, amount] lists."""
    found = []
    for p in entry["postings"]:
        found.append((p["account_id"], p["unit"], p["amount"]) if isinstance(p, dict) else tuple(p))
    return found


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def label(entry: dict) -> str:
    where = f"lane {entry.get('lane')}, seq {entry.get('seq')}"
    return f"sealed entry ({where})" if entry.get("sealed") else f"entry {entry.get('id')} ({where})"


class Checker:
    def __init__(self, data: dict):
        self.data = data
        self.problems: list[str] = []
        self.lanes: dict = defaultdict(dict)  # lane -> seq -> entry
        self.flows: dict = defaultdict(lambda: [0, 0])  # account id -> [inflow, outflow]
        self.entries = 0
        self.sealed = 0

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def check_entry(self, entry: dict) -> None:
        if not isinstance(entry, dict) or not is_int(entry.get("lane")) or not is_int(entry.get("seq")):
            self.problem(f"{label(entry) if isinstance(entry, dict) else entry!r}: no lane or seq")
            return
        if entry["seq"] in self.lanes[entry["lane"]]:
            self.problem(f"{label(entry)}: seq {entry['seq']} appears twice in lane {entry['lane']}")
        self.lanes[entry["lane"]][entry["seq"]] = entry
        if entry.get("sealed"):
            self.sealed += 1
            return
        self.entries += 1
        try:
            postings = postings_of(entry)
            content = canonical(entry, postings)
        except (KeyError, TypeError, ValueError) as error:
            self.problem(f"{label(entry)}: a field is missing or malformed ({error})")
            return
        if entry_hash(str(entry.get("prev_hash")), content) != entry.get("hash"):
            self.problem(f"{label(entry)}: hash does not match its content (changed amount, memo or other field)")
        if len(postings) < 2:
            self.problem(f"{label(entry)}: fewer than two postings")
        sums: dict = defaultdict(int)
        for account_id, unit, amount in postings:
            if not is_int(amount) or amount == 0:
                self.problem(f"{label(entry)}: amount {amount!r} is not a whole non-zero number")
                continue
            sums[unit] += amount
            flow = self.flows[account_id]
            flow[0 if amount > 0 else 1] += abs(amount)
        for unit, total in sums.items():
            if total != 0:
                self.problem(f"{label(entry)}: postings in {unit} do not balance (they sum to {total})")

    def check_links(self, complete: bool) -> None:
        for lane, by_seq in sorted(self.lanes.items()):
            for seq in sorted(by_seq):
                entry = by_seq[seq]
                if seq == 1 and entry.get("prev_hash") != GENESIS_HASH:
                    self.problem(f"{label(entry)}: the first entry of a lane must follow the genesis hash")
                before = by_seq.get(seq - 1)
                if before is not None and entry.get("prev_hash") != before.get("hash"):
                    self.problem(f"{label(entry)}: previous hash does not match the hash of seq {seq - 1}")
            if complete:
                missing = sorted(set(range(1, max(by_seq) + 1)) - set(by_seq))
                if missing:
                    shown = ", ".join(str(s) for s in missing[:10]) + (" …" if len(missing) > 10 else "")
                    self.problem(f"lane {lane}: missing seq {shown} (entries were removed)")

    def check_totals(self, totals: dict, platform: bool) -> None:
        if totals.get("entries") != self.entries:
            self.problem(f"totals: says {totals.get('entries')} entries, the file holds {self.entries}")
        if totals.get("sealed", 0) != self.sealed:
            self.problem(f"totals: says {totals.get('sealed')} sealed entries, the file holds {self.sealed}")
        listed = set()
        for row in totals.get("accounts", []):
            account = row.get("account_id")
            listed.add(account)
            inflow, outflow = self.flows.get(account, (0, 0))
            if row.get("inflow") != inflow:
                self.problem(f"totals: account {account}: inflow {row.get('inflow')} but the entries add to {inflow}")
            if row.get("outflow") != outflow:
                self.problem(f"totals: account {account}: outflow {row.get('outflow')} "
                             f"but the entries add to {outflow}")
            values = [row.get(k) for k in ("opening", "inflow", "outflow", "closing")]
            if not all(is_int(v) for v in values):
                self.problem(f"totals: account {account}: a total is not a whole number")
            elif values[0] + values[1] - values[2] != values[3]:
                self.problem(f"totals: account {account}: opening {values[0]} + inflow {values[1]} - outflow "
                             f"{values[2]} is not the closing balance {values[3]}")
        if platform:
            for account in sorted(set(self.flows) - listed):
                self.problem(f"totals: account {account} has entries but no totals")


def verify(data) -> tuple[list[str], str]:
    """Return the problems found in a downloaded file and a one-line summary."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ValueError("not a Goodhours ledger file (no list of entries)")
    if data.get("hash_scheme", 1) not in (1, PER_ENTRY):
        raise ValueError(f"hash scheme {data.get('hash_scheme')!r} is not supported (this tool knows 1 and "
                         f"{PER_ENTRY!r})")
    checker = Checker(data)
    for entry in data["entries"]:
        checker.check_entry(entry)
    checker.check_links(bool(data.get("complete_lanes")))
    scope = (data.get("scope") or {}).get("type", "platform")
    if isinstance(data.get("totals"), dict):
        checker.check_totals(data["totals"], scope == "platform")
    what = "hashes and totals agree" if "totals" in data else "hashes agree"
    sealed = f" ({checker.sealed:,} sealed)" if checker.sealed else ""
    return checker.problems, f"{checker.entries:,} entries{sealed}, {len(checker.lanes)} lanes, {what}"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2])
        return 2
    try:
        if argv[1] == "-":
            data = json.load(sys.stdin)
        else:
            with open(argv[1], encoding="utf-8-sig") as handle:
                data = json.load(handle)
        problems, summary = verify(data)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"Cannot read {argv[1]}: {error}", file=sys.stderr)
        return 2
    if problems:
        print(f"FAILED: {len(problems):,} problem(s) found")
        for text in problems:
            print(f"  - {text}")
        return 1
    print(f"OK: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
