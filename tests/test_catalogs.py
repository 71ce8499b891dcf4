"""The zh_CN and en catalogs translate every string in the source, keep its placeholders,
and the Chinese catalog really is Chinese.

When a test here fails because of new strings, run `scripts/i18n.sh`, translate the empty
msgstr entries in marketplace/translations/zh_CN/LC_MESSAGES/messages.po (en fills itself),
then run `scripts/i18n.sh compile`.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "marketplace" / "translations"
LOCALES = ("zh_CN", "en")
# The same keywords as scripts/i18n.sh (Babel's defaults cover _, gettext and ngettext).
KEYWORDS = ("_l", "lazy_gettext")

PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HINT = "run scripts/i18n.sh, translate zh_CN/LC_MESSAGES/messages.po, then scripts/i18n.sh compile"


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=locale, abort_invalid=True)


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {locale: load(po_path(locale), locale) for locale in LOCALES}


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> list[Message]:
    """Extract the current source into a temporary template, as scripts/i18n.sh does."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
               "-F", "babel.cfg", "--no-wrap", "-o", str(pot)]
    for keyword in KEYWORDS:
        command += ["-k", keyword]
    result = subprocess.run([*command, "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    messages = [message for message in load(pot) if message.id]
    assert messages, "extraction found no messages"
    return messages


def strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, (list, tuple)):
        return tuple(message.string)
    return (message.string,)


def ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (list, tuple)) else (message.id,)


def placeholders(text: str) -> set[str]:
    """Named and positional %-placeholders, e.g. {'%(num)d', '%s'}; '%%' is not one."""
    return {match.group(0) for match in PLACEHOLDER.finditer(text) if match.group("type") != "%"}


def message_list(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def label(message: Message) -> str:
    text = " | ".join(ids(message))
    return f"[{message.context}] {text}" if message.context else text


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_exists_and_parses(catalogs, locale):
    catalog = catalogs[locale]
    assert po_path(locale).is_file()
    assert message_list(catalog), f"{locale} catalog is empty"
    # `pybabel compile` skips a catalog whose header is still marked fuzzy.
    assert not catalog.fuzzy, f"{locale} catalog header is marked fuzzy"
    assert catalog.charset.lower() == "utf-8"


def test_chinese_catalog_has_one_plural_form(catalogs):
    catalog = catalogs["zh_CN"]
    assert catalog.num_plurals == 1 and catalog.plural_expr.strip() == "0"
    for message in message_list(catalog):
        if message.pluralizable:
            assert len(strings(message)) == 1, label(message)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_source_string_is_translated(catalogs, source_messages, locale):
    catalog = catalogs[locale]
    missing = []
    for wanted in source_messages:
        found = catalog.get(wanted.id, wanted.context)
        if (
            found is None
            or ids(found) != ids(wanted)
            or found.fuzzy
            or not all(s.strip() for s in strings(found))
        ):
            missing.append(label(wanted))
    assert not missing, (
        f"{len(missing)} message(s) not translated in {locale} ({HINT}):\n  " + "\n  ".join(missing)
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_no_fuzzy_or_empty_entries(catalogs, locale):
    bad = [label(m) for m in message_list(catalogs[locale])
           if m.fuzzy or not all(s.strip() for s in strings(m))]
    assert not bad, f"fuzzy or empty in {locale} ({HINT}):\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_kept(catalogs, locale):
    wrong = []
    for message in message_list(catalogs[locale]):
        wanted = set().union(*(placeholders(text) for text in ids(message)))
        for text in strings(message):
            if text and placeholders(text) != wanted:
                wrong.append(f"{label(message)!r} -> {text!r}: expected {sorted(wanted)}, "
                             f"got {sorted(placeholders(text))}")
    assert not wrong, f"placeholders differ in {locale}:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("locale", LOCALES)
def test_babel_finds_no_format_errors(catalogs, locale):
    problems = [f"{label(message)}: {'; '.join(map(str, errors))}"
                for message, errors in catalogs[locale].check()]
    assert not problems, "\n".join(problems)


def test_chinese_catalog_is_chinese(catalogs):
    texts = [s for m in message_list(catalogs["zh_CN"]) for s in strings(m) if s]
    chinese = [s for s in texts if CJK.search(s)]
    assert texts and len(chinese) >= 0.9 * len(texts), (
        f"only {len(chinese)} of {len(texts)} zh_CN messages contain Chinese; not Chinese: "
        + ", ".join(repr(s) for s in texts if not CJK.search(s))
    )


def test_english_catalog_is_the_source_text(catalogs):
    """Mostly the msgid itself; a deliberate English rewording must keep the placeholders."""
    catalog = catalogs["en"]
    assert catalog.num_plurals == 2
    same = sum(1 for m in message_list(catalog) if strings(m) == ids(m))
    assert same >= 0.9 * len(message_list(catalog))
