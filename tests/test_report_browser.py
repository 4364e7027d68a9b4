"""HTML reports in a real headless Chromium: what a reader sees, and no network.

Skips when Debian's chromium (/usr/bin/chromium) is absent; the Doha checks also skip
without ../shared. The page of the bundled (fictional, ours) examples is shot at 1280
and 390 px into bench/out/report-*.png (committed, each well under 500 kB); the Doha
page's shots (third-party text) stay uncommitted under bench/out/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "bench" / "out"
GOLDEN = ROOT / "tests" / "golden"
LANGUAGES = ROOT / "tests" / "fixtures" / "languages"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
MAX_SHOT_BYTES = 500_000

pytestmark = pytest.mark.browser

# What the page shows, read in the browser (layout included): the contents bar, links,
# badges, languages, and for each map its visible labels' boxes, markers and listed places.
SEEN_JS = """() => {
  const visible = el => getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().width > 0;
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const resolves = href => !!(href && href.startsWith('#') && document.getElementById(decodeURIComponent(href.slice(1))));
  const maps = [...document.querySelectorAll('svg.map')].map(svg => {
    let list = svg.closest('.mapbox').nextElementSibling;
    while (list && !list.matches('ul.places-list')) list = list.nextElementSibling;
    return {
      box: box(svg),
      labels: [...svg.querySelectorAll('text')].filter(visible).map(t => ({
        name: t.textContent, place: t.classList.contains('place-label'), box: box(t)})),
      markers: [...svg.querySelectorAll('g.place')].map(g => ({
        name: g.getAttribute('data-name'),
        href: g.querySelector('a') ? g.querySelector('a').getAttribute('href') : null,
        focusable: g.querySelector('a') ? g.querySelector('a').tabIndex >= 0 : false,
        resolves: resolves(g.querySelector('a') && g.querySelector('a').getAttribute('href'))})),
      listed: list ? [...list.querySelectorAll('li strong')].map(s => s.textContent) : [],
    };
  });
  return {
    toc: [...document.querySelectorAll('nav.toc a, nav.sections a')].map(a => ({
      href: a.getAttribute('href'), resolves: resolves(a.getAttribute('href'))})),
    external: [...document.querySelectorAll('a[href]')].filter(a => !a.getAttribute('href').startsWith('#'))
      .map(a => ({href: a.getAttribute('href'), rel: a.getAttribute('rel') || ''})),
    badges: [...document.querySelectorAll('ol.timeline .badge')].map(b => ({
      text: b.textContent, resolves: resolves(b.getAttribute('href'))})),
    texts: [...document.querySelectorAll('.article-text')].map(t => ({
      lang: t.getAttribute('lang'), direction: getComputedStyle(t).direction})),
    notices: document.querySelectorAll('ul.notices li').length,
    maps: maps,
    scroll_width: document.documentElement.scrollWidth,
  };
}"""


def _open(page_path: Path, width: int, height: int = 900, shots: str | None = None, full_page: bool = False):
    """Open the page; what it shows, the requests it made, and (optionally) screenshots."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_timeout(300)  # let any late request show itself
            seen = page.evaluate(SEEN_JS)
            seen["summary"] = page.locator(".summary p").all_inner_texts()
            seen["fact_badges"] = page.locator(".fact .badge").all_inner_texts()
            seen["timeline"] = page.locator("ol.timeline time").all_inner_texts()
            seen["outlines"] = page.locator("svg.map path.land").count()
            seen["map_box"] = page.locator("svg.map").first.bounding_box() if seen["maps"] else None
            if shots:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{shots}-{width}.png"), full_page=full_page)
                if seen["maps"]:
                    page.locator(".mapbox").first.screenshot(path=str(SHOTS / f"{shots}-map-{width}.png"))
            # the contents bar: a link brings its section into view, below the bar, which stays on top
            last = page.locator("nav.toc a").last
            target = last.get_attribute("href")
            last.click()
            page.wait_for_timeout(200)
            bar = page.locator("nav.toc").bounding_box()
            seen["jump"] = {"bar": bar, "target": page.locator(target).bounding_box(), "height": height}
            seen["marker_focus"] = None
            if seen["maps"]:
                page.locator("svg.map g.place a").first.focus()
                seen["marker_focus"] = page.evaluate("document.activeElement.closest('g.place') !== null")
        finally:
            browser.close()
    return seen, requests


def _overlaps(a, b, slack: float = 0.5) -> bool:
    return not (a[2] <= b[0] + slack or b[2] <= a[0] + slack or a[3] <= b[1] + slack or b[3] <= a[1] + slack)


