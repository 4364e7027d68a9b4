"""Shared test helpers: where the real data lives, and the bundled examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"
DOHA = SHARED / "examples" / "doha-2021-08"


@pytest.fixture(scope="session")
def doha_dir() -> Path:
    """The two real Doha reports (read from ../shared, never committed)."""
    if not DOHA.is_dir():
        pytest.skip("../shared/examples/doha-2021-08 is not present")
    return DOHA


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not present")
    return data


def doha_comment_prompts() -> list[str]:
    """The comment-form lines of the Doha page, as ../shared/SPEC.md names them ("noise").

    Read at test time so the real page's wording is never committed here.
    """
    spec = (SHARED / "SPEC.md").read_text(encoding="utf-8")
    match = re.search(r"web boilerplate \(\"([^\"]+)\"\)", spec)
    if not match:
        pytest.skip("../shared/SPEC.md no longer quotes the Doha page's comment form")
    return [line for line in re.split(r"(?<=[!.?])\s+", match.group(1)) if line]


@pytest.fixture(scope="session")
def examples_store(tmp_path_factory) -> Path:
    """A real store of the bundled examples, ingested, grouped and analysed once per run.

    Built under a file lock in the run's shared temp folder, so parallel workers
    share it; tests that write copy it first (:func:`store_copy`).
    """
    import os

    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # this run's own folder
    path = shared / "serve-examples.db"
    done = shared / "serve-examples.done"
    with FileLock(str(shared / "serve-examples.lock")):
        if not done.exists():
            from storylens.pipeline import ingest
            from storylens.serve.library import analyse_pending
            from storylens.store import Store

            for stale in shared.glob("serve-examples.db*"):
                stale.unlink()
            with Store(path) as store:
                ingest([str(EXAMPLES)], store)
                analyse_pending(store)
                store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            done.write_text("ok")
    return path


def store_copy(source: Path, folder: Path) -> Path:
    """A private copy of a built store (the WAL is checkpointed when it is built)."""
    import shutil

    target = folder / source.name
    shutil.copyfile(source, target)
    return target
