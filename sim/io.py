"""Writing outputs atomically: write to a temporary file beside the target, then rename.

A run that is interrupted leaves either the previous file or the new one, never half.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd


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


def write_json(path: str | Path, data: Any) -> Path:
    """Write JSON atomically (sorted keys, indented)."""
    return write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def write_parquet(path: str | Path, df: pd.DataFrame) -> Path:
    """Write a DataFrame as Parquet atomically."""
    return atomic_write(path, lambda p: df.to_parquet(p, index=False))
