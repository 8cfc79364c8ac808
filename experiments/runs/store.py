"""A folder of finished runs: one file per run, written atomically as each finishes.

``runs/<key>.parquet`` holds a run's daily metrics with its labels; ``runs/<key>.json``
its labels, summary and the checksums of its files and of itself
(``experiments.runs.checksums``), written last. A rerun skips every job whose key is
already there and verified, so an interrupted comparison or sweep loses no finished run
and redoes none; a damaged run (truncated, garbage or edited file) is named and redone,
and so are the runs made by another model version (``sim.version.MODEL_VERSION``, recorded
in each run's record), unless ``run.reuse_other_versions=on`` (``experiments.runs.provenance``).
Failed runs are listed in ``errors.json`` with their error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.runs import provenance
from experiments.runs.checksums import damage, read_record, seal
from experiments.runs.jobs import JobResult
from sim.io import write_json, write_parquet
from sim.version import MODEL_VERSION

PARTS = ("transitions", "segments")


class RunStore:
    """Finished runs under ``root/runs``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.dir = self.root / "runs"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.errors: list[dict[str, Any]] = []
        self._records: dict[str, dict[str, Any]] = {}

    def _record(self, key: str) -> tuple[dict[str, Any] | None, str | None]:
        """The verified record of run ``key``, or None and why it cannot be trusted."""
        name = f"{key}.json"
        record, why = read_record(self.dir / name)
        if record is not None:
            why = damage(self.dir, record, name)
        if record is not None and why is None and record.get("key") != key:
            why = f"{name} holds the run {record.get('key')!r}, not {key!r}"
        return (None, why) if why else (record, None)

    def done_keys(self) -> set[str]:
        """Keys of the runs already saved and verified. A damaged run is named on stderr
        and its files removed, so that it is redone."""
        return self._scan(redo=True)

    def _scan(self, redo: bool) -> set[str]:
        done = set()
        reuse = provenance.reuse_other_versions()
        other: dict[object, int] = {}
        for path in sorted(self.dir.glob("*.json")):
            record, why = self._record(path.stem)
            if record is not None and provenance.stored_version(record) != MODEL_VERSION:
                version = provenance.stored_version(record)
                other[version] = other.get(version, 0) + 1
                if not reuse:  # redone (and overwritten) by this command
                    continue
            if record is not None:
                self._records[path.stem] = record
                done.add(path.stem)
                continue
            what = "redoing" if redo else "leaving out"
            print(f"{what} a damaged stored run: {why} ({path})", file=sys.stderr, flush=True)
            if redo:
                self._remove(path.stem)
        if other and redo:
            print(provenance.stale_line(other, self.dir, reuse), file=sys.stderr, flush=True)
        return done

    def _remove(self, key: str) -> None:
        self._records.pop(key, None)
        for name in (f"{key}.json", f"{key}.parquet", *(f"{key}.{p}.parquet" for p in PARTS)):
            (self.dir / name).unlink(missing_ok=True)

    def save(self, result: JobResult) -> None:
        """Save one finished run (or record its error)."""
        if not result.ok:
            self.errors.append({"labels": result.labels, "error": result.error})
            write_json(self.root / "errors.json", self.errors)
            return
        metrics = result.metrics.copy() if result.metrics is not None else pd.DataFrame()
        for name, value in reversed(list(result.labels.items())):
            metrics.insert(0, name, value)
        files = [f"{result.key}.parquet"]
        for part, table in zip(PARTS, (result.transitions, result.segments), strict=True):
            if table is not None and len(table):
                labelled = table.copy()
                for name, value in reversed(list(result.labels.items())):
                    labelled.insert(0, name, value)
                write_parquet(self.dir / f"{result.key}.{part}.parquet", labelled)
                files.append(f"{result.key}.{part}.parquet")
        write_parquet(self.dir / f"{result.key}.parquet", metrics)
        record = {
            "labels": result.labels,
            "key": result.key,
            "summary": result.summary,
            "seconds": result.seconds,
        }
        record = seal(record, self.dir, files)
        write_json(self.dir / f"{result.key}.json", record)
        self._records[result.key] = record

    def transitions(self, keys: set[str] | None = None) -> pd.DataFrame:
        """Monthly level transitions of the saved runs (or those in ``keys``)."""
        return self._parts("transitions", keys)

    def segments(self, keys: set[str] | None = None) -> pd.DataFrame:
        """The by-segment KPIs of the saved runs (or those in ``keys``), with their labels."""
        return self._parts("segments", keys)

    def _parts(self, part: str, keys: set[str] | None) -> pd.DataFrame:
        frames = [
            pd.read_parquet(self.dir / name)
            for key, record in self._verified(keys)
            for name in sorted(record["files"])
            if name == f"{key}.{part}.parquet"
        ]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _verified(self, keys: set[str] | None) -> list[tuple[str, dict[str, Any]]]:
        """(key, record) of the saved runs (or those in ``keys``) that pass their checks."""
        if not self._records:
            self._scan(redo=False)
        return sorted(
            (key, record) for key, record in self._records.items() if keys is None or key in keys
        )

    def load(self, keys: set[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """All saved runs (or those in ``keys``): (tidy daily table, one summary row per run)."""
        rows, frames = [], []
        for key, record in self._verified(keys):
            rows.append({**record["labels"], **record["summary"], "key": record["key"]})
            frames.append(pd.read_parquet(self.dir / f"{key}.parquet"))
        runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return runs, _in_order(pd.DataFrame(rows))


#: the label columns of a summary row, first and in this order
LABEL_ORDER = ("scenario", "playbook", "rep", "seed")


def _in_order(table: pd.DataFrame) -> pd.DataFrame:
    """A summary table's columns in one order, however its runs were stored or read back
    (a resumed comparison reads sorted JSON records, a fresh one its own): the labels
    first, then every other column by name, the run's ``key`` last."""
    labels = [c for c in LABEL_ORDER if c in table]
    rest = sorted(c for c in table.columns if c not in labels and c != "key")
    return table[labels + rest + (["key"] if "key" in table else [])]
