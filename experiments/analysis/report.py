"""The comparison report: one self-contained ``report.html`` that opens with the decision.

Order (what a strategist reads first comes first): the decision (``id="decision"``: the
recommended plan, its effect over the baseline in units with its 95% interval, the cost of
an extra member, how often it beat the runner-up, when the money ran out, the caveat); the
plans at a glance; plans x scenarios (with more than one scenario); the settings of every
plan and scenario (overrides, crises, budget); the charts; the KPIs by segment; then, folded
away, the full KPI table, the paired tests and the definitions. Every plot is embedded as
base64, so the file can be mailed or archived on its own. Language: ``lang`` (``en``,
``zh``), through the translation catalogue.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import charts
from experiments.analysis.labels import Labels
from experiments.i18n import N_
from sim.io import write_text
from sim.kpis import KPIS

#: the plans-at-a-glance columns
GLANCE = [
    "members_final",
    "incremental_members",
    "mean_active",
    "retention_d30",
    "revenue_total",
    "cost_total",
    "cost_per_incremental_member",
    "incremental_roi",
    "budget_exhausted_day",
]
#: the budget's pacing as a person reads it (``strategies.budget.pacing``)
PACING = {"even": N_("spread evenly"), "front": N_("front-loaded"), "asap": N_("spent at once")}
#: the by-segment columns
SEGMENT_COLUMNS = [
    "members_final",
    "incremental_members",
    "active_members_final",
    "conversion",
    "revenue_total",
]


def tag(name: str, text: str, css: str = "") -> str:
    """``<name class="css">text</name>``, the text escaped."""
    attr = f' class="{css}"' if css else ""
    return f"<{name}{attr}>{html.escape(text)}</{name}>"


def _img(path: Path | None, alt: str) -> str:
    if path is None:
        return ""
    data = base64.b64encode(path.read_bytes()).decode()
    mime = "image/svg+xml" if path.suffix == ".svg" else "image/png"  # charts.save_figure
    return f'<img alt="{html.escape(alt)}" src="data:{mime};base64,{data}">'


def _cell(lab: Labels, kpi: str, row: pd.Series | None) -> str:
    """A mean with its unit, and its 95% interval in brackets below it."""
    _ = lab.t
    if row is None or pd.isna(row["mean"]):
        return _("n/a") if kpi != "budget_exhausted_day" else _("never")
    text = html.escape(lab.value(kpi, row["mean"], sign=kpi.startswith("incremental")))
    if row["ci_low"] != row["ci_high"] and not pd.isna(row["ci_low"]):
        low = lab.value(kpi, row["ci_low"], units=False)
        high = lab.value(kpi, row["ci_high"], units=False)
        text += f'<br><span class="ci">[{html.escape(low)}, {html.escape(high)}]</span>'
    return text


def _table(
    head: list[str], rows: list[list[str]], first_is_name: bool = True, text: int = 0
) -> str:
    """An HTML table of cells already escaped; the first ``text`` columns are text."""
    out = ['<table class="t"><thead><tr>']
    out += [f"<th>{html.escape(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        cells = [
            f'<td class="name">{c}</td>'
            if i == 0 and first_is_name
            else f'<td class="text">{c}</td>'
            if i < text
            else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def kpi_grid(
    summary: pd.DataFrame, kpis: list[str], books: list[str], lab: Labels, by: str = "playbook"
) -> str:
    """Plans as rows, KPIs as columns: mean with its 95% interval, in units."""
    _ = lab.t
    index = {(r[by], r["kpi"]): r for _, r in summary.iterrows()}
    shown = [k for k in kpis if any((b, k) in index for b in books)]
    rows = [
        [html.escape(str(b))] + [_cell(lab, k, index.get((b, k))) for k in shown] for b in books
    ]
    return _table([_("plan")] + [lab.kpi(k) for k in shown], rows)


def settings_html(options: dict[str, Any], overrides: list[str], lab: Labels) -> str:
    """Every setting that shapes the runs: the command line's, each plan's, each scenario's."""
    from experiments.commands.compare import COMPARE_KEYS
    from experiments.commands.playbooks import playbooks
    from experiments.runs.hydra_app import strip_keys
    from sim.runner import compose, to_plain, with_budget_keys
    from strategies.budget import BudgetLevers

    _ = lab.t
    given = strip_keys(overrides, (*COMPARE_KEYS, "seed", "playbook"))
    items = [tag("li", _("command line: {command}").format(command=" ".join(given) or "-"))]
    described = playbooks()
    rows = []
    for book in options["playbooks"]:
        cfg = compose([*given, f"playbook={book}"])
        plain = to_plain(cfg)
        strategies, _renames = with_budget_keys(plain.get("strategies") or {}, plain)
        budget = strategies.get("budget")
        if budget:
            money = lab.value("cost_total", budget.get("total"))
            pacing = budget.get("pacing") or BudgetLevers().pacing
            money += " (" + _(PACING.get(pacing, pacing)) + ")"
        else:
            money = _("none")
        crises = ", ".join(
            _("day {day}: {share} of members, severity {severity}").format(**c)
            for c in (cfg.get("crises") or [])
        )
        rows.append(
            [
                html.escape(book),
                html.escape(described.get(book, "")),
                html.escape(", ".join(sorted(strategies)) or "-"),
                html.escape(money),
                html.escape(crises or _("none")),
            ]
        )
    head = [_("plan"), _("what it does"), _("strategies"), _("budget"), _("crises")]
    scen = [
        [
            html.escape(s.name),
            html.escape(s.description),
            html.escape("; ".join(s.settings()) or "-"),
        ]
        for s in options["scenarios"]
    ]
    return (
        "<ul>"
        + "".join(items)
        + tag(
            "li",
            _("days simulated: {days}; replications: {reps}; seeds {first} to {last}").format(
                days=compose(given).days,
                reps=options["reps"],
                first=options["seed"],
                last=options["seed"] + options["reps"] - 1,
            ),
        )
        + "</ul>"
        + _table(head, rows, text=5)
        + _table([_("scenario"), _("what it assumes"), _("settings")], scen, text=3)
    )


