"""Settings: read once from the environment through the registry, checked, and then read as `settings.NAME`.

`load` builds an app's config and refuses, listing every problem at once, a wrong type or value in the
environment or an unsafe production setup. Code reads a setting only as `settings.NAME` (the current
app's value) or `Settings(app.config).NAME` (a given app's); no call site repeats a default.
"""
from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from config.districts import GUANGZHOU_DISTRICTS
from config.production import production_problems
from config.registry import OWNED_PREFIXES, PRODUCTION, Settings
from config.setting import ConfigError, Context
from config.site import development_site_url, site_url_problem

__all__ = ["GUANGZHOU_DISTRICTS", "ConfigError", "Settings", "load", "production_problems", "settings"]
log = logging.getLogger(__name__)
settings = Settings()
CONSOLE_MAIL = "marketplace.platform.console_mail.EmailBackend"

# settings of Flask and its extensions that no environment changes
FIXED: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),  # a session kept with remember-me
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "RATELIMIT_SWALLOW_ERRORS": True,  # Redis unreachable: limits are skipped (and logged), pages still answer
    "WTF_CSRF_TIME_LIMIT": None,
    "API_TITLE": "Goodhours API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
}


def load(instance_path: str | Path, overrides: Mapping[str, Any] | None = None, *, debug: bool = False,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return an app's config: the environment read through the registry, then `overrides`.

    :raise ConfigError: listing every problem at once (wrong types or values, unsafe production settings).
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    values, problems = _read(environ, Path(instance_path), skip=overrides.keys())
    values.update(_derived(values))
    values.update(FIXED)
    values.update(overrides)
    problems += [problem for setting in Settings.declared() if setting.key in overrides
                 if (problem := setting.problem(values[setting.key]))]
    production = values.get("ENV_NAME") == PRODUCTION
    if not values.get("SITE_URL") and not production and isinstance(values.get("PORT"), int):
        values["SITE_URL"] = development_site_url(str(values.get("HOST")), values["PORT"])
    if values.get("SITE_URL") and (problem := site_url_problem(values["SITE_URL"], production=production)):
        problems.append(problem)
    if isinstance(values.get("PROXY_HOPS"), int) and values["PROXY_HOPS"] < 0:
        problems.append(f"PROXY_HOPS must be 0 or more, not {values['PROXY_HOPS']}")
    problems += [RETIRED[name] for name in RETIRED if environ.get(name)]
    problems += production_problems(values, debug=debug)
    if problems:
        raise ConfigError("Goodhours cannot start with these settings:\n  " + "\n  ".join(problems))
    _warn_unknown(environ)
    return values


# a retired variable that is refused rather than ignored, since ignoring it would quietly change whom the site trusts
RETIRED = {
    "TRUST_PROXY": "TRUST_PROXY is retired: set PROXY_HOPS to the number of reverse proxies in front of the site "
                   "(0 trusts no X-Forwarded-* header)",
}


def _read(environ: Mapping[str, str], instance_path: Path, skip) -> tuple[dict[str, Any], list[str]]:
    env_name = environ.get(Settings.ENV_NAME.env or "", "") or str(Settings.ENV_NAME.default)
    context = Context(env_name, instance_path)
    values: dict[str, Any] = {}
    problems = []
    for setting in Settings.declared():
        if setting.key in skip:
            continue
        try:
            values[setting.key] = setting.read(environ, context)
        except ConfigError as error:
            problems.append(str(error))
    return values, problems


def _derived(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the extension settings that follow from declared ones."""
    production = values.get("ENV_NAME") == PRODUCTION
    return {
        "RATELIMIT_STORAGE_URI": values.get("REDIS_URL") or "memory://",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # "console" prints each mail's recipient, subject, links and attachments' names, not its raw MIME
        "MAIL_BACKEND": CONSOLE_MAIL if values.get("MAIL_BACKEND") == "console" else values.get("MAIL_BACKEND"),
    }


def _warn_unknown(environ: Mapping[str, str]) -> None:
    """Log each variable under a Goodhours prefix that declares nothing (a typo or a retired setting)."""
    if environ.get("SERVER_NAME"):
        log.warning("SERVER_NAME is retired and ignored: links are built on SITE_URL")
    known = {setting.env for setting in Settings.declared()}
    for name in sorted(environ):
        if name.startswith(OWNED_PREFIXES) and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            log.warning("%s is not a Goodhours setting and is ignored%s", name,
                        f" (did you mean {close[0]}?)" if close else "")
