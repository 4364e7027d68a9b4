"""Articles in other languages: counted, split and marked; what is not analysed is said.

The Chinese and Arabic fixtures are short fictional flood reports written for this
project (tests/fixtures/languages/); the English one is a bundled example.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from storylens.annotate import UNAVAILABLE_ANALYSES, annotate, language_notice
from storylens.annotate.sentences import split_sentences
from storylens.clean import MIN_WORDS, clean_document
from storylens.lexicon.languages import text_direction
from storylens.lexicon.words import WORD, word_count
from storylens.records import Document

FIXTURES = Path(__file__).parent / "fixtures" / "languages"
ENGLISH = Path(__file__).resolve().parents[1] / "examples" / "danube-post-2026-03-10.md"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _article(name: str):
    return clean_document(Document(source=name, text=_text(name), kind="txt", outlet=name.split(".")[0]))


def test_a_chinese_article_is_counted_in_characters_not_space_separated_runs():
    text = _text("zh-flood.txt")
    runs = len(WORD.findall(text))  # runs between spaces and commas: how it was "6 words"
    assert runs < 15 and word_count(text) > 100 > MIN_WORDS
    assert word_count("ฝนตกหนักในเมืองเมื่อวานนี้") >= 4  # Thai: no spaces, still several words
    assert word_count("Officials said on Monday that 40 people were hurt.") == 9  # English unchanged


def test_chinese_and_arabic_articles_are_kept_and_identified():
    chinese, arabic = _article("zh-flood.txt"), _article("ar-flood.txt")
    assert (chinese.language, arabic.language) == ("zh", "ar")
    assert text_direction(arabic.language) == "rtl" and text_direction(chinese.language) == "ltr"


def test_sentences_end_at_ideographic_and_arabic_marks():
    text = _text("zh-flood.txt")
    sentences = [text[s:e] for s, e in split_sentences(text)]
    body = [s for s in sentences if s != "河西镇遭遇洪水"]
    assert len(body) == 6 and all(s.endswith("。") for s in body), sentences
    arabic = _text("ar-flood.txt")
    pieces = [arabic[s:e] for s, e in split_sentences(arabic)]
    assert any(p.endswith("؟") for p in pieces) and len(pieces) == 6, pieces
    assert [s.text for s in annotate(text, language="zh").sentences] == sentences


def test_what_is_not_analysed_is_said_per_article():
    arabic = language_notice(_article("ar-flood.txt"))
    assert arabic is not None and arabic.direction == "rtl" and arabic.language == "ar"
    assert set(arabic.unavailable) == set(UNAVAILABLE_ANALYSES) >= {"entities", "attributions"}
    assert "places" not in arabic.unavailable  # read through the gazetteer's names in other scripts
    assert "Arabic" in arabic.message
    english = clean_document(Document(source="e", text=ENGLISH.read_text(encoding="utf-8"), kind="md", outlet="e"))
    assert language_notice(english) is None


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """One CLI run over a Chinese, an Arabic and an English report, paths hidden."""
    folder = tmp_path_factory.mktemp("private-folder") / "inputs"
    folder.mkdir()
    for source in (FIXTURES / "zh-flood.txt", FIXTURES / "ar-flood.txt", ENGLISH):
        shutil.copy(source, folder / source.name)
    out = folder.parent / "out"
    from storylens.cli import cli

    result = CliRunner().invoke(
        cli,
        ["analyze", str(folder), "--db", ":memory:", "--published", "2026-03-10", "-q", "--hide-paths",
         "-o", str(out / "r.json"), "-o", str(out / "r.html"), "-o", str(out / "r.md")],
    )
    return result, folder, out


def test_cli_warns_for_each_article_not_fully_analysed(mixed_run):
    result, folder, _ = mixed_run
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines()
                if line.startswith("warning:") and "read for its sentences, numbers, dates and places only" in line]
    assert len(warnings) == 2, result.output  # one per article (besides the batch's metadata warnings)
    assert any("zh-flood.txt" in w and "Chinese" in w for w in warnings)
    assert any("ar-flood.txt" in w and "Arabic" in w for w in warnings)


def test_report_json_records_the_notices_and_html_marks_language_and_direction(mixed_run):
    from storylens.report import validate_report_dict

    _, _, out = mixed_run
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    validate_report_dict(data)
    notices = {n["source"]: n for n in data["language_notices"]}
    assert set(notices) == {"zh-flood.txt", "ar-flood.txt"}
    assert notices["ar-flood.txt"]["direction"] == "rtl" and "attributions" in notices["ar-flood.txt"]["unavailable"]
    by_source = {a["source"]: a for a in data["articles"]}
    assert by_source["zh-flood.txt"]["language"] == "zh"
    page = (out / "r.html").read_text(encoding="utf-8")
    arabic_id, chinese_id = by_source["ar-flood.txt"]["id"], by_source["zh-flood.txt"]["id"]
    assert f'id="a-{arabic_id}"' in page
    article_html = page.split(f'id="a-{arabic_id}"', 1)[1].split("</details>", 1)[0]
    assert '<div class="article-text" lang="ar" dir="rtl">' in article_html
    assert "read for its sentences, numbers, dates and places only" in article_html
    chinese_html = page.split(f'id="a-{chinese_id}"', 1)[1].split("</details>", 1)[0]
    assert '<div class="article-text" lang="zh">' in chinese_html and 'dir="rtl"' not in chinese_html
    assert "Not fully analysed" in page and "Not fully analysed" in (out / "r.md").read_text(encoding="utf-8")


def test_hide_paths_keeps_local_paths_out_of_every_output(mixed_run):
    _, folder, out = mixed_run
    for name in ("r.json", "r.html", "r.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert str(folder) not in text and str(folder.parent) not in text, name
        assert "private-folder" not in text, name
    tables = out / "tables"
    from storylens.cli import cli

    result = CliRunner().invoke(cli, ["export", str(out / "r.json"), "-o", str(tables), "--hide-paths"])
    assert result.exit_code == 0, result.output
    assert all("private-folder" not in p.read_text(encoding="utf-8") for p in tables.glob("*.csv"))


def test_a_stores_spliced_report_keeps_the_notices(mixed_run, tmp_path):
    """`analyze --db S -o r.json` writes the store's report from its stored stories; the notices
    of the articles not fully analysed are there and warned about, as in the run that made it."""
    from storylens.cli import cli
    from storylens.pipeline import analyze_store
    from storylens.report import to_json
    from storylens.store import Store

    _, folder, _ = mixed_run
    db = str(tmp_path / "s.db")
    made = CliRunner().invoke(cli, ["analyze", str(folder), "--db", db, "--published", "2026-03-10", "-q"])
    assert made.exit_code == 0, made.output
    again = CliRunner().invoke(cli, ["analyze", "--db", db, "-q", "-o", str(tmp_path / "r.json")])
    assert again.exit_code == 0, again.output
    assert sum("read for its sentences, numbers, dates and places only" in line
               for line in again.output.splitlines()) == 2
    written = (tmp_path / "r.json").read_text(encoding="utf-8")
    with Store(db) as store:
        assert written == to_json(analyze_store(store))
    assert {n["language"] for n in json.loads(written)["language_notices"]} == {"zh", "ar"}
