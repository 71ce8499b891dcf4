"""What the OpenAPI document says of fields whose valid values no schema type can list: references to other
records and rules the service checks, so a client learns why a well-formed value may still be refused (422).

These only document: the services check them and name the field in a translated message.
"""
from __future__ import annotations

CURSOR = "the next_cursor of the previous page, unchanged; any other value is refused (422)"
DISTRICT_ID = "an id from GET /api/v1/districts; any other is refused (422)"
EMAIL = {"format": "email"}
PERSON_PHONE = r"^[0-9+\- ]*$"
TIME_RANGE = "ISO 8601, in the years 2000 to 2999; without an offset, Guangzhou time"
