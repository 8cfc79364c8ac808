"""Issue 15's misleading messages and special files, as a user meets them: ``python -m
experiments.cli ...`` exits 2 naming the key and the value, without a traceback (the
classes are tested in process by tests/unit/test_q_messages.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

EXAMPLES = [
    (["run", "days", "30"], "days='30'"),
    (["run", "playbook=wéekly_qa"], "playbook='wéekly_qa'"),
    (["run", "community.path=/my", "data/x.txt"], "community.path='/my'"),
    (["compare", "playbooks=baseline,weekly_qa"], "playbooks='baseline,weekly_qa'"),
    (["run", "community=file", "community.path=/dev/zero"], "community.path='/dev/zero'"),
    (["calibrate", "data=/dev/zero"], "data='/dev/zero'"),
    (["ui", "host=no.such.host.invalid"], "host='no.such.host.invalid'"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "named"), EXAMPLES)
def test_commsim_names_key_and_value_with_exit_2(args: list[str], named: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "experiments.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert named in done.stderr and "Traceback" not in done.stderr
