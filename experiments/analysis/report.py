"""The comparison report: plots (PNG) and one self-contained ``report.html``.

Plots: daily curves with 95% bands (members, active, posts, sentiment), cost against
benefit per run, joins by channel, and level transitions. The HTML embeds every plot as
base64, so the file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.analysis.plots import plt, save_figure
from experiments.analysis.stats import fmt, mean_ci
from sim.io import write_text

CURVES = [
    ("members", "members"),
    ("active", "daily active members"),
    ("posts", "posts per day"),
    ("sentiment", "mean sentiment"),
]
CHANNELS = ["joined_organic", "joined_wom", "joined_seeded", "joined_ads", "joined_partner"]


def curves_plot(runs: pd.DataFrame, books: list[str], path: Path) -> Path:
    """Daily curves, mean over replications with a 95% band, one colour per playbook."""
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, (col, title) in zip(axes.ravel(), CURVES, strict=True):
        for book in books:
            part = runs[runs["playbook"] == book]
            if part.empty:  # every run of this playbook failed (see errors.json)
                continue
            wide = part.pivot_table(index="day", columns="rep", values=col)
            stats = np.array([mean_ci(row) for row in wide.to_numpy()])
            ax.plot(wide.index, stats[:, 0], label=book, lw=1.6)
            ax.fill_between(wide.index, stats[:, 1], stats[:, 2], alpha=0.2)
        ax.set_title(title)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("Daily curves (mean over replications, 95% band)")
    return save_figure(fig, path)


def cost_benefit_plot(per_run: pd.DataFrame, books: list[str], path: Path) -> Path:
    """Cost against benefit (members at the end, revenue) per run and playbook means."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, benefit in zip(axes, ("members_final", "revenue_total"), strict=True):
        for book in books:
            part = per_run[per_run["playbook"] == book]
            dots = ax.scatter(part["cost_total"], part[benefit], alpha=0.5, s=18, label=book)
            ax.scatter(
                part["cost_total"].mean(),
                part[benefit].mean(),
                marker="X",
                s=140,
                color=dots.get_facecolor()[0][:3],
                edgecolor="black",
            )
        ax.set_xlabel("cost")
        ax.set_ylabel(benefit.replace("_", " "))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Cost against benefit (dots: runs, crosses: playbook means)")
    return save_figure(fig, path)


def channels_plot(per_run: pd.DataFrame, books: list[str], path: Path) -> Path:
    """Mean joins by channel, stacked, per playbook."""
    means = per_run.groupby("playbook")[CHANNELS].mean().reindex(books)
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(books)), 4))
    bottom = np.zeros(len(books))
    for col in CHANNELS:
        ax.bar(books, means[col], bottom=bottom, label=col.removeprefix("joined_"))
        bottom += means[col].to_numpy()
    ax.set_ylabel("people who joined (mean)")
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", rotation=30)
    ax.set_title("Joins by channel")
    return save_figure(fig, path)


def transitions_plot(trans: pd.DataFrame, books: list[str], path: Path) -> Path | None:
    """Level transitions over the whole run (share of moves from each level), per playbook."""
    if trans.empty:
        return None
    order = ["newcomer", "lurker", "contributor", "core", "churned"]
    fig, axes = plt.subplots(1, len(books), figsize=(3.6 * len(books), 3.4), squeeze=False)
    for ax, book in zip(axes[0], books, strict=True):
        if book not in set(trans["playbook"]):
            continue
        part = trans[(trans["playbook"] == book) & trans["from_level"].isin(order[:-1])]
        mat = (
            part.pivot_table(index="from_level", columns="to_level", values="count", aggfunc="sum")
            .reindex(index=order[:-1], columns=order)
            .fillna(0)
        )
        share = mat.div(mat.sum(axis=1).replace(0, 1), axis=0)
        ax.imshow(share.to_numpy(), cmap="Blues", vmin=0, vmax=1)
        for (i, j), v in np.ndenumerate(share.to_numpy()):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(order)), order, rotation=45, fontsize=7)
        ax.set_yticks(range(len(order) - 1), order[:-1], fontsize=7)
        ax.set_title(book, fontsize=9)
    fig.suptitle("Monthly level transitions (row: from, column: to; share of members)")
    return save_figure(fig, path)


def _img(path: Path | None) -> str:
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _table(df: pd.DataFrame) -> str:
    return df.to_html(
        index=False, float_format=lambda v: f"{v:,.4g}", border=0, classes="t", na_rep=""
    )


def write_report(result: Any, options: dict[str, Any]) -> Path:
    """Every plot and ``report.html`` into the comparison's folder."""
    out, books = result.out_dir, options["playbooks"]
    plots = out / "plots"
    from experiments.runs.store import RunStore

    trans = RunStore(out).transitions(set(result.per_run["key"]))
    figs = [
        curves_plot(result.runs, books, plots / "curves.png"),
        cost_benefit_plot(result.per_run, books, plots / "cost_benefit.png"),
        channels_plot(result.per_run, books, plots / "channels.png"),
        transitions_plot(trans, books, plots / "level_transitions.png"),
    ]
    wide = result.summary.assign(
        cell=[
            f"{fmt(m)} [{fmt(lo)}, {fmt(hi)}]"
            for m, lo, hi in zip(
                result.summary["mean"],
                result.summary["ci_low"],
                result.summary["ci_high"],
                strict=True,
            )
        ]
    )
    kpi_table = wide.pivot(index="kpi", columns="playbook", values="cell")
    kpi_table = kpi_table.reindex(
        index=list(dict.fromkeys(result.summary["kpi"])),
        columns=[b for b in books if b in kpi_table],
    ).reset_index()
    page = TEMPLATE.format(
        title=html.escape(f"commsim comparison: {', '.join(books)}"),
        meta=html.escape(
            f"{len(books)} playbooks x {options['reps']} replications, seeds "
            f"{options['seed']}..{options['seed'] + options['reps'] - 1} "
            f"(common random numbers); baseline: {books[0]}; ranked by "
            f"{options['rank_by']}"
        ),
        kpis=_table(kpi_table),
        diffs=_table(result.differences),
        ranking=_table(result.ranking),
        plots="\n".join(_img(p) for p in figs),
        failed=html.escape(f"{len(result.failed)} runs failed (errors.json)")
        if result.failed
        else "",
    )
    return write_text(out / "report.html", page)


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
table.t {{ border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1.5em; }}
table.t th, table.t td {{ padding: 0.25em 0.6em; border-bottom: 1px solid #ddd;
  text-align: right; }}
img {{ max-width: 100%; display: block; margin: 1em 0; }}
.note {{ color: #555; font-size: 0.9em; }}
</style></head><body>
<h1>{title}</h1>
<p class="note">{meta}</p>
<p class="note">{failed}</p>
<h2>KPIs: mean [95% confidence interval]</h2>
{kpis}
<h2>Ranking</h2>
{ranking}
<h2>Paired differences against the baseline</h2>
<p class="note">Replication r uses the same seed for every playbook, so each difference is
paired. diff: mean difference with its 95% t-interval; p_ttest: paired t-test;
p_wilcoxon: Wilcoxon signed-rank test (with at least 6 non-zero pairs); effect_dz: mean
difference / standard deviation of the differences (Cohen's d_z).</p>
{diffs}
<h2>Plots</h2>
{plots}
</body></html>
"""
