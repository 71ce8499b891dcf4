"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from 0-9 and the capital
letters without I, O, Z, S, V, the last a check character computed from the first 17."""
from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """Return the check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(ch) * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Return the code as written on certificates: full-width folded, capitals, no spaces."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


def is_valid(code: str) -> bool:
    """Tell whether `code` (already normalised) is a well-formed code with the right check character."""
    return (len(code) == 18 and all(ch in CHARSET for ch in code)
            and check_character(code[:17]) == code[17])
