"""Scenario discovery: which uncertain conditions make a plan lose (PRIM).

For each plan, the cases (one per scenario and replication) where it is not the winner are
the cases of interest; PRIM, the Patient Rule Induction Method (Friedman and Fisher 1999,
as used for scenario discovery by Bryant and Lempert 2010), peels the box of uncertain
inputs step by step towards a region where those cases are dense. The implementation is
the EMA Workbench's (``ema_workbench.analysis.prim``, BSD licence, the reference
implementation of scenario discovery); commsim only chooses the box to report on the
peeling trajectory: of the boxes whose density reaches ``min_density``, the one with the
highest coverage (of equal coverage, the densest).

- **coverage**: the share of the plan's losses that fall inside the box;
- **density**: the share of the cases inside the box where the plan loses;
- **mass**: the share of all cases inside the box.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from experiments.i18n import N_

#: the notes of a plan without a box (translated where shown)
NEVER = N_("never loses")
ALWAYS = N_("loses in every case")
NO_BOX = N_("no box of the inputs reaches the density")
#: the columns of :func:`discover`'s table (one row per restricted input of a plan's box)
COLUMNS = (
    "playbook",
    "cases",
    "losses",
    "coverage",
    "density",
    "mass",
    "parameter",
    "low",
    "high",
    "note",
)


def prim_box(
    x: pd.DataFrame, y: np.ndarray, min_density: float = 0.8, mass_min: float = 0.05
) -> dict[str, Any] | None:
    """The PRIM box of the cases where ``y`` is true, or None when no box reaches ``min_density``.

    Args:
        x: the uncertain inputs, one row per case (numeric columns).
        y: true for a case of interest (the plan loses).
        min_density: the density a box must reach (0..1].
        mass_min: the smallest share of the cases a box may hold.

    Returns:
        ``coverage``, ``density``, ``mass`` and ``limits`` (parameter -> (low, high), the
        inputs the box restricts only).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns about optional backends
        from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)
    x = x.reset_index(drop=True).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' deprecations inside the workbench
        alg = prim.Prim(x, np.asarray(y, dtype=int), threshold=min_density, mass_min=mass_min)
        box = alg.find_box()
    trajectory = box.peeling_trajectory
    if len(trajectory) < 2:  # the workbench's "dump box": no peeled box is dense enough
        return None
    dense = trajectory[trajectory["density"] >= min_density]
    if len(dense):  # the highest coverage; of equal coverage, the densest
        best = int(dense.sort_values(["coverage", "density"], kind="stable").index[-1])
    else:
        best = int(trajectory["density"].idxmax())
    lims = box.box_lims[best]
    init = alg.box_init
    limits = {
        str(c): (float(lims.at[0, c]), float(lims.at[1, c]))
        for c in x.columns
        if lims.at[0, c] > init.at[0, c] or lims.at[1, c] < init.at[1, c]
    }
    row = trajectory.loc[best]
    return {
        "coverage": float(row["coverage"]),
        "density": float(row["density"]),
        "mass": float(row["mass"]),
        "limits": limits,
    }


def discover(
    cases: pd.DataFrame,
    inputs: Sequence[str],
    books: Sequence[str],
    min_density: float = 0.8,
    mass_min: float = 0.05,
) -> pd.DataFrame:
    """Per plan, the box of uncertain inputs where it loses (:data:`COLUMNS`).

    Args:
        cases: one row per (scenario, replication, playbook) with ``won`` and the inputs.
        inputs: the uncertain inputs' columns.
        books: the plans, in order.
        min_density: see :func:`prim_box`.
        mass_min: see :func:`prim_box`.

    Returns:
        One row per input a plan's box restricts; a plan that never loses, always loses or
        has no dense enough box gets one row saying so in ``note`` (no parameter).
    """
    rows: list[dict[str, Any]] = []
    for book in books:
        mine = cases[cases["playbook"] == book]
        lost = ~mine["won"].to_numpy(dtype=bool)
        head = {"playbook": book, "cases": len(mine), "losses": int(lost.sum())}
        note = None
        box = None
        if not lost.any():
            note = NEVER
        elif lost.all():
            note = ALWAYS
        else:
            box = prim_box(mine[list(inputs)], lost, min_density, mass_min)
            if box is None or not box["limits"]:
                note = NO_BOX
        if box is None or note is not None:
            rows.append({**head, "note": note})
            continue
        stats = {k: box[k] for k in ("coverage", "density", "mass")}
        for name, (low, high) in box["limits"].items():
            rows.append({**head, **stats, "parameter": name, "low": low, "high": high, "note": ""})
    return pd.DataFrame(rows, columns=list(COLUMNS))
