"""One declared setting: its environment variable, type, default, meaning and whether production needs it.

A `Setting` is a descriptor on the `Settings` registry (config/registry.py): read on the class it is the
declaration; read on an instance it is the value in that instance's app config (the current app's by
default), so `settings.WISHES_CLAIM_DAYS` is an `int` and no call site repeats a default.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """Raised when the environment cannot yield a safe configuration."""


@dataclass(frozen=True)
class Context:
    """What a computed default may depend on: the environment's name and the app's instance folder."""

    env_name: str
    instance_path: Path


def parse_int(raw: str) -> int:
    return int(raw.strip())


def parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in TRUE | FALSE:
        raise ValueError(raw)
    return value in TRUE


def parse_str(raw: str) -> str:
    return raw


KINDS: dict[type, tuple[str, Callable[[str], Any]]] = {
    int: ("whole number", parse_int), bool: ("yes/no (1, true, yes, on / 0, false, no, off)", parse_bool),
    str: ("text", parse_str),
}


class Setting(Generic[T]):
    """A setting read from the environment variable `env` (the attribute's name unless given) into app config."""

    def __init__(self, kind: type, default: T | Callable[[Context], T], meaning: str, *, env: str | None = None,
                 production: bool = False, choices: tuple[str, ...] = (), shown_default: str | None = None,
                 normalise: Callable[[str], T] | None = None) -> None:
        self.kind, self.default, self.meaning, self.env = kind, default, meaning, env
        self.required_in_production, self.choices = production, choices
        self.shown_default, self.normalise = shown_default, normalise
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name
        self.env = self.env or name

    @overload
    def __get__(self, obj: None, owner: type) -> Setting[T]: ...

    @overload
    def __get__(self, obj: Any, owner: type) -> T: ...

    def __get__(self, obj, owner):
        if obj is None:
            return self
        config = obj.config
        if self.key not in config and not callable(self.default):
            return self.default  # a config built without `config.load` (or a key a test removed)
        return config[self.key]

    def read(self, environ: Mapping[str, str], context: Context) -> T:
        """Return the value from the environment, or the default when the variable is unset or empty.

        :raise ConfigError: the variable holds something that is not of this setting's type or choices.
        """
        raw = environ.get(self.env or self.key)
        if not raw:  # unset or empty: the default
            return self.default(context) if callable(self.default) else self.default
        name, parse = KINDS[self.kind]
        try:
            value = parse(raw)
        except ValueError:
            raise ConfigError(f"{self.env} must be a {name}, not {raw!r}") from None
        if self.choices and value not in self.choices:
            raise ConfigError(f"{self.env} must be one of {', '.join(self.choices)}, not {raw!r}")
        return self.normalise(value) if self.normalise else value

    def problem(self, value: Any) -> str | None:
        """Say what is wrong with a value set in the app config (by the environment or an override), if anything."""
        if value is None and (self.default is None or callable(self.default)):
            return None
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            return f"{self.key} must be a {KINDS[self.kind][0]}, not {value!r}"
        if self.choices and value not in self.choices:
            return f"{self.key} must be one of {', '.join(self.choices)}, not {value!r}"
        return None

    def default_text(self) -> str:
        """Return the default as the settings page shows it."""
        if self.shown_default is not None:
            return self.shown_default
        if self.default is None:
            return "unset"
        if isinstance(self.default, bool):
            return "yes" if self.default else "no"
        return f"`{self.default}`" if isinstance(self.default, str) else str(self.default)


def whole(default: int | Callable[[Context], int], meaning: str, **options) -> Setting[int]:
    """Declare a whole-number setting (fen, minutes, days, a count)."""
    return Setting(int, default, meaning, **options)


def flag(default: bool | Callable[[Context], bool], meaning: str, **options) -> Setting[bool]:
    """Declare a yes/no setting."""
    return Setting(bool, default, meaning, **options)


def text(default: str | Callable[[Context], str], meaning: str, **options) -> Setting[str]:
    """Declare a text setting with a default."""
    return Setting(str, default, meaning, **options)


def optional(meaning: str, **options) -> Setting[str | None]:
    """Declare a text setting that may be unset."""
    return Setting(str, None, meaning, **options)
