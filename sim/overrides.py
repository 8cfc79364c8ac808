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
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: an override's key: ``playbook``, ``+experiment``, ``~key``, ``hydra/launcher``, ``a@b``
KEY = re.compile(r"[+~]{0,2}[A-Za-z_][\w.\-/@]*")
CLOSE = {"[": "]", "{": "}", "(": ")"}
QUOTES = ("'", '"')
CALL = re.compile(r"([A-Za-z_]\w*)\((.*)\)", re.DOTALL)
NAMED = re.compile(r"\s*[A-Za-z_]\w*\s*=")


def quote_non_ascii(args: Sequence[str]) -> list[str]:
    """The command line with every unquoted value element beyond ASCII quoted for Hydra."""
    out = []
    for arg in args:
        key, sep, value = arg.partition("=")
        if sep and not arg.startswith("-") and KEY.fullmatch(key) and not value.isascii():
            arg = f"{key}={_elements(value)}"
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


def _split(text: str, sep: str) -> list[str]:
    """``text`` cut at each ``sep`` outside brackets and quotes."""
    parts, depth, start, mark, i = [], 0, 0, "", 0
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
            depth = max(0, depth - 1)
        elif char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    return [*parts, text[start:]]


def _elements(value: str) -> str:
    """A value, a sweep or a list's inside: its comma-separated elements, each quoted."""
    return ",".join(_element(part) for part in _split(value, ","))


def _element(part: str) -> str:
    core = part.strip()
    if not core or core.isascii() or (core[0] in QUOTES and core[-1] == core[0]):
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


__all__ = ["quote", "quote_non_ascii", "unquote"]
