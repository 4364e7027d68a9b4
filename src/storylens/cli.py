"""The ``storylens`` command: thin wrappers over the importable functions.

Exit codes: 0 = every input was fine, 1 = some inputs failed (the rest were
processed) or the job failed, 2 = the call itself was wrong. Errors are one
line each on stderr, naming the input; domain errors (storylens.errors) are
translated here and nowhere else.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from storylens.errors import InputFailure, NotFound, OutputError, StorylensError, UsageError
from storylens.lexicon.words import plural
from storylens.records import InputError, InputWarning, LanguageNotice, Report, iso_published

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def report_input_errors(errors: Sequence[InputError], warnings: Sequence[InputWarning] = ()) -> None:
    for error in errors:
        # markup=False: the message names user paths, which may contain [brackets].
        err_console.print(f"error: {error}", markup=False)
    for warning in warnings:
        err_console.print(f"warning: {warning}", markup=False)


def report_language_notices(notices: Sequence[LanguageNotice]) -> None:
    """One warning per article whose language is only partly analysed."""
    for notice in notices:
        err_console.print(f"warning: {notice.source}: {notice.message}", markup=False)


@contextmanager
def progress_reporter(enabled: bool) -> Iterator[Callable[[str, int, int | None], None] | None]:
    """A rich progress bar per stage, on stderr, only for interactive use."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def check_writable(output: str, *, folder: bool = False) -> None:
    """Refuse an output that cannot be written before any work is done (one line, exit 1).

    A probe file is created and removed in the folder that will hold the output (or in
    its nearest existing ancestor, when the folders are still to be made).
    """
    path = Path(output)
    if path.exists() and path.is_dir() != folder:
        raise OutputError(f"{output}: cannot write there: it is {'not ' if folder else ''}a folder")
    holder = path if folder else path.parent
    while not holder.exists() and holder != holder.parent:
        holder = holder.parent
    if not holder.is_dir():
        raise OutputError(f"{output}: cannot write there: {holder} is not a folder")
    try:
        handle, probe = tempfile.mkstemp(dir=holder, prefix=".storylens-probe-")
        os.close(handle)
        os.unlink(probe)
        if path.is_file():
            with path.open("ab"):
                pass
    except OSError as exc:
        raise OutputError(f"{output}: cannot write there ({exc.strerror or exc})") from None


class StorylensGroup(click.Group):
    """Translate domain errors at the edge: one line on stderr, a meaningful exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            err_console.print(f"error: {exc}", markup=False)
            ctx.exit(EXIT_USAGE)
        except (InputFailure, NotFound, StorylensError) as exc:
            err_console.print(f"error: {exc}", markup=False)
            ctx.exit(EXIT_PARTIAL)


db_option = click.option(
    "--db",
    default="storylens.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite store (':memory:' for a throw-away one).",
)


@click.group(cls=StorylensGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="storylens")
def cli() -> None:
    """storylens: read many reports of the same events; see what is known, who says so,
    how many independent outlets confirm it, and where they disagree."""


def check_published(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--published is ISO 8601 or the call is wrong (exit 2) -- checked before any work."""
    if value is None:
        return None
    try:
        return iso_published(value)
    except ValueError as exc:
        raise UsageError(f"--published: {exc}") from None


