"""A search file of one's own, in a project folder named by Hydra's search path
(``hydra.searchpath=[file://DIR]``, the same as ``--config-dir=DIR``: docs/experiments.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.commands import optimise

SEARCH = """\
name: my_ads
kpi: members_final
budget: null
n_trials: 2
reps: 1
seed: 0
storage: null
base: [days=5, community.n=100, +strategies.reach._target_=strategies.reach.OutsideReach]
space:
  strategies.reach.ad_spend_per_day: {type: float, low: 0.0, high: 100.0}
"""


def test_optimise_with_a_search_file_of_ones_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine" / "search").mkdir(parents=True)
    (tmp_path / "mine" / "search" / "my_ads.yaml").write_text(SEARCH, encoding="utf-8")
    out = tmp_path / "out"
    args = ["search=my_ads", "executor=serial", f"hydra.run.dir={out}"]
    assert optimise.main([f"hydra.searchpath=[file://{tmp_path / 'mine'}]", *args]) == 0
    assert "strategies.reach.ad_spend_per_day" in (out / "best.yaml").read_text()
    capsys.readouterr()
    assert optimise.main(args) == 2  # without the folder: not found, named with the fix
    assert "search='my_ads' is not valid: no such search" in capsys.readouterr().err
