"""Show an evaluation run: a terminal table, JSON for machines, an HTML chart for people.

The HTML is self-contained (inline SVG, no scripts, no CDN) and can put several runs side
by side, so two prompt versions or two models compare at a glance.
"""

from __future__ import annotations

import html
from typing import Any

from service.evaluation.merging import merge_summary
from service.evaluation.places import place_summary

RATE_COLUMNS = (
    ("f1", "F1"),
    ("relaxed_f1", "rF1"),
    ("precision", "P"),
    ("recall", "R"),
    ("type_accuracy", "type"),
    ("initiator_accuracy", "init"),
    ("location_accuracy", "loc"),
    ("slot_date_accuracy", "date"),
    ("quantity_accuracy", "qty"),
    ("attribution_accuracy", "attr"),
    ("verified_item_rate", "kept"),
    ("span_valid_rate", "spans ok"),
)


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def table(run: dict[str, Any]) -> str:
    head = [
        "article",
        *(label for _, label in RATE_COLUMNS),
        "ev/gold",
        "drop",
        "calls",
        "tok in/eval/out",
        "s",
    ]
    rows = [head]
    for row in [*run["articles"], run["overall"]]:
        rows.append(
            [
                row["name"] if row["ok"] else f"{row['name']} (FAILED)",
                *(_fmt(row[key]) for key, _ in RATE_COLUMNS),
                f"{row['predicted_events']}/{row['gold_events']}",
                str(row["items_dropped"]),
                str(row["attempts"]),
                f"{row['prompt_tokens']}/{_fmt(row.get('prompt_tokens_evaluated'))}"
                f"/{row['completion_tokens']}",
                f"{row['seconds']:.0f}",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    meta = run["meta"]
    lines.append(
        f"model {meta['model']}  prompt {meta['prompt_version']}  "
        f"schema-valid {meta['schema_valid_rate']:.2f}  articles {len(run['articles'])}"
    )
    if run.get("places"):
        lines.append(place_summary(run["places"]))
    if run.get("merge"):
        lines.append(merge_summary(run["merge"]))
    drops = run["overall"].get("dropped_reasons") or {}
    if drops:
        lines.append("drops: " + ", ".join(f"{r} {n}" for r, n in sorted(drops.items())))
    return "\n".join(lines)


def _bars(runs: list[dict[str, Any]]) -> str:
    """One group of bars per metric, one bar per run."""
    colours = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5"]
    bar, gap, group_gap, height = 14, 2, 22, 160
    width = len(RATE_COLUMNS) * (len(runs) * (bar + gap) + group_gap) + 40
    parts = [f'<svg width="{width}" height="{height + 40}" xmlns="http://www.w3.org/2000/svg">']
    x = 30
    for key, label in RATE_COLUMNS:
        for i, run in enumerate(runs):
            value = run["overall"].get(key) or 0.0
            h = value * height
            parts.append(
                f'<rect x="{x}" y="{height - h + 10:.1f}" width="{bar}" height="{h:.1f}" '
                f'fill="{colours[i % len(colours)]}"><title>{html.escape(label)}: '
                f"{value:.2f}</title></rect>"
            )
            x += bar + gap
        parts.append(
            f'<text x="{x - (len(runs) * (bar + gap)) / 2}" y="{height + 28}" '
            f'font-size="11" text-anchor="middle">{html.escape(label)}</text>'
        )
        x += group_gap
    parts.append("</svg>")
    return "".join(parts)


def html_page(runs: list[dict[str, Any]]) -> str:
    legend = "".join(
        f"<li><b>run {i + 1}</b>: {html.escape(r['meta']['model'])}, "
        f"{html.escape(r['meta']['prompt_version'])}, {html.escape(r['meta']['started_at'])}"
        f" — F1 {_fmt(r['overall']['f1'])}, relaxed F1 {_fmt(r['overall']['relaxed_f1'])}, "
        f"{r['overall']['completion_tokens']} completion tokens, "
        f"{r['overall']['seconds']:.0f} s</li>"
        for i, r in enumerate(runs)
    )
    tables = "".join(
        f"<h2>run {i + 1}</h2><pre>{html.escape(table(r))}</pre>" for i, r in enumerate(runs)
    )
    return (
        "<!doctype html><meta charset='utf-8'><title>Briefing evaluation</title>"
        "<body style='font-family:sans-serif;margin:2em'>"
        f"<h1>Briefing evaluation</h1><ul>{legend}</ul>{_bars(runs)}{tables}</body>"
    )
