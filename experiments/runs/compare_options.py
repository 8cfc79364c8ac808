"""``commsim compare``'s own keys, checked before any run (docs/errors.md).

``playbooks``, ``scenarios``, ``reps`` (at most :data:`~experiments.runs.executors.MAX_RUNS`
runs in all), ``kpis`` and ``rank_by``, ``executor`` and ``workers`` (the shared check of
``experiments.runs.executors``), ``posterior``, ``lang``, ``currency`` and
``check_assumptions``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, ListConfig

from experiments.i18n import check_lang
from experiments.runs.executors import (
    MAX_RUNS,
    check_count,
    check_executor,
    check_total_runs,
    check_workers,
)
from experiments.runs.scenarios import BASE
from experiments.runs.scenarios import load as load_scenarios
from sim import project
from sim.errors import ConfigError
from sim.kpis import DEFAULT_KPIS, kpi

#: compare's own top-level keys (configs/compare.yaml); the rest is the simulation's
COMPARE_KEYS = (
    "playbooks",
    "scenarios",
    "reps",
    "rank_by",
    "kpis",
    "executor",
    "workers",
    "posterior",
    "lang",
    "currency",
    "check_assumptions",
)


def on_off(value: Any, key: str) -> bool:
    """An on/off switch (``on``, ``off``, true, false)."""
    if value in (True, "on", "true"):
        return True
    if value in (False, "off", "false", None):
        return False
    raise ConfigError(key, value, "use on or off")


LIST_FIX = "write one name (playbooks=weekly_qa) or a list in brackets: playbooks=[baseline,points]"


def playbook_names(value: Any) -> list[str]:
    """``playbooks=``: one name (``playbooks=weekly_qa``) or a list of names, as a list.

    Raises:
        ConfigError: naming ``playbooks`` when it is empty or not names.
    """
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    if isinstance(value, ListConfig):
        value = list(value)
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError("playbooks", value, f"give at least one playbook: {LIST_FIX}")
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise ConfigError("playbooks", name, f"give playbook names: {LIST_FIX}")
    return [name.strip() for name in value]


def check_options(cfg: DictConfig | dict) -> dict[str, Any]:
    """Validate the compare keys; returns them as plain values."""
    from experiments.commands.playbooks import playbooks as available_playbooks

    books = playbook_names(cfg.get("playbooks"))
    known = available_playbooks()
    for book in books:
        if book not in known:
            raise ConfigError("playbooks", book, f"no such playbook; use: {', '.join(known)}")
    if len(set(books)) != len(books):
        raise ConfigError("playbooks", books, "name each playbook once")
    reps = check_count("reps", cfg.get("reps"))
    kpis = list(cfg.get("kpis") or DEFAULT_KPIS)
    rank_by = cfg.get("rank_by")
    for key, names in (("kpis", kpis), ("rank_by", [rank_by])):
        for name in names:
            kpi(name, key)
    if rank_by not in kpis:
        kpis.append(rank_by)
    executor = cfg.get("executor")
    check_executor(executor)
    workers = check_workers(cfg.get("workers"))
    currency = cfg.get("currency")
    if currency is not None and not isinstance(currency, str):
        raise ConfigError("currency", currency, "give the currency's symbol or code, e.g. ¥ or EUR")
    scenarios = load_scenarios(list(cfg.get("scenarios") or [BASE]), project.config_dir())
    check_total_runs(
        len(scenarios) * len(books) * reps,
        f"lower reps (at most {MAX_RUNS // (len(scenarios) * len(books)):,} here), "
        "the playbooks or the scenarios",
    )
    return {
        "playbooks": books,
        "scenarios": scenarios,
        "lang": check_lang(cfg.get("lang")),
        "currency": currency or "",
        "check_assumptions": on_off(cfg.get("check_assumptions", "on"), "check_assumptions"),
        "reps": reps,
        "kpis": kpis,
        "rank_by": rank_by,
        "executor": executor,
        "workers": workers,
        "seed": int(cfg.get("seed", 0)),
        "posterior": check_posterior(cfg.get("posterior")),
    }


def check_posterior(value: Any) -> str | None:
    """``posterior``: off (null), or the posterior sample that ``from=DIR posterior=on``
    names (``experiments.calibration.from_folder.posterior_path``).

    Raises:
        ConfigError: on ``posterior`` for on without ``from=DIR``, a missing sample, or
            another value.
    """
    from experiments.calibration.posterior import read_posterior

    text = str(value).strip() if value not in (None, False) else "off"
    if text.lower() == "off":
        return None
    if text.lower() == "on" or value is True:
        raise ConfigError(
            "posterior",
            value,
            "posterior=on draws from a calibration's posterior sample: give from=DIR "
            "(a folder of commsim calibrate ... calibration.method=abc)",
        )
    if not text.endswith(".parquet"):
        raise ConfigError("posterior", value, "use on (with from=DIR) or off")
    read_posterior(Path(text))
    return text
