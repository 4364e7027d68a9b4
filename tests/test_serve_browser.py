"""The web app in Debian's Chromium (Playwright): what a reader does, and no request off the app.

Skips when /usr/bin/chromium is absent. Screenshots go to bench/out/ (not committed).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from conftest import store_copy
from storylens.serve import ServeSettings, create_app

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "bench" / "out"
FIXTURES = ROOT / "tests" / "fixtures" / "serve"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.browser


class LiveServer:
    """uvicorn serving the app on a free loopback port, in a thread."""

    def __init__(self, db: Path):
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(ServeSettings(db=str(db))), host="127.0.0.1", port=self.port,
                                log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("the app did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class Browser:
    """One Chromium page; every request and every console error it sees is kept."""

    def __init__(self, width: int = 1280, height: int = 900):
        self.size = {"width": width, "height": height}
        self.requests: list[str] = []
        self.console_errors: list[str] = []

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        # listeners on the context: they see every page (tab) opened in it
        self.context = self.browser.new_context(viewport=self.size)
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        return self.page

    def __exit__(self, *exc) -> None:
        self.browser.close()
        self.pw.stop()


@pytest.fixture(scope="module")
def live(examples_store, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    db = store_copy(examples_store, tmp_path_factory.mktemp("browser"))
    with LiveServer(db) as server:
        yield server


def _only_the_app(browser: Browser, base: str) -> None:
    outside = [u for u in browser.requests if not u.startswith(base + "/")]
    assert not outside, outside
    assert not [e for e in browser.console_errors if "Content Security Policy" in e], browser.console_errors


def test_list_search_story_side_by_side_and_fact(live):
    browser = Browser()
    with browser as page:
        shown = page.goto(live.base + "/")
        assert shown is not None and shown.headers.get("content-encoding") == "gzip"  # Chromium decodes it
        titles = page.locator(".story-row .story-title").all_inner_texts()
        assert len(titles) == 2
        # search: a word only the dam articles' text holds
        page.fill("header input[name=q]", "seepage")
        page.press("header input[name=q]", "Enter")
        page.wait_for_url("**/?q=seepage")
        rows = page.locator(".story-row")
        assert rows.count() == 1
        assert "seepage" in rows.locator(".snippet mark").first.inner_text().lower()
        # open the story
        rows.locator(".story-title").click()
        page.wait_for_selector(".report-body .summary")
        assert page.locator(".report-body li.fact").count() > 5
        # the report's fact filters work under the app's CSP (served report.js)
        page.click(".filters button[data-status=corroborated]")
        hidden = page.locator(".report-body li.fact.hidden-by-filter").count()
        assert hidden > 0
        # side by side, with highlights
        page.click("text=Read side by side")
        page.wait_for_selector(".columns .column")
        assert page.locator(".column").count() == 3
        corroborated = page.locator(".column-text .hl.corroborated")
        assert corroborated.count() > 0
        for status in ("corroborated", "exclusive"):
            color = page.locator(f".column-text .hl.{status}").first.evaluate("e => getComputedStyle(e).backgroundColor")
            assert color not in ("rgba(0, 0, 0, 0)", "transparent"), status
        # hover a corroborated sentence: its fact shows, the other columns' matching sentences are marked
        first = None
        for n in range(corroborated.count()):
            span = corroborated.nth(n)
            fact = span.get_attribute("data-fact")
            others = page.locator(f".column-text .hl[data-fact='{fact}']")
            columns = others.evaluate_all("els => new Set(els.map(e => e.closest('.column').dataset.article)).size")
            if columns > 1:
                first = span
                break
        assert first is not None, "no corroborated fact shown in two columns"
        first.hover()
        panel = page.locator("#fact-panel")
        panel.wait_for(state="visible")
        assert page.locator(".column-text .hl.match").count() >= 1
        assert panel.locator(".matches li strong").count() >= 1
        fact_text = panel.locator("a").first.inner_text()
        # open the fact
        panel.locator("a").first.click()
        page.wait_for_selector("h1.fact-text")
        assert page.locator("h1.fact-text").inner_text() == fact_text
        assert page.locator("ol.claims li.claim mark").count() >= 2
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "serve-fact.png"))
    _only_the_app(browser, live.base)


def test_phone_width_story_page(live):
    browser = Browser(390, 844)
    with browser as page:
        page.goto(live.base + "/")
        page.locator(".story-title").first.click()
        page.wait_for_selector(".report-body .summary")
        again = page.reload()  # now from the page cache: the prefix compressed once, this client's token framed
        assert again is not None and again.headers.get("content-encoding") == "gzip"
        page.wait_for_selector(".report-body .summary")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 2, width  # no sideways scrolling on a phone
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "serve-phone.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 5000
        page.goto(live.base + page.url.removeprefix(live.base) + "/side-by-side")
        assert page.evaluate("document.documentElement.scrollWidth") <= 392
    _only_the_app(browser, live.base)


def test_upload_two_files_then_merge_and_split(examples_store, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    db = store_copy(examples_store, tmp_path)
    browser = Browser()
    with LiveServer(db) as live, browser as page:
        page.context.set_default_timeout(240_000)  # analysis runs on 2 shared cores
        # the story list stays open in one tab while a second tab adds articles
        page.goto(live.base + "/")
        assert page.locator(".story-row").count() == 2
        page.evaluate("window.sameDocument = true")  # gone if the tab reloads
        adder = page.context.new_page()
        adder.goto(live.base + "/add")
        adder.set_input_files("input[name=files]", [str(p) for p in sorted(FIXTURES.glob("*.txt"))])
        adder.fill("input[name=published]", "2026-04-02")
        adder.click("text=Add and analyse")
        adder.wait_for_url("**/jobs/*")
        # the list tab, never reloaded, shows the new story when the job is done
        page.locator(".story-row", has_text="ferry").wait_for()
        adder.wait_for_selector("#job[data-state=done]")
        assert "2 articles read (2 new)" in adder.locator(".job-result").inner_text()
        assert page.evaluate("window.sameDocument === true")
        page.locator(".jobs-note").wait_for(state="detached")
        rows = page.locator(".story-row")
        assert rows.count() == 3
        ferry = page.locator(".story-row", has_text="ferry")
        assert ferry.count() == 1 and "2 articles" in ferry.inner_text()
        ferry_id = ferry.get_attribute("data-story")
        # merge the ferry story with the port story from the list
        port = page.locator(".story-row", has_text="Mombasa")
        port.locator("input[name=story]").check()
        ferry.locator("input[name=story]").check()
        page.click("text=Merge selected stories")
        page.wait_for_url("**/stories/*")
        page.wait_for_selector(".report-body")
        assert "7 articles" in page.locator("p.meta").first.inner_text()
        merged_url = page.url
        page.goto(live.base + "/")
        assert page.locator(".story-row").count() == 2
        # split the two ferry articles back out
        page.goto(merged_url)
        for label in page.locator(".split-form li").all():
            if "lakeshore" in label.inner_text().lower() or "varden" in label.inner_text().lower():
                label.locator("input").check()
        page.click("text=Split selected articles out")
        page.wait_for_url("**/stories/*")
        page.wait_for_selector(".report-body")
        assert "2 articles" in page.locator("p.meta").first.inner_text()
        page.goto(live.base + "/")
        assert page.locator(".story-row").count() == 3
        assert page.locator(f".story-row[data-story='{ferry_id}']").count() == 1
    _only_the_app(browser, live.base)
    from storylens.store import Store

    with Store(db) as store:
        kinds = [c["kind"] for c in store.corrections()]
    assert kinds == ["merge", "split"]  # persisted as `storylens merge/split` do
