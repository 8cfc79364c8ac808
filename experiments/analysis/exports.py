"""``summary.xlsx``: a comparison's tables in one workbook a manager can open (openpyxl).

Sheets: ``decision`` (the recommendation in sentences), ``kpis`` (mean and 95% CI per
scenario, playbook and KPI, with the KPI's name as a person reads it), ``differences``
(paired, against the baseline), ``daily`` (daily means over replications per scenario and
playbook), ``segments`` (the KPIs by segment) and ``runs`` (one row per run). Headers are
in the report's language; the workbook is written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis.labels import Labels
from sim.io import atomic_write

#: the daily metrics averaged per plan in the ``daily`` sheet
DAILY = ["members", "active", "wau", "mau", "dormant", "new_members", "posts", "revenue", "cost"]


def daily_means(runs: pd.DataFrame) -> pd.DataFrame:
    """Daily means over replications, per scenario and playbook."""
    by = [c for c in ("scenario", "playbook", "day") if c in runs]
    cols = [c for c in DAILY if c in runs]
    return runs.groupby(by, sort=False)[cols].mean().reset_index()


def _kpi_names(frame: pd.DataFrame, lab: Labels) -> pd.DataFrame:
    if "kpi" not in frame:
        return frame
    out = frame.copy()
    out.insert(out.columns.get_loc("kpi") + 1, "name", [lab.kpi(k) for k in out["kpi"]])
    return out


def write_workbook(result: Any, path: Path, lang: str = "en", currency: str = "") -> Path:
    """Write ``summary.xlsx`` for a finished comparison (see the module docstring)."""
    lab = Labels(lang, currency)
    _ = lab.t
    decision = result.decision.lines(lab) if result.decision is not None else []
    sheets = {
        "decision": pd.DataFrame({_("decision"): decision}),
        "kpis": _kpi_names(result.summary, lab),
        "differences": _kpi_names(result.differences, lab),
        "daily": daily_means(result.runs),
        "segments": _kpi_names(result.segments, lab),
        "runs": result.per_run.drop(columns=["key"], errors="ignore"),
    }

    def write(p: Path) -> None:
        with pd.ExcelWriter(p, engine="openpyxl") as book:
            for name, frame in sheets.items():
                frame.to_excel(book, sheet_name=name, index=False)
                sheet = book.sheets[name]
                for column in sheet.columns:  # wide enough to read the headers
                    width = max(len(str(c.value or "")) for c in list(column)[:50])
                    sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
                sheet.freeze_panes = "A2"

    return atomic_write(path, write)
