"""Checksums of stored runs: what was written is what a resume or ``collect`` reads.

A finished run's record (``runs/<key>.json`` of a comparison, ``seed.json`` of a sweep's
job folder) is written last and holds the SHA-256 of every file of the run (``files``)
and of itself (``checksum``). A resume trusts a run only when all of them match: a
truncated, garbage or edited file, or a record from a commsim that wrote no checksums,
makes the run be redone, saying which file and why. The record also holds the model and
commsim versions that made the run (``model_version``: :data:`sim.version.MODEL_VERSION`,
``commsim``): a resume redoes the runs of another model version
(``experiments.runs.provenance``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from experiments.runs.provenance import commsim_version
from sim.version import MODEL_VERSION

CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, allow_nan=True)
    return hashlib.sha256(text.encode()).hexdigest()


def seal(record: dict[str, Any], folder: Path, names: Iterable[str]) -> dict[str, Any]:
    """``record`` with the model and commsim versions (unless it names them), the digests
    of the files ``names`` in ``folder`` and its own."""
    plain = json.loads(json.dumps(record, allow_nan=True))  # as it will read back
    plain.setdefault("model_version", MODEL_VERSION)
    plain.setdefault("commsim", commsim_version())
    plain["files"] = {name: file_digest(folder / name) for name in sorted(names)}
    plain["checksum"] = _record_digest(plain)
    return plain


def read_record(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A record file's contents, or None and why it cannot be read."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{path.name} cannot be read ({type(exc).__name__}: {exc})"
    if not isinstance(record, dict):
        return None, f"{path.name} is not a record (a JSON object)"
    return record, None


def damage(folder: Path, record: dict[str, Any], name: str) -> str | None:
    """Why the run sealed in ``record`` (read from ``folder/name``) cannot be trusted, or
    None when its record and every file match their checksums."""
    if "checksum" not in record or not isinstance(record.get("files"), dict):
        return f"{name} has no checksum (written by an older commsim)"
    if record["checksum"] != _record_digest(record):
        return f"{name} was changed after it was written (checksum differs)"
    for file, digest in sorted(record["files"].items()):
        path = folder / file
        if not path.is_file():
            return f"{file} is missing"
        try:
            if file_digest(path) != digest:
                return f"{file} was changed or truncated after it was written (checksum differs)"
        except OSError as exc:
            return f"{file} cannot be read ({exc.strerror or exc})"
    return None
