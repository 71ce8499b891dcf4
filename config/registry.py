"""Every Goodhours setting, declared once: environment variable, type, default, meaning, production need.

The defaults let the site run alone (SQLite in instance/, in-process jobs, memory rate limits, mail on
the console, the demo payment provider). Read a value as `settings.NAME` (see config/__init__.py).
`docs/settings.md` is generated from this file: `python -m config.docs`.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from typing import Any

from limits import parse_many

from config.setting import ConfigError, Context, Setting, flag, optional, text, whole

PRODUCTION = "production"


def _secret_key(context: Context) -> str:
    """Return the key kept in instance/secret_key (made once) outside production; none in production."""
    if context.env_name == PRODUCTION:
        return ""  # refused, with every other problem, at startup
    path = context.instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    context.instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _rate_limits(text: str) -> str:
    """Return limits such as "5 per 15 minutes; 20 per day" unchanged, or refuse what the limiter cannot read
    (a typo would otherwise fail every request the limit guards)."""
    try:
        parse_many(text)
    except ValueError:
        raise ConfigError(f"{text!r} is not a rate limit such as '5 per 15 minutes; 20 per day'") from None
    return text


def _psycopg_url(url: str) -> str:
    """Point `postgres://` and `postgresql://` addresses at the psycopg 3 driver."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    return url


