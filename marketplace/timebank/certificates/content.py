"""Facts read back from a certificate's frozen content, shared by its pages and its PDF."""
from __future__ import annotations

from datetime import UTC, date, datetime

from marketplace.platform.timeutil import local_date

ISSUED_AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def issued_on(content: dict) -> date:
    """Return the local date a certificate was issued, read from its hashed content."""
    return local_date(datetime.strptime(content["issued_at"], ISSUED_AT_FORMAT).replace(tzinfo=UTC))
