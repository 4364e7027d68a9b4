"""The embedded store: one SQLite file (``storylens.db`` unless ``--db``).

Discipline (after sqlite-utils and datasette): content-hash ids and upserts
so re-ingest is idempotent; migrations registered in code and applied in
order; WAL so readers never block the single writer; every batch in one
transaction, so a killed process loses nothing already committed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from storylens.errors import StoreError
from storylens.records import Annotation, Article, StoryGroup

DEFAULT_DB = "storylens.db"

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(version: int, name: str):
    """Register a schema migration; they run once each, in version order."""

    def register(fn: Migration) -> Migration:
        MIGRATIONS.append((version, name, fn))
        MIGRATIONS.sort(key=lambda item: item[0])
        return fn

    return register


@migration(1, "articles, annotations, cache, corrections, stories")
def _initial(conn: sqlite3.Connection) -> None:
    _execute_script(
        conn,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            outlet TEXT NOT NULL,
            published TEXT,
            language TEXT,
            syndication_group TEXT,
            record TEXT NOT NULL,
            ingested_at REAL NOT NULL,
            seq INTEGER NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_seq ON articles(seq);
        CREATE TABLE annotations (
            article_id TEXT NOT NULL,
            version TEXT NOT NULL,
            record TEXT NOT NULL,
            PRIMARY KEY (article_id, version)
        );
        CREATE TABLE cache (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (kind, key)
        );
        CREATE TABLE corrections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            record TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        CREATE TABLE story_articles (
            story_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX story_articles_article ON story_articles(article_id);
        """
    )


def _execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the caller's transaction.

    (``executescript`` would commit first and break migration atomicity.)
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


# What a source says about an article; syndication and duplicates are recomputed per batch.
MERGED_FIELDS = ("title", "url", "published", "language", "author")


def merge_metadata(stored: Article, incoming: Article) -> Article:
    """``incoming`` with every metadata field it leaves empty filled from ``stored``."""
    kept = {f: getattr(stored, f) for f in MERGED_FIELDS if not getattr(incoming, f) and getattr(stored, f)}
    return incoming.model_copy(update=kept) if kept else incoming


