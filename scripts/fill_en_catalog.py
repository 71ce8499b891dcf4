"""Make the English catalog complete by construction: the source strings are English.

    .venv/bin/python scripts/fill_en_catalog.py [marketplace/translations/en/LC_MESSAGES/messages.po]

Every empty or fuzzy msgstr becomes its msgid (for plurals: msgstr[0] = msgid and
msgstr[1] = msgid_plural). A msgstr someone filled in on purpose is kept. Run by
scripts/i18n.sh after each update.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

DEFAULT = Path(__file__).resolve().parent.parent / "marketplace/translations/en/LC_MESSAGES/messages.po"


def fill(path: Path) -> int:
    with path.open("rb") as fileobj:
        catalog = read_po(fileobj, locale="en", ignore_obsolete=True)
    changed = 0
    for message in catalog:
        if not message.id:  # the header
            continue
        if isinstance(message.id, (list, tuple)):
            strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            if message.fuzzy or not all(strings) or len(strings) != 2:
                message.string = (message.id[0], message.id[1])
                changed += 1
        elif message.fuzzy or not message.string:
            message.string = message.id
            changed += 1
        message.flags.discard("fuzzy")
    catalog.fuzzy = False  # a freshly initialised catalog has a fuzzy header
    with path.open("wb") as fileobj:
        write_po(fileobj, catalog, width=None, ignore_obsolete=True)
    return changed


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    changed = fill(path)
    print(f"{path}: filled {changed} English message(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
