"""Firm pages: the firm's standing for its members, the admins' leaderboard choice, and the public
leaderboard, which names firms and nothing else."""
from marketplace.firms import service
from marketplace.firms.models import FirmPreference
from marketplace.platform.extensions import db


def test_members_see_the_firms_money_hours_points_and_badge(client, auth, world, give, serve):
    give(world.fund, world.firm, 120_000, donor=world.worker)
    serve(world.worker, 180)
    auth.login(world.worker.email)
    page = client.get(f"/firms/{world.firm.id}").get_data(as_text=True)
    assert "Kind Tech" in page and "¥1,200.00" in page and "3 h" in page
    assert 'data-points>1203<' in page and 'data-badge="bronze"' in page and "Bronze caring firm" in page
    assert "General Fund" in page  # the latest gift on the firm's behalf
    assert "/leaderboard" in page and "Appear there" not in page  # a member does not choose


def test_outsiders_get_404_and_visitors_log_in(client, auth, world, create_user):
    url = f"/firms/{world.firm.id}"
    assert client.get(url).status_code == 302
    auth.login(create_user().email)
    assert client.get(url).status_code == 404
    assert client.get(f"/firms/{world.team.id}").status_code == 404  # not a firm


def test_the_admin_chooses_to_appear_and_to_leave(client, auth, world):
    url = f"/firms/{world.firm.id}"
    auth.login(world.boss.email)
    assert "Appear there" in client.get(url).get_data(as_text=True)
    response = auth.post(f"{url}/leaderboard", {"on": "1"}, form_page=url)
    assert response.status_code == 302 and service.is_on_leaderboard(world.firm)
    auth.post(f"{url}/leaderboard", {"on": "0"}, form_page=url)
    assert not service.is_on_leaderboard(world.firm)


def test_a_member_cannot_choose_for_the_firm(client, auth, world):
    url = f"/firms/{world.firm.id}"
    auth.login(world.worker.email)
    assert auth.post(f"{url}/leaderboard", {"on": "1"}, form_page=url).status_code == 404
    assert db.session.get(FirmPreference, world.firm.id) is None


def test_the_public_leaderboard_names_firms_only(client, world, give, serve, create_org, create_user):
    give(world.fund, world.firm, 300_000, donor=world.worker)
    serve(world.worker, 120)
    service.set_leaderboard(world.boss, world.firm, True)
    shy = create_org("firm", {create_user(): "admin"}, name_zh="低调公司", name_en="Quiet Ltd")
    give(world.fund, shy, 900_000)
    for query, heading in (("", "This month"), ("?period=year", "This year"), ("?period=nonsense", "This month")):
        response = client.get(f"/firms/leaderboard{query}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and heading in page
        assert "Kind Tech" in page and "3002 points" in page
        assert "Quiet Ltd" not in page
        for private in ("员工张三", "老板王总", world.worker.email, world.boss.email, "¥3,000.00"):
            assert private not in page


def test_the_leaderboard_reads_in_chinese(client, world, give):
    give(world.fund, world.firm, 300_000)
    service.set_leaderboard(world.boss, world.firm, True)
    page = client.get("/firms/leaderboard", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "爱心科技公司" in page and "Kind Tech" not in page
