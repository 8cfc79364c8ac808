"""The lever tables of ``docs/strategies.md``, generated from the strategies' declarations.

One table per strategy (every field of its ``Levers``), and one for the fields of an event
(``strategies.events.EventItem``), between the marker lines of ``sim.schema_docs``.
``make docs`` runs ``python -m strategies.schema_docs --write``, which rewrites these tables
and those of ``docs/model.md``; a test fails when the committed docs are stale.
"""

from __future__ import annotations

import sys

from sim.schema_docs import experiments_tables, model_tables, param_table
from sim.schema_docs import main as write_docs


def strategy_tables() -> dict[str, str]:
    """Every generated table of ``docs/strategies.md``, by marker name."""
    from strategies.catalogue import strategy_classes
    from strategies.events import EventItem

    tables = {
        f"strategies.{cls.kind}": param_table(  # type: ignore[attr-defined]
            [(f"strategies.{cls.kind}", cls.Levers)],  # type: ignore[attr-defined]
            what="lever",
        )
        for cls in strategy_classes()
    }
    tables["strategies.events.items"] = param_table(
        [("strategies.events.items.<name>", EventItem)], what="field"
    )
    return tables


def main(argv: list[str] | None = None) -> int:
    """``--write``: rewrite the tables of both docs; ``--check`` (default): exit 1 if stale."""
    return write_docs(
        argv,
        {
            "model.md": model_tables,
            "strategies.md": strategy_tables,
            "experiments.md": experiments_tables,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
