"""The public search: filters, and text search that works for Chinese on SQLite and PostgreSQL alike."""
import pytest

from marketplace.platform.extensions import db
from marketplace.wishes import claims, service


@pytest.fixture
def shelf(station, create_listing, create_household):
    """Listings of several kinds, households, values and statuses."""
    child = create_household(pseudonym="春芽20", category="child_in_difficulty", age_band="0-17", district_id=2)
    return {
        "quilt": create_listing(title="冬天的棉被", value_fen=30_000),
        "bag": create_listing(title="新学期的书包 School Bag", story="孩子想要一个蓝色的书包", household=child,
                              value_fen=15_000),
        "cooker": create_listing(title="电饭煲", value_fen=50_000),
        "roof": create_listing(kind="household_need", title="修补漏雨的屋顶"),
        "farm": create_listing(kind="service_need", title="帮忙春耕 100%_done"),
        "draft": create_listing(status="draft", title="还没发布的棉被"),
        "verified": create_listing(status="verified", title="等待发布的棉被"),
    }


def found(**filters) -> set[str]:
    return {listing.title for listing in db.session.scalars(service.browse(**filters))}


def names(shelf, *keys) -> set[str]:
    return {shelf[key].title for key in keys}


def test_only_public_listings_are_browsed(shelf):
    assert found() == names(shelf, "quilt", "bag", "cooker", "roof", "farm")
    assert found(status="draft") == found()  # a private status reads as no filter


ALL = ["quilt", "bag", "cooker", "roof", "farm"]


SEARCHES = [
    ("棉被", ["quilt"]), ("书包", ["bag"]), ("蓝色", ["bag"]), ("春芽", ["bag"]), ("屋顶", ["roof"]),
    ("被子", ["quilt", "cooker", "roof", "farm"]),  # the fixture's story, "奶奶的被子太薄了"
    ("school bag", ["bag"]), ("SCHOOL", ["bag"]), ("冬天 棉被", ["quilt"]), ("冬天 书包", []),
    ("100%", ["farm"]), ("%", ["farm"]), ("_", ["farm"]), ("\\", []), ("  ", ALL),
]


def test_text_search_finds_chinese_and_english_words(shelf):
    for words, keys in SEARCHES:  # one shelf for every search: building it is the slow part
        assert found(text=words) == names(shelf, *keys), words


def test_text_search_never_finds_private_or_unpublished_words(shelf):
    assert found(text="PRIVATE") == set() and found(text="王秘密") == set()
    assert found(text="还没发布") == set() and found(text="等待发布") == set()


def test_filters_by_kind_category_district_status_and_value(station, shelf):
    assert found(kind="household_need") == names(shelf, "roof")
    assert found(kind="service_need") == names(shelf, "farm")
    assert found(category="child_in_difficulty") == names(shelf, "bag")
    assert found(district_id=2) == names(shelf, "bag")
    assert found(min_fen=20_000, max_fen=50_000, kind="wish") == names(shelf, "quilt", "cooker")
    assert found(max_fen=15_000, kind="wish") == names(shelf, "bag")
    claims.claim_wish(shelf["cooker"].id, station.donor)
    assert found(status="claimed") == names(shelf, "cooker")
    assert found(status="published", kind="wish") == names(shelf, "quilt", "bag")


def test_unusable_filters_read_as_no_filter_or_find_nothing(shelf):
    for bad in ({"min_fen": -1}, {"max_fen": 10**15}, {"min_fen": "1"}, {"district_id": "x"},
                {"district_id": 10**30}, {"kind": "loan"}, {"text": "\x00"}, {"text": "棉" * 500}):
        assert found(**bad) <= found(), bad
