"""The web app under load: p50/p95/p99 latency and errors, beside datasette on the same store.

A benchmark, not a test. The store holds the real Multi-News validation sample
(../shared/data/multinews, 250 clusters, >= 600 articles of >= 300 characters),
ingested, grouped and analysed by storylens itself; building it takes many
minutes, so it is built once (nice'd) and cached outside the repository
(``--store``, default ~/.cache/storylens-bench/serve-multinews.db). Multi-News
has no outlets or dates: each article gets ``outlet-<n>`` and its cluster a
day, as bench/summary.py does.

Load: ``--clients`` concurrent loopback clients (default 200, each one
keep-alive connection, a small raw HTTP/1.1 client on uvloop) share a fixed
number of requests per endpoint, against ``storylens serve`` (uvicorn, one
process) and, in the same run, ``datasette serve`` (one process) answering a
comparable page of the same store: one story's row page (``/db/story_index/<id>``),
which holds the same stored report the story page shows. Both servers run on
uvicorn with httptools and uvloop. The machine's load average is recorded at the
start and the end: the 2 cores are shared, and the numbers move with it.

The clients send ``Accept-Encoding: gzip`` as browsers do (``--identity``: they
ask for identity), and the table gives the body bytes each answer put on the
wire. ``--only`` measures some endpoints (by the short names in ENDPOINTS);
``--no-record`` prints the table only. A recorded run adds a new dated
subsection, with its command line, under the section in bench/RESULTS.md (the
earlier runs stay).

    nice -n 10 .venv/bin/python bench/serve.py [--requests 2000] [--clients 200] [--only story list]
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import csv
import os
import random
import shlex
import shutil
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "multinews" / "validation.csv"
DEFAULT_STORE = Path.home() / ".cache" / "storylens-bench" / "serve-multinews.db"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
HEADING = "Web app under load (bench/serve.py)"
ENDPOINTS = {  # --only name: the table's name
    "list": "story list (/)",
    "story": "story page (/stories/{id})",
    "search": "search (/?q=)",
    "api-story": "/api/stories/{id}",
    "datasette-row": "datasette: story row page",
    "datasette-list": "datasette: list query page",
}


def build_store(path: Path) -> None:
    """Ingest, group and analyse the Multi-News sample into ``path`` (resumable)."""
    from storylens.clean import clean_document
    from storylens.errors import InputFailure
    from storylens.records import Document
    from storylens.serve.library import analyse_pending
    from storylens.store import Store

    csv.field_size_limit(1 << 30)
    start = date(2024, 1, 1)
    articles = []
    with open(DATA, encoding="utf-8") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            try:
                documents = ast.literal_eval(row["documents"])
            except (ValueError, SyntaxError):
                continue
            day = (start + timedelta(days=index)).isoformat()
            for j, text in enumerate(documents):
                text = text.replace(" \n ", "\n")
                if len(text) < 300:
                    continue
                doc = Document(source=f"multinews/{index}/{j}", text=text, kind="txt",
                               outlet=f"outlet-{j}", published=day)
                try:
                    articles.append(clean_document(doc))
                except InputFailure:
                    continue
    path.parent.mkdir(parents=True, exist_ok=True)
    with Store(path) as store:
        store.upsert_articles(articles)
        print(f"{store.article_count()} articles in {path}; analysing stories …", flush=True)
        t0 = time.time()
        done = analyse_pending(store, progress=lambda s, n, total: print(f"  {s} {n}/{total}", flush=True)
                               if n % 25 == 0 or n == total else None)
        print(f"{done} stories analysed in {time.time() - t0:.0f} s", flush=True)


ERROR_KINDS: dict[str, int] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60.0) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: send a GET, count the answer's bytes without keeping them.

    Handles Content-Length and chunked bodies. ``exchange`` resolves to (status, head, body bytes
    as sent: compressed when the answer is).
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future | None = None
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def connection_lost(self, exc) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionResetError("connection closed mid-answer"))

    def exchange(self, request: bytes) -> asyncio.Future:
        self.head_buffer = b""
        self.head: bytes | None = None
        self.remaining = 0
        self.body_bytes = 0
        self.chunked = False
        self.chunk_buffer = b""
        self.waiter = asyncio.get_running_loop().create_future()
        assert self.transport is not None
        self.transport.write(request)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        if self.head is None:
            self.head_buffer += data
            end = self.head_buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.head, data = self.head_buffer[: end + 4], self.head_buffer[end + 4 :]
            lower = self.head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                self.remaining = self.body_bytes = int(lower[at + 17 : lower.index(b"\r\n", at + 2)])
            else:
                self.chunked = b"transfer-encoding: chunked" in lower
        if self.chunked:
            self._chunks(data)
        else:
            self.remaining -= len(data)
            if self.remaining <= 0:
                self._done()

    def _chunks(self, data: bytes) -> None:
        buffer = self.chunk_buffer + data
        while True:
            if self.remaining > 0:  # inside a chunk (its data and CRLF)
                take = min(self.remaining, len(buffer))
                buffer, self.remaining = buffer[take:], self.remaining - take
                if self.remaining:
                    break
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                break
            size = int(buffer[:line_end].split(b";")[0], 16)
            buffer = buffer[line_end + 2 :]
            if size == 0:
                self.chunk_buffer = b""
                return self._done()
            self.body_bytes += size
            self.remaining = size + 2
        self.chunk_buffer = buffer

    def _done(self) -> None:
        status = int(self.head[9:12]) if self.head else 0
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((status, self.head, self.body_bytes))


async def load(urls: list[str], clients: int, coding: str = "gzip") -> tuple[list[float], int, int]:
    """``clients`` concurrent keep-alive clients work through ``urls``; returns latencies (ms), errors
    and the body bytes received. Each asks for ``coding`` (Accept-Encoding).

    A small raw HTTP/1.1 client (an asyncio protocol that counts the body's bytes and drops
    them): a general client library costs more CPU per request than the servers measured, and
    shares their 2 cores. Each client keeps the cookie it was given (as a browser does). Each
    error's kind is counted in ERROR_KINDS.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    latencies: list[float] = []
    errors = [0]
    received = [0]

    def failed(kind: str) -> None:
        errors[0] += 1
        ERROR_KINDS[kind] = ERROR_KINDS.get(kind, 0) + 1

    async def worker() -> None:
        connection: _Connection | None = None
        cookie = b""
        while True:
            try:
                url = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            parts = urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            request = (f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: */*\r\n"
                       f"Accept-Encoding: {coding}\r\n".encode() + cookie + b"\r\n")
            t0 = time.perf_counter()
            try:
                if connection is None or connection.closed:
                    _, connection = await loop.create_connection(_Connection, parts.hostname, parts.port)
                status, head, size = await asyncio.wait_for(connection.exchange(request), 120)
                received[0] += size
                if status != 200:
                    failed(f"HTTP {status}")
                lower = head.lower()
                if not cookie and b"set-cookie:" in lower:
                    line = next(x for x in head.split(b"\r\n") if x.lower().startswith(b"set-cookie:"))
                    cookie = b"Cookie: " + line.split(b":", 1)[1].split(b";")[0].strip() + b"\r\n"
                if b"connection: close" in lower:
                    connection.transport.close()
                    connection = None
            except (TimeoutError, OSError, ValueError) as exc:
                failed(type(exc).__name__)
                if connection is not None and connection.transport is not None:
                    connection.transport.close()
                connection = None
            latencies.append((time.perf_counter() - t0) * 1000)
        if connection is not None and connection.transport is not None:
            connection.transport.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, errors[0], received[0]


def run_load(urls: list[str], clients: int, coding: str = "gzip") -> tuple[list[float], int, int]:
    """:func:`load` on uvloop when installed (the servers use it too), else asyncio's loop."""
    try:
        import uvloop

        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(load(urls, clients, coding))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def verdict(results: list[tuple], clients: int) -> str:
    """Whether the story page met the target under the full load, in words."""
    row = next((r for r in results if r[0] == ENDPOINTS["story"] and r[1] == clients), None)
    if row is None:
        return "Story page not measured in this run."
    met = row[4] < 100 and row[6] == 0
    return (f"Story page at {clients} clients: p95 {row[4]:.0f} ms, {row[6]} errors - "
            + ("met." if met else f"not met (at {row[7]:.0f} req/s, {clients} waiting clients queue for "
               f"about {clients / max(row[7], 1) * 1000:.0f} ms each: Little's law)."))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--partial", action="store_true",
                        help="measure a store whose build was stopped part way (the stories analysed so far)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--light-clients", type=int, default=10,
                        help="a second, light run (a quarter of the requests) for the latency of one request")
    parser.add_argument("--no-record", action="store_true", help="print the table; do not write bench/RESULTS.md")
    parser.add_argument("--identity", action="store_true",
                        help="clients ask for identity bodies (default: Accept-Encoding: gzip, as browsers)")
    parser.add_argument("--only", nargs="+", choices=list(ENDPOINTS), metavar="NAME",
                        help=f"measure only these endpoints ({', '.join(ENDPOINTS)})")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"skip: {DATA} not present")
        return 0
    marker = args.store.with_suffix(".built")
    if not marker.exists() and not (args.partial and args.store.exists()):
        build_store(args.store)
        marker.write_text(time.strftime("%Y-%m-%d %H:%M:%S"))
    if args.build_only:
        return 0

    from storylens.store import Store, StoryIndex

    with Store(args.store) as store:
        n_articles = store.article_count()
        rows, n_stories = StoryIndex(store).query(limit=100000)
    story_ids = [r["id"] for r in rows if r["analysed"]]
    rng = random.Random(7)
    words = ["police", "election", "court", "school", "fire", "president", "company", "study", "storm", "team"]

    load_start = os.getloadavg()
    port, ds_port = free_port(), free_port()
    python = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen([python, "-m", "storylens", "serve", "--db", str(args.store), "--port", str(port)],
                              env=env, stderr=subprocess.DEVNULL)
    only = set(args.only or ENDPOINTS)
    coding = "identity" if args.identity else "gzip"
    installed = shutil.which("datasette", path=str(Path(python).parent))
    datasette = installed if only & {"datasette-row", "datasette-list"} else None
    ds = None
    if datasette:
        ds = subprocess.Popen([datasette, "serve", str(args.store), "--port", str(ds_port), "--setting",
                               "num_sql_threads", "3"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
    results = []
    try:
        wait_up(base + "/api/stories")
        if ds:
            wait_up(ds_base + "/")
        db_name = args.store.stem
        n = args.requests
        # each list is drawn whether or not it is measured, so --only keeps the same URLs
        cases = {
            "list": [f"{base}/?page={rng.randrange(1, 6)}" for _ in range(n)],
            "story": [f"{base}/stories/{rng.choice(story_ids)}" for _ in range(n)],
            "search": [f"{base}/?q={rng.choice(words)}" for _ in range(n)],
            "api-story": [f"{base}/api/stories/{rng.choice(story_ids)}" for _ in range(n)],
        }
        if ds:
            cases["datasette-row"] = [f"{ds_base}/{db_name}/story_index/{rng.choice(story_ids)}" for _ in range(n)]
            # the list's columns and order, a page of 20 (the row page above carries the report)
            sql = ("select story_id, title, n_articles, n_outlets, first_day, last_day, n_facts, n_corroborated, "
                   "n_disputed, n_conflicting from story_index order by last_day desc limit 20 offset {}")
            cases["datasette-list"] = [
                f"{ds_base}/{db_name}?" + urlencode({"sql": sql.format(rng.randrange(0, 5) * 20)}) for _ in range(n)
            ]
        cases = {key: urls for key, urls in cases.items() if key in only}
        # warm each server's caches once (story pages render once, then come from the store)
        run_load([f"{base}/stories/{s}" for s in story_ids], 8, coding)
        for clients in (args.clients, args.light_clients):
            for key, urls in cases.items():
                urls = urls if clients == args.clients else urls[: max(1, len(urls) // 4)]
                t0 = time.perf_counter()
                latencies, errors, received = run_load(urls, clients, coding)
                wall = time.perf_counter() - t0
                row = (ENDPOINTS[key], clients, len(urls), pct(latencies, 50), pct(latencies, 95),
                       pct(latencies, 99), errors, len(urls) / wall, received / len(urls) / 1024)
                results.append(row)
                print("{:32} clients={} n={} p50={:.0f} ms p95={:.0f} ms p99={:.0f} ms errors={} {:.0f} req/s "
                      "{:.1f} KB".format(*row), flush=True)
    finally:
        server.terminate()
        if ds:
            ds.terminate()
        server.wait(10)
        if ds:
            ds.wait(10)
    table = ["| endpoint | clients | requests | p50 ms | p95 ms | p99 ms | errors | req/s | body KB |",
             "|---|---|---|---|---|---|---|---|---|"]
    table += ["| {} | {} | {} | {:.0f} | {:.0f} | {:.0f} | {} | {:.0f} | {:.1f} |".format(*r) for r in results]
    load_end = os.getloadavg()
    baseline = "not measured (--only)" if installed else "not installed (baseline missing)"
    niceness = os.nice(0)
    cmd = (f"nice -n {niceness} " if niceness else "") + shlex.join([".venv/bin/python", "bench/serve.py",
                                                                     *sys.argv[1:]])
    body = (
        f"Command: `{cmd}` ({time.strftime('%Y-%m-%d %H:%M')}, 2 shared cores). Clients ask for "
        f"`Accept-Encoding: {coding}`; body KB is the mean body each answer put on the wire. "
        f"Store: {n_articles} Multi-News "
        f"articles, {n_stories} stories ({len(story_ids)} analysed). {args.clients} concurrent loopback "
        f"clients, {args.requests} requests per endpoint; one uvicorn process; datasette "
        f"{'in the same run, one process' if ds else baseline}; the load "
        f"generator (raw HTTP/1.1 keep-alive, uvloop, one process) shares the machine. Load average "
        f"(1/5/15 min) at the start {'/'.join(f'{x:.1f}' for x in load_start)}, at the end "
        f"{'/'.join(f'{x:.1f}' for x in load_end)}.\n\n"
        + "\n".join(table)
        + f"\n\nErrors by kind: {ERROR_KINDS or 'none'}."
        + "\n\nTarget: story page p95 < 100 ms with 0 errors. "
        + verdict(results, args.clients)
    )
    print(body)
    if not args.no_record:
        from _results import append_subsection

        append_subsection(HEADING, f"Run of {time.strftime('%Y-%m-%d %H:%M')} ({coding})", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
