"""The hash chain: how an entry's content is written down and hashed (see docs/ledger.md).

Scheme 1 (entries written before migration 0018) covers the acting user's id. Scheme 2 covers
`actor_ref` instead: a SHA-256 of a private random salt kept with the entry and the user's id, so the
published content names no user, yet `flask ledger verify`, which reads the salt and the id, still
catches a changed actor.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime

SCHEME_VERSION = 2  # every new entry
SCHEMES = (1, 2)  # what verify and the exports understand
PER_ENTRY = "per-entry"  # an export's header: each entry carries its own "v"


def timestamp(value: datetime) -> str:
    """Write a time as UTC with microseconds, as the hash sees it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_salt(actor_id: int | None) -> str | None:
    """Return a fresh private salt for an entry's actor (none when nobody acted)."""
    return secrets.token_hex(16) if actor_id is not None else None


def actor_ref(salt: str | None, actor_id: int | None) -> str | None:
    """Return the public reference to an entry's actor: unlinkable and unguessable without the salt."""
    if actor_id is None:
        return None
    return hashlib.sha256(f"{salt or ''}|{actor_id}".encode()).hexdigest()


def canonical(
    *,
    lane: int,
    seq: int,
    key: str,
    kind: str,
    memo: str,
    effective_date: date,
    created_at: datetime,
    reverses_id: int | None,
    postings: Iterable[tuple[int, str, int]],
    v: int = SCHEME_VERSION,
    actor_id: int | None = None,
    actor_ref: str | None = None,
) -> str:
    """Return the canonical JSON of an entry; postings are (account id, unit, amount).

    Scheme 1 covers `actor_id`, scheme 2 `actor_ref` (pass the one the scheme covers).
    """
    if v not in SCHEMES:
        raise ValueError(f"unknown hash scheme {v!r}")
    who = {"actor_id": actor_id} if v == 1 else {"actor_ref": actor_ref}
    return json.dumps(
        {
            "v": v,
            "lane": lane,
            "seq": seq,
            "key": key,
            "kind": kind,
            "memo": memo,
            "effective_date": effective_date.isoformat(),
            "created_at": timestamp(created_at),
            **who,
            "reverses_id": reverses_id,
            "postings": sorted([int(a), str(u), int(n)] for a, u, n in postings),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def content_of(entry, postings, *, seq: int | None = None) -> str:
    """Return the canonical content of an entry (any scheme), recomputing its actor_ref from its salt."""
    who = ({"actor_id": entry.actor_id} if entry.hash_scheme == 1
           else {"actor_ref": actor_ref(entry.actor_salt, entry.actor_id)})
    return canonical(
        v=entry.hash_scheme, lane=entry.lane, seq=entry.seq if seq is None else seq, key=entry.idempotency_key,
        kind=entry.kind, memo=entry.memo, effective_date=entry.effective_date, created_at=entry.created_at,
        reverses_id=entry.reverses_id, postings=postings, **who)


def canonical_around_seq(entry, postings) -> tuple[str, str]:
    """Split an entry's canonical content around its `seq` value, for a database that picks the seq.

    `"seq"` sorts second-to-last (before `"v"`) in every scheme, so the content is head + str(seq) + tail.
    """
    content = content_of(entry, postings, seq=0)
    tail = f',"v":{entry.hash_scheme}}}'
    head = content[: -len("0" + tail)]
    assert head.endswith('"seq":') and content == head + "0" + tail
    return head, tail


def entry_hash(prev_hash: str, content: str) -> str:
    """Chain one entry onto the previous hash of its lane."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()
