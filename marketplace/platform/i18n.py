"""Choose each request's language and format money, dates and hours for it."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import support
from flask import Flask, g, has_request_context, request, session
from flask_babel import Domain, LazyString, format_date, format_datetime, format_decimal, get_locale, ngettext

from marketplace.auth.models import LOCALES
from marketplace.platform.extensions import babel
from marketplace.platform.labels import label, state_label
from marketplace.platform.timeutil import local_date

LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


class CatalogDomain(Domain):
    """Load the zh_CN catalog for Chinese: Babel reads zh_CN as zh_Hans_CN, which gettext
    would otherwise look for under zh_Hans_CN/ or zh/."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        name = "zh_CN" if locale.language == "zh" else locale.language
        key = (name, self.domain[0])
        if key not in self.cache:
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, [name], self.domain[0])
                translations.merge(catalog)
                if hasattr(catalog, "plural"):
                    translations.plural = catalog.plural
            self.cache[key] = translations
        return self.cache[key]


def current_locale() -> str:
    """Return 'zh_CN' or 'en' for the current request."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else "en"


def from_accept_language() -> str | None:
    """Map Accept-Language to a locale: zh, zh-CN and zh-Hans-CN all mean Chinese."""
    match = request.accept_languages.best_match(["zh", "en"])
    if match is None:
        for value, _quality in request.accept_languages:
            primary = value.split("-")[0].split("_")[0].lower()
            if primary in {"zh", "en"}:
                match = primary
                break
    return {"zh": "zh_CN", "en": "en"}.get(match or "")


def select_locale() -> str | None:
    """Profile first, then the cookie set by the switcher, then the browser, then the default."""
    if not has_request_context():
        return None
    user = g.get("user")
    if user is not None:
        return user.locale
    chosen = session.get("lang")
    if chosen in LOCALES:
        return chosen
    return from_accept_language()


def money(fen: int) -> str:
    """Format an amount in fen as yuan in the current locale (no floats involved)."""
    sign = "-" if fen < 0 else ""
    return sign + "¥" + format_decimal(abs(Decimal(fen)) / 100, format="#,##0.00")


def hours(minutes: int) -> str:
    """Format minutes as hours and minutes in the current locale (no "0 h" before minutes)."""
    h, m = divmod(int(minutes), 60)
    if h and m:
        return ngettext("%(num)d h", "%(num)d h", h) + " " + ngettext("%(num)d min", "%(num)d min", m)
    if m:
        return ngettext("%(num)d min", "%(num)d min", m)
    return ngettext("%(num)d h", "%(num)d h", h)


def datetime_medium(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""


# A day as people write it: 2026年12月5日 in Chinese, 5 Dec 2026 in English (never 2026-12-05).
DATE_FORMATS = {"zh_CN": "long", "en": "d MMM y"}
MONTH_FORMATS = {"zh_CN": "y年M月", "en": "MMM y"}


def local_day(value: date | datetime | None) -> str:
    """Format a day in the reader's language (a datetime is first read in the site's time zone)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = local_date(value)
    return format_date(value, DATE_FORMATS[current_locale()])


def lazy_day(value: date | None) -> LazyString:
    """A day for a message made now and read later (an error raised in a service): formatted when shown."""
    return LazyString(local_day, value)


def month(value: date | str | None) -> str:
    """Format a month ("2026-12" or a date) as 2026年12月 / Dec 2026."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date(int(value[:4]), int(value[5:7]), 1)
    return format_date(value, MONTH_FORMATS[current_locale()])


def number(value: int | None) -> str:
    """Format a count with the reader's digit grouping (12,345)."""
    return "" if value is None else format_decimal(value)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories="translations")
    babel.domain_instance = CatalogDomain()
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["hours"] = hours
    app.jinja_env.filters["datetime"] = datetime_medium
    app.jinja_env.filters.update(date=local_day, month=month, number=number)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals.update(label=label, state_label=state_label)
