"""Accounts: registration, email verification, log-in, passwords, profile, API tokens."""
from __future__ import annotations

import math
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from config import settings
from marketplace.audit.service import record
from marketplace.auth import throttle, tokens
from marketplace.auth.models import LOCALES, ApiToken, PublicDisplay, TokenScope, User
from marketplace.auth.passwords import burn_time, hash_password, password_problems, verify_password
from marketplace.platform import mailer
from marketplace.platform.errors import DomainError, InvalidInput, NotFound, TooManyAttempts
from marketplace.platform.extensions import db
from marketplace.platform.links import site_url
from marketplace.platform.timeutil import now_utc

BAD_LOGIN = _l("That email and password do not match an account.")
BAD_LINK = _l("This link is invalid or has expired. Please ask for a new one.")


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = BAD_LOGIN


class LoginThrottled(TooManyAttempts):
    """Too many wrong passwords at this account from this client; `retry_after` says for how many seconds."""

    def __init__(self, seconds: int):
        super().__init__(_l("Too many wrong passwords for this account. Try again in %(minutes)d minutes, log in "
                            "from a phone or computer you have used here before, or reset your password.",
                            minutes=max(1, math.ceil(seconds / 60))))
        self.retry_after = seconds


IDEOGRAPHIC_FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def normalise_email(email: str) -> str:
    """Return the one spelling of an email every account is stored and found under, or raise InvalidInput.

    Spellings that reach the same mailbox are one account: fullwidth letters (NFKC), the ideographic full
    stops 。．｡ typed for dots, capitals (casefolded) and spaces around it.
    """
    try:
        text = unicodedata.normalize("NFKC", email).translate(IDEOGRAPHIC_FULL_STOPS).strip()
        return validate_email(text, check_deliverability=False).normalized.casefold()
    except (EmailNotValidError, TypeError, AttributeError):
        raise InvalidInput(fields={"email": [_l("Enter a valid email address.")]}) from None


def _check_password(password: str, email: str, field: str = "password") -> None:
    problems = password_problems(password, email)
    if problems:
        raise InvalidInput(fields={field: problems})


def _check_profile(display_name: str, locale: str, public_display: str, phone: str | None):
    fields: dict[str, list] = {}
    if not display_name.strip() or len(display_name) > 80:
        fields["display_name"] = [_l("Enter a name of 1 to 80 characters.")]
    if locale not in LOCALES:
        fields["locale"] = [_l("Choose a language from the list.")]
    if public_display not in {p.value for p in PublicDisplay}:
        fields["public_display"] = [_l("Choose how you appear from the list.")]
    if phone and (len(phone) > 32 or not all(c.isdigit() or c in "+- " for c in phone)):
        fields["phone"] = [_l("Enter a phone number using digits, spaces, + and - only.")]
    if fields:
        raise InvalidInput(fields=fields)


def find_by_email(email: str) -> User | None:
    """Return the user with this email, whichever way it is spelt, if any."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        return None
    return db.session.scalar(db.select(User).where(User.email == email))


def register(email: str, password: str, display_name: str, locale: str = "zh_CN") -> User | None:
    """Create an account and email a verification link; return it, or None when the email has one already.

    The caller answers both alike, so the form never tells who has an account: the owner of a taken
    address gets an email saying someone tried to sign up with it.
    """
    email = normalise_email(email)
    _check_profile(display_name, locale, PublicDisplay.MASKED.value, None)
    _check_password(password, email)
    existing = find_by_email(email)
    if existing is not None:
        burn_time(password)  # as long as creating an account takes
        if throttle.may_tell_owner(throttle.account_key(email)):
            mailer.send(existing.email, existing.locale, _l("Someone tried to sign up with your email"),
                        "signup_taken", user=existing, link=site_url("auth.request_reset"))
        record("user.signup_with_taken_email", subject=existing)
        db.session.commit()
        return None
    user = User(
        email=email,
        password_hash=hash_password(password),
        display_name=display_name.strip(),
        locale=locale,
    )
    db.session.add(user)
    db.session.flush()
    record("user.registered", actor=user, subject=user)
    _queue_verification(user)
    db.session.commit()
    return user


def send_verification(user: User) -> None:
    """Email the user a link that confirms their address."""
    _queue_verification(user)
    db.session.commit()


def _queue_verification(user: User) -> None:
    token = tokens.sign("verify", {"uid": user.id, "email": user.email})
    link = site_url("auth.verify_email", token=token)
    mailer.send(user.email, user.locale, _l("Confirm your Goodhours email"), "verify", user=user, link=link)


def verify_email(token: str) -> User:
    """Mark the address in a verification link as confirmed."""
    payload = tokens.unsign("verify", token, settings.EMAIL_VERIFY_MAX_AGE)
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None or user.email != payload.get("email"):
        raise InvalidInput(BAD_LINK)
    if user.email_verified_at is None:
        user.email_verified_at = now_utc()
        record("user.email_verified", actor=user, subject=user)
        db.session.commit()
    return user


def authenticate(email: str, password: str, address: str = "unknown", device_cookie: str | None = None) -> User:
    """Return the user for these credentials; every failure gives the same message.

    :raise LoginThrottled: this client has used up its tries at the account (throttle.py); the
        password is then not even checked.
    """
    try:
        email = normalise_email(email)
    except InvalidInput:
        burn_time(password)
        raise InvalidCredentials() from None
    account = throttle.account_key(email)
    device = throttle.device_of(device_cookie, account)
    wait = throttle.take_guess(account, device, address)
    if wait:
        raise LoginThrottled(wait)
    user = find_by_email(email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        if user is None:
            burn_time(password)
        record("user.login_failed", subject=user, address=address, email_digest=tokens.fingerprint(email))
        db.session.commit()
        raise InvalidCredentials()
    throttle.forget_tries(account, device, address)
    record("user.login", actor=user, subject=user, address=address)
    db.session.commit()
    return user


def is_known_device(email: str, device_cookie: str | None) -> bool:
    """Tell whether this browser has logged in to the account of `email` before: it then counts only its
    own tries (throttle.py), and a shared address's limit does not apply to it, so a stranger behind the
    same network cannot lock its owner out."""
    try:
        return throttle.device_of(device_cookie, throttle.account_key(normalise_email(email))) is not None
    except InvalidInput:
        return False


def logout(user: User, address: str | None = None) -> None:
    """End every session of the user (signed cookies cannot be revoked one by one)."""
    user.session_version += 1
    record("user.logout", actor=user, subject=user, address=address)
    db.session.commit()


def change_password(user: User, current: str, new: str, address: str | None = None) -> User:
    """Change the password and end the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput(fields={"current_password": [_l("Your current password is not right.")]})
    _check_password(new, user.email, field="new_password")
    _set_password(user, new)
    record("user.password_changed", actor=user, subject=user, address=address)
    db.session.commit()
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = now_utc()
    user.session_version += 1


