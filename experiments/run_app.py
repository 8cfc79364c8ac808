"""``commsim run``: one simulation as a Hydra application.

Hydra gives ``-m`` multiruns, launchers, ``hydra.run.dir=DIR`` and ``--cfg job``. Outputs
go to ``HydraConfig.get().runtime.output_dir`` (Hydra 1.3 jobs do not chdir).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.errors import CommsimError
from sim.runner import check, compose, run_config

HYDRA_FLAGS = ("-m", "--multirun", "--cfg", "-c", "--info", "--help", "-h", "--hydra-help",
               "--resolve", "--package", "-p", "--config-dir", "-cd", "--config-name", "-cn",
               "--shell-completion", "-sc", "--run", "-r", "--experimental-rerun")


def precheck(args: Sequence[str]) -> None:
    """Compose and check the config of a single run before Hydra starts it.

    Multiruns and Hydra's own flags are left to Hydra (each job checks its own config).
    """
    if any(a in HYDRA_FLAGS or a.startswith("--") for a in args):
        return
    overrides = [a for a in args if not a.startswith("hydra.") and not a.startswith("hydra/")]
    check(compose(overrides))


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


@hydra.main(version_base="1.3", config_path="pkg://configs", config_name="config")
def run_job(cfg: DictConfig) -> dict:
    """One Hydra job: run, write outputs into the job's folder, print the summary."""
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    try:
        result = run_config(cfg, out_dir=out_dir)
    except CommsimError as exc:
        print(f"commsim: error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(format_summary(result.summary, result.out_dir))
    return result.summary


def main(args: Sequence[str]) -> int:
    """Run the Hydra application with ``args`` as its command line."""
    saved = sys.argv
    sys.argv = ["commsim run", *args]
    try:
        run_job()
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    finally:
        sys.argv = saved
    return 0
