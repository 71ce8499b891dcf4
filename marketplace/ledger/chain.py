"""The hash chain: how an entry's content is written down and hashed (see docs/ledger.md)."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

SCHEME_VERSION = 1


def timestamp(value: datetime) -> str:
    """Write a time as UTC with microseconds, as the hash sees it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    lane: int,
    seq: int,
    key: str,
    kind: str,
    memo: str,
    effective_date: date,
    created_at: datetime,
    actor_id: int | None,
    reverses_id: int | None,
    postings: Iterable[tuple[int, str, int]],
) -> str:
    """Return the canonical JSON of an entry; postings are (account id, unit, amount)."""
    return json.dumps(
        {
            "v": SCHEME_VERSION,
            "lane": lane,
            "seq": seq,
            "key": key,
            "kind": kind,
            "memo": memo,
            "effective_date": effective_date.isoformat(),
            "created_at": timestamp(created_at),
            "actor_id": actor_id,
            "reverses_id": reverses_id,
            "postings": sorted([int(a), str(u), int(n)] for a, u, n in postings),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def canonical_around_seq(**fields) -> tuple[str, str]:
    """Split the canonical content around its `seq` value, for a database that picks the seq.

    `"seq"` sorts second-to-last (before `"v"`), so the content is head + str(seq) + tail.
    """
    content = canonical(seq=0, **fields)
    tail = f',"v":{SCHEME_VERSION}}}'
    head = content[: -len("0" + tail)]
    assert head.endswith('"seq":') and content == head + "0" + tail
    return head, tail


def entry_hash(prev_hash: str, content: str) -> str:
    """Chain one entry onto the previous hash of its lane."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()
