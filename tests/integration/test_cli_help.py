"""``commsim <command> --help`` works for every command: it describes the command (and,
for a command Hydra runs, every key of its config) and exits 0 without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import cli


@pytest.mark.parametrize("name", list(cli.COMMANDS))
def test_every_command_has_help(
    name: str, capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"commsim {name}: ``commsim {name}")
    if cli.COMMANDS[name].hydra:
        assert "seed" in out and "days" in out  # Hydra's help: the config's keys
    assert list(tmp_path.iterdir()) == []  # nothing run, nothing written


def test_validate_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(option in out for option in ("n=N", "seeds=", "alpha="))
