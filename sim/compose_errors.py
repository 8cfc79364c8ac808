"""Hydra's composition errors as commsim's: the key, the value and the fix.

:func:`sim.runner.compose` turns what Hydra raises while composing (an unknown option of a
group, an unknown key, a list written without brackets, a group given a number) into a
:class:`~sim.errors.ConfigError`; what Hydra's grammar cannot read is refused before, by
:func:`sim.overrides.check_overrides`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim import project
from sim.errors import ConfigError


def hydra_error(exc: Exception, overrides: Sequence[str]) -> ConfigError:
    """Turn a Hydra composition error into a ConfigError naming key, value and fix."""
    text = str(exc).strip()
    for item in overrides:
        key, _, value = item.lstrip("+~").partition("=")
        if len(value) > 1 and value[0] in "'\"" and value[-1] == value[0]:
            value = value[1:-1]  # named as typed (commsim quotes values beyond ASCII)
        group = key.split(".")[0]
        if f"Ambiguous value for argument '{item}'" in text:
            return ConfigError(
                key,
                value,
                f"a list is written in brackets: {key}=[{value}]; to run once per value, add "
                f"-m ({key}={value} -m); a text holding commas goes in quotes: \"{key}='{value}'\"",
            )
        if f"Error merging override {item}" in text:
            cause = (str(exc.__cause__ or "") or text).splitlines()[0]
            return ConfigError(key, value, f"it does not fit that key ({cause})")
        if f"Could not find '{group}/{value}'" in text and "/" not in key:
            return ConfigError(
                key, value, f"no such {group}; use one of: {project.options_text(group)}"
            )
        if f"'{key}/" in text or f"Could not find '{group}/{value}'" in text:
            return ConfigError(key, value, text.replace("\n", " ").replace("\t", " "))
        if f"'{key}'" in text or f"Key '{key.split('.')[-1]}'" in text:
            why = str(exc.__cause__ or "").splitlines()[:1]
            return ConfigError(
                key,
                value,
                "no such key; see `commsim run --cfg job` for "
                "every key (" + "; ".join([text.splitlines()[0], *why]) + ")",
            )
    return ConfigError("overrides", " ".join(overrides), text.replace("\n", " "))


def group_value_error(exc: ValueError, overrides: Sequence[str]) -> ConfigError:
    """A group given a number, ``null`` or a dictionary (``playbook=inf``): its options."""
    for item in overrides:
        key, _, value = item.lstrip("+~").partition("=")
        options = project.options_text(key) if "." not in key else ""
        if options and value not in options.split(", ") and not value.startswith("'"):
            return ConfigError(key, value, f"give the name of one: {options}")
    return ConfigError("overrides", " ".join(overrides), str(exc).splitlines()[0])
