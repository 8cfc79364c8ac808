"""Delimited text and tables: CSV, TSV, whitespace, JSON lines, Parquet, Excel.

Files are read with pandas (its C parser is fast and handles quoting, gzip and zip; a
hand-written splitter would be slower and get quoting wrong). A header is read by name:
:data:`ACTOR_NAMES`, :data:`TIME_NAMES` and :data:`TARGET_NAMES` (case-insensitive, spaces
and dashes read as ``_``) in any column order, other columns ignored; ``data.actor=``,
``data.time=`` and ``data.target=`` name the columns explicitly. Without a header the
fields are positional: two are ``actor time``, three or more ``actor target time``; in
whitespace-separated text an ISO time written with a space (``2004-04-15 14:56:01``) is
one field, and lines starting with ``#`` are comments.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.calibration.logs.events import KEY, Events, events_from_columns, parse_times
from sim.errors import ConfigError
from sim.io import read_text

ACTOR_NAMES = (
    "actor", "user", "username", "user_name", "author", "sender", "source", "from", "owner",
    "user_id", "userid", "author_id", "sender_id", "from_id", "owner_id", "owner_user_id",
    "src", "member", "poster", "speaker",
)  # fmt: skip
TIME_NAMES = (
    "timestamp", "time", "date", "datetime", "date_time", "created", "created_at",
    "created_utc", "creation_date", "ts", "sent_at", "sent", "posted_at", "unix_time",
    "epoch", "time_stamp",
)  # fmt: skip
TARGET_NAMES = (
    "target", "receiver", "recipient", "to", "reply_to", "replied_to", "parent_author",
    "in_reply_to", "in_reply_to_user", "to_id", "target_id", "receiver_id",
    "recipient_id", "dst", "reply_to_user",
)  # fmt: skip
#: format name -> pandas separator (None: decided from the first line)
TEXT_FORMATS = {"csv": ",", "tsv": "\t", "whitespace": r"\s+", "text": None}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")
_WORD = re.compile(r"^[A-Za-z_][\w .-]*$")


def head_text(path: Path, size: int = 65_536) -> str:
    """The first ``size`` bytes of a file as text, unpacked from gzip or a one-file zip."""
    try:
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                with archive.open(archive.namelist()[0]) as f:
                    raw = f.read(size)
        else:
            with path.open("rb") as f:
                raw = f.read(size)
            if raw[:2] == b"\x1f\x8b":
                with gzip.open(path, "rb") as g:
                    raw = g.read(size)
    except (OSError, EOFError, zipfile.BadZipFile, IndexError) as exc:
        raise ConfigError(KEY, str(path), f"cannot be read or unpacked ({exc})") from exc
    return raw.decode("utf-8", errors="replace")


def _compression(path: Path) -> str | None:
    with path.open("rb") as f:
        magic = f.read(4)
    return "gzip" if magic[:2] == b"\x1f\x8b" else "zip" if magic == b"PK\x03\x04" else None


def read_text_table(path: Path, fmt: str, **columns: str | None) -> Events:
    """Read CSV, TSV, whitespace-separated or plain text (separator from the first line)."""
    lines = [ln.strip() for ln in head_text(path).splitlines()]
    first = next((ln for ln in lines if ln and not ln.startswith("#")), "")
    if not first:
        raise ConfigError(KEY, str(path), "the log has no events; give one event per line")
    sep = TEXT_FORMATS[fmt]
    if sep is None or (sep != r"\s+" and sep not in first):  # sniffed, as the format allows
        sep = "\t" if "\t" in first else "," if "," in first else r"\s+"
    fields = re.split(sep, first) if sep == r"\s+" else first.split(sep)
    header = _is_header([f.strip().strip('"') for f in fields])
    try:
        frame = _read_csv(path, fmt, sep, header)
        irregular = not header and (frame.isna().any().any() or _has_date_and_time(frame, sep))
    except pd.errors.ParserError as exc:  # rows longer than the first
        if header:
            raise ConfigError(KEY, str(path), f"cannot be read as {fmt} ({exc})") from exc
        irregular = True
    if irregular:
        frame = _irregular_rows(_read_csv(path, fmt, sep, header, irregular=True), sep)
    if frame.empty:
        what = "a header but no events" if header else "no events"
        raise ConfigError(KEY, str(path), f"the log has {what}; add one event per line")
    try:
        return from_frame(frame, path, fmt, header=header, **columns)
    except ConfigError as exc:
        raise _with_line(exc, path, header) from None


def _with_line(error: ConfigError, path: Path, header: bool) -> ConfigError:
    """The same error, with ``record N`` told as the file's line number."""
    found = re.match(r"record (\d+)", error.fix)
    if not found:
        return error
    record, number = int(found.group(1)), 0
    lines = read_text(path, KEY, "log").splitlines()
    while number < len(lines) and record > -int(header):
        text = lines[number].strip()
        number += 1
        if text and (header or not text.startswith("#")):
            record -= 1
    fix = f"line {number}" + error.fix[found.end() :]
    return ConfigError(error.key, error.value, fix)


