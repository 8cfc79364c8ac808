"""``commsim <command> --help`` works on every command: its description, exit code 0.

The commands Hydra runs share one path (``experiments.runs.hydra_app``, then Hydra's own
help, about 1.5 s each): ``compare`` stands for them (``run`` is in test_cli.py)."""

from __future__ import annotations

import pytest

from experiments.cli import COMMANDS, main


@pytest.mark.parametrize("name", [n for n, c in COMMANDS.items() if not c.hydra] + ["compare"])
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith(f"commsim {name}: ") and "Traceback" not in err


def test_validate_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    out = capsys.readouterr().out
    assert all(option in out for option in ("n=N", "seeds=", "alpha="))
