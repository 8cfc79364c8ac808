"""``commsim collect DIR``: every job of a sweep in one tidy table.

Walks ``DIR`` for job folders (each with ``summary.json``, ``metrics.parquet`` and Hydra's
``.hydra/overrides.yaml``) and writes ``DIR/runs.parquet`` (one row per job and day: the
job's overrides as columns, then every metric) and ``DIR/summary.csv`` (one row per job:
overrides and every KPI). A job is counted once, by its config key, however often it was
rerun; crashed jobs (``error.json``) are listed in ``DIR/errors.csv``. A Hydra callback
runs this at the end of every multirun.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from sim.errors import ConfigError
from sim.io import write_csv, write_parquet


def _labels(job_dir: Path) -> dict[str, Any]:
    path = job_dir / ".hydra" / "overrides.yaml"
    labels: dict[str, Any] = {"job": str(job_dir.name)}
    if path.exists():
        for item in yaml.safe_load(path.read_text()) or []:
            key, _, value = str(item).lstrip("+~").partition("=")
            if not key.startswith("hydra"):
                labels[key] = yaml.safe_load(value) if value else value
    return labels


def collect(root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate the jobs under ``root``; writes runs.parquet, summary.csv (and errors.csv)."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError("collect", str(root), "give the folder of a sweep (hydra.sweep.dir)")
    frames, rows, errors, seen = [], [], [], set()
    for summary_file in sorted(root.rglob("summary.json")):
        job = summary_file.parent
        seed = json.loads((job / "seed.json").read_text()) if (job / "seed.json").exists() else {}
        key = seed.get("config_key", str(job))
        if key in seen or not (job / "metrics.parquet").exists():
            continue
        seen.add(key)
        labels = {**_labels(job), "config_key": key}
        metrics = pd.read_parquet(job / "metrics.parquet")
        for name, value in reversed(list(labels.items())):
            metrics.insert(0, name, str(value) if isinstance(value, list | dict) else value)
        frames.append(metrics)
        rows.append({**labels, **json.loads(summary_file.read_text())})
    for error_file in sorted(root.rglob("error.json")):
        if not (error_file.parent / "summary.json").exists():
            errors.append(
                {**_labels(error_file.parent), "error": json.loads(error_file.read_text())["error"]}
            )
    if not frames:
        raise ConfigError("collect", str(root), "no finished job (summary.json) in this folder")
    runs, summary = pd.concat(frames, ignore_index=True), pd.DataFrame(rows)
    write_parquet(root / "runs.parquet", runs)
    write_csv(root / "summary.csv", summary)
    if errors:
        write_csv(root / "errors.csv", pd.DataFrame(errors))
    return runs, summary


class CollectOnMultirunEnd(Callback):
    """Hydra callback: collect every job of a multirun when it ends."""

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Collect the sweep folder."""
        root = Path(config.hydra.sweep.dir)
        try:
            _, summary = collect(root)
        except ConfigError as exc:
            print(f"commsim collect: {exc}")
            return
        print(
            f"collected {len(summary)} runs into {root / 'runs.parquet'} and {root / 'summary.csv'}"
        )


def main(args: Sequence[str]) -> int:
    """``commsim collect DIR``."""
    if len(args) != 1:
        raise ConfigError("collect", " ".join(args), "give exactly one folder: commsim collect DIR")
    _, summary = collect(args[0])
    print(
        f"collected {len(summary)} runs into {Path(args[0]) / 'runs.parquet'} and "
        f"{Path(args[0]) / 'summary.csv'}"
    )
    return 0
