"""The page's levers as Hydra overrides on top of a playbook preset.

:func:`preset_levers` reads what a playbook sets (what the page's controls show for it);
:func:`lever_overrides` turns chosen levers into the overrides that make the preset into
them, so the page and ``commsim run`` run the same configuration.

    >>> lever_overrides("knowledge_sessions_offline", monthly_meetup=False)
    ['~strategies.events.items.meetup']
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from experiments.commands.playbooks import playbooks
from sim.errors import ConfigError
from sim.runner import compose, to_plain

SEEDING_METHODS = ("none", "random", "degree", "kcore", "pagerank", "degree_discount", "greedy")
MODERATION_MODES = ("none", "community", "personalised")
LEVERS = (
    "seeding_method",
    "seeding_k",
    "weekly_qa",
    "monthly_meetup",
    "points",
    "moderation",
    "welcome_replies",
    "word_of_mouth",
)
POINTS_KEYS = ("points_per_post", "points_per_reply", "points_per_visit")
#: event levers: page lever -> event type, and the playbook whose event it switches on
EVENT_LEVERS = {"weekly_qa": "qa", "monthly_meetup": "meetup"}
EVENT_SOURCES = {"qa": "weekly_qa", "meetup": "monthly_meetup"}
TARGETS = {
    "seeding": "strategies.seeding.Seeding",
    "events": "strategies.events.EventCalendar",
    "incentives": "strategies.incentives.Incentives",
    "moderation": "strategies.moderation.Moderation",
    "onboarding": "strategies.onboarding.Onboarding",
}

# Hydra's GlobalHydra is process-wide; the page may build models from several sessions
_COMPOSE_LOCK = threading.Lock()


def compose_locked(overrides: list[str]) -> Any:
    """``sim.runner.compose`` under a lock (Hydra's global state is process-wide)."""
    with _COMPOSE_LOCK:
        return compose(overrides)


@cache
def playbook_config(name: str) -> dict[str, Any]:
    """The resolved config of ``playbook=<name>`` as a plain dict (cached)."""
    known = playbooks()
    if name not in known:
        raise ConfigError("playbook", name, f"no such playbook; use one of: {', '.join(known)}")
    return to_plain(compose_locked([f"playbook={name}"]))


def _strategy(cfg: dict[str, Any], kind: str) -> dict[str, Any] | None:
    spec = (cfg.get("strategies") or {}).get(kind)
    return spec if isinstance(spec, dict) else None


def _event_names(cfg: dict[str, Any], kind: str) -> list[str]:
    items = (_strategy(cfg, "events") or {}).get("items") or {}
    return [
        name
        for name, item in items.items()
        if item.get("type") == kind
        and item.get("every") == ("weekly" if kind == "qa" else "monthly")
    ]


def preset_levers(playbook: str) -> dict[str, Any]:
    """The page's levers as the playbook sets them (what the sliders show for a preset)."""
    cfg = playbook_config(playbook)
    seeding = _strategy(cfg, "seeding")
    incentives = _strategy(cfg, "incentives")
    moderation = _strategy(cfg, "moderation")
    onboarding = _strategy(cfg, "onboarding")
    return {
        "seeding_method": seeding["method"] if seeding else "none",
        "seeding_k": int(seeding["k"]) if seeding else 50,
        "weekly_qa": bool(_event_names(cfg, "qa")),
        "monthly_meetup": bool(_event_names(cfg, "meetup")),
        "points": incentives is not None
        and max(float(incentives.get(k, 0)) for k in POINTS_KEYS) > 0,
        "moderation": moderation["mode"] if moderation else "none",
        "welcome_replies": bool(onboarding and onboarding.get("welcome_replies")),
        "word_of_mouth": float(cfg["acquisition"]["q"]),
    }


def hydra_value(value: Any) -> str:
    """A Python value in Hydra's override grammar (``{a:1,b:[x]}``, ``null``, ``true``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def _set(cfg: dict[str, Any], kind: str, levers: dict[str, Any]) -> list[str]:
    """Overrides setting ``strategies.<kind>.<lever>``, adding the strategy when absent."""
    key = f"strategies.{kind}"
    if _strategy(cfg, kind) is None:
        return [
            f"+{key}._target_={TARGETS[kind]}",
            *(f"+{key}.{k}={hydra_value(v)}" for k, v in levers.items()),
        ]
    return [f"{key}.{k}={hydra_value(v)}" for k, v in levers.items()]


def _event_overrides(cfg: dict[str, Any], switches: dict[str, bool]) -> list[str]:
    """Overrides switching the weekly Q&A / monthly meetup (``switches``: kind -> on)."""
    removed = [name for kind, on in switches.items() if not on for name in _event_names(cfg, kind)]
    added = {}
    for kind, on in switches.items():
        if on and not _event_names(cfg, kind):
            source = EVENT_SOURCES[kind]
            added.update(playbook_config(source)["strategies"]["events"]["items"])
    out = [f"~strategies.events.items.{name}" for name in removed]
    if added and _strategy(cfg, "events") is None:
        return [
            *out,
            f"+strategies.events._target_={TARGETS['events']}",
            f"+strategies.events.items={hydra_value(added)}",
        ]
    return [*out, *(f"++strategies.events.items.{n}={hydra_value(v)}" for n, v in added.items())]


def lever_overrides(playbook: str, **levers: Any) -> list[str]:
    """Hydra overrides that turn ``playbook=<name>`` into the chosen levers.

    Args:
        playbook: the preset.
        **levers: any of :data:`LEVERS`; ``None`` or the preset's own value adds nothing.

    Raises:
        ConfigError: for an unknown lever or a value outside its choices.
    """
    cfg = playbook_config(playbook)
    preset = preset_levers(playbook)
    unknown = set(levers) - set(LEVERS)
    if unknown:
        raise ConfigError("levers", sorted(unknown), f"use: {', '.join(LEVERS)}")
    chosen = {k: (preset[k] if levers.get(k) is None else levers[k]) for k in LEVERS}
    _check_choice("seeding_method", chosen["seeding_method"], SEEDING_METHODS)
    _check_choice("moderation", chosen["moderation"], MODERATION_MODES)
    out: list[str] = []
    method, k = chosen["seeding_method"], int(chosen["seeding_k"])
    if method == "none" and preset["seeding_method"] != "none":
        out.append("~strategies.seeding")
    elif method != "none" and (method, k) != (preset["seeding_method"], preset["seeding_k"]):
        out += _set(cfg, "seeding", {"method": method, "k": k})
    switches = {
        kind: bool(chosen[lever])
        for lever, kind in EVENT_LEVERS.items()
        if bool(chosen[lever]) != preset[lever]
    }
    out += _event_overrides(cfg, switches)
    if bool(chosen["points"]) != preset["points"]:
        scheme = playbook_config("points")["strategies"]["incentives"]
        out += _set(
            cfg, "incentives", {k: scheme[k] if chosen["points"] else 0.0 for k in POINTS_KEYS}
        )
    if chosen["moderation"] != preset["moderation"]:
        out += _set(cfg, "moderation", {"mode": chosen["moderation"]})
    if bool(chosen["welcome_replies"]) != preset["welcome_replies"]:
        extra = {} if _strategy(cfg, "onboarding") else {"mentors": False}
        out += _set(
            cfg, "onboarding", {"welcome_replies": bool(chosen["welcome_replies"]), **extra}
        )
    q = round(float(chosen["word_of_mouth"]), 6)
    if q != round(preset["word_of_mouth"], 6):
        out.append(f"acquisition.q={hydra_value(q)}")
    return out


def _check_choice(key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(key, value, f"use one of: {', '.join(choices)}")