def _check_page(seen: dict, requests: list[str], page: Path, width: int) -> None:
    assert requests == [page.as_uri()], f"the page made requests: {requests}"
    assert seen["scroll_width"] <= width + 2, "the page scrolls sideways"
    assert seen["toc"] and all(link["resolves"] for link in seen["toc"]), seen["toc"]
    jump = seen["jump"]
    assert abs(jump["bar"]["y"]) < 1, "the contents bar stays at the top"
    assert jump["bar"]["y"] + jump["bar"]["height"] - 2 <= jump["target"]["y"] < jump["height"], jump
    for link in seen["external"]:
        assert link["href"].startswith(("https://", "http://")), link
        assert {"noopener", "noreferrer"} <= set(link["rel"].split()), link
    assert all(b["resolves"] for b in seen["badges"]), seen["badges"]
    assert seen["marker_focus"] is not False, "a map marker takes keyboard focus"
    for drawn in seen["maps"]:
        labels = drawn["labels"]
        for i, a in enumerate(labels):
            inside = drawn["box"]
            assert inside[0] - 1 <= a["box"][0] and a["box"][2] <= inside[2] + 1, f"{a['name']} leaves the map"
            for b in labels[i + 1 :]:
                assert not _overlaps(a["box"], b["box"]), f"labels overlap at {width}px: {a['name']} / {b['name']}"
            if a["place"]:
                assert a["box"][3] - a["box"][1] >= 10, f"{a['name']} is unreadably small at {width}px"
        labelled = {a["name"] for a in labels if a["place"]}
        for marker in drawn["markers"]:
            assert marker["name"] in labelled or marker["name"] in drawn["listed"], marker
            assert marker["resolves"] and marker["focusable"], marker


@pytest.fixture(scope="module")
def browser_ready():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def examples_html(browser_ready, tmp_path_factory) -> Path:
    """The bundled examples' golden report (two stories, ten outlets, links, a disputed fact)."""
    from storylens.report import read_report, write_report

    return write_report(read_report(GOLDEN / "examples.json"), tmp_path_factory.mktemp("ex") / "examples.html")


@pytest.mark.parametrize("width", [1280, 390])
def test_examples_report_navigates_links_and_maps_cleanly(examples_html, width):
    seen, requests = _open(examples_html, width, 900 if width > 400 else 844, shots="report")
    _check_page(seen, requests, examples_html, width)
    assert len(seen["external"]) == 10  # each article's original URL is a link
    assert seen["badges"] and {b["text"] for b in seen["badges"]} <= {"Corroborated", "Single source", "Disputed", "Conflicting"}
    assert all(t["lang"] == "en" for t in seen["texts"])
    for name in (f"report-{width}.png", f"report-map-{width}.png"):
        assert 5_000 < (SHOTS / name).stat().st_size < MAX_SHOT_BYTES, name


def test_other_languages_are_marked_for_the_browser(browser_ready, tmp_path):
    import storylens
    from storylens.report import write_report

    report = storylens.analyze([LANGUAGES], published="2026-03-10")
    page = write_report(report, tmp_path / "languages.html")
    seen, requests = _open(page, 390, 844)
    assert requests == [page.as_uri()]
    directions = {t["lang"]: t["direction"] for t in seen["texts"]}
    assert directions == {"ar": "rtl", "zh": "ltr"}
    assert seen["notices"] == 2 and all(link["resolves"] for link in seen["toc"])


@pytest.fixture(scope="module")
def doha_html(browser_ready, doha_dir, tmp_path_factory) -> Path:
    import storylens
    from storylens.report import write_report

    report = storylens.analyze([doha_dir], published="2021-08-10", one_story=True)
    return write_report(report, tmp_path_factory.mktemp("doha") / "doha.html")


def test_doha_report_shows_summary_facts_timeline_and_map_without_network(doha_html):
    seen, requests = _open(doha_html, 1280, 900, shots="doha-report", full_page=True)
    _check_page(seen, requests, doha_html, 1280)
    assert seen["summary"] and all(len(p) > 20 for p in seen["summary"])
    statuses = {"Corroborated", "Single source", "Disputed", "Conflicting"}
    assert seen["fact_badges"] and set(b.strip().title().replace("Single Source", "Single source") for b in seen["fact_badges"]) <= statuses
    dates = " | ".join(seen["timeline"])
    assert "10 August 2021" in dates or "10–" in dates, dates
    assert "31 August 2021" in dates, dates
    places = " ".join(m["name"] for m in seen["maps"][0]["markers"])
    for afghan in ("Kabul", "Kunduz"):
        assert afghan in places, places
    assert any(m["name"].startswith("Maz") for m in seen["maps"][0]["markers"]), places
    assert seen["outlines"] > 0 and seen["map_box"]["width"] > 300
    assert (SHOTS / "doha-report-1280.png").stat().st_size > 10_000


def test_doha_report_reads_on_a_phone(doha_html):
    seen, requests = _open(doha_html, 390, 844)
    _check_page(seen, requests, doha_html, 390)
    assert seen["map_box"]["width"] <= 390
