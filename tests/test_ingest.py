"""Ingest readers on real files: text, Markdown, HTML, JSON(L), WARC, folders, stdin."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storylens.ingest import IngestOptions, iter_documents
from storylens.ingest.text import looks_like_headline, parse_text
from storylens.records import Document, InputError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"

LEDE = (
    "GRANVIK - Fire crews in Granvik spent the night fighting a blaze at the Nordvik paper mill, "
    "the regional fire service said on Wednesday."
)
BODY = (
    f"{LEDE}\n\n"
    "No one was injured, but about 200 workers were sent home and a nearby school stayed closed. "
    "\"The roof structure is unstable,\" said fire chief Anna Lindqvist.\n\n"
    "The mill's owner, Sorlund Paper, said production would resume next week."
)


def docs(inputs: list[str], **options) -> list[Document | InputError]:
    return list(iter_documents(inputs, IngestOptions(**options)))


def only_docs(items: list[Document | InputError]) -> list[Document]:
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return [i for i in items if isinstance(i, Document)]


# ----------------------------------------------------------------------------- text


def test_text_headline_becomes_title_and_leaves_body(tmp_path: Path) -> None:
    path = tmp_path / "granvik.txt"
    path.write_text(f"Fire destroys paper mill in Granvik\n\n{BODY}\n", encoding="utf-8")
    (doc,) = only_docs(docs([str(path)]))
    assert doc.title == "Fire destroys paper mill in Granvik"
    assert doc.text.startswith("GRANVIK - Fire crews")
    assert doc.kind == "txt"
    assert doc.outlet == "granvik"  # from the file name
    assert doc.published is None  # never guessed


def test_text_lede_first_line_is_not_taken_as_title(tmp_path: Path) -> None:
    path = tmp_path / "lede.txt"
    path.write_text(BODY, encoding="utf-8")
    (doc,) = only_docs(docs([str(path)]))
    assert doc.title is None
    assert doc.text == BODY


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("Fire destroys paper mill in Granvik", True),
        ("Is the Granvik mill finished?", True),
        ("\"We will rebuild\": mill owner vows to reopen", True),
        ("The mill burned down on Wednesday, the fire service said.", False),  # a sentence
        ("By Anna Lindqvist", False),  # a byline
        ("GRANVIK - Fire crews fought a blaze", False),  # a dateline
        ("fire destroys mill", False),  # lower case start
        (" ".join(["word"] * 40), False),  # too long
    ],
)
def test_headline_rules(first: str, expected: bool) -> None:
    assert looks_like_headline(first, "", "Body text follows here.") is expected


def test_wrapped_first_paragraph_is_not_a_headline() -> None:
    meta, body = parse_text("Fire crews in Granvik fought\na blaze all night long.\n\nMore text.")
    assert "title" not in meta
    assert body.startswith("Fire crews")


def test_markdown_front_matter_heading_and_links(tmp_path: Path) -> None:
    path = tmp_path / "mill.md"
    path.write_text(
        "---\noutlet: Granvik Herald\npublished: 2025-02-12T09:00:00+01:00\nlanguage: en-GB\n---\n"
        "# Fire destroys paper mill\n\n"
        f"{LEDE} See the [fire service statement](https://fire.example/statement).\n\n"
        "![smoke](smoke.jpg)\n\nThe mill's **owner** said production would resume.\n",
        encoding="utf-8",
    )
    (doc,) = only_docs(docs([str(path)]))
    assert doc.outlet == "Granvik Herald"
    assert doc.published == "2025-02-12T09:00:00+01:00"
    assert doc.language == "en"
    assert doc.title == "Fire destroys paper mill"
    assert "See the fire service statement." in doc.text
    assert "](" not in doc.text and "**" not in doc.text and "smoke.jpg" not in doc.text
    assert doc.kind == "md"


def test_cp1252_text_is_recovered(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes("The café’s owner said “we will reopen” – soon.".encode("cp1252"))
    (doc,) = only_docs(docs([str(path)]))
    assert "café’s" in doc.text and "“we will reopen”" in doc.text


# ----------------------------------------------------------------------------- html


def test_html_article_text_and_metadata() -> None:
    (doc,) = only_docs(docs([str(FIXTURES / "harbour-bridge.html")]))
    assert doc.kind == "html"
    assert doc.title == "Harbour bridge closed after cracks found in main span"
    assert doc.author == "Marta Oyelaran"
    assert doc.site_name == "The Lakeside Gazette"
    assert doc.url == "https://www.lakesidegazette.example/news/2025/06/17/harbour-bridge-closed-cracks"
    assert doc.outlet == "lakesidegazette.example"  # from the canonical URL's domain
    assert doc.published == "2025-06-17T08:30:00+01:00"  # time and zone from the meta tag
    assert doc.language == "en"
    assert doc.text.startswith("PORT ELLERY - The Harbour Bridge")
    assert "estimated losses at 250,000 euros a week." in doc.text
    assert "\n\n" in doc.text  # paragraphs kept
    for debris in ("Write your comment", "Related stories", "Share on Facebook",
                   "Subscribe to our newsletter", "All rights reserved", "Sport"):
        assert debris not in doc.text


# ----------------------------------------------------------------------------- json


def newsplease(n: int, **extra) -> dict:
    return {
        "title": f"Strike enters day {n} at Velmora port",
        "maintext": f"VELMORA - The strike at Velmora port entered day {n} on Monday, union officials said. "
                    "Ships were waiting at anchor outside the harbour.",
        "url": f"https://www.velmora-times.example/port/{n}",
        "source_domain": "www.velmora-times.example",
        "date_publish": f"2026-03-0{n} 07:45:00",
        "language": "en",
        **extra,
    }


def test_jsonl_newsplease_fields_and_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "crawl.jsonl"
    lines = [json.dumps(newsplease(1)), "{not json", "", json.dumps(newsplease(2, authors=["Ida Berg"]))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = docs([str(path)])
    assert [type(i).__name__ for i in items] == ["Document", "InputError", "Document"]
    first, error, second = items
    assert first.source == f"{path}:1" and second.source == f"{path}:4"
    assert first.outlet == "velmora-times.example"
    assert first.published == "2026-03-01T07:45:00"
    assert first.title == "Strike enters day 1 at Velmora port"
    assert first.language == "en" and first.kind == "jsonl"
    assert second.author == "Ida Berg"
    assert error.source == f"{path}:2" and "line 2" in error.message


@pytest.mark.parametrize("field", ["text", "body", "content"])
def test_json_alternative_body_fields(tmp_path: Path, field: str) -> None:
    record = {"headline": "Ferry service suspended", field: "<p>The ferry between Ardo and Lisk "
              "was suspended on Friday.</p><p>Storms are expected to last until Sunday.</p>",
              "link": "https://islands.example/ferry"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    (doc,) = only_docs(docs([str(path)]))
    assert doc.title == "Ferry service suspended"
    assert doc.text == ("The ferry between Ardo and Lisk was suspended on Friday.\n\n"
                        "Storms are expected to last until Sunday.")
    assert doc.outlet == "islands.example"


def test_json_list_reports_items_without_text(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps({"articles": [newsplease(1), {"title": "no body"}]}), encoding="utf-8")
    items = docs([str(path)])
    assert isinstance(items[0], Document)
    assert isinstance(items[1], InputError) and items[1].source == f"{path}[1]"


# ----------------------------------------------------------------------------- warc


def write_warc(path: Path, pages: list[tuple[str, bytes, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        for uri, body, ctype in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))


def test_warc_html_responses_go_through_the_extractor(tmp_path: Path) -> None:
    html = (FIXTURES / "harbour-bridge.html").read_bytes()
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, [("https://www.lakesidegazette.example/a", html, "text/html; charset=utf-8"),
                      ("https://www.lakesidegazette.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")])
    (doc,) = only_docs(docs([str(path)]))
    assert doc.kind == "warc"
    assert doc.source == f"{path}#https://www.lakesidegazette.example/a"
    assert doc.title == "Harbour bridge closed after cracks found in main span"
    assert doc.text.startswith("PORT ELLERY")


# ----------------------------------------------------------------------------- metadata


def test_sidecar_manifest_and_flags_precedence(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY.replace("Granvik", "Ostby"), encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"outlet": "Sidecar Herald", "date": "2025-02-12"}))
    (tmp_path / "manifest.csv").write_text(
        "path,outlet,url,published,title,language\n"
        "a.txt,Manifest Post,https://post.example/a,2025-02-11,Manifest title,en\n"
        "b.txt,Manifest Post,,2025-02-13T10:00:00Z,,\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About this folder\n\nNot an article at all, just notes.\n")
    a, b = only_docs(docs([str(tmp_path)]))
    assert (a.outlet, a.published, a.title, a.url) == ("Sidecar Herald", "2025-02-12", "Manifest title",
                                                       "https://post.example/a")
    assert (b.outlet, b.published) == ("Manifest Post", "2025-02-13T10:00:00+00:00")
    flagged = only_docs(docs([str(tmp_path)], outlet="Flag Daily", published="2025-03-01"))
    assert {(d.outlet, d.published) for d in flagged} == {("Flag Daily", "2025-03-01")}


def test_manifest_as_input_lists_the_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.txt").write_text(BODY, encoding="utf-8")
    manifest = tmp_path / "list.csv"
    manifest.write_text("path,outlet\nsub/x.txt,Listed Times\n", encoding="utf-8")
    (doc,) = only_docs(docs([str(manifest)]))
    assert doc.outlet == "Listed Times"
    (doc,) = only_docs(list(iter_documents([], IngestOptions(manifest=manifest))))
    assert doc.outlet == "Listed Times"


# ----------------------------------------------------------------------------- folders


def test_folder_walk_is_recursive_sorted_and_skips_non_articles(tmp_path: Path) -> None:
    for name in ("b/z.txt", "b/a.md", "a.txt", ".hidden/x.txt", ".secret.txt", "LICENSE",
                 "photo.png", "c.txt.meta.json"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{BODY}\n\n{name}", encoding="utf-8")
    sources = [d.source for d in only_docs(docs([str(tmp_path)]))]
    assert sources == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "a.md"), str(tmp_path / "b" / "z.txt")]


def test_iter_documents_streams_lazily(tmp_path: Path) -> None:
    for n in range(50):
        (tmp_path / f"{n:03d}.txt").write_text(f"{BODY} {n}", encoding="utf-8")
    stream = iter_documents([str(tmp_path)])
    first = next(stream)
    assert isinstance(first, Document) and first.source.endswith("000.txt")
    (tmp_path / "049.txt").unlink()  # later files are read only when reached
    rest = list(stream)
    assert len(rest) == 49 and all(isinstance(d, Document) for d in rest[:-1])
    assert isinstance(rest[-1], InputError) and rest[-1].source.endswith("049.txt")


def test_stdin_text_and_jsonl() -> None:
    code = ("import sys; from storylens.ingest import iter_documents; "
            "[print(type(d).__name__, d.source, getattr(d, 'title', None)) for d in iter_documents(['-'])]")
    text = subprocess.run([sys.executable, "-c", code], input=f"Fire destroys paper mill\n\n{BODY}",
                          capture_output=True, text=True, timeout=120, check=True)
    assert text.stdout.strip() == "Document <stdin> Fire destroys paper mill"
    jsonl = "\n".join(json.dumps(newsplease(n)) for n in (1, 2))
    lines = subprocess.run([sys.executable, "-c", code], input=jsonl, capture_output=True, text=True,
                           timeout=120, check=True).stdout.splitlines()
    assert lines == ["Document <stdin>:1 Strike enters day 1 at Velmora port",
                     "Document <stdin>:2 Strike enters day 2 at Velmora port"]


def test_bundled_examples_ingest_with_manifest_metadata() -> None:
    examples = Path(__file__).resolve().parents[1] / "examples"
    if not (examples / "manifest.csv").is_file():
        pytest.skip("examples/ not written yet")
    items = docs([str(examples)])
    found = only_docs(items)
    assert len(found) >= 8
    assert all(d.outlet and d.published for d in found)
    assert not any(Path(d.source.split(":")[0]).name.lower().startswith("readme") for d in found)


def test_doha_reports_keep_their_first_sentence(doha_dir: Path) -> None:
    found = only_docs(docs([str(doha_dir)], published="2021-08-10"))
    assert len(found) == 2
    for doc in found:
        raw = Path(doc.source).read_text(encoding="utf-8")
        assert doc.text.split("\n")[0] == raw.strip().split("\n")[0]  # a lede, not a headline
        assert doc.published == "2021-08-10"


# ----------------------------------------------------------------------------- extraction rules


def test_split_body_chunks_are_joined_in_order() -> None:
    from storylens.ingest.html import add_split_chunks

    html = (FIXTURES / "split-body.html").read_bytes()
    first_chunk = [
        "DUNMORE - Trains on the three northern lines out of Dunmore stopped running on Monday morning "
        "as signal workers began a 48-hour strike over pay, the national rail operator said.",
        "About 60,000 passengers use the northern lines on a weekday. The operator said replacement buses "
        "would run every half hour between Dunmore and Halvik, but warned of long queues at the main stations.",
    ]
    blocks = add_split_chunks(html, first_chunk)
    assert blocks[:2] == first_chunk
    assert blocks[-1].startswith("Talks between the two sides are due to resume on Thursday")
    assert not any("morning briefing" in b for b in blocks)  # not a twin container


def test_repeated_teaser_containers_are_not_joined() -> None:
    from storylens.ingest.html import add_split_chunks

    teaser = ("<div class='teaser'><p>Council approves a new budget for road repairs across the district "
              "after a long debate.</p><p>Read the full story on our site today.</p></div>")
    story = ("<div class='teaser'><p>The ferry between Ardo and Lisk was suspended on Friday.</p>"
             "<p>Storms are expected to last until Sunday, the coastguard said.</p></div>")
    html = f"<html><body>{story}{teaser}{teaser}</body></html>"
    kept = ["The ferry between Ardo and Lisk was suspended on Friday.",
            "Storms are expected to last until Sunday, the coastguard said."]
    assert add_split_chunks(html, kept) == kept


def test_combine_passes_restores_inner_paragraphs_and_drops_teasers() -> None:
    from storylens.ingest.html import combine_passes

    lede = "The ferry between Ardo and Lisk was suspended on Friday after a storm damaged the pier."
    inner = "Short update: pier closed."
    last = "Repairs are expected to take a week, the island council said in a statement."
    balanced = ["Most read", "Council approves budget", lede, inner, last, "Related stories"]
    assert combine_passes(balanced, [lede, last]) == [lede, inner, last]
    # a precise pass that kept almost nothing has failed: fall back to the balanced pass
    long_balanced = [lede] + [f"{last} ({n})" for n in range(20)]
    assert combine_passes(long_balanced, [lede]) == long_balanced


def test_local_feed_file_uses_full_entry_content(tmp_path: Path) -> None:
    content = " ".join([LEDE] * 4)
    feed = tmp_path / "granvik.atom"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Granvik Herald</title><entry><title>Fire destroys paper mill</title>"
        "<published>2025-02-12T09:00:00Z</published><author><name>Ida Berg</name></author>"
        f"<content type='html'>&lt;p&gt;{content}&lt;/p&gt;</content></entry>"
        "<entry><title>Brief</title><summary>Too short.</summary></entry></feed>", encoding="utf-8")
    doc, error = docs([str(feed)])
    assert isinstance(doc, Document) and doc.kind == "feed"
    assert doc.title == "Fire destroys paper mill" and doc.author == "Ida Berg"
    assert doc.published == "2025-02-12T09:00:00+00:00" and doc.text == content
    assert isinstance(error, InputError) and "too little text" in error.message


def test_warc_without_articles_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "assets.warc"
    write_warc(path, [("https://x.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
                      ("https://x.example/", b"<html><body><nav>Home</nav></body></html>", "text/html")])
    (error,) = docs([str(path)])
    assert isinstance(error, InputError) and error.source == str(path)
    assert "no article found in WARC" in error.message


def test_manifest_row_for_a_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,outlet\na.txt,Herald\ngone.txt,Herald\n", encoding="utf-8")
    doc, error = docs([str(manifest)])
    assert isinstance(doc, Document) and doc.outlet == "Herald"
    assert isinstance(error, InputError) and error.source.endswith("gone.txt")


def test_manifest_paths_stay_inside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "private" / "diary.txt"
    secret.parent.mkdir()
    secret.write_text(BODY.replace("Granvik", "Hemvik"), encoding="utf-8")
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(BODY, encoding="utf-8")
    (folder / "escape.txt").symlink_to(secret)
    manifest = folder / "list.csv"
    manifest.write_text(
        "path,outlet\nsub/a.txt,Listed Times\n../private/diary.txt,Diary\n"
        f"{secret},Diary\nescape.txt,Diary\n", encoding="utf-8")
    for items in (docs([str(manifest)]), list(iter_documents([], IngestOptions(manifest=manifest)))):
        found = [i for i in items if isinstance(i, Document)]
        errors = [i for i in items if isinstance(i, InputError)]
        assert [d.outlet for d in found] == ["Listed Times"]
        assert [e.source for e in errors] == [f"{manifest} line {n}" for n in (3, 4, 5)]
        assert all("outside the manifest's folder" in e.message and "--allow-outside-paths" in e.message
                   for e in errors)
    allowed = only_docs(docs([str(manifest)], allow_outside_paths=True))
    assert [d.outlet for d in allowed] == ["Listed Times", "Diary", "Diary", "Diary"]


# ----------------------------------------------------------------------------- encodings


def test_stray_bytes_in_utf8_text_are_replaced_not_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes(BODY.encode().replace(b"Granvik", b"Gozo\xff\xfe\xc3(\x80", 1))
    (doc,) = only_docs(docs([str(path)]))
    assert "Gozo" in doc.text and not set("ÿþÃ€") & set(doc.text)
    assert "\ufffd" in doc.text and doc.text.replace("\ufffd", "").count("Granvik") == BODY.count("Granvik") - 1
    (note,) = doc.notes
    assert "UTF-8" in note and "replaced" in note


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_and_said(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(BODY.replace("Anna", "Åsa").encode(codec))
    (doc,) = only_docs(docs([str(path)]))
    assert "Åsa Lindqvist" in doc.text and doc.text.startswith("GRANVIK - Fire crews")
    assert doc.notes == (f"no byte-order mark; read as {codec.upper()}",)


def test_other_encodings_are_detected_and_said(tmp_path: Path) -> None:
    russian = ("Паромное сообщение между Ардо и Лиском приостановлено в пятницу после того, как шторм "
               "повредил причал, сообщил островной совет. Ремонт займёт неделю.")
    path = tmp_path / "ru.txt"
    path.write_bytes(russian.encode("koi8-r"))
    (doc,) = only_docs(docs([str(path)]))
    assert doc.text == russian and doc.notes and "koi8" in doc.notes[0]
    western = tmp_path / "west.txt"
    western.write_bytes(BODY.replace("Anna", "Zoë").replace("\"", "\u201c", 1).encode("cp1252"))
    (doc,) = only_docs(docs([str(western)]))
    assert "Zoë" in doc.text and doc.notes == ("not UTF-8; read as Windows-1252",)
    (plain,) = only_docs(docs([str(FIXTURES / "harbour-bridge.html")]))
    assert plain.notes == ()
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(b"caf\xc3 \x81\x8d\x90 \xff\xfe")
    (error,) = docs([str(garbage)])
    assert isinstance(error, InputError) and "re-save the file as UTF-8" in error.message


def test_assumed_encodings_are_warnings_naming_the_input(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from storylens.cli import cli

    path = tmp_path / "wide.txt"
    path.write_bytes(BODY.encode("utf-16-le"))
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(tmp_path / "s.db"), "-q"])
    assert result.exit_code == 0, result.stderr
    assert f"warning: {path}: no byte-order mark; read as UTF-16-LE" in result.stderr
