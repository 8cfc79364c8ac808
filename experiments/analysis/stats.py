"""Statistics of a comparison: means with 95% confidence intervals, paired differences.

Replications use common random numbers (replication r has the same seed for every
playbook), so differences against the baseline are paired: for each KPI we report the
mean paired difference with its 95% t-interval, the paired t-test p-value, the Wilcoxon
signed-rank p-value (distribution-free; reported when there are at least 6 pairs with a
non-zero difference) and the effect size Cohen's d_z = mean difference / SD of the
differences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.kpis import KPIS, Direction


def fmt(value: float) -> str:
    """A number as people read it: 12,345 / 12.35 / 0.123; n/a for a missing value."""
    if value is None or value != value:
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3f}"


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and t-interval (low, high); a single value gives a zero-width interval."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    if len(x) < 2 or np.all(x == x[0]):
        return m, m, m
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - half, m + half


def summary_table(runs: pd.DataFrame, kpis: Sequence[str], by: str = "playbook") -> pd.DataFrame:
    """Per group and KPI: n, mean, ci_low, ci_high (tidy)."""
    rows = []
    for group, part in runs.groupby(by, sort=False):
        for kpi in kpis:
            m, lo, hi = mean_ci(part[kpi].to_numpy(dtype=float))
            rows.append(
                {
                    by: group,
                    "kpi": kpi,
                    "n": int(part[kpi].notna().sum()),
                    "mean": m,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
    return pd.DataFrame(rows)


def paired_differences(
    runs: pd.DataFrame, kpis: Sequence[str], baseline: str, by: str = "playbook", pair: str = "rep"
) -> pd.DataFrame:
    """Each group against ``baseline``, paired by replication."""
    base = runs[runs[by] == baseline].set_index(pair)
    rows = []
    for group, part in runs.groupby(by, sort=False):
        if group == baseline:
            continue
        part = part.set_index(pair)
        common = part.index.intersection(base.index)
        for kpi in kpis:
            d = part.loc[common, kpi].astype(float) - base.loc[common, kpi].astype(float)
            rows.append({by: group, "kpi": kpi, **_paired(d.dropna().to_numpy())})
    return pd.DataFrame(rows)


def _paired(d: np.ndarray) -> dict[str, float]:
    m, lo, hi = mean_ci(d)
    sd = float(d.std(ddof=1)) if len(d) > 1 else 0.0
    t_p = w_p = float("nan")
    if len(d) > 1 and sd > 0:
        t_p = float(stats.ttest_1samp(d, 0.0).pvalue)
    if np.count_nonzero(d) >= 6:
        w_p = float(stats.wilcoxon(d).pvalue)
    effect = m / sd if sd > 0 else (0.0 if m == 0 else float("inf") * np.sign(m))
    return {
        "n_pairs": len(d),
        "diff": m,
        "diff_low": lo,
        "diff_high": hi,
        "p_ttest": t_p,
        "p_wilcoxon": w_p,
        "effect_dz": effect,
    }


def ranking(table: pd.DataFrame, kpi: str, by: str = "playbook") -> pd.DataFrame:
    """Groups ranked by a KPI's mean, best first (its declared direction)."""
    part = table[table["kpi"] == kpi].copy()
    lower_first = KPIS[kpi].direction is Direction.MIN if kpi in KPIS else False
    part = part.sort_values("mean", ascending=lower_first, na_position="last")
    part.insert(0, "rank", range(1, len(part) + 1))
    return part[["rank", by, "mean", "ci_low", "ci_high"]].reset_index(drop=True)
