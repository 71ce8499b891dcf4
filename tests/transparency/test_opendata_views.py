"""Open data routes: anonymous, streamed downloads with clear answers to bad arguments."""
from __future__ import annotations

import json
from datetime import timedelta

from marketplace.platform.timeutil import local_today
from tests.transparency.test_opendata import SECRET_ACTIVITY, world  # noqa: F401 (fixture)


def test_index_explains_the_downloads(client):
    page = client.get("/transparency/data/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "verify_chain.py" in html and "/transparency/data/ledger.csv" in html
    assert "/transparency/data/360giving.json" in html and "docs/transparency.md" in html


def test_json_download_is_streamed_as_an_attachment(client, world):  # noqa: F811
    response = client.get(f"/transparency/data/ledger.json?fund={world['fund'].public_code}")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="goodhours-ledger_fund-{world["fund"].public_code}.json"')
    data = json.loads(response.get_data(as_text=True))
    assert data["scope"]["fund"] == world["fund"].public_code and data["entries"]


def test_csv_download_for_an_organisation_and_range(client, world):  # noqa: F811
    today = local_today().isoformat()
    response = client.get(f"/transparency/data/ledger.csv?org={world['org'].id}&from={today}&to={today}")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert f"org-{world['org'].id}_{today}-to-{today}.csv" in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffentry_id,") and "donation" in body


def test_platform_json_hides_hours(client, world):  # noqa: F811
    body = client.get("/transparency/data/ledger.json").get_data(as_text=True)
    assert '"sealed": true' in body and SECRET_ACTIVITY not in body
    assert world["volunteer"].email not in body


def test_unknown_fund_or_org_is_404(client, world):  # noqa: F811
    assert client.get("/transparency/data/ledger.json?fund=nosuchfund").status_code == 404
    assert client.get("/transparency/data/ledger.csv?org=999999").status_code == 404
    assert client.get("/transparency/data/ledger.csv?org=abc").status_code == 404
    assert client.get("/transparency/data/360giving.json?org=0").status_code == 404
    # a fund of another organisation than the one named
    other = world["other_fund"].public_code
    assert client.get(f"/transparency/data/ledger.json?org={world['org'].id}&fund={other}").status_code == 404


def test_bad_dates_are_400_with_a_clear_message(client):
    response = client.get("/transparency/data/ledger.json?from=2026-13-01")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_json()["error"]["message"]
    assert client.get("/transparency/data/ledger.csv?to=yesterday").status_code == 400
    assert client.get("/transparency/data/360giving.json?from=20260101").status_code == 400
    later, earlier = local_today().isoformat(), (local_today() - timedelta(days=3)).isoformat()
    response = client.get(f"/transparency/data/ledger.csv?from={later}&to={earlier}")
    assert response.status_code == 400 and "must not be after" in response.get_json()["error"]["message"]
