"""docs/model.md matches the code: parameters, personas, metrics, summary and members columns.

Every field of every parameter dataclass the config parses has a row in docs/model.md with
its default, unit, range, meaning and source; configs/behaviour/default.yaml agrees with the
dataclass defaults; and every output column and summary key is named in the docs.
"""

from __future__ import annotations

import dataclasses
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
from agents.acquisition import AcquisitionParams
from agents.segments import SegmentParams, SegmentsParams
from sim.config import SECTIONS
from sim.metrics import REPORTERS
from sim.population import FIELDS, INTERNAL

DOC = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
BEHAVIOUR_YAML = yaml.safe_load(
    (files("configs") / "behaviour" / "default.yaml").read_text(encoding="utf-8")
)
PERSONA_HEADER = "| persona parameter |"


def documented_sections() -> list[tuple[str, type]]:
    """(key prefix, dataclass) for every parameter dataclass the config parses."""
    sections: list[tuple[str, type]] = [("acquisition", AcquisitionParams)]
    sections += [(f"behaviour.{name}", cls) for name, cls in SECTIONS.items()]
    sections.append(("behaviour.segments.groups.<name>", SegmentParams))
    sections.append(("behaviour.segments", SegmentsParams))
    return sections


def param_fields(cls: type) -> list[dataclasses.Field]:
    """The fields declared with ``agents.params.param`` (``SegmentsParams.groups`` is not)."""
    return [f for f in dataclasses.fields(cls) if "unit" in f.metadata]


def doc_row(key: str) -> list[str]:
    """The cells of the parameter table row for ``key``."""
    for line in DOC.splitlines():
        if line.startswith(f"| `{key}` |"):
            return [c.strip() for c in line.strip().strip("|").split("|")]
    raise AssertionError(f"docs/model.md has no table row for `{key}`")


def fmt(value: object) -> str:
    """A default as the docs print it: Python ``str()``, but ``true``/``false`` and ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def fmt_range(f: dataclasses.Field) -> str:
    """The range a field's metadata declares, as the docs print it."""
    meta = f.metadata
    if meta.get("choices"):
        return ", ".join(meta["choices"])
    if isinstance(f.default, bool):
        return "true/false"
    low, high = meta.get("low"), meta.get("high")
    if low is not None and high is not None:
        return f"[{low:g}, {high:g}]"
    if low is not None:
        return f">= {low:g}"
    if high is not None:
        return f"<= {high:g}"
    return "any"


def backticked(name: str) -> bool:
    return f"`{name}`" in DOC


@pytest.mark.parametrize(
    ("prefix", "cls"), documented_sections(), ids=[p for p, _ in documented_sections()]
)
def test_every_parameter_documented_with_default_unit_and_source(prefix: str, cls: type) -> None:
    for f in param_fields(cls):
        key = f"{prefix}.{f.name}"
        meta = f.metadata
        _, default, unit, rng, meaning, source = doc_row(key)
        assert default == fmt(f.default), f"{key}: docs say default {default}, code {f.default!r}"
        assert unit == meta["unit"], f"{key}: docs say unit {unit}, code {meta['unit']}"
        assert rng.startswith(fmt_range(f)), f"{key}: docs say range {rng}, code {fmt_range(f)}"
        assert meta["doc"] in meaning, f"{key}: meaning {meaning!r} lacks {meta['doc']!r}"
        assert source, f"{key}: no source"
        assert meta["source"] in source, f"{key}: source {source!r} lacks {meta['source']!r}"


def test_every_parsed_section_is_covered() -> None:
    prefixes = {p for p, _ in documented_sections()}
    assert {
        "acquisition",
        "behaviour.visits",
        "behaviour.commitment",
        "behaviour.churn",
        "behaviour.content",
        "behaviour.money",
    } <= prefixes
    # the segments container is parsed on its own: only `assign` is a plain parameter
    assert "behaviour.segments" not in {f"behaviour.{k}" for k in SECTIONS}
    assert [f.name for f in param_fields(SegmentsParams)] == ["assign"]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_default_yaml_equals_dataclass_defaults(section: str) -> None:
    values = BEHAVIOUR_YAML.get(section) or {}
    defaults = SECTIONS[section]()
    fields = {f.name for f in dataclasses.fields(SECTIONS[section])}
    for key, value in values.items():
        assert key in fields, f"default.yaml: behaviour.{section}.{key} is not a parameter"
        want = getattr(defaults, key)
        assert value == want and type(value) is type(want), (
            f"default.yaml: behaviour.{section}.{key} = {value!r}, code default {want!r}"
        )


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
    segments = BEHAVIOUR_YAML["segments"]
    groups: dict[str, dict[str, Any]] = segments["groups"]
    assert segments["assign"] in param_fields(SegmentsParams)[0].metadata["choices"]
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
