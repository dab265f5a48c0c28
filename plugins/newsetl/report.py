"""A self-contained HTML report of the published warehouse: one file, no network.

Every chart is inline SVG drawn here from the marts (sql/views/), so the file opens
anywhere, including offline and in mail. Each chart is an ``<svg class="chart">`` with a
``data-chart`` name; a few lines of inline script measure what the browser drew into
``#render-check``, which the headless-browser test reads.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newsetl.settings import PROJECT_ROOT, Settings
from newsetl.warehouse import connect_published

REPORT_SQL_DIR = PROJECT_ROOT / "sql" / "report"
PALETTE = (
    "#3b6ea8",
    "#d1803a",
    "#4f9a5b",
    "#b8464b",
    "#7b62a3",
    "#8c6d4f",
    "#c769a5",
    "#6b7b8c",
    "#a7a13a",
    "#3aa1a7",
)
CHARTS = (
    "top_entities",
    "trending_entities",
    "topic_share",
    "cooccurrence_network",
    "top_stories",
    "source_health",
    "validation",
)


@dataclass(frozen=True)
class Section:
    """One part of the report: a title, a chart and an optional table or note."""

    chart: str
    title: str
    svg: str
    note: str = ""


def write_report(settings: Settings, out: Path) -> Path:
    """Query the published warehouse read-only and write one HTML file with charts."""
    with connect_published(settings) as con:
        day = _scalar(con, "select max(published_date) from stg_articles")
        sections = [
            _top_entities(con),
            _trending(con),
            _topic_share(con),
            _network(con),
            _stories(con, _scalar(con, "select max(day) from daily_top_stories")),
            _source_health(con),
            _validation(con),
        ]
        totals = _rows(con, "totals.sql")[0]
    page = _page(settings, day, totals, sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(f".{out.name}.writing")
    staging.write_text(page, encoding="utf-8")
    staging.replace(out)  # a reader of the report never sees half a file
    return out


def _top_entities(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, "top_entities.sql")
    bars = [(f"{r['name']} · {r['entity_type']}", r["articles"]) for r in rows]
    return Section("top_entities", "Top entities (articles mentioning them)", _bars(bars))


def _trending(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, "trending.sql")
    bars = [(f"{r['name']} ({r['articles']})", r["z_score"]) for r in rows]
    day = rows[0]["day"] if rows else None
    note = (
        f"Latest day with an entity at the minimum volume: {day}. "
        "Score: articles that day against the 14 days before (z-score)."
        if day
        else "No entity reached the minimum volume (3 articles in a day) yet."
    )
    return Section("trending_entities", "Trending entities", _bars(bars, digits=2), note)


def _topic_share(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, "topic_share.sql")
    days = sorted({r["day"] for r in rows})
    topics = list(dict.fromkeys(r["label"] for r in rows))
    share = {(r["day"], r["label"]): r["share"] for r in rows}
    return Section(
        "topic_share",
        "Topic share by day (top-level topics)",
        _stacked_columns(days, topics, share),
    )


def _network(con: duckdb.DuckDBPyConnection) -> Section:
    nodes = _rows(con, "network_nodes.sql")
    edges = _rows(con, "network_edges.sql")
    return Section(
        "cooccurrence_network",
        "Who appears with whom (top entities, edges = shared articles)",
        _network_svg(nodes, edges),
    )


def _stories(con: duckdb.DuckDBPyConnection, day: date | None) -> Section:
    rows = _rows(con, "top_stories.sql")
    bars = [(r["headline"] or r["story_id"], r["articles"]) for r in rows]
    table = _table(
        ["#", "headline", "articles", "outlets", "languages"],
        [
            [
                r["rank"],
                r["headline"],
                r["articles"],
                ", ".join(r["outlets"]),
                ", ".join(r["languages"]),
            ]
            for r in rows
        ],
    )
    return Section("top_stories", f"The biggest stories of {day or 'the day'}", _bars(bars), table)


def _source_health(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, "source_health.sql")
    series = ("articles", "fetch_failures", "not_articles")
    svg = _grouped_bars([(r["source"], [r[s] for s in series]) for r in rows], series)
    table = _table(
        [
            "source",
            "articles",
            "pages fetched",
            "fetch failures",
            "not articles",
            "median h to load",
        ],
        [
            [
                r["source"],
                r["articles"],
                r["pages_fetched"],
                r["fetch_failures"],
                r["not_articles"],
                r["median_hours_to_load"],
            ]
            for r in rows
        ],
    )
    return Section("source_health", "Source health", svg, table)


def _validation(con: duckdb.DuckDBPyConnection) -> Section:
    rows = _rows(con, "validation.sql")
    by_table: dict[str, list[int]] = {}
    for r in rows:
        counts = by_table.setdefault(r["table_name"], [0, 0])
        counts[0 if r["success"] else 1] += 1
    svg = _grouped_bars([(name, counts) for name, counts in by_table.items()], ("passed", "failed"))
    failed = [r for r in rows if not r["success"]]
    run = rows[0]["run_id"] if rows else "none"
    table = _table(
        ["table", "expectation", "column", "unexpected"],
        [[r["table_name"], r["expectation"], r["column"], r["unexpected_count"]] for r in failed],
    )
    note = f"Run {run}: {len(rows) - len(failed)} of {len(rows)} expectations passed." + (
        table if failed else ""
    )
    return Section("validation", "Validation of the last published run", svg, note)


def _bars(rows: Sequence[tuple[str, float]], digits: int = 0) -> str:
    """A horizontal bar chart; negative values draw left of the axis."""
    if not rows:
        return _empty_svg()
    label_w, plot_w, row_h = 300, 380, 22
    top = max(abs(float(v)) for _, v in rows) or 1.0
    has_negative = any(float(v) < 0 for _, v in rows)
    zero = label_w + (plot_w / 2 if has_negative else 0)
    scale = (plot_w / 2 if has_negative else plot_w) / top
    marks = []
    for i, (label, value) in enumerate(rows):
        y = row_h * i + 4
        width = abs(float(value)) * scale
        x = zero - width if float(value) < 0 else zero
        text = f"{float(value):.{digits}f}"
        marks.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{_clip(label, 44)}</text>'
            f'<rect class="mark" x="{x:.1f}" y="{y}" width="{max(width, 1):.1f}" height="16" '
            f'fill="{PALETTE[0]}"><title>{_esc(label)}: {text}</title></rect>'
            f'<text x="{zero + (width if float(value) >= 0 else 0) + 4:.1f}" y="{y + 14}">'
            f"{text}</text>"
        )
    return _svg(740, row_h * len(rows) + 8, "".join(marks))


def _stacked_columns(
    days: Sequence[date], series: Sequence[str], value: dict[tuple[date, str], float]
) -> str:
    """100% stacked columns, one per day, with a legend."""
    if not days:
        return _empty_svg()
    plot_h, col_w, gap, left = 220, 46, 14, 40
    width = max(left + len(days) * (col_w + gap) + 220, 480)
    marks = [
        f'<text x="{left - 6}" y="{14 + plot_h * (1 - tick)}" text-anchor="end">{tick:.0%}</text>'
        for tick in (0, 0.5, 1)
    ]
    for i, day in enumerate(days):
        x = left + i * (col_w + gap)
        bottom = 10.0 + plot_h
        for j, name in enumerate(series):
            share = value.get((day, name), 0.0)
            if share <= 0:
                continue
            height = plot_h * share
            bottom -= height
            marks.append(
                f'<rect class="mark" x="{x}" y="{bottom:.1f}" width="{col_w}" '
                f'height="{height:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{day} · {_esc(name)}: {share:.0%}</title></rect>"
            )
        marks.append(
            f'<text x="{x + col_w / 2}" y="{plot_h + 26}" text-anchor="middle">{day:%m-%d}</text>'
        )
    legend_x = left + len(days) * (col_w + gap) + 10
    for j, name in enumerate(series):
        y = 12 + j * 18
        marks.append(
            f'<rect x="{legend_x}" y="{y}" width="12" height="12" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{legend_x + 18}" y="{y + 11}">{_clip(name, 24)}</text>'
        )
    return _svg(width, max(plot_h + 36, 18 * len(series) + 16), "".join(marks))


def _grouped_bars(rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[str]) -> str:
    """Horizontal bars, one group per row and one bar per series, with a legend."""
    if not rows:
        return _empty_svg()
    label_w, plot_w, bar_h = 220, 380, 10
    group_h = bar_h * len(series) + 8
    top = max((max(values) for _, values in rows), default=0) or 1
    marks = []
    for j, name in enumerate(series):
        marks.append(
            f'<rect x="{label_w + j * 130}" y="2" width="12" height="12" fill="{PALETTE[j]}"/>'
            f'<text x="{label_w + j * 130 + 18}" y="13">{_esc(name)}</text>'
        )
    for i, (label, values) in enumerate(rows):
        y0 = 24 + i * group_h
        marks.append(
            f'<text x="{label_w - 6}" y="{y0 + group_h / 2 + 2}" text-anchor="end">'
            f"{_clip(label, 32)}</text>"
        )
        for j, value in enumerate(values):
            width = plot_w * value / top
            y = y0 + j * bar_h
            marks.append(
                f'<rect class="mark" x="{label_w}" y="{y}" width="{max(width, 1):.1f}" '
                f'height="{bar_h - 1}" fill="{PALETTE[j]}">'
                f"<title>{_esc(label)} · {series[j]}: {value}</title></rect>"
                f'<text x="{label_w + width + 4:.1f}" y="{y + bar_h - 1}" class="small">'
                f"{value}</text>"
            )
    return _svg(label_w + plot_w + 60, 24 + group_h * len(rows) + 4, "".join(marks))


def _network_svg(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> str:
    """Entities on a circle, sized by articles; lines between co-mentioned ones."""
    if not nodes:
        return _empty_svg()
    size, radius = 560, 200
    center = size / 2
    top = max(n["articles"] for n in nodes) or 1
    heaviest = max((e["articles"] for e in edges), default=1)
    kinds = list(dict.fromkeys(n["entity_type"] for n in nodes))
    where = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        where[node["entity_id"]] = (
            center + radius * math.cos(angle),
            center + radius * math.sin(angle),
            angle,
        )
    marks = []
    for edge in edges:
        if edge["entity_a"] not in where or edge["entity_b"] not in where:
            continue
        (x1, y1, _), (x2, y2, _) = where[edge["entity_a"]], where[edge["entity_b"]]
        marks.append(
            f'<line class="mark" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#888" stroke-opacity="0.55" '
            f'stroke-width="{0.8 + 4 * edge["articles"] / heaviest:.1f}">'
            f"<title>{_esc(edge['name_a'])} — {_esc(edge['name_b'])}: "
            f"{edge['articles']}</title></line>"
        )
    for node in nodes:
        x, y, angle = where[node["entity_id"]]
        r = 4 + 10 * math.sqrt(node["articles"] / top)
        color = PALETTE[kinds.index(node["entity_type"]) % len(PALETTE)]
        anchor = "start" if math.cos(angle) >= 0 else "end"
        dx = (r + 4) * (1 if anchor == "start" else -1)
        marks.append(
            f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}">'
            f"<title>{_esc(node['name'])} ({node['entity_type']}): "
            f"{node['articles']}</title></circle>"
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}">'
            f"{_clip(node['name'], 22)}</text>"
        )
    for j, kind in enumerate(kinds):
        marks.append(
            f'<circle cx="12" cy="{14 + 18 * j}" r="6" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="24" y="{18 + 18 * j}">{_esc(kind)}</text>'
        )
    return _svg(size + 160, size, f'<g transform="translate(80,0)">{"".join(marks)}</g>')


def _svg(width: float, height: float, body: str) -> str:
    return (
        f'<svg class="chart" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg">'
        f"{body}</svg>"
    )


def _empty_svg() -> str:
    """A chart with no data still draws a frame and says so."""
    return _svg(
        740,
        40,
        '<rect class="mark" x="0.5" y="0.5" width="739" height="39" fill="none" stroke="#ccc"/>'
        '<text x="12" y="25">No data yet.</text>',
    )


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{_esc(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_esc('' if v is None else v)}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _page(
    settings: Settings, day: date | None, totals: dict[str, Any], sections: list[Section]
) -> str:
    parts = []
    for section in sections:
        parts.append(
            f'<section id="{section.chart}"><h2>{_esc(section.title)}</h2>'
            + section.svg.replace('class="chart"', f'class="chart" data-chart="{section.chart}"', 1)
            + (f'<div class="note">{section.note}</div>' if section.note else "")
            + "</section>"
        )
    written = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    summary = (
        f"{totals['articles']} articles from {totals['sources']} sources, "
        f"{totals['entities']} entities, latest day {day or '—'}"
    )
    return f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>newsetl report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,"Noto Sans KR","Apple SD Gothic Neo",sans-serif;margin:2rem auto;
max-width:64rem;padding:0 1rem;color:#222}}
h1{{font-size:1.5rem}} h2{{font-size:1.1rem;margin:2.2rem 0 .6rem}}
svg text{{font-size:12px;fill:#222}} svg text.small{{font-size:10px;fill:#555}}
table{{border-collapse:collapse;font-size:.85rem;margin-top:.6rem}}
td,th{{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left}}
.note{{color:#555;font-size:.9rem}} #render-check{{display:none}}
</style></head><body>
<h1>newsetl report</h1>
<p>{_esc(settings.db_path.name)}: {_esc(summary)}. Written {written} UTC.</p>
{"".join(parts)}
<pre id="render-check"></pre>
<script>
// What the browser drew: for each chart, its marks with a non-empty box.
const drawn = {{}};
for (const svg of document.querySelectorAll("svg.chart")) {{
  const marks = [...svg.querySelectorAll(".mark")].filter((m) => {{
    const box = m.getBBox();
    return box.width > 0 || box.height > 0;
  }});
  const box = svg.getBoundingClientRect();
  drawn[svg.dataset.chart] = {{marks: marks.length, width: box.width, height: box.height}};
}}
document.getElementById("render-check").textContent = JSON.stringify(drawn);
</script>
</body></html>
"""


def _rows(
    con: duckdb.DuckDBPyConnection, name: str, params: Sequence[Any] | None = None
) -> list[dict[str, Any]]:
    cursor = con.execute((REPORT_SQL_DIR / name).read_text(encoding="utf-8"), params or [])
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    return row[0] if row else None


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _clip(value: Any, width: int) -> str:
    text = str(value)
    return _esc(text if len(text) <= width else text[: width - 1] + "…")


def render_check(dom: str) -> dict[str, dict[str, float]]:
    """The #render-check JSON out of a browser's DOM dump of the report."""
    start = dom.index('<pre id="render-check">') + len('<pre id="render-check">')
    return dict(json.loads(html.unescape(dom[start : dom.index("</pre>", start)])))