def read_jsonl(path: Path, fmt: str = "jsonl", **columns: str | None) -> Events:
    """Read JSON lines (one object per line) with ``pandas.read_json(lines=True)``."""
    try:
        frame = pd.read_json(path, lines=True, compression=_compression(path), dtype=False)
    except ValueError as exc:
        raise ConfigError(
            KEY, str(path), f"cannot be read as JSON lines ({exc}); give one object per line"
        ) from exc
    return from_frame(frame, path, fmt, header=True, **columns)


def read_parquet(path: Path, fmt: str = "parquet", **columns: str | None) -> Events:
    """Read a Parquet table."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types
        raise ConfigError(KEY, str(path), f"cannot be read as Parquet ({exc})") from exc
    return from_frame(frame, path, fmt, header=True, **columns)


def read_excel(path: Path, fmt: str = "excel", **columns: str | None) -> Events:
    """Read the first sheet of an ``.xlsx`` workbook (openpyxl); a header row is optional."""
    try:
        frame = pd.read_excel(path, header=None, engine="openpyxl")
    except Exception as exc:  # openpyxl raises its own error types
        raise ConfigError(KEY, str(path), f"cannot be read as Excel .xlsx ({exc})") from exc
    frame = frame.dropna(how="all")
    if not frame.empty and _is_header([str(v) for v in frame.iloc[0].dropna()]):
        frame = frame.iloc[1:].rename(columns=dict(enumerate(frame.iloc[0])))
        frame = frame.infer_objects()
        return from_frame(frame, path, fmt, header=True, **columns)
    return from_frame(frame, path, fmt, header=False, **columns)


def _is_header(fields: list[str]) -> bool:
    """A first row whose positional time field is a word and whose fields are all words."""
    if len(fields) < 2:
        return bool(fields) and bool(_WORD.match(fields[0]))
    time = fields[1] if len(fields) == 2 else fields[2]
    if _NUMBER.match(time) or _DATE.match(time):
        return False
    return all(_WORD.match(f) for f in fields if f)


def _read_csv(
    path: Path, fmt: str, sep: str, header: bool, irregular: bool = False
) -> pd.DataFrame:
    """``pandas.read_csv``; ``irregular`` reads every field as text, rows of any length."""
    kwargs: dict[str, Any] = {"sep": sep, "compression": _compression(path)}
    if not header:
        kwargs["comment"] = "#"
    if irregular:
        kwargs.update(names=range(32), dtype=str, keep_default_na=False, na_values=[""])
    try:
        return pd.read_csv(path, header=0 if header else None, **kwargs)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError:
        if irregular:
            raise ConfigError(KEY, str(path), "a line has more than 32 fields") from None
        raise
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise ConfigError(
            KEY, str(path), f"cannot be read as {fmt} ({exc}); give one event per line"
        ) from exc


def _has_date_and_time(frame: pd.DataFrame, sep: str) -> bool:
    """Whitespace-separated rows ending ``2004-04-15 14:56:01``."""
    if sep != r"\s+" or frame.shape[1] < 3:
        return False
    date, clock = frame.iloc[:, -2].astype(str), frame.iloc[:, -1].astype(str)
    return bool(date.str.match(_DATE.pattern).any() and clock.str.match(_TIME.pattern).any())


def _irregular_rows(frame: pd.DataFrame, sep: str) -> pd.DataFrame:
    """Rows of different lengths, one by one: two fields are ``actor time``, three or more
    ``actor target time``; in whitespace text a trailing date and clock are one time."""
    rows = []
    if frame.empty:
        return frame
    for values in frame.itertuples(index=False):
        fields = [v for v in values if isinstance(v, str)]
        if sep == r"\s+" and len(fields) >= 3:
            if _DATE.match(fields[-2]) and _TIME.match(fields[-1]):
                fields[-2:] = [f"{fields[-2]}T{fields[-1]}"]
        if len(fields) == 1:
            fields.append("")
        rows.append([fields[0], "", fields[1]] if len(fields) == 2 else fields[:3])
    frame = pd.DataFrame(rows, dtype=object)
    frame[2] = frame[2].where(frame[2] != "", None)  # a missing time, said as such
    return frame


def from_frame(
    frame: pd.DataFrame,
    path: Path,
    source: str,
    *,
    header: bool,
    actor: str | None = None,
    time: str | None = None,
    target: str | None = None,
    timezone: str | None = None,
) -> Events:
    """Pick the actor, target and time columns of a table and build :class:`Events`."""
    if frame.empty:
        raise ConfigError(KEY, str(path), "the table has no events; add one event per row")
    pick = _by_name if header else _by_position
    a, t, g = pick(frame, path, actor, time, target)
    missing = frame[a].isna().to_numpy() | (frame[a].astype(str).str.strip() == "").to_numpy()
    if missing.any():
        row = int(missing.nonzero()[0][0])
        raise ConfigError(
            KEY,
            str(path),
            f"record {row + 1} has no actor (column {a!r}); "
            "give who acted on every record, or fix or remove it",
        )
    seconds, notes = parse_times(frame[t], KEY, path, timezone)
    targets = frame[g] if g is not None else None
    return events_from_columns(frame[a], targets, seconds, path, source, notes=notes)


def _normal(name: object) -> str:
    return re.sub(r"[\s\-./]+", "_", str(name).strip().lower())


def _by_name(
    frame: pd.DataFrame, path: Path, actor: str | None, time: str | None, target: str | None
) -> tuple[Any, Any, Any]:
    columns = {_normal(c): c for c in frame.columns}
    listed = ", ".join(str(c) for c in frame.columns)

    def pick(role: str, given: str | None, names: tuple[str, ...], need: bool) -> str | None:
        key = f"data.{role}"
        if given is not None:
            if _normal(given) not in columns:
                raise ConfigError(
                    key, given, f"no such column in {path}; the columns are: {listed}"
                )
            return columns[_normal(given)]
        found = [columns[n] for n in names if n in columns]
        if len(found) > 1:
            raise ConfigError(
                key,
                None,
                f"{path} has several {role} columns ({', '.join(map(str, found))}); "
                f"choose one with {key}=NAME",
            )
        if not found and need:
            raise ConfigError(
                key, None, f"{path} has no {role} column among: {listed}; name it with {key}=NAME"
            )
        return found[0] if found else None

    a = pick("actor", actor, ACTOR_NAMES, True)
    t = pick("time", time, TIME_NAMES, True)
    g = pick("target", target, TARGET_NAMES, False)
    assert a is not None and t is not None
    return a, t, g


def _by_position(
    frame: pd.DataFrame, path: Path, actor: str | None, time: str | None, target: str | None
) -> tuple[Any, Any, Any]:
    n = frame.shape[1]
    if n < 2:
        raise ConfigError(
            KEY, str(path), "each record needs an actor and a timestamp: actor [target] time"
        )
    default = (0, 1, None) if n == 2 else (0, 2, 1)
    chosen = []
    roles = ("actor", "time", "target")
    for role, given, position in zip(roles, (actor, time, target), default, strict=True):
        if given is None:
            chosen.append(position)
        elif given.isdigit() and 1 <= int(given) <= n:
            chosen.append(int(given) - 1)
        else:
            raise ConfigError(
                f"data.{role}",
                given,
                f"{path} has no header; name a column by its number, 1 to {n}",
            )
    a, t, g = chosen
    assert a is not None and t is not None
    return frame.columns[a], frame.columns[t], None if g is None else frame.columns[g]


__all__ = [
    "ACTOR_NAMES",
    "TARGET_NAMES",
    "TIME_NAMES",
    "from_frame",
    "head_text",
    "read_excel",
    "read_jsonl",
    "read_parquet",
    "read_text_table",
]
