"""Values beyond ASCII on the command line, unquoted: ``playbook=直播沙龙``, ``currency=¥``.

Hydra 1.3's override grammar reads an unquoted value of ASCII letters only and refuses
``playbook=直播沙龙`` (``LexerNoViableAltException``). :func:`quote_non_ascii` quotes, in
each ``key=value`` argument, every element of the value that holds a letter beyond ASCII
and is not quoted already, so Hydra reads back the text as typed:

- ``playbook=直播沙龙`` becomes ``playbook='直播沙龙'``; ``title=社群 运营`` (one argument
  with a space) ``title='社群 运营'``;
- ``playbooks=[baseline,直播沙龙]`` becomes ``playbooks=[baseline,'直播沙龙']``: only the
  elements beyond ASCII, also inside nested lists, dictionaries (``{name:直播}``: the
  values), function calls (``choice(a,直播)``) and sweeps (``-m playbook=a,直播``);
- an ASCII argument, a flag and an element already quoted are left as they are.

``commsim`` applies it to the command lines of the commands Hydra runs (``hydra=True`` in
``experiments.cli.COMMANDS``; the other commands read ``key=value`` themselves and get
the arguments as typed), and ``sim.runner.compose`` to every override it is given, so
overrides that commsim writes itself (``playbook=<name>`` of each job) work too.

The same goes for an ASCII element Hydra cannot read unquoted (``community.path=~/data.txt``,
``title=a=b``, ``note=#1``): it is quoted as one text. What is left, brackets or quotes that
do not close, a key that is not a name, a word that is not ``key=value`` (``days 30``), is
refused by :func:`check_overrides` with a :class:`~sim.errors.ConfigError` naming the key,
the value, the fix and how to quote (the messages of Hydra's parser name none of them).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence

from sim.errors import ConfigError

#: an override's key: ``playbook``, ``+experiment``, ``~key``, ``hydra/launcher``, ``a@b``
KEY = re.compile(r"[+~]{0,2}[A-Za-z_][\w.\-/@]*")
CLOSE = {"[": "]", "{": "}", "(": ")"}
QUOTES = ("'", '"')
CALL = re.compile(r"([A-Za-z_]\w*)\((.*)\)", re.DOTALL)
NAMED = re.compile(r"\s*[A-Za-z_]\w*\s*=")
#: an element Hydra 1.3 reads unquoted: letters, digits, ``_/-\\+.$%*@?|:`` and blanks
PLAIN = re.compile(r"[\w/\-\\+.$%*@?|: \t]*", re.ASCII)
#: characters that make an ASCII element a structure Hydra's parser must judge
BRACKETS = set("[]{}()")


def quote_non_ascii(args: Sequence[str]) -> list[str]:
    """The command line with every unquoted value element beyond ASCII quoted for Hydra."""
    out = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and not arg.startswith("-") and KEY.fullmatch(key) and not PLAIN.fullmatch(value):
            arg = f"{key}={_elements(value)}"
        out.append(arg)
    return out


#: a range end of a parameter table whose keys hold dots (``acquisition.q``), which Hydra's
#: dotted keys cannot reach: ``uncertainty.parameters.acquisition.q.high=0.03``
RANGE_END = re.compile(
    r"(?P<table>uncertainty\.parameters|search\.space|calibration\.blocks\.\w+\.parameters)"
    r"\.(?P<param>[A-Za-z_][\w.]*)\.(?P<field>type|low|high|log|choices|step|relative_to)"
)


def range_ends(args: Sequence[str]) -> list[str]:
    """Range ends of the search, uncertainty and calibration tables written as dotted keys,
    as the dictionary merges Hydra reads.

    ``uncertainty.parameters.acquisition.q.high=0.03`` becomes
    ``uncertainty.parameters={acquisition.q:{high:0.03}}`` (the table's other entries and
    the entry's other fields stay); likewise ``search.space.<lever>.<field>`` and
    ``calibration.blocks.<block>.parameters.<key>.<field>``, where ``field`` is one of
    ``type``, ``low``, ``high``, ``log``, ``choices``, ``step``, ``relative_to``. A sweep
    (``...high=0.02,0.03``) is left as it is.
    """
    out = []
    for arg in args:
        key, sep, value = arg.partition("=")
        found = RANGE_END.fullmatch(key) if sep else None
        if found and value.strip() and len(_split(value, ",")) == 1:
            table, param, field = found.group("table", "param", "field")
            arg = f"{table}={{{param}:{{{field}:{value}}}}}"
        out.append(arg)
    return out


def quote(text: str) -> str:
    """``text`` as one quoted string of Hydra's grammar (a quote it does not hold)."""
    mark = "'" if "'" not in text or '"' in text else '"'
    # backslashes before a quote (or at the end) are doubled, then the quote is escaped
    escaped = re.sub(rf"(\\+)(?={mark}|$)", lambda m: m.group(1) * 2, text)
    return mark + escaped.replace(mark, "\\" + mark) + mark


def unquote(text: str) -> str:
    """``text`` without the quotes of :func:`quote` (as it is when it is not quoted)."""
    if len(text) >= 2 and text[0] in QUOTES and text[-1] == text[0]:
        mark = text[0]
        # a run of backslashes before a quote (or at the end) is halved: quote's inverse
        return re.sub(
            rf"(\\+)({mark}|$)",
            lambda m: "\\" * (len(m.group(1)) // 2) + m.group(2),
            text[1:-1],
        )
    return text


def _scan(text: str, sep: str = ",") -> tuple[list[str], bool]:
    """The one reading of Hydra's brackets and quotes that commsim does itself.

    Returns:
        ``(parts, unclosed)``: ``text`` cut at each ``sep`` outside brackets and quotes, and
        whether a bracket or a quote does not close (or closes what never opened).
    """
    parts, depth, start, mark, i, stray = [], 0, 0, "", 0, False
    while i < len(text):
        char = text[i]
        if mark:
            if char == "\\":
                i += 1
            elif char == mark:
                mark = ""
        elif char in QUOTES:
            mark = char
        elif char in CLOSE:
            depth += 1
        elif char in CLOSE.values():
            stray = stray or depth == 0
            depth = max(0, depth - 1)
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    return [*parts, text[start:]], stray or bool(mark) or depth != 0


def _split(text: str, sep: str) -> list[str]:
    """``text`` cut at each ``sep`` outside brackets and quotes."""
    return _scan(text, sep)[0]


def _elements(value: str) -> str:
    """A value, a sweep or a list's inside: its comma-separated elements, each quoted."""
    return ",".join(_element(part) for part in _split(value, ","))


def _element(part: str) -> str:
    core = part.strip()
    if not core or (core[0] in QUOTES and core[-1] == core[0]):
        return part
    if core.isascii() and PLAIN.fullmatch(core):
        return part
    lead = part[: len(part) - len(part.lstrip())]
    trail = part[len(part.rstrip()) :]
    return lead + _structure(core) + trail


def _structure(core: str) -> str:
    """One element: a list, a dictionary, a function call, or a primitive to quote."""
    if core[0] in "[{" and core[-1] == CLOSE[core[0]]:
        inner = core[1:-1]
        if core[0] == "[":
            return f"[{_elements(inner)}]"
        return "{" + ",".join(_entry(e) for e in _split(inner, ",")) + "}"
    call = CALL.fullmatch(core)
    if call and call.group(2).count("(") == call.group(2).count(")"):
        args = ",".join(_named(a) for a in _split(call.group(2), ","))
        return f"{call.group(1)}({args})"
    if core.isascii() and (BRACKETS & set(core) or core[0] in QUOTES):
        return core  # brackets or a quote that do not close: check_overrides says so
    return quote(core)


def _entry(entry: str) -> str:
    """A dictionary entry ``key:value``: the value quoted (a key stays as typed)."""
    key, *value = _split(entry, ":")
    return f"{key}:{_element(':'.join(value))}" if value else _element(entry)


def _named(arg: str) -> str:
    """A function argument, ``value`` or ``name=value``: the value quoted."""
    name = NAMED.match(arg)
    if name:
        return name.group(0) + _element(arg[name.end() :])
    return _element(arg)


__all__ = ["check_overrides", "quote", "quote_non_ascii", "range_ends", "unquote"]


def check_overrides(args: Sequence[str]) -> None:
    """Refuse, naming key, value and fix, the overrides Hydra's grammar cannot read.

    Args:
        args: the overrides only (no flags), as given to Hydra, after :func:`quote_non_ascii`.

    Raises:
        ConfigError: for the first argument Hydra's override parser refuses.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    for i, arg in enumerate(args):
        if "=" in arg and not arg.partition("=")[0].lstrip("+~"):
            raise _not_key_value(list(args), i)
        try:
            parser.parse_override(arg)
        except Exception as exc:  # Hydra raises HydraException or OverrideParseException
            raise _parse_error(list(args), i, str(exc).splitlines()[0]) from None


def _parse_error(args: list[str], i: int, problem: str) -> ConfigError:
    """The ConfigError for ``args[i]``, which Hydra's parser refused with ``problem``."""
    arg = args[i]
    key, sep, value = arg.partition("=")
    bare = key.lstrip("+~")
    if not sep or not bare:
        return _not_key_value(args, i)
    if not (KEY.fullmatch(key) and key.isascii()):
        return ConfigError(
            key,
            unquote(value),
            f"'{key}' is not a key: keys are names of letters, digits, _ and dots, such as "
            "community.n (commsim run --cfg job lists them); write key=value as one argument",
        )
    how = f"quote the value inside the argument: {_shell(f'{key}={quote(unquote(value))}')}"
    if _unclosed(value):
        what = "a bracket or a quote does not close"
        return ConfigError(
            key,
            value,
            f"{what}; write a list as {bare}=[a,b] and a dictionary as {bare}={{a:1}}, "
            f"or, for a text, {how}",
        )
    return ConfigError(
        key,
        value,
        f"the command line cannot read it ({problem}); a list is {bare}=[a,b]; for a text "
        f"holding brackets, commas, quotes or =, {how}",
    )


def _not_key_value(args: list[str], i: int) -> ConfigError:
    """``days 30``, ``days = 30``, ``=3`` or a path with a space cut in two by the shell."""
    arg = args[i]
    if not arg.strip():
        return ConfigError(
            "(an empty argument)", arg, "remove it ('' or a blank on the command line)"
        )
    prev_key, prev_sep, prev_value = args[i - 1].partition("=") if i else ("", "", "")
    if prev_sep and KEY.fullmatch(prev_key) and "=" not in arg and not prev_value:
        return ConfigError(
            prev_key,
            arg,
            f"write key=value as one argument, without spaces around =: {prev_key}={arg}",
        )
    if prev_sep and KEY.fullmatch(prev_key) and "=" not in arg and prev_value:
        whole = f"{args[i - 1]} {arg}"
        return ConfigError(
            prev_key,
            prev_value,
            f"it is followed by {arg!r}, which is not key=value; a value with spaces is one "
            f"argument in quotes: {shlex.quote(whole)}",
        )
    run = [arg]
    for word in args[i + 1 :]:
        if "=" in word.strip("=") and KEY.fullmatch(word.partition("=")[0]):
            break
        run.append(word)
    if any("=" in word for word in run):
        key, _, value = re.sub(r"\s*=\s*", "=", " ".join(run), count=1).partition("=")
        key, value = key.strip() or "(no key)", value.strip()
    else:
        key, value = arg.strip(), " ".join(run[1:])
    example = f"{key}={value or 'VALUE'}" if KEY.fullmatch(key) else "days=30"
    return ConfigError(
        key,
        value or None,
        f"write key=value as one argument, without spaces around =: {shlex.quote(example)} "
        f"(commsim run --cfg job lists the keys; a value with spaces goes in quotes: "
        "'title=my plan')",
    )


def _unclosed(value: str) -> bool:
    """Whether ``value`` has a bracket or a quote that does not close."""
    return _scan(value)[1]


def _shell(arg: str) -> str:
    """``arg`` as one shell word, in double quotes when it holds no shell specials."""
    if not any(c in arg for c in '"$`\\!'):
        return f'"{arg}"'
    return shlex.quote(arg)
