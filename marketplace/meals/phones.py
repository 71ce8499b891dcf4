"""A person's phone, confirmed with a code, without keeping the number: people are known by a keyed hash.

`phone_key` hashes a normalised mainland mobile number with `MEALS_PHONE_KEY` (derived from SECRET_KEY when
unset); `ask_code` stores only a keyed hash of a new 6-digit code and sends it after the commit; `confirm_code`
counts wrong tries and returns the one `MealPerson` for that key.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import urllib.request
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from config import settings
from marketplace.meals.models import MealPerson, MealPhoneCode
from marketplace.outbox import service as outbox
from marketplace.platform.errors import InvalidInput, TooManyAttempts
from marketplace.platform.extensions import db, limiter
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import now_utc

MOBILE = re.compile(r"1[3-9]\d{9}")
SEPARATORS = re.compile(r"[\s\-()（）·.]")
log = logging.getLogger(__name__)


def secret() -> bytes:
    """Return the key numbers are hashed with (derived from SECRET_KEY unless MEALS_PHONE_KEY is set)."""
    if settings.MEALS_PHONE_KEY:
        return settings.MEALS_PHONE_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"goodhours meals phone key", hashlib.sha256).digest()


def keyed(text: str) -> str:
    return hmac.new(secret(), text.encode(), hashlib.sha256).hexdigest()


def normalise(number) -> str:
    """Return the 11-digit mainland mobile number in `number` (spaces, dashes and +86 allowed).

    :raise InvalidInput: not such a number.
    """
    text = SEPARATORS.sub("", str(number or "")).translate(str.maketrans("０１２３４５６７８９＋", "0123456789+"))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == 11 + len(prefix):
            text = text[len(prefix):]
    if not MOBILE.fullmatch(text):
        raise InvalidInput(fields={"phone": [_l("Enter a mobile number of 11 digits starting with 1, "
                                                "such as 138 0000 0000.")]})
    return text


def phone_key(number) -> str:
    """Return the HMAC-SHA256 hex of the normalised number: the only thing kept of it."""
    return keyed("phone:" + normalise(number))


def code_hash(key: str, code: str) -> str:
    return keyed(f"code:{key}:{code}")


def test_mode() -> bool:
    """Tell whether codes are shown on the page (outside production, with no SMS gateway)."""
    return settings.ENV_NAME != "production" and not settings.MEALS_SMS_URL


def _book(key: str, address: str) -> None:
    """Count one code asked for this number and from this address; refuse past MEALS_CODE_LIMIT."""
    if not settings.RATELIMIT_ENABLED:
        return
    for item in parse_many(settings.MEALS_CODE_LIMIT):
        for ids in (("meals-code-phone", key), ("meals-code-client", address)):
            if not limiter.limiter.hit(item, *ids):
                raise TooManyAttempts(_l("Too many codes were asked for. Please wait a while and try again."))


def ask_code(number, address: str) -> str:
    """Make a code for the number, keep only its hash and send it after the commit; return the code. Commit.

    :raise InvalidInput: not a mobile number. :raise TooManyAttempts: too many codes asked.
    """
    text = normalise(number)
    key = phone_key(text)
    _book(key, address)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    db.session.add(MealPhoneCode(phone_key=key, code_hash=code_hash(key, code),
                                 expires_at=now_utc() + timedelta(minutes=settings.MEALS_CODE_MINUTES)))
    # The gateway needs the number itself, and the outbox row must be written before the commit (nothing lost,
    # nothing sent for a rolled-back request); outbox rows are kept after delivery, so the row holds the number
    # sealed with the phone key, never in the clear, and blanked a day after it was sent (`forget_codes`).
    outbox.add_call("marketplace.meals.phones.deliver_code", seal(text), code)
    db.session.commit()
    return code


def seal(number: str) -> str:
    """Return the number encrypted for the outbox: XOR with an HMAC-SHA256 keystream under a fresh nonce (hex)."""
    nonce = secrets.token_bytes(16)
    stream = hmac.new(secret(), b"seal:" + nonce, hashlib.sha256).digest()
    data = number.encode()
    return nonce.hex() + bytes(a ^ b for a, b in zip(data, stream, strict=False)).hex()


def unseal(sealed: str) -> str:
    raw = bytes.fromhex(sealed)
    nonce, data = raw[:16], raw[16:]
    stream = hmac.new(secret(), b"seal:" + nonce, hashlib.sha256).digest()
    return bytes(a ^ b for a, b in zip(data, stream, strict=False)).decode()


def deliver_code(sealed: str, code: str) -> None:
    """Send the code by SMS (POST JSON {phone, text} to MEALS_SMS_URL), or log it when no gateway is set."""
    number = unseal(sealed)
    text = _("Your code for donated meals is %(code)s. It lasts %(minutes)s minutes.", code=code,
             minutes=settings.MEALS_CODE_MINUTES)
    url = settings.MEALS_SMS_URL
    if not url:
        log.info("Meals phone code (no SMS gateway set): %s", text)
        return
    if not url.startswith(("https://", "http://")):
        raise ValueError("MEALS_SMS_URL must be an http(s) address")
    request = urllib.request.Request(url, data=json.dumps({"phone": number, "text": text}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as answer:  # nosec B310  (scheme checked above)
        if answer.status >= 300:
            raise RuntimeError(f"SMS gateway answered {answer.status}")


def _wrong() -> InvalidInput:
    return InvalidInput(fields={"code": [_l("That code is not right. Check the message and try again.")]})


def confirm_code(number, code) -> MealPerson:
    """Check the code sent to the number; return the person known by the number (made the first time). Commit.

    :raise InvalidInput: a wrong, used or expired code, or too many wrong tries.
    """
    key = phone_key(number)
    code = code.strip() if isinstance(code, str) else ""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):  # refused before any try is counted
        raise InvalidInput(fields={"code": [_l("Enter the 6 digits of the code we sent.")]})
    now = now_utc()
    found = db.session.scalar(select(MealPhoneCode).where(
        MealPhoneCode.phone_key == key, MealPhoneCode.used_at.is_(None)).order_by(MealPhoneCode.id.desc()).limit(1))
    if found is None or found.expires_at <= now:
        raise InvalidInput(fields={"code": [_l("This code has expired or was never sent. Ask for a new code.")]})
    # every try is counted before the code is compared, in one guarded UPDATE: parallel guesses cannot test
    # more codes than the tries allowed
    tried = db.session.execute(update(MealPhoneCode).where(
        MealPhoneCode.id == found.id, MealPhoneCode.used_at.is_(None),
        MealPhoneCode.attempts < settings.MEALS_CODE_ATTEMPTS).values(attempts=MealPhoneCode.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if tried != 1:
        raise InvalidInput(fields={"code": [_l("Too many wrong tries. Ask for a new code.")]})
    if not hmac.compare_digest(found.code_hash, code_hash(key, code)):
        raise _wrong()
    used = db.session.execute(update(MealPhoneCode).where(MealPhoneCode.id == found.id, MealPhoneCode.used_at.is_(None))
                              .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if used != 1:  # used by a parallel request
        db.session.rollback()
        raise _wrong()
    person = person_for_key(key)
    db.session.commit()
    return person


def person_for_key(key: str, user_id: int | None = None) -> MealPerson:
    """Return the person known by `key`, making them once (racing requests get the same row). Flushes."""
    person = db.session.scalar(select(MealPerson).where(MealPerson.key == key))
    if person is not None:
        return person
    try:
        with savepoint():
            person = MealPerson(key=key, user_id=user_id)
            db.session.add(person)
            db.session.flush()
    except IntegrityError:  # made at the same moment by another request
        person = db.session.scalar(select(MealPerson).where(MealPerson.key == key))
        if person is None:
            raise
    return person


def forget_codes() -> int:
    """Delete codes expired a day ago or more (each still names a phone's key) and blank the sent messages'
    sealed numbers; return how many codes. Commit."""
    day_ago = now_utc() - timedelta(days=1)
    gone = db.session.execute(delete(MealPhoneCode).where(MealPhoneCode.expires_at < day_ago)
                              .execution_options(synchronize_session=False)).rowcount
    outbox.forget_calls("marketplace.meals.phones.deliver_code", day_ago)
    db.session.commit()
    return gone
