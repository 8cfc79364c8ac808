"""``commsim playbooks [--config-dir=DIR]``: the ready playbooks, one line each, then yours.

With ``--config-dir=DIR`` (a project folder, ``commsim init DIR``), the playbooks of
``DIR/playbook/*.yaml`` are listed after commsim's, marked ``(yours)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim import project
from sim.errors import ConfigError


def playbooks(config_dir: str | Path | None = None) -> dict[str, str]:
    """Playbook name -> one-line description: ``configs/playbook/*.yaml``, then the
    project folder's ``playbook/*.yaml`` (default: this process's folder, ``--config-dir``).
    """
    folder = project.config_dir() if config_dir is None else project.check_config_dir(config_dir)
    out = descriptions(files("configs").joinpath("playbook").iterdir(), "configs/playbook")
    if folder is not None and (folder / "playbook").is_dir():
        out.update(descriptions((folder / "playbook").iterdir(), str(folder / "playbook")))
    return out


def user_playbooks(config_dir: str | Path | None = None) -> list[str]:
    """The names of the project folder's playbooks (default: this process's folder)."""
    return project.user_options("playbook", config_dir)


def descriptions(items: Iterable[Traversable | Path], where: str) -> dict[str, str]:
    """Name -> ``playbook_description`` of the YAML files among ``items``, by name."""
    out = {}
    for item in sorted(items, key=lambda p: p.name):
        if not item.name.endswith(".yaml"):
            continue
        name = item.name.removesuffix(".yaml")
        try:
            cfg = OmegaConf.create(item.read_text(encoding="utf-8"))
        except Exception as exc:  # a broken playbook file is named, not a traceback
            raise ConfigError(
                f"{where}/{item.name}",
                name,
                f"the YAML does not parse: {str(exc).splitlines()[0]}",
            ) from None
        text = cfg.get("playbook_description", "") if isinstance(cfg, DictConfig) else ""
        out[name] = str(text)
    return out


def main(args: Sequence[str] = ()) -> int:
    """Print every playbook with its description (the user's marked ``(yours)``)."""
    from experiments.runs.hydra_app import config_dir_option

    folder, rest = config_dir_option(args)
    if rest:
        raise ConfigError(
            "playbooks", " ".join(rest), "takes only --config-dir=DIR (your project folder)"
        )
    project.use_config_dir(folder)
    books = playbooks(folder)
    yours = set(user_playbooks(folder))
    names = {n: f"{n} (yours)" if n in yours else n for n in books}
    width = max(len(n) for n in names.values())
    flag = f" --config-dir={folder}" if folder is not None else ""
    print(f"playbooks (commsim run{flag} playbook=<name>, commsim compare{flag} playbooks=[a,b]):")
    for name, text in books.items():
        print(f"  {names[name]:<{width}}  {text}")
    if folder is not None and not yours:
        print(f"\n{folder / 'playbook'} holds no playbook yet (commsim init makes two examples)")
    return 0
