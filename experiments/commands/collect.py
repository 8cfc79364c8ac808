"""``commsim collect DIR``: every job of a sweep in one tidy table.

Walks ``DIR`` for job folders (each with ``summary.json``, ``metrics.parquet`` and Hydra's
``.hydra/overrides.yaml``) and writes ``DIR/runs.parquet`` (one row per job and day: the
job's number ``job``, a whole number, and its overrides as columns, then every metric) and
``DIR/summary.csv`` (one row per job: job, overrides and every KPI), in the order of the
jobs' numbers. A job is counted once, by its config key, however often it was rerun;
crashed jobs (``error.json``) and damaged ones (a file unreadable or not matching its
checksum in ``seed.json``) are listed in ``DIR/errors.csv``.

The jobs of ``commsim compare -m`` (each a comparison: ``runs_summary.csv``...) are
collected into the comparison's tables (``runs.parquet``, ``runs_summary.csv``,
``summary.csv``, ``differences.csv``, ``ranking.csv``, ``segments.csv``), each row with its
job's number and overrides, so every swept parameter is a column.

A Hydra callback runs this at the end of every multirun.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hydra.experimental.callback import Callback
from omegaconf import DictConfig

from experiments.i18n import translator
from experiments.runs.checksums import damage, read_record
from sim.errors import ConfigError
from sim.io import check_output_folder, write_csv, write_parquet


def _job_number(job_dir: Path) -> int | None:
    """Hydra's number of a job (``hydra.job.num``): its folder's name (the default
    ``hydra.sweep.subdir``), else what the job's ``.hydra/hydra.yaml`` records."""
    if job_dir.name.isdigit():
        return int(job_dir.name)
    try:
        record = yaml.safe_load((job_dir / ".hydra" / "hydra.yaml").read_text(encoding="utf-8"))
        return int(record["hydra"]["job"]["num"])
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError, ValueError):
        return None


def _labels(job_dir: Path) -> dict[str, Any]:
    """The job's number and its overrides (``.hydra/overrides.yaml``) as values."""
    path = job_dir / ".hydra" / "overrides.yaml"
    labels: dict[str, Any] = {"job": _job_number(job_dir)}
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        items = []  # the job is still collected, under its number
    for item in items if isinstance(items, list) else []:
        key, _, value = str(item).lstrip("+~").partition("=")
        if not key.startswith("hydra"):
            try:
                labels[key] = yaml.safe_load(value) if value else value
            except yaml.YAMLError:
                labels[key] = value
    return labels


def _numbered(rows: list[dict[str, Any]]) -> None:
    """Give a job Hydra did not number (no ``.hydra`` record) the next free number."""
    taken = {row["job"] for row in rows if row["job"] is not None}
    free = (n for n in range(len(rows) + len(taken) + 1) if n not in taken)
    for row in rows:
        if row["job"] is None:
            row["job"] = next(free)


def _cell(value: Any) -> Any:
    """A label as a table cell: a list or mapping as its text."""
    return str(value) if isinstance(value, list | dict) else value


def _with_labels(frame: pd.DataFrame, labels: dict[str, Any]) -> pd.DataFrame:
    """``frame`` with the job's labels in front; a label the table already has (a
    comparison's ``seed``, its ``playbook``) keeps the table's, more specific, values."""
    frame = frame.copy()
    for name, value in reversed([(k, v) for k, v in labels.items() if k not in frame]):
        frame.insert(0, name, _cell(value))
    return frame


def _by_job(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of the jobs' numbers (0, 1, 2, ..., 10; a job's own rows in their
    order), ``job`` an integer column."""
    if frame.empty or "job" not in frame:
        return frame
    frame["job"] = frame["job"].astype("int64")
    return frame.sort_values("job", kind="stable").reset_index(drop=True)


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


def _failed_jobs(root: Path, done: str) -> list[dict[str, Any]]:
    """The jobs whose ``error.json`` has no ``done`` file beside it (they did not finish)."""
    return [
        {**_labels(p.parent), "error": _error(p.parent)}
        for p in sorted(root.rglob("error.json"))
        if not (p.parent / done).exists()
    ]


def _write(root: Path, tables: dict[str, pd.DataFrame], errors: list[dict[str, Any]]) -> None:
    for name, frame in tables.items():
        if name.endswith(".parquet"):
            write_parquet(root / name, frame)
        else:
            write_csv(root / name, frame)
    if errors:
        _numbered(errors)
        write_csv(root / "errors.csv", _by_job(pd.DataFrame(errors)))


def collect(root: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate the jobs under ``root``; writes runs.parquet, summary.csv (and errors.csv).

    The jobs of ``commsim run -m`` (``summary.json``) give one row per job and day and one
    per job; those of ``commsim compare -m`` (``runs_summary.csv``) give the comparison's
    tables with every job's rows (:func:`collect_comparisons`). A job folder whose files
    cannot be read or do not match their checksums is left out, named on stderr and
    listed in errors.csv.
    """
    root = Path(root)
    if not root.is_dir():
        raise ConfigError("collect", str(root), "give the folder of a sweep (hydra.sweep.dir)")
    if not any(root.rglob("summary.json")) and any(root.rglob("runs_summary.csv")):
        return collect_comparisons(root)
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
        frames.append((labels, metrics))
        rows.append({**labels, **summary})
    errors += _failed_jobs(root, "summary.json")
    if not frames:
        raise ConfigError(
            "collect", str(root), "no finished job (summary.json, runs_summary.csv) in this folder"
        )
    _numbered(rows)  # the same dicts as the frames' labels: numbered together
    runs = pd.concat([_with_labels(m, labels) for labels, m in frames], ignore_index=True)
    summary_table = _by_job(pd.DataFrame(rows))
    runs = _by_job(runs)
    _write(root, {"runs.parquet": runs, "summary.csv": summary_table}, errors)
    return runs, summary_table


