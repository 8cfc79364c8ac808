"""A comparison's folder records its provenance, and a rerun redoes the runs that a
(faked) older model version made (their reuse with ``run.reuse_other_versions=on``:
tests/unit/test_provenance.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments import cli
from experiments.runs import provenance
from experiments.runs.checksums import _record_digest
from sim.version import MODEL_VERSION

COMPARE = [
    "compare",
    "playbooks=[baseline,weekly_qa]",
    "reps=2",
    "+experiment=smoke",
    "days=20",
    "executor=serial",
    "check_assumptions=off",
]


def _versions(out: Path) -> list[object]:
    return [
        json.loads(p.read_text(encoding="utf-8")).get("model_version")
        for p in sorted((out / "runs").glob("*.json"))
    ]


def _fake_older(out: Path) -> None:
    """Every stored run as an older commsim (model version one lower) sealed it."""
    for path in (out / "runs").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        del record["checksum"]
        record["model_version"] = MODEL_VERSION - 1
        record["checksum"] = _record_digest(record)
        path.write_text(json.dumps(record), encoding="utf-8")


@pytest.mark.slow  # two small comparisons (4 runs, report and workbook each): about 10 s
def test_runs_of_an_older_model_version_are_redone(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "cmp"
    line = [*COMPARE, f"hydra.run.dir={out}"]
    try:
        assert cli.main(line) == 0
        made = json.loads((out / "provenance.json").read_text(encoding="utf-8"))
        assert made["command"] == ["commsim", *line]
        assert made["config"]["reps"] == 2 and made["config"]["days"] == 20
        assert made["model_version"] == MODEL_VERSION
        assert "<h2>Provenance</h2>" in (out / "report.html").read_text(encoding="utf-8")
        assert _versions(out) == [MODEL_VERSION] * 4
        capsys.readouterr()

        _fake_older(out)
        assert cli.main(line) == 0
        io = capsys.readouterr()
        assert "redoing 4 stored runs made by another model version" in io.err
        assert "already done" not in io.out
        assert _versions(out) == [MODEL_VERSION] * 4
    finally:
        provenance.set_reuse_other_versions("off")
