"""docs/strategies.md: a line per playbook (the lever tables are generated: test_docs.py)."""

from __future__ import annotations

from pathlib import Path

from experiments.commands.playbooks import playbooks
from strategies.catalogue import strategy_classes

DOC = (Path(__file__).resolve().parents[2] / "docs" / "strategies.md").read_text()


def test_every_strategy_has_a_section_and_a_generated_table() -> None:
    for cls in strategy_classes():
        kind = cls.kind  # type: ignore[attr-defined]
        assert f"`strategies.{kind}`" in DOC, cls.__name__
        assert f"<!-- generated: strategies.{kind} (make docs) -->" in DOC, cls.__name__


def test_every_playbook_has_a_line() -> None:
    for name in playbooks():
        assert f"| `{name}` |" in DOC, name
