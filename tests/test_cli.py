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
