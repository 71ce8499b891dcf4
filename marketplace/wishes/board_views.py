"""Placeholder: pages arrive with the wishes pages."""
from marketplace.wishes.views import bp  # noqa: F401
