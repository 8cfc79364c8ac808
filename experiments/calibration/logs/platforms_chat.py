"""Chat exports read as the platforms write them: Discord, Telegram and WhatsApp.

- ``discord-json``: DiscordChatExporter's JSON (``guild``, ``channel``, ``messages``). The
  actor is the author's ``name`` (``name#discriminator`` when the account still has a
  discriminator, as DiscordChatExporter's CSV writes it); the target is the author of the
  message a reply points to (``reference.messageId``) when that message is in the file.
  Bots (``isBot``), deleted users (``Deleted User``) and system messages (joins, pins:
  any type but ``Default`` and ``Reply``) are counted and left out.
- ``discord-csv``: DiscordChatExporter's CSV (``AuthorID,Author,Date,Content,...``): the
  actor is ``Author``, the time ``Date`` in whatever date format the export used.
- ``telegram``: Telegram Desktop's machine-readable ``result.json``, one chat or the
  "all chats" export (``chats.list``). The actor is ``from_id`` (``user123``), the target
  the author of ``reply_to_message_id`` when that message is in the same chat; the time
  is ``date_unixtime`` when present, else ``date`` (local time: see ``data.timezone``).
  Service messages and deleted accounts are counted and left out.
- ``slack`` and ``whatsapp``: in :mod:`.platforms_slack` and :mod:`.platforms_whatsapp`;
  :func:`register` here adds them too, so :mod:`.dispatch` imports one chat module.

JSON is read with :mod:`json` and CSV with pandas, never split by hand, so quoting,
escapes and multi-line messages are handled as the exporters wrote them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import ConfigError
from sim.io import check_input_file

from . import platforms_slack, platforms_whatsapp
from .events import KEY, Events
from .platforms_common import (
    BOTS,
    DELETED,
    SYSTEM,
    Detector,
    Reader,
    as_reader,
    finish,
    load_json,
)

_DISCORD_KEPT_TYPES = {"Default", "Reply"}
_DISCORD_DELETED = {"Deleted User", "Deleted User#0000"}
_TELEGRAM_DELETED = {"Deleted Account", ""}


def _discord_author(author: Any) -> str:
    """``name#discriminator`` (old accounts) or ``name`` (accounts without one)."""
    name = str(author.get("name") or "")
    discriminator = str(author.get("discriminator") or "")
    return f"{name}#{discriminator}" if discriminator not in ("", "0", "0000") else name


def read_discord_json(path: Path, *, timezone: str | None = None) -> Events:
    """Read a DiscordChatExporter JSON export (see the module docstring).

    Args:
        path: the ``.json`` file.
        timezone: zone of times without an offset (the exporter writes offsets).

    Raises:
        ConfigError: on ``data`` for a file that is not such an export or holds no events.
    """
    data = load_json(path, "DiscordChatExporter JSON")
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        raise ConfigError(
            KEY,
            str(path),
            "no 'messages' list: export the channel with DiscordChatExporter "
            "as JSON (--format Json)",
        )
    authors = {m.get("id"): _discord_author(m.get("author") or {}) for m in messages}
    dropped = {DELETED: 0, BOTS: 0, SYSTEM: 0}
    rows, places = [], []
    for i, message in enumerate(messages):
        author = message.get("author") or {}
        actor = authors[message.get("id")]
        if message.get("type", "Default") not in _DISCORD_KEPT_TYPES:
            dropped[SYSTEM] += 1
        elif author.get("isBot"):
            dropped[BOTS] += 1
        elif not actor or actor in _DISCORD_DELETED:
            dropped[DELETED] += 1
        elif "timestamp" not in message:
            raise ConfigError(
                KEY,
                str(path),
                f"message {i + 1} (id {message.get('id')}) has no timestamp; "
                "export again with DiscordChatExporter or remove the message",
            )
        else:
            ref = (message.get("reference") or {}).get("messageId")
            rows.append((actor, authors.get(ref, ""), message["timestamp"]))
            places.append(f"message {i + 1} (id {message.get('id')})")
    return finish(path, "discord-json", rows, dropped, timezone, where=places.__getitem__)


def read_discord_csv(path: Path, *, timezone: str | None = None) -> Events:
    """Read a DiscordChatExporter CSV export: actor ``Author``, time ``Date``, no targets.

    Args:
        path: the ``.csv`` file.
        timezone: zone of dates without an offset (older exports write local times).

    Raises:
        ConfigError: on ``data`` for missing columns, unreadable dates or no events.
    """
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise ConfigError(KEY, str(path), f"cannot read it as CSV ({exc})") from exc
    missing = {"Author", "Date"} - set(frame.columns)
    if missing:
        raise ConfigError(
            KEY,
            str(path),
            f"no column {sorted(missing)}: export with DiscordChatExporter "
            "as CSV (--format Csv), header AuthorID,Author,Date,Content,Attachments,Reactions",
        )
    deleted = frame["Author"].isin(_DISCORD_DELETED | {""})
    kept = frame[~deleted]
    rows = list(zip(kept["Author"], [""] * len(kept), kept["Date"], strict=True))
    records = kept.index.to_numpy()
    return finish(
        path,
        "discord-csv",
        rows,
        {DELETED: int(deleted.sum())},
        timezone,
        where=lambda i: f"record {records[i] + 1} after the header",
    )


