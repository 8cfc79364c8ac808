"""commsim's world: the community model, its graph, population, metrics and runner.

>>> from sim import run
>>> result = run(["days=90"])
"""

from sim.errors import CommsimError, ConfigError
from sim.runner import RunResult, compose, run, run_config

__all__ = ["CommsimError", "ConfigError", "RunResult", "compose", "run", "run_config"]
