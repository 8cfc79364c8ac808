"""docs/strategies.md: a section per strategy with every lever, and a line per playbook."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from experiments.commands.playbooks import playbooks
from tests.contract.test_strategy_contract import CLASSES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "strategies.md").read_text()


def test_every_strategy_has_a_section_with_its_levers() -> None:
    for cls in CLASSES:
        assert f"`strategies.{cls.kind}`" in DOC, cls.__name__
        for f in dataclasses.fields(cls.Levers):
            assert f"`strategies.{cls.kind}.{f.name}`" in DOC, f"{cls.kind}.{f.name}"


def test_every_playbook_has_a_line() -> None:
    for name in playbooks():
        assert f"| `{name}` |" in DOC, name
