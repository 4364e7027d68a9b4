"""The web app's JSON API and pages through the ASGI test client, on a real store of the examples."""

from __future__ import annotations

import re
import threading
import time
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from conftest import EXAMPLES, store_copy
from storylens.records import Article
from storylens.report import validate_report_dict
from storylens.serve import ServeSettings, create_app
from storylens.store import Store

FIXTURES = EXAMPLES.parent / "tests" / "fixtures" / "serve"


@pytest.fixture(scope="module")
def client(examples_store, tmp_path_factory):
    db = store_copy(examples_store, tmp_path_factory.mktemp("api"))
    with TestClient(create_app(ServeSettings(db=str(db), max_upload_bytes=200_000))) as c:
        yield c


def story_ids(client) -> dict[str, str]:
    """Title word -> story id, for the two example stories (dam, port)."""
    rows = client.get("/api/stories").json()["stories"]
    found = {}
    for row in rows:
        title = row["title"].lower()
        if "dam" in title:
            found["dam"] = row["id"]
        elif "mombasa" in title or "dockworkers" in title:
            found["port"] = row["id"]
    return found


def test_story_list_is_the_two_example_stories_newest_first(client):
    body = client.get("/api/stories").json()
    assert body["total"] == 2
    rows = body["stories"]
    assert all(r["analysed"] and r["n_articles"] == 5 and r["n_outlets"] == 5 for r in rows)
    assert rows[0]["last_day"] >= rows[1]["last_day"]  # newest first
    assert set(story_ids(client)) == {"dam", "port"}


def test_filters_and_pagination(client):
    ids = story_ids(client)
    by_outlet = client.get("/api/stories", params={"outlet": "Pwani Daily"}).json()
    assert [r["id"] for r in by_outlet["stories"]] == [ids["port"]]
    later = client.get("/api/stories", params={"since": "2026-03-09"}).json()
    assert [r["id"] for r in later["stories"]] == [ids["dam"]]
    first = client.get("/api/stories", params={"per_page": 1, "page": 1}).json()
    second = client.get("/api/stories", params={"per_page": 1, "page": 2}).json()
    assert first["total"] == second["total"] == 2
    assert first["stories"][0]["id"] != second["stories"][0]["id"]
    disputed = client.get("/api/stories", params={"disputed": "1"}).json()["stories"]
    assert all(r["n_disputed"] > 0 for r in disputed)
    big = client.get("/api/stories", params={"min_articles": 6}).json()
    assert big["total"] == 0


def test_search_reaches_titles_facts_and_article_text(client):
    ids = story_ids(client)
    hits = client.get("/api/search", params={"q": "seepage"}).json()  # in the dam articles' text
    assert [r["id"] for r in hits["results"]] == [ids["dam"]]
    assert "seepage" in hits["results"][0]["snippet"].lower()
    hits = client.get("/api/search", params={"q": "dockworkers"}).json()
    assert [r["id"] for r in hits["results"]] == [ids["port"]]
    # FTS syntax in user text is read as words, never as a query language
    assert client.get("/api/search", params={"q": 'dam" OR NEAR(*'}).status_code == 200
    assert client.get("/api/search", params={"q": "zzzqqq"}).json()["total"] == 0
    html = client.get("/", params={"q": "seepage"}).text
    assert "<mark>seepage</mark>" in html.lower()


def test_story_resource_is_the_report_contract(client):
    ids = story_ids(client)
    body = client.get(f"/api/stories/{ids['dam']}").json()
    validate_report_dict(body)
    assert body["schema"] == "storylens.report/1"
    (story,) = body["stories"]
    assert story["id"] == ids["dam"] and len(story["article_ids"]) == 5
    assert {a["id"] for a in body["articles"]} == set(story["article_ids"])


