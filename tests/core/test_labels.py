"""Every code people may see has a real label in both languages, from one table per code set."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from marketplace.ledger.kinds import ENTRY_KINDS
from marketplace.platform.labels import LABEL_SETS
from marketplace.platform.states import MACHINES

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
SAME_IN_BOTH = {"Stripe"}  # a brand name stays as it is


def _walk(app):
    """(set, code, English, Chinese) for every code of every label set and every state of every machine."""
    found = []
    sets = [(name, labels.codes, labels) for name, labels in LABEL_SETS.items()]
    sets += [(f"status of {name}", machine.states, machine.label) for name, machine in MACHINES.items()]
    with app.test_request_context():
        for name, codes, label in sets:
            for code in codes:
                with force_locale("en"):
                    english = str(label(code))
                with force_locale("zh_CN"):
                    chinese = str(label(code))
                found.append((name, code, english, chinese))
    return found


def test_every_code_has_a_label_in_both_catalogs(app):
    walked = _walk(app)
    assert len({name for name, *_ in walked}) >= 30 and len(walked) > 150
    bad = [(name, code, english, chinese) for name, code, english, chinese in walked
           if not english.strip() or english == code or chinese == code
           or not (CJK.search(chinese) or english in SAME_IN_BOTH)]
    assert not bad, bad


def _ledger_kinds_in_source() -> set[str]:
    """The literal `kind=` of every ledger posting call, and the ledger kind of each reviewable record."""
    kinds = set()
    for path in (ROOT / "marketplace").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            for keyword in node.keywords:
                if (name in {"post", "post_once", "post_hold", "enter"} and keyword.arg == "kind"
                        and isinstance(keyword.value, ast.Constant)):
                    kinds.add(keyword.value.value)
            if name == "Reviewable":
                kinds.add(node.args[3].value)
    return kinds


def test_every_ledger_kind_the_code_posts_has_a_label():
    kinds = _ledger_kinds_in_source() | {"hold.post"}  # the default kind of a posted hold
    assert {"hours.gift", "hours.attendance", "donation", "reversal"} <= kinds
    assert kinds - set(ENTRY_KINDS.codes) == set()


@pytest.mark.parametrize("locale,text", [("en", "Hours given to family"), ("zh_CN", "赠送给家人的时长")])
def test_a_label_reads_in_the_readers_language(app, locale, text):
    with app.test_request_context(), force_locale(locale):
        assert ENTRY_KINDS("hours.gift") == text
