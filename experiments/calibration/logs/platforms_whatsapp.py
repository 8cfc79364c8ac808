"""WhatsApp exported chats (format ``whatsapp``): the ``.txt`` of "Export chat".

Each message starts a line with its date and time, then the author and the text:

- Android: ``12/31/20, 9:41 PM - Alice: text`` or ``31/12/2020, 21:41 - Alice: text``;
- iOS: ``[31.12.20, 21:41:05] Alice: text`` or ``[12/31/20, 9:41:05 PM] Alice: text``.

Lines without a date continue the message before them (multi-line messages) and add no
event. Lines with a date but no ``Name:`` (``Messages and calls are end-to-end
encrypted``, ``Alice added Bob``), and iOS lines that start with a left-to-right mark
(how iOS writes such notices), are system messages: counted and left out. A chat export
has no replies, so there are no targets.

Day and month order is read from the values: a first field above 12 means day first, a
second field above 12 month first. When no field says (every day is 12 or less) the order
is ``dayfirst`` when given, else day first for dotted dates (``31.12.20``) and month first
for slashed ones, and the notes say so. Times are the phone's local time: give
``timezone``. WhatsApp's text has no standard parser, so lines are matched with one
regular expression through pandas' vectorised ``str.extract``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ConfigError

from .events import KEY, Events, events_from_columns, parse_times
from .platforms_common import SYSTEM, as_reader

_STAMP = (
    r"(?P<lrm>[\u200e\u200f]?)\[?(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})[./-](?P<c>\d{1,4}),?"
    r"\s(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"(?:[\s\u202f\u00a0]?(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?\]?\s(?:[-\u2013]\s)?"
)
_LINE = re.compile(rf"^{_STAMP}(?P<rest>.*)$")
_AUTHOR = re.compile(r"^(?P<name>[^:]{1,100}?): (?P<text>.*)$")
_ENCRYPTED = "end-to-end encrypted"
#: direction marks phones wrap around names and numbers (\u202a+1 555 0100\u202c)
_MARKS = "[\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def read_whatsapp(
    path: Path, *, timezone: str | None = None, dayfirst: bool | None = None
) -> Events:
    """Read a WhatsApp chat export (see the module docstring).

    Args:
        path: the exported ``.txt`` file.
        timezone: the phone's time zone (``Europe/Paris``); ``None`` is UTC.
        dayfirst: day before month, for exports whose dates do not tell.

    Raises:
        ConfigError: on ``data`` for a file with no dated line, dates that mix both orders,
            an impossible date, or no messages.
    """
    lines = _lines(path)
    parts = _dated(lines, path)
    author = parts["rest"].str.extract(_AUTHOR)
    system = author["name"].isna() | (parts["lrm"] != "")
    system |= author["text"].fillna("").str.contains(_ENCRYPTED) & author["name"].notna()
    day, month, year, notes = _order(parts, path, dayfirst)
    kept = ~system.to_numpy()
    stamps = _iso(parts, day, month, year)
    _check(stamps, parts, lines, path)
    seconds, time_notes = parse_times(stamps[kept], KEY, path, timezone) if kept.any() else ([], [])
    names = author["name"][kept].str.replace(_MARKS, "", regex=True).str.strip()
    notes.append(
        f"times read as {timezone or 'UTC'} (WhatsApp writes the phone's local time; "
        "set data.timezone)"
    )
    return events_from_columns(
        names, None, seconds, path, "whatsapp", {SYSTEM: int(system.sum())}, notes + time_notes
    )


def _dated(lines: pd.Series, path: Path) -> pd.DataFrame:
    """The date, time and rest of each line that starts a message (index: line from 0)."""
    parts = lines.str.extract(_LINE)
    dated = parts["a"].notna()
    if not dated.any():
        raise ConfigError(
            KEY,
            str(path),
            "no line starts with a date and time like '12/31/20, 9:41 PM - "
            "Alice: text'; give the .txt of WhatsApp's Export chat (without media)",
        )
    return parts[dated]


def _check(stamps: pd.Series, parts: pd.DataFrame, lines: pd.Series, path: Path) -> None:
    """Fail on the first impossible date or time (month 13, 25:99), naming its line."""
    bad = pd.to_datetime(stamps, format="%Y-%m-%dT%H:%M:%S", errors="coerce").isna()
    if bad.any():
        line = int(parts.index[int(np.flatnonzero(bad.to_numpy())[0])])
        raise ConfigError(
            KEY,
            f"{path}:{line + 1}",
            f"impossible date or time {lines[line][:40]!r}; fix the line or set data.dayfirst",
        )


def _lines(path: Path) -> pd.Series:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(KEY, str(path), f"cannot read it as UTF-8 text ({exc})") from exc
    return pd.Series(text.splitlines(), dtype=object)


def _order(
    parts: pd.DataFrame, path: Path, dayfirst: bool | None
) -> tuple[pd.Series, pd.Series, pd.Series, list[str]]:
    """Day, month and full year from the three date fields, and a note on the order."""
    a, b, c = (parts[k].astype(int) for k in ("a", "b", "c"))
    if (parts["a"].str.len() == 4).all():
        return c, b, a, []
    year = c.where(c >= 100, c + 2000)
    a_says, b_says = bool((a > 12).any()), bool((b > 12).any())
    if a_says and b_says:
        row = int(parts.index[int(np.flatnonzero((b > 12).to_numpy())[0])])
        raise ConfigError(
            KEY,
            f"{path}:{row + 1}",
            "dates put the day first on some lines and the month "
            "first on others; export the chat again from one phone",
        )
    notes: list[str] = []
    if not a_says and not b_says:
        if dayfirst is None:
            dayfirst = bool((parts["sep"] == ".").all())
            notes.append(
                f"day and month order ambiguous (no field above 12): read as "
                f"{'day/month' if dayfirst else 'month/day'}; set data.dayfirst to choose"
            )
    else:
        dayfirst = a_says
    return (a, b, year, notes) if dayfirst else (b, a, year, notes)


def _iso(parts: pd.DataFrame, day: pd.Series, month: pd.Series, year: pd.Series) -> pd.Series:
    """``YYYY-MM-DDTHH:MM:SS`` strings, 12-hour clocks turned to 24 hours."""
    hour = parts["hour"].astype(int)
    ampm = parts["ampm"].fillna("").str.upper()
    hour = hour.where(ampm == "", hour % 12 + np.where(ampm == "P", 12, 0))
    second = parts["second"].fillna("00")
    return (
        year.astype(str).str.zfill(4)
        + "-"
        + month.astype(str).str.zfill(2)
        + "-"
        + day.astype(str).str.zfill(2)
        + "T"
        + hour.astype(str).str.zfill(2)
        + ":"
        + parts["minute"]
        + ":"
        + second
    ).reset_index(drop=True)


def detect_whatsapp(path: Path, head: bytes) -> str | None:
    """``whatsapp`` for a text file whose first non-empty line is a dated chat line."""
    if path.is_dir():
        return None
    text = head.decode("utf-8-sig", "replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    match = _LINE.match(first)
    # WhatsApp writes "date, time - " (Android) or "[date, time] " (iOS): a plain log
    # starting with an ISO time ("2020-01-01 12:00:00 alice") is not taken for a chat
    shape = re.match(r"^[\u200e\u200f]?(\[[^\]]+,? [^\]]+\] |[^,\[]+,? [^-]+ [-\u2013] )", first)
    return "whatsapp" if match and shape else None


def register(formats: dict[str, Callable[..., Events]], detectors: list[Any]) -> None:
    """Add the WhatsApp reader and its detector."""
    formats["whatsapp"] = as_reader(read_whatsapp)
    detectors.append(detect_whatsapp)


__all__ = ["detect_whatsapp", "read_whatsapp", "register"]
