"""Forum dumps read as the sites publish them: Stack Exchange and Reddit.

- ``stackexchange``: a Stack Exchange data dump site folder, or its ``Posts.xml``. Each
  question and answer (``PostTypeId`` 1 and 2) is an event by its ``OwnerUserId`` at its
  ``CreationDate`` (UTC); an answer's target is the owner of its question (``ParentId``).
  When ``Comments.xml`` sits next to ``Posts.xml``, each comment is an event by its
  ``UserId`` towards the owner of its post. Posts without an owner (deleted or anonymous
  users), posts by the Community user (``-1``, a bot) and other post types (tag wikis,
  moderator nominations) are counted and left out. The XML is streamed with
  :func:`xml.etree.ElementTree.iterparse`, each row cleared once read, so a large site
  does not need its whole tree in memory.
- ``reddit``: Reddit dumps as JSON lines (plain or ``.gz``), submissions and comments
  mixed or apart: ``author`` at ``created_utc``; a comment's target is the author of its
  parent (``parent_id``, ``t1_...`` a comment, ``t3_...`` a submission) when the parent
  is in the file. ``[deleted]`` and ``[removed]`` authors are counted and left out; bots
  are kept (nothing in the dump marks them reliably). The lines are parsed by pandas'
  JSON reader in chunks. ``.zst`` dumps must be decompressed first
  (``zstd -d --long=31 file.zst``).
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.io import check_input_file

from .events import KEY, Events, events_from_columns
from .platforms_common import BOTS, DELETED, as_reader, finish, parse_located

OTHER = "other post types"
_COMMUNITY_USER = "-1"
_REDDIT_DELETED = {"[deleted]", "[removed]", ""}
_REDDIT_COLUMNS = ["author", "created_utc", "id", "name", "parent_id", "link_id"]


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number from 1, attributes)`` of each ``<row>``, streamed and cleared."""
    try:
        number = 0
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag == "row":
                number += 1
                yield number, dict(element.attrib)
                element.clear()
    except (OSError, ET.ParseError) as exc:
        raise ConfigError(
            KEY,
            str(path),
            f"cannot read it as Stack Exchange XML ({exc}); give Posts.xml "
            "(and Comments.xml) from the data dump, decompressed from the site's .7z",
        ) from exc


def _time(row: dict[str, str], number: int, path: Path) -> str:
    if "CreationDate" not in row:
        raise ConfigError(
            KEY,
            f"{path}:row {number}",
            f"row Id={row.get('Id')} has no CreationDate; "
            "give the file as the data dump wrote it or remove the row",
        )
    return row["CreationDate"]


def read_stackexchange(path: Path, *, timezone: str | None = None) -> Events:
    """Read a Stack Exchange data dump (see the module docstring).

    Args:
        path: the site folder holding ``Posts.xml``, or ``Posts.xml`` itself.
        timezone: zone of ``CreationDate``; ``None`` is UTC, as the dump writes.

    Raises:
        ConfigError: on ``data`` for a missing or malformed file, a row without a date,
            or a dump without events.
    """
    posts = path / "Posts.xml" if path.is_dir() else path
    if not posts.is_file():
        raise ConfigError(
            KEY, str(path), "no Posts.xml; give a data dump site folder or its Posts.xml"
        )
    posts = check_input_file(KEY, posts)  # in a folder too: a regular file, not too large
    owners: dict[str, str] = {}
    pending: list[tuple[str, str, str]] = []  # actor, parent id, time
    places: list[str] = []
    dropped = {DELETED: 0, BOTS: 0, OTHER: 0}
    for number, row in _rows(posts):
        owner = row.get("OwnerUserId", "")
        owners[row.get("Id", "")] = owner
        if row.get("PostTypeId") not in ("1", "2"):
            dropped[OTHER] += 1
        elif _keep(owner, dropped):
            pending.append((owner, row.get("ParentId", ""), _time(row, number, posts)))
            places.append(f"{posts.name} row {number} (Id={row.get('Id')})")
    rows = [(a, owners.get(p, "") if p else "", t) for a, p, t in pending]
    comments = posts.with_name("Comments.xml")
    notes = []
    if comments.is_file():
        comments = check_input_file(KEY, comments)
        for number, row in _rows(comments):
            user = row.get("UserId", "")
            if _keep(user, dropped):
                rows.append(
                    (user, owners.get(row.get("PostId", ""), ""), _time(row, number, comments))
                )
                places.append(f"{comments.name} row {number} (Id={row.get('Id')})")
        notes.append(f"comments read from {comments.name}")
    rows = [(a, t if t not in ("", _COMMUNITY_USER) else "", w) for a, t, w in rows]
    return finish(path, "stackexchange", rows, dropped, timezone, notes, places.__getitem__)