def _telegram_chats(data: Any, path: Path) -> list[dict[str, Any]]:
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return [data]
    chats = (data.get("chats") or {}).get("list") if isinstance(data, dict) else None
    if isinstance(chats, list):
        return [c for c in chats if isinstance(c, dict)]
    raise ConfigError(
        KEY,
        str(path),
        "no 'messages' or 'chats' list: in Telegram Desktop use Export chat "
        "history with Format: Machine-readable JSON and give its result.json",
    )


def read_telegram(path: Path, *, timezone: str | None = None) -> Events:
    """Read a Telegram Desktop export (``result.json``; see the module docstring).

    Args:
        path: ``result.json``, or the export folder holding it.
        timezone: zone of ``date`` when ``date_unixtime`` is absent (the exporting
            computer's local time); ``None`` is UTC.

    Raises:
        ConfigError: on ``data`` for a file that is not such an export or holds no events.
    """
    path = check_input_file(KEY, path / "result.json" if path.is_dir() else path)
    dropped = {DELETED: 0, SYSTEM: 0}
    rows: list[tuple[str, str, Any]] = []
    places: list[str] = []
    used_local_dates = False
    for chat in _telegram_chats(load_json(path, "Telegram Desktop JSON"), path):
        messages = [m for m in chat.get("messages") or [] if isinstance(m, dict)]
        authors = {m.get("id"): str(m.get("from_id") or "") for m in messages}
        for message in messages:
            actor = authors[message.get("id")]
            if message.get("type") != "message":
                dropped[SYSTEM] += 1
            elif not actor or message.get("from") in (None, *_TELEGRAM_DELETED):
                dropped[DELETED] += 1
            else:
                target = authors.get(message.get("reply_to_message_id"), "")
                when = message.get("date_unixtime")
                used_local_dates |= when is None
                rows.append((actor, target, when if when is not None else message.get("date")))
                places.append(f"chat {chat.get('name')!r} message id {message.get('id')}")
    notes = [
        f"messages without date_unixtime: date read as {timezone or 'UTC'} "
        "(the exporting computer's local time; set data.timezone)"
    ] * bool(used_local_dates)
    return finish(path, "telegram", rows, dropped, timezone, notes, places.__getitem__)


def _head_json(head: bytes) -> str:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace")


def detect_discord_json(path: Path, head: bytes) -> str | None:
    """``discord-json`` for a JSON object starting with ``guild`` and ``channel``."""
    text = _head_json(head)
    return "discord-json" if text.startswith("{") and '"guild"' in text[:400] else None


def detect_discord_csv(path: Path, head: bytes) -> str | None:
    """``discord-csv`` for a header ``AuthorID,Author,Date,Content``."""
    text = _head_json(head).replace('"', "")
    return "discord-csv" if text.startswith("AuthorID,Author,Date,Content") else None


def detect_telegram(path: Path, head: bytes) -> str | None:
    """``telegram`` for ``result.json`` or a JSON object with Telegram's first keys."""
    if path.is_dir():
        return "telegram" if (path / "result.json").is_file() else None
    text = _head_json(head)
    if not text.startswith("{") or '"guild"' in text[:400]:
        return None
    starts = ('"about"', '"personal_information"', '"chats"', '"name"', '"id"', '"type"')
    first = text[1:].lstrip()
    return (
        "telegram"
        if first.startswith(starts)
        and '"messages"' in text
        or (path.name == "result.json" and first.startswith(starts))
        else None
    )


def register(formats: dict[str, Reader], detectors: list[Detector]) -> None:
    """Add the Discord, Telegram, Slack and WhatsApp readers and their detectors."""
    formats.update(
        {
            "discord-json": as_reader(read_discord_json),
            "discord-csv": as_reader(read_discord_csv),
            "telegram": as_reader(read_telegram),
        }
    )
    detectors.extend([detect_discord_json, detect_discord_csv, detect_telegram])
    platforms_slack.register(formats, detectors)
    platforms_whatsapp.register(formats, detectors)


__all__ = [
    "detect_discord_csv",
    "detect_discord_json",
    "detect_telegram",
    "read_discord_csv",
    "read_discord_json",
    "read_telegram",
    "register",
]