def ingest_options(fn):
    fn = click.option(
        "--outlet",
        help="Outlet name of a single article (refused for more; else from the document, URL, "
        "manifest, sidecar or, last, the file name).",
    )(fn)
    fn = click.option(
        "--published",
        callback=check_published,
        help="Publication date/time in ISO 8601 (2021-08-10, 2021-08-10T09:30+02:00) for every input.",
    )(fn)
    fn = click.option(
        "--manifest",
        type=click.Path(exists=True, dir_okay=False),
        help="CSV with path,outlet,url,published,title,language.",
    )(fn)
    fn = click.option(
        "--allow-private", is_flag=True, help="Allow fetching URLs on private/loopback addresses."
    )(fn)
    fn = click.option(
        "--allow-outside-paths",
        is_flag=True,
        help="Let a manifest CSV name files outside its own folder (refused by default).",
    )(fn)
    return fn


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Report file(s): .json, .md or .html (repeatable). Default: print the JSON.",
)
@ingest_options
@db_option
@click.option("--one-story", is_flag=True, help="Treat all inputs as one story (skip grouping).")
@click.option("--summary-words", default=120, show_default=True, type=click.IntRange(10, 5000))
@click.option(
    "--hide-paths",
    is_flag=True,
    help="Keep local file paths out of the report (each input is named by its file name only).",
)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes comparing stories (default: one per core, at most two, from 40 articles).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def analyze(
    inputs: tuple[str, ...],
    outputs: tuple[str, ...],
    outlet: str | None,
    published: str | None,
    manifest: str | None,
    allow_private: bool,
    allow_outside_paths: bool,
    db: str,
    one_story: bool,
    summary_words: int,
    hide_paths: bool,
    workers: int | None,
    quiet: bool,
) -> None:
    """Ingest INPUTS (files, folders, '-', URLs, feeds), group, compare, write the report.

    Without INPUTS: the report of every story in the store --db, recomputing only the
    stories that articles ingested since the last run join or create.
    """
    for output in outputs:  # check the call before loading any model
        if Path(output).suffix.lower() not in {".json", ".md", ".html", ".htm"}:
            raise UsageError(f"{output}: unknown report format (use .json, .md or .html)")
    if not inputs and (one_story or summary_words != 120 or db == ":memory:"):
        raise UsageError("analyze without INPUTS reports the stories of a store (--db FILE), "
                         "as stored: --one-story, --summary-words and ':memory:' need INPUTS")
    if not inputs and not Path(db).is_file():
        raise UsageError(f"analyze needs INPUTS (files, folders, '-', URLs, feeds), or --db naming a store "
                         f"to report ({db}: no such store)")
    for output in outputs:
        check_writable(output)
    from storylens.pipeline import analyze as run_analyze
    from storylens.pipeline import analyze_store, analyze_store_json
    from storylens.report import render
    from storylens.store import Store

    if not inputs and not hide_paths and all(Path(o).suffix.lower() == ".json" for o in outputs):
        # the JSON of a store's report is spliced from its stored stories: nothing read back
        with progress_reporter(not quiet) as progress, Store(db, create=False) as store:
            spliced = analyze_store_json(store, progress=progress, story_workers=workers)
        report_language_notices(spliced.language_notices)
        write_outputs(outputs, lambda suffix: spliced.pieces)
        finish_analyze(spliced.articles, spliced.stories, 0, quiet, None if spliced.articles else f"{db} holds no article")
    with progress_reporter(not quiet) as progress:
        if not inputs:
            with Store(db, create=False) as store:
                report: Report = analyze_store(store, progress=progress, story_workers=workers)
        else:
            report = run_analyze(
                inputs,
                published=published,
                outlet=outlet,
                manifest=manifest,
                one_story=one_story,
                db=db,
                summary_words=summary_words,
                allow_private=allow_private,
                allow_outside_paths=allow_outside_paths,
                progress=progress,
                story_workers=workers,
            )
    report_input_errors(report.errors, report.warnings)
    report_language_notices(report.language_notices)
    if hide_paths:
        from storylens.report import hide_paths as without_paths

        report = without_paths(report)
    write_outputs(outputs, lambda suffix: render(report, suffix))
    finish_analyze(len(report.articles), len(report.stories), len(report.errors), quiet,
                   None if report.articles or report.errors else
                   ("no input produced an article" if inputs else f"{db} holds no article"))


def write_outputs(outputs: Sequence[str], content: Callable[[str], str | Sequence[str]]) -> None:
    """Each output in the format its suffix names (``content(suffix)``: the text or its pieces in
    order); none: JSON on stdout."""
    from storylens.report import write_report_text

    if not outputs:
        text = content(".json")
        for piece in [text] if isinstance(text, str) else text:
            click.echo(piece, nl=False)
        click.echo()
    for output in outputs:
        try:
            path = write_report_text(content(Path(output).suffix), output)
        except OSError as exc:  # e.g. the disk filled up during the run
            raise OutputError(f"{output}: cannot write the report ({exc.strerror or exc})") from None
        err_console.print(f"wrote {path}", markup=False)