def _keep(user: str, dropped: dict[str, int]) -> bool:
    """Whether a row's user is a real person; counts the ones left out."""
    if not user:
        dropped[DELETED] += 1
    elif user == _COMMUNITY_USER:
        dropped[BOTS] += 1
    return bool(user) and user != _COMMUNITY_USER


def _reddit_chunks(path: Path) -> Iterator[pd.DataFrame]:
    if path.suffix == ".zst":
        raise ConfigError(
            KEY,
            str(path),
            "zstandard-compressed dumps are not read; decompress first "
            f"(zstd -d --long=31 {path.name}) and give the .ndjson/.json file, or gzip it",
        )
    try:
        with pd.read_json(path, lines=True, chunksize=200_000, dtype=False) as reader:
            for chunk in reader:
                yield chunk.reindex(columns=_REDDIT_COLUMNS)
    except ValueError as exc:
        raise ConfigError(
            KEY, str(path), f"not JSON lines ({exc}); give one Reddit object per line"
        ) from exc


def read_reddit(path: Path, *, timezone: str | None = None) -> Events:
    """Read a Reddit dump of JSON lines (see the module docstring).

    Args:
        path: the ``.json``/``.jsonl``/``.ndjson`` file, plain or ``.gz``.
        timezone: unused (``created_utc`` is Unix seconds); accepted like every reader.

    Raises:
        ConfigError: on ``data`` for a ``.zst`` file, bad JSON, a missing ``author`` or
            ``created_utc`` column, or no events.
    """
    frame = pd.concat(list(_reddit_chunks(path)), ignore_index=True)
    if frame["author"].isna().all() or frame["created_utc"].isna().all():
        raise ConfigError(
            KEY,
            str(path),
            "no 'author' and 'created_utc' fields; give Reddit submissions "
            "or comments as JSON lines",
        )
    author = frame["author"].fillna("").astype(str)
    deleted = author.isin(_REDDIT_DELETED).to_numpy()
    dropped = {DELETED: int(deleted.sum())}
    if deleted.all():
        return finish(path, "reddit", [], dropped, timezone)
    target = frame["parent_id"].map(_authors_by_fullname(frame, author)).fillna("")
    target = target.where(~target.isin(_REDDIT_DELETED), "")
    lines = frame.index.to_numpy()[~deleted]
    seconds, notes = parse_located(
        frame["created_utc"][~deleted], path, timezone, lambda i: f"line {lines[i] + 1}"
    )
    return events_from_columns(
        author[~deleted], target[~deleted], seconds, path, "reddit", dropped, notes
    )


def _authors_by_fullname(frame: pd.DataFrame, author: pd.Series) -> pd.Series:
    """Author by fullname (``t1_<id>`` for comments, ``t3_<id>`` for submissions).

    Columns are mapped as a whole (no Python loop over records), as dumps hold millions.
    """
    prefix = pd.Series(np.where(frame["parent_id"].notna(), "t1_", "t3_"), index=frame.index)
    fullname = frame["name"].fillna(prefix + frame["id"].astype(str))
    lookup = pd.Series(author.to_numpy(), index=fullname.to_numpy())
    return lookup[~lookup.index.duplicated()]


def detect_stackexchange(path: Path, head: bytes) -> str | None:
    """``stackexchange`` for a folder with ``Posts.xml`` or XML whose root is ``<posts>``."""
    if path.is_dir():
        return "stackexchange" if (path / "Posts.xml").is_file() else None
    text = head.decode("utf-8-sig", "replace").lstrip()
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[-1].lstrip()
    return "stackexchange" if text.startswith("<posts") else None


def detect_reddit(path: Path, head: bytes) -> str | None:
    """``reddit`` for JSON lines whose first record has ``author`` and ``created_utc``."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.decompress(head)
        except (OSError, EOFError):
            with gzip.open(path) as stream:
                head = stream.read(4096)
    if head.startswith(b"\x28\xb5\x2f\xfd") and path.suffix == ".zst":
        return "reddit"  # read_reddit says how to decompress it
    first = head.decode("utf-8-sig", "replace").lstrip().split("\n", 1)[0]
    return (
        "reddit"
        if first.startswith("{") and '"author"' in first and '"created_utc"' in first
        else None
    )


def register(formats: dict[str, Callable[..., Events]], detectors: list[Any]) -> None:
    """Add the Stack Exchange and Reddit readers and their detectors."""
    formats.update(
        {"stackexchange": as_reader(read_stackexchange), "reddit": as_reader(read_reddit)}
    )
    detectors.extend([detect_stackexchange, detect_reddit])


__all__ = [
    "OTHER",
    "detect_reddit",
    "detect_stackexchange",
    "read_reddit",
    "read_stackexchange",
    "register",
]
