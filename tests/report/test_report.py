"""The HTML report: one self-contained file whose every chart draws in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from warehouse_batches import DAY, article, fetches, tables

from newsetl import warehouse
from newsetl.report import CHARTS, render_check, write_report
from newsetl.settings import Settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def publish_sample(settings: Settings) -> None:
    """Three days of Korean and English articles with entities, topics and a failed fetch."""
    articles, mentions, tagged = [], [], []
    people = ["e:lee", "e:son", "e:samsung", "e:seoul"]
    for n in range(12):
        article_id = f"a{n:02d}"
        articles.append(
            article(
                article_id,
                DAY + timedelta(hours=5 * n),
                source="alpha" if n % 3 else "베타일보",
                story_id=f"s{n % 5}",
                language="ko" if n % 2 else "en",
                title=f"기사 {n} <제목> & title",
            )
        )
        for entity_id in people[: 2 + n % 3]:
            mentions.append((article_id, entity_id, 1 + n % 2, 0.5))
        tagged.append((article_id, "economy" if n % 2 else "semiconductors", 0.8))
    batch = tables(
        articles,
        entities=[
            ("e:lee", "이재용", "PERSON"),
            ("e:son", "Son Heung-min", "PERSON"),
            ("e:samsung", "삼성전자", "ORG"),
            ("e:seoul", "서울", "LOCATION"),
        ],
        mentions=mentions,
        topics=[
            ("economy", "경제", None),
            ("it_science", "IT·과학", None),
            ("semiconductors", "반도체", "it_science"),
        ],
        tagged=tagged,
    )
    log = fetches("run-1", [("alpha", "html", "parsed"), ("alpha", "html", "fetch_failed")])
    with warehouse.writer_lock(settings):
        con = warehouse.open_working(settings)
        warehouse.load_batch(con, batch, {"fetch_log": log}, "run-1")
        con.close()
        warehouse.publish(settings)


def render(page: Path, profile: Path) -> str:
    """The DOM of the page after Chromium loaded it, scripts run."""
    completed = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout


def test_the_report_is_one_self_contained_file(settings: Settings, tmp_path: Path) -> None:
    publish_sample(settings)
    page = write_report(settings, tmp_path / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page
    assert "&lt;제목&gt; &amp; title" in page  # titles are escaped, not markup
    assert [m for m in re.findall(r'data-chart="([a-z_]+)"', page)] == list(CHARTS)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="make test installs chromium")
def test_every_chart_draws_in_headless_chromium(settings: Settings, tmp_path: Path) -> None:
    publish_sample(settings)
    page = write_report(settings, tmp_path / "report.html")

    drawn = render_check(render(page, tmp_path / "profile"))

    assert list(drawn) == list(CHARTS)
    for chart, box in drawn.items():
        assert box["marks"] > 0, chart
        assert box["width"] > 0 and box["height"] > 0, chart
