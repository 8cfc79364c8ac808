"""Every strategy class of the ``strategies`` package, found by looking, never listed by hand."""

from __future__ import annotations

import importlib
import inspect
import pkgutil


def strategy_classes() -> list[type]:
    """Every strategy class (a ``Strategy`` subclass with its own ``Levers``), by ``kind``."""
    import strategies
    from strategies.base import Strategy

    found: dict[str, type] = {}
    for info in sorted(pkgutil.iter_modules(strategies.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"strategies.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            own = cls.__module__ == module.__name__ and "Levers" in vars(cls)
            if own and issubclass(cls, Strategy):
                found[cls.kind] = cls
    return [found[kind] for kind in sorted(found)]
