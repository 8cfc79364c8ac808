"""Checks that searches make before their first run (optimise, sensitivity, robustness).

As ``commsim calibrate`` does for its ranges: both ends of every declared range (and every
choice) must be a valid setting of the simulation, with the search's base overrides, so a
range that reaches a bad value is refused before day 1 (key, value, fix) instead of
failing a trial halfway. ``search.budget`` must be a finite number and ``search.storage``
an Optuna storage that can be opened.
"""

from __future__ import annotations

import errno
import functools
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from experiments.runs.space import Dimension
from sim.errors import ConfigError, OutputError


def ends(dim: Dimension) -> list[tuple[str, Any]]:
    """The values a dimension reaches at its ends (``low``, ``high``) or its choices."""
    if dim.type == "categorical":
        return [(f"choices[{i}]", c) for i, c in enumerate(dim.choices)]
    low, high = dim.bounds()
    if dim.type == "int":
        return [("low", int(round(low))), ("high", int(round(high)))]
    return [("low", float(low)), ("high", float(high))]


def check_ends(
    dims: Sequence[Dimension],
    overrides: Sequence[str],
    where: str,
    books: Sequence[str | None] = (None,),
) -> None:
    """Check the simulation config at both ends of every dimension (for each playbook).

    Args:
        dims: the declared space.
        overrides: the search's base overrides and the command line's.
        where: the space's key (``search.space``), to name a bad end.
        books: the playbooks the search runs (None: the one the overrides choose).

    Raises:
        ConfigError: naming ``<where>.<parameter>.<end>``, the value and the fix.
    """
    from experiments.calibration.simulate import with_values
    from sim.runner import check, compose, to_plain

    for book in books:
        own = [*overrides, *([f"playbook={book}"] if book else [])]
        plain = to_plain(compose(own))
        check(plain)
        for dim in dims:
            for end, value in ends(dim):
                try:
                    if dim.key == "playbook":
                        check(to_plain(compose([*own, f"playbook={value}"])))
                    else:
                        check(with_values(plain, {dim.key: value}))
                except ConfigError as exc:
                    raise ConfigError(f"{where}.{dim.key}.{end}", value, exc.fix) from None


def check_budget(value: Any, key: str = "search.budget") -> float | None:
    """A budget: null (none) or a finite number >= 0.

    Raises:
        ConfigError: naming ``key``, the value and the fix.
    """
    if value is None:
        return None
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or number < 0:
        raise ConfigError(key, value, "give a finite budget >= 0 (currency) or null")
    return float(number)


def check_storage(value: Any, key: str = "search.storage") -> str | None:
    """An Optuna storage URL that can be opened: null (in memory), ``sqlite:///FILE`` in a
    writable folder, or a database URL whose driver is installed.

    Raises:
        ConfigError: naming ``key``, the value and the fix.
    """
    if value is None:
        return None
    example = "give a database URL such as sqlite:///study.db, or null"
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, value, example)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(value)
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise ConfigError(key, value, f"{example} ({exc})") from None
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database or "")
        folder = path.parent if str(path.parent) else Path(".")
        if path.exists() and not path.is_file():
            raise ConfigError(key, value, f"{path} is not a file; name a database file")
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise ConfigError(key, value, f"the folder {folder} does not exist or is read-only")
    return value


#: what SQLite (through SQLAlchemy and Optuna) says when it cannot write its file, and the
#: operating system's error it stands for
_SQLITE_WRITE_ERRORS = {
    "database or disk is full": errno.ENOSPC,
    "attempt to write a readonly database": errno.EROFS,
    "disk i/o error": errno.EIO,
    "unable to open database file": errno.EACCES,
}


@contextmanager
def storage_writes(storage: str | None) -> Iterator[None]:
    """Optuna's study storage failing to write (a full disk, a read-only one) during the
    command: an :class:`~sim.errors.OutputError` naming the database file (exit 1; the trials
    stored so far are kept and a rerun resumes), not SQLAlchemy's traceback."""
    import optuna
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except (optuna.exceptions.StorageInternalError, OperationalError) as exc:
        text = " ".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e).lower()
        found = next((code for words, code in _SQLITE_WRITE_ERRORS.items() if words in text), None)
        if found is None:
            raise
        from sqlalchemy.engine import make_url

        where = make_url(storage).database if storage else None
        raise OutputError(where or storage, OSError(found, os.strerror(found))) from exc


def check_ends_built(dims: Sequence[Dimension], overrides: Sequence[str], where: str) -> None:
    """:func:`check_ends`, then the model built at both ends of every dimension (community
    made, strategies set up, day 0), for what only the built community tells: a seeding
    ``k`` above the community's size, a segment that has no one.

    Costs one model build per end (no simulated day); a check that passed is not repeated
    in the same process (``commsim optimise`` checks before Hydra starts, and the study
    again before its first trial).

    Raises:
        ConfigError: naming ``<where>.<parameter>.<end>``, the value and the fix.
    """
    from sim import project

    folder = project.config_dir()
    _built(tuple(dims), tuple(overrides), where, None if folder is None else str(folder))


@functools.lru_cache(maxsize=16)
def _built(
    dims: tuple[Dimension, ...], overrides: tuple[str, ...], where: str, folder: str | None
) -> None:
    """:func:`check_ends_built` for hashable arguments (the project folder in the key)."""
    from experiments.calibration.simulate import with_values
    from sim.runner import compose, model_from_config, to_plain

    check_ends(dims, overrides, where)
    own = [*overrides, "run.progress=off", "run.handles=off"]
    plain = to_plain(compose(own))
    for dim in dims:
        for end, value in ends(dim):
            try:
                if dim.key == "playbook":
                    model_from_config(compose([*own, f"playbook={value}"]))
                else:
                    model_from_config(with_values(plain, {dim.key: value}))
            except ConfigError as exc:
                raise ConfigError(f"{where}.{dim.key}.{end}", value, exc.fix) from None
