"""A folder of finished runs: one file per run, written atomically as each finishes.

``runs/<key>.parquet`` holds a run's daily metrics with its labels; ``runs/<key>.json``
its labels and summary. A rerun skips every job whose key is already there, so an
interrupted comparison or sweep loses no finished run and redoes none. Failed runs are
listed in ``errors.json`` with their error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.runs.jobs import JobResult
from sim.io import write_json, write_parquet


class RunStore:
    """Finished runs under ``root/runs``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.dir = self.root / "runs"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.errors: list[dict[str, Any]] = []

    def done_keys(self) -> set[str]:
        """Keys of the runs already saved (both files present)."""
        return {
            p.stem for p in self.dir.glob("*.json") if (self.dir / f"{p.stem}.parquet").exists()
        }

    def save(self, result: JobResult) -> None:
        """Save one finished run (or record its error)."""
        if not result.ok:
            self.errors.append({"labels": result.labels, "error": result.error})
            write_json(self.root / "errors.json", self.errors)
            return
        metrics = result.metrics.copy() if result.metrics is not None else pd.DataFrame()
        for name, value in reversed(list(result.labels.items())):
            metrics.insert(0, name, value)
        for part, table in (("transitions", result.transitions), ("segments", result.segments)):
            if table is not None and len(table):
                labelled = table.copy()
                for name, value in reversed(list(result.labels.items())):
                    labelled.insert(0, name, value)
                write_parquet(self.dir / f"{result.key}.{part}.parquet", labelled)
        write_parquet(self.dir / f"{result.key}.parquet", metrics)
        write_json(
            self.dir / f"{result.key}.json",
            {
                "labels": result.labels,
                "key": result.key,
                "summary": result.summary,
                "seconds": result.seconds,
            },
        )

    def transitions(self, keys: set[str] | None = None) -> pd.DataFrame:
        """Monthly level transitions of the saved runs (or those in ``keys``)."""
        return self._parts("transitions", keys)

    def segments(self, keys: set[str] | None = None) -> pd.DataFrame:
        """The by-segment KPIs of the saved runs (or those in ``keys``), with their labels."""
        return self._parts("segments", keys)

    def _parts(self, part: str, keys: set[str] | None) -> pd.DataFrame:
        frames = [
            pd.read_parquet(p)
            for p in sorted(self.dir.glob(f"*.{part}.parquet"))
            if keys is None or p.name.split(".")[0] in keys
        ]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def load(self, keys: set[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """All saved runs (or those in ``keys``): (tidy daily table, one summary row per run)."""
        rows, frames = [], []
        for path in sorted(self.dir.glob("*.json")):
            if keys is not None and path.stem not in keys:
                continue
            record = json.loads(path.read_text())
            rows.append({**record["labels"], **record["summary"], "key": record["key"]})
            frames.append(pd.read_parquet(self.dir / f"{path.stem}.parquet"))
        runs = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return runs, pd.DataFrame(rows)