def test_fact_and_article_resources(client):
    ids = story_ids(client)
    report = client.get(f"/api/stories/{ids['dam']}").json()
    fact = report["stories"][0]["facts"][0]
    got = client.get(f"/api/facts/{fact['id']}").json()
    assert got["story_id"] == ids["dam"] and got["fact"]["text"] == fact["text"]
    page = client.get(f"/facts/{fact['id']}").text
    claim = fact["claims"][0]
    article = next(a for a in report["articles"] if a["id"] == claim["article_id"])
    cited = article["text"][claim["start"] : claim["end"]]
    assert "<mark>" in page and cited.split()[0] in page
    got = client.get(f"/api/articles/{article['id']}").json()
    assert got["article"]["text"] == article["text"] and got["story_id"] == ids["dam"]
    assert client.get(f"/articles/{article['id']}").status_code == 200


def test_side_by_side_marks_claims_with_their_fact_status(client):
    ids = story_ids(client)
    data = client.get(f"/api/stories/{ids['port']}/side-by-side").json()
    assert len(data["columns"]) == 3 and len({c["outlet"] for c in data["columns"]}) == 3
    report = client.get(f"/api/stories/{ids['port']}").json()
    texts = {a["id"]: a["text"] for a in report["articles"]}
    statuses = {f["id"]: f["status"] for f in report["stories"][0]["facts"]}
    for column in data["columns"]:
        assert "".join(s["text"] for s in column["segments"]) == texts[column["article_id"]]
        for segment in column["segments"]:
            if "fact_id" in segment:
                want = statuses[segment["fact_id"]]
                assert segment["status"] == ("exclusive" if want == "single_source" else want)
    shown = {s["status"] for c in data["columns"] for s in c["segments"] if "status" in s}
    assert "corroborated" in shown
    html = client.get(f"/stories/{ids['port']}/side-by-side").text
    assert 'class="hl corroborated"' in html