class Settings:
    """The registry: each attribute declares a setting; on an instance it reads that app config's value."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._config = config

    @property
    def config(self) -> Mapping[str, Any]:
        if self._config is not None:
            return self._config
        from flask import current_app

        return current_app.config

    @classmethod
    def declared(cls) -> Iterator[Setting]:
        """Yield every declared setting, in the order of this file."""
        for value in vars(cls).values():
            if isinstance(value, Setting):
                yield value

    # --- site ----------------------------------------------------------------------------------
    ENV_NAME = text("development", "development or production; production refuses unsafe settings",
                    env="GOODHOURS_ENV", choices=("development", PRODUCTION))
    SECRET_KEY = text(_secret_key, "signs sessions and tokens", production=True,
                      shown_default="outside production, a random key kept in instance/secret_key")
    SQLALCHEMY_DATABASE_URI = text(
        lambda c: f"sqlite:///{c.instance_path / 'goodhours.sqlite3'}",
        "the database, e.g. postgresql+psycopg://goodhours:PASSWORD@db.example/goodhours "
        "(postgres:// and postgresql:// are rewritten to psycopg 3)",
        env="DATABASE_URL", normalise=_psycopg_url, shown_default="SQLite in instance/goodhours.sqlite3")
    REDIS_URL = optional("Redis for rate limits and wrong-password counts shared by every worker, and for "
                         "background jobs (RQ)", production=True)
    SITE_URL = optional(
        "the site's public address (https://… in production); every absolute link — emails, QR codes, "
        "certificates, checkout — is built on it, never on a request's Host header", production=True,
        normalise=lambda url: url.strip().rstrip("/"),
        shown_default="outside production, http://HOST:PORT (http://127.0.0.1:5000)")
    HOST = text("127.0.0.1", "the address the development server listens on (scripts/run.sh)")
    PORT = whole(5000, "the port the development server listens on (scripts/run.sh)")
    PROXY_HOPS = whole(lambda c: 1 if c.env_name == PRODUCTION else 0,
                       "reverse proxies in front of the site whose X-Forwarded-For and X-Forwarded-Proto "
                       "are trusted (0: trust no such header; X-Forwarded-Host is never trusted)",
                       shown_default="1 in production, else 0")
    BABEL_DEFAULT_LOCALE = text("zh_CN", "the language of visitors with no preference", env="DEFAULT_LOCALE")
    BABEL_DEFAULT_TIMEZONE = text("Asia/Shanghai", "the time zone dates are shown and counted in",
                                  env="DEFAULT_TIMEZONE")
    UPLOAD_FOLDER = text(lambda c: str(c.instance_path / "uploads"), "where uploaded photos and evidence are kept",
                         shown_default="instance/uploads")
    CERTIFICATE_FONT = optional("a .ttf/.ttc font with Chinese for certificates (else the first Debian CJK font)")

    # --- accounts and limits ---------------------------------------------------------------------
    ARGON2_PROFILE = text("default", "password hashing cost; cheapest is for tests and refused in production",
                          choices=("default", "cheapest"))
    PASSWORD_RESET_MAX_AGE = whole(3600, "seconds a password-reset link stays valid")
    EMAIL_VERIFY_MAX_AGE = whole(3 * 24 * 3600, "seconds an email-verification link stays valid")
    INVITATION_MAX_AGE_DAYS = whole(14, "days an invitation to an organisation stays valid")
    RATELIMIT_ENABLED = flag(True, "apply rate limits at all")
    LOGIN_LIMIT_PER_ACCOUNT_CLIENT = text(
        "5 per 15 minutes; 10 per hour; 20 per day",
        "wrong passwords allowed per account from one client (a browser it logged in from before, else an address)",
        normalise=_rate_limits)
    LOGIN_LIMIT_PER_ACCOUNT = text(
        "10 per hour; 30 per day",
        "wrong passwords allowed per account from all clients new to it together (its known browsers still log in)",
        normalise=_rate_limits)
    LOGIN_LIMIT_PER_ADDRESS = text("20 per 15 minutes; 100 per day", "failed log-ins allowed per client address",
                                   normalise=_rate_limits)
    API_RATE_LIMIT = text("300 per minute", "API calls allowed per caller", normalise=_rate_limits)

    # --- mail ----------------------------------------------------------------------------------
    MAIL_BACKEND = text("console", "console (print each mail's recipient, subject, links and attachments' names), "
                        "smtp, or locmem (tests)")
    MAIL_SERVER = text("localhost", "the SMTP server")
    MAIL_PORT = whole(25, "the SMTP port")
    MAIL_USERNAME = optional("the SMTP user")
    MAIL_PASSWORD = optional("the SMTP password")
    MAIL_USE_TLS = flag(False, "use STARTTLS with the SMTP server")
    MAIL_USE_SSL = flag(False, "use SMTP over SSL")
    MAIL_TIMEOUT = whole(30, "seconds before an SMTP call gives up (well inside the outbox's 90-second lease)")
    MAIL_DEFAULT_SENDER = text("Goodhours <noreply@example.org>", "the From of every email")

    # --- background jobs -------------------------------------------------------------------------
    JOBS_RUN_INLINE = flag(False, "run background jobs at once, inside the caller (tests)")
    JOBS_TIMEOUT = whole(3600, "seconds an RQ job may run")
    JOBS_QUEUE = text("default", "the RQ queue jobs go to")

    # --- payments ------------------------------------------------------------------------------
    STRIPE_SECRET_KEY = optional("Stripe's secret key; without it gifts go through the demo provider (test mode)",
                                 production=True)
    STRIPE_PUBLISHABLE_KEY = optional("Stripe's publishable key")
    STRIPE_WEBHOOK_SECRET = optional("the secret Stripe signs webhook events with", production=True)
    STRIPE_API_BASE = optional("another address for Stripe's API (tests use a local fake)")
    STRIPE_MAX_NETWORK_RETRIES = whole(2, "how often the Stripe client retries a failed network call")
    DEMO_WEBHOOK_SECRET = optional("the secret the demo checkout signs its events with (derived from SECRET_KEY)")
    PAYMENTS_MAX_FEN = whole(5_000_000, "the largest online gift, in fen (¥50,000)")
    PAYMENTS_OFFLINE_MAX_FEN = whole(10_000_000_000, "the largest offline gift staff may record, in fen")
    MONEY_SECOND_PERSON_ABOVE_FEN = whole(
        500_000, "fen above which an offline gift, a disbursement or a reconciliation correction needs a "
        "second person (¥5,000)")

    # --- firms ---------------------------------------------------------------------------------
    FIRMS_POINTS_PER_YUAN = whole(1, "a firm's points for each yuan given")
    FIRMS_POINTS_PER_HOUR = whole(1, "a firm's points for each hour its members served")
    FIRMS_BADGE_BRONZE_POINTS = whole(1_000, "points for the bronze badge")
    FIRMS_BADGE_SILVER_POINTS = whole(10_000, "points for the silver badge")
    FIRMS_BADGE_GOLD_POINTS = whole(100_000, "points for the gold badge")

    # --- micro-wishes, household needs and their lights -------------------------------------------
    WISHES_WISH_VALUE_CAP_FEN = whole(100_000, "the largest micro-wish, in fen (¥1,000)")
    WISHES_NEED_BUDGET_CAP_FEN = whole(
        8_000_000, "the largest household need without an organisation admin's approval, in fen (¥80,000)")
    WISHES_CLAIM_DAYS = whole(7, "days a claimant has to fulfil a claimed wish")
    WISHES_MAX_ACTIVE_CLAIMS = whole(5, "wishes one donor may hold claimed at once")
    WISHES_REVERIFY_MONTHS = whole(12, "months after which a household is verified again")
    WISHES_EXPIRE_UNCLAIMED_DAYS = whole(60, "days after which a published listing nobody takes expires")
    WISHES_REPEAT_EXPIRY_COUNT = whole(2, "expired claims after which a claimant is shown to staff")
    WISHES_UNCLAIMED_YELLOW_DAYS = whole(14, "days unclaimed before a listing's light turns yellow")
    WISHES_UNCLAIMED_RED_DAYS = whole(30, "days unclaimed before a listing's light turns red")
    WISHES_DEADLINE_YELLOW_DAYS = whole(2, "days before a claim's deadline when its light turns yellow")
    WISHES_UNCONFIRMED_YELLOW_DAYS = whole(7, "days a delivery may wait for confirmation before turning yellow")
    WISHES_UNHELPED_YELLOW_DAYS = whole(90, "days a household may go unhelped before turning yellow")

    # --- referrals and visits (穗救易) ------------------------------------------------------------
    REFERRALS_URGENT_DAYS = whole(2, "days an urgent referral has, from dispatch, to be done")
    REFERRALS_NORMAL_DAYS = whole(10, "days a normal referral has, from dispatch, to be done")
    REFERRALS_DISPATCH_DAYS = whole(2, "days a recorded need may wait for dispatch before its household turns red")
    REFERRALS_FEEDBACK_DAYS = whole(7, "days a done referral may wait for the household's feedback before it turns red")
    REFERRALS_YELLOW_DAYS = whole(2, "days before a referral or visit falls due when its light turns yellow")
    REFERRALS_VISIT_ELDERLY_ALONE_DAYS = whole(7, "days between visits to an elderly person living alone")
    REFERRALS_VISIT_SEVERE_DISABILITY_DAYS = whole(14, "days between visits to a household with severe disability")
    REFERRALS_VISIT_UNSUPPORTED_CHILD_DAYS = whole(14, "days between visits to a de facto unsupported child")
    REFERRALS_VISIT_OTHER_DAYS = whole(30, "days between visits to a household of any other category")
    REFERRALS_KEEP_PUBLIC_MIN = whole(5, "the smallest count a public page shows for a district (fewer: \"<5\")")

    # --- member exchanges -----------------------------------------------------------------------
    EXCHANGE_ALLOWANCE_MINUTES = whole(120, "minutes a member may receive from neighbours beyond their savings "
                                            "(their balance may go this far below zero; 0: never below zero)")
    EXCHANGE_APPROVALS_FOR_NEW_MEMBERS = whole(2, "a member's first exchanges that wait for a coordinator's "
                                                  "approval (0: none)")
    EXCHANGE_REPORT_ANSWER_HOURS = whole(48, "hours within which coordinators answer a member's report (later: "
                                             "a red light on their board)")
    EXCHANGE_POST_DAYS = whole(60, "days an offer or request stays open unless its member chooses a nearer end")
    EXCHANGE_ADULT_AGE = whole(18, "age from which a member may offer services in someone's home")

    # --- donated meals (M餐) ---------------------------------------------------------------------
    MEALS_FREE_MEALS = whole(3, "meals a person may take with only a confirmed phone number; from the next, a "
                                "verified account")
    MEALS_PER_PERSON_PER_DAY = whole(1, "meals (and blind boxes) one person may hold or take in a day")
    MEALS_POINTS_PER_MEAL = whole(10, "points a firm earns for each donated meal served")
    MEALS_POINTS_PER_BOX = whole(5, "points a base's organisation earns for each blind box handed out")
    MEALS_PERMIT_REMIND_DAYS = whole(30, "days before a store's permit expires when its firm is reminded")
    MEALS_PAUSE_NOTICE_DAYS = whole(1, "days ahead a firm must pause a store's day (1: from tomorrow on)")
    MEALS_ANONYMISE_DAYS = whole(30, "days after which a reservation forgets whose it was")
    MEALS_ELIGIBILITY_DAYS = whole(365, "days a verified statement of need lasts before it is made again")
    MEALS_CODE_MINUTES = whole(10, "minutes a code sent to a phone stays valid")
    MEALS_CODE_ATTEMPTS = whole(5, "wrong tries allowed for one phone code")
    MEALS_CODE_LIMIT = text("3 per 10 minutes; 10 per day", "phone codes one number or address may ask for",
                            normalise=_rate_limits)
    MEALS_PHONE_KEY = optional("the key phone numbers are hashed with (HMAC-SHA256); never change it once "
                               "used, or every person starts again (derived from SECRET_KEY when unset)",
                               production=True)
    MEALS_SMS_URL = optional("the SMS gateway phone codes are posted to as JSON {phone, text}; without it the "
                             "code is printed to the log and, outside production, shown on the page (test mode)",
                             production=True)

    # --- time bank -----------------------------------------------------------------------------
    TIMEBANK_DAILY_CAP_MINUTES = whole(12 * 60, "minutes one volunteer may save in a day")
    TIMEBANK_SCAN_ROTATE_SECONDS = whole(180, "seconds before an activity's check-in QR code changes")
    TIMEBANK_CHECKIN_EARLY_MINUTES = whole(30, "minutes before an activity's start when check-in opens")
    TIMEBANK_CHECKOUT_LATE_MINUTES = whole(60, "minutes after an activity's end when check-out closes")
    TIMEBANK_SIGNUP_CUTOFF_HOURS = whole(2, "hours before an activity's start when sign-up closes (by default: "
                                            "its organiser may choose another time)")
    TIMEBANK_SPOT_CHECK_SIZE = whole(10, "records drawn for a spot check unless staff choose")

    # --- reconciliation and public accounts ------------------------------------------------------
    RECONCILIATION_MATCH_DAYS = whole(3, "days apart a statement line and a gift may be and still match")
    TRANSPARENCY_CACHE_SECONDS = whole(300, "seconds the public accounts' figures are cached (0: not cached)")
    PUBLIC_CACHE_SECONDS = whole(60, "seconds browsers and proxies may keep an anonymous public page before "
                                     "asking again with its ETag (0: public pages are not cacheable)")
    GIVING360_PREFIX = text("360G-goodhours", "the prefix of 360Giving grant ids (register one to publish)")


# names under these prefixes belong to Goodhours: one not declared above is a typo or a retired setting
OWNED_PREFIXES = ("WISHES_", "REFERRALS_", "MEALS_", "TIMEBANK_", "PAYMENTS_", "FUNDS_", "FIRMS_", "RECONCILIATION_",
                  "TRANSPARENCY_", "MONEY_")
