"""Run one commsim configuration in this process and print its time and peak memory as JSON.

Used by the benchmark scripts so that every measurement gets a fresh process (peak memory
is the process's own maximum resident set size).
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main() -> None:
    overrides = sys.argv[1:]
    start = time.perf_counter()
    from sim import run  # imports count: a user pays them too

    result = run([*overrides, "run.progress=off"])
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "summary": result.summary}))


if __name__ == "__main__":
    main()