def provenance_html(out: Path, lab: Labels) -> str:
    """What made the results: commsim's and the model's versions, the commit, Python, the
    date and the command line (the folder's ``provenance.json``, else this process's)."""
    from experiments.runs import provenance

    _ = lab.t
    made = provenance.read(out) or provenance.record()
    version = _("commsim {version}, model version {model}").format(
        version=made.get("commsim", "-"), model=made.get("model_version", "-")
    )
    items = [version]
    git = made.get("git")
    if isinstance(git, dict) and git.get("commit"):
        commit = str(git["commit"])[:12]
        if git.get("dirty"):
            items.append(_("git commit {commit}, with local changes").format(commit=commit))
        else:
            items.append(_("git commit {commit}").format(commit=commit))
    items += [
        _("Python {version} on {platform}").format(
            version=made.get("python", "-"), platform=made.get("platform", "-")
        ),
        _("made on {date}").format(date=made.get("created", "-")),
        _("command line: {command}").format(command=" ".join(made.get("command") or []) or "-"),
    ]
    note = _("Every version, the command line and the resolved config: {file}").format(
        file=provenance.FILE
    )
    return "<ul>" + "".join(tag("li", item) for item in items) + "</ul>" + tag("p", note, "note")


def scenario_grid(result: Any, options: dict[str, Any], lab: Labels) -> str:
    """Plans x scenarios: the ranking KPI's mean, the winner of each scenario marked."""
    _ = lab.t
    kpi, books = options["rank_by"], options["playbooks"]
    part = result.summary[result.summary["kpi"] == kpi]
    winners = result.ranking[result.ranking["rank"] == 1].set_index("scenario")["playbook"]
    rows = []
    for book in books:
        row = [html.escape(book)]
        for s in options["scenarios"]:
            hit = part[(part["playbook"] == book) & (part["scenario"] == s.name)]
            cell = _cell(lab, kpi, hit.iloc[0] if len(hit) else None)
            row.append(f"<b>{cell}</b>" if winners.get(s.name) == book else cell)
        rows.append(row)
    wins = result.decision.wins if result.decision is not None else {}
    for row, book in zip(rows, books, strict=True):
        row.append(str(wins.get(book, 0)))
    head = [_("plan"), *[s.name for s in options["scenarios"]], _("scenarios won")]
    return _table(head, rows)


