"""The stores part of the meal world (see tests/meals/world.py)."""
from __future__ import annotations


def stores_of(firm, people) -> dict:
    return {}
