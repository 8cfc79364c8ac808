"""Messages that mislead, special files: every bad input named with its key, value and fix.

Issue 15's examples of each class (and more of the class): a command line Hydra's grammar
cannot read, ``days 30``, a path cut at a space, one playbook without brackets, a host that
does not resolve, range ends of the search tables, and a device or a pipe as an input file.
These tests call ``experiments.cli.main``; tests/integration/test_q_cli_messages.py runs the
examples as a user does, through ``python -m experiments.cli``.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import pytest

from experiments.cli import main
from experiments.commands.ui import check_port_free
from experiments.runs.compare_options import playbook_names
from sim.errors import ConfigError
from sim.io import check_input_file, read_limited, read_text
from sim.overrides import check_overrides, quote_non_ascii, range_ends
from sim.runner import check, compose


def error_of(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """The error ``commsim <args>`` prints; it must exit 2 without a traceback."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("commsim: error: ") and "Traceback" not in err
    assert "Lexer" not in err and "HYDRA_FULL_ERROR" not in err
    return err


def test_days_30_says_how_to_write_key_value(capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(["run", "days", "30"], capsys)
    assert "days='30'" in err and "days=30" in err and "days=''" not in err
    err = error_of(["run", "days", "=", "30"], capsys)
    assert "days=30" in err


def test_a_path_cut_at_a_space_says_how_to_quote(capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(["run", "community.path=/my", "data/x.txt"], capsys)
    assert "community.path='/my'" in err and "'community.path=/my data/x.txt'" in err


@pytest.mark.parametrize("mode", [[], ["-m"], ["--cfg", "job"]])
def test_an_unclosed_bracket_names_key_value_and_quoting(
    mode: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_of(["run", *mode, "days=[1"], capsys)
    assert "days='[1'" in err and "does not close" in err and "\"days='[1'\"" in err


def test_a_key_beyond_ascii_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(["run", "wéekly.n=3"], capsys)
    assert "wéekly.n='3'" in err and "is not a key" in err
    err = error_of(["run", "playbook=wéekly_qa"], capsys)
    assert "playbook='wéekly_qa'" in err and "no such playbook" in err


@pytest.mark.parametrize(
    ("arg", "value"),
    [
        ("community.path=~/q/edges.txt", "~/q/edges.txt"),
        ("title=a=b", "a=b"),
        ("note=#1 & co!", "#1 & co!"),
        ("name=O'Brien", "O'Brien"),
        ("x=[a,~b]", ["a", "~b"]),
    ],
)
def test_values_hydra_cannot_read_unquoted_are_quoted(arg: str, value: object) -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    quoted = quote_non_ascii([arg])
    check_overrides(quoted)
    assert OverridesParser.create().parse_overrides(quoted)[0].value() == value


def test_one_playbook_without_brackets_is_a_list_of_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert playbook_names("baseline") == ["baseline"]
    with pytest.raises(ConfigError, match=r"playbooks=\[baseline,points\]"):
        playbook_names([1])
    err = error_of(["compare", "playbooks=baseline,weekly_qa"], capsys)
    assert "playbooks='baseline,weekly_qa'" in err and "playbooks=[baseline,weekly_qa]" in err
    assert "'b'" not in err


def test_an_interpolation_naming_no_key_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    err = error_of(["run", "days=${nope}"], capsys)
    assert "days='${nope}'" in err and "cannot be resolved" in err


def test_a_host_that_does_not_resolve_is_named_not_the_port() -> None:
    with pytest.raises(ConfigError, match="cannot be resolved") as caught:
        check_port_free("no.such.host.invalid", 8765)
    assert caught.value.key == "host" and caught.value.value == "no.such.host.invalid"


@pytest.mark.parametrize(
    ("config", "arg", "path", "value"),
    [
        ("sensitivity", "uncertainty.parameters.acquisition.q.high=0.03", "uncertainty", 0.03),
        ("optimise", "search.space.strategies.seeding.k.high=50", "search", 50),
        (
            "calibrate",
            "calibration.blocks.growth.parameters.acquisition.p.low=0.001",
            "calibration",
            0.001,
        ),
    ],
)
def test_range_ends_are_set_from_the_command_line(
    config: str, arg: str, path: str, value: float
) -> None:
    (rewritten,) = range_ends([arg])
    assert rewritten.startswith(arg.split(".")[0] + ".") and "={" in rewritten
    cfg = compose([arg], config_name=config)
    table, _, rest = arg.partition("=")[0].partition(".")
    if table == "calibration":
        block = cfg.calibration.blocks.growth.parameters["acquisition.p"]
        assert block.low == value and block.high == 0.2 and block.log is True
    elif table == "search":
        assert cfg.search.space["strategies.seeding.k"].high == value
        assert cfg.search.space["strategies.seeding.k"].low == 0
    else:
        assert cfg.uncertainty.parameters["acquisition.q"].high == value
        assert cfg.uncertainty.parameters["acquisition.q"].low == 0.001
    assert len(range_ends([arg.replace("=", "=1,")])[0]) > 0  # a sweep is left to Hydra


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
@pytest.mark.parametrize(
    ("key", "command"),
    [("community.path", ["run", "community=file"]), ("data", ["history"]), ("data", ["calibrate"])],
)
def test_a_device_or_a_pipe_is_refused_before_reading(
    special: str, key: str, command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pipe" if special == "fifo" else Path(special)
    if special == "fifo":
        os.mkfifo(path)
    err = error_of([*command, f"{key}={path}"], capsys)
    assert f"{key}='{path}'" in err and "not a regular file" in err
    if key == "community.path":
        with pytest.raises(ConfigError, match="not a regular file"):
            check(compose(["community=file", f"community.path={path}"]))


def test_too_large_files_and_unpacked_bombs_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "edges.txt"
    big.write_text("1 2\n" * 100)
    with pytest.raises(ConfigError, match="MiB commsim reads") as caught:
        check_input_file("community.path", big, max_bytes=100)
    assert caught.value.key == "community.path"
    bomb = gzip.compress(b"0" * 10_000)
    with pytest.raises(ConfigError, match="unpacks to more than"):
        read_limited(gzip.GzipFile(fileobj=io.BytesIO(bomb)), "data", big, max_bytes=1000)
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(ConfigError, match="folder"):
        read_text(folder, "community.path")
    assert check_input_file("data", folder, folder=True) == folder


def test_a_group_given_a_number_or_a_missing_sweep_option_names_the_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = error_of(["run", "playbook=inf"], capsys)
    assert "playbook='inf'" in err and "weekly_qa" in err
    err = error_of(["run", "-m", "playbook=wéekly_qa,baseline", "days=1"], capsys)
    assert "playbook='wéekly_qa'" in err and "no such playbook" in err
