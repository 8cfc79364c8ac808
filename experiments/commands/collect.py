"""``commsim collect DIR``: every job of a sweep in one tidy table.

Walks ``DIR`` for job folders (each with ``summary.json``, ``metrics.parquet`` and Hydra's
``.hydra/overrides.yaml``) and writes ``DIR/runs.parquet`` (one row per job and day: the
job's overrides as columns, then every metric) and ``DIR/summary.csv`` (one row per job:
overrides and every KPI). A job is counted once, by its config key, however often it was
rerun; crashed jobs (``error.json``) and damaged ones (a file unreadable or not matching
its checksum in ``seed.json``) are listed in ``DIR/errors.csv``. A Hydra callback
runs this at the end of every multirun.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from experiments.runs.checksums import damage, read_record
from sim.errors import ConfigError
from sim.io import check_output_folder, write_csv, write_parquet


def _labels(job_dir: Path) -> dict[str, Any]:
    path = job_dir / ".hydra" / "overrides.yaml"
    labels: dict[str, Any] = {"job": str(job_dir.name)}
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        items = []  # the job is still collected, under its folder's name
    for item in items if isinstance(items, list) else []:
        key, _, value = str(item).lstrip("+~").partition("=")
        if not key.startswith("hydra"):
            try:
                labels[key] = yaml.safe_load(value) if value else value
            except yaml.YAMLError:
                labels[key] = value
    return labels


def _job(job: Path) -> tuple[str, pd.DataFrame, dict[str, Any]]:
    """A finished job's config key, metrics and summary.

    Raises:
        ValueError: naming the damaged file and why (unreadable, or not what was written).
    """
    seed: dict[str, Any] | None = {}
    if (job / "seed.json").exists():
        seed, why = read_record(job / "seed.json")
        if seed is not None and "checksum" in seed:
            why = damage(job, seed, "seed.json")
        if why is not None:
            raise ValueError(why)
    summary, why = read_record(job / "summary.json")
    if summary is None:
        raise ValueError(why)
    try:
        metrics = pd.read_parquet(job / "metrics.parquet")
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ValueError(f"metrics.parquet cannot be read ({type(exc).__name__}: {exc})") from exc
    return str((seed or {}).get("config_key", str(job))), metrics, summary


def _error(job: Path) -> str:
    record, why = read_record(job / "error.json")
    return str(record.get("error")) if record is not None else f"damaged: {why}"


def collect(root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate the jobs under ``root``; writes runs.parquet, summary.csv (and errors.csv).

    A job folder whose files cannot be read or do not match their checksums is left out,
    named on stderr and listed in errors.csv.
    """
    root = Path(root)
    if not root.is_dir():
        raise ConfigError("collect", str(root), "give the folder of a sweep (hydra.sweep.dir)")
    frames, rows, errors, seen = [], [], [], set()
    for summary_file in sorted(root.rglob("summary.json")):
        job = summary_file.parent
        if not (job / "metrics.parquet").exists():
            continue
        try:
            key, metrics, summary = _job(job)
        except ValueError as exc:
            print(f"commsim collect: left out {job}: {exc}", file=sys.stderr, flush=True)
            errors.append({**_labels(job), "error": f"damaged: {exc}"})
            continue
        if key in seen:
            continue
        seen.add(key)
        labels = {**_labels(job), "config_key": key}
        for name, value in reversed(list(labels.items())):
            metrics.insert(0, name, str(value) if isinstance(value, list | dict) else value)
        frames.append(metrics)
        rows.append({**labels, **summary})
    for error_file in sorted(root.rglob("error.json")):
        if not (error_file.parent / "summary.json").exists():
            errors.append({**_labels(error_file.parent), "error": _error(error_file.parent)})
    if not frames:
        raise ConfigError("collect", str(root), "no finished job (summary.json) in this folder")
    runs, summary_table = pd.concat(frames, ignore_index=True), pd.DataFrame(rows)
    write_parquet(root / "runs.parquet", runs)
    write_csv(root / "summary.csv", summary_table)
    if errors:
        write_csv(root / "errors.csv", pd.DataFrame(errors))
    return runs, summary_table


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
    check_output_folder(args[0], "collect", "commsim collect DIR")
    _, summary = collect(args[0])
    print(
        f"collected {len(summary)} runs into {Path(args[0]) / 'runs.parquet'} and "
        f"{Path(args[0]) / 'summary.csv'}"
    )
    return 0