def test_exports(client):
    ids = story_ids(client)
    for fmt, kind in (("json", "application/json"), ("md", "text/markdown"), ("html", "text/html"),
                      ("csv", "application/zip"), ("parquet", "application/zip")):
        response = client.get(f"/stories/{ids['dam']}/export.{fmt}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind), fmt
    assert client.get(f"/stories/{ids['dam']}/export.exe").status_code == 404


def test_one_error_shape_and_status_codes(client):
    for url, status in (("/api/stories/s-nope", 404), ("/api/facts/nope", 404), ("/api/articles/nope", 404),
                        ("/api/jobs/nope", 404), ("/api/stories?page=0", 400), ("/api/stories?since=yesterday", 400),
                        ("/api/search", 400), ("/api/nothing", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        error = response.json()["error"]
        assert error["status"] == status and error["code"] and error["message"], url
    assert client.get("/stories/s-nope").status_code == 404
    assert "text/html" in client.get("/stories/s-nope").headers["content-type"]


def test_openapi_document_validates(client):
    from openapi_spec_validator import validate

    document = client.get("/api/openapi.json").json()
    validate(document)
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/facts/{fact_id}", "/api/articles/{article_id}",
                 "/api/search", "/api/ingest", "/api/jobs/{job_id}"):
        assert path in document["paths"]


def test_security_headers_and_csrf(client):
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert "<script>" not in response.text  # no inline script anywhere
    token = client.cookies.get("storylens_csrf")
    assert token
    # every state-changing request needs the token
    assert client.post("/api/ingest", data={"text": "x"}).status_code == 403
    assert client.post("/api/stories/merge", json={"stories": ["a", "b"]}).status_code == 403
    assert client.post("/stories/merge", data={"story": ["a", "b"], "csrf": "wrong-token-123456789012"}).status_code == 403
    # a non-ASCII token (found by the schemathesis run) is refused, not a crash
    odd = client.post("/api/ingest", data={"text": "x"}, headers={"x-csrf-token": "é".encode() * 20})
    assert odd.status_code == 403
    other_site = client.post("/api/ingest", data={"text": "x"}, headers={"x-csrf-token": token, "origin": "http://evil.example"})
    assert other_site.status_code == 403


def test_request_size_limit(client):
    token = client.cookies.get("storylens_csrf")
    big = b"a" * 2_000_000
    response = client.post("/api/ingest", files={"files": ("big.txt", big)}, headers={"x-csrf-token": token})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_article_text_is_escaped(client, tmp_path):
    hostile = Article(id="hostile01", source="<img src=x onerror=alert(1)>.txt", outlet="<b>Evil</b>",
                      title="<script>alert(1)</script>", text="Hello <script>alert('x')</script> & bye.")
    with Store(client.app.starlette.state.settings.db) as store:
        store.upsert_articles([hostile])
    html = client.get("/articles/hostile01").text
    assert "<script>alert" not in html and "<b>Evil</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;Evil&lt;/b&gt;" in html


def test_ingest_job_reports_per_input_errors_and_reads_go_on(client):
    """A bad file is named in the job's errors, the good ones are added, readers never see 'locked'."""
    token = client.cookies.get("storylens_csrf")
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(FIXTURES.glob("*.txt"))]
    files.append(("files", ("empty.txt", b"", "text/plain")))
    response = client.post("/api/ingest", files=files, data={"published": "2026-04-02"}, headers={"x-csrf-token": token})
    assert response.status_code == 202
    job = response.json()
    failures: list[str] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            for url in ("/api/stories", "/api/search?q=ferry", "/"):
                r = client.get(url)
                if r.status_code != 200:
                    failures.append(f"{url} {r.status_code} {r.text[:200]}")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    deadline = time.time() + 240
    try:
        while time.time() < deadline:
            job = client.get(f"/api/jobs/{job['id']}").json()
            if job["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert job["state"] == "done", job
    assert job["articles"] == 2 and job["new"] == 2
    assert len(job["errors"]) == 1 and "empty.txt" in job["errors"][0] and "storylens-upload" not in job["errors"][0]
    assert not failures, failures[:3]
    hits = client.get("/api/search", params={"q": "Varden ferry"}).json()
    assert hits["total"] == 1 and hits["results"][0]["n_articles"] == 2


def test_empty_store_says_how_to_add(tmp_path):
    with TestClient(create_app(ServeSettings(db=str(tmp_path / "empty.db")))) as c:
        html = c.get("/").text
        assert "The store is empty" in html and 'href="/add"' in html
        assert c.get("/api/stories").json() == {"stories": [], "total": 0, "page": 1, "filters": {
            "q": "", "outlet": None, "since": None, "until": None, "disputed": False, "conflicting": False,
            "min_articles": 0, "sort": "newest"}}


def test_serve_command_warns_off_loopback(monkeypatch, tmp_path):
    import uvicorn

    from storylens.cli import cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    db = str(tmp_path / "s.db")
    quiet = CliRunner().invoke(cli, ["serve", "--db", db])
    assert quiet.exit_code == 0 and "warning" not in quiet.output
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    loud = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "8123"])
    assert loud.exit_code == 0 and re.search(r"warning: .*anyone who can reach", loud.output)
    assert calls[-1]["host"] == "0.0.0.0" and calls[-1]["port"] == 8123


def test_outlet_and_entity_pages(client):
    from urllib.parse import quote

    ids = story_ids(client)
    report = client.get(f"/api/stories/{ids['port']}").json()
    story = report["stories"][0]
    view = story["outlets"][0]
    got = client.get(f"/api/stories/{ids['port']}/outlets/{quote(view['outlet'])}").json()
    assert [f["id"] for f in got["exclusive"]] == list(view["exclusive_fact_ids"])
    assert [f["id"] for f in got["omitted"]] == list(view["omitted_fact_ids"])
    assert client.get(f"/stories/{ids['port']}/outlets/{quote(view['outlet'])}").status_code == 200
    assert client.get(f"/api/stories/{ids['port']}/outlets/Nobody").status_code == 404
    names = [e["name"] for e in client.get(f"/api/stories/{ids['port']}/entities").json()["entities"]]
    assert names == [e["name"] for e in story["entities"]]
    entity = client.get(f"/api/stories/{ids['port']}/entities/{quote(names[0])}").json()
    assert entity["mentions_by_outlet"] == story["entities"][0]["mentions_by_outlet"]
    assert client.get(f"/stories/{ids['port']}/entities/{quote(names[0])}").status_code == 200


