"""Schemathesis over the whole JSON API: every answer's status is documented, its content type and body match
the schema (every error the one `Error` component), and none is a server error.

Each operation runs with generated paths, and again with the paths of real records of the demo (so answers
carry real rows, with their empty fields). Deterministic (derandomised) and bounded, so it runs in the suite
on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marketplace.platform.extensions import db

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}  # per operation: the test stays well under 60 s


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "100000 per minute"}  # the limit's own answer is tested on its own


def _build_demo() -> dict:
    """Seed the demo; return the first record of each kind a path names, by the path's parameter name."""
    from marketplace.demo import DOMAIN, seed_demo
    from marketplace.funds.models import Disbursement, Fund
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.payments.models import Donation
    from marketplace.timebank.care.models import CareRequest
    from marketplace.timebank.models import Activity, Attendance, HourReport
    from marketplace.wishes.models import Beneficiary, Cancellation, Listing, Pledge, WishClaim

    seed_demo()

    def first(model, column="id"):
        return db.session.scalar(db.select(getattr(model, column)).order_by(model.id).limit(1))

    found = {"org_id": first(Organisation), "membership_id": first(Membership), "activity_id": first(Activity),
             "attendance_id": first(Attendance), "report_id": first(HourReport), "care_id": first(CareRequest),
             "beneficiary_id": first(Beneficiary), "listing_code": first(Listing, "public_code"),
             "wish_claim_id": first(WishClaim), "pledge_id": first(Pledge), "cancellation_id": first(Cancellation),
             "fund_code": first(Fund, "public_code"), "disbursement_id": first(Disbursement),
             "donation_code": first(Donation, "public_code"), "email": f"orgadmin@{DOMAIN}"}
    return {name: value for name, value in found.items() if value is not None}


@pytest.fixture
def demo(saved_world, headers):
    """The demo's records, and the bearer headers of its organisation admin (the widest caller)."""
    from marketplace.auth.models import User

    records = saved_world("api-contract-demo", _build_demo)
    user = db.session.scalar(db.select(User).where(User.email == records["email"]))
    return records, headers(user, "write") | {"Accept-Language": "en"}


def _failure(operation, strategy, examples: int, caller: dict) -> str | None:
    """Run one operation's examples; return the first failure schemathesis reports, or None."""

    @given(case=strategy)
    @settings(max_examples=examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=caller, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # nothing in it can be spoilt (a negative run of an operation that takes no input)
        return None
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (reported with its operation)
        return f"{operation.label}:\n{error}"
    return None


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda mode: mode.value)
def test_api_keeps_its_contract(app, demo, mode):
    records, caller = demo
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    failures = []
    for operation in operations:
        strategies = [operation.as_strategy(generation_mode=mode)]
        names = [p.name for p in operation.path_parameters]
        if names and all(name in records for name in names):
            strategies.append(operation.as_strategy(generation_mode=mode,
                                                    path_parameters={name: records[name] for name in names}))
        failures += [found for strategy in strategies
                     if (found := _failure(operation, strategy, EXAMPLES[mode], caller))]
    assert not failures, f"{len(failures)} runs broke the contract:\n\n" + "\n".join(failures)
