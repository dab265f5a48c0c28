"""Canonical URLs and rel=canonical / og:url discovery."""

import pytest

from newsetl.urls import TRACKING_PARAMS, canonical_link, canonicalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param(
            "https://news.example.com/a/1?utm_source=naver&utm_medium=referral&utm_campaign=x",
            "https://news.example.com/a/1",
            id="utm-params",
        ),
        pytest.param(
            "https://news.example.com/a/1?id=7&fbclid=IwAR0xYz",
            "https://news.example.com/a/1?id=7",
            id="fbclid",
        ),
        pytest.param(
            "https://news.example.com/a/1?gclid=abc&UTM_Content=top",
            "https://news.example.com/a/1",
            id="gclid-and-upper-case-utm",
        ),
        pytest.param(
            "https://news.example.com/article/123#comments",
            "https://news.example.com/article/123",
            id="fragment",
        ),
        pytest.param(
            "HTTPS://News.Example.COM/World/Story",
            "https://news.example.com/World/Story",
            id="upper-case-host-keeps-path-case",
        ),
        pytest.param(
            "https://news.example.com:443/a", "https://news.example.com/a", id="https-default-port"
        ),
        pytest.param(
            "http://news.example.com:80/a", "http://news.example.com/a", id="http-default-port"
        ),
        pytest.param(
            "http://127.0.0.1:8000/ko/a.html",
            "http://127.0.0.1:8000/ko/a.html",
            id="other-port-kept",
        ),
        pytest.param(
            "https://news.example.com/view?sid=101&oid=015&aid=0005012345",
            "https://news.example.com/view?aid=0005012345&oid=015&sid=101",
            id="query-sorted",
        ),
        pytest.param(
            "https://news.example.com/search?q=%ED%95%9C%ED%8C%8C+%ED%8A%B9%EB%B3%B4&utm_term=x",
            "https://news.example.com/search?q=%ED%95%9C%ED%8C%8C+%ED%8A%B9%EB%B3%B4",
            id="percent-encoding-untouched",
        ),
        pytest.param("https://news.example.com", "https://news.example.com/", id="empty-path"),
        pytest.param(
            "  https://news.example.com/a?  ",
            "https://news.example.com/a",
            id="whitespace-and-empty-query",
        ),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_tracking_params_include_the_usual_click_ids() -> None:
    assert {"utm_source", "fbclid", "gclid", "msclkid", "igshid"} <= TRACKING_PARAMS


@pytest.mark.parametrize(
    ("html", "base_url", "expected"),
    [
        pytest.param(
            '<html><head><link rel="canonical" href="/article/2026112414310001"></head></html>',
            "https://news.hanbit.example/article/2026112414310001?ref=main_top",
            "https://news.hanbit.example/article/2026112414310001",
            id="relative-canonical",
        ),
        pytest.param(
            '<html><head><link rel="canonical" href="https://www.example.com/news/2026/11/24/story"></head></html>',
            "https://m.example.com/news/2026/11/24/story?amp=1",
            "https://www.example.com/news/2026/11/24/story",
            id="absolute-canonical",
        ),
        pytest.param(
            '<html><head><link rel="alternate canonical" href="story.html"></head></html>',
            "https://www.example.com/news/2026/11/index.html",
            "https://www.example.com/news/2026/11/story.html",
            id="rel-token-list-and-relative-path",
        ),
        pytest.param(
            '<html><head><meta property="og:url" content="//www.example.com/a/1"></head></html>',
            "https://www.example.com/a/1?utm_source=x",
            "https://www.example.com/a/1",
            id="og-url-fallback-protocol-relative",
        ),
        pytest.param(
            '<html><head><link rel="canonical" href="javascript:void(0)"></head></html>',
            "https://www.example.com/a/1",
            None,
            id="non-http-canonical",
        ),
        pytest.param(
            '<html><head><link rel="canonical" href="/a/1"></head></html>',
            None,
            None,
            id="relative-without-base",
        ),
        pytest.param(
            "<html><head><title>x</title></head></html>",
            "https://www.example.com/a",
            None,
            id="none-declared",
        ),
        pytest.param("", "https://www.example.com/a", None, id="empty-html"),
    ],
)
def test_canonical_link(html: str, base_url: str | None, expected: str | None) -> None:
    assert canonical_link(html, base_url) == expected