def _regroup_article(conn: sqlite3.Connection, article_id: str) -> None:
    """An article whose metadata changed (a date given on a second ingest) is grouped again, and
    the stories that held it are analysed again: its date moves its days, its grouping and its
    report, so the stored results would no longer equal a run from scratch."""
    stories = [r[0] for r in conn.execute("SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,))]
    conn.execute("DELETE FROM story_articles WHERE article_id = ?", (article_id,))
    for story_id in stories:
        StoryIndex._delete(conn, story_id)


class Store:
    """A storylens database. Use as a context manager, or call ``close()``."""

    def __init__(self, path: str | Path = DEFAULT_DB, *, create: bool = True):
        """Open (and by default create) the store; ``create=False`` refuses a missing file,
        so a mistyped ``--db`` of a command that only reads is an error, not a new empty store."""
        self.path = Path(path)
        if not create and str(path) != ":memory:" and not self.path.is_file():
            raise StoreError(f"{self.path}: no such store (check --db; `storylens ingest` or "
                             "`storylens analyze` create one)")
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable storylens database ({exc})") from exc

    # ------------------------------------------------------------------ plumbing

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at REAL)"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM _migrations")}
        for version, name, fn in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                fn(self.conn)
                self.conn.execute(
                    "INSERT INTO _migrations VALUES (?, ?, ?)", (version, name, time.time())
                )

    @property
    def on_disk(self) -> bool:
        """False for a throw-away ':memory:' store (keeping model outputs there would only cost RAM)."""
        return str(self.path) != ":memory:"

    @property
    def schema_version(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM _migrations").fetchone()
        return int(row[0] or 0)

    def data_version(self) -> int:
        """SQLite's change counter as this connection sees it: it moves when another connection commits."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic batch: committed whole or not at all."""
        if self.conn.in_transaction:  # nested: the outer transaction decides
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ articles

    def upsert_articles(self, articles: Iterable[Article]) -> int:
        """Insert or update articles in one transaction; returns how many were new.

        Metadata merges: an article stored again (same id) takes every value it
        now carries, but an empty one never erases what the store holds (re-ingesting
        files without ``--published`` keeps their dates).
        """
        new = 0
        with self.transaction() as conn:
            seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            for article in articles:
                exists = conn.execute(
                    "SELECT seq, record FROM articles WHERE id = ?", (article.id,)
                ).fetchone()
                if exists is None:
                    seq += 1
                    new += 1
                    order = seq
                else:
                    order = exists[0]
                    stored = Article.model_validate_json(exists[1])
                    article = merge_metadata(stored, article)
                    if any(getattr(stored, f) != getattr(article, f) for f in MERGED_FIELDS):
                        _regroup_article(conn, article.id)
                conn.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        article.id,
                        article.source,
                        article.outlet,
                        article.published,
                        article.language,
                        article.syndication_group,
                        article.model_dump_json(),
                        time.time(),
                        order,
                    ),
                )
        return new

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def articles(self, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Stream articles in ingest order (or the given ids, in that order)."""
        if ids is None:
            for (record,) in self.conn.execute("SELECT record FROM articles ORDER BY seq"):
                yield Article.model_validate_json(record)
            return
        for article_id in ids:
            article = self.article(article_id)
            if article is not None:
                yield article

    def article_ids(self) -> list[str]:
        """Every stored article id, in ingest order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY seq")]

    def article_languages(self) -> dict[str, str | None]:
        """Every stored article's language (None: not detected), by id."""
        return dict(self.conn.execute("SELECT id, language FROM articles"))

    def dated_count(self, ids: Sequence[str]) -> int:
        """How many of the stored articles ``ids`` have a publication date."""
        found = 0
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            found += self.conn.execute(
                f"SELECT COUNT(*) FROM articles WHERE published IS NOT NULL AND id IN ({marks})", chunk
            ).fetchone()[0]
        return int(found)

    def article_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def ungrouped_count(self) -> int:
        """Stored articles that no stored story holds yet (e.g. after `storylens ingest`)."""
        row = self.conn.execute(
            "SELECT COUNT(*) FROM articles WHERE id NOT IN (SELECT article_id FROM story_articles)"
        ).fetchone()
        return int(row[0])

    def find_articles(self, prefix: str) -> list[str]:
        """Article ids starting with ``prefix`` (users type short ids)."""
        rows = self.conn.execute(
            "SELECT id FROM articles WHERE id LIKE ? ORDER BY id", (prefix + "%",)
        )
        return [r[0] for r in rows]

    # ------------------------------------------------------------------ annotations

    def get_annotation(self, article_id: str, version: str) -> Annotation | None:
        row = self.conn.execute(
            "SELECT record FROM annotations WHERE article_id = ? AND version = ?",
            (article_id, version),
        ).fetchone()
        return Annotation.model_validate_json(row[0]) if row else None

    def put_annotations(self, items: Iterable[tuple[str, str, Annotation]]) -> None:
        """Store (article_id, version, annotation) triples in one transaction."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO annotations VALUES (?, ?, ?)",
                ((aid, version, ann.model_dump_json()) for aid, version, ann in items),
            )

    # ------------------------------------------------------------------ generic cache

    def get_cache(self, kind: str, key: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT value FROM cache WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return bytes(row[0]) if row else None

    def get_caches(self, kind: str, keys: Sequence[str], chunk: int = 500) -> dict[str, bytes]:
        """The cached values of ``keys`` that exist, by key (one query per ``chunk`` keys)."""
        found: dict[str, bytes] = {}
        for begin in range(0, len(keys), chunk):
            part = keys[begin : begin + chunk]
            rows = self.conn.execute(
                f"SELECT key, value FROM cache WHERE kind = ? AND key IN ({','.join('?' * len(part))})",
                (kind, *part),
            )
            found.update((key, bytes(value)) for key, value in rows)
        return found

    def put_cache(self, kind: str, items: Iterable[tuple[str, bytes]]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO cache VALUES (?, ?, ?)",
                ((kind, key, value) for key, value in items),
            )

    # ------------------------------------------------------------------ corrections

    def add_correction(self, kind: str, payload: dict) -> int:
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO corrections (kind, payload, created_at) VALUES (?, ?, ?)",
                (kind, json.dumps(payload, sort_keys=True), time.time()),
            )
            return int(cur.lastrowid)

    def corrections(self) -> list[dict]:
        """All corrections, oldest first, as {"id", "kind", **payload}."""
        rows = self.conn.execute("SELECT id, kind, payload FROM corrections ORDER BY id")
        return [{"id": r[0], "kind": r[1], **json.loads(r[2])} for r in rows]

    # ------------------------------------------------------------------ stories

    def save_stories(self, groups: Sequence[StoryGroup]) -> None:
        """Replace the stored grouping with ``groups`` (one transaction)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM story_articles")
            conn.execute("DELETE FROM stories")
            now = time.time()
            for group in groups:
                conn.execute(
                    "INSERT INTO stories VALUES (?, ?, ?, ?)",
                    (group.id, group.title, group.model_dump_json(), now),
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO story_articles VALUES (?, ?)",
                    ((group.id, aid) for aid in group.article_ids),
                )

    def stories(self) -> list[StoryGroup]:
        rows = self.conn.execute("SELECT record FROM stories ORDER BY id")
        return [StoryGroup.model_validate_json(r[0]) for r in rows]

    def story_ids(self, prefix: str = "") -> list[str]:
        """Ids of the stored stories starting with ``prefix`` (users type short ids)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (escaped + "%",)
        )
        return [r[0] for r in rows]

    def story(self, story_id: str) -> StoryGroup | None:
        row = self.conn.execute("SELECT record FROM stories WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            rows = self.conn.execute(
                "SELECT record FROM stories WHERE id LIKE ?", (story_id + "%",)
            ).fetchall()
            if len(rows) != 1:
                return None
            row = rows[0]
        return StoryGroup.model_validate_json(row[0])


# ---------------------------------------------------------------------- model outputs by content


@migration(3, "model outputs (sentence vectors, pair verdicts) kept by content hash")
def _vectors(conn: sqlite3.Connection) -> None:
    _execute_script(
        conn,
        """
        CREATE TABLE vectors (
            model TEXT NOT NULL,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (model, key)
        ) WITHOUT ROWID
        """
    )


class VectorTable:
    """What a model computed for a text (or a pair of texts), keyed by content hash.

    A model's output depends only on its input, so a sentence is embedded and a
    pair is judged once per store, whichever story or run asks first. ``model``
    names the model and its version; a new model never reads an old one's rows.
    """

    CHUNK = 500  # keys per SELECT (SQLite's variable limit is 32,766; smaller chunks keep the plans cheap)

    def __init__(self, store: Store):
        self.conn = store.conn
        self.store = store

    def get(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), self.CHUNK):
            chunk = unique[start:start + self.CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT key, value FROM vectors WHERE model = ? AND key IN ({marks})", (model, *chunk)
            )
            found.update((key, bytes(value)) for key, value in rows)
        return found

    def put(self, model: str, items: Iterable[tuple[str, bytes]]) -> None:
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", ((model, key, value) for key, value in items)
            )

    def count(self, model: str | None = None) -> int:
        if model is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
        return int(self.conn.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (model,)).fetchone()[0])


# ---------------------------------------------------------------------- the web app's index

@migration(2, "story index, fact index, full-text search (FTS5) for the web app")
def _story_index(conn: sqlite3.Connection) -> None:
    _execute_script(
        conn,
        """
        CREATE TABLE story_index (
            story_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            n_articles INTEGER NOT NULL,
            n_outlets INTEGER NOT NULL,
            outlets TEXT NOT NULL,
            first_day TEXT,
            last_day TEXT,
            n_facts INTEGER NOT NULL,
            n_corroborated INTEGER NOT NULL,
            n_disputed INTEGER NOT NULL,
            n_conflicting INTEGER NOT NULL,
            report TEXT NOT NULL,
            page TEXT,
            indexed_at REAL NOT NULL
        );
        CREATE INDEX story_index_last_day ON story_index(last_day);
        CREATE TABLE story_outlets (
            story_id TEXT NOT NULL,
            outlet TEXT NOT NULL,
            PRIMARY KEY (story_id, outlet)
        );
        CREATE INDEX story_outlets_outlet ON story_outlets(outlet);
        CREATE TABLE fact_index (
            fact_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            PRIMARY KEY (fact_id, story_id)
        );
        CREATE VIRTUAL TABLE story_fts USING fts5(
            story_id UNINDEXED, title, facts, body, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            record TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        """
    )


@migration(4, "story index rows remember their story's articles (a grown story keeps its id)")
def _story_members(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE story_index ADD COLUMN members TEXT")


STORY_SORTS = {"newest": "COALESCE(i.last_day, '') DESC, s.id", "size": "i.n_articles DESC, s.id"}


def fts_query(text: str) -> str:
    """User words as an FTS5 query: each word a quoted prefix term, all required.

    Quoting every word means no user text is read as FTS syntax (AND, NEAR, ``"``, ``*``).
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    return " ".join(f'"{w}"*' for w in words[:20])


def _retrying(fn):
    """Retry a write a few times when another connection holds the lock past the timeout."""

    def wrapper(*args, **kwargs):
        for attempt in range(5):
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    return wrapper


class StoryIndex:
    """What the web app reads: one row per analysed story, its report JSON and page, FTS5.

    Wraps a :class:`Store`; every statement is here so SQL stays in this module.
    """

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def indexed_ids(self) -> dict[str, float]:
        return dict(self.conn.execute("SELECT story_id, indexed_at FROM story_index"))

    @_retrying
    def put(self, row: dict, outlets: Sequence[str], fact_ids: Sequence[str], facts_text: str, body: str) -> None:
        """Index one story (replacing what was there) in one short transaction."""
        with self.store.transaction() as conn:
            self._delete(conn, row["story_id"])
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f"INSERT INTO story_index ({columns}) VALUES ({marks})", tuple(row.values()))
            conn.executemany(
                "INSERT OR IGNORE INTO story_outlets VALUES (?, ?)", ((row["story_id"], o) for o in outlets)
            )
            conn.executemany(
                "INSERT OR IGNORE INTO fact_index VALUES (?, ?)", ((f, row["story_id"]) for f in fact_ids)
            )
            conn.execute(
                "INSERT INTO story_fts (story_id, title, facts, body) VALUES (?, ?, ?, ?)",
                (row["story_id"], row["title"], facts_text, body),
            )

    @staticmethod
    def _delete(conn: sqlite3.Connection, story_id: str) -> None:
        for table in ("story_index", "story_outlets", "fact_index", "story_fts"):
            conn.execute(f"DELETE FROM {table} WHERE story_id = ?", (story_id,))

    @_retrying
    def prune(self, members: Mapping[str, str] | None = None) -> int:
        """Drop index rows of stories the store no longer holds (after merge, split, regroup).

        ``members`` (story id -> signature of its articles) also drops the rows of stories
        whose articles changed: a story keeps its id as it grows.
        """
        with self.store.transaction() as conn:
            gone = [r[0] for r in conn.execute(
                "SELECT story_id FROM story_index WHERE story_id NOT IN (SELECT id FROM stories)"
            )]
            if members is not None:
                gone += [story_id for story_id, signature in conn.execute(
                    "SELECT story_id, members FROM story_index WHERE story_id IN (SELECT id FROM stories)"
                ) if members.get(story_id) != signature]
            for story_id in gone:
                self._delete(conn, story_id)
        return len(gone)

    def report(self, story_id: str) -> str | None:
        row = self.conn.execute("SELECT report FROM story_index WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    def page(self, story_id: str) -> str | None:
        row = self.conn.execute("SELECT page FROM story_index WHERE story_id = ?", (story_id,)).fetchone()
        return row[0] if row else None

    @_retrying
    def put_page(self, story_id: str, page: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE story_index SET page = ? WHERE story_id = ?", (page, story_id))

    def stories_of_fact(self, fact_id: str) -> list[str]:
        rows = self.conn.execute("SELECT story_id FROM fact_index WHERE fact_id = ? ORDER BY story_id", (fact_id,))
        return [r[0] for r in rows]

    def story_choices(self, limit: int = 500) -> list[tuple[str, str, int]]:
        """(id, title, articles) of stored stories by title: what a merge can pick from."""
        rows = self.conn.execute(
            """SELECT s.id, s.title, COUNT(sa.article_id) FROM stories s
               LEFT JOIN story_articles sa ON sa.story_id = s.id
               GROUP BY s.id ORDER BY s.title, s.id LIMIT ?""",
            (limit,),
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def story_of_article(self, article_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT story_id FROM story_articles WHERE article_id = ? ORDER BY story_id LIMIT 1", (article_id,)
        ).fetchone()
        return row[0] if row else None

    def article_heads(self, story_id: str) -> list[dict]:
        """id, outlet, title, source of a story's articles, without reading their texts."""
        rows = self.conn.execute(
            """SELECT a.id, a.outlet, json_extract(a.record, '$.title'), a.source, a.published
               FROM story_articles sa JOIN articles a ON a.id = sa.article_id
               WHERE sa.story_id = ? ORDER BY COALESCE(a.published, '9999'), a.id""",
            (story_id,),
        )
        keys = ("id", "outlet", "title", "source", "published")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def outlets(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT outlet FROM story_outlets ORDER BY outlet")]

    def query(
        self,
        *,
        q: str = "",
        story_id: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        disputed: bool = False,
        conflicting: bool = False,
        min_articles: int = 0,
        sort: str = "newest",
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[dict], int]:
        """Stored stories (analysed or not yet), filtered and paginated; returns (rows, total).

        A story not analysed yet has ``analysed = False`` and no counts.
        """
        where, params = ["1 = 1"], []
        join_fts = ""
        order = STORY_SORTS.get(sort, STORY_SORTS["newest"])
        snippet = "NULL"
        match = fts_query(q) if q else ""
        if q and not match:
            return [], 0
        if match:
            join_fts = "JOIN story_fts f ON f.story_id = s.id AND story_fts MATCH ?"
            params.append(match)
            order = "bm25(story_fts, 0, 10.0, 3.0, 1.0), s.id"
            snippet = "snippet(story_fts, -1, '\x02', '\x03', ' … ', 12)"
        if story_id:
            where.append("s.id = ?")
            params.append(story_id)
        if outlet:
            where.append("s.id IN (SELECT story_id FROM story_outlets WHERE outlet = ?)")
            params.append(outlet)
        if since:
            where.append("i.last_day >= ?")
            params.append(since)
        if until:
            where.append("i.first_day <= ?")
            params.append(until)
        if disputed:
            where.append("i.n_disputed > 0")
        if conflicting:
            where.append("i.n_conflicting > 0")
        if min_articles:
            where.append("(SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id) >= ?")
            params.append(int(min_articles))
        base = f"FROM stories s LEFT JOIN story_index i ON i.story_id = s.id {join_fts} WHERE {' AND '.join(where)}"
        total = int(self.conn.execute(f"SELECT COUNT(*) {base}", params).fetchone()[0])
        rows = self.conn.execute(
            f"""SELECT s.id, s.title, i.story_id IS NOT NULL,
                       (SELECT COUNT(*) FROM story_articles sa WHERE sa.story_id = s.id),
                       i.n_outlets, i.outlets, i.first_day, i.last_day, i.n_facts, i.n_corroborated,
                       i.n_disputed, i.n_conflicting, {snippet}
                {base} ORDER BY {order} LIMIT ? OFFSET ?""",
            [*params, int(limit), int(offset)],
        )
        keys = ("id", "title", "analysed", "n_articles", "n_outlets", "outlets", "first_day", "last_day",
                "n_facts", "n_corroborated", "n_disputed", "n_conflicting", "snippet")
        out = []
        for row in rows:
            item = dict(zip(keys, row, strict=True))
            item["analysed"] = bool(item["analysed"])
            item["outlets"] = json.loads(item["outlets"]) if item["outlets"] else []
            out.append(item)
        return out, total

    # -- background jobs (the web app's ingest runs)

    @_retrying
    def put_job(self, job_id: str, state: str, record: dict) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?)",
                (job_id, state, json.dumps(record, ensure_ascii=False), time.time()),
            )

    def job(self, job_id: str) -> dict | None:
        row = self.conn.execute("SELECT record FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def unfinished_jobs(self) -> list[dict]:
        """Records of the jobs still queued or running, oldest first."""
        rows = self.conn.execute(
            "SELECT record FROM jobs WHERE state IN ('queued', 'running') ORDER BY updated_at, id"
        )
        return [json.loads(r[0]) for r in rows]

    def status(self) -> dict:
        """What the story list watches: counts, unfinished jobs, and a revision that moves when stories do."""
        stories, analysed, latest, links, active = self.conn.execute(
            """SELECT (SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM story_index),
                      (SELECT COALESCE(MAX(indexed_at), 0) FROM story_index),
                      (SELECT COUNT(*) FROM story_articles),
                      (SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running'))"""
        ).fetchone()
        return {"stories": int(stories), "analysed": int(analysed), "jobs_active": int(active),
                "revision": f"{stories}-{analysed}-{links}-{latest:.6f}"}