def test_hot_pages_follow_the_store_and_revalidate(client):
    """Cached pages carry each client's own CSRF token, answer 304 to a current copy, and change
    as soon as another connection (here: a second process's worth of Store) commits."""
    ids = story_ids(client)
    first = client.get(f"/stories/{ids['dam']}")
    again = client.get(f"/stories/{ids['dam']}")
    assert first.status_code == again.status_code == 200 and first.text == again.text
    etag = first.headers["etag"]
    assert client.get(f"/stories/{ids['dam']}", headers={"if-none-match": etag}).status_code == 304
    token = client.cookies.get("storylens_csrf")
    assert f'value="{token}"' in first.text
    other = TestClient(client.app)
    theirs = other.get(f"/stories/{ids['dam']}")
    their_token = other.cookies.get("storylens_csrf")
    assert their_token != token and f'value="{their_token}"' in theirs.text and token not in theirs.text
    assert other.get(f"/stories/{ids['dam']}", headers={"if-none-match": etag}).status_code == 200
    listed = client.get("/").text
    count = int(re.search(r"(\d+) articles in the store", listed).group(1))
    status = client.get("/api/status").json()
    with Store(client.app.starlette.state.settings.db) as store:  # another connection writes
        store.upsert_articles([Article(id="latecomer01", source="late.txt", outlet="Late Post",
                                       text="A late article about the dam.")])
    assert f"{count + 1} articles in the store" in client.get("/").text
    assert client.get(f"/stories/{ids['dam']}", headers={"if-none-match": etag}).status_code in (200, 304)
    assert client.get("/api/status").json()["stories"] == status["stories"]


def test_jobs_of_a_stopped_server_are_marked_failed_at_startup(examples_store, tmp_path):
    import subprocess
    import sys

    from storylens.store import StoryIndex

    db = store_copy(examples_store, tmp_path)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that no longer runs: the server that owned the job
    with Store(db) as store:
        index = StoryIndex(store)
        index.put_job("j-old", "running", {"id": "j-old", "state": "running", "stage": "ingest", "errors": [],
                                           "pid": gone.pid})
        index.put_job("j-older", "queued", {"id": "j-older", "state": "queued", "stage": "queued", "errors": []})
        index.put_job("j-done", "done", {"id": "j-done", "state": "done", "stage": "done", "errors": [], "pid": gone.pid})
    with TestClient(create_app(ServeSettings(db=str(db)))) as c:
        for job_id in ("j-old", "j-older"):
            job = c.get(f"/api/jobs/{job_id}").json()
            assert job["state"] == "failed" and job["stage"] == "interrupted", job
            assert any("interrupted" in e and "add the rest again" in e for e in job["errors"])
            assert "interrupted" in c.get(f"/jobs/{job_id}").text
        assert c.get("/api/jobs/j-done").json()["state"] == "done"
        assert c.get("/api/status").json()["jobs_active"] == 0


