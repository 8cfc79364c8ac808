"""End what a command started when the command is killed: ``python -m experiments.runs.reaper PID``.

A local Ray cluster (``executor=ray`` without ``RAY_ADDRESS``) is started by the command
itself: its GCS server and raylet end with the command, but the agents the raylet starts
(``ray::DashboardAgent``, ``ray::RuntimeEnvAgent``) and workers busy with a task can
outlive a ``kill -9`` of it for minutes. This small process, started in its own session
beside the cluster, notes every descendant of the command twice a second and, once the
command is gone, ends those still running (each recognised by its start time, so a reused
process number is never touched), then exits. psutil reads the process table, on Linux
and elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil

#: seconds between two looks at the command's descendants
EVERY = 0.5
#: seconds the ended processes get to exit after SIGTERM, before SIGKILL
GRACE = 3.0


def watch(pid: int, every: float = EVERY) -> int:
    """Note ``pid``'s descendants until it ends, then end them; returns how many were ended."""
    try:
        command = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return 0
    seen: dict[int, psutil.Process] = {}
    me = os.getpid()
    while True:
        try:
            if not command.is_running() or command.status() == psutil.STATUS_ZOMBIE:
                break
            for child in command.children(recursive=True):
                if child.pid != me:  # the reaper is a child of the command too
                    seen.setdefault(child.pid, child)
        except psutil.NoSuchProcess:
            break
        time.sleep(every)
    left = [p for p in seen.values() if p.is_running()]  # is_running checks the start time
    for process in left:
        try:
            process.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(left, timeout=GRACE)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    return len(left)


def start(pid: int) -> subprocess.Popen[bytes]:
    """Start a reaper of ``pid``'s descendants, in its own session (a kill of ``pid``'s
    process group leaves it running)."""
    return subprocess.Popen(
        [sys.executable, "-m", "experiments.runs.reaper", str(pid)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


if __name__ == "__main__":
    watch(int(sys.argv[1]))
