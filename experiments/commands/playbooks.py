"""``commsim playbooks``: the ready playbooks, one line each."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from omegaconf import DictConfig, OmegaConf

from sim.errors import ConfigError


def playbooks() -> dict[str, str]:
    """Playbook name -> one-line description, from ``configs/playbook/*.yaml``."""
    out = {}
    for item in sorted(files("configs").joinpath("playbook").iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        name = item.name.removesuffix(".yaml")
        try:
            cfg = OmegaConf.create(item.read_text(encoding="utf-8"))
        except Exception as exc:  # a broken playbook file is named, not a traceback
            raise ConfigError(
                f"configs/playbook/{item.name}",
                name,
                f"the YAML does not parse: {str(exc).splitlines()[0]}",
            ) from None
        text = cfg.get("playbook_description", "") if isinstance(cfg, DictConfig) else ""
        out[name] = str(text)
    return out


def main(args: Sequence[str] = ()) -> int:
    """Print every playbook with its description."""
    books = playbooks()
    width = max(len(n) for n in books)
    print("playbooks (commsim run playbook=<name>, commsim compare playbooks=[a,b]):")
    for name, text in books.items():
        print(f"  {name:<{width}}  {text}")
    return 0
