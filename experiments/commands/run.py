"""``commsim run``: one simulation as a Hydra application.

Hydra gives ``-m`` multiruns (with any launcher: basic, joblib, submitit for SLURM),
``hydra.run.dir=DIR`` and ``--cfg job``. Outputs go to
``HydraConfig.get().runtime.output_dir`` (Hydra 1.3 jobs do not chdir). A job whose folder
already holds the finished run of the same resolved config is skipped, so an interrupted
sweep rerun with the same ``hydra.sweep.dir`` redoes nothing; a crashed job writes
``error.json`` and the others go on. At the end of a multirun a callback collects every
job into ``runs.parquet`` and ``summary.csv`` (``experiments.commands.collect``).

``from=DIR`` (a folder of ``commsim calibrate ... as_of=DATE``) starts from the community's
observed state on that day with the fitted baseline, for ``days`` days; overrides on the
command line win over the fitted values (``experiments.calibration.from_folder``).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from experiments.runs import provenance
from experiments.runs.checksums import damage, read_record, seal
from experiments.runs.hydra_app import failed_job, run_app
from experiments.runs.jobs import plain_key
from sim.errors import CommsimError, OutputError
from sim.io import write_json
from sim.runner import check, run_config, to_plain
from sim.version import MODEL_VERSION

__all__ = ["finished", "format_summary", "main", "run_one"]


def format_summary(summary: dict, out_dir: Path | None) -> str:
    """The summary as a two-column table, with where the outputs are."""
    width = max(len(k) for k in summary)
    lines = ["commsim run summary", "-" * (width + 16)]
    for key, value in summary.items():
        if value is None:
            shown = "n/a"
        elif isinstance(value, float):
            shown = f"{value:,.4f}"
        else:
            shown = f"{value:,}"
        lines.append(f"{key:<{width}}  {shown:>14}")
    if out_dir is not None:
        lines.append("")
        lines.append(f"outputs: {out_dir.resolve()}")
    return "\n".join(lines)


#: the files of a finished run that its ``seed.json`` seals (``sim.runner.write_outputs``)
OUTPUT_FILES = (
    "metrics.parquet",
    "members.parquet",
    "level_transitions.parquet",
    "segments.csv",
    "summary.json",
    "config.yaml",
)


def finished(out_dir: Path, key: str) -> dict[str, Any] | None:
    """The summary of a finished run of this config in ``out_dir``, if there is one.

    ``seed.json``, written last, holds the config key and the checksums of the run's
    files (``experiments.runs.checksums``): a run whose files do not match is named on
    stderr and redone, and so is a run of another model version unless
    ``run.reuse_other_versions=on`` (``experiments.runs.provenance``).
    """
    seed_file, summary_file = out_dir / "seed.json", out_dir / "summary.json"
    if not seed_file.exists():
        return None
    record, why = read_record(seed_file)
    if record is not None and "config_key" not in record:
        return None  # stopped before the end of its writing: not finished
    if record is not None and record["config_key"] != key:
        return None  # another config's run: overwritten
    version = None if record is None else provenance.stored_version(record)
    if record is not None and version != MODEL_VERSION:
        reuse = provenance.reuse_other_versions()
        print(provenance.stale_line({version: 1}, out_dir, reuse), file=sys.stderr, flush=True)
        if not reuse:
            return None
    if record is not None:
        why = damage(out_dir, record, "seed.json")
    summary = None
    if why is None:
        summary, why = read_record(summary_file)
    if why is not None:
        print(f"redoing a damaged stored run: {why} ({out_dir})", file=sys.stderr, flush=True)
    return summary


def run_one(cfg: DictConfig, out_dir: Path, overrides: list[str]) -> dict | None:
    """One Hydra job: run, write outputs into the job's folder, print the summary."""
    key = plain_key(to_plain(cfg))
    done = finished(out_dir, key)
    if done is not None:
        print(f"already done (same config and seed): {out_dir}")
        return done
    mode = HydraConfig.get().mode
    single = mode is None or mode.name == "RUN"
    try:
        result = run_config(cfg, out_dir=out_dir)
    except OutputError:
        raise  # a full disk stops the command (exit 1); a rerun resumes
    except CommsimError as exc:
        print(f"commsim: error: {exc}", file=sys.stderr)
        if single:
            sys.exit(2)
        failed_job(out_dir, str(exc), "", getattr(exc, "exit_code", 2))  # bad input: 2
        return None  # in a sweep, the other jobs go on; collect lists this one
    except Exception as exc:  # a crashed run is reported, the sweep goes on
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        failed_job(out_dir, str(exc), detail, 1)
        print(f"commsim: run crashed ({exc}); see {out_dir / 'error.json'}", file=sys.stderr)
        if single:
            sys.exit(1)
        return None
    record = {
        "seed": result.summary["seed"],
        "config_key": key,
        "generator": "numpy.random.default_rng(seed)",
    }
    names = [name for name in OUTPUT_FILES if (out_dir / name).is_file()]
    write_json(out_dir / "seed.json", seal(record, out_dir, names))
    print(format_summary(result.summary, result.out_dir))
    return result.summary


def main(args: Sequence[str]) -> int:
    """``commsim run [overrides]``: a single run is checked (strategies included) first.

    Multiruns and Hydra's own flags are left to Hydra (each job checks its own config).
    ``from=DIR`` starts from a calibration folder's state
    (``experiments.calibration.from_folder``).
    """
    from experiments.calibration.from_folder import expand_from

    return run_app("config", args, run_one, check=check, name="run", rewrite=expand_from)