def _reset_fingerprint(user: User) -> str:
    return tokens.fingerprint(f"{user.password_hash}|{user.session_version}")


def request_password_reset(email: str) -> None:
    """Email a single-use reset link if the address has an account; say nothing otherwise."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = tokens.sign("reset", {"uid": user.id, "fp": _reset_fingerprint(user)})
    link = site_url("auth.reset_password", token=token)
    minutes = settings.PASSWORD_RESET_MAX_AGE // 60
    mailer.send(
        user.email, user.locale, _l("Reset your Goodhours password"), "reset",
        user=user, link=link, minutes=minutes,
    )
    db.session.commit()


def user_for_reset(token: str) -> User:
    """Return the user a reset link is for, or raise if it is forged, used or expired."""
    payload = tokens.unsign("reset", token, settings.PASSWORD_RESET_MAX_AGE)
    user = db.session.get(User, payload.get("uid")) if payload else None
    if user is None or payload.get("fp") != _reset_fingerprint(user):
        raise InvalidInput(BAD_LINK)
    return user


def reset_password(token: str, new: str, address: str | None = None) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_reset(token)
    _check_password(new, user.email, field="new_password")
    _set_password(user, new)
    if user.email_verified_at is None:
        user.email_verified_at = now_utc()  # the link itself proves the address
    record("user.password_reset", actor=user, subject=user, address=address)
    db.session.commit()
    return user


def update_profile(
    user: User, display_name: str, locale: str, public_display: str, phone: str | None
) -> User:
    """Save the user's name, language, phone and public appearance."""
    phone = (phone or "").strip() or None
    _check_profile(display_name, locale, public_display, phone)
    user.display_name = display_name.strip()
    user.locale = locale
    user.public_display = public_display
    user.phone = phone
    record("user.profile_updated", actor=user, subject=user)
    db.session.commit()
    return user


def set_locale(user: User, locale: str) -> None:
    """Remember the user's chosen language."""
    if locale in LOCALES and user.locale != locale:
        user.locale = locale
        db.session.commit()


def set_large_text(user: User, large: bool) -> None:
    """Remember whether the user reads every page in larger type."""
    if user.is_large_text != large:
        user.is_large_text = large
        db.session.commit()


def public_name(user: User | None) -> str:
    """Return the name shown in public lists, honouring the user's choice."""
    if user is None or user.public_display == PublicDisplay.ANONYMOUS.value:
        return str(_l("Anonymous"))
    if user.public_display == PublicDisplay.MASKED.value:
        return user.display_name[:1] + "**"
    return user.display_name


def create_api_token(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the plain token is returned once and never stored."""
    fields = {}
    if not name.strip() or len(name) > 80:
        fields["name"] = [_l("Enter a name of 1 to 80 characters.")]
    if scope not in {s.value for s in TokenScope}:
        fields["scope"] = [_l("Choose read or read-write.")]
    if fields:
        raise InvalidInput(fields=fields)
    plain = tokens.random_token("gh_")
    token = ApiToken(
        user=user, name=name.strip(), scope=scope, prefix=plain[:8], token_hash=tokens.digest(plain)
    )
    db.session.add(token)
    db.session.flush()
    record("token.created", actor=user, subject=token, scope=scope)
    db.session.commit()
    return token, plain


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        record("token.revoked", actor=user, subject=token)
        db.session.commit()
    return token


def user_for_api_token(plain: str) -> tuple[User, ApiToken] | None:
    """Return the active user and token for a presented API token."""
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == tokens.digest(plain)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = now_utc()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        token.last_used_at = now
        db.session.commit()
    return token.user, token


def create_admin(email: str, password: str, display_name: str | None = None) -> tuple[User, bool]:
    """Make the account a platform admin, creating it if needed; tell whether it was new."""
    email = normalise_email(email)
    user = find_by_email(email)
    created = user is None
    if created:
        _check_password(password, email)
        user = User(
            email=email,
            password_hash=hash_password(password),
            display_name=display_name or email.split("@")[0],
            email_verified_at=now_utc(),
        )
        db.session.add(user)
    user.is_platform_admin = True
    db.session.flush()
    record("user.made_platform_admin", subject=user)
    db.session.commit()
    return user, created
