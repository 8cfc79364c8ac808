"""commsim's world: the community model, its graph, population, metrics and runner.

>>> from sim import build_model, run
>>> result = run(["days=90"])
>>> model = build_model(["playbook=weekly_qa", "days=30"])
>>> model.run()
"""

from sim.errors import CommsimError, ConfigError
from sim.runner import RunResult, build_model, check, compose, run, run_config

__all__ = [
    "CommsimError",
    "ConfigError",
    "RunResult",
    "build_model",
    "check",
    "compose",
    "run",
    "run_config",
]
