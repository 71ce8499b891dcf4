"""Run a unit of work as one transaction, and again when PostgreSQL aborts it for a deadlock or a
serialization failure: the other transaction went through, so ours can simply be repeated.

The service entry points that post several ledger entries (or take rows in no fixed order) run
through `retrying` (or are decorated `@retried`), so such an abort reaches the user only after a few
tries, as a clear `Busy`.
"""
from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError

from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db

T = TypeVar("T")
P = ParamSpec("P")
RETRYABLE = ("40001", "40P01")  # serialization failure, deadlock detected
ATTEMPTS = 4
PAUSE_SECONDS = 0.05  # doubled after each attempt, with jitter
log = logging.getLogger(__name__)


class Busy(Conflict):
    code = "busy"
    default_message = _l("Many people are saving changes at this moment and nothing was saved. Please try again.")


def is_retryable(error: BaseException) -> bool:
    """Tell whether the database aborted the transaction for a deadlock or a serialization failure."""
    orig = getattr(error, "orig", None)
    return isinstance(error, DBAPIError) and getattr(orig, "sqlstate", None) in RETRYABLE


def retrying(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """Run `work()` and commit; after a deadlock or serialization failure roll back and run it again.

    Inside another `retrying` the work simply runs: the outer call owns the transaction.
    :raise Busy: the database still aborted it at the last attempt (then nothing was saved).
    """
    session = db.session()
    if session.info.get("retrying"):
        return work()
    session.info["retrying"] = True
    try:
        for attempt in range(1, attempts + 1):
            try:
                result = work()
                db.session.commit()
                return result
            except DBAPIError as error:
                db.session.rollback()
                if not is_retryable(error):
                    raise
                if attempt == attempts:
                    log.warning("Gave up after %d attempts: %s", attempts, error.orig)
                    raise Busy() from error
                log.info("Retrying after %s (attempt %d)", error.orig.__class__.__name__, attempt)
                time.sleep(random.uniform(0, PAUSE_SECONDS * 2 ** attempt))
        raise AssertionError("unreachable")
    finally:
        session.info.pop("retrying", None)


def retried(verb: Callable[P, T]) -> Callable[P, T]:
    """Make a service verb one transaction run through `retrying`: its body flushes, this commits."""

    @functools.wraps(verb)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return retrying(lambda: verb(*args, **kwargs))

    return run
