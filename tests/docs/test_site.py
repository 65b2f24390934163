"""Every page of the built site in headless Chromium: no console error, no missing image, no dead internal link."""

from __future__ import annotations

import html.parser
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.docs.conftest import ROOT

# Each page of docs/ and its URL path in the built site (mkdocs' directory URLs).
DOCS = ROOT / "docs"
PAGES = sorted(
    "" if page == DOCS / "index.md" else f"{page.relative_to(DOCS).with_suffix('')}/" for page in DOCS.rglob("*.md")
)
# The pictures each page must show (the chart and sequence picture).
IMAGES = {"performance/": ["images/performance.svg"], "exactly-once/": ["images/lost-answer.svg"]}
TALLEST_SCREENSHOT = 8000  # px: the reference pages are long; the top of them shows they render


class _Ids(html.parser.HTMLParser):
    """The id attributes of a page: the anchors a link's fragment may name."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


_fetched: dict[str, tuple[int, set[str]]] = {}


def _fetch(url: str) -> tuple[int, set[str]]:
    """Status and anchor ids of a URL of the served site (cached: many pages link the same ones)."""
    if url not in _fetched:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, b""
        parser = _Ids()
        if url.endswith("/") or url.endswith(".html"):
            parser.feed(body.decode("utf-8", "replace"))
        _fetched[url] = (status, parser.ids)
    return _fetched[url]


def _console(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser console's entries since the last call (selenium leaves get_log untyped)."""
    get_log: Callable[[str], list[dict[str, Any]]] = browser.get_log
    return get_log("browser")


def _wait_loaded(browser: webdriver.Chrome) -> None:
    WebDriverWait(browser, 30).until(lambda b: b.execute_script("return document.readyState") == "complete")


def _screenshot(browser: webdriver.Chrome, path: Path) -> None:
    """The whole page (up to TALLEST_SCREENSHOT px): the window is made as tall as the page for it."""
    height = int(browser.execute_script("return document.documentElement.scrollHeight"))
    browser.set_window_size(1280, min(max(height, 900), TALLEST_SCREENSHOT))
    try:
        assert browser.save_screenshot(str(path)), path
    finally:
        browser.set_window_size(1280, 900)


def test_the_site_has_a_page_for_each_markdown_file(site: Path) -> None:
    built = sorted(
        "" if page.parent == site else f"{page.parent.relative_to(site)}/"
        for page in site.rglob("index.html")
        if page.relative_to(site).parts[0] not in ("assets", "search")
    )
    assert built == PAGES
    assert len(PAGES) >= 16  # the task pages, four reference pages and Maintaining


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page or "home")
def test_a_page_renders_with_no_console_error_missing_image_or_dead_link(
    browser: webdriver.Chrome, base_url: str, screenshots: Path, page: str
) -> None:
    _console(browser)  # drop what an earlier page left
    browser.get(base_url + page)
    _wait_loaded(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text.strip(), "a page without a title"

    errors = [entry for entry in _console(browser) if entry["level"] == "SEVERE"]
    assert errors == [], f"console errors on {page or 'home'}"

    broken = browser.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == [], f"images that did not load on {page or 'home'}"
    shown = browser.execute_script("return Array.from(document.images).map(i => i.src)")
    for image in IMAGES.get(page, []):
        assert urllib.parse.urljoin(base_url, image) in shown, f"{image} is not on {page}"

    links: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
    )
    dead = []
    for link in {link for link in links if link.startswith(base_url)}:
        target, _, fragment = link.partition("#")
        status, ids = _fetch(target)
        if status != 200:
            dead.append(f"{link}: {status}")
        elif fragment and urllib.parse.unquote(fragment) not in ids:
            dead.append(f"{link}: no #{fragment} there")
    assert sorted(dead) == [], f"dead internal links on {page or 'home'}"

    _screenshot(browser, screenshots / f"{page.strip('/').replace('/', '-') or 'home'}.png")


def test_the_search_box_finds_the_exactly_once_page(browser: webdriver.Chrome, base_url: str) -> None:
    browser.get(base_url)
    _wait_loaded(browser)
    # Material's search: the header's box, answered in the page by its worker from search_index.json.
    # At this width the box is in the header (narrower windows show an icon that opens it instead).
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    assert box.is_displayed()
    box.click()
    box.send_keys("lost answer recovery")
    results = WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "a.md-search-result__link") or False
    )
    found = [result for result in results if "/exactly-once/" in (result.get_attribute("href") or "")]
    assert found, [result.get_attribute("href") for result in results]
    found[0].click()
    WebDriverWait(browser, 30).until(lambda b: "/exactly-once/" in b.current_url)
    _wait_loaded(browser)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Retries and exactly-once creation"
    box = browser.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.send_keys(Keys.ESCAPE)