def segment_grid(segments: pd.DataFrame, options: dict[str, Any], lab: Labels) -> str:
    """Per segment and plan (first scenario): members, extra members, conversion, revenue."""
    _ = lab.t
    if segments.empty:
        return ""
    first = options["scenarios"][0].name
    part = segments[segments["scenario"] == first] if "scenario" in segments else segments
    index = {(r["segment"], r["playbook"], r["kpi"]): r for _, r in part.iterrows()}
    rows = []
    for seg in dict.fromkeys(part["segment"]):
        for book in options["playbooks"]:
            cells = [_cell(lab, k, index.get((seg, book, k))) for k in SEGMENT_COLUMNS]
            rows.append([html.escape(str(seg)), html.escape(book), *cells])
    head = [_("segment"), _("plan"), *[lab.kpi(k) for k in SEGMENT_COLUMNS]]
    return _table(head, rows, text=2)


def p_value(p: float, lab: Labels) -> str:
    """A p-value people read: ``< 0.001`` or three decimals."""
    _ = lab.t
    if pd.isna(p):
        return _("n/a")
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def tests_table(differences: pd.DataFrame, lab: Labels) -> str:
    """The paired tests, readable: difference with its interval, p-values, effect size."""
    rows = []
    for _i, r in differences.iterrows():
        k = r["kpi"]
        rows.append(
            [
                html.escape(str(r.get("scenario", ""))),
                html.escape(str(r["playbook"])),
                html.escape(lab.kpi(k)),
                html.escape(lab.value(k, r["diff"], sign=True)),
                html.escape(lab.interval(k, r["diff_low"], r["diff_high"])),
                p_value(r["p_ttest"], lab),
                p_value(r["p_wilcoxon"], lab),
                lab.number(r["effect_dz"], 2),
            ]
        )
    _ = lab.t
    head = [
        _("scenario"),
        _("plan"),
        _("KPI"),
        _("difference"),
        _("95% interval"),
        _("paired t-test p"),
        _("Wilcoxon p"),
        _("effect size d_z"),
    ]
    return _table(head, rows, first_is_name=False, text=3)


def definitions(kpis: list[str], lab: Labels) -> str:
    """Every KPI shown, with its definition (the ``how`` of ``sim.kpis``)."""
    _ = lab.t
    rows = [
        [
            html.escape(lab.kpi(k)),
            f"<code>{k}</code>",
            html.escape(KPIS[k].how or KPIS[k].reduce.value),
        ]
        for k in kpis
        if k in KPIS
    ]
    return _table([_("KPI"), _("key"), _("definition")], rows, text=3)


