"""docs/model.md matches the code: every mechanism parameter is documented with its default."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sim.config import BehaviourParams, SimConfig  # noqa: F401  (documents the structure)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text()


def documented_sections() -> list[tuple[str, type]]:
    from agents.acquisition import AcquisitionParams

    sections: list[tuple[str, type]] = [("acquisition", AcquisitionParams)]
    for f in dataclasses.fields(BehaviourParams):
        if dataclasses.is_dataclass(f.default_factory) if f.default_factory else False:
            sections.append((f"behaviour.{f.name}", f.default_factory))
    return sections


def doc_row(key: str) -> str:
    for line in DOC.splitlines():
        if line.startswith(f"| `{key}` |"):
            return line
    raise AssertionError(f"docs/model.md has no table row for `{key}`")


def fmt(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@pytest.mark.parametrize(("prefix", "cls"), documented_sections())
def test_every_parameter_documented_with_default_unit_and_source(prefix: str, cls: type) -> None:
    for f in dataclasses.fields(cls):
        row = doc_row(f"{prefix}.{f.name}")
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == fmt(f.default), f"{prefix}.{f.name}: doc says {cells[1]}"
        assert cells[2] == f.metadata["unit"], f"{prefix}.{f.name}: unit {cells[2]}"
        assert cells[5], f"{prefix}.{f.name}: no source"


def test_behaviour_sections_are_found() -> None:
    names = [p for p, _ in documented_sections()]
    assert {"behaviour.visits", "behaviour.commitment", "behaviour.churn"} <= set(names)
