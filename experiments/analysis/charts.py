"""The comparison's charts (PNG by default; SVG, PDF with ``plot_format``): titles, axis
labels with units, legends that do not cover the data, in the report's language
(``experiments.analysis.labels``).

- daily curves with 95% bands: members, daily active members, posts, cumulative cost;
- what each plan adds over the baseline (extra members, extra revenue) with 95% intervals;
- cost against extra members per run;
- joins by channel; monthly level transitions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis.labels import Labels
from experiments.analysis.plots import plt, save_figure
from experiments.analysis.stats import mean_ci
from experiments.i18n import N_

#: member levels as the transitions chart names them
LEVELS = {
    "newcomer": N_("newcomer"),
    "lurker": N_("lurker"),
    "contributor": N_("contributor"),
    "core": N_("core"),
    "churned": N_("churned"),
}
CHANNELS = ["joined_organic", "joined_wom", "joined_seeded", "joined_ads", "joined_partner"]


def _legend(fig: plt.Figure, axes: list[plt.Axes]) -> None:
    """One legend for the figure, below the panels (never over a curve)."""
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 5), frameon=False)


def curves_plot(runs: pd.DataFrame, books: list[str], lab: Labels, path: Path) -> Path:
    """Daily curves, mean over replications with a 95% band, one colour per plan."""
    _ = lab.t
    runs = runs.assign(cost_cum=runs.groupby(["playbook", "rep"])["cost"].cumsum())
    panels = [
        ("members", _("Members"), _("members")),
        ("active", _("Daily active members (DAU)"), _("members")),
        ("posts", _("Posts per day"), _("posts")),
        ("cost_cum", _("Money spent so far"), lab.currency or _("currency")),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5), sharex=True, layout="constrained")
    for ax, (col, title, unit) in zip(axes.ravel(), panels, strict=True):
        for book in books:
            part = runs[runs["playbook"] == book]
            if part.empty:  # every run of this plan failed (see errors.json)
                continue
            wide = part.pivot_table(index="day", columns="rep", values=col)
            stats = np.array([mean_ci(row) for row in wide.to_numpy()])
            ax.plot(wide.index, stats[:, 0], label=book, lw=1.6)
            low = np.maximum(stats[:, 1], 0.0)  # every panel counts something: never below 0
            ax.fill_between(wide.index, low, stats[:, 2], alpha=0.2)
        ax.set_title(title)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel(_("day"))
    fig.suptitle(_("Daily curves (mean over replications, 95% band)"))
    fig.get_layout_engine().set(rect=(0, 0.06, 1, 0.94))  # type: ignore[union-attr,call-arg]
    _legend(fig, list(axes.ravel()))
    return save_figure(fig, path, embed=True)


def effects_plot(
    per_run: pd.DataFrame, books: list[str], baseline: str, lab: Labels, path: Path
) -> Path | None:
    """What each plan adds over the baseline: extra members and extra revenue, mean and
    95% interval over replications (paired by seed)."""
    plans = [b for b in books if b != baseline]
    if not plans:
        return None
    _ = lab.t
    panels = [
        ("incremental_members", _("Extra members at the end"), _("members")),
        ("incremental_revenue", _("Extra revenue"), lab.currency or _("currency")),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.6 * len(plans) + 2.6), layout="constrained")
    for ax, (col, title, unit) in zip(axes, panels, strict=True):
        stats = [mean_ci(per_run.loc[per_run["playbook"] == b, col].to_numpy(float)) for b in plans]
        means = [s[0] for s in stats]
        errs = np.array([[s[0] - s[1], s[2] - s[0]] for s in stats]).T
        y = np.arange(len(plans))
        ax.barh(y, means, xerr=errs, color="#4c72b0", alpha=0.8, capsize=4)
        ax.set_yticks(y, plans)
        ax.axvline(0, color="black", lw=0.8)
        ax.invert_yaxis()
        ax.set_title(title)
        ax.set_xlabel(_("{unit}, against {baseline}").format(unit=unit, baseline=baseline))
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(_("What each plan adds over the baseline (mean, 95% interval)"))
    return save_figure(fig, path, embed=True)


def cost_plot(per_run: pd.DataFrame, books: list[str], lab: Labels, path: Path) -> Path:
    """Cost against extra members, per run (dots) and plan means (crosses)."""
    _ = lab.t
    fig, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
    for book in books:
        part = per_run[per_run["playbook"] == book]
        dots = ax.scatter(part["cost_total"], part["incremental_members"], alpha=0.5, s=18)
        ax.scatter(
            part["cost_total"].mean(),
            part["incremental_members"].mean(),
            marker="X",
            s=140,
            color=dots.get_facecolor()[0][:3],  # type: ignore[index]
            edgecolor="black",
            label=book,
        )
    ax.set_xlabel(_("cost ({unit})").format(unit=lab.currency or _("currency")))
    ax.set_ylabel(_("extra members over the baseline (members)"))
    ax.axhline(0, color="black", lw=0.8)
    ax.grid(alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(_("Cost against extra members (dots: runs, crosses: plan means)"))
    return save_figure(fig, path, embed=True)


def channels_plot(per_run: pd.DataFrame, books: list[str], lab: Labels, path: Path) -> Path:
    """Mean joins by channel, stacked, per plan."""
    _ = lab.t
    names = {
        "joined_organic": _("organic"),
        "joined_wom": _("word of mouth"),
        "joined_seeded": _("seeded"),
        "joined_ads": _("ads"),
        "joined_partner": _("partners"),
    }
    means = per_run.groupby("playbook")[CHANNELS].mean().reindex(books)
    fig, ax = plt.subplots(figsize=(max(6.5, 1.4 * len(books) + 3), 4.2), layout="constrained")
    bottom = np.zeros(len(books))
    for col in CHANNELS:
        ax.bar(books, means[col], bottom=bottom, label=names[col])
        bottom += means[col].to_numpy()
    ax.set_ylabel(_("people who joined (mean, members)"))
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.tick_params(axis="x", rotation=20)
    ax.set_title(_("Joins by channel"))
    return save_figure(fig, path, embed=True)


def transitions_plot(trans: pd.DataFrame, books: list[str], lab: Labels, path: Path) -> Path | None:
    """Level transitions over the whole run (share of moves from each level), per plan."""
    if trans.empty:
        return None
    _ = lab.t
    order = list(LEVELS)
    names = [_(LEVELS[n]) for n in order]
    fig, axes = plt.subplots(
        1, len(books), figsize=(3.8 * len(books), 3.8), squeeze=False, layout="constrained"
    )
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
        ax.set_xticks(range(len(order)), names, rotation=45, ha="right", fontsize=8)
        ax.set_yticks(range(len(order) - 1), names[:-1], fontsize=8)
        ax.set_title(book, fontsize=9)
    fig.suptitle(_("Monthly level transitions (row: from, column: to; share of members)"))
    return save_figure(fig, path, embed=True)
