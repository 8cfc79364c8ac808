"""``from=DIR``: ``commsim run`` and ``commsim compare`` from a calibration folder's state.

A calibration folder (``commsim calibrate ... as_of=DATE hydra.run.dir=DIR``) holds the
fitted baseline (``calibrated.args``) and the community's observed state on ``as_of``
(``start.parquet``). ``from=DIR`` on a command line becomes the baseline's overrides,
then ``start.path=DIR/start.parquet``, then the user's own overrides, which win. The
baseline's ``days`` (the log's length) and ``initial_members`` (the people of the log's
first day) are left out: the run starts from the state and lasts the user's ``days`` (the
config's default unless given). ``from`` is the command's key, never the simulation's: it
is gone before Hydra composes the config.

The community keeps the fitted ``community.n``: the population the log implies, the people
of the state included; the rest are the market still to reach. It must be larger than the
people of the state (members and those who left), or the command stops, naming
``community.n`` and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from experiments.calibration.logs.options import quote
from sim.errors import ConfigError

KEY = "from"
#: the baseline's keys that a run from the state sets otherwise
DROPPED = ("days", "initial_members")
START = "start.parquet"
RECALIBRATE = "commsim calibrate data=LOG as_of=DATE hydra.run.dir=DIR"


def _key(arg: str) -> str:
    return arg.split("=", 1)[0].lstrip("+~")


def expand_from(args: Sequence[str]) -> list[str]:
    """The command line with ``from=DIR`` replaced by the folder's baseline and state.

    Raises:
        ConfigError: on ``from`` for a folder that is not a calibration with a state, or on
            ``community.n`` when the community cannot hold the people of the state.
    """
    given = [a for a in args if "=" in a and not a.startswith("-") and _key(a) == KEY]
    if not given:
        return list(args)
    if len(given) > 1:
        raise ConfigError(KEY, [a.split("=", 1)[1] for a in given], "give one folder")
    folder = Path(given[0].split("=", 1)[1]).expanduser()
    rest = [a for a in args if a not in given]
    baseline = folder_baseline(folder)
    mine = {_key(a) for a in rest if "=" in a and not a.startswith("-")}
    regrouped = {k for k in mine if "." not in k}  # a group chosen anew drops its settings
    kept = [
        a
        for a in baseline
        if _key(a) not in (*DROPPED, *mine) and _key(a).split(".")[0] not in regrouped
    ]
    start = (folder / START).resolve()
    check_capacity(start, kept, rest)
    return [*kept, f"start.path={quote(str(start))}", *rest]


def folder_baseline(folder: Path) -> list[str]:
    """The overrides of a calibration folder that holds a start state.

    Raises:
        ConfigError: on ``from``, with the fix.
    """
    if not folder.is_dir():
        raise ConfigError(
            KEY,
            str(folder),
            f"no such folder; give a calibration folder ({RECALIBRATE} writes one)",
        )
    args = folder / "calibrated.args"
    if not args.is_file():
        raise ConfigError(
            KEY, str(folder), f"not a calibration folder (no calibrated.args); run {RECALIBRATE}"
        )
    if not (folder / START).is_file():
        raise ConfigError(
            KEY,
            str(folder),
            f"this calibration has no {START} (it predates as_of); calibrate again, "
            f"{RECALIBRATE}, to write the community's state on DATE",
        )
    return [line.strip() for line in args.read_text().splitlines() if line.strip()]


def check_capacity(start: Path, baseline: Sequence[str], user: Sequence[str]) -> None:
    """The community (``community.n``) must hold more people than the start state.

    A graph file (``community=file``) decides its size itself; the model checks it then.
    """
    import pyarrow.parquet as pq

    settings = {_key(a): a.split("=", 1)[1] for a in [*baseline, *user] if "=" in a}
    if settings.get("community", "").strip("'\"") == "file" or "community.n" not in settings:
        return
    try:
        n = int(settings["community.n"])
    except ValueError:
        return  # not a number: the config check names it
    people = pq.ParquetFile(start).metadata.num_rows
    if n <= people:
        fitted = "given" if any(_key(a) == "community.n" for a in user) else "fitted"
        raise ConfigError(
            "community.n",
            n,
            f"the start state ({start}) holds {people:,} people (members and those who "
            f"left) and the community ({fitted}) must hold more: the rest are the market "
            f"still to reach; give community.n={2 * people} or more",
        )


__all__ = ["expand_from", "folder_baseline"]
