"""``DailyData``: Mesa's ``DataCollector`` of a ``CommunityModel``.

``model.datacollector`` is what Mesa's tools read (``mesa.batch_run``, Solara's plots). The
model already records its daily metrics (``sim.metrics.MetricsRecorder``, without a copy
per value), so ``model_vars`` are those lists, one entry per day (index d: day d, which is
``model.steps``), plus the run's ``seed``; the agent data are Mesa's own, from the
``agent_reporters`` given to the model, collected at the end of every day through the
``Member`` handles (``AgentID`` is the person's index, the ``id`` of ``members.parquet``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mesa
import pandas as pd


class DailyData(mesa.DataCollector):
    """Mesa's ``DataCollector`` over a model's daily metrics, with optional agent data.

    Args:
        model: the ``CommunityModel``.
        agent_reporters: name -> ``Member`` attribute name or function of a ``Member``.
    """

    def __init__(self, model: Any, agent_reporters: Mapping[str, Any] | None = None) -> None:
        self._model = model
        super().__init__(agent_reporters=dict(agent_reporters or {}))

    @property  # type: ignore[override]
    def model_vars(self) -> dict[str, list[Any]]:
        """The daily metrics, name -> one value per day, and ``seed``."""
        rows: dict[str, list[Any]] = self._model.recorder.rows
        return {"seed": [self._model.config.seed] * len(rows["day"]), **rows}

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        if value:  # DataCollector.__init__ sets an empty dict
            raise AttributeError(
                "the daily metrics are the model's; add a column with model.add_reporter"
            )

    def collect(self, model: Any) -> None:
        """Record today's agent data (the model records its metrics itself)."""
        if self.agent_reporters:
            self._agent_records[model.steps] = list(self._record_agents(model))

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        """The daily metrics, one row per day (the index is the day)."""
        return pd.DataFrame(self.model_vars)
