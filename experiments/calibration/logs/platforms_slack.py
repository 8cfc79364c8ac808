"""Slack workspace exports (format ``slack``), as a folder or the zip Slack sends.

A workspace export holds ``users.json``, ``channels.json`` (and, in some plans,
``groups.json``, ``dms.json``, ``mpims.json``) and one folder per conversation with one
file per day, ``YYYY-MM-DD.json``: a list of messages ``{type, user, ts, text, thread_ts?,
parent_user_id?, subtype?}``. Every day file of every folder is read.

- The actor is ``user``, shown as its ``name`` from ``users.json`` when listed there.
- The target of a thread reply (``thread_ts`` differs from ``ts``) is ``parent_user_id``,
  or else the author of the thread's first message when it is in the export.
- The time is ``ts`` (Unix seconds, UTC).
- Bots (``bot_message``, ``bot_id`` without a user, users marked ``is_bot``) are counted
  and left out; so are channel events (``channel_join``, ``channel_leave``, topic and
  purpose changes...) and messages without a user. Replies, edits shown in place
  (``thread_broadcast``, ``file_share``, ``me_message``) count as messages.

Files are parsed with :mod:`json` and read from the zip with :mod:`zipfile`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sim.errors import ConfigError
from sim.io import MAX_INPUT_BYTES, check_input_file, too_large

from .events import KEY, Events
from .platforms_common import BOTS, DELETED, SYSTEM, as_reader, finish

_DAY_FILE = re.compile(r"(^|/)[^/]+/\d{4}-\d{2}-\d{2}\.json$")
_KEPT_SUBTYPES = {None, "thread_broadcast", "file_share", "me_message", "reply_broadcast"}
_FIX = (
    "give the folder or zip of a Slack workspace export "
    "(users.json, channels.json and one folder per channel)"
)


@contextmanager
def _export(path: Path) -> Iterator[tuple[list[str], Callable[[str], bytes]]]:
    """The JSON files of the export folder or zip (names sorted) and a reader of one.

    Files are read one at a time, so the raw export is never all in memory.
    """
    if path.is_dir():
        names = sorted(f.relative_to(path).as_posix() for f in path.rglob("*.json"))
        yield names, lambda name: check_input_file(KEY, path / name).read_bytes()
        return
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ConfigError(KEY, str(path), f"cannot open it ({exc}); {_FIX}") from exc
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_INPUT_BYTES:
                raise ConfigError(
                    KEY, f"{path}:{info.filename}", too_large(info.file_size, MAX_INPUT_BYTES, True)
                )
        yield sorted(n for n in archive.namelist() if n.endswith(".json")), archive.read


def _parse(path: Path, name: str, content: bytes) -> Any:
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            KEY, f"{path}:{name}", f"not valid JSON ({exc}); export the workspace again"
        ) from exc


def _users(
    path: Path, names: list[str], read: Callable[[str], bytes]
) -> tuple[dict[str, str], set[str]]:
    """User id -> name, and the ids of bots, from ``users.json``."""
    name = next((n for n in names if n.rsplit("/", 1)[-1] == "users.json"), None)
    if name is None:
        raise ConfigError(KEY, str(path), f"no users.json; {_FIX}")
    users = [u for u in _parse(path, name, read(name)) if isinstance(u, dict)]
    by_id = {str(u.get("id")): str(u.get("name") or u.get("id")) for u in users}
    bots = {str(u.get("id")) for u in users if u.get("is_bot") or u.get("id") == "USLACKBOT"}
    return by_id, bots


def _messages(
    path: Path, names: list[str], read: Callable[[str], bytes]
) -> list[tuple[str, int, dict[str, Any]]]:
    """``(file name, position, message)`` of every message in the day files."""
    out: list[tuple[str, int, dict[str, Any]]] = []
    for name in names:
        if _DAY_FILE.search(name):
            day = _parse(path, name, read(name))
            if not isinstance(day, list):
                raise ConfigError(KEY, f"{path}:{name}", f"not a list of messages; {_FIX}")
            out.extend((name, i, m) for i, m in enumerate(day) if isinstance(m, dict))
    return out


def read_slack(path: Path, *, timezone: str | None = None) -> Events:
    """Read a Slack workspace export (see the module docstring).

    Args:
        path: the export folder or zip.
        timezone: unused (Slack's ``ts`` is Unix seconds); accepted like every reader.

    Raises:
        ConfigError: on ``data`` for a missing ``users.json``, a bad day file, a message
            without a valid ``ts`` or an export without messages.
    """
    with _export(path) as (files, read):
        names, bots = _users(path, files, read)
        messages = _messages(path, files, read)
    authors = {(_folder(n), m.get("ts")): str(m.get("user") or "") for n, _, m in messages}
    dropped = {DELETED: 0, BOTS: 0, SYSTEM: 0}
    rows = []
    for name, i, message in messages:
        user = str(message.get("user") or "")
        subtype = message.get("subtype")
        if subtype == "bot_message" or user in bots or (message.get("bot_id") and not user):
            dropped[BOTS] += 1
        elif subtype not in _KEPT_SUBTYPES or message.get("type", "message") != "message":
            dropped[SYSTEM] += 1
        elif not user:
            dropped[DELETED] += 1
        else:
            rows.append(
                (
                    names.get(user, user),
                    _target(
                        message, authors.get((_folder(name), message.get("thread_ts")), ""), names
                    ),
                    _ts(message, path, name, i),
                )
            )
    return finish(path, "slack", rows, dropped, timezone)


def _folder(name: str) -> str:
    """The conversation a day file belongs to (``general/2021-03-01.json`` -> ``general``)."""
    return name.rsplit("/", 2)[-2]


def _target(message: dict[str, Any], thread_author: str, names: dict[str, str]) -> str:
    """The author of the thread a reply belongs to (``""`` for a message that starts one)."""
    thread = message.get("thread_ts")
    if thread is None or thread == message.get("ts"):
        return ""
    parent = str(message.get("parent_user_id") or thread_author)
    return names.get(parent, parent)


def _ts(message: dict[str, Any], path: Path, name: str, i: int) -> float:
    try:
        return float(message["ts"])
    except (KeyError, TypeError, ValueError):
        raise ConfigError(
            KEY,
            f"{path}:{name}",
            f"message {i + 1} has no valid ts ({message.get('ts')!r}); "
            "export the workspace again or remove the message",
        ) from None


def detect_slack(path: Path, head: bytes) -> str | None:
    """``slack`` for a folder or zip holding ``users.json`` and ``channels.json``."""
    if path.is_dir():
        found = (path / "users.json").is_file() and (path / "channels.json").is_file()
        return "slack" if found else None
    if not head.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            base = {n.rsplit("/", 1)[-1] for n in archive.namelist()}
    except (OSError, zipfile.BadZipFile):
        return None
    return "slack" if {"users.json", "channels.json"} <= base else None


def register(formats: dict[str, Callable[..., Events]], detectors: list[Any]) -> None:
    """Add the Slack reader and its detector."""
    formats["slack"] = as_reader(read_slack)
    detectors.append(detect_slack)


__all__ = ["detect_slack", "read_slack", "register"]
