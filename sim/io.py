"""Reading input text and writing outputs atomically.

:func:`read_text` reads the text files people give commsim (graph files, interaction logs),
gzip or not, with errors that name the config key. Outputs are written to a temporary file
beside the target, then renamed: a run that is interrupted leaves either the previous file
or the new one, never half.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            key, str(path), f"cannot be read ({exc.strerror}); check its permissions"
        ) from exc
    if path.suffix.lower() == ".gz" or raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ConfigError(
                key,
                str(path),
                f"cannot be decompressed as gzip ({exc}); give a "
                f"complete .gz file or the uncompressed {what}",
            ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            key, str(path), f"is not UTF-8 text (byte {exc.start}); save the {what} as UTF-8 text"
        ) from exc
