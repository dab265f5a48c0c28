"""A self-contained HTML report of the published warehouse (no scripts, no network)."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsetl.settings import Settings
from newsetl.warehouse import connect_published

SECTIONS: list[tuple[str, str]] = [
    (
        "Articles by language",
        "select language, count(*) as n from articles group by all order by n desc",
    ),
    (
        "Top entities",
        """select e.name || ' (' || e.entity_type || ')' as label, count(*) as n
           from article_entities ae join entities e using (entity_id)
           group by all order by n desc, label limit 15""",
    ),
    (
        "Top topics",
        """select t.label, count(*) as n from article_topics art join topics t using (topic_id)
           group by all order by n desc, t.label limit 15""",
    ),
    (
        "Articles by source",
        "select coalesce(source, '(unknown)') as source, count(*) as n from articles "
        "group by all order by n desc limit 15",
    ),
    (
        "Fetch outcomes (last run)",
        """select status, count(*) as n from fetch_log
           where run_id = (select run_id from pipeline_runs order by finished_at desc limit 1)
           group by all order by n desc""",
    ),
]


def write_report(settings: Settings, out: Path) -> Path:
    """Query the published warehouse read-only and write one HTML file with bar charts."""
    with connect_published(settings) as con:
        charts = [(title, con.execute(sql).fetchall()) for title, sql in SECTIONS]
        failures = con.execute(
            """select table_name, expectation, coalesce("column", ''), unexpected_count
               from validation_results
               where run_id = (select run_id from pipeline_runs order by finished_at desc limit 1)
                 and not success"""
        ).fetchall()
    body = "\n".join(_chart(title, rows) for title, rows in charts)
    checks = (
        "<p>All expectations of the last run passed.</p>"
        if not failures
        else "<ul>"
        + "".join(f"<li>{html.escape(' · '.join(map(str, f)))}</li>" for f in failures)
        + "</ul>"
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>newsetl report</title>
<style>
body{{font-family:system-ui,"Noto Sans KR",sans-serif;margin:2rem;max-width:60rem;color:#222}}
h2{{font-size:1.1rem;margin-top:2rem}} .bar{{fill:#3b6ea8}} text{{font-size:12px}}
</style></head><body>
<h1>newsetl report</h1>
<p>{html.escape(str(settings.db_path.name))}, written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC</p>
{body}
<h2>Validation (last run)</h2>{checks}
</body></html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


def _chart(title: str, rows: list[tuple[Any, ...]]) -> str:
    """A horizontal bar chart as inline SVG."""
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p>No data.</p>"
    top = max(int(row[1]) for row in rows) or 1
    height = 22 * len(rows) + 10
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 22 * i + 5
        width = 360 * int(value) / top
        bars.append(
            f'<text x="0" y="{y + 14}">{html.escape(str(label))[:40]}</text>'
            f'<rect class="bar" x="260" y="{y}" width="{width:.1f}" height="16"/>'
            f'<text x="{265 + width:.1f}" y="{y + 14}">{value}</text>'
        )
    return (
        f"<h2>{html.escape(title)}</h2>"
        f'<svg role="img" aria-label="{html.escape(title)}" width="680" height="{height}">'
        + "".join(bars)
        + "</svg>"
    )
