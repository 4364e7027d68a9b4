"""The Doha HTML report in a real headless Chromium: what a reader sees, and no network.

Skips when Debian's chromium (/usr/bin/chromium) or ../shared is absent.
The screenshot goes to bench/out/ (not committed) for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "bench" / "out"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def doha_html(doha_dir, tmp_path_factory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    import storylens
    from storylens.report import write_report

    report = storylens.analyze([doha_dir], published="2021-08-10", one_story=True)
    return write_report(report, tmp_path_factory.mktemp("doha") / "doha.html")


def _open(page_path: Path, width: int, height: int):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_timeout(300)  # let any late request show itself
            seen = {
                "summary": page.locator(".summary p").all_inner_texts(),
                "badges": page.locator(".fact .badge").all_inner_texts(),
                "timeline": page.locator("ol.timeline time").all_inner_texts(),
                "places": page.locator("svg.map g.place").evaluate_all(
                    "nodes => nodes.map(n => n.getAttribute('data-name'))"
                ),
                "outlines": page.locator("svg.map path.land").count(),
                "map_box": page.locator("svg.map").bounding_box(),
                "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
            }
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"doha-report-{width}.png"), full_page=True)
        finally:
            browser.close()
    return seen, requests


def test_doha_report_shows_summary_facts_timeline_and_map_without_network(doha_html):
    seen, requests = _open(doha_html, 1280, 900)
    assert requests == [doha_html.as_uri()], f"the page made requests: {requests}"
    assert seen["summary"] and all(len(p) > 20 for p in seen["summary"])
    statuses = {"Corroborated", "Single source", "Disputed", "Conflicting"}
    assert seen["badges"] and set(b.strip().title().replace("Single Source", "Single source") for b in seen["badges"]) <= statuses
    dates = " | ".join(seen["timeline"])
    assert "10 August 2021" in dates or "10–" in dates, dates
    assert "31 August 2021" in dates, dates
    places = " ".join(seen["places"])
    for afghan in ("Kabul", "Kunduz"):
        assert afghan in places, places
    assert any(name.startswith("Maz") for name in seen["places"]), places
    assert seen["outlines"] > 0 and seen["map_box"]["width"] > 300
    assert (SHOTS / "doha-report-1280.png").stat().st_size > 10_000


def test_doha_report_reads_on_a_phone(doha_html):
    seen, requests = _open(doha_html, 390, 844)
    assert requests == [doha_html.as_uri()]
    assert seen["scroll_width"] <= 390 + 2, "the page scrolls sideways on a phone"
    assert seen["map_box"]["width"] <= 390
