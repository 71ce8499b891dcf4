"""Organisation names compared as people read them: two names that differ only in width (ＡＢＣ/ABC),
case, spaces or punctuation (（）/(), 、/,) are the same name, so nobody registers a look-alike."""
from __future__ import annotations

import unicodedata


def name_key(name: str) -> str:
    """Return the name reduced to what a reader tells apart: NFKC, case-folded, letters and digits only."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")
