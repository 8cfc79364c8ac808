"""commsim against Mesa's own VirusOnNetwork, side by side in one run.

Both are simple contagions on a random graph of the same size and mean degree:
VirusOnNetwork steps one Python agent at a time; commsim runs
``behaviour=diffusion acquisition.rule=bass`` on arrays. The script prints seconds per
member-day (graph building, setup and every step included, imports excluded) for each,
medians over interleaved repeats, and the ratio (target: commsim >= 200x faster).

    python benchmarks/bench_vs_mesa.py --people 10000 --days 100 --repeats 3
"""

from __future__ import annotations

import argparse
import logging
import time

from common import median, table

logging.getLogger("MESA").setLevel(logging.WARNING)


def time_virus(people: int, days: int, seed: int) -> float:
    """Seconds for VirusOnNetwork to build and run ``days`` steps."""
    from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

    start = time.perf_counter()
    model = VirusOnNetwork(
        num_nodes=people,
        avg_node_degree=4,
        initial_outbreak_size=10,
        virus_spread_chance=0.1,
        seed=seed,
    )
    for _ in range(days):
        model.step()
    return time.perf_counter() - start


def time_commsim(people: int, days: int, seed: int) -> tuple[float, float]:
    """Seconds for commsim's agent-based Bass diffusion: (build + steps, config composition).

    Like VirusOnNetwork(...) and its steps, the first figure covers building the graph,
    the population and the model, and every day. Composing the Hydra config (the
    command-line layer, which VirusOnNetwork does not have) is timed separately.
    """
    from sim.model import CommunityModel
    from sim.runner import compose, prepare

    start = time.perf_counter()
    settings, strategies = prepare(
        compose(
            [
                "behaviour=diffusion",
                "acquisition.rule=bass",
                "community=ba",
                f"community.n={people}",
                "community.m=2",
                f"days={days}",
                "initial_members=10",
                f"seed={seed}",
                "run.progress=off",
            ]
        )
    )
    composed = time.perf_counter()
    model = CommunityModel(settings, strategies=strategies)
    model.run()  # each day collects its metrics, like VirusOnNetwork's DataCollector
    return time.perf_counter() - composed, composed - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    member_days = args.people * args.days
    time_commsim(200, 5, seed=0)  # warm imports and caches for both, outside the timings
    time_virus(200, 5, seed=0)
    virus, commsim, config = [], [], []
    for rep in range(args.repeats):  # interleaved, so both see the same machine load
        virus.append(time_virus(args.people, args.days, seed=rep))
        run_s, config_s = time_commsim(args.people, args.days, seed=rep)
        commsim.append(run_s)
        config.append(config_s)
        print(
            f"repeat {rep + 1}: VirusOnNetwork {virus[-1]:.3f} s, commsim {run_s:.4f} s "
            f"(+ {config_s:.3f} s config)",
            flush=True,
        )
    v, c = median(virus) / member_days, median(commsim) / member_days
    c_all = (median(commsim) + median(config)) / member_days
    rows = [
        {
            "model": "mesa VirusOnNetwork",
            "median_s": f"{median(virus):.3f}",
            "s_per_member_day": f"{v:.3e}",
        },
        {
            "model": "commsim bass diffusion",
            "median_s": f"{median(commsim):.4f}",
            "s_per_member_day": f"{c:.3e}",
        },
        {
            "model": "  + Hydra config composition",
            "median_s": f"{median(commsim) + median(config):.4f}",
            "s_per_member_day": f"{c_all:.3e}",
        },
    ]
    print()
    print(table(rows, ["model", "median_s", "s_per_member_day"]))
    print(
        f"\ncommsim is {v / c:,.0f}x faster per member-day (target >= 200x), "
        f"{v / c_all:,.0f}x counting config composition; {args.people:,} people, "
        f"{args.days} days, graph building included, median of {args.repeats}"
    )


if __name__ == "__main__":
    main()
