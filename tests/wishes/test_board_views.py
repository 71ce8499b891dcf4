"""The staff board: red, yellow and green lights, counts per organisation, the claimants whose
claims keep expiring, and the CSV export; staff and platform admins only."""
import re
from datetime import date, timedelta

import pytest

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import beneficiaries, claims, lights, service
from tests.wishes.conftest import PRIVATE


def light_of(page: str, listing) -> str:
    return re.search(rf'data-listing="{listing.id}" data-light="(\w+)"', page).group(1)


@pytest.fixture
def aged(station, create_listing):
    """Listings aged by hand: published 40 and 20 days ago and today, claimed past and near its deadline."""
    now = now_utc()
    red, yellow, green = (create_listing(title=t) for t in ("四十天没人认领", "二十天没人认领", "刚发布"))
    red.status_changed_at, yellow.status_changed_at = now - timedelta(days=40), now - timedelta(days=20)
    overdue, due_soon = create_listing(title="认领已过期限"), create_listing(title="认领快到期限")
    db.session.commit()
    for listing, deadline in ((overdue, now - timedelta(hours=1)), (due_soon, now + timedelta(days=1))):
        claims.claim_wish(listing.id, station.donor)
        listing.claim_deadline_at = deadline
    db.session.commit()
    return {"red": red, "yellow": yellow, "green": green, "overdue": overdue, "due_soon": due_soon}


def test_the_board_shows_each_listing_by_its_light(client, auth, station, aged):
    auth.login(station.checker.email)
    page = client.get("/wishes/board").get_data(as_text=True)
    expected = {"red": "red", "yellow": "yellow", "green": "green", "overdue": "red", "due_soon": "yellow"}
    for name, colour in expected.items():
        assert light_of(page, aged[name]) == colour, name
    assert "■</span> Red" in page and "▲</span> Yellow" in page and "●</span> Green" in page  # not colour alone
    assert page.index(aged["red"].title) < page.index(aged["yellow"].title) < page.index(aged["green"].title)
    counts = re.search(rf'data-org="{station.org.id}">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'data-light="red"[^>]*>2</td>', counts) and re.search(r'data-light="yellow"[^>]*>2</td>', counts)
    assert re.search(r'data-light="green"[^>]*>1</td>', counts)
    red_only = client.get("/wishes/board?light=red").get_data(as_text=True)
    assert aged["red"].title in red_only and aged["green"].title not in red_only


def test_the_board_counts_per_organisation_and_filters(client, auth, create_user, create_org, station, aged):
    other_worker, other_checker = create_user(display_name="海珠社工"), create_user(display_name="海珠督导")
    other = create_org("social_work_station", {other_worker: "staff", other_checker: "staff"},
                       name_zh="海珠社工站", name_en="Haizhu Station")
    household = beneficiaries.register_beneficiary(
        other_worker, other, pseudonym="星河20", district_id=2, category="disability", age_band="18-59",
        full_name="某人", consent_on=date(2026, 1, 5), consent_scope="发布")
    beneficiaries.verify_beneficiary(other_checker, household.id)
    wish = service.create_listing(other_worker, household.id, kind="wish", title="海珠的轮椅", value_fen=50_000)
    service.transition(other_worker, wish.id, "submitted")
    service.transition(other_checker, wish.id, "verified")
    service.transition(other_checker, wish.id, "published")
    admin = create_user(admin=True)
    auth.login(admin.email)
    page = client.get("/wishes/board").get_data(as_text=True)
    assert f'data-org="{station.org.id}"' in page and f'data-org="{other.id}"' in page
    assert "Haizhu Station" in page and "Tianhe Station" in page
    assert re.search(rf'data-org="{other.id}">.*?<td data-light="green"[^>]*>1</td>', page, re.S)
    only_other = client.get(f"/wishes/board?organisation={other.id}").get_data(as_text=True)
    assert "海珠的轮椅" in only_other and aged["green"].title not in only_other
    by_category = client.get("/wishes/board?category=disability&district=2").get_data(as_text=True)
    assert "海珠的轮椅" in by_category and aged["green"].title not in by_category
    auth.logout()
    auth.login(other_worker.email)  # staff see only the organisations they work for
    page = client.get("/wishes/board").get_data(as_text=True)
    assert "海珠的轮椅" in page and aged["green"].title not in page and f'data-org="{station.org.id}"' not in page


def test_the_board_pages_by_offset_and_ignores_bad_pages(client, auth, station, aged, monkeypatch):
    monkeypatch.setattr(lights, "BOARD_PAGE", 2)
    auth.login(station.worker.email)
    first = client.get("/wishes/board").get_data(as_text=True)
    assert first.count("data-listing=") == 2 and 'rel="next"' in first
    third = client.get("/wishes/board?page=3").get_data(as_text=True)
    assert third.count("data-listing=") == 1 and 'rel="next"' not in third and 'rel="prev"' in third
    for bad in ("abc", "0", "-1", "99999999999999999999999"):
        response = client.get(f"/wishes/board?page={bad}&organisation=x&light=blue&category=none")
        assert response.status_code == 200 and response.get_data(as_text=True).count("data-listing=") == 2


def test_staff_see_claimants_whose_claims_keep_expiring(client, auth, station, create_listing):
    wish = create_listing()
    for _ in range(2):
        claims.claim_wish(wish.id, station.donor)
        claims.expire_claims(now=now_utc() + timedelta(days=30))
    auth.login(station.worker.email)
    page = client.get("/wishes/board").get_data(as_text=True)
    section = page[page.index("data-expirers"):]
    assert "爱心人士" in section and re.search(r"<td[^>]*>2</td>", section)


def test_only_staff_and_platform_admins_read_the_board(client, auth, station, aged):
    auth.login(station.donor.email)
    assert client.get("/wishes/board").status_code == 403
    assert client.get("/wishes/board.csv").status_code == 403
    auth.logout()
    assert client.get("/wishes/board").status_code == 302
    assert client.get("/wishes/board.csv").status_code == 302


def test_the_csv_export_has_a_bom_a_header_the_rows_and_no_private_field(client, auth, station, aged):
    auth.login(station.checker.email)
    response = client.get("/wishes/board.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ("Code,Kind,Status,Light,Organisation,District,Category,Title,Value (yuan),Status since,"
                        "Claim deadline")  # headings and codes in the reader's words
    assert len(lines) == 1 + len(aged)
    red = next(line for line in lines if line.startswith(aged["red"].public_code))
    assert red.startswith(f"{aged['red'].public_code},Micro-wish,Looking for help,Red,")
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d,", red) and "T" not in red.split(",")[-2]  # local, readable
    assert station.org.name_en in red
    assert aged["due_soon"].public_code in text and "认领快到期限" in text
    for marker in PRIVATE.values():
        assert marker not in text
    red_only = client.get("/wishes/board.csv?light=red").get_data().decode("utf-8-sig").splitlines()
    assert len(red_only) == 1 + 2
