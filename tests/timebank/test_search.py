"""Activity search finds Chinese words in any order and their near-synonyms, on SQLite and PostgreSQL alike
(run the suite with TEST_DATABASE_URL for the second)."""
import pytest

from marketplace.platform import search
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service


def _found(query: str) -> set[str]:
    return {a.title for a in db.session.scalars(service.browse(text=query))}


@pytest.fixture
def activities(create_activity):
    for title, description in [("探访长者", ""), ("老人探访", ""), ("周末看望独居长辈", "带上水果"),
                               ("长者午餐", "为长者送饭"), ("河涌清洁", "沿河捡垃圾"),
                               ("社区健康咨询", "量血压"), ("上门服务", "探访行动不便的老年人"),
                               ("Park clean-up", "Bring GLOVES"), ("折扣 100% 真实", "")]:
        create_activity(title=title, description=description)


def test_a_query_is_cut_into_words_without_stop_words_or_punctuation():
    assert search.words("长者探访") == ["长者", "探访"]
    assert search.words("给长者的探访！") == ["长者", "探访"]
    assert search.words("助餐送餐") == ["助餐"]  # two words for one thing make one condition
    assert search.words(" %_ ") == []


def test_words_in_any_order_and_near_synonyms_are_found(activities):
    visits = {"探访长者", "老人探访", "周末看望独居长辈", "上门服务"}
    assert _found("长者探访") == visits
    assert _found("探访长者") == visits
    assert _found("看望老人") == visits
    assert _found("义诊") == {"社区健康咨询"}


def test_every_word_must_match_somewhere(activities):
    assert _found("长者 送饭") == {"长者午餐"}
    assert _found("长者清洁") == set()


def test_latin_words_match_in_any_case_and_wildcards_are_plain_text(activities):
    assert _found("gloves park") == {"Park clean-up"}
    assert _found("100%") == {"折扣 100% 真实"}
    assert _found("%") == _found("")  # nothing to search for filters nothing


def test_the_page_and_the_api_search_alike(client, activities):
    page = client.get("/timebank/", query_string={"q": "老人探访"}).get_data(as_text=True)
    assert "探访长者" in page and "周末看望独居长辈" in page and "长者午餐" not in page
    items = client.get("/api/v1/activities", query_string={"q": "老人探访"}).get_json()["items"]
    assert {a["title"] for a in items} == {"探访长者", "老人探访", "周末看望独居长辈", "上门服务"}
