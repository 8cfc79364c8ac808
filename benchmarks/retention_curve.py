"""The weekly-cohort retention curve of a configuration: share of a cohort active a weeks on.

Runs one simulation per seed and pools the weekly cohorts (as ``commsim calibrate`` counts
them: a cohort is the people who joined in a week; retained at age ``a`` are those of them
who visited in week ``cohort + a``), then prints retention by age, with and without the
given overrides, side by side:

    python benchmarks/retention_curve.py behaviour.heterogeneity.shape=0.4 \\
        behaviour.heterogeneity.one_off_share=0.6 --days 730 --seeds 0 1

Used to check that heterogeneity gives the shape real logs show (a steep fall in the first
weeks, then a long flat tail of about 1% a year on); figures are quoted in docs/model.md.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from experiments.calibration.series import average
from experiments.calibration.simulate import simulate
from sim.runner import compose, to_plain

BASE = ["community.n=20000", "acquisition.p=0.0002", "acquisition.q=0.02"]
AGES = (1, 2, 3, 4, 8, 13, 26, 52, 78)


def curve(overrides: list[str], days: int, seeds: list[int]) -> pd.Series:
    """Pooled retention by age (weeks) over the cohorts of ``seeds`` runs."""
    plain = to_plain(compose([*BASE, *overrides]))
    runs = [simulate(plain, seed, days + 1) for seed in seeds]
    table = average(runs).retention()
    pooled = table.groupby("age")[["retained", "size"]].sum()
    return pooled["retained"] / pooled["size"].clip(lower=1)


def main(argv: list[str] | None = None) -> int:
    """Print the retention curves of the base config and of the base plus ``overrides``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("overrides", nargs="*", help="Hydra overrides, e.g. a.b=1")
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args(argv)
    start = time.perf_counter()
    before = curve([], args.days, args.seeds)
    after = curve(args.overrides, args.days, args.seeds)
    ages = [a for a in AGES if a in after.index]
    frame = pd.DataFrame(
        {"age_weeks": ages, "base": before[ages].to_numpy(), "with": after[ages].to_numpy()}
    )
    print(f"base: {' '.join(BASE)}; with: {' '.join(args.overrides) or '(nothing)'}")
    print(frame.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    print(f"{len(args.seeds)} seed(s), {args.days} days, {time.perf_counter() - start:.0f} s")
    return 0 if np.isfinite(frame["with"]).all() else 1


if __name__ == "__main__":
    raise SystemExit(main())
