"""The docs match the code: generated tables, personas, metrics, summary and members columns.

The parameter tables of docs/model.md and docs/strategies.md and the phase table are
generated from the declarations (``make docs``): the committed docs must equal what the
generator writes. The personas of configs/behaviour/default.yaml are in the docs' table, and
every output column and summary key is named in the docs.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
from agents.segments import SegmentParams, SegmentsParams
from sim.config import SECTIONS
from sim.metrics import REPORTERS
from sim.population import FIELDS, INTERNAL
from sim.schema_docs import experiments_tables, fill, model_tables
from strategies.schema_docs import strategy_tables

DOCS = Path(__file__).resolve().parents[2] / "docs"
DOC = (DOCS / "model.md").read_text(encoding="utf-8")
BEHAVIOUR_YAML = yaml.safe_load(
    (files("configs") / "behaviour" / "default.yaml").read_text(encoding="utf-8")
)
PERSONA_HEADER = "| persona parameter |"


def backticked(name: str) -> bool:
    return f"`{name}`" in DOC


def test_generated_tables_are_up_to_date() -> None:
    """The parameter and phase tables are what ``make docs`` writes from the declarations."""
    for name, make in (
        ("model.md", model_tables),
        ("strategies.md", strategy_tables),
        ("experiments.md", experiments_tables),
    ):
        text = (DOCS / name).read_text(encoding="utf-8")
        assert fill(text, make(), name) == text, (
            f"docs/{name} is out of date with the parameter declarations: run `make docs`"
        )


def test_every_parsed_section_has_a_generated_table() -> None:
    tables = model_tables()
    assert {"acquisition", "run", "behaviour.segments", "phases"} <= set(tables)
    assert {f"behaviour.{k}" for k in SECTIONS} <= set(tables)
    assert "behaviour.segments" not in {f"behaviour.{k}" for k in SECTIONS}
    assert [f.name for f in dataclasses.fields(SegmentsParams) if "unit" in f.metadata] == [
        "assign"
    ]


def test_default_behaviour_copies_no_default() -> None:
    """``behaviour=default`` holds the personas only: every other default lives in the code."""
    assert set(BEHAVIOUR_YAML) <= {"name", "segments"}, sorted(BEHAVIOUR_YAML)
    assert set(BEHAVIOUR_YAML["segments"]) == {"groups"}


def test_a_stale_table_is_caught() -> None:
    text = (DOCS / "model.md").read_text(encoding="utf-8")
    stale = text.replace("| `behaviour.visits.base` | 0.01 |", "| `behaviour.visits.base` | 0.5 |")
    assert stale != text
    assert fill(stale, model_tables(), "model.md") == text


def persona_table() -> dict[str, dict[str, str]]:
    """docs' personas table as {persona: {parameter: cell}}."""
    lines = DOC.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(PERSONA_HEADER)), None)
    assert start is not None, f"docs/model.md has no personas table ({PERSONA_HEADER} ...)"
    names = [c.strip() for c in lines[start].strip().strip("|").split("|")][1:]
    table: dict[str, dict[str, str]] = {name: {} for name in names}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for name, cell in zip(names, cells[1:], strict=True):
            table[name][cells[0].strip("`")] = cell
    return table


def test_default_personas_in_docs() -> None:
    groups: dict[str, dict[str, Any]] = BEHAVIOUR_YAML["segments"]["groups"]
    table = persona_table()
    fields = {f.name for f in dataclasses.fields(SegmentParams)}
    for name, values in groups.items():
        assert name in table, f"persona {name} of default.yaml is not in the docs' table"
        for key, value in values.items():
            assert key in fields, f"default.yaml: segment {name} has unknown key {key}"
            cell = table[name].get(key)
            assert cell is not None, f"docs' personas table has no {key} for {name}"
            assert float(cell) == float(value), f"{name}.{key}: docs {cell}, yaml {value}"


@pytest.fixture(scope="module")
def tiny_run() -> sim.RunResult:
    return sim.run(["community.n=200", "days=40", "run.progress=off"])


@pytest.mark.parametrize("column", list(REPORTERS))
def test_metrics_column_documented(column: str) -> None:
    assert backticked(column), f"metrics column `{column}` is not in docs/model.md"


def documented_key(key: str) -> bool:
    """A summary key is named in the docs, or is a ``cost_<item>`` key documented as a pattern."""
    if backticked(key):
        return True
    return key.startswith("cost_") and backticked("cost_<item>")


def test_summary_keys_documented(tiny_run: sim.RunResult) -> None:
    missing = [k for k in tiny_run.summary if not documented_key(k)]
    assert not missing, f"summary keys missing from docs/model.md: {missing}"


def test_members_and_transition_columns_documented(tiny_run: sim.RunResult) -> None:
    columns = list(tiny_run.members.columns) + list(tiny_run.transitions.columns)
    assert {n for n in FIELDS if n not in INTERNAL} <= set(tiny_run.members.columns)
    missing = [c for c in columns if not backticked(c)]
    assert not missing, f"output columns missing from docs/model.md: {missing}"
