"""``python -m experiments.i18n --update`` (``make i18n``): the catalogues from the code.

``--update`` extracts every text of the code (``_``/``N_``) and every KPI label and merges
them into each catalogue, keeping the translations, then says what is left to translate or
review. ``--check`` only lists what a catalogue lacks (exit code 1 when anything does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from experiments.i18n import LANGS
from experiments.i18n.catalogue import po_path, problems, update_catalogue


def _show(title: str, items: Sequence[str]) -> None:
    if items:
        print(f"  {title} ({len(items)}):")
        print("\n".join(f"    {item}" for item in items))


def main(argv: Sequence[str] | None = None) -> int:
    """Update (``--update``) or check (``--check``) every catalogue but English's."""
    parser = argparse.ArgumentParser(prog="python -m experiments.i18n", description=__doc__)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--update", action="store_true", help="refresh the .po from the code")
    action.add_argument("--check", action="store_true", help="list what each .po lacks")
    options = parser.parse_args(argv)
    failed = False
    for lang in LANGS[1:]:
        print(po_path(lang))
        if options.update:
            update = update_catalogue(lang)
            _show("to translate", update.untranslated)
            _show("fuzzy: to review, then remove the fuzzy flag", update.fuzzy)
            _show("dropped: no longer in the code", update.dropped)
            failed |= bool(update.untranslated or update.fuzzy)
        else:
            for kind, items in problems(lang).items():
                _show(kind, items)
                failed |= bool(items)
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
