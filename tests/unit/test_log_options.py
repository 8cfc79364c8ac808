"""One way to read a log: ``commsim history`` and ``commsim calibrate`` take the same options.

Also ``from=DIR`` (experiments.calibration.from_folder): a calibration folder's baseline
and state become overrides, the user's winning.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser

from experiments.calibration.from_folder import expand_from
from experiments.calibration.logs.options import LogOptions, hydra_arguments, log_options
from experiments.calibration.settings import parse_as_of, parse_settings
from experiments.commands import history
from sim.errors import ConfigError
from sim.runner import compose
from sim.start import StartState

READING = ["data.actor=member_id", "data.time=3", "data.timezone=Europe/Paris", "format=csv"]


def test_history_and_calibrate_read_the_same_options() -> None:
    expected = LogOptions("log.csv", "csv", "member_id", "3", None, "Europe/Paris", None)
    options, out = history.parse_args(["data=log.csv", *READING, "out=somewhere"])
    assert options == expected and out == "somewhere"
    cfg = compose(hydra_arguments(["data=log.csv", *READING]), config_name="calibrate")
    assert parse_settings(cfg).log == expected


def test_data_as_a_plain_path_or_a_section() -> None:
    assert log_options("x.csv") == LogOptions("x.csv")
    assert log_options({"path": "x.json", "dayfirst": "false"}).dayfirst is False
    assert log_options({"path": "x.txt", "dayfirst": True}).dayfirst is True
    assert log_options(None).path is None


@pytest.mark.parametrize(
    ("data", "fmt", "key"),
    [
        ({"path": "x", "actr": "a"}, None, "data.actr"),
        ({"path": "x"}, "xml", "format"),
        ({"path": "x", "dayfirst": "maybe"}, None, "data.dayfirst"),
        ({"path": "x", "actor": True}, None, "data.actor"),
        ({"path": "x", "timezone": ""}, None, "data.timezone"),
        (["x"], None, "data"),
    ],
)
def test_bad_options_name_their_key(data: object, fmt: str | None, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        log_options(data, fmt)
    assert info.value.key == key


def test_history_refuses_unknown_keys_and_needs_a_log() -> None:
    with pytest.raises(ConfigError, match="data.actor"):
        history.parse_args(["data=x", "data.actr=a"])
    with pytest.raises(ConfigError) as info:
        history.parse_args(["format=csv"])
    assert info.value.key == "data"


@pytest.mark.parametrize(
    "path", ["WhatsApp Chat.txt", "Café/Collège.csv", "a,b.csv", "it's=here.csv", "日本.csv"]
)
def test_any_path_reaches_hydra_as_it_is(path: str) -> None:
    (arg,) = hydra_arguments([f"data={path}"])
    override = OverridesParser.create().parse_override(arg)
    assert override.key_or_group == "data.path" and override.value() == path


def test_quoted_paths_and_sweeps_are_left_alone() -> None:
    assert hydra_arguments(["data='x y.csv'"]) == ["data.path='x y.csv'"]
    assert hydra_arguments(["-m", "data=a.csv,b.csv"]) == ["-m", "data.path=a.csv,b.csv"]
    with pytest.raises(ConfigError, match="data.actor"):
        hydra_arguments(["data=x", "data.user=a"])


def test_as_of_is_an_iso_date() -> None:
    assert str(parse_as_of("2004-07-01")) == "2004-07-01" and parse_as_of(None) is None
    for bad in ("2004-02-30", "yesterday", 20040701):
        with pytest.raises(ConfigError, match="as_of"):
            parse_as_of(bad)


BASELINE = """community=holme_kim
community.n=50
community.m=4
days=193
initial_members=2
acquisition.p=0.01
behaviour.visits.slope=0.5
"""


def calibration_folder(tmp_path: Path, people: int = 10, start: bool = True) -> Path:
    folder = tmp_path / "my calibration"
    folder.mkdir()
    (folder / "calibrated.args").write_text(BASELINE)
    if start:
        zeros = np.zeros(people)
        StartState(zeros, zeros, zeros > 0, zeros, zeros, zeros, zeros).write(
            folder / "start.parquet"
        )
    return folder


def test_from_folder_is_the_baseline_the_state_then_the_user(tmp_path: Path) -> None:
    folder = calibration_folder(tmp_path)
    args = expand_from([f"from={folder}", "days=30", "acquisition.p=0.2", "seed=3"])
    start = f"start.path='{(folder / 'start.parquet').resolve()}'"
    assert args == [
        "community=holme_kim",
        "community.n=50",
        "community.m=4",
        "behaviour.visits.slope=0.5",
        start,
        "days=30",
        "acquisition.p=0.2",
        "seed=3",
    ]
    assert expand_from(["days=3"]) == ["days=3"]  # no from=: nothing changes
    regrouped = expand_from([f"from={folder}", "community=ba", "community.n=80"])
    assert not any(a.startswith("community.m") for a in regrouped)


def test_from_folder_errors_name_the_key_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such folder"):
        expand_from([f"from={tmp_path / 'nope'}"])
    old = calibration_folder(tmp_path, start=False)
    with pytest.raises(ConfigError, match="no start.parquet.*as_of=DATE") as info:
        expand_from([f"from={old}"])
    assert info.value.key == "from"


def test_the_community_must_hold_the_state(tmp_path: Path) -> None:
    folder = calibration_folder(tmp_path, people=51)
    with pytest.raises(ConfigError, match="holds 51 people.*community.n=102") as info:
        expand_from([f"from={folder}"])  # the baseline's community.n=50
    assert info.value.key == "community.n"
    assert "community.n=51" in expand_from([f"from={folder}", "community.n=51"])  # all joined


def test_calibrate_reads_a_log_with_its_options(tmp_path: Path) -> None:
    from experiments.commands.calibrate import prepare

    log = tmp_path / "export.csv"
    rows = [f"m{i % 7},2024-03-{1 + i % 20:02d} 10:00,x" for i in range(60)]
    log.write_text("member_id,posted_on,channel\n" + "\n".join(rows) + "\n")
    args = [f"data={log}", "data.actor=member_id", "data.time=posted_on", "as_of=2024-03-15"]
    problem, read = prepare(compose(hydra_arguments(args), config_name="calibrate"))
    assert read.n_users == 7 and read.n_days == 20 and problem.settings.log.actor == "member_id"
    late = compose(hydra_arguments([*args[:3], "as_of=2024-03-21"]), config_name="calibrate")
    with pytest.raises(ConfigError, match="2024-03-01 to 2024-03-20") as info:
        prepare(late)
    assert info.value.key == "as_of"
