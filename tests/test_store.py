"""The embedded store: migrations, idempotent upserts, transactions, a real kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storylens.clean import article_id
from storylens.records import Annotation, Article, Sentence, StoryGroup
from storylens.store import MIGRATIONS, Store


def make_article(n: int, outlet: str = "Harbour Gazette") -> Article:
    text = f"Officials in Port Averne said on Monday that {n} containers were delayed."
    return Article(id=article_id(outlet, text), source=f"a{n}.txt", outlet=outlet, text=text)


def test_migrations_apply_once_and_record_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        assert store.schema_version == max(v for v, _, _ in MIGRATIONS)
    with Store(path) as store:  # reopening applies nothing twice
        rows = store.conn.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
        assert rows == len(MIGRATIONS)
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_upsert_is_idempotent(tmp_path: Path) -> None:
    articles = [make_article(n) for n in range(5)]
    with Store(tmp_path / "s.db") as store:
        assert store.upsert_articles(articles) == 5
        assert store.upsert_articles(articles) == 0
        assert store.article_count() == 5
        assert [a.id for a in store.articles()] == [a.id for a in articles]
        assert store.article(articles[2].id) == articles[2]


def test_reupsert_without_metadata_keeps_what_is_stored(tmp_path: Path) -> None:
    full = make_article(1).model_copy(update={
        "published": "2021-08-10", "title": "Containers delayed", "url": "https://gazette.example/1",
        "language": "en", "author": "K. Lund"})
    bare = make_article(1)
    with Store(tmp_path / "s.db") as store:
        assert store.upsert_articles([full]) == 1
        assert store.upsert_articles([bare]) == 0  # the same article again, its metadata unsaid
        assert store.article(full.id) == full
        assert store.conn.execute("SELECT published FROM articles").fetchone()[0] == "2021-08-10"
        newer = bare.model_copy(update={"published": "2021-08-11T09:00:00+00:00", "title": ""})
        store.upsert_articles([newer])  # a value given again wins; an empty one never erases
        kept = store.article(full.id)
        assert (kept.published, kept.title, kept.url) == ("2021-08-11T09:00:00+00:00", "Containers delayed",
                                                           "https://gazette.example/1")


def test_failed_batch_rolls_back_whole(tmp_path: Path) -> None:
    good = [make_article(n) for n in range(3)]

    def batch_that_breaks():
        yield from good
        raise RuntimeError("reader died mid-batch")

    with Store(tmp_path / "s.db") as store:
        store.upsert_articles([make_article(99)])
        with pytest.raises(RuntimeError):
            store.upsert_articles(batch_that_breaks())
        assert [a.id for a in store.articles()] == [make_article(99).id]


def test_annotation_cache_and_corrections_round_trip(tmp_path: Path) -> None:
    article = make_article(1)
    ann = Annotation(sentences=(Sentence(start=0, end=10, text=article.text[:10]),))
    with Store(tmp_path / "s.db") as store:
        assert store.get_annotation(article.id, "v1") is None
        store.put_annotations([(article.id, "v1", ann)])
        assert store.get_annotation(article.id, "v1") == ann
        assert store.get_annotation(article.id, "v2") is None
        store.add_correction("merge", {"article_ids": ["a", "b"]})
        group = StoryGroup(id="s-1", title="t", article_ids=(article.id,))
        store.save_stories([group])
    with Store(tmp_path / "s.db") as store:  # persisted
        assert store.corrections()[0]["article_ids"] == ["a", "b"]
        assert store.story("s-1") == group
        assert store.story("s-") == group  # unique prefix


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    from storylens.errors import StoreError

    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bogus.db"):
        Store(bogus)


def _write_corpus(folder: Path, count: int) -> None:
    folder.mkdir()
    for n in range(count):
        (folder / f"report-{n:05d}.txt").write_text(
            f"Dock workers walk out at terminal {n}\n\n"
            f"Dock workers at terminal {n} of the port of Velmora stopped work on Tuesday, "
            f"the harbour authority said, after talks over pay broke down for the {n}th time. "
            "A union spokeswoman said the strike would continue until the authority "
            "returned to the table with a written offer.",
            encoding="utf-8",
        )


@pytest.mark.slow
def test_killed_ingest_loses_nothing_and_rerun_completes(tmp_path: Path) -> None:
    """SIGKILL mid-ingest: committed batches survive, the re-run adds the rest once."""
    corpus = tmp_path / "corpus"
    count = 1500
    _write_corpus(corpus, count)
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "storylens.cli", "ingest", str(corpus), "--db", str(db), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = 0
    deadline = time.time() + 120
    try:
        while time.time() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(db, timeout=1) as conn:
                        committed = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                except sqlite3.OperationalError:
                    committed = 0
                if committed > 0:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "ingest finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        survived = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert committed <= survived < count
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.article_count() == count
        ids = [a.id for a in store.articles()]
        assert len(ids) == len(set(ids)) == count
