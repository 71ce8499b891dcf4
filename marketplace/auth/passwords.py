"""Password hashing with argon2id and the rules a new password must meet."""
from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

from config import settings

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON = frozenset(
    """
    password password1 password12 password123 1234567890 12345678910 0123456789 qwertyuiop
    qwerty12345 1q2w3e4r5t 1qaz2wsx3edc iloveyou123 abc1234567 aaaaaaaaaa 1111111111
    0000000000 8888888888 6666666666 5201314520 woaini1314 goodhours1 goodhours123
    administrator letmein123 welcome123 changeme123 passw0rd123 a123456789 zxcvbnm123
    """.split()
)


def _hasher() -> PasswordHasher:
    if settings.ARGON2_PROFILE == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Check a password against its hash without raising."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_time(password: str) -> None:
    """Hash once for nothing so that unknown emails take as long as wrong passwords."""
    _hasher().hash(password or "x")


def password_problems(password: str, email: str = "") -> list:
    """Return translated reasons the password is too weak (empty when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        problems.append(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    local = email.split("@", 1)[0].lower()
    if lowered in COMMON or len(set(password)) < 4:
        problems.append(_l("This password is too easy to guess."))
    elif local and len(local) >= 4 and local in lowered:
        problems.append(_l("Do not use your email address in the password."))
    return problems
