"""``from=DIR``: ``commsim run`` and ``commsim compare`` from a calibration folder's state.

A calibration folder (``commsim calibrate ... as_of=DATE hydra.run.dir=DIR``) holds the
fitted baseline (``calibrated.args``) and the community's observed state on ``as_of``
(``start.parquet``). ``from=DIR`` on a command line becomes the baseline's overrides,
then ``start.path=DIR/start.parquet``, then the user's own overrides, which win. The
baseline's ``days`` (the log's length) and ``initial_members`` (the people of the log's
first day) are left out: the run starts from the state and lasts the user's ``days`` (the
config's default unless given); ``drivers.start_date`` becomes the ``as_of`` date (day 0
of the run), so that dated outside drivers line up with the calendar. ``from`` is the
command's key, never the simulation's: it is gone before Hydra composes the config.

The community keeps the fitted ``community.n``: the population the log implies, the people
of the state included; the rest are the market still to reach. It must hold at least the
people of the state (members and those who left; as many when a fit finds the whole market
joined), or the command stops, naming ``community.n`` and the fix.

``commsim compare from=DIR posterior=on`` (a calibration by ``calibration.method=abc``,
which writes ``posterior.parquet``) leaves the baseline's fitted values out: each
replication draws them from the posterior sample instead (``draw_overrides``, in
``experiments.commands.compare``). A folder without a posterior sample stops the command
(exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from experiments.calibration.logs.options import quote
from sim.errors import ConfigError
from sim.overrides import unquote

KEY = "from"
#: compare's key: ``posterior=on`` draws each replication's fitted values from the sample
POSTERIOR = "posterior"
#: the baseline's keys that a run from the state sets otherwise
DROPPED = ("days", "initial_members", "drivers.start_date")
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
    folder = Path(unquote(given[0].split("=", 1)[1])).expanduser()
    rest = [a for a in args if a not in given]
    baseline = folder_baseline(folder)
    rest, drawn = posterior_path(folder, rest)
    mine = {_key(a) for a in rest if "=" in a and not a.startswith("-")}
    regrouped = {k for k in mine if "." not in k}  # a group chosen anew drops its settings
    kept = [
        a
        for a in baseline
        if _key(a) not in (*DROPPED, *mine, *drawn) and _key(a).split(".")[0] not in regrouped
    ]
    start = (folder / START).resolve()
    check_capacity(start, kept, rest)
    dated = [f"drivers.start_date={d}" for d in [as_of_date(folder)] if d]
    if "drivers.start_date" in mine:
        dated = []
    return [*kept, *dated, f"start.path={quote(str(start))}", *rest]


def as_of_date(folder: Path) -> str | None:
    """The date of the folder's state (``calibration.json["as_of"]["date"]``): day 0 of a
    run from it, for dated outside drivers (None when the report does not say)."""
    import json

    try:
        report = json.loads((folder / "calibration.json").read_text())
    except (OSError, ValueError):
        return None
    date = (report.get("as_of") or {}).get("date")
    return str(date) if date else None


def posterior_path(folder: Path, args: Sequence[str]) -> tuple[list[str], list[str]]:
    """``posterior=on`` becomes ``posterior=FOLDER/posterior.parquet``; with it, the fitted
    keys of the posterior sample, which each replication draws instead of the baseline's.

    Returns:
        The arguments, and the keys the posterior sample draws (none without ``posterior=on``).

    Raises:
        ConfigError: on ``posterior`` when the folder holds no posterior sample.
    """
    from experiments.calibration.posterior import FILE, keys, read_posterior

    on = [a for a in args if "=" in a and _key(a) == POSTERIOR]
    if not on or on[-1].split("=", 1)[1].strip("'\"").lower() != "on":
        return list(args), []
    path = (folder / FILE).resolve()
    frame = read_posterior(path, POSTERIOR)
    rest = [a for a in args if a not in on]
    return [*rest, f"{POSTERIOR}={quote(str(path))}"], keys(frame)


def draw_overrides(path: str | Path, seed: int, taken: Sequence[str]) -> list[str]:
    """One replication's draw from the posterior sample at ``path`` (seed ``seed``), as
    overrides, leaving out the keys in ``taken`` (the user's own). A drawn ``community.n``
    no larger than the people of the start state beside the sample is raised to one more
    than them: the smallest community that holds them."""
    import pyarrow.parquet as pq

    from experiments.calibration.posterior import draw, read_posterior

    values = draw(read_posterior(Path(path), POSTERIOR), seed)
    start = Path(path).parent / START
    if "community.n" in values and start.is_file():
        values["community.n"] = max(
            int(values["community.n"]), pq.ParquetFile(start).metadata.num_rows + 1
        )
    return [f"{k}={v!r}" for k, v in values.items() if k not in taken]


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
    """The community (``community.n``) must hold at least the people of the start state
    (exactly as many: everyone it can reach has joined, as a fit may find).

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
    if n < people:
        fitted = "given" if any(_key(a) == "community.n" for a in user) else "fitted"
        raise ConfigError(
            "community.n",
            n,
            f"the start state ({start}) holds {people:,} people (members and those who "
            f"left) and the community ({fitted}) must hold at least as many (the rest are "
            f"the market still to reach); give community.n={2 * people} or more",
        )


__all__ = ["draw_overrides", "expand_from", "folder_baseline", "posterior_path"]
