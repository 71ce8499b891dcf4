"""Absolute links — reset and invitation emails, checkout addresses, QR codes — are built on SITE_URL, so a
forged Host or X-Forwarded-Host never mails a victim a link to the attacker's site."""
import re
from pathlib import Path

import pytest

import config
from marketplace.funds import service as funds
from marketplace.platform.links import site_url

SITE = "https://goodhours.example"
FORGED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}
# behind one trusted proxy, with Flask's own SERVER_NAME unset, as in production
BEHIND_A_PROXY = {"SITE_URL": SITE, "PROXY_HOPS": 1, "SERVER_NAME": None}


def _links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


@pytest.mark.parametrize("app_config", [BEHIND_A_PROXY])
def test_a_reset_email_asked_for_with_a_forged_host_links_to_the_site(client, create_user, mailbox):
    create_user(email="victim@example.org")
    page = client.get("/auth/reset", headers=FORGED).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/reset", data={"email": "victim@example.org", "csrf_token": token}, headers=FORGED)
    assert response.status_code == 200
    [link] = _links(mailbox.messages[-1])
    assert link.startswith(f"{SITE}/auth/reset/") and "evil" not in mailbox.messages[-1].body


@pytest.mark.parametrize("app_config", [BEHIND_A_PROXY])
def test_an_invitation_sent_from_a_forged_host_links_to_the_site(client, auth, create_user, create_org,
                                                                  mailbox):
    admin = create_user(email="admin@example.org")
    org = create_org("charity", {admin: "admin"})
    client.environ_base.update({f"HTTP_{name.upper().replace('-', '_')}": value for name, value in FORGED.items()})
    auth.login("admin@example.org")
    response = auth.post(f"/orgs/{org.id}/members/invite", {"email": "helper@example.org", "role": "member"},
                         form_page=f"/orgs/{org.id}/members")
    assert response.status_code == 302
    [link] = _links(mailbox.messages[-1])
    assert link.startswith(f"{SITE}/orgs/invitations/"), link
    assert "evil" not in mailbox.messages[-1].body


@pytest.mark.parametrize("app_config", [BEHIND_A_PROXY])
def test_the_apis_checkout_address_asked_for_with_a_forged_host_is_on_the_site(client, create_user, create_org,
                                                                                headers):
    worker, donor = create_user(), create_user()
    org = create_org("charity", {worker: "staff"})
    fund = funds.create_fund(worker, org, kind="general", name_zh="社区关爱基金", name_en="Care Fund",
                             purpose="Help for elderly people living alone")
    response = client.post("/api/v1/donations", headers={**headers(donor), **FORGED},
                           json={"fund_code": fund.public_code, "amount_fen": 5_000, "display": "anonymous"})
    assert response.status_code == 201, response.json
    assert response.json["checkout_url"] == f"{SITE}/payments/demo/{response.json['code']}"


@pytest.mark.parametrize("app_config", [{"SITE_URL": "https://example.org/goodhours/", "SERVER_NAME": None}])
def test_links_outside_a_request_keep_the_sites_path(app):
    assert site_url("auth.reset_password", token="abc") == "https://example.org/goodhours/auth/reset/abc"


def test_no_code_builds_an_absolute_link_from_the_request():
    """Every absolute link goes through marketplace/platform/links.py, never the request's host."""
    root = Path(__file__).resolve().parents[2] / "marketplace"
    pattern = re.compile(r"(?<!force)_external\s*=\s*True|request\.(url|host_url|url_root|base_url)\b")
    offenders = [f"{path.relative_to(root)}:{number}" for path in root.rglob("*.py")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, f"build absolute links with marketplace.platform.links.site_url: {offenders}"


def test_in_development_links_follow_the_servers_host_and_port(tmp_path):
    values = config.load(tmp_path, environ={"HOST": "0.0.0.0", "PORT": "5102"})
    assert values["SITE_URL"] == "http://127.0.0.1:5102"
    assert config.load(tmp_path, environ={"PORT": "5102", "SITE_URL": "http://box.lan:80/"})["SITE_URL"] \
        == "http://box.lan:80"


@pytest.mark.parametrize("url", ["goodhours.example", "ftp://goodhours.example", "https://", "https://a.example/?x=1",
                                 "https://user:pw@a.example"])
def test_a_site_url_that_is_not_a_plain_address_stops_the_start(tmp_path, url):
    with pytest.raises(config.ConfigError, match="SITE_URL must be the site's address"):
        config.load(tmp_path, environ={"SITE_URL": url})


@pytest.mark.parametrize("app_config", [{"API_RATE_LIMIT": "1 per minute", "PROXY_HOPS": 1}])
def test_behind_one_trusted_proxy_clients_are_told_apart_by_the_address_it_saw_and_no_other(client):
    """The proxy appends the address it saw; what a client wrote before it is not believed."""
    def call(forwarded_for):
        return client.get("/api/v1/districts", headers={"X-Forwarded-For": forwarded_for}).status_code

    assert (call("203.0.113.1"), call("203.0.113.2")) == (200, 200)
    assert (call("198.51.100.7, 203.0.113.3"), call("198.51.100.8, 203.0.113.3")) == (200, 429)


def test_the_retired_trust_proxy_variable_stops_the_start_naming_its_successor(tmp_path):
    with pytest.raises(config.ConfigError, match="TRUST_PROXY is retired: set PROXY_HOPS"):
        config.load(tmp_path, environ={"TRUST_PROXY": "1"})
