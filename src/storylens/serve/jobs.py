"""Background analysis jobs: add articles, then group and analyse, one job at a time.

A job runs the real pipeline (ingest -> regroup -> analyse new stories) in a
worker thread with its own store connection, and records its progress in the
store's ``jobs`` table so any request (any thread) can read it.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from storylens.ingest import IngestOptions
from storylens.pipeline import ingest
from storylens.serve.library import analyse_pending
from storylens.store import Store, StoryIndex


@dataclass(frozen=True)
class JobInput:
    """What one ingest request asked for: uploaded files (saved in ``folder``), text, URLs."""

    folder: Path
    inputs: tuple[str, ...]
    outlet: str | None = None
    published: str | None = None
    allow_private: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # saved path -> the name the user gave


class JobRunner:
    """One worker thread; jobs queue up behind each other (a single writer)."""

    def __init__(self, db: str | Path):
        self.db = str(db)
        self.queue: queue.Queue[tuple[str, JobInput]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, job: JobInput) -> dict:
        job_id = "j-" + uuid.uuid4().hex[:12]
        record = {"id": job_id, "state": "queued", "stage": "queued", "done": 0, "total": None,
                  "inputs": len(job.inputs), "articles": 0, "new": 0, "stories": 0, "errors": [],
                  "created_at": time.time(), "pid": os.getpid()}
        with Store(self.db) as store:
            StoryIndex(store).put_job(job_id, "queued", record)
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._work, name="storylens-jobs", daemon=True)
                self.thread.start()
        self.queue.put((job_id, job))
        return record

    def fail_interrupted(self) -> int:
        """Mark failed the jobs whose server process is gone (stopped or restarted mid-job); returns how many.

        Their uploads were temporary files of that process, so the user has to add them again.
        """
        with Store(self.db) as store:
            index = StoryIndex(store)
            failed = 0
            for record in index.unfinished_jobs():
                if _alive(record.get("pid")):
                    continue
                record.update(state="failed", stage="interrupted", finished_at=time.time())
                record["errors"] = [*record.get("errors", []), "interrupted: the server stopped before this job "
                                    "finished; articles already stored are kept, add the rest again"]
                index.put_job(record["id"], "failed", record)
                failed += 1
        return failed

    def _work(self) -> None:
        while True:
            job_id, job = self.queue.get()
            try:
                self.run(job_id, job)
            finally:
                shutil.rmtree(job.folder, ignore_errors=True)
                self.queue.task_done()

    def run(self, job_id: str, job: JobInput) -> dict:
        with Store(self.db) as store:
            index = StoryIndex(store)
            record = index.job(job_id) or {"id": job_id, "errors": []}
            last = [0.0]

            def progress(stage: str, done: int, total: int | None) -> None:
                record.update(state="running", stage=stage, done=done, total=total)
                now = time.monotonic()
                if now - last[0] > 0.3 or (total is not None and done == total):
                    last[0] = now
                    index.put_job(job_id, "running", record)

            try:
                progress("ingest", 0, len(job.inputs))
                options = IngestOptions(
                    outlet=job.outlet, published=job.published, allow_private=job.allow_private
                )
                result = ingest(list(job.inputs), store, options, progress=progress)
                record["articles"] = len(result.article_ids)
                record["new"] = result.new
                record["errors"] = [_shown(str(e), job) for e in result.errors]
                progress("group", 0, None)
                record["stories"] = analyse_pending(store, progress)
                record.update(state="failed" if not result.article_ids else "done", stage="done")
                if not result.article_ids and not record["errors"]:
                    record["errors"] = ["no input produced an article"]
            except Exception as exc:  # the job fails, the server goes on
                record.update(state="failed", stage="failed")
                record["errors"] = [*record.get("errors", []), f"analysis failed: {exc}"]
            record["finished_at"] = time.time()
            index.put_job(job_id, record["state"], record)
            return record


def _alive(pid: object) -> bool:
    """Whether ``pid`` is a running process of another server (ours cannot own a job before it started)."""
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _shown(message: str, job: JobInput) -> str:
    """An input error naming the file as the user named it, not our temporary path."""
    for path, label in job.labels.items():
        message = message.replace(path, label)
    return message


def new_job_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="storylens-upload-"))
