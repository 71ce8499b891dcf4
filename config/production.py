"""What production refuses to start with: each problem named, all of them at once (see `config.load`)."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from config.registry import PRODUCTION, Settings

MIN_SECRET_BYTES = 32
MIN_BITS_PER_CHARACTER = 2.5  # random hex gives 3.5-4 (never below 2.8 in 200,000 tries), base64 about 5
MIN_DISTINCT_TRIGRAMS = 0.75  # of a random key's three-character runs, nearly all differ; a repeated phrase's do not
# keys seen in examples, tutorials and tests, compared without case or punctuation
WEAK_SECRETS = {
    "", "dev", "development", "devkey", "secret", "secretkey", "mysecretkey", "yoursecretkey", "supersecretkey",
    "changeme", "changethis", "changemeinproduction", "replaceme", "pleasechangeme", "password", "test", "testing",
    "testsecretkeynotforproduction", "goodhours", "goodhourssecret", "flask", "flasksecretkey", "default", "key",
    "notsecret", "insecure", "xxx", "abc123",
}
HOW_TO_MAKE_ONE = "make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def production_problems(values: Mapping[str, Any], *, debug: bool = False) -> list[str]:
    """Return what makes these settings unsafe in production (nothing outside production)."""
    if values.get("ENV_NAME") != PRODUCTION:
        return []
    problems = [f"{setting.env} is not set; production needs it" for setting in Settings.declared()
                if setting.required_in_production and not values.get(setting.key)]
    if values.get("SECRET_KEY"):
        problems += secret_key_problems(values["SECRET_KEY"])
    if str(values.get("SQLALCHEMY_DATABASE_URI") or "").startswith("sqlite"):
        problems.append("the database is SQLite; production needs PostgreSQL "
                        "(DATABASE_URL=postgresql+psycopg://USER:PASSWORD@HOST/goodhours)")
    if not values.get("STRIPE_SECRET_KEY"):
        problems.append("without Stripe keys the site would take demo payments and issue real receipts")
    if debug or values.get("DEBUG"):
        problems.append("FLASK_DEBUG is on; production never runs the debugger")
    if values.get("ARGON2_PROFILE") == "cheapest":
        problems.append("ARGON2_PROFILE is cheapest; production hashes passwords at full cost")
    return problems


def secret_key_problems(key: str) -> list[str]:
    """Say why a SECRET_KEY is too weak to sign sessions and tokens (anyone who guesses it can forge them)."""
    size = len(key.encode())
    if re.sub(r"[\W_]+", "", key.lower()) in WEAK_SECRETS:
        return [f"SECRET_KEY is a well-known example value; {HOW_TO_MAKE_ONE}"]
    if size < MIN_SECRET_BYTES:
        return [f"SECRET_KEY is {size} bytes; production needs at least {MIN_SECRET_BYTES} random bytes; "
                f"{HOW_TO_MAKE_ONE}"]
    trigrams = [key[i:i + 3] for i in range(len(key) - 2)]
    if len(set(trigrams)) < MIN_DISTINCT_TRIGRAMS * len(trigrams) or _bits_per_character(key) < MIN_BITS_PER_CHARACTER:
        return [f"SECRET_KEY looks guessable (repeated or too few different characters); {HOW_TO_MAKE_ONE}"]
    return []


def _bits_per_character(text: str) -> float:
    """Return the Shannon entropy of the text's characters: a rough measure of how random it looks."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
