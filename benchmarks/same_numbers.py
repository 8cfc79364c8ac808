"""Same seed, same numbers: record a commsim version's outputs and compare two records.

Records, for every playbook, one ``commsim run`` (2,000 people, 120 days, seed 0) and the
``make demo`` comparison (three playbooks, five replications), then compares two records
value by value. Used before and after a change that must not change results:

    python benchmarks/same_numbers.py record outputs/after
    python benchmarks/same_numbers.py record outputs/before --ref 713465d   # an older commit
    python benchmarks/same_numbers.py diff outputs/before outputs/after

``--ref REV`` checks REV out into a temporary git worktree and records it there (its own
sources and configs first on the import path). ``diff`` exits 1 when anything differs and
lists each playbook, file and column that does.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from common import checkout

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUN_SIZE = ["community.n=2000", "days=120", "seed=0", "run.progress=off"]
IGNORED = ("key", "config_key")
DEMO = ["playbooks=[baseline,weekly_qa,welcome_newcomers]", "reps=5"]


def playbook_names(root: Path) -> list[str]:
    """The playbooks of a checkout (``configs/playbook/*.yaml``)."""
    return sorted(p.stem for p in (root / "configs" / "playbook").glob("*.yaml"))


def record(out: Path, root: Path) -> None:
    """Run every playbook and the demo comparison with the code at ``root``; save to ``out``."""
    env = dict(os.environ, PYTHONPATH=str(root))
    out.mkdir(parents=True, exist_ok=True)
    for name in playbook_names(root):
        run_dir = out / "playbooks" / name
        cmd = [
            sys.executable,
            "-m",
            "experiments.cli",
            "run",
            f"playbook={name}",
            *RUN_SIZE,
            f"hydra.run.dir={run_dir}",
        ]
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"run {name} failed:\n{proc.stderr}")
        print(f"recorded {name}", flush=True)
    cmd = [
        sys.executable,
        "-m",
        "experiments.cli",
        "compare",
        *DEMO,
        f"hydra.run.dir={out / 'demo'}",
    ]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"demo compare failed:\n{proc.stderr}")
    print(f"recorded the demo comparison into {out}")


def record_ref(out: Path, ref: str) -> None:
    """Record the outputs of commit ``ref`` (checked out into a temporary worktree)."""
    with checkout(ref) as tree:
        record(out.resolve(), tree)


def _tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every comparable table of one record, by relative path."""
    out: dict[str, pd.DataFrame] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if rel.startswith("demo/runs/"):  # the run store: files named by config hash
            continue
        if path.suffix == ".parquet":
            out[rel] = pd.read_parquet(path)
        elif path.name in ("summary.csv", "differences.csv", "ranking.csv"):
            out[rel] = pd.read_csv(path)
        elif path.name == "summary.json":
            out[rel] = pd.read_json(path, typ="series").to_frame("value")
    for key, frame in out.items():  # config hashes change with how defaults are written
        out[key] = frame.drop(columns=[c for c in IGNORED if c in frame.columns])
        if "value" in frame.columns:
            out[key] = frame.drop(index=[i for i in IGNORED if i in frame.index])
    return out


def diff(before: Path, after: Path) -> int:
    """Compare two records; print what differs; 0 when identical."""
    a, b = _tables(before), _tables(after)
    problems = [f"only in {before}: {k}" for k in sorted(set(a) - set(b))]
    problems += [f"only in {after}: {k}" for k in sorted(set(b) - set(a))]
    compared = 0
    for key in sorted(set(a) & set(b)):
        x, y = a[key], b[key]
        compared += 1
        if list(x.columns) != list(y.columns):
            extra = set(x.columns) ^ set(y.columns)
            problems.append(f"{key}: columns differ ({', '.join(map(str, sorted(extra)))})")
            continue
        if x.shape != y.shape:
            problems.append(f"{key}: shape {x.shape} vs {y.shape}")
            continue
        for col in x.columns:
            if not x[col].reset_index(drop=True).equals(y[col].reset_index(drop=True)):
                problems.append(f"{key}: column {col} differs")
    for line in problems:
        print(line)
    print(f"{compared} tables compared, {len(problems)} differences")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    """Command line: ``record OUT [--ref REV]`` or ``diff BEFORE AFTER``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run every playbook and the demo; save the outputs")
    rec.add_argument("out", type=Path)
    rec.add_argument("--ref", help="a git revision to record instead of this checkout")
    dif = sub.add_parser("diff", help="compare two records")
    dif.add_argument("before", type=Path)
    dif.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "diff":
        return diff(args.before, args.after)
    if args.ref:
        record_ref(args.out, args.ref)
    else:
        record(args.out.resolve(), ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