def test_url_ingestion_refuses_private_and_link_local_addresses(examples_store, tmp_path):
    """As the CLI: loopback/private hosts are refused unless the server allows them, link-local always."""
    db = store_copy(examples_store, tmp_path)
    with TestClient(create_app(ServeSettings(db=str(db)))) as c:
        c.get("/")
        token = c.cookies.get("storylens_csrf")
        urls = "http://127.0.0.1:9/inside\nhttp://169.254.169.254/latest/meta-data/"
        response = c.post("/api/ingest", data={"urls": urls}, headers={"x-csrf-token": token})
        assert response.status_code == 202
        job = response.json()
        deadline = time.time() + 60
        while job["state"] not in ("done", "failed") and time.time() < deadline:
            time.sleep(0.2)
            job = c.get(f"/api/jobs/{job['id']}").json()
        assert job["state"] == "failed" and job["articles"] == 0
        assert any("http://127.0.0.1:9/inside" in e and "private/loopback" in e for e in job["errors"]), job
        assert any("169.254.169.254" in e and "never fetched" in e for e in job["errors"]), job
        assert c.get("/api/stories").json()["total"] == 2  # nothing stored changed


class _Forms(HTMLParser):
    """Each form's action and the fields a browser would submit with it: its own inputs and those naming it (form=)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict] = {}
        self.open: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.open = a.get("id") or f"anonymous-{len(self.forms)}"
            self.forms.setdefault(self.open, {"fields": []})["action"] = a.get("action")
        elif tag == "input" and a.get("name"):
            owner = a.get("form") or self.open
            if owner:
                self.forms.setdefault(owner, {"fields": []})["fields"].append((a["name"], a.get("value")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.open = None


def test_hot_pages_are_gzip_when_accepted_with_the_token_still_reaching_each_form(client):
    """A gzip answer decodes to the identity page (with this client's token), each encoding has its own
    ETag and 304, and the CSRF inputs at the page's end (form=) still go with their forms' POSTs."""
    ids = story_ids(client)
    token = client.cookies.get("storylens_csrf") or client.get("/").cookies.get("storylens_csrf")
    for url in (f"/stories/{ids['dam']}", "/", f"/api/stories/{ids['dam']}"):
        client.get(url)  # the second answer comes from the cache layer, the first from the app: both alike
        for _ in range(2):
            packed = client.get(url, headers={"accept-encoding": "gzip"})
            plain = client.get(url, headers={"accept-encoding": "identity"})
            assert packed.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
            assert packed.headers["vary"] == plain.headers["vary"] == "accept-encoding"
            assert packed.content == plain.content  # httpx decoded the gzip member
            assert int(packed.headers["content-length"]) < len(plain.content) / 2
            assert packed.headers["etag"] != plain.headers["etag"]
            for etag, coding in ((packed.headers["etag"], "gzip"), (plain.headers["etag"], "identity")):
                assert client.get(url, headers={"accept-encoding": coding, "if-none-match": etag}).status_code == 304
            assert client.get(url, headers={"accept-encoding": "gzip;q=0",
                                            "if-none-match": packed.headers["etag"]}).status_code == 200
    page = client.get(f"/stories/{ids['dam']}", headers={"accept-encoding": "gzip"}).text
    assert page.rstrip().endswith("</html>") and page.count(token) == 2
    assert page.rindex('name="csrf"') > page.rindex("</form>")  # the tokens come after every form
    forms = _Forms()
    forms.feed(page)
    split, merge = forms.forms["split-form"], forms.forms["merge-with"]
    assert ("csrf", token) in split["fields"] and ("csrf", token) in merge["fields"]
    # the POST the split form makes (with a wrong article): past the CSRF check, refused for the article
    response = client.post(split["action"], data={"csrf": token, "article": "not-an-article"}, follow_redirects=False)
    assert response.status_code in (400, 404), response.text[:200]
    fields = dict(merge["fields"])
    response = client.post(merge["action"], data={"csrf": fields["csrf"], "story": [fields["story"], "s-nope"]},
                           follow_redirects=False)
    assert response.status_code in (400, 404), response.text[:200]
    assert client.post(split["action"], data={"article": "not-an-article"}).status_code == 403
    listed = _Forms()
    listed.feed(client.get("/").text)
    assert ("csrf", token) in listed.forms["merge-form"]["fields"]
    added = _Forms()
    added.feed(client.get("/add").text)
    assert ("csrf", token) in added.forms["add-form"]["fields"]
