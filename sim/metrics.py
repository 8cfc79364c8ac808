"""Daily metrics (one row per day) and the run's summary KPIs.

Reporters are small module-level functions of the model, called once a day (like Mesa's
``DataCollector``, without its per-value deep copies). Row ``day = d`` is the state at the
end of day d; ``day = 0`` is the starting state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from agents.states import State


def day(model: Any) -> int:
    """The day this row describes."""
    return int(model.day)


def members(model: Any) -> int:
    """Current members."""
    return int(model.n_members)


def prospects(model: Any) -> int:
    """People who have never joined."""
    return int(model.n_people - model.n_members - model.n_churned)


def new_members(model: Any) -> int:
    """People who joined today (initial members on day 0)."""
    return int(model.today.new_members)


def joined_total(model: Any) -> int:
    """Everyone who has ever joined, including initial members."""
    return int(model.n_people - prospects(model))


def churned(model: Any) -> int:
    """Members who left today."""
    return int(model.today.churned)


def churned_total(model: Any) -> int:
    """Everyone who has left so far."""
    return int(model.n_churned)


def active(model: Any) -> int:
    """Members who visited today (newcomers count on the day they join)."""
    return int(model.today.active)


def mean_commitment(model: Any) -> float:
    """Mean commitment of current members (0 when there are none)."""
    if not model.config.behaviour.commitment.enabled or model.n_members == 0:
        return 0.0
    mask = model.pop.state == State.MEMBER.value
    return float(model.pop.commitment[mask].mean())


REPORTERS: dict[str, Callable[[Any], Any]] = {
    "day": day,
    "members": members,
    "prospects": prospects,
    "new_members": new_members,
    "joined_total": joined_total,
    "churned": churned,
    "churned_total": churned_total,
    "active": active,
    "mean_commitment": mean_commitment,
}


class MetricsRecorder:
    """Collects every reporter once a day into a table.

    Args:
        model: the model; reporters in ``model.extra_reporters`` (a dict, if present) are
            collected too.
    """

    def __init__(self, model: Any) -> None:
        self.reporters = dict(REPORTERS)
        self.reporters.update(getattr(model, "extra_reporters", {}))
        self.rows: dict[str, list[Any]] = {name: [] for name in self.reporters}

    def collect(self, model: Any) -> None:
        """Record today's row."""
        for name, reporter in self.reporters.items():
            self.rows[name].append(reporter(model))

    def frame(self) -> pd.DataFrame:
        """The daily table, one row per day."""
        return pd.DataFrame(self.rows)


def summarise(model: Any, metrics: pd.DataFrame) -> dict[str, Any]:
    """The run's KPIs as plain Python numbers."""
    peak = int(metrics["active"].idxmax())
    n = int(model.n_people)
    last = metrics.iloc[-1]
    return {
        "seed": int(model.config.seed),
        "days": int(model.day),
        "n_people": n,
        "n_ties": int(model.social.n_edges),
        "members_final": int(last["members"]),
        "joined_total": int(last["joined_total"]),
        "churned_total": int(last["churned_total"]),
        "adoption_final": float(last["joined_total"]) / n,
        "peak_active": int(metrics["active"].iloc[peak]),
        "peak_active_day": int(metrics["day"].iloc[peak]),
        "active_final": int(last["active"]),
        "mean_active": float(metrics["active"].iloc[1:].mean()) if len(metrics) > 1 else 0.0,
        "commitment_final": float(last["mean_commitment"]),
    }
