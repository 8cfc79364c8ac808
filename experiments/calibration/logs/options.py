"""How to read a log: the same options for every command that reads one.

``commsim history`` and ``commsim calibrate`` both take the log as ``data=PATH`` (or
``data.path=PATH``) with ``format=NAME`` and the column and time options ``data.actor=``,
``data.time=``, ``data.target=``, ``data.timezone=`` and ``data.dayfirst=``.
:func:`log_options` checks them, from a plain path or from the ``data`` section of a
config, into :class:`LogOptions`, whose :meth:`LogOptions.read` calls
:func:`~experiments.calibration.logs.read_events`.

In a Hydra config (``configs/calibrate.yaml``) ``data`` is a section, so ``data=PATH`` on
the command line is handed to Hydra as ``data.path='PATH'`` (:func:`hydra_arguments`):
quoted, so that a path with spaces, commas or letters beyond ASCII is read as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.calibration.logs.dispatch import FORMATS, read_events
from experiments.calibration.logs.events import Events
from sim.errors import ConfigError

#: the keys of the ``data`` section (``data.path`` is also ``data=PATH``)
DATA_KEYS = ("path", "actor", "time", "target", "timezone", "dayfirst")
COLUMN_KEYS = ("actor", "time", "target")
OPTION_NAMES = ("data=PATH", "format=NAME", *(f"data.{k}=..." for k in DATA_KEYS[1:]))


@dataclass(frozen=True)
class LogOptions:
    """A log and how to read it (``None``: detected or the default)."""

    path: str | None = None
    format: str | None = None
    actor: str | None = None
    time: str | None = None
    target: str | None = None
    timezone: str | None = None
    dayfirst: bool | None = None

    def reading(self) -> dict[str, Any]:
        """The keyword arguments of :func:`read_events` besides the path."""
        return {
            "format": self.format,
            "actor": self.actor,
            "time": self.time,
            "target": self.target,
            "timezone": self.timezone,
            "dayfirst": self.dayfirst,
        }

    def read(self) -> Events:
        """Read the log.

        Raises:
            ConfigError: on ``data`` without a path, or whatever :func:`read_events` raises.
        """
        if self.path is None:
            raise ConfigError("data", None, "give the interaction log: data=PATH")
        return read_events(self.path, **self.reading())


def log_options(data: Any, format: Any = None) -> LogOptions:
    """Check the reading options.

    Args:
        data: the log's path, or a mapping with the keys of :data:`DATA_KEYS` (the
            ``data`` section of a config); ``None`` when not given.
        format: the ``format`` option (``None``: detected).

    Raises:
        ConfigError: naming the key (``data.actor``, ``format``...), the value and the fix.
    """
    if data is None or isinstance(data, str | Path):
        data = {"path": data}
    if not isinstance(data, Mapping):
        raise ConfigError("data", data, "give the log's path: data=PATH")
    for key, value in data.items():
        if key not in DATA_KEYS:
            raise ConfigError(f"data.{key}", value, f"use one of: {', '.join(OPTION_NAMES)}")
    path = data.get("path")
    if path is not None and not isinstance(path, str | Path):
        raise ConfigError("data", path, "give the log's path: data=PATH")
    if format is not None and format not in FORMATS:
        raise ConfigError("format", format, f"use one of: {', '.join(FORMATS)} (or leave it out)")
    columns = {k: _column(k, data.get(k)) for k in COLUMN_KEYS}
    timezone = data.get("timezone")
    if timezone is not None and (not isinstance(timezone, str) or not timezone):
        raise ConfigError("data.timezone", timezone, "give a zone name such as UTC or Europe/Paris")
    return LogOptions(
        path=None if path in (None, "", "???") else str(path),
        format=format,
        timezone=timezone,
        dayfirst=_flag(data.get("dayfirst")),
        **columns,
    )


def _column(key: str, value: Any) -> str | None:
    """A column by name, or by number (from 1) in a file without a header."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise ConfigError(
            f"data.{key}", value, "name the column (a header's name, or its number from 1)"
        )
    return str(value)


def _flag(value: Any) -> bool | None:
    """``data.dayfirst``: true or false (Hydra gives a bool, a plain command line a word)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ConfigError("data.dayfirst", value, "use true or false")


def quote(value: str) -> str:
    """``value`` as a quoted string of Hydra's override grammar (kept if already quoted)."""
    if value[:1] in ("'", '"'):
        return value
    escaped = re.sub(r"(\\+)(?='|$)", lambda m: m.group(1) * 2, value)  # before a quote
    return "'" + escaped.replace("'", "\\'") + "'"


def hydra_arguments(args: Sequence[str]) -> list[str]:
    """A command line with ``data=PATH`` (and ``data.path=PATH``) as ``data.path='PATH'``.

    In a sweep (``-m``) the values are left as they are, so ``data=a.csv,b.csv`` sweeps.

    Raises:
        ConfigError: on ``data.KEY`` for a key that is not a reading option.
    """
    sweep = any(a in ("-m", "--multirun") for a in args)
    out = []
    for arg in args:
        key, sep, value = arg.partition("=")
        name = key.lstrip("+~")
        if sep and name.startswith("data.") and name[5:] not in DATA_KEYS:
            raise ConfigError(name, value, f"use one of: {', '.join(OPTION_NAMES)}")
        if sep and key in ("data", "data.path"):
            arg = f"data.path={value if sweep or not value else quote(value)}"
        out.append(arg)
    return out


__all__ = ["DATA_KEYS", "LogOptions", "hydra_arguments", "log_options", "quote"]