def write_report(result: Any, options: dict[str, Any], overrides: list[str] | None = None) -> Path:
    """Every chart and ``report.html`` into the comparison's folder."""
    lab = Labels(options["lang"], options["currency"])
    _, out, books = lab.t, result.out_dir, options["playbooks"]
    first = options["scenarios"][0].name
    runs = (
        result.runs[result.runs["scenario"] == first] if "scenario" in result.runs else result.runs
    )
    per = result.per_run[result.per_run["scenario"] == first]
    summary = result.summary[result.summary["scenario"] == first]
    plots = out / "plots"
    from experiments.runs.store import RunStore

    trans = RunStore(out).transitions(set(per["key"]))
    figs = [
        (charts.effects_plot(per, books, books[0], lab, plots / "effects.png"), _("effects")),
        (charts.curves_plot(runs, books, lab, plots / "curves.png"), _("daily curves")),
        (charts.cost_plot(per, books, lab, plots / "cost.png"), _("cost")),
        (charts.channels_plot(per, books, lab, plots / "channels.png"), _("channels")),
        (charts.transitions_plot(trans, books, lab, plots / "level_transitions.png"), _("levels")),
    ]
    decision = result.decision.lines(lab) if result.decision is not None else []
    sections = [
        '<section id="decision">'
        + tag("h2", _("Decision"))
        + "".join(tag("p", line) for line in decision)
        + "</section>",
        tag("h2", _("The plans at a glance"))
        + tag("p", _("Scenario: {name}").format(name=first), "note")
        + kpi_grid(summary, GLANCE, books, lab),
    ]
    if len(options["scenarios"]) > 1:
        note = _("{kpi}; bold: the best plan of the scenario").format(
            kpi=lab.kpi(options["rank_by"])
        )
        sections.append(
            tag("h2", _("Plans x scenarios"))
            + tag("p", note, "note")
            + scenario_grid(result, options, lab)
        )
    sections += [
        tag("h2", _("Settings")) + settings_html(options, overrides or [], lab),
        tag("h2", _("Provenance")) + provenance_html(out, lab),
        tag("h2", _("Charts")) + "\n".join(_img(p, a) for p, a in figs),
        tag("h2", _("By segment")) + segment_grid(result.segments, options, lab),
        "<details>"
        + tag("summary", _("Appendix: every KPI, paired tests, definitions"))
        + tag("h3", _("Every KPI (mean and 95% interval)"))
        + kpi_grid(summary, options["kpis"], books, lab)
        + tag("h3", _("Paired differences against the baseline"))
        + tag("p", _(PAIRED_NOTE), "note")
        + tests_table(result.differences, lab)
        + tag("h3", _("Definitions"))
        + definitions(options["kpis"], lab)
        + "</details>",
    ]
    if result.failed:
        failed = _("{n} runs failed: see {path}").format(n=len(result.failed), path="errors.json")
        sections.insert(1, f'<p class="warn">{html.escape(failed)}</p>')
    missing = getattr(result, "missing", [])  # playbooks lacking runs (commands.compare)
    if missing:
        lacking = _("results lacking runs: {what}").format(what="; ".join(missing))
        sections.insert(1, f'<p class="warn">{html.escape(lacking)}</p>')
    title = _("commsim comparison: {plans}").format(plans=", ".join(books))
    page = TEMPLATE.format(
        lang="zh-CN" if lab.lang == "zh" else "en",
        title=html.escape(title),
        meta=html.escape(
            _(
                "{plans} plans x {scenarios} scenarios x {reps} replications, common random "
                "numbers; baseline: {baseline}; ranked by {kpi}"
            ).format(
                plans=len(books),
                scenarios=len(options["scenarios"]),
                reps=options["reps"],
                baseline=books[0],
                kpi=lab.kpi(options["rank_by"]),
            )
        ),
        body="\n".join(sections),
    )
    return write_text(out / "report.html", page)


PAIRED_NOTE = N_(
    "Replication r uses the same seed for every plan, so each difference is paired. The "
    "paired t-test and the Wilcoxon signed-rank test (with at least 6 non-zero pairs) ask "
    "whether the difference could be zero; d_z is the mean difference over the standard "
    "deviation of the differences."
)

TEMPLATE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
  margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }}
#decision {{ background: #eef5ee; border-left: 6px solid #2e7d32; padding: 0.6em 1.2em;
  font-size: 1.08em; }}
#decision p {{ margin: 0.45em 0; }}
table.t {{ border-collapse: collapse; font-size: 0.88em; margin: 0.5em 0 1.5em; }}
table.t th, table.t td {{ padding: 0.3em 0.7em; border-bottom: 1px solid #ddd;
  text-align: right; vertical-align: top; }}
table.t th {{ background: #f4f4f4; }}
table.t td.name {{ text-align: left; font-weight: 600; }}
table.t td {{ white-space: nowrap; }}
table.t td.text, table.t th {{ text-align: left; white-space: normal; }}
.ci {{ color: #666; font-size: 0.85em; }}
img {{ max-width: 100%; display: block; margin: 1em 0; }}
.note {{ color: #555; font-size: 0.9em; }}
.warn {{ color: #a00; }}
details {{ margin-top: 2em; }}
summary {{ cursor: pointer; font-weight: 600; }}
</style></head><body>
<h1>{title}</h1>
<p class="note">{meta}</p>
{body}
</body></html>
"""
