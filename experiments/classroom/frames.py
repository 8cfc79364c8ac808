"""What the page's widgets draw, from a model: small arrays per day, the graph once.

Everything here is vectorised over the people (no per-person loop) and only reads the
model. State codes (uint8): prospect 0, newcomer 1, lurker 2, contributor 3, core 4,
churned 5.

    >>> codes = state_codes(model)          # uint8, one per person
    >>> person_info(model, 12, translator("zh"))["title"]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agents.states import Level, State
from experiments.i18n import N_, Translate

PROSPECT, NEWCOMER, LURKER, CONTRIBUTOR, CORE, CHURNED = range(6)
#: the code of each state, in order (the widgets' legend keys)
STATE_NAMES = ("prospect", "newcomer", "lurker", "contributor", "core", "churned")
#: the label of each state code (translate where shown)
STATE_LABELS = (
    N_("prospect"),
    N_("newcomer"),
    N_("lurker"),
    N_("contributor"),
    N_("core"),
    N_("churned"),
)
#: the chart table's columns (ChartsWidget.columns)
CHART_COLUMNS = (
    "day",
    "members",
    "active",
    "posts",
    "sentiment",
    "newcomer",
    "lurker",
    "contributor",
    "core",
)
#: day-series column -> recorder column (the CSV download has the rest of the day too)
SERIES_COLUMNS = {
    "day": "day",
    "members": "members",
    "active": "active",
    "posts": "posts",
    "sentiment": "sentiment",
    "newcomer": "level_newcomer",
    "lurker": "level_lurker",
    "contributor": "level_contributor",
    "core": "level_core",
    "new_members": "new_members",
    "churned": "churned",
    "prospects": "prospects",
    "replies": "replies",
}
_LEVEL_CODE = {
    Level.NONE.value: NEWCOMER,  # a member without a level is drawn as a newcomer
    Level.NEWCOMER.value: NEWCOMER,
    Level.LURKER.value: LURKER,
    Level.CONTRIBUTOR.value: CONTRIBUTOR,
    Level.CORE.value: CORE,
}
_LEVEL_TABLE = np.array([_LEVEL_CODE[v.value] for v in Level], dtype=np.uint8)


def state_codes(model: Any) -> np.ndarray:
    """Each person's state code (uint8, n): from ``pop.state`` and, for members, ``pop.level``."""
    state, level = model.pop.state, model.pop.level
    codes = _LEVEL_TABLE[level.astype(np.intp)]
    codes[state == State.PROSPECT.value] = PROSPECT
    codes[state == State.CHURNED.value] = CHURNED
    return codes


def referrers(model: Any) -> np.ndarray:
    """Who brought each person (int32, n; -1: nobody)."""
    return model.pop.referrer.astype(np.int32)


def join_days(model: Any) -> np.ndarray:
    """The day each person joined (int16, n; -1: never)."""
    return np.clip(model.pop.joined_day, -1, np.iinfo(np.int16).max).astype(np.int16)


def positions32(model: Any) -> np.ndarray:
    """The drawing positions (float32, n x 2, in [0, 1]), C-contiguous."""
    return np.ascontiguousarray(model.positions, dtype=np.float32)


def tie_pairs(model: Any) -> np.ndarray:
    """Every tie once (int32, m x 2, i < j), from ``model.csr``."""
    csr = model.csr
    rows = np.repeat(np.arange(csr.shape[0], dtype=np.int32), np.diff(csr.indptr))
    cols = csr.indices.astype(np.int32)
    keep = rows < cols
    return np.ascontiguousarray(np.column_stack([rows[keep], cols[keep]]), dtype=np.int32)


def series(model: Any) -> pd.DataFrame:
    """The day series so far, one row per recorded day (:data:`SERIES_COLUMNS`)."""
    rows = model.recorder.rows
    return pd.DataFrame(
        {name: rows[column] for name, column in SERIES_COLUMNS.items() if column in rows}
    )


def day_row(model: Any) -> dict[str, float]:
    """Today's values of the chart columns (:data:`CHART_COLUMNS`)."""
    rows = model.recorder.rows
    return {
        name: float(rows[SERIES_COLUMNS[name]][-1]) if rows["day"] else 0.0
        for name in CHART_COLUMNS
    }


def chart_table(model: Any) -> np.ndarray:
    """The day series of the chart columns (float32, days x columns, row-major)."""
    rows = model.recorder.rows
    table = np.column_stack(
        [np.asarray(rows[SERIES_COLUMNS[name]], dtype=np.float32) for name in CHART_COLUMNS]
    )
    return np.ascontiguousarray(table, dtype=np.float32)


def person_info(model: Any, i: int, _: Translate) -> dict[str, Any]:
    """The panel of person ``i``: ``{"title": ..., "rows": [[label, value], ...]}``.

    Rows: state, level, joined on day, brought by, posts, sentiment, friends. Labels and
    words are translated with ``_``; an unknown ``i`` gives an empty panel.
    """
    pop = model.pop
    if not 0 <= int(i) < pop.n:
        return {}
    i = int(i)
    code = int(state_codes(model)[i])
    member = pop.state[i] != State.PROSPECT.value
    joined = int(pop.joined_day[i])
    referrer = int(pop.referrer[i])
    level = _(STATE_LABELS[int(_LEVEL_TABLE[pop.level[i]])]) if member else "-"
    rows = [
        [_("State"), _(STATE_LABELS[code])],
        [_("Level"), level if pop.state[i] == State.MEMBER.value else "-"],
        [_("Joined on day"), str(joined) if joined >= 0 else "-"],
        [
            _("Brought by"),
            _("Person {i}", i=referrer) if referrer >= 0 else (_("nobody") if member else "-"),
        ],
        [_("Posts"), str(int(pop.posts[i]))],
        [_("Sentiment"), f"{float(pop.sentiment[i]):+.2f}" if member else "-"],
        [_("Friends"), str(int(model.csr.indptr[i + 1] - model.csr.indptr[i]))],
    ]
    return {"title": _("Person {i}", i=i), "rows": rows}
