"""The run's summary KPIs, as plain Python numbers.

Definitions (also in docs/model.md):

- ``retention_d30``: of members who joined at least 30 days before the end, the share who
  visited at least once in their days 23-30 after joining.
- ``top10_post_share``: share of all posts written by the 10% of members (everyone who
  ever joined) who posted most; ``top10_poster_share`` the same among posters only.
- ``gini_posts``: Gini coefficient of posts over everyone who ever joined.
- ``roi``: (revenue - cost) / cost, None when nothing was spent; ``cost_per_member``:
  cost per member acquired after day 0 (None when nothing was spent or nobody was
  acquired); ``ltv``: revenue per member who
  ever joined, over the simulated horizon.
- ``post_again_replied`` / ``post_again_unreplied``: among members whose first post was
  at least 30 days before the end, the share who posted again, by whether the first post
  got a reply (Joyce & Kraut 2006).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from agents.states import PROSPECT, Channel


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal, ->1: one holds all)."""
    x = np.sort(np.asarray(x, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def top_share(x: np.ndarray, share: float = 0.1) -> float:
    """Share of the total held by the top ``share`` of entries."""
    total = x.sum()
    if total == 0 or len(x) == 0:
        return 0.0
    k = max(1, int(np.ceil(share * len(x))))
    return float(np.sort(x)[-k:].sum() / total)


def _rate(mask: np.ndarray, among: np.ndarray) -> float | None:
    return float(mask[among].mean()) if among.any() else None


def summarise(model: Any, metrics: pd.DataFrame) -> dict[str, Any]:
    """Every KPI of a finished run."""
    pop, n, end = model.pop, int(model.n_people), int(model.day)
    last = metrics.iloc[-1]
    peak = int(metrics["active"].idxmax())
    joined = pop.state != PROSPECT
    posts = pop.posts[joined]
    posters = posts[posts > 0]
    old = joined & (pop.joined_day <= end - 30)
    first_old = (pop.first_post_day >= 0) & (pop.first_post_day <= end - 30)
    again = pop.posts >= 2
    replied = pop.first_replied == 1
    revenue, cost = float(metrics["revenue"].sum()), float(metrics["cost"].sum())
    acquired = int(np.count_nonzero(joined & (pop.joined_day > 0)))
    out: dict[str, Any] = {
        "seed": int(model.config.seed),
        "days": end,
        "n_people": n,
        "n_ties": int(model.social.n_edges),
        "members_final": int(last["members"]),
        "joined_total": int(last["joined_total"]),
        "churned_total": int(last["churned_total"]),
        "adoption_final": float(last["joined_total"]) / n,
        "peak_active": int(metrics["active"].iloc[peak]),
        "peak_active_day": int(metrics["day"].iloc[peak]),
        "active_final": int(last["active"]),
        "mean_active": float(metrics["active"].iloc[1:].mean()) if len(metrics) > 1 else 0.0,
        "commitment_final": float(last["mean_commitment"]),
        "posts_total": int(metrics["posts"].sum()),
        "replies_total": int(metrics["replies"].sum()),
        "retention_d30": _rate(pop.active_d23_30 == 1, old),
        "sentiment_final": float(last["sentiment"]),
        "revenue_total": revenue,
        "cost_total": cost,
        "roi": (revenue - cost) / cost if cost > 0 else None,
        "cost_per_member": cost / acquired if acquired and cost > 0 else None,
        "ltv": revenue / int(joined.sum()) if joined.any() else 0.0,
        "top10_post_share": top_share(posts, 0.1),
        "top10_poster_share": top_share(posters, 0.1),
        "share_never_posted": float(np.mean(posts == 0)) if len(posts) else 0.0,
        "gini_posts": gini(posts),
        "post_again_replied": _rate(again, first_old & replied),
        "post_again_unreplied": _rate(again, first_old & ~replied),
        "peak_gravity": float(metrics["gravity"].max()),
        "budget_exhausted_day": int(model.budget_exhausted_day),
    }
    for item, amount in sorted(model.cost_by_item.items()):
        out[f"cost_{item}"] = float(amount)
    for ch in (Channel.ORGANIC, Channel.WOM, Channel.SEEDED, Channel.ADS, Channel.PARTNER):
        out[f"joined_{ch.name.lower()}"] = int(np.count_nonzero(pop.channel == ch.value))
    return out
