"""The posterior sample of an ABC calibration: summaries, weighted draws, ``posterior=on``,
and the ``calibration.method`` / ``calibration.abc`` settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.from_folder import draw_overrides, expand_from
from experiments.calibration.posterior import (
    FILE,
    draw,
    effective_size,
    posterior_frame,
    read_posterior,
    summarise,
    weighted_quantile,
    write_posterior,
)
from experiments.calibration.settings import Abc, parse_abc, parse_settings
from experiments.calibration.simulate import with_values
from experiments.commands.compare import check_options, make_jobs
from sim.errors import ConfigError
from sim.runner import compose
from sim.start import StartState
from tests.unit.test_log_options import calibration_folder


def sample(n: int = 400, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = [
        {"acquisition.p": float(p), "community.n": int(c)}
        for p, c in zip(rng.uniform(0, 1, n), rng.integers(50, 60, n), strict=True)
    ]
    return posterior_frame(values, rng.uniform(0.5, 1.5, n), rng.uniform(0, 1, n))


def test_weights_are_normalised_and_int_columns_stay_whole() -> None:
    frame = sample()
    assert frame["weight"].sum() == pytest.approx(1.0)
    assert frame["community.n"].dtype.kind == "i"
    with pytest.raises(ValueError):
        posterior_frame([], [], [])
    with pytest.raises(ValueError):
        posterior_frame([{"a": 1}], [0.0], [0.0])


def test_weighted_quantiles_follow_the_weights() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    assert weighted_quantile(x, np.ones(4), 0.5) == pytest.approx(1.5)
    assert weighted_quantile(x, np.array([0.0, 0.0, 0.0, 1.0]), 0.5) == 3.0
    heavy_low = weighted_quantile(x, np.array([10.0, 1.0, 1.0, 1.0]), 0.5)
    assert heavy_low < 0.5


def test_summary_of_a_uniform_sample() -> None:
    summary = summarise(sample(4000))["acquisition.p"]
    assert summary["q05"] == pytest.approx(0.05, abs=0.02)
    assert summary["median"] == pytest.approx(0.5, abs=0.03)
    assert summary["q95"] == pytest.approx(0.95, abs=0.02)
    assert summary["q05"] < summary["median"] < summary["q95"]
    assert set(summarise(sample())) == {"acquisition.p", "community.n"}
    assert 0 < effective_size(sample()) <= 400


def test_a_draw_is_reproducible_by_seed_and_follows_the_weights() -> None:
    frame = sample()
    assert draw(frame, 7) == draw(frame, 7)
    assert len({draw(frame, s)["acquisition.p"] for s in range(20)}) > 10
    one = frame.assign(weight=np.where(np.arange(len(frame)) == 3, 1.0, 0.0))
    assert draw(one, 11) == {
        "acquisition.p": frame["acquisition.p"][3],
        "community.n": int(frame["community.n"][3]),
    }
    assert isinstance(draw(frame, 0)["community.n"], int)


def test_posterior_file_round_trip_and_errors(tmp_path: Path) -> None:
    frame = sample(20)
    path = write_posterior(tmp_path, frame)
    assert path.name == FILE
    pd.testing.assert_frame_equal(read_posterior(path), frame)
    with pytest.raises(ConfigError, match="calibration.method=abc") as info:
        read_posterior(tmp_path / "none.parquet")
    assert info.value.key == "posterior"
    frame.drop(columns="weight").to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ConfigError, match="not a posterior sample"):
        read_posterior(tmp_path / "bad.parquet")


def abc_folder(tmp_path: Path, people: int = 10) -> Path:
    folder = calibration_folder(tmp_path, people=people)
    write_posterior(folder, sample(50))
    return folder


def test_posterior_on_names_the_sample_and_drops_the_drawn_keys(tmp_path: Path) -> None:
    folder = abc_folder(tmp_path)
    args = expand_from([f"from={folder}", "posterior=on", "days=30"])
    assert f"posterior='{(folder / FILE).resolve()}'" in args
    assert not any(a.startswith(("community.n=", "acquisition.p=")) for a in args)
    assert "behaviour.visits.slope=0.5" in args
    off = expand_from([f"from={folder}", "posterior=off"])
    assert "posterior=off" in off and "community.n=50" in off


def test_posterior_on_without_a_sample_or_without_from_exits_2(tmp_path: Path) -> None:
    folder = calibration_folder(tmp_path)
    with pytest.raises(ConfigError, match="no posterior sample") as info:
        expand_from([f"from={folder}", "posterior=on"])
    assert info.value.key == "posterior"
    cfg = compose(["posterior=on"], config_name="compare")
    with pytest.raises(ConfigError, match="from=DIR"):
        check_options(cfg)
    with pytest.raises(ConfigError, match="on .*or off"):
        check_options(compose(["posterior=maybe"], config_name="compare"))
    assert check_options(compose([], config_name="compare"))["posterior"] is None


def test_each_replication_draws_once_for_every_playbook(tmp_path: Path) -> None:
    folder = abc_folder(tmp_path)
    args = expand_from([f"from={folder}", "posterior=on", "acquisition.p=0.3"])
    options = check_options(compose([*args, "reps=4", "seed=5"], config_name="compare"))
    jobs = make_jobs(options, args)
    by_rep: dict[int, set] = {}
    for job in jobs:
        drawn = tuple(o for o in job.overrides if o.startswith("community.n="))
        assert len(drawn) == 1  # drawn once; the user's acquisition.p wins over the draw
        assert [o for o in job.overrides if o.startswith("acquisition.p=")] == ["acquisition.p=0.3"]
        by_rep.setdefault(dict(job.labels)["rep"], set()).add(drawn)
    assert all(len(d) == 1 for d in by_rep.values())  # the same draw in every playbook
    assert make_jobs(options, args) == jobs  # the same seeds, the same draws
    expected = draw_overrides(folder / FILE, 5 + 2, ["acquisition.p"])
    assert [o for o in jobs[2].overrides if o.startswith("community.n=")] == expected


def test_a_drawn_community_holds_the_start_state(tmp_path: Path) -> None:
    folder = abc_folder(tmp_path, people=58)
    drawn = [int(draw_overrides(folder / FILE, s, [])[-1].split("=")[1]) for s in range(30)]
    assert min(drawn) >= 59
    zeros = np.zeros(3)
    StartState(zeros, zeros, zeros > 0, zeros, zeros, zeros, zeros).write(folder / "start.parquet")
    assert min(int(draw_overrides(folder / FILE, s, [])[-1].split("=")[1]) for s in range(30)) < 59


def test_method_and_abc_settings_are_checked() -> None:
    cfg = compose(["data=x"], config_name="calibrate")
    assert parse_settings(cfg).method == "nelder-mead"
    abc = parse_settings(compose(["data=x", "calibration.method=abc"], config_name="calibrate"))
    assert abc.method == "abc" and abc.abc.population >= 4
    assert parse_abc(None) == Abc()
    assert parse_abc({"population": 8, "alpha": 0.3}) == Abc(population=8, alpha=0.3)
    bad = [
        (["calibration.method=mcmc"], "calibration.method"),
        (["calibration.abc.population=2"], "calibration.abc.population"),
        (["calibration.abc.alpha=1.5"], "calibration.abc.alpha"),
        (["+calibration.abc.steps=3"], "calibration.abc.steps"),
    ]
    for overrides, key in bad:
        with pytest.raises(ConfigError) as info:
            parse_settings(compose(["data=x", *overrides], config_name="calibrate"))
        assert info.value.key == key


def test_with_values_copies_and_sets_dotted_keys() -> None:
    plain = {"a": {"b": 1, "c": [1, 2]}, "d": None}
    out = with_values(plain, {"a.b": np.float64(2.5), "d.e": 3, "f.g.h": "x"})
    assert out == {"a": {"b": 2.5, "c": [1, 2]}, "d": {"e": 3}, "f": {"g": {"h": "x"}}}
    assert type(out["a"]["b"]) is float
    out["a"]["c"].append(3)
    assert plain == {"a": {"b": 1, "c": [1, 2]}, "d": None}


def test_report_gets_intervals_and_the_sample_is_written(tmp_path: Path) -> None:
    from experiments.calibration.abc import Posterior
    from experiments.calibration.posterior import add_posterior, format_posterior

    frame = sample(30)
    report: dict = {"parameters": {"acquisition.p": {"value": 0.5}, "community.n": {}}}
    add_posterior(report, tmp_path, Posterior(frame, [None, 3.0, 1.5], 90, 3))
    assert report["method"] == "abc"
    assert report["posterior"]["final_epsilon"] == 1.5
    assert report["posterior"]["particles"] == 30
    p = report["parameters"]["acquisition.p"]
    assert p["value"] == 0.5 and p["q05"] <= p["median"] <= p["q95"]
    pd.testing.assert_frame_equal(read_posterior(tmp_path / FILE), frame)
    assert "acquisition.p" in format_posterior(report)
    none: dict = {"parameters": {}}
    add_posterior(none, tmp_path / "nm", None)
    assert none["method"] == "nelder-mead" and none["posterior"] is None
    assert not (tmp_path / "nm" / FILE).exists()
