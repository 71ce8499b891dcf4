"""Plain words for the codes people see (categories, kinds, services, badges): one table per code set.

Each domain declares its sets once, next to its models (`Labels("care_service", {...})`); pages, exports,
emails and form choices all read that one table. Statuses are labelled by their state machine
(`Machine(labels=...)`). `tests/core/test_labels.py` walks every code of every set in both languages.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from marketplace.platform.states import MACHINES

LABEL_SETS: dict[str, Labels] = {}  # every declared set by name, for the test that walks them


class Labels:
    """The words for one set of codes, in the reader's language when read."""

    def __init__(self, name: str, words: Mapping[Any, Any], *, hidden: Iterable[str] = ()):
        self.name = name
        self.words = {str(code): label for code, label in words.items()}
        self.hidden = set(hidden)  # codes that stay valid but are not offered as choices
        assert name not in LABEL_SETS, f"label set {name} declared twice"
        LABEL_SETS[name] = self

    def __call__(self, code) -> str:
        """The label of `code`; an unknown code is shown as it is (the test keeps every set complete)."""
        if code is None:
            return ""
        return str(self.words.get(str(code), code))

    def __contains__(self, code) -> bool:
        return str(code) in self.words

    @property
    def codes(self) -> list[str]:
        return list(self.words)

    def choices(self, codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """(code, label) pairs for a select field, in declared order (lazy labels stay lazy)."""
        wanted = [str(c) for c in codes] if codes is not None else [c for c in self.words if c not in self.hidden]
        return [(code, self.words[code]) for code in wanted]


def label(set_name: str, code) -> str:
    """The label of `code` in the named set (template global `label`)."""
    return LABEL_SETS[set_name](code)


def state_label(machine_name: str, state) -> str:
    """A status in the reader's language, from its machine's one table (template global `state_label`)."""
    return "" if state is None else MACHINES[machine_name].label(state)