def finish_analyze(articles: int, stories: int, failed: int, quiet: bool, nothing: str | None) -> None:
    """The closing line and the exit code: partial when an input failed, an error when nothing was read."""
    if not quiet:
        err_console.print(
            f"{plural(articles, 'article')}, {plural(stories, 'story')}, {plural(failed, 'failed input')}",
            markup=False,
        )
    if nothing:
        raise UsageError(nothing)
    sys.exit(EXIT_PARTIAL if failed else EXIT_OK)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@ingest_options
@db_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bars.")
def ingest(
    inputs: tuple[str, ...],
    outlet: str | None,
    published: str | None,
    manifest: str | None,
    allow_private: bool,
    allow_outside_paths: bool,
    db: str,
    quiet: bool,
) -> None:
    """Read, clean and store INPUTS (idempotent: re-ingesting adds nothing twice)."""
    from storylens.ingest import IngestOptions
    from storylens.pipeline import ingest as run_ingest
    from storylens.store import Store

    options = IngestOptions(
        outlet=outlet,
        published=published,
        manifest=Path(manifest) if manifest else None,
        allow_private=allow_private,
        allow_outside_paths=allow_outside_paths,
    )
    with Store(db) as store, progress_reporter(not quiet) as progress:
        result = run_ingest(inputs, store, options, progress=progress)
        total = store.article_count()
    report_input_errors(result.errors, result.warnings)
    err_console.print(
        f"{plural(len(result.article_ids), 'article')} read ({result.new} new), {total} in {db}; "
        f"{plural(len(result.errors), 'failed input')}",
        markup=False,
    )
    sys.exit(EXIT_PARTIAL if result.errors else EXIT_OK)


@cli.command()
@db_option
def stories(db: str) -> None:
    """List the stories in the store: size, outlets, date span, title."""
    from storylens.store import Store
    from storylens.stories import list_stories

    with Store(db, create=False) as store:
        rows = list_stories(store)
    table = Table("story", "articles", "outlets", "dates", "title")
    for row in rows:
        table.add_row(
            row["id"],
            str(row["size"]),
            ", ".join(row["outlets"]),
            row.get("dates") or "",
            row["title"],
        )
    out_console.print(table)


@cli.command()
@click.argument("story")
@db_option
def show(story: str, db: str) -> None:
    """Explain STORY: its articles and why each one is there."""
    from storylens.store import Store
    from storylens.stories import explain_story

    with Store(db, create=False) as store:
        text = explain_story(store, story)
    click.echo(text)


@cli.command()
@click.argument("story_ids", nargs=-1, required=True)
@db_option
def merge(story_ids: tuple[str, ...], db: str) -> None:
    """Merge two or more stories into one; the correction persists."""
    from storylens.store import Store
    from storylens.stories import merge_stories

    if len(story_ids) < 2:
        raise UsageError("merge needs at least two stories")
    with Store(db, create=False) as store:
        group = merge_stories(store, story_ids)
    click.echo(f"merged into {group.id} ({plural(len(group.article_ids), 'article')})")


@cli.command()
@click.argument("story")
@click.argument("article_ids", nargs=-1, required=True)
@db_option
def split(story: str, article_ids: tuple[str, ...], db: str) -> None:
    """Move ARTICLE_IDS out of STORY into a story of their own; the correction persists."""
    from storylens.store import Store
    from storylens.stories import split_story

    with Store(db, create=False) as store:
        groups = split_story(store, story, article_ids)
    click.echo("split into " + ", ".join(f"{g.id} ({len(g.article_ids)})" for g in groups))


