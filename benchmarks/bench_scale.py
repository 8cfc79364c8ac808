"""Time and peak memory of the default behaviour at scale (BA graph, m=5, 365 days).

    python benchmarks/bench_scale.py                 # 100,000 and 1,000,000 people
    python benchmarks/bench_scale.py --sizes 100000 --repeats 3

Each run is a fresh process (graph building, setup and imports included); the script
prints the median seconds and peak memory per size against the targets.
"""

from __future__ import annotations

import argparse

from common import median, run_child, table

#: people -> (seconds, GB) targets on the 2-core machine
TARGETS = {100_000: (10.0, 1.5), 1_000_000: (180.0, 8.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--extra", nargs="*", default=[], help="more overrides, e.g. playbook=x")
    parser.add_argument(
        "--target-seconds",
        type=float,
        default=None,
        help="time target (default: 10 s at 100k, 180 s at 1M)",
    )
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        runs = [
            run_child(
                [
                    "community=ba",
                    f"community.n={n}",
                    "community.m=5",
                    f"days={args.days}",
                    *args.extra,
                ]
            )
            for _ in range(args.repeats)
        ]
        secs = median([r["seconds"] for r in runs])
        peak = max(r["peak_bytes"] for r in runs) / 1e9
        target_s, target_gb = TARGETS.get(n, (float("nan"), float("nan")))
        target_s = args.target_seconds or target_s
        rows.append(
            {
                "people": f"{n:,}",
                "days": args.days,
                "median_s": f"{secs:.2f}",
                "peak_GB": f"{peak:.2f}",
                "target_s": target_s,
                "target_GB": target_gb,
                "member_days_per_s": f"{n * args.days / secs:,.0f}",
                "ok": "yes" if secs <= target_s and peak <= target_gb else "NO",
            }
        )
        print(
            f"{n:,} people: median {secs:.2f} s over {args.repeats}, peak {peak:.2f} GB", flush=True
        )
    print()
    print(table(rows, list(rows[0])))


if __name__ == "__main__":
    main()
