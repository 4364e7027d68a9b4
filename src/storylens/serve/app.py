"""The ASGI app: server-rendered pages and the JSON API over one storylens store.

Thin by design: every answer comes from :mod:`storylens.serve.library` (or the
report writers); this module maps URLs to those functions, renders Jinja2
templates (autoescaped: article text is untrusted), translates the error
vocabulary to HTTP, and adds the safety rails: CSRF on every state-changing
request, a strict Content-Security-Policy, request size limits. The hot reads
(story list, search, story page, story JSON) are kept rendered in a
:class:`~storylens.serve.cache.PageCache` until the store changes.
"""

from __future__ import annotations

import hmac
import io
import json
import re
import secrets
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from storylens.errors import NotFound, StorylensError, UsageError
from storylens.records import Report
from storylens.report import export_tables, report_body, to_html, to_markdown
from storylens.report.views import STATUS_LABELS, human_date
from storylens.serve import library
from storylens.serve.cache import CacheLayer, PageCache
from storylens.serve.jobs import JobInput, JobRunner, new_job_folder
from storylens.serve.openapi import openapi_document
from storylens.store import Store, StoryIndex

CSRF_COOKIE = "storylens_csrf"
CSRF_HEADER = "x-csrf-token"
PAGE_SIZE = 20
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
STATIC = {
    "app.css": ("storylens.serve", "static/app.css", "text/css"),
    "app.js": ("storylens.serve", "static/app.js", "text/javascript"),
    "report.css": ("storylens.report", "templates/report.css", "text/css"),
    "report.js": ("storylens.report", "templates/report.js", "text/javascript"),
}
EXPORTS = ("json", "md", "html", "csv", "parquet")


@dataclass(frozen=True)
class ServeSettings:
    """How the app runs: the store, and the size limits on what clients send."""

    db: str = "storylens.db"
    max_upload_bytes: int = 20 * 1024 * 1024
    max_files: int = 50
    allow_private: bool = False


