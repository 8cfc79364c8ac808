"""Reading input text and writing outputs atomically.

:func:`read_text` reads the text files people give commsim (graph files, interaction logs),
gzip or not, with errors that name the config key. Outputs are written to a temporary file
beside the target, then renamed: a run that is interrupted leaves either the previous file
or the new one, never half.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from sim.errors import ConfigError


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary path in the same folder, then rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def write_text(path: str | Path, text: str) -> Path:
    """Write text atomically."""

    def write(p: Path) -> None:
        p.write_text(text, encoding="utf-8")

    return atomic_write(path, write)


def write_csv(path: str | Path, df: pd.DataFrame, **options: Any) -> Path:
    """Write a DataFrame as CSV atomically, in UTF-8 with a byte-order mark, so Excel shows
    Chinese (and every non-ASCII name) as written; ``options`` go to ``DataFrame.to_csv``."""
    options.setdefault("index", False)
    return atomic_write(path, lambda p: df.to_csv(p, encoding="utf-8-sig", **options))


def write_json(path: str | Path, data: Any) -> Path:
    """Write JSON atomically (sorted keys, indented)."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_parquet(path: str | Path, df: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    return atomic_write(path, lambda p: df.to_parquet(p, index=False))


def read_text(path: Path, key: str, what: str = "file") -> str:
    """A text file's contents, gunzipped when it is gzip (by extension or content).

    Args:
        path: the file.
        key: the config key that named it (``community.path``, ``data``), for errors.
        what: what the file holds (``edge list``, ``log``), for the fix in errors.

    Raises:
        ConfigError: when the file cannot be read, decompressed or decoded as UTF-8.
    """
    raw = read_input(path, key, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            key, str(path), f"is not UTF-8 text (byte {exc.start}); save the {what} as UTF-8 text"
        ) from exc


def read_input(path: Path, key: str, what: str = "file") -> bytes:
    """An input file's bytes (checked by :func:`check_input_file`), gunzipped when gzip.

    Raises:
        ConfigError: when the file is not a regular file, is too large (also unpacked), or
            cannot be read or decompressed.
    """
    path = check_input_file(key, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            key, str(path), f"cannot be read ({exc.strerror}); check its permissions"
        ) from exc
    if path.suffix.lower() == ".gz" or raw[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacked:
                raw = read_limited(unpacked, key, path)
        except (OSError, EOFError, zlib.error) as exc:
            raise ConfigError(
                key,
                str(path),
                f"cannot be decompressed as gzip ({exc}); give a "
                f"complete .gz file or the uncompressed {what}",
            ) from exc
    return raw


#: the largest input file commsim reads (a graph file, an interaction log, a start state, a
#: series), on disk and once unpacked: about 1 GiB, which the readers turn into several
#: times as much memory (assumption: an edge list of ~50 million ties, a log of ~20 million
#: events)
MAX_INPUT_BYTES = 1 << 30


def check_input_file(
    key: str, path: str | Path, max_bytes: int = MAX_INPUT_BYTES, *, folder: bool = False
) -> Path:
    """The path of an input file, checked before a byte of it is read.

    Only a regular file (or, with ``folder``, a folder: an export of many files) is read: a
    device (``/dev/zero``), a named pipe or a socket would be read until memory runs out or
    block forever. The file must be at most ``max_bytes`` long.

    Args:
        key: the config key that named it (``community.path``, ``data``), for errors.
        path: the path as given (``~`` is expanded).
        max_bytes: the largest size read.
        folder: whether a folder is accepted too (its files are checked as they are read).

    Returns:
        The path, ``~`` expanded.

    Raises:
        ConfigError: naming ``key`` and the path, when it does not exist, cannot be
            examined, is a folder (without ``folder``), is not a regular file, or is too large.
    """
    path = Path(path).expanduser()
    try:
        info = path.stat()  # follows links: a link to /dev/zero is /dev/zero
    except FileNotFoundError:
        raise ConfigError(
            key, str(path), f"no such file ({path.absolute()}); check the path"
        ) from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte, no permission
        why = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(key, str(path), f"cannot be examined ({why}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        if folder:
            return path
        raise ConfigError(key, str(path), "this is a folder; give the path to a file in it")
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(
            key,
            str(path),
            "is not a regular file (a device, a pipe or a socket, which cannot be read to "
            "its end); save the data to a file and give that file's path",
        )
    if info.st_size > max_bytes:
        raise ConfigError(key, str(path), too_large(info.st_size, max_bytes))
    return path


def too_large(size: int, max_bytes: int, unpacked: bool = False) -> str:
    """The fix for an input of ``size`` bytes above ``max_bytes``."""
    what = "unpacks to more than" if unpacked else f"is {size / 2**20:,.0f} MiB, more than"
    return (
        f"{what} the {max_bytes / 2**20:,.0f} MiB commsim reads; give a smaller file "
        "(a shorter period, a sample, or only the columns needed)"
    )


class Readable(Protocol):
    """A binary stream: ``read(n)`` gives at most ``n`` bytes."""

    def read(self, size: int = -1, /) -> bytes:
        """At most ``size`` bytes."""
        ...


def read_limited(stream: Readable, key: str, path: Path, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """At most ``max_bytes`` from ``stream`` (an unpacking reader: gzip, a zip member).

    Raises:
        ConfigError: naming ``key`` and the path when there is more.
    """
    raw = stream.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ConfigError(key, str(path), too_large(len(raw), max_bytes, unpacked=True))
    return raw
