"""Corpora for the benchmarks: copies of the extraction-benchmark pages, and generated articles.

Both are deterministic: the same arguments write the same bytes.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_metric import load_benchmark  # noqa: E402

_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)


def with_canonical(page: bytes, url: str) -> bytes:
    """The page with a canonical link to `url` first in its head, so its article id is new."""
    link = b'<link rel="canonical" href="' + url.encode("ascii") + b'">'
    match = _HEAD.search(page)
    if match is None:
        return link + page
    return page[: match.end()] + link + page[match.end() :]


def write_page_corpus(dest: Path, copies: int = 5) -> list[Path]:
    """Every benchmark page `copies` times as .html.gz, each copy with its own canonical URL."""
    pages, _truth, urls = load_benchmark()
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for page_id, content in sorted(pages.items()):
        base = (urls.get(page_id) or f"https://bench.example/{page_id}").split("#")[0]
        for copy in range(copies):
            url = f"{base.rstrip('/')}/copy-{copy}"
            path = dest / f"{page_id}-{copy}.html.gz"
            path.write_bytes(gzip.compress(with_canonical(content, url), mtime=0))
            written.append(path)
    return written


# Vocabulary for generated articles: gazetteer names so that enrichment finds entities, and
# taxonomy keywords so that topics are scored, in sentences of realistic length.
_EN_SUBJECTS = [
    "Samsung Electronics",
    "SK hynix",
    "Hyundai Motor",
    "LG Energy Solution",
    "Naver",
    "Kakao",
    "Kia",
    "Coupang",
    "POSCO Holdings",
    "Hanwha Aerospace",
    "the Bank of Korea",
    "the National Assembly",
    "the finance ministry",
    "Nvidia",
    "Apple",
    "Microsoft",
    "Google",
    "Tesla",
    "the Federal Reserve",
    "the European Union",
    "Seoul city officials",
    "the ruling party",
    "the opposition party",
    "analysts at Mirae Asset",
    "Lee Chang-yong",
]
_EN_VERBS = [
    "said on Tuesday that",
    "announced that",
    "warned that",
    "told reporters that",
    "expects that",
    "confirmed that",
    "signalled that",
    "argued in a statement that",
]
_EN_CLAUSES = [
    "exports of memory chips rose {n} percent from a year earlier",
    "the benchmark interest rate would stay at {r} percent for now",
    "the budget bill faces a vote in parliament next week",
    "investment in artificial intelligence data centres would reach {n} trillion won",
    "battery orders from electric vehicle makers slowed in the third quarter",
    "the won weakened to {m} per dollar, its lowest level since April",
    "lawmakers were divided over the semiconductor support legislation",
    "consumer prices climbed {r} percent in October, above market expectations",
    "the company plans to build a new plant in Georgia by {y}",
    "the election campaign has focused on housing prices and jobs",
    "the summit produced a joint declaration on supply chains",
    "smartphone shipments recovered after two weak years",
    "the league's final drew a record audience for the streaming service",
    "the film festival in Busan opened with a premiere from a first-time director",
]
_EN_TAILS = [
    "according to people familiar with the matter.",
    "citing a preliminary estimate.",
    "in a filing to the regulator.",
    "during a briefing in Seoul.",
    "though details were not disclosed.",
    "as competition with Chinese rivals intensified.",
]
_KO_SUBJECTS = [
    "삼성전자는",
    "SK하이닉스는",
    "현대차는",
    "LG에너지솔루션은",
    "네이버는",
    "카카오는",
    "기아는",
    "쿠팡은",
    "포스코홀딩스는",
    "한화에어로스페이스는",
    "한국은행은",
    "국회는",
    "기획재정부는",
    "엔비디아는",
    "애플은",
    "마이크로소프트는",
    "서울시는",
    "여당은",
    "야당은",
    "이창용 총재는",
]
_KO_CLAUSES = [
    "반도체 수출이 전년 대비 {n}% 늘었다고 밝혔다",
    "기준금리를 연 {r}%로 동결했다고 발표했다",
    "내년도 예산안을 다음 주 본회의에서 처리할 계획이라고 말했다",
    "인공지능 데이터센터에 {n}조원을 투자하기로 했다고 설명했다",
    "전기차 배터리 수주가 3분기에 둔화했다고 전했다",
    "원·달러 환율이 {m}원까지 올랐다며 시장 점검에 나섰다",
    "반도체 특별법을 두고 여야가 이견을 보였다고 밝혔다",
    "소비자물가가 {r}% 올라 시장 예상을 웃돌았다고 발표했다",
    "미국 조지아주에 새 공장을 {y}년까지 짓겠다고 밝혔다",
    "선거를 앞두고 집값과 일자리가 쟁점으로 떠올랐다고 분석했다",
    "정상회담에서 공급망 협력을 담은 공동선언을 채택했다고 전했다",
    "스마트폰 출하량이 2년 만에 회복세를 보였다고 설명했다",
    "프로야구 한국시리즈 시청률이 역대 최고를 기록했다고 전했다",
    "부산국제영화제가 신인 감독의 작품으로 막을 올렸다고 밝혔다",
]
_KO_OPENERS = [
    "이날",
    "지난달",
    "올해 들어",
    "업계에 따르면",
    "관계자에 따르면",
    "이에 따라",
    "한편",
]
_EN_SOURCES = ["Riverside Courier", "Harbor Wire", "Daily Ledger", "Metro Standard"]
_KO_SOURCES = ["한빛일보", "새벽경제", "누리뉴스", "다온방송"]
_EN_AUTHORS = ["Sarah Kim", "James Park", "Emily Chen", "Daniel Lee", "Grace Cho"]
_KO_AUTHORS = ["강도현", "정하늘", "김민준", "이서연", "박지호"]


def _numbers(rng: random.Random) -> dict[str, str]:
    return {
        "n": str(rng.randint(2, 48)),
        "r": f"{rng.randint(15, 45) / 10:.1f}",
        "m": f"{rng.randint(1300, 1490):,}",
        "y": str(rng.randint(2027, 2031)),
    }


def _english_sentence(rng: random.Random) -> str:
    clause = rng.choice(_EN_CLAUSES).format(**_numbers(rng))
    text = f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} {clause}, {rng.choice(_EN_TAILS)}"
    return text[0].upper() + text[1:]


def _korean_sentence(rng: random.Random) -> str:
    clause = rng.choice(_KO_CLAUSES).format(**_numbers(rng))
    return f"{rng.choice(_KO_OPENERS)} {rng.choice(_KO_SUBJECTS)} {clause}."


def generated_article(index: int, seed: int) -> dict[str, str]:
    """One article as a JSONL record; even indexes are English, odd ones Korean."""
    rng = random.Random(seed * 1_000_003 + index)
    korean = index % 2 == 1
    sentence = _korean_sentence if korean else _english_sentence
    # Wire stories: 4-9 paragraphs of 2-4 sentences (about 2-5k characters in English).
    paragraphs = [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 9))
    ]
    published = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 470_000))
    title = sentence(rng).rstrip(".")[:90]
    source = rng.choice(_KO_SOURCES if korean else _EN_SOURCES)
    return {
        "id": f"gen-{seed}-{index:07d}",
        "url": f"https://{'ko' if korean else 'en'}.bench.example/{published:%Y/%m/%d}/{index}",
        "title": title,
        "author": rng.choice(_KO_AUTHORS if korean else _EN_AUTHORS),
        "published_at": published.isoformat(),
        "source": source,
        "language": "ko" if korean else "en",
        "body": "\n\n".join(paragraphs),
    }


def write_generated_corpus(
    dest: Path, articles: int, *, seed: int = 7, per_file: int = 5_000
) -> list[Path]:
    """`articles` generated articles as JSONL files of at most `per_file` lines each."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for start in range(0, articles, per_file):
        path = dest / f"articles-{start // per_file:04d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for index in range(start, min(articles, start + per_file)):
                out.write(json.dumps(generated_article(index, seed), ensure_ascii=False) + "\n")
        written.append(path)
    return written
