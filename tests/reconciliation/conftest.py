"""Fixtures shared by the reconciliation tests: the world of tests/reconciliation/world.py and its charity's books."""
import pytest

from marketplace.reconciliation.books import books_for
from tests.reconciliation.world import build


@pytest.fixture
def world(create_user, create_org):
    return build(create_user, create_org)


@pytest.fixture
def books(world):
    return books_for(world.staff, world.org.id)
