"""Domain errors raised by services; the web and API edges map them in one place."""
from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A rule was broken; `message` is translated when shown, `fields` names bad inputs."""

    status = 400
    code = "bad_request"
    default_message: LazyString = _l("The request could not be completed.")

    def __init__(self, message: str | LazyString | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        super().__init__(self.message)


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    default_message = _l("Some fields need correcting.")


class NotFound(DomainError):
    """Also raised when an object exists but the user may not see it: both answer alike."""

    status = 404
    code = "not_found"
    default_message = _l("We could not find that page.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You do not have permission to do that.")


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = _l("Please log in first.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("That conflicts with the current state; reload and try again.")


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_requests"
    default_message = _l("Too many attempts. Please wait a few minutes and try again.")
