"""One entry point for every log format: :func:`read_events`.

Readers are registered in :data:`FORMATS` (format name -> reader) and detectors in
:data:`DETECTORS`. Every reader is called as ``reader(path, fmt, actor=, time=, target=,
timezone=)`` and returns :class:`~.events.Events`; a platform reader, whose export names
who and when itself, refuses the column options. A detector is called as
``detector(path, head)`` (``head``: the first 64 KiB of the file, unpacked from gzip;
``b""`` for a folder) and returns a format name or ``None``. The platform modules add
theirs through ``register(formats, detectors)``; their detectors run before the
extension rules here, which read delimited text and tables (:mod:`.tabular`).
"""

from __future__ import annotations

import gzip
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from experiments.calibration.logs import tabular
from experiments.calibration.logs.events import KEY, Events
from sim.errors import CommsimError, ConfigError
from sim.io import check_input_file, check_unpacked

Reader = Callable[..., Events]
Detector = Callable[[Path, bytes], "str | None"]

FORMATS: dict[str, Reader] = {
    "csv": tabular.read_text_table,
    "tsv": tabular.read_text_table,
    "whitespace": tabular.read_text_table,
    "text": tabular.read_text_table,
    "jsonl": tabular.read_jsonl,
    "parquet": tabular.read_parquet,
    "excel": tabular.read_excel,
}
DETECTORS: list[Detector] = []
TABLE_READERS = frozenset(FORMATS.values())
#: file extension (after removing .gz or .zip) -> format
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "text",
    ".dat": "text",
    ".edges": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "excel",
}
PLATFORM_MODULES = (
    "experiments.calibration.logs.platforms_chat",
    "experiments.calibration.logs.platforms_forums",
)


def _register_platforms() -> None:
    """Let each platform module add its readers and detectors (absent modules are skipped)."""
    for name in PLATFORM_MODULES:
        try:
            module: Any = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(FORMATS, DETECTORS)


def _head(path: Path, size: int = 65_536) -> bytes:
    if path.is_dir():
        return b""
    with path.open("rb") as f:
        raw = f.read(size)
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as g:
                raw = g.read(size)
        except (OSError, EOFError) as exc:
            raise ConfigError(KEY, str(path), f"is not a valid gzip file ({exc})") from exc
    return raw


def _by_extension(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    while suffixes and suffixes[-1] in (".gz", ".zip", ".gzip"):
        suffixes.pop()
    if suffixes and suffixes[-1] in EXTENSIONS:
        return EXTENSIONS[suffixes[-1]]
    if path.suffix.lower() == ".zip":
        return tabular_zip_member(path)
    return None


def tabular_zip_member(path: Path) -> str | None:
    """The format of a zip holding one table (``log.zip`` with ``log.csv`` inside)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except zipfile.BadZipFile as exc:
        raise ConfigError(KEY, str(path), f"is not a valid zip file ({exc})") from exc
    if len(names) == 1:
        return EXTENSIONS.get(Path(names[0]).suffix.lower())
    return None


def detect(path: Path) -> str:
    """The format of ``path``: the platform detectors first, then the extension and content.

    Raises:
        ConfigError: on ``format`` when nothing recognises the file.
    """
    head = _head(path)
    for detector in DETECTORS:
        found = detector(path, head)
        if found:
            return found
    if path.is_dir():
        raise ConfigError(
            KEY,
            str(path),
            "this folder holds no export commsim knows (Slack: channels.json and users.json; "
            "Telegram: result.json; Stack Exchange: Posts.xml); give the log file itself",
        )
    found = _by_extension(path)
    if found:
        return found
    if head[:1] in (b"{", b"["):
        return "jsonl"
    if head and b"\x00" not in head[:4096]:
        return "text"
    raise ConfigError(
        "format",
        None,
        f"cannot tell the format of {path}; give format=NAME, one of: {', '.join(FORMATS)}",
    )


def read_events(
    path: str | Path,
    *,
    format: str | None = None,
    actor: str | None = None,
    time: str | None = None,
    target: str | None = None,
    timezone: str | None = None,
    dayfirst: bool | None = None,
) -> Events:
    """Read an interaction log in any known format.

    Args:
        path: the file or folder (a Slack export is a folder or a zip).
        format: a name of :data:`FORMATS`; ``None`` detects it.
        actor: the actor column (``data.actor``); ``None`` finds it by name or position.
        time: the time column (``data.time``).
        target: the target column (``data.target``).
        timezone: the zone of times written without one (``data.timezone``; default UTC).
        dayfirst: day before month in a WhatsApp chat whose dates do not tell
            (``data.dayfirst``; default: inferred from the dates).

    Raises:
        ConfigError: naming the file, the record and the fix, for a missing file, an
            unknown format, a missing or ambiguous column, bad times or no events.
    """
    if path is None or str(path) in ("", "???"):
        raise ConfigError(KEY, path, "give the interaction log: data=PATH")
    # a regular file of a sensible size, or an export folder: never a device or a pipe
    path = check_input_file(KEY, path, folder=True)
    if path.is_file():  # pandas unpacks gzip and zip itself: measure what it would hold
        check_unpacked(KEY, path)
    if format is not None and format not in FORMATS:
        raise ConfigError("format", format, f"use one of: {', '.join(FORMATS)} (or leave it out)")
    try:
        name = format or detect(path)
    except CommsimError:
        raise
    except Exception as exc:  # a damaged file the detector trips on: say so, with the file
        raise unreadable(path, "a log", exc) from exc
    if path.is_dir() and FORMATS[name] in TABLE_READERS:
        raise ConfigError(KEY, str(path), "this is a folder; give the interaction log file")
    extra: dict[str, bool] = {}
    if dayfirst is not None:
        if name != "whatsapp":
            raise ConfigError(
                "data.dayfirst", dayfirst, "only WhatsApp chats take it; leave it out"
            )
        extra["dayfirst"] = dayfirst
    try:
        return FORMATS[name](
            path, name, actor=actor, time=time, target=target, timezone=timezone, **extra
        )
    except CommsimError:
        raise
    except Exception as exc:  # what a reader did not foresee in a damaged file
        raise unreadable(path, name, exc) from exc


def unreadable(path: Path, what: str, exc: Exception) -> ConfigError:
    """The error for a file a reader failed on in a way it did not name itself.

    Interaction logs come from anywhere, damaged or in a variant no reader foresaw; the
    reader's own exception (kept as the cause) is named so a user can act on it.
    """
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return ConfigError(
        KEY,
        str(path),
        f"cannot be read as {what} ({type(exc).__name__}: {detail}); check that the file is "
        f"complete (export it again), or give format=NAME, one of: {', '.join(FORMATS)}",
    )


_register_platforms()

__all__ = ["DETECTORS", "EXTENSIONS", "FORMATS", "Detector", "Reader", "detect", "read_events"]