#: a comparison's tables, as ``commsim compare`` writes them into its folder
COMPARE_TABLES = (
    "runs.parquet",
    "runs_summary.csv",
    "summary.csv",
    "differences.csv",
    "ranking.csv",
    "segments.csv",
)


def comparison_jobs(root: Path) -> list[Path]:
    """The job folders of ``commsim compare -m`` under ``root``: Hydra's record
    (``.hydra/``) and the comparison's ``runs_summary.csv`` or its ``error.json``."""
    found = {
        p.parent
        for name in ("runs_summary.csv", "error.json")
        for p in root.rglob(name)
        if (p.parent / ".hydra").is_dir()
    }
    return sorted(found)


def _run_errors(job: Path) -> list[dict[str, Any]]:
    """The failed runs of a comparison (its ``errors.json``: labels and error of each)."""
    try:
        entries = json.loads((job / "errors.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("labels", {}), dict)]


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, encoding="utf-8-sig")


def collect_comparisons(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables of every comparison of a ``commsim compare -m`` sweep, one each in
    ``root``: ``runs.parquet``, ``runs_summary.csv``, ``summary.csv``, ``differences.csv``,
    ``ranking.csv`` and ``segments.csv``, each row with its job's number and overrides (the
    swept parameters) in front. Each failed run of a comparison (its ``errors.json``), or
    a comparison that failed as a whole (``error.json``), is a row of ``errors.csv``. Returns the
    runs and the summary."""
    parts: dict[str, list[tuple[dict[str, Any], pd.DataFrame]]] = {n: [] for n in COMPARE_TABLES}
    errors: list[dict[str, Any]] = []
    for job in comparison_jobs(root):
        labels = _labels(job)
        failed_runs = _run_errors(job)  # each failed run of the comparison, else the job's
        for failed in failed_runs:
            errors.append({**labels, **failed.get("labels", {}), "error": failed.get("error")})
        if (job / "error.json").exists() and not failed_runs:
            errors.append({**labels, "error": _error(job)})
        for name in COMPARE_TABLES:
            if not (job / name).is_file():
                continue
            try:
                table = _read_table(job / name)
            except (OSError, ValueError, pd.errors.ParserError) as exc:
                print(f"commsim collect: left out {job / name}: {exc}", file=sys.stderr)
                errors.append({**labels, "error": f"damaged: {name}: {exc}"})
                continue
            parts[name].append((labels, table))
    if not parts["runs_summary.csv"]:
        raise ConfigError("collect", str(root), "no finished comparison in this folder")
    _numbered([labels for labels, _table in parts["runs_summary.csv"]])
    tables = {
        name: _by_job(pd.concat([_with_labels(t, lab) for lab, t in found], ignore_index=True))
        for name, found in parts.items()
        if found
    }
    _write(root, tables, errors)
    return tables.get("runs.parquet", pd.DataFrame()), tables["summary.csv"]


def collected(root: Path, summary: pd.DataFrame) -> str:
    """What ``collect`` wrote, in one line."""
    _ = translator(None)
    return _("collected {n} jobs into {path}", n=summary["job"].nunique(), path=root)


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
        print(collected(root, summary))


def main(args: Sequence[str]) -> int:
    """``commsim collect DIR``."""
    if len(args) != 1:
        raise ConfigError("collect", " ".join(args), "give exactly one folder: commsim collect DIR")
    check_output_folder(args[0], "collect", "commsim collect DIR")
    _, summary = collect(args[0])
    print(collected(Path(args[0]), summary))
    return 0
