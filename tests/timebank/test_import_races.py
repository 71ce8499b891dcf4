"""Imports confirmed at once, with hour gifts alongside, on PostgreSQL: nobody deadlocks, all is posted."""
import random
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.timebank.hours import savings
from marketplace.timebank.imports import service as imports
from marketplace.timebank.imports.models import ImportBatch
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.test_imports import sheet, today, upload

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS, IMPORTS, GIFTS, ROWS = 4, 3, 3, 60


def test_imports_confirmed_together_with_gifts_alongside_all_post_without_deadlock(app, team, create_user):
    people = [create_user() for _ in range(20)]
    emails, ids = [p.email for p in people], [p.id for p in people]
    rng = random.Random(13)
    first = imports.check_import(team.coordinator, team.org, "savings to give", upload(sheet(
        *[(e, (today() - timedelta(days=60)).isoformat(), "", "", "120", "seed") for e in emails[:6]])))
    imports.confirm_import(team.coordinator, first.id)
    for round_ in range(ROUNDS):
        batches = []
        for n in range(IMPORTS):
            day = (today() - timedelta(days=1 + round_ * IMPORTS + n)).isoformat()
            rows = [(rng.choice(emails), day, "", "", "1", f"r{round_} b{n} row {i}") for i in range(ROWS)]
            batches.append(imports.check_import(team.coordinator, team.org, f"round {round_} sheet {n}",
                                                upload(sheet(*rows))).id)

        def work(i, round_=round_, batches=batches):
            if i < IMPORTS:
                return imports.confirm_import(db.session.get(User, team.coordinator.id), batches[i]).status
            done = 0
            for n in range(10):
                giver, recipient = random.Random(round_ * 100 + i * 10 + n).sample(range(6), 2)
                savings.give_hours(db.session.get(User, ids[giver]), emails[recipient], 1,
                                   key=f"gift-{round_}-{i}-{n}")
                done += 1
            return done

        results = run_together(app, IMPORTS + GIFTS, work)
        assert results == ["posted"] * IMPORTS + [10] * GIFTS, results
        db.session.expire_all()
        assert {db.session.get(ImportBatch, b).status for b in batches} == {"posted"}
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "hours.import")) \
        == ROUNDS * IMPORTS * ROWS + 6
