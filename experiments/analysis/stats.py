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


def bounded_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """:func:`mean_ci`, with the low end at 0 when no value is below 0 (a count, a cost:
    the t-interval of a few replications can reach below what the quantity can be)."""
    m, lo, hi = mean_ci(values, level)
    if len(values) and np.nanmin(values, initial=np.inf) >= 0 and lo < 0:
        lo = 0.0
    return m, lo, hi


def summary_table(
    runs: pd.DataFrame, kpis: Sequence[str], by: Sequence[str] = ("scenario", "playbook")
) -> pd.DataFrame:
    """Per group and KPI: n, mean, ci_low, ci_high (tidy)."""
    by = [c for c in by if c in runs]
    rows = []
    for group, part in runs.groupby(by, sort=False):
        keys = dict(zip(by, group if isinstance(group, tuple) else (group,), strict=True))
        for kpi in kpis:
            values = pd.to_numeric(part[kpi], errors="coerce").to_numpy(dtype=float)
            m, lo, hi = bounded_ci(values)
            n = int(np.count_nonzero(~np.isnan(values)))
            rows.append({**keys, "kpi": kpi, "n": n, "mean": m, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def incremental(
    runs: pd.DataFrame, baseline: str, by: str = "playbook", pair: Sequence[str] = ("rep",)
) -> pd.DataFrame:
    """``runs`` with the paired KPIs (``sim.kpis``: ``incremental_*``, the costs per extra
    member): each run against the ``baseline``'s run of the same ``pair`` (replication and
    scenario), so the same seed and the same world. The baseline's own rows get 0
    differences and no ratios."""
    pair = [c for c in pair if c in runs]
    out = runs.copy()
    base = runs[runs[by] == baseline].set_index(pair)
    at = base.reindex(pd.MultiIndex.from_frame(out[pair]) if len(pair) > 1 else out[pair[0]])

    def diff(col: str) -> np.ndarray:
        own = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        return own - pd.to_numeric(at[col], errors="coerce").to_numpy(dtype=float)

    members, active = diff("members_final"), diff("active_members_final")
    revenue, cost = diff("revenue_total"), diff("cost_total")
    with np.errstate(divide="ignore", invalid="ignore"):
        spent = cost > 0
        out["incremental_members"] = members
        out["incremental_active"] = diff("mean_active")
        out["incremental_revenue"] = revenue
        out["incremental_cost"] = cost
        out["incremental_roi"] = np.where(spent, (revenue - cost) / cost, np.nan)
        out["cost_per_incremental_member"] = np.where(
            members > 0, np.maximum(cost, 0.0) / members, np.nan
        )
        out["cost_per_incremental_retained_member"] = np.where(
            active > 0, np.maximum(cost, 0.0) / active, np.nan
        )
    is_base = (out[by] == baseline).to_numpy()
    for col in ("cost_per_incremental_member", "cost_per_incremental_retained_member"):
        out.loc[is_base, col] = np.nan
    return out


def paired_differences(
    runs: pd.DataFrame,
    kpis: Sequence[str],
    baseline: str,
    by: str = "playbook",
    pair: str = "rep",
    within: str = "scenario",
) -> pd.DataFrame:
    """Each group against ``baseline``, paired by replication (within each scenario)."""
    rows = []
    scenarios = runs.groupby(within, sort=False) if within in runs else [(None, runs)]
    for scenario, world in scenarios:
        base = world[world[by] == baseline].set_index(pair)
        head = {within: scenario} if scenario is not None else {}
        for group, part in world.groupby(by, sort=False):
            if group == baseline:
                continue
            part = part.set_index(pair)
            common = part.index.intersection(base.index)
            for kpi in kpis:
                if KPIS.get(kpi) is not None and KPIS[kpi].paired:
                    continue  # already a difference against the baseline
                own = pd.to_numeric(part.loc[common, kpi], errors="coerce")
                d = own - pd.to_numeric(base.loc[common, kpi], errors="coerce")
                rows.append({**head, by: group, "kpi": kpi, **_paired(d.dropna().to_numpy())})
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


def ranking(
    table: pd.DataFrame, kpi: str, by: str = "playbook", within: str = "scenario"
) -> pd.DataFrame:
    """Groups ranked by a KPI's mean, best first (its declared direction), in each scenario."""
    lower_first = KPIS[kpi].direction is Direction.MIN if kpi in KPIS else False
    parts = []
    worlds = table.groupby(within, sort=False) if within in table else [(None, table)]
    for _, world in worlds:
        part = world[world["kpi"] == kpi].copy()
        part = part.sort_values("mean", ascending=lower_first, na_position="last")
        part.insert(0, "rank", range(1, len(part) + 1))
        parts.append(part)
    cols = ([within] if within in table else []) + ["rank", by, "mean", "ci_low", "ci_high"]
    return pd.concat(parts, ignore_index=True)[cols]


#: the by-segment KPIs of a comparison (``segments.csv``), and those paired with the baseline
SEGMENT_KPIS = [
    "people",
    "joined_total",
    "members_final",
    "active_members_final",
    "wau_final",
    "mau_final",
    "new_per_week",
    "retention_d30",
    "conversion",
    "revenue_total",
    "posts_total",
    "negative_members_final",
    "incremental_members",
    "incremental_active_members",
    "incremental_revenue",
]


def segment_table(segments: pd.DataFrame, baseline: str) -> pd.DataFrame:
    """Per scenario, playbook, segment and KPI: n, mean and 95% CI, with the differences
    against the baseline's run of the same replication for members and revenue."""
    if segments.empty:
        return pd.DataFrame()
    pair = [c for c in ("scenario", "rep", "segment") if c in segments]
    base = segments[segments["playbook"] == baseline].set_index(pair)
    at = base.reindex(pd.MultiIndex.from_frame(segments[pair]))
    seg = segments.copy()
    for own, name in (
        ("members_final", "incremental_members"),
        ("active_members_final", "incremental_active_members"),
        ("revenue_total", "incremental_revenue"),
    ):
        seg[name] = seg[own].to_numpy(dtype=float) - at[own].to_numpy(dtype=float)
    by = [c for c in ("scenario", "playbook", "segment") if c in seg]
    return summary_table(seg, [k for k in SEGMENT_KPIS if k in seg], by=by)
