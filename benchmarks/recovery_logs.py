"""Recovery of known parameters by ``commsim calibrate``, over ten logs commsim wrote.

    python benchmarks/recovery_logs.py                     # seeds 1-9 and 4242, one worker
    python benchmarks/recovery_logs.py --seeds 4242 --workers 2 --keep outputs/recovery

Each log is the one ``tests/integration/test_calibrate.py`` fits (the community ``TRUTH``,
``LOG_DAYS`` days, written by ``write_synthetic_log`` with a different seed); each fit runs
``commsim calibrate`` with the test's ``RECOVERY`` calibration config, one log after the
other. The script prints, per log, the relative error of each parameter, the R² of
cumulative and active users and the seconds of the fit, then per parameter the truth, the
test's tolerance, the largest and the median relative error over the logs. It exits 1
when a tolerance of the test would fail on some log (docs/calibration.md, section 10).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import median, table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.test_calibrate import (  # noqa: E402
    LOG_DAYS,
    RECOVERY,
    TOLERANCE,
    TRUTH,
    write_synthetic_log,
)

SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 4242]
#: short names for the per-log table
SHORT = {key: key.rsplit(".", 1)[-1] for key in TRUTH}


def fit(seed: int, folder: Path, workers: int) -> dict:
    """Write the log of ``seed`` into ``folder``, calibrate on it; errors, R² and seconds."""
    configs = folder / "configs"
    (configs / "calibration").mkdir(parents=True, exist_ok=True)
    log = write_synthetic_log(seed, folder / "visits.txt.gz")
    (configs / "calibration" / "recovery.yaml").write_text(RECOVERY)
    out = folder / "out"
    cmd = [
        sys.executable,
        "-m",
        "experiments.cli",
        "calibrate",
        f"--config-dir={configs}",
        "calibration=recovery",
        f"data={log}",
        "executor=joblib",
        f"workers={workers}",
        f"hydra.run.dir={out}",
    ]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"calibrate failed on the log of seed {seed}:\n{proc.stderr}")
    report = json.loads((out / "calibration.json").read_text())
    fitted = {key: report["parameters"][key]["value"] for key in TRUTH}
    return {
        "seed": seed,
        "fitted": fitted,
        "error": {key: abs(fitted[key] / truth - 1) for key, truth in TRUTH.items()},
        "r2_cumulative": report["fit"]["cumulative_users"]["r2"],
        "r2_active": report["fit"]["active_users"]["r2"],
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--workers", type=int, default=1, help="joblib workers per fit")
    parser.add_argument("--keep", type=Path, default=None, help="keep logs and fits here")
    args = parser.parse_args()
    fits = []
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for seed in args.seeds:
            result = fit(seed, base / f"seed{seed}", args.workers)
            fits.append(result)
            errors = ", ".join(f"{SHORT[k]} {e:.1%}" for k, e in result["error"].items())
            print(f"seed {seed}: {errors}; {result['seconds']:.1f} s", flush=True)

    per_log = [
        {
            "seed": r["seed"],
            **{SHORT[k]: f"{e:.1%}" for k, e in r["error"].items()},
            "r2_cumulative": f"{r['r2_cumulative']:.4f}",
            "r2_active": f"{r['r2_active']:.4f}",
            "seconds": f"{r['seconds']:.1f}",
        }
        for r in fits
    ]
    print()
    print(f"{len(fits)} logs of {LOG_DAYS} days, relative error of each fitted parameter:")
    print(table(per_log, list(per_log[0])))

    rows = []
    for key, truth in TRUTH.items():
        errors = [r["error"][key] for r in fits]
        worst = max(fits, key=lambda r: r["error"][key])
        rows.append(
            {
                "parameter": key,
                "truth": truth,
                "tolerance": f"{TOLERANCE[key]:.0%}",
                "largest": f"{max(errors):.1%}",
                "median": f"{median(errors):.1%}",
                "worst_seed": worst["seed"],
                "ok": "yes" if max(errors) <= TOLERANCE[key] else "NO",
            }
        )
    print()
    print(table(rows, list(rows[0])))
    r2c = [r["r2_cumulative"] for r in fits]
    r2a = [r["r2_active"] for r in fits]
    secs = [r["seconds"] for r in fits]
    print()
    print(f"R² cumulative users: min {min(r2c):.4f}, median {median(r2c):.4f}")
    print(f"R² active users:     min {min(r2a):.4f}, median {median(r2a):.4f}")
    print(
        f"seconds per log ({args.workers} worker(s)): median {median(secs):.1f}, "
        f"min {min(secs):.1f}, max {max(secs):.1f}"
    )
    if any(row["ok"] == "NO" for row in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
