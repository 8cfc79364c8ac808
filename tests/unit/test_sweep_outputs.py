"""A sweep's collected tables, plot formats, ``commsim validate``'s options and tests, and the
project folder given as Hydra's search path (docs/experiments.md)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest

from experiments.analysis import plot_settings
from experiments.analysis.plots import plt, save_figure
from experiments.commands import validate
from experiments.commands.collect import collect
from experiments.runs.hydra_app import config_dir_option
from experiments.runs.jobs import plain_key
from sim.config import plot_options
from sim.errors import ConfigError


def job_folder(root: Path, name: str, q: float, num: int | None = None) -> None:
    """A finished job of ``commsim run -m`` as Hydra and commsim write it (no simulation)."""
    job = root / name
    (job / ".hydra").mkdir(parents=True)
    (job / ".hydra" / "overrides.yaml").write_text(f"- acquisition.q={q}\n", encoding="utf-8")
    if num is not None:
        (job / ".hydra" / "hydra.yaml").write_text(f"hydra:\n  job:\n    num: {num}\n")
    (job / "summary.json").write_text(json.dumps({"members_final": q * 1000}), encoding="utf-8")
    pd.DataFrame({"day": [0, 1], "members": [0.0, q]}).to_parquet(job / "metrics.parquet")


def test_collect_numbers_jobs_as_whole_numbers_in_order(tmp_path: Path) -> None:
    for i in range(12):
        job_folder(tmp_path, str(i), 0.01 * (i + 1))
    job_folder(tmp_path, "named", 0.5, num=12)  # hydra.sweep.subdir not a number
    runs, summary = collect(tmp_path)
    assert summary["job"].dtype == np.int64 and list(summary["job"]) == list(range(13))
    assert list(summary["acquisition.q"])[:3] == [0.01, 0.02, 0.03]
    assert list(runs["job"]) == [j for j in range(13) for _ in (0, 1)]
    assert pd.read_parquet(tmp_path / "runs.parquet")["job"].dtype == np.int64
    written = pd.read_csv(tmp_path / "summary.csv", encoding="utf-8-sig")
    assert list(written["job"]) == list(range(13))


def test_plot_format_and_dpi_are_checked() -> None:
    assert plot_options({}) == (("png",), 200)
    assert plot_options({"plot_format": ["SVG", "pdf"], "plot_dpi": 300}) == (("svg", "pdf"), 300)
    for cfg, key in (
        ({"plot_format": "gif"}, "plot_format"),
        ({"plot_format": []}, "plot_format"),
        ({"plot_format": ["png", "png"]}, "plot_format"),
        ({"plot_dpi": 10}, "plot_dpi"),
        ({"plot_dpi": 150.5}, "plot_dpi"),
    ):
        with pytest.raises(ConfigError) as err:
            plot_options(cfg)
        assert err.value.key == key and err.value.fix


def test_plot_options_do_not_change_a_runs_key() -> None:
    plain = {"seed": 1, "days": 5, "run": {"progress": "off"}}
    assert plain_key({**plain, "plot_format": ["pdf"], "plot_dpi": 300}) == plain_key(plain)


def _figure() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    return fig


def test_save_figure_writes_every_chosen_format(tmp_path: Path) -> None:
    with plot_settings.use({"plot_format": ["svg", "pdf"], "plot_dpi": 100}):
        shown = save_figure(_figure(), tmp_path / "a.png")
        save_figure(_figure(), tmp_path / "b.png")
    assert shown == tmp_path / "a.svg" and (tmp_path / "a.pdf").read_bytes()[:4] == b"%PDF"
    assert not (tmp_path / "a.png").exists()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()
    with plot_settings.use({"plot_format": "pdf"}):  # a web page needs a PNG or an SVG
        assert save_figure(_figure(), tmp_path / "c.png", embed=True) == tmp_path / "c.png"
        assert save_figure(_figure(), tmp_path / "d.png") == tmp_path / "d.pdf"
    assert (tmp_path / "c.pdf").exists() and not (tmp_path / "d.png").exists()
    assert plot_settings.current() == (("png",), 200)  # back to the default after the block


def test_validate_options_parse_and_refuse_with_the_fix() -> None:
    names, settings = validate.parse_args(["kempe", "n=2000", "seeds=5", "alpha=0.05"])
    assert names == ["kempe"] and settings.n == 2000 and settings.alpha == 0.05
    assert settings.reps(8) == (0, 1, 2, 3, 4) and settings.size(1000) == 2000
    assert validate.parse_args(["seeds=[3,7]"])[1].reps(8) == (3, 7)
    assert validate.parse_args(["alpha=1e-3"])[1].alpha == 0.001
    assert validate.parse_args([])[0] == list(validate.CHECKS)
    for arg, key in (
        ("n=5", "n"),
        ("n=abc", "n"),
        ("seeds=1", "seeds"),
        ("seeds=[1,1]", "seeds"),
        ("seeds=[-1,2]", "seeds"),
        ("alpha=0", "alpha"),
        ("alpha=0.9", "alpha"),
        ("size=3", "size"),
        ("nosuchcheck", "validate"),
    ):
        with pytest.raises(ConfigError) as err:
            validate.parse_args([arg])
        assert err.value.key == key and err.value.fix


def test_bass_chain_is_exact_and_tends_to_the_recursion() -> None:
    p, q = 0.1, 0.5
    # two people: day 1, each joins with chance p; day 2 by hand from the three states
    first = validate.bass_chain(2, p, q, 2)
    assert first[1] == pytest.approx(p)
    expected_share = (
        (2 * p * (1 - p)) * (1 + (p + q)) / 2  # one member after day 1
        + p * p  # both
        + (1 - p) ** 2 * (2 * p) / 2  # none
    )
    assert first[2] == pytest.approx(expected_share)
    big = validate.bass_chain(5000, 0.01, 0.3, 40)
    limit = validate.bass_recursion(0.01, 0.3, 40)
    assert np.all(big <= limit + 1e-9) and np.max(limit - big) < 10 / 5000


def test_the_tests_of_validate() -> None:
    same = np.full(4, 0.5)
    assert validate.one_sample(same, 0.5)[1] == 1.0 and validate.one_sample(same, 0.4)[1] == 0.0
    assert validate.greater(same + 0.1, same)[1] == 0.0 and validate.greater(same, same)[1] == 1.0
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 0.1, 8), rng.normal(0.0, 0.1, 8)
    assert validate.greater(a, b)[1] < 1e-6 < 0.99 < validate.greater(b, a)[1]
    assert validate.one_sample(a, 1.0)[1] > 0.01 > validate.one_sample(a, 0.5)[1]


def test_hydra_searchpath_is_the_project_folder(tmp_path: Path) -> None:
    (tmp_path / "playbook").mkdir()
    folder, rest = config_dir_option([f"hydra.searchpath=[file://{tmp_path}]", "days=3"])
    assert folder == tmp_path.resolve() and rest == ["days=3"]
    for args in (
        ["hydra.searchpath=[pkg://elsewhere]"],
        [f"hydra.searchpath=[file://{tmp_path},file://{tmp_path}]"],
        [f"--config-dir={tmp_path}", f"hydra.searchpath=[file://{tmp_path}]"],
    ):
        with pytest.raises(ConfigError) as err:
            config_dir_option(args)
        assert err.value.key == "hydra.searchpath" and "--config-dir=DIR" in err.value.fix
