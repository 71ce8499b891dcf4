"""Search by words: a query is cut into words (jieba for Chinese, so 长者探访 becomes 长者 + 探访), each
word stands for itself and its near-synonyms, and a row matches when it holds every word in any order.

The same LIKE clause runs on SQLite and PostgreSQL (where a pg_trgm index can serve it). The table of
near-synonyms below is the one place to add words people use for the same thing.
"""
from __future__ import annotations

import functools
import logging
import re
import warnings

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

# Each group: words people use for the same thing. A query word in a group matches any word of it.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("长者", "老人", "老年人", "长辈", "老人家", "耆老"),
    ("探访", "看望", "拜访", "探望", "走访", "慰问"),
    ("义诊", "健康咨询", "免费体检", "健康检查"),
    ("助餐", "送餐", "配餐", "饭堂"),
    ("陪伴", "陪护", "陪同"),
    ("儿童", "小朋友", "孩子", "少儿"),
    ("清洁", "打扫", "保洁"),
    ("残障", "残疾", "残疾人"),
    ("环保", "环境保护"),
    ("义工", "志愿者", "志愿服务"),
)
# Words that carry no meaning of their own in a search ("for the elderly" is about the elderly).
STOP_WORDS = frozenset("的 了 和 与 及 跟 在 为 给 是 有 等 之 或 把 被 对 去 到 请 我 我们 一个 活动".split())
MAX_WORDS = 6  # a longer query is cut: each word adds a condition
LETTER = re.compile(r"[^\W_]")  # a word has a letter, a digit or a Chinese character

_GROUP_OF = {word: group for group in SYNONYMS for word in group}


@functools.cache
def _tokenizer():
    """Load jieba's dictionary once per process (about a second); it is shipped in the package, so no network."""
    with warnings.catch_warnings():
        # jieba 0.42 imports pkg_resources (deprecated) and its sources hold invalid escapes ("\\."); both warn
        # when no compiled copy is at hand, and the test suite turns warnings into errors.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", UserWarning)
        import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" lines in the log
    tokenizer = jieba.Tokenizer()
    for word in _GROUP_OF:
        tokenizer.add_word(word, freq=100_000)  # keep our words whole (健康咨询 is one thing, not two)
    return tokenizer


def words(query: str) -> list[str]:
    """Cut a query into the distinct words it must match, lower-cased, without stop words or punctuation."""
    text = (query or "").replace("\x00", "").strip().lower()[:100]
    found: list[str] = []
    for token in _tokenizer().cut(text) if text else ():
        token = token.strip()
        if not LETTER.search(token) or token in STOP_WORDS:
            continue
        if not any(token in alternatives(earlier) for earlier in found):  # 助餐送餐 asks for one thing
            found.append(token)
    return found[:MAX_WORDS]


def alternatives(word: str) -> tuple[str, ...]:
    """The word and its near-synonyms."""
    return _GROUP_OF.get(word, (word,))


def matching(query: str, *columns) -> ColumnElement[bool] | None:
    """A condition true when, for every word of the query, one of the columns holds it or a synonym of it.

    None when the query has no words (then nothing is filtered).
    """
    conditions = []
    for word in words(query):
        patterns = ["%" + _escape(alt) + "%" for alt in alternatives(word)]
        conditions.append(or_(*(column.ilike(p, escape="\\") for column in columns for p in patterns)))
    return and_(*conditions) if conditions else None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