@cli.command()
@click.argument("report_json", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output-dir", required=True, type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv")
@click.option("--hide-paths", is_flag=True, help="Keep local file paths out of the tables.")
def export(report_json: str, output_dir: str, fmt: str, hide_paths: bool) -> None:
    """Write facts, quotes, entities and places of REPORT_JSON as CSV or Parquet tables."""
    from storylens.report import export_tables, read_report
    from storylens.report import hide_paths as without_paths

    check_writable(output_dir, folder=True)
    report = read_report(report_json)
    try:
        paths = export_tables(without_paths(report) if hide_paths else report, output_dir, fmt)
    except OSError as exc:
        raise OutputError(f"{output_dir}: cannot write the tables ({exc.strerror or exc})") from None
    for path in paths:
        click.echo(str(path))


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--max-upload-mb", default=20, show_default=True, type=click.IntRange(1, 1024),
              help="Largest upload (all files of one request together).")
@click.option("--allow-private", is_flag=True, help="Allow fetching URLs on private/loopback addresses.")
def serve(db: str, host: str, port: int, max_upload_mb: int, allow_private: bool) -> None:
    """The local web app and JSON API over the store (http://127.0.0.1:8000/)."""
    import uvicorn

    from storylens.serve import ServeSettings, create_app

    if host not in LOOPBACK:
        err_console.print(
            f"warning: listening on {host}: anyone who can reach this address can read the store "
            "and add articles to it",
            markup=False,
        )
    app = create_app(ServeSettings(db=db, max_upload_bytes=max_upload_mb * 1024 * 1024,
                                   allow_private=allow_private))
    shown = f"[{host}]" if ":" in host else host
    err_console.print(f"storylens: serving {db} on http://{shown}:{port}/ (Ctrl-C stops)", markup=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder: Parquet tables, one JSON report per story, summary.json.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="local: a process pool on this machine; spark: Apache Spark (needs Java 17+).")
@click.option("--master", default=None,
              help="Spark master (--engine spark); default: spark-submit's, else local[2].")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 256),
              help="Worker processes (--engine local).")
@click.option("--window-days", default=7, show_default=True, type=click.IntRange(1, 3650),
              help="Stories are looked for among articles this many days apart.")
@click.option("--max-story", default=50, show_default=True, type=click.IntRange(2, 100_000),
              help="Larger stories are compared on their earliest N articles.")
@click.option("--summary-words", default=120, show_default=True, type=click.IntRange(10, 5000))
@click.option("--until", type=click.Choice(["annotate", "group", "all"]), default="all", show_default=True,
              help="Stop after this stage (the work done is kept; a later run goes on from it).")
@click.option("--conf", "conf", multiple=True, metavar="KEY=VALUE", help="Extra Spark setting (repeatable).")
@ingest_options
def batch(inputs: tuple[str, ...], out_dir: str, engine: str, master: str | None, workers: int, window_days: int,
          max_story: int, summary_words: int, until: str, conf: tuple[str, ...], outlet: str | None, published: str | None,
          manifest: str | None, allow_private: bool, allow_outside_paths: bool = False) -> None:
    """Analyse a corpus (files, folders, JSONL, WARC, Parquet, s3a:// with Spark) into OUT:
    Parquet tables by publication day, one JSON report per story and a summary line.
    A re-run with the same OUT skips the inputs and stories already finished."""
    from storylens.batch import BatchSettings, run_batch
    from storylens.ingest import IngestOptions

    pairs = []
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--conf {item!r}: expected KEY=VALUE")
        pairs.append((key.strip(), value.strip()))
    settings = BatchSettings(engine=engine, master=master, workers=workers, window_days=window_days,
                             max_story=max_story, summary_words=summary_words, spark_conf=tuple(pairs),
                             until=until)
    options = IngestOptions(outlet=outlet, published=published,
                            manifest=Path(manifest) if manifest else None, allow_private=allow_private,
                            allow_outside_paths=allow_outside_paths)
    summary = run_batch(list(inputs), out_dir, settings, options)
    report_input_errors(summary.errors)
    click.echo(summary.line())
    if not summary.articles and not summary.errors:
        raise UsageError("no input produced an article")
    sys.exit(EXIT_PARTIAL if summary.errors else EXIT_OK)


def main() -> None:
    cli(prog_name="storylens")


if __name__ == "__main__":
    main()
