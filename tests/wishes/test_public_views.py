"""Public wish pages: the list with its filters, the detail page, the photo; never a private field."""
import io
from datetime import date

import pytest
from PIL import Image

from marketplace.payments import shares
from marketplace.wishes import claims, pledges, service
from tests.wishes.conftest import PRIVATE


def assert_no_private(page: str) -> None:
    for name, marker in PRIVATE.items():
        assert marker not in page, name


def cards(page: str) -> int:
    return page.count('class="card"')


def test_the_list_shows_public_listings_newest_first_with_public_fields_only(client, create_listing):
    older = create_listing(title="冬天的棉被")
    newer = create_listing(title="新书包")
    create_listing(status="verified", title="还没发布的心愿")
    page = client.get("/wishes/").get_data(as_text=True)
    assert page.index(newer.public_code) < page.index(older.public_code)
    assert "还没发布的心愿" not in page
    assert "青禾12" in page and "80 and over" in page and "Elderly living alone" in page and "¥200.00" in page
    assert_no_private(page)


def test_the_list_filters_by_kind_category_district_status_and_value(client, create_listing, create_household):
    create_listing(title="棉被")
    create_listing(kind="household_need", household=create_household(category="disability", district_id=2))
    assert cards(client.get("/wishes/?kind=household_need").get_data(as_text=True)) == 1
    assert "棉被" in client.get("/wishes/?kind=wish").get_data(as_text=True)
    assert "棉被" not in client.get("/wishes/?category=disability").get_data(as_text=True)
    assert cards(client.get("/wishes/?district=2").get_data(as_text=True)) == 1
    assert cards(client.get("/wishes/?status=claimed").get_data(as_text=True)) == 0
    assert cards(client.get("/wishes/?min=1000").get_data(as_text=True)) == 1  # the ¥10,000 need
    assert cards(client.get("/wishes/?max=200.00").get_data(as_text=True)) == 1  # the ¥200 wish
    assert cards(client.get("/wishes/?min=199.5&max=200").get_data(as_text=True)) == 1


def test_chinese_words_find_listings(client, create_listing):
    create_listing(title="冬天的棉被", story="奶奶的被子太薄了")
    create_listing(title="新书包", story="开学要用")
    page = client.get("/wishes/?q=被子").get_data(as_text=True)
    assert "冬天的棉被" in page and "新书包" not in page
    page = client.get("/wishes/?q=青禾").get_data(as_text=True)  # the pseudonym
    assert cards(page) == 2
    assert client.get("/wishes/?q=" + "长" * 500).status_code == 200  # cut to 100 characters


@pytest.mark.parametrize("query", ["kind=nope", "category=x", "district=abc", "district=0", "status=draft",
                                   "min=-5", "max=1e9", "min=%00", "q=%00", "cursor=@@"])
def test_bad_filter_values_are_ignored_never_a_server_error(client, create_listing, query):
    create_listing()
    response = client.get(f"/wishes/?{query}")
    assert response.status_code in (200, 400)  # the site refuses NUL bytes and broken cursors with 400
    if response.status_code == 200:
        assert cards(response.get_data(as_text=True)) == 1


def test_the_list_pages_with_a_cursor(client, create_listing, create_household):
    household = create_household()
    for n in range(21):
        create_listing(title=f"心愿{n:02d}", household=household)
    first = client.get("/wishes/").get_data(as_text=True)
    assert cards(first) == 20 and "心愿20" in first and "心愿00" not in first
    link = first[first.index('href="/wishes/?cursor='):].split('"')[1].replace("&amp;", "&")
    second = client.get(link).get_data(as_text=True)
    assert cards(second) == 1 and "心愿00" in second


def test_an_anonymous_visitor_reads_a_wish_and_is_asked_to_log_in(client, create_listing):
    wish = create_listing()
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert "冬天的棉被" in page and "奶奶的被子太薄了" in page and "青禾12" in page
    assert "Log in to claim this wish" in page and 'action="/wishes/' not in page
    assert_no_private(page)


def test_the_detail_page_of_a_need_shows_the_plan_and_coverage_by_source(client, station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 250_000)
    shares.record_share(station.worker, need.id, source="government", amount_fen=400_000, received_on=date.today())
    page = client.get(f"/wishes/{need.public_code}").get_data(as_text=True)
    assert "Government subsidy" in page and "¥4,000.00" in page and "Individual donors" in page
    assert 'value="650000"' in page and "<meter" in page and "Still needed: ¥3,500.00" in page
    assert "Log in to pledge" in page
    assert_no_private(page)


def test_anonymous_visitors_never_see_private_fields_on_any_public_page(client, station, create_listing):
    wish, need = create_listing(), create_listing(kind="household_need")
    claim = claims.claim_wish(wish.id, station.donor)
    service.confirm_delivery(station.worker, wish.id, note="已送到")
    service.write_thanks(station.worker, wish.id, "谢谢好心人")
    assert claim.id
    for path in ["/wishes/", f"/wishes/{wish.public_code}", f"/wishes/{need.public_code}", "/wishes/?q=青禾",
                 "/wishes/?status=fulfilled"]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert_no_private(page)
        assert "谢谢好心人" not in page


def test_unpublished_and_unknown_listings_are_not_found(client, create_listing):
    draft = create_listing(status="submitted")
    assert client.get(f"/wishes/{draft.public_code}").status_code == 404
    assert client.get("/wishes/nosuchcode").status_code == 404
    assert client.get("/wishes/" + "x" * 300).status_code == 404


def test_staff_see_their_draft_and_a_link_to_manage_it(client, auth, station, create_listing):
    draft = create_listing(status="draft")
    auth.login(station.checker.email)
    page = client.get(f"/wishes/{draft.public_code}").get_data(as_text=True)
    assert "Only your organisation sees this listing" in page
    if "wishes.listing" in client.application.view_functions:
        assert f"/wishes/listings/{draft.id}" in page


class Upload:
    """An uploaded JPEG, as the service receives it from a form."""

    def __init__(self):
        self.stream, self.filename = io.BytesIO(), "wish.jpg"
        Image.new("RGB", (8, 8), "red").save(self.stream, "JPEG")
        self.stream.seek(0)


def test_the_public_photo_is_served_only_for_public_listings(client, create_listing):
    wish = create_listing(photo=Upload())
    response = client.get(f"/wishes/{wish.public_code}/photo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data.startswith(b"\xff\xd8")
    assert f"/wishes/{wish.public_code}/photo" in client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    draft = create_listing(status="verified", photo=Upload())
    assert client.get(f"/wishes/{draft.public_code}/photo").status_code == 404
    plain = create_listing()
    assert client.get(f"/wishes/{plain.public_code}/photo").status_code == 404


def test_the_pages_render_in_chinese(client, auth, create_user, create_listing):
    wish = create_listing()
    auth.login(create_user(locale="zh_CN").email)
    for path in ["/wishes/", f"/wishes/{wish.public_code}", "/wishes/my"]:
        response = client.get(path)
        assert response.status_code == 200
        assert 'lang="zh-CN"' in response.get_data(as_text=True)


def test_an_anonymous_visitor_may_switch_to_chinese(client, auth, create_listing):
    wish = create_listing()
    auth.post("/language", {"locale": "zh_CN"})
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "志愿活动" in page
