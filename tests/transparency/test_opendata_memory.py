"""Open data exports stream: memory stays flat as the ledger grows."""
from __future__ import annotations

import tracemalloc

from marketplace.ledger import export
from marketplace.payments import postings
from marketplace.platform.extensions import db
from marketplace.transparency import opendata


def peak_of(fmt: str) -> tuple[int, int]:
    """Peak traced memory and bytes written by one export, measured on a second run so that
    one-off costs (statements compiled into the engine's cache, caches filled by the first
    request of the process) are not counted as growth."""
    sum(len(chunk) for chunk in opendata.stream_lines(fmt))
    tracemalloc.start()
    size = sum(len(chunk) for chunk in opendata.stream_lines(fmt))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, size


def grow(start: int, count: int) -> None:
    for n in range(start, start + count):
        postings.payout(f"po_{n}", 100 + n)
    db.session.commit()


def test_export_memory_does_not_grow_with_the_ledger(app, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 100)  # rows per fetch: both ledgers below span many fetches
    grow(0, 300)
    small = {fmt: peak_of(fmt) for fmt in ("json", "csv")}
    grow(300, 900)
    for fmt in ("json", "csv"):
        peak, size = peak_of(fmt)
        assert size > 3 * small[fmt][1]  # four times the lines...
        assert peak < small[fmt][0] * 1.5  # ...in about the same memory
