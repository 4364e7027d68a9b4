"""The command line as a new user meets it: usage errors, warnings, read-only commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.cli import cli
from storylens.errors import UsageError
from storylens.ingest import IngestOptions, iter_documents
from storylens.records import Document, InputError

REPORT = (
    "Ferry service suspended after storm\n\n"
    "LISK - The ferry between Ardo and Lisk was suspended on Friday after a storm damaged the pier, "
    "the island council said. Repairs are expected to take a week, council spokesman Per Odde said."
)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("value", ["notadate", "2021-13-45", "2021-08-10T25:00", "10/08/2021", "yesterday"])
def test_published_must_be_iso_8601(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    db = str(tmp_path / "s.db")
    for command in ("analyze", "ingest"):
        code, _, err = invoke(command, str(tmp_path / "a.txt"), "--published", value, "--db", db)
        assert code == 2, (command, err)
        assert len(err.strip().splitlines()) == 1 and "ISO 8601" in err and value in err
    assert not Path(db).exists()  # refused before any work
    with pytest.raises(UsageError):
        IngestOptions(published=value)


@pytest.mark.parametrize("value", ["2021-08-10", "2021-08-10T09:30", "2021-08-10T09:30:00+02:00",
                                   "2021-08-10T07:30Z"])
def test_iso_8601_published_is_taken(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path / "a.txt"), "--published", value,
                          "--db", str(tmp_path / "s.db"), "-q")
    assert code == 0, err
    (doc,) = iter_documents([str(tmp_path / "a.txt")], IngestOptions(published=value))
    assert isinstance(doc, Document) and doc.published.startswith("2021-08-10")


def test_unreadable_sidecar_or_manifest_date_is_named_and_the_article_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(REPORT.replace("Lisk", "Varn"), encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"outlet": "Isle Post", "published": "13/45/2021"}))
    manifest = tmp_path / "list.csv"
    manifest.write_text("path,outlet,published\nb.txt,Varn Times,not a date\n", encoding="utf-8")
    items = list(iter_documents([str(tmp_path / "a.txt"), str(manifest)]))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [(d.outlet, d.published) for d in docs] == [("Isle Post", None), ("Varn Times", None)]
    assert len(errors) == 2
    assert errors[0].source == str(tmp_path / "a.meta.json") and "13/45/2021" in errors[0].message
    assert "list.csv line 2" in errors[1].message and "not a date" in errors[1].message


def two_reports(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = [folder / "isle-post.txt", folder / "harbour-news.txt"]
    paths[0].write_text(REPORT, encoding="utf-8")
    paths[1].write_text(REPORT.replace("Per Odde", "Kari Lund").replace("a week", "ten days"), encoding="utf-8")
    return paths


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


def test_a_batch_without_dates_is_warned_once_naming_the_inputs(tmp_path: Path) -> None:
    paths = two_reports(tmp_path / "in")
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--db", str(tmp_path / "s.db"), "-q")
    assert code == 0, err
    (undated,) = [w for w in warnings_of(err) if "publication date" in w]
    assert all(str(p) in undated for p in paths)
    assert "--published" in undated and "manifest" in undated and "sidecar" in undated
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--published", "2021-08-10",
                          "--db", str(tmp_path / "s.db"), "-q")
    assert code == 0 and not [w for w in warnings_of(err) if "publication date" in w], err
    (tmp_path / "in" / "isle-post.meta.json").write_text(json.dumps({"published": "2021-08-10"}))
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--db", str(tmp_path / "s.db"), "-q")
    assert code == 0 and not [w for w in warnings_of(err) if "publication date" in w], err


def test_outlet_flag_is_refused_for_more_than_one_article(tmp_path: Path) -> None:
    from storylens.store import Store

    paths = two_reports(tmp_path / "in")
    db = str(tmp_path / "s.db")
    for inputs in ([str(tmp_path / "in")], [str(p) for p in paths]):
        code, _, err = invoke("ingest", *inputs, "--outlet", "Isle Post", "--db", db, "-q")
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1 and "--outlet" in err and "manifest" in err
    with Store(db) as store:
        assert store.article_count() == 0  # refused before anything was stored
    code, _, err = invoke("ingest", str(paths[0]), "--outlet", "Isle Post", "--db", db, "-q")
    assert code == 0, err
    assert not [w for w in warnings_of(err) if "file names" in w], err


def test_outlets_only_from_file_names_are_warned(tmp_path: Path) -> None:
    two_reports(tmp_path / "in")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--db", db, "-q")
    assert code == 0, err
    (named,) = [w for w in warnings_of(err) if "file names" in w]
    assert "'isle-post'" in named and "'harbour-news'" in named and "manifest" in named
    (tmp_path / "in" / "list.csv").write_text(
        "path,outlet\nisle-post.txt,Isle Post\nharbour-news.txt,Harbour News\n", encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--db", db, "-q")
    assert code == 0 and not [w for w in warnings_of(err) if "file names" in w], err


def test_reingest_without_published_keeps_the_stored_dates(tmp_path: Path) -> None:
    from storylens.store import Store

    two_reports(tmp_path / "in")
    db = str(tmp_path / "s.db")
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--published", "2021-08-10", "--db", db, "-q")
    assert code == 0, err
    code, _, err = invoke("ingest", str(tmp_path / "in"), "--db", db, "-q")
    assert code == 0 and "(0 new)" in err, err
    with Store(db) as store:
        assert [a.published for a in store.articles()] == ["2021-08-10", "2021-08-10"]


@pytest.mark.parametrize("where", ["/proc/r.html", "FILE/r.html", "FILE/deeper/r.html"])
def test_unwritable_report_path_is_refused_before_any_work(tmp_path: Path, where: str) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    (tmp_path / "FILE").write_text("a file, not a folder")
    output = where if where.startswith("/") else str(tmp_path / where)
    db = tmp_path / "s.db"
    code, out, err = invoke("analyze", str(tmp_path / "a.txt"), "-o", str(tmp_path / "ok.json"),
                            "-o", output, "--db", str(db), "-q")
    assert code == 1, err
    assert err.strip().startswith("error:") and len(err.strip().splitlines()) == 1 and output in err
    assert "Traceback" not in err + out
    assert not db.exists() and not (tmp_path / "ok.json").exists()  # nothing was done


@pytest.mark.parametrize("where", ["/proc/nope", "FILE/sub"])
def test_unwritable_export_folder_is_one_line(tmp_path: Path, where: str) -> None:
    from storylens.records import Report
    from storylens.report import to_json

    (tmp_path / "r.json").write_text(to_json(Report()), encoding="utf-8")
    (tmp_path / "FILE").write_text("a file, not a folder")
    output = where if where.startswith("/") else str(tmp_path / where)
    code, out, err = invoke("export", str(tmp_path / "r.json"), "-o", output)
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and output in err and "Traceback" not in err + out
    code, out, err = invoke("export", str(tmp_path / "r.json"), "-o", str(tmp_path / "new" / "tables"))
    assert code == 0 and (tmp_path / "new" / "tables" / "facts.csv").is_file(), err


@pytest.mark.parametrize("command", [["stories"], ["show", "abc"], ["merge", "abc", "abd"], ["split", "abc", "x"]])
def test_commands_over_a_store_refuse_a_missing_one(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "mistyped.db"
    code, _, err = invoke(*command, "--db", str(db))
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and str(db) in err and "no such store" in err
    assert not db.exists()


def test_show_takes_a_unique_id_prefix_and_names_an_ambiguous_one(tmp_path: Path) -> None:
    from storylens.records import StoryGroup
    from storylens.store import Store

    db = str(tmp_path / "s.db")
    with Store(db) as store:
        store.save_stories([StoryGroup(id=i, title=f"Story {i}", article_ids=(f"art-{i}",))
                            for i in ("s-abc1", "s-abc2", "s-b_c1")])
    code, out, err = invoke("show", "s-abc2", "--db", db)
    assert code == 0 and "Story s-abc2" in out and "1 article\n" in out + "\n", err
    code, out, err = invoke("show", "s-abc", "--db", db)
    assert code == 1 and "ambiguous" in err and "s-abc1" in err and "s-abc2" in err, err
    code, out, err = invoke("show", "s-b", "--db", db)
    assert code == 0 and "Story s-b_c1" in out, err
    code, out, err = invoke("show", "s-a_c", "--db", db)  # LIKE wildcards are plain characters
    assert code == 1 and "no story" in err, err


def test_counts_are_pluralised(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(REPORT, encoding="utf-8")
    code, _, err = invoke("ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "s.db"), "-q")
    assert code == 0 and "1 article read (1 new)" in err and "0 failed inputs" in err, err
