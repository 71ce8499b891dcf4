"""360Giving export: paid disbursements as grants, valid against the 360Giving schema, with no household data."""
from __future__ import annotations

import csv
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from marketplace.platform.timeutil import local_today
from marketplace.transparency import giving360, giving360_codes
from tests.transparency.test_opendata import world  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = Path(os.environ.get("GIVING360_SCHEMA_DIR") or REPO / ".." / "shared" / "data" / "360giving")
needs_schema = pytest.mark.skipif(
    not (SCHEMA_DIR / "360-giving-package-schema.json").exists(),
    reason=f"360Giving schema and code lists not found in {SCHEMA_DIR} (set GIVING360_SCHEMA_DIR; "
           "they are CC BY 4.0 and kept outside the repository)")
PRIVATE = ("王秘密", "13800138000", "天河路1号", "青禾12", "百货店")


def package(**scope) -> dict:
    return json.loads("".join(giving360.stream_package(**scope)))


def codes(name: str) -> set[str]:
    with open(SCHEMA_DIR / name, encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def validate(data: dict) -> None:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text(encoding="utf-8"))
    outer = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    registry = Registry().with_resources([(outer["properties"]["grants"]["items"]["$ref"], resource),
                                          (grant["$id"], resource)])
    validator = Draft202012Validator(outer, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def by_purpose(data: dict, purpose: str) -> dict:
    return next(g for g in data["grants"] if g["description"] == purpose)


@needs_schema
def test_export_is_a_valid_360giving_package(world):  # noqa: F811
    data = package()
    assert len(data["grants"]) == 3  # the repair and the quilt of the charity, the other charity's repair
    validate(data)


@needs_schema
def test_every_code_used_is_in_the_360giving_code_lists(world):  # noqa: F811
    reasons, purposes = codes("grantToIndividualsReason.csv"), codes("grantToIndividualsPurpose.csv")
    for primary, secondary in giving360_codes.REASONS.values():
        assert primary in reasons and (secondary is None or secondary in reasons)
    for listed in giving360_codes.PURPOSES.values():
        assert set(listed) <= purposes
    assert giving360_codes.UNRESTRICTED in purposes
    for grant in package()["grants"]:
        details = grant.get("toIndividualsDetails", {})
        assert details.get("primaryGrantReason", "GTIR010") in reasons
        assert set(details.get("grantPurpose", [])) <= purposes


def test_a_household_wish_is_an_individual_recipient_without_private_data(world, app):  # noqa: F811
    data = package(org=world["org"])
    quilt = by_purpose(data, "购买棉被")
    paid = world["wish_paid"]
    assert quilt["id"] == f"360G-goodhours-{paid.public_code}"
    assert quilt["recipientIndividual"] == {"id": f"360G-goodhours-{paid.public_code}-IND",
                                            "name": "Individual Recipient"}
    assert "recipientOrganization" not in quilt
    # the household is an older person living alone; the listing is a micro-wish
    assert quilt["toIndividualsDetails"] == {"primaryGrantReason": "GTIR090", "grantPurpose": ["GTIP070"]}
    assert quilt["amountAwarded"] == 200 and quilt["currency"] == "CNY"
    assert datetime.fromisoformat(quilt["awardDate"].replace("Z", "+00:00")).tzinfo is not None
    assert quilt["fundingOrganization"] == [{"id": f"XI-GOODHOURS-{world['org'].id}", "name": "关爱协会",
                                             "alternateName": "Care Society"}]
    assert quilt["beneficiaryLocation"][0]["countryCode"] == "CN"
    body = json.dumps(data, ensure_ascii=False)
    for marker in PRIVATE:
        assert marker not in body


def test_a_payment_to_a_shop_names_the_shop(world):  # noqa: F811
    repair = by_purpose(package(org=world["org"]), "修门")
    assert repair["recipientOrganization"][0]["name"] == "五金店" and "recipientIndividual" not in repair
    assert repair["amountAwarded"] == 100


def test_scope_and_dates_filter_the_grants(world, app):  # noqa: F811
    app.config["GIVING360_PREFIX"] = "360G-test"
    ours = package(org=world["org"])
    assert len(ours["grants"]) == 2 and all(g["id"].startswith("360G-test-") for g in ours["grants"])
    assert ours["publisher"]["identifier"] == f"XI-GOODHOURS-{world['org'].id}"
    assert package(since=local_today() + timedelta(days=1))["grants"] == []
    assert len(package(since=local_today(), until=local_today())["grants"]) == 3


def test_route_streams_the_package(client, world):  # noqa: F811
    response = client.get(f"/transparency/data/360giving.json?org={world['org'].id}")
    assert response.status_code == 200 and response.is_streamed
    assert 'filename="goodhours-360giving_org-' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert len(data["grants"]) == 2
    if (SCHEMA_DIR / "360-giving-package-schema.json").exists():
        validate(data)