class ApiError(Exception):
    """An error answered as the one JSON error shape (or an error page)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(status: int, code: str, message: str) -> dict:
    return {"error": {"status": status, "code": code, "message": message}}


class _Stores:
    """One store connection per worker thread (sqlite3 connections stay in their thread)."""

    def __init__(self, db: str):
        self.db = db
        self.local = threading.local()
        with Store(db):  # create and migrate once, up front
            pass

    def get(self) -> Store:
        store = getattr(self.local, "store", None)
        if store is None:
            store = self.local.store = Store(self.db)
        return store


class SafetyMiddleware:
    """Security headers on every answer; the CSRF cookie; the request size limit."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body
        self.starlette: Starlette | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _send_json(send, 413, "too_large", f"request body over {self.max_body} bytes")
        token = _cookie(headers.get(b"cookie", b"").decode("latin-1"), CSRF_COOKIE)
        fresh = None
        if not token or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
            token = fresh = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = token
        seen = [0]

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > self.max_body:
                    raise ApiError(413, "too_large", f"request body over {self.max_body} bytes")
            return message

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if fresh:
                    extra.append((b"set-cookie", f"{CSRF_COOKIE}={fresh}; Path=/; SameSite=Strict; HttpOnly".encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


async def _send_json(send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(status, code, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_request", f"{name}: not a whole number: {raw!r}") from None
    if not low <= value <= high:
        raise ApiError(400, "bad_request", f"{name}: must be between {low} and {high}")
    return value


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def list_filters(request: Request) -> dict[str, Any]:
    """The story list's query parameters, checked."""
    params = request.query_params
    for name in ("since", "until"):
        if params.get(name) and not _DAY.fullmatch(params[name]):
            raise ApiError(400, "bad_request", f"{name}: use a date as YYYY-MM-DD")
    sort = params.get("sort") or "newest"
    if sort not in ("newest", "size"):
        raise ApiError(400, "bad_request", "sort: use newest or size")
    return {
        "q": (params.get("q") or "").strip()[:200],
        "outlet": params.get("outlet") or None,
        "since": params.get("since") or None,
        "until": params.get("until") or None,
        "disputed": params.get("disputed") in ("1", "true", "on"),
        "conflicting": params.get("conflicting") in ("1", "true", "on"),
        "min_articles": _int(request, "min_articles", 0, 0, 100000),
        "sort": sort,
    }


def create_app(settings: ServeSettings | None = None) -> SafetyMiddleware:
    """The web app over ``settings.db`` (created empty if missing)."""
    settings = settings or ServeSettings()
    stores = _Stores(settings.db)
    jobs = JobRunner(settings.db)
    jobs.fail_interrupted()
    cache = PageCache(settings.db)
    env = Environment(
        loader=PackageLoader("storylens.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["human_date"] = human_date
    env.filters["pageq"] = lambda query, n: urlencode(
        [(k, v) for k, v in query.multi_items() if k != "page"] + [("page", str(n))]
    )
    env.globals["status_labels"] = {**STATUS_LABELS, "exclusive": "Exclusive"}
    static_files = {
        name: (resources.files(pkg).joinpath(path).read_bytes(), mime) for name, (pkg, path, mime) in STATIC.items()
    }

    def page(request: Request, template: str, status: int = 200, rev: tuple[int, int] | None = None,
             **context) -> Response:
        """A rendered page; with ``rev`` (the store revision read before rendering) it is also kept in the cache."""
        if rev is not None and status == 200:
            html = env.get_template(template).render(request=request, csrf=cache.placeholder, **context)
            return remember(request, rev, html.encode(), "text/html; charset=utf-8")
        html = env.get_template(template).render(request=request, csrf=request.state.csrf, **context)
        return HTMLResponse(html, status_code=status)

    def remember(request: Request, rev: tuple[int, int], body: bytes, media_type: str) -> Response:
        """Keep a rendered answer for its URL until the store changes, and answer it."""
        key = f"{request.url.path}?{request.url.query}" if request.url.query else request.url.path
        entry = cache.put(key, rev, body, media_type)
        return entry.response(request.state.csrf, request.headers.get("if-none-match"),
                              request.headers.get("accept-encoding"))

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    # ---------------------------------------------------------------- errors

    def fail(request: Request, status: int, code: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse(error_body(status, code, message), status_code=status)
        return page(request, "error.html", status=status, status_code=status, message=message)

    async def on_api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return fail(request, exc.status, exc.code, exc.message)

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return fail(request, 404, "not_found", str(exc))

    async def on_usage(request: Request, exc: Exception) -> Response:
        return fail(request, 400, "bad_request", str(exc))

    async def on_storylens(request: Request, exc: Exception) -> Response:
        return fail(request, 500, "server_error", str(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request", 413: "too_large"}
        return fail(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc.detail))

    async def on_crash(request: Request, exc: Exception) -> Response:
        return fail(request, 500, "server_error", "the server failed on this request")

    # ---------------------------------------------------------------- CSRF

    async def checked_form(request: Request) -> Any:
        """The request's form, after the CSRF check (token in the form or the header)."""
        origin = request.headers.get("origin")
        if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host", ""):
            raise ApiError(403, "csrf", "cross-origin request refused")
        content_type = request.headers.get("content-type", "")
        form = None
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            try:
                form = await request.form(max_files=settings.max_files, max_fields=200,
                                          max_part_size=settings.max_upload_bytes)
            except ApiError:
                raise
            except Exception as exc:
                raise ApiError(400, "bad_request", f"unreadable form: {exc}") from None
        sent = request.headers.get(CSRF_HEADER) or (form.get("csrf") if form is not None else None)
        cookie = request.cookies.get(CSRF_COOKIE)
        # bytes: compare_digest refuses non-ASCII str, and either side may be anything a client sent
        if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), cookie.encode()):
            raise ApiError(403, "csrf", "missing or wrong CSRF token (reload the page and try again)")
        return form

    # ---------------------------------------------------------------- the story list

    def story_rows(request: Request) -> tuple[dict, list[dict], int, int]:
        filters = list_filters(request)
        page_no = _int(request, "page", 1, 1, 100000)
        per_page = _int(request, "per_page", PAGE_SIZE, 1, 200)
        index = StoryIndex(stores.get())
        rows, total = index.query(**filters, limit=per_page, offset=(page_no - 1) * per_page)
        return filters, rows, total, page_no

    def api_stories(request: Request, rev: tuple[int, int] | None = None) -> Response:
        filters, rows, total, page_no = story_rows(request)
        for row in rows:
            row.pop("snippet", None)
        body = {"stories": rows, "total": total, "page": page_no, "filters": filters}
        return remember(request, rev, _json_bytes(body), "application/json") if rev else JSONResponse(body)

    def api_search(request: Request, rev: tuple[int, int] | None = None) -> Response:
        q = (request.query_params.get("q") or "").strip()
        if not q:
            raise ApiError(400, "bad_request", "q: give words to search for")
        filters, rows, total, page_no = story_rows(request)
        for row in rows:
            row["snippet"] = (row.get("snippet") or "").replace("\x02", "").replace("\x03", "")
        body = {"q": q, "results": rows, "total": total, "page": page_no}
        return remember(request, rev, _json_bytes(body), "application/json") if rev else JSONResponse(body)

    def home(request: Request, rev: tuple[int, int] | None = None) -> Response:
        filters, rows, total, page_no = story_rows(request)
        store = stores.get()
        for row in rows:
            row["snippet_parts"] = _snippet_parts(row.get("snippet"))
        per_page = _int(request, "per_page", PAGE_SIZE, 1, 200)
        return page(
            request, "list.html", filters=filters, rows=rows, total=total, page_no=page_no,
            pages=max(1, -(-total // per_page)), outlets=StoryIndex(store).outlets(),
            articles=store.article_count(), query=request.query_params, store_status=StoryIndex(store).status(),
            rev=rev,
        )

    # ---------------------------------------------------------------- a story

    def story_id_of(request: Request) -> str:
        return request.path_params["story_id"]

    def api_story(request: Request, rev: tuple[int, int] | None = None) -> Response:
        text = library.report_json(stores.get(), story_id_of(request))
        if rev:
            return remember(request, rev, text.encode(), "application/json")
        return Response(text, media_type="application/json")

    def story_page(request: Request, body: str | None = None, rev: tuple[int, int] | None = None) -> Response:
        store = stores.get()
        sid = story_id_of(request)
        group = store.story(sid)
        if group is None:
            raise NotFound(f"no story {sid!r}")
        index = StoryIndex(store)
        body = body if body is not None and group.id == sid else index.page(group.id)
        if body is None:
            report = library.report_of(store, group.id)
            body = report_body(report)
            index.put_page(group.id, body)
        story_meta = _story_meta(store, group.id)
        others = [c for c in index.story_choices() if c[0] != group.id]
        return page(request, "story.html", group=group, body=body, meta=story_meta, rev=rev,
                    others=others, articles=index.article_heads(group.id), exports=EXPORTS)

    def _story_meta(store: Store, sid: str) -> dict:
        rows, _ = StoryIndex(store).query(story_id=sid, limit=1)
        return rows[0] if rows else {}

    def side_by_side_data(request: Request) -> dict:
        store = stores.get()
        report = library.report_of(store, story_id_of(request))
        chosen = request.query_params.getlist("a")
        known = [a.id for a in report.articles]
        if chosen:
            for given in chosen:
                if given not in known:
                    raise ApiError(404, "not_found", f"article {given!r} is not in this story")
        else:
            seen_outlets: set[str] = set()
            for article in report.articles:
                if article.outlet not in seen_outlets and not article.duplicate_of:
                    seen_outlets.add(article.outlet)
                    chosen.append(article.id)
            chosen = chosen[:3]
        story = report.stories[0]
        facts = {f.id: f for f in story.facts}
        columns = []
        for article_id in chosen:
            article = next(a for a in report.articles if a.id == article_id)
            columns.append({"article_id": article.id, "outlet": article.outlet, "title": article.title,
                            "published": article.published,
                            "segments": library.marked_segments(report, article.id)})
        used = {s["fact_id"] for c in columns for s in c["segments"] if "fact_id" in s}
        fact_rows = {
            fid: {"id": fid, "text": facts[fid].text, "status": facts[fid].status,
                  "outlets": list(facts[fid].outlets), "independent_outlets": facts[fid].independent_outlets}
            for fid in sorted(used)
        }
        return {"story_id": story.id, "title": story.title, "columns": columns, "facts": fact_rows,
                "articles": [{"id": a.id, "outlet": a.outlet, "title": a.title} for a in report.articles]}

    def api_side_by_side(request: Request) -> Response:
        return JSONResponse(side_by_side_data(request))

    def side_by_side(request: Request) -> Response:
        data = side_by_side_data(request)
        return page(request, "side.html", data=data, facts_json=json.dumps(data["facts"]))

    def export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in EXPORTS:
            raise ApiError(404, "not_found", f"no export format {fmt!r} (use {', '.join(EXPORTS)})")
        store = stores.get()
        sid = story_id_of(request)
        name = f"storylens-{sid}"
        if fmt == "json":
            return Response(library.report_json(store, sid), media_type="application/json",
                            headers={"content-disposition": f'attachment; filename="{name}.json"'})
        report: Report = library.report_of(store, sid)
        if fmt == "md":
            return Response(to_markdown(report), media_type="text/markdown; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}.md"'})
        if fmt == "html":
            return Response(to_html(report), media_type="text/html; charset=utf-8",
                            headers={"content-disposition": f'attachment; filename="{name}.html"'})
        with tempfile.TemporaryDirectory(prefix="storylens-export-") as tmp:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in export_tables(report, tmp, fmt):
                    archive.write(path, arcname=f"{name}/{path.name}")
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers={"content-disposition": f'attachment; filename="{name}-{fmt}.zip"'})

    def outlet_data(request: Request) -> dict:
        report = library.report_of(stores.get(), story_id_of(request))
        return library.outlet_view(report, request.path_params["outlet"])

    def api_outlet(request: Request) -> Response:
        return JSONResponse(outlet_data(request))

    def outlet_page(request: Request) -> Response:
        return page(request, "outlet.html", view=outlet_data(request))

    def entities_data(request: Request) -> dict:
        report = library.report_of(stores.get(), story_id_of(request))
        story = report.stories[0]
        return {"story_id": story.id, "story_title": story.title,
                "entities": [{"name": e.name, "type": e.type, "mentions": sum(e.mentions_by_outlet.values()),
                              "outlets": len(e.mentions_by_outlet)} for e in story.entities]}

    def api_entities(request: Request) -> Response:
        return JSONResponse(entities_data(request))

    def entities_page(request: Request) -> Response:
        return page(request, "entities.html", data=entities_data(request))

    def entity_data(request: Request) -> dict:
        report = library.report_of(stores.get(), story_id_of(request))
        return library.entity_view(report, request.path_params["name"])

    def api_entity(request: Request) -> Response:
        return JSONResponse(entity_data(request))

    def entity_page(request: Request) -> Response:
        return page(request, "entity.html", view=entity_data(request))

    # ---------------------------------------------------------------- facts, articles

    def fact_data(request: Request) -> tuple[Report, Any, dict]:
        report, story, n = library.fact_in(stores.get(), request.path_params["fact_id"])
        fact = story.facts[n]
        articles = {a.id: a for a in report.articles}
        claims = []
        for claim in fact.claims:
            article = articles.get(claim.article_id)
            before, span, after = library.context_of(article, claim.start, claim.end) if article else ("", claim.text, "")
            claims.append({"claim": claim, "outlet": article.outlet if article else "?",
                           "before": before, "span": span, "after": after})
        sides = []
        for conflict in fact.conflicts:
            sides.append({"kind": conflict.kind, "detail": conflict.detail, "sides": [
                {"article_id": c.article_id, "outlet": articles[c.article_id].outlet if c.article_id in articles else "?",
                 "text": articles[c.article_id].text[c.start:c.end] if c.article_id in articles else ""}
                for c in conflict.claims]})
        return report, fact, {"story": story, "claims": claims, "conflicts": sides}

    def api_fact(request: Request) -> Response:
        report, fact, extra = fact_data(request)
        return JSONResponse({"story_id": extra["story"].id, "story_title": extra["story"].title,
                             "fact": fact.model_dump(mode="json")})

    def fact_page(request: Request) -> Response:
        report, fact, extra = fact_data(request)
        return page(request, "fact.html", fact=fact, **extra)

    def article_data(request: Request) -> tuple[Any, Any]:
        store = stores.get()
        article = library.article_of(store, request.path_params["article_id"])
        return article, library.story_of_article(store, article.id)

    def api_article(request: Request) -> Response:
        article, group = article_data(request)
        return JSONResponse({"article": article.model_dump(mode="json"), "story_id": group.id if group else None})

    def article_page(request: Request) -> Response:
        article, group = article_data(request)
        return page(request, "article.html", article=article, group=group)

    # ---------------------------------------------------------------- adding articles

    async def read_ingest(request: Request) -> JobInput:
        form = await checked_form(request)
        if form is None:
            raise ApiError(415, "unsupported_media_type", "send multipart/form-data or a urlencoded form")
        folder = new_job_folder()
        inputs: list[str] = []
        labels = {str(folder): "upload"}
        try:
            files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            for n, upload in enumerate(files):
                name = Path(upload.filename or f"file-{n}").name or f"file-{n}"
                name = re.sub(r"[^\w.\-]+", "_", name)[:120] or f"file-{n}"
                data = await upload.read()
                (folder / name).write_bytes(data)
                labels[str(folder / name)] = upload.filename or name
            text = form.get("text")
            outlet = (form.get("outlet") or "").strip() or None if isinstance(form.get("outlet"), str) else None
            published = form.get("published") if isinstance(form.get("published"), str) else None
            published = (published or "").strip() or None
            if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][\d:.+\-Z]*)?", published):
                raise ApiError(400, "bad_request", "published: use an ISO 8601 date such as 2026-03-10")
            if isinstance(text, str) and text.strip():
                stem = f"pasted-{secrets.token_hex(4)}"
                (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
                meta = {k: v for k, v in {"outlet": outlet, "published": published,
                                         "title": (form.get("title") or "").strip() or None}.items() if v}
                if meta:
                    (folder / f"{stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
                labels[str(folder / f"{stem}.txt")] = "pasted text"
            if any(folder.iterdir()):
                inputs.append(str(folder))
            urls = form.get("urls")
            if isinstance(urls, str):
                for line in urls.split():
                    if not re.match(r"https?://", line):
                        raise ApiError(400, "bad_request", f"{line}: not an http(s) URL")
                    inputs.append(line)
            if not inputs:
                raise ApiError(400, "bad_request", "nothing to add: upload files, paste text or give URLs")
        except BaseException:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            raise
        return JobInput(folder=folder, inputs=tuple(inputs), outlet=outlet if not files else None,
                        published=published, allow_private=settings.allow_private, labels=labels)

    async def api_ingest(request: Request) -> Response:
        job = await read_ingest(request)
        record = await run_in_threadpool(jobs.submit, job)
        return JSONResponse(record, status_code=202, headers={"location": f"/api/jobs/{record['id']}"})

    async def add_submit(request: Request) -> Response:
        job = await read_ingest(request)
        record = await run_in_threadpool(jobs.submit, job)
        return RedirectResponse(f"/jobs/{record['id']}", status_code=303)

    def add_form(request: Request) -> Response:
        return page(request, "add.html", limit_mb=settings.max_upload_bytes // (1024 * 1024),
                    articles=stores.get().article_count())

    def job_record(request: Request) -> dict:
        job_id = request.path_params["job_id"]
        record = StoryIndex(stores.get()).job(job_id)
        if record is None:
            raise ApiError(404, "not_found", f"no job {job_id!r}")
        return record

    def api_job(request: Request) -> Response:
        return JSONResponse(job_record(request))

    def job_page(request: Request) -> Response:
        return page(request, "job.html", job=job_record(request))

    # ---------------------------------------------------------------- corrections

    async def merge(request: Request, api: bool) -> Response:
        form = await checked_form(request)
        if form is not None:
            ids = [s for s in form.getlist("story") if isinstance(s, str)]
        else:
            try:
                ids = list((await request.json()).get("stories", []))
            except Exception:
                raise ApiError(400, "bad_request", "send a form or JSON {\"stories\": [...]}") from None
        if len(set(ids)) < 2:
            raise ApiError(400, "bad_request", "merge needs at least two different stories")
        group = await run_in_threadpool(_merge, ids)
        if api:
            return JSONResponse({"story_id": group.id, "article_ids": list(group.article_ids)})
        return RedirectResponse(f"/stories/{group.id}", status_code=303)

    def _merge(ids: list[str]):
        from storylens.stories import merge_stories

        store = stores.get()
        group = merge_stories(store, ids)
        library.analyse_pending(store)
        return group

    async def split(request: Request, api: bool) -> Response:
        form = await checked_form(request)
        if form is not None:
            ids = [s for s in form.getlist("article") if isinstance(s, str)]
        else:
            try:
                ids = list((await request.json()).get("articles", []))
            except Exception:
                raise ApiError(400, "bad_request", "send a form or JSON {\"articles\": [...]}") from None
        if not ids:
            raise ApiError(400, "bad_request", "split needs at least one article to move out")
        groups = await run_in_threadpool(_split, story_id_of(request), ids)
        if api:
            return JSONResponse({"stories": [{"story_id": g.id, "article_ids": list(g.article_ids)} for g in groups]})
        return RedirectResponse(f"/stories/{groups[-1].id}", status_code=303)

    def _split(sid: str, ids: list[str]):
        from storylens.stories import split_story

        store = stores.get()
        groups = split_story(store, sid, ids)
        library.analyse_pending(store)
        return groups

    async def merge_page(request: Request) -> Response:
        return await merge(request, api=False)

    async def merge_api(request: Request) -> Response:
        return await merge(request, api=True)

    async def split_page(request: Request) -> Response:
        return await split(request, api=False)

    async def split_api(request: Request) -> Response:
        return await split(request, api=True)

    # ---------------------------------------------------------------- static, openapi

    def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static_files:
            raise ApiError(404, "not_found", f"no file {name!r}")
        data, mime = static_files[name]
        return Response(data, media_type=mime, headers={"cache-control": "public, max-age=3600"})

    def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document())

    def csrf_token(request: Request) -> Response:
        return JSONResponse({"csrf": request.state.csrf, "header": CSRF_HEADER, "cookie": CSRF_COOKIE})

    # The hot reads answer on the event loop when what they need is already stored
    # (short SQLite reads under WAL); anything that may run the pipeline goes to a thread.

    # (A cache hit never gets here: CacheLayer answers it before routing. These render a miss and keep
    # it under the revision read first, on this thread, where the CacheLayer will compare it.)

    async def home_fast(request: Request) -> Response:
        return home(request, cache.revision())

    async def api_stories_fast(request: Request) -> Response:
        return api_stories(request, cache.revision())

    async def api_search_fast(request: Request) -> Response:
        return api_search(request, cache.revision())

    async def story_page_fast(request: Request) -> Response:
        rev = cache.revision()
        body = StoryIndex(stores.get()).page(story_id_of(request))
        if body is not None:
            return story_page(request, body, rev)
        return await run_in_threadpool(story_page, request, None, rev)

    async def api_story_fast(request: Request) -> Response:
        rev = cache.revision()
        text = StoryIndex(stores.get()).report(story_id_of(request))
        if text is not None:
            return remember(request, rev, text.encode(), "application/json")
        return await run_in_threadpool(api_story, request, rev)

    async def api_status(request: Request) -> Response:
        return JSONResponse(StoryIndex(stores.get()).status(), headers={"cache-control": "no-store"})

    routes = [
        Route("/", home_fast),
        Route("/stories/merge", merge_page, methods=["POST"]),
        Route("/stories/{story_id}", story_page_fast),
        Route("/stories/{story_id}/side-by-side", side_by_side),
        Route("/stories/{story_id}/export.{fmt}", export),
        Route("/stories/{story_id}/split", split_page, methods=["POST"]),
        Route("/stories/{story_id}/outlets/{outlet}", outlet_page),
        Route("/stories/{story_id}/entities", entities_page),
        Route("/stories/{story_id}/entities/{name}", entity_page),
        Route("/facts/{fact_id}", fact_page),
        Route("/articles/{article_id}", article_page),
        Route("/add", add_form),
        Route("/add", add_submit, methods=["POST"]),
        Route("/jobs/{job_id}", job_page),
        Route("/static/{name}", static),
        Route("/api/openapi.json", openapi),
        Route("/api/csrf", csrf_token),
        Route("/api/status", api_status),
        Route("/api/stories", api_stories_fast),
        Route("/api/stories/merge", merge_api, methods=["POST"]),
        Route("/api/stories/{story_id}", api_story_fast),
        Route("/api/stories/{story_id}/side-by-side", api_side_by_side),
        Route("/api/stories/{story_id}/split", split_api, methods=["POST"]),
        Route("/api/stories/{story_id}/outlets/{outlet}", api_outlet),
        Route("/api/stories/{story_id}/entities", api_entities),
        Route("/api/stories/{story_id}/entities/{name}", api_entity),
        Route("/api/facts/{fact_id}", api_fact),
        Route("/api/articles/{article_id}", api_article),
        Route("/api/search", api_search_fast),
        Route("/api/ingest", api_ingest, methods=["POST"]),
        Route("/api/jobs/{job_id}", api_job),
    ]
    handlers: dict[Any, Callable] = {
        ApiError: on_api_error,
        NotFound: on_not_found,
        UsageError: on_usage,
        StorylensError: on_storylens,
        HTTPException: on_http,
        Exception: on_crash,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.settings = settings
    app.state.jobs = jobs
    app.state.cache = cache
    wrapped = SafetyMiddleware(CacheLayer(app, cache), settings.max_upload_bytes + 1024 * 1024)
    wrapped.starlette = app
    return wrapped


def _json_bytes(body: Any) -> bytes:
    """JSON as JSONResponse writes it (compact, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()


def _snippet_parts(snippet: str | None) -> list[tuple[str, bool]]:
    """FTS5 snippet text split into (text, is_match) pieces, for escaped highlighting."""
    if not snippet:
        return []
    parts: list[tuple[str, bool]] = []
    for n, chunk in enumerate(re.split(r"[\x02\x03]", snippet)):
        if chunk:
            parts.append((chunk, n % 2 == 1))
    return parts
