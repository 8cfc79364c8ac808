"""Overrides of several playbooks at once: a lever applies to the playbooks that have it.

``commsim compare playbooks=[baseline,weekly_qa] strategies.events.items.qa.capacity=100``
sets the Q&A capacity of ``weekly_qa``; ``baseline`` has no events, so the override does not
apply to it. The rule, for every command that runs several playbooks with one command line:

- a *lever override* is ``strategies.<key>=value`` (or ``++strategies.<key>=value``); it is
  applied to each playbook whose composed config holds ``strategies.<key>``, and to no other;
- a lever override that no playbook of the command holds is bad input (``ConfigError``
  naming the key, the value and the playbooks);
- every other override applies to every playbook, and each playbook's config, with its
  overrides, is checked (``sim.runner.check``) before the first run, so a bad value is named
  up front instead of failing every run of one playbook.

Hydra composes the command's own config with the default playbook, which may lack the
lever: :func:`for_hydra` hands Hydra the lever as ``++strategies.<key>=value`` (the jobs are
composed from their own overrides, :func:`per_playbook`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sim.errors import ConfigError

PREFIX = "strategies."


def lever_key(override: str) -> str | None:
    """The key of a lever override (``strategies.x=v``, ``++strategies.x=v``), else None."""
    if override.startswith("-") or "=" not in override:
        return None
    key = override.split("=", 1)[0]
    key = key[2:] if key.startswith("++") else key
    if key.startswith(("+", "~")) or not key.startswith(PREFIX):
        return None
    return key


def for_hydra(args: Sequence[str]) -> list[str]:
    """The command line with each lever override as ``++key=value`` (Hydra then composes the
    command's config whichever default playbook lacks the lever)."""
    out = []
    for arg in args:
        key = lever_key(arg)
        out.append(f"++{arg}" if key is not None and not arg.startswith("++") else arg)
    return out


def holds(plain: dict[str, Any], key: str) -> bool:
    """Whether the plain config has the dotted ``key``."""
    node: Any = plain
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def per_playbook(
    books: Sequence[str], overrides: Sequence[str], check: bool = True
) -> dict[str, list[str]]:
    """Each playbook's overrides: the common ones, ``playbook=<name>``, and the lever
    overrides it holds (as plain ``key=value``); each config checked when ``check``.

    Args:
        books: the playbooks the command runs.
        overrides: the command line's simulation overrides (no ``playbook=``).
        check: check each playbook's composed config (``sim.runner.check``).

    Raises:
        ConfigError: a lever no playbook holds, or a value a playbook's config refuses.
    """
    from sim.runner import check as check_config
    from sim.runner import compose, to_plain

    levers = [o for o in overrides if lever_key(o) is not None]
    common = [o for o in overrides if lever_key(o) is None]
    out: dict[str, list[str]] = {}
    used: set[str] = set()
    for book in books:
        own = [*common, f"playbook={book}"]
        plain = to_plain(compose(own)) if levers else None
        for lever in levers:
            key = lever_key(lever)
            assert key is not None
            if plain is not None and holds(plain, key):
                own.append(lever.removeprefix("++"))
                used.add(lever)
        out[book] = own
        if check:
            check_config(to_plain(compose(own)))
    for lever in levers:
        if lever not in used:
            key, _, value = lever.removeprefix("++").partition("=")
            raise ConfigError(
                key,
                value,
                f"none of the playbooks {list(books)} has this lever; "
                "see `commsim run playbook=NAME --cfg job` for a playbook's levers",
            )
    return out
