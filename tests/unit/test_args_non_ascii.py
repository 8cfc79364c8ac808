"""Values beyond ASCII on the command line: quoted for Hydra, read back as typed.

Hydra 1.3 refuses ``playbook=直播沙龙`` unquoted; ``quote_non_ascii`` quotes the elements
beyond ASCII, and Hydra's own override parser gives back the original text.
"""

from __future__ import annotations

from typing import Any

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import QuotedString
from hydra.errors import OverrideParseException

from experiments.cli import COMMANDS, dispatch, main
from sim.overrides import quote, quote_non_ascii, unquote


def parsed(arg: str) -> Any:
    """The value Hydra reads from one override (a list for a sweep)."""
    override = OverridesParser.create().parse_overrides([arg])[0]
    if override.is_sweep_override():
        return [v.text if isinstance(v, QuotedString) else v for v in override.sweep_iterator()]
    return override.value()


@pytest.mark.parametrize(
    ("arg", "value"),
    [
        ("currency=¥", "¥"),
        ("playbook=直播沙龙", "直播沙龙"),
        ("playbooks=[baseline,直播沙龙]", ["baseline", "直播沙龙"]),
        ("scenarios=[危机,base]", ["危机", "base"]),
        ("title=社群 运营", "社群 运营"),
        ("labels={a:直播,b:[1,周末]}", {"a": "直播", "b": [1, "周末"]}),
        ('+report.title=Ünïcode\'s "best"', 'Ünïcode\'s "best"'),
        ("path=C:\\数据\\", "C:\\数据\\"),
        ("names=[[a,直播],[b]]", [["a", "直播"], ["b"]]),
        ("playbooks=[ baseline , 直播 ]", ["baseline", "直播"]),
    ],
)
def test_quoted_arguments_parse_back_to_the_text(arg: str, value: Any) -> None:
    with pytest.raises(OverrideParseException):
        parsed(arg)
    (quoted,) = quote_non_ascii([arg])
    assert parsed(quoted) == value
    assert quote_non_ascii([quoted]) == [quoted], "quoting twice changed the argument"


def test_only_the_elements_beyond_ascii_are_quoted() -> None:
    assert quote_non_ascii(["playbooks=[baseline,直播沙龙]"]) == ["playbooks=[baseline,'直播沙龙']"]
    assert quote_non_ascii(["playbook=直播,baseline"]) == ["playbook='直播',baseline"]
    assert parsed("playbook='直播',baseline") == ["直播", "baseline"]
    assert quote_non_ascii(["seed=choice(1,直播)"]) == ["seed=choice(1,'直播')"]
    assert quote_non_ascii(["x=range(start=1,stop=直)"]) == ["x=range(start=1,stop='直')"]


def test_ascii_flags_and_quoted_values_are_left_alone() -> None:
    args = [
        "days=5",
        "playbooks=[baseline,weekly_qa]",
        "-m",
        "--cfg",
        "job",
        "seed='range(3)'",
        "title='社群 运营'",
        'title="直播"',
        "playbooks=[baseline,'直播']",
        "hydra.run.dir=outputs/x",
        "直播",
    ]
    assert quote_non_ascii(args) == args


@pytest.mark.parametrize("text", ["直播", "a'b", 'a"b', "a'\"b", "C:\\x\\", "a\\'b", ""])
def test_unquote_reverses_quote(text: str) -> None:
    assert unquote(quote(text)) == text
    assert parsed(f"k={quote(text)}") == text
    assert unquote(text) == text or text[:1] in "'\""


def test_only_hydra_commands_get_quoted_arguments(monkeypatch: pytest.MonkeyPatch) -> None:
    """ui, history, collect... read ``key=value`` themselves: they get the text as typed."""
    seen: dict[str, list[str]] = {}

    def main(self: Any) -> Any:
        return lambda args: seen.setdefault(self.module, args) and 0

    for name, command in COMMANDS.items():
        monkeypatch.setattr(type(command), "main", main)
        assert dispatch(name, ["playbook=直播沙龙"]) == 0
        expected = "playbook='直播沙龙'" if command.hydra else "playbook=直播沙龙"
        assert seen[command.module] == [expected], name


def test_run_with_an_unknown_playbook_beyond_ascii_names_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``commsim run playbook=直播沙龙`` is commsim's error on the playbook, not a lexer error."""
    assert main(["run", "playbook=直播沙龙", "days=5"]) == 2
    error = capsys.readouterr().err
    assert "playbook='直播沙龙' is not valid" in error
    assert "no such playbook" in error and "Could not find" not in error
    assert "Lexer" not in error
