"""The docs' parameter and phase tables, generated from the declarations.

Every parameter is declared once, with its unit, range and source (``agents.params.param``);
the tables of ``docs/model.md`` are written from those declarations and from the phases of
``sim.phases.PHASES``, between marker lines::

    <!-- generated: behaviour.visits (make docs) -->
    | key | default | unit | range | meaning | source |
    ...
    <!-- end generated -->

The prose around the tables is written by hand. ``make docs`` rewrites the tables
(``python -m sim.schema_docs --write``; ``strategies.schema_docs`` does the same for
``docs/strategies.md``), and a test fails when the committed docs differ from what this
module generates.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agents.acquisition import AcquisitionParams
from agents.segments import SegmentParams, SegmentsParams
from sim.community import CommunitySpec
from sim.config import SECTIONS, PlotOptions, RunOptions
from sim.drivers import DriversParams
from sim.kpi_settings import ChurnDefinition, Targets
from sim.plausible import targets_table
from sim.start import StartParams

DOCS = Path(__file__).resolve().parents[1] / "docs"
MARKER = re.compile(
    r"<!-- generated: (?P<name>\S+) \(make docs\) -->\n.*?<!-- end generated -->",
    re.DOTALL,
)
PARAM_HEADER = "| {what} | default | unit | range | meaning | source |\n|---|---|---|---|---|---|"


def fmt_value(value: Any) -> str:
    """A default as the docs print it: ``null``, ``true``/``false``, lists in brackets."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple | list):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def fmt_range(f: dataclasses.Field) -> str:
    """The range a field declares (choices, ``[low, high]``, ``>= low``...) and its constraint."""
    text = _bounds(f)
    constraint = f.metadata.get("constraint")
    if not constraint:
        return text
    return constraint if text == "any" else f"{text}, {constraint}"


def _bounds(f: dataclasses.Field) -> str:
    meta = f.metadata
    if meta.get("choices"):
        return ", ".join(meta["choices"])
    if isinstance(f.default, bool):
        return "true/false"
    low, high = meta.get("low"), meta.get("high")
    if low is not None and high is not None:
        text = f"[{low:g}, {high:g}]"
    elif low is not None:
        text = "> 0" if 0 < low < 1e-6 else f">= {low:g}"  # a positive number
    elif high is not None:
        text = f"<= {high:g}"
    else:
        return "any"
    return f"{text} or null" if f.default is None else text


def param_rows(prefix: str, cls: type) -> list[str]:
    """One table row per ``param`` field of ``cls``: key, default, unit, range, meaning, source."""
    rows = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        meta = f.metadata
        if "unit" not in meta:
            continue
        cells = [
            f"`{prefix}.{f.name}`" if prefix else f"`{f.name}`",  # "": top-level keys
            fmt_value(f.default),
            meta["unit"],
            fmt_range(f),
            meta.get("doc") or "",
            meta["source"],
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def param_table(sections: list[tuple[str, type]], what: str = "key") -> str:
    """A parameter table for one or more (key prefix, dataclass) pairs."""
    lines = [PARAM_HEADER.format(what=what)]
    for prefix, cls in sections:
        lines += param_rows(prefix, cls)
    return "\n".join(lines)


def phase_table() -> str:
    """The day's phases, in order, from ``sim.phases.PHASES``."""
    from sim import phases

    lines = ["| # | phase | function | runs when | what happens |", "|---|---|---|---|---|"]
    for i, phase in enumerate(phases.PHASES, start=1):
        where = f"`{phase.fn.__module__}.{phase.fn.__name__}`"
        lines.append(f"| {i} | {phase.name} | {where} | {phase.when} | {phase.doc} |")
    return "\n".join(lines)


def kpi_table() -> str:
    """Every KPI of ``sim.kpis.KPIS``: key, name, better, unit, how it is computed."""
    from sim.kpis import KPIS

    lines = ["| KPI | name | better | unit | how |", "|---|---|---|---|---|"]
    for k in KPIS.values():
        how = k.how or (f"{k.reduce.value} of the daily `{k.metric}`" if k.metric else "")
        better = "higher" if k.direction.value == "max" else "lower"
        lines.append(f"| `{k.name}` | {k.label} | {better} | {k.unit} | {how} |")
    return "\n".join(lines)


def experiments_tables() -> dict[str, str]:
    """Every generated table of ``docs/experiments.md``, by marker name."""
    return {"kpis": kpi_table(), "plots": param_table([("", PlotOptions)])}


def model_tables() -> dict[str, str]:
    """Every generated table of ``docs/model.md``, by marker name."""
    tables = {
        "phases": phase_table(),
        "plausible": targets_table(),
        "run": param_table([("run", RunOptions)]),
        "acquisition": param_table([("acquisition", AcquisitionParams)]),
        "start": param_table([("start", StartParams)]),
        "churn": param_table([("churn", ChurnDefinition)]),
        "targets": param_table([("targets", Targets)]),
        "drivers": param_table([("drivers", DriversParams)]),
        "community": param_table(
            [("community", CommunitySpec), ("community.segments.<name>", SegmentParams)]
        ),
        "behaviour.segments": param_table(
            [
                ("behaviour.segments", SegmentsParams),
                ("behaviour.segments.groups.<name>", SegmentParams),
            ]
        ),
    }
    for name, cls in SECTIONS.items():
        tables[f"behaviour.{name}"] = param_table([(f"behaviour.{name}", cls)])
    return tables


def fill(text: str, tables: Mapping[str, str], doc: str) -> str:
    """``text`` with every marked table replaced by its generated version.

    Raises:
        KeyError: a marker names no known table, or a table has no marker in ``doc``.
    """
    seen: set[str] = set()

    def generated(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in tables:
            raise KeyError(f"{doc}: no generated table is called {name!r}")
        seen.add(name)
        return f"<!-- generated: {name} (make docs) -->\n{tables[name]}\n<!-- end generated -->"

    out = MARKER.sub(generated, text)
    missing = set(tables) - seen
    if missing:
        raise KeyError(f"{doc}: no marker for the generated tables {sorted(missing)}")
    return out


def main(
    argv: list[str] | None = None,
    docs: Mapping[str, Callable[[], dict[str, str]]] | None = None,
) -> int:
    """``--write``: rewrite the tables; ``--check`` (default): exit 1 when a doc is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the docs' tables")
    args = parser.parse_args(argv)
    stale = []
    for name, make in (docs or {"model.md": model_tables}).items():
        path = DOCS / name
        text = path.read_text(encoding="utf-8")
        new = fill(text, make(), name)
        if new != text:
            stale.append(name)
            if args.write:
                path.write_text(new, encoding="utf-8")
    verb = "rewrote" if args.write else "out of date (run `make docs`):"
    if stale:
        print(f"{verb} {', '.join(f'docs/{n}' for n in stale)}")
    return 1 if stale and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
