"""Open data names no user: every public download (ledger CSV and JSON, 360Giving; platform, organisation and
fund scopes) is read for users' numbers. Staff with unmistakable account numbers approve and book the money;
entries name them only by a salted `actor_ref` (hash scheme 2), and the JSON still re-checks with
tools/verify_chain.py (docs/transparency.md)."""
from __future__ import annotations

import hashlib
import io
import json
import re

import pytest
from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.payments import demo_provider
from marketplace.payments import service as giving
from marketplace.platform.extensions import db
from tests.files import PDF
from tests.transparency.test_verify_chain import run as verify_chain

STAFF_IDS = (700_001, 700_002, 700_003)  # numbers no amount, code or hash of this world contains
PERSON_KEY = re.compile(r"(^|_)(actor|user|by|staff|requested|decided|approved|recorded|created|author)(_id)?$")


@pytest.fixture
def public_money(app, create_user, create_org):
    """A charity's fund with a gift and a disbursement requested by one member of staff and approved by another;
    return the scopes of the downloads."""
    app.config["MONEY_SECOND_PERSON_ABOVE_FEN"] = 1_000
    asker, approver, donor = (create_user(id=STAFF_IDS[0]), create_user(id=STAFF_IDS[1]),
                              create_user(id=STAFF_IDS[2]))
    charity = create_org("charity", {asker: "admin", approver: "admin"})
    fund = funds.create_fund(asker, charity, kind="general", name_zh="关爱基金", name_en="Care Fund")
    gift = giving.give_to_fund(donor, fund.public_code, 30_000, display="name")
    demo_provider.checkout(donor, gift.public_code, "pay")
    paid = disbursements.request_disbursement(asker, fund, payee="五金店", purpose="修门", amount_fen=10_000,
                                              evidence_file=FileStorage(io.BytesIO(PDF), filename="e.pdf"))
    disbursements.approve_disbursement(approver, paid.id)
    db.session.commit()
    return [{}, {"org": charity.id}, {"fund": fund.public_code}]


def downloads(client, scopes):
    for scope in scopes:
        for name in ("ledger.csv", "ledger.json", "360giving.json"):
            response = client.get(f"/transparency/data/{name}", query_string=scope)
            assert response.status_code == 200, (name, scope)
            yield f"{name} {scope}", name, response.get_data(as_text=True)


def keys_and_values(data, path=""):
    """Yield (path, key, value) for every key of a JSON document, at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield path, key, value
            yield from keys_and_values(value, f"{path}.{key}")
    elif isinstance(data, list):
        for item in data:
            yield from keys_and_values(item, f"{path}[]")


def test_no_public_download_carries_a_users_number(client, public_money):
    refs = []
    for label, name, body in downloads(client, public_money):
        if name.endswith(".csv"):
            header = body.lstrip("\ufeff").split("\r\n", 1)[0].split(",")
            assert not [column for column in header if PERSON_KEY.search(column)], label
            assert not any(str(n) in body for n in STAFF_IDS), label
            continue
        for path, key, value in keys_and_values(json.loads(body)):
            assert not PERSON_KEY.search(key), (label, path, key)  # actor_id included
            if key == "actor_ref" and value is not None:
                refs.append(value)
            if not isinstance(value, dict | list):
                assert not any(str(n) in str(value) for n in STAFF_IDS), (label, path, key)
    assert refs  # the world does have a member of staff behind a public entry
    bare = {hashlib.sha256(f"{prefix}{n}".encode()).hexdigest() for n in STAFF_IDS for prefix in ("", "|")}
    assert not bare & set(refs)  # not a hash of the number alone, which anyone could brute-force


def test_the_verifiable_downloads_keep_the_salts_private_and_still_verify(client, runner, public_money, tmp_path):
    salts = db.session.scalars(text("SELECT actor_salt FROM ledger_entry WHERE actor_salt IS NOT NULL")).all()
    assert salts
    cli = tmp_path / "cli.json"
    assert runner.invoke(args=["ledger", "export", "--format", "json", "-o", str(cli)]).exit_code == 0
    bodies = [(label, body) for label, name, body in downloads(client, public_money) if name == "ledger.json"]
    for label, body in [*bodies, ("flask ledger export", cli.read_text(encoding="utf-8"))]:
        assert '"actor_id"' not in body and not any(salt in body for salt in salts), label
        code, out = verify_chain("-", stdin=body)
        assert code == 0 and out.startswith("OK: "), (label, out)
