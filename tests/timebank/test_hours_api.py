"""/api/v1 for saved hours: balance, statement, gifts, offline reports and certificate checks."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.hours import reports
from tests.api.conftest import api_error
from tests.timebank.test_savings import PDF, credit, upload


def test_hours_show_balance_service_and_stars(client, create_user, headers):
    volunteer = create_user()
    credit(volunteer, 100 * 60 + 30)
    body = client.get("/api/v1/me/hours", headers=headers(volunteer, "read")).get_json()
    assert body == {"posted": 6030, "held": 0, "available": 6030, "earned": 6030, "spent": 0, "stars": 1,
                    "next_star_minutes": 200 * 60 - 30}
    api_error(client.get("/api/v1/me/hours"), 401)


def test_statement_pages_newest_first_with_running_balance(client, create_user, headers):
    volunteer, mother = create_user(), create_user(email="mother@example.org")
    credit(volunteer, 300)
    credit(volunteer, 60, kind="hours.claim")
    mine = headers(volunteer, "read")
    first = client.get("/api/v1/me/hours/statement?limit=1", headers=mine).get_json()
    assert [(line["amount"], line["balance_after"]) for line in first["lines"]] == [(60, 360)]
    rest = client.get("/api/v1/me/hours/statement", query_string={"cursor": first["next_cursor"]},
                      headers=mine).get_json()
    assert [(line["amount"], line["balance_after"]) for line in rest["lines"]] == [(300, 300)]
    assert rest["next_cursor"] is None
    theirs = client.get("/api/v1/me/hours/statement?limit=1", headers=headers(mother, "read")).get_json()
    assert theirs == {"lines": [], "next_cursor": None}
    stolen = client.get("/api/v1/me/hours/statement", query_string={"cursor": first["next_cursor"]},
                        headers=headers(mother, "read"))
    assert "cursor" in api_error(stolen, 422)["fields"]  # a cursor works for its own account only
    assert "limit" in api_error(client.get("/api/v1/me/hours/statement?limit=0", headers=mine), 422)["fields"]


def test_a_transfer_posts_once_per_key(client, create_user, headers):
    volunteer, mother = create_user(), create_user(email="mother@example.org")
    credit(volunteer, 600)
    gift = {"email": "Mother@example.org", "minutes": 120, "idempotency_key": "birthday"}
    first = client.post("/api/v1/me/hours/transfers", json=gift, headers=headers(volunteer))
    again = client.post("/api/v1/me/hours/transfers", json=gift, headers=headers(volunteer))
    assert first.status_code == again.status_code == 201
    assert first.get_json()["entry_id"] == again.get_json()["entry_id"] and first.get_json()["minutes"] == 120
    assert ledger.balance(savings_account(mother)).posted == 120
    assert ledger.balance(savings_account(volunteer)).posted == 480
    api_error(client.post("/api/v1/me/hours/transfers", json=gift | {"minutes": 60}, headers=headers(volunteer)), 409)


def test_transfers_are_refused_without_hours_or_a_recipient(client, create_user, headers):
    volunteer = create_user()
    create_user(email="mother@example.org")
    credit(volunteer, 60)
    gift = {"email": "mother@example.org", "minutes": 61, "idempotency_key": "k"}
    send = lambda body, scope="write": client.post("/api/v1/me/hours/transfers", json=body,  # noqa: E731
                                                   headers=headers(volunteer, scope))
    assert api_error(send(gift), 409)["code"] == "insufficient_balance"
    assert "email" in api_error(send(gift | {"email": "nobody@example.org"}), 422)["fields"]
    assert "email" in api_error(send(gift | {"email": volunteer.email}), 422)["fields"]
    assert "minutes" in api_error(send(gift | {"minutes": 0}), 422)["fields"]
    assert "idempotency_key" in api_error(send({"email": "mother@example.org", "minutes": 5}), 422)["fields"]
    api_error(send(gift | {"minutes": 5}, "read"), 403)
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.kind == "hours.gift")) == 0


@pytest.fixture
def report(team, create_user):
    volunteer = create_user(email="volunteer@example.org", display_name="王小明")
    return reports.submit_report(volunteer, team.org.id, now_utc().date() - timedelta(days=3), 90, "帮邻居搬家",
                                 upload(PDF, "证明.pdf"))


def test_volunteers_list_their_own_reports(client, report, create_user, headers):
    body = client.get("/api/v1/me/hour-reports", headers=headers(report.user, "read")).get_json()
    assert [(c["id"], c["minutes"], c["status"]) for c in body] == [(report.id, 90, "pending")]
    assert body[0]["evidence_url"] == f"/timebank/hour-reports/{report.id}/evidence"
    assert client.get("/api/v1/me/hour-reports", headers=headers(create_user(), "read")).get_json() == []


def test_reviewers_list_pending_reports_and_others_get_404(client, report, team, create_user, headers):
    path = f"/api/v1/orgs/{team.org.id}/hour-reports"
    response = client.get(path, headers=headers(team.coordinator, "read"))
    assert [(c["id"], c["volunteer_name"]) for c in response.get_json()] == [(report.id, "王小明")]
    assert "volunteer@example.org" not in response.get_data(as_text=True)
    stranger = headers(create_user(), "read")
    assert api_error(client.get(path, headers=stranger), 404) == api_error(
        client.get("/api/v1/orgs/999999/hour-reports", headers=stranger), 404)


def test_reports_are_approved_once_and_reversed(client, report, team, create_user, headers):
    base = f"/api/v1/hour-reports/{report.id}"
    api_error(client.post(base + "/approve", json={}, headers=headers(create_user())), 404)
    api_error(client.post(base + "/approve", json={}, headers=headers(report.user)), 404)  # not a reviewer
    assert client.post(base + "/approve", json={"note": "ok"}, headers=headers(team.coordinator)).status_code == 200
    client.post(base + "/approve", json={}, headers=headers(team.other_coordinator))
    assert ledger.balance(savings_account(report.user_id)).posted == 90
    api_error(client.post(base + "/reject", json={"note": "late"}, headers=headers(team.coordinator)), 409)
    body = client.post(base + "/reverse", json={"reason": "duplicate"}, headers=headers(team.coordinator)).get_json()
    assert body["status"] == "reversed" and ledger.balance(savings_account(report.user_id)).posted == 0


def test_reports_are_rejected_with_a_reason(client, report, team, headers):
    base = f"/api/v1/hour-reports/{report.id}"
    api_error(client.post(base + "/reverse", json={"reason": "x"}, headers=headers(team.coordinator)), 409)
    assert "note" in api_error(client.post(base + "/reject", json={"note": ""}, headers=headers(team.coordinator)),
                               422)["fields"]
    body = client.post(base + "/reject", json={"note": "no such service"}, headers=headers(team.coordinator)).get_json()
    assert (body["status"], body["review_note"]) == ("rejected", "no such service")


@pytest.mark.parametrize(("method", "old", "new"), [
    ("GET", "/api/v1/me/claims?x=1", "/api/v1/me/hour-reports?x=1"),
    ("GET", "/api/v1/orgs/7/claims", "/api/v1/orgs/7/hour-reports"),
    ("POST", "/api/v1/claims/7/approve", "/api/v1/hour-reports/7/approve"),
    ("GET", "/timebank/claims/new", "/timebank/hour-reports/new"),
    ("GET", "/timebank/orgs/7/claims", "/timebank/orgs/7/hour-reports"),
    ("GET", "/timebank/claims/7/evidence", "/timebank/hour-reports/7/evidence"),
])
def test_the_former_claims_addresses_answer_308_to_hour_reports(client, method, old, new):
    response = client.open(old, method=method, json={} if method == "POST" else None)
    assert response.status_code == 308 and response.headers["Location"].endswith(new)


def test_a_client_approving_at_the_former_address_still_approves(client, report, team, headers):
    response = client.post(f"/api/v1/claims/{report.id}/approve", json={"note": "ok"},
                           headers=headers(team.coordinator), follow_redirects=True)
    assert response.status_code == 200 and response.request.path == f"/api/v1/hour-reports/{report.id}/approve"
    assert ledger.balance(savings_account(report.user_id)).posted == 90


def test_a_certificate_is_checked_by_code_with_no_personal_data(client, report, team):
    reports.approve_report(report.id, team.coordinator)
    today = certificates.local_today()
    issued = certificates.issue_certificate(report.user, today - timedelta(days=30), today)
    typed = "-".join([issued.code[:4].lower(), issued.code[4:8], issued.code[8:]])
    body = client.get(f"/api/v1/certificates/{typed}").get_json()
    assert (body["code"], body["volunteer"], body["total_minutes"]) == (issued.code, "王**", 90)
    assert body["issuers"] == [{"zh": "天河义工队", "en": "Test Org"}]
    assert "王小明" not in str(body) and "volunteer@example.org" not in str(body) and "user_id" not in body
    api_error(client.get("/api/v1/certificates/AAAAAAAAAAAA"), 404)
    issued.content = issued.content | {"total_minutes": 9000}  # altered after issue
    db.session.commit()
    api_error(client.get(f"/api/v1/certificates/{issued.code}"), 404)


def test_the_spec_describes_every_time_bank_endpoint(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ["/api/v1/activities", "/api/v1/activities/{activity_id}", "/api/v1/orgs/{org_id}/activities",
                 "/api/v1/activities/{activity_id}/signup", "/api/v1/checkins",
                 "/api/v1/activities/{activity_id}/attendances", "/api/v1/attendances/{attendance_id}/reverse",
                 "/api/v1/me/hours", "/api/v1/me/hours/statement", "/api/v1/me/hours/transfers",
                 "/api/v1/me/hour-reports", "/api/v1/orgs/{org_id}/hour-reports",
                 "/api/v1/hour-reports/{report_id}/approve", "/api/v1/certificates/{code}"]:
        assert path in paths, path
    # a report is submitted on the site
    assert "/timebank/hour-reports/new" in paths["/api/v1/me/hour-reports"]["get"]["description"]
