"""Batch settings: one frozen object both engines read."""

from __future__ import annotations

from dataclasses import dataclass

ENGINES = ("local", "spark")
STAGES = ("annotate", "group", "all")


@dataclass(frozen=True)
class BatchSettings:
    """How a batch job runs.

    ``window_days``: grouping looks for stories among articles published within
    this many days of each other (windows of two such spans, overlapping by one,
    so any two articles closer than ``window_days`` share a window; groups are
    stitched across windows). ``max_story``: a story with more articles is
    compared on its first ``max_story`` (earliest) articles, and the summary
    says so (the skew guard: one giant story cannot hold a worker for hours).
    ``inputs_per_job``: input units per Spark job, i.e. per resumable step.
    """

    engine: str = "local"
    window_days: int = 7
    master: str | None = None  # None: spark-submit's master, else local[2]
    workers: int = 2
    max_story: int = 50
    summary_words: int = 120
    inputs_per_job: int = 256
    articles_per_task: int = 64
    spark_conf: tuple[tuple[str, str], ...] = ()
    until: str = "all"  # "annotate" or "group": stop after that stage (resumable pre-processing)
