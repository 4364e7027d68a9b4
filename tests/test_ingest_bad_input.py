"""Bad inputs: each one is one clear line naming the input; the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

from storylens.ingest import IngestOptions, iter_documents
from storylens.records import Document, InputError

GOOD = (
    "LISK - The ferry between Ardo and Lisk was suspended on Friday after a storm damaged the pier, "
    "the island council said. Repairs are expected to take a week."
)


def run(inputs: list[Path | str], **options) -> tuple[list[Document], list[InputError]]:
    items = list(iter_documents([str(i) for i in inputs], IngestOptions(**options)))
    return ([i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputError)])


def one_error(inputs: list[Path | str], **options) -> InputError:
    docs, errors = run(inputs, **options)
    assert not docs
    assert len(errors) == 1, errors
    assert "\n" not in str(errors[0])
    return errors[0]


def test_empty_file(tmp_path: Path) -> None:
    for name in ("empty.txt", "empty.html", "empty.json", "empty.jsonl", "blank.md"):
        path = tmp_path / name
        path.write_text("" if name != "blank.md" else "  \n\n ", encoding="utf-8")
        error = one_error([path])
        assert error.source == str(path)
        assert "empty" in error.message


def test_binary_files(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "binary file (PNG image)" in one_error([png]).message
    nul = tmp_path / "blob.html"
    nul.write_bytes(b"abc\x00\x00\x01\x02def" * 100)
    assert "binary" in one_error([nul]).message
    jsonl = tmp_path / "blob.jsonl"
    jsonl.write_bytes(b"\x00\x01\x02" * 100)
    assert "binary" in one_error([jsonl]).message


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:  # 50 MB of text, written in chunks
        chunk = (GOOD + "\n\n").encode() * 4000
        while out.tell() < 50_000_000:
            out.write(chunk)
    error = one_error([path])
    assert error.source == str(path)
    assert "size limit" in error.message and "MB" in error.message
    # the cap is a setting: a larger one reads the file
    small = tmp_path / "small.txt"
    small.write_text(GOOD * 20, encoding="utf-8")
    assert "size limit" in one_error([small], max_bytes=1000).message


def test_invalid_utf8_is_an_error_unless_clearly_cp1252(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(GOOD.encode() + b" \x81\x8d\x8f\x90\x9d \xc3\x28 \xa0\xa1")
    error = one_error([broken])
    assert "invalid UTF-8" in error.message
    cyrillic_as_koi8 = tmp_path / "koi8.txt"
    cyrillic_as_koi8.write_bytes("Паром между островами отменён из-за шторма.".encode("koi8_r"))
    assert "invalid UTF-8" in one_error([cyrillic_as_koi8]).message


def test_malformed_json_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    good = json.dumps({"title": "Ferry suspended", "maintext": GOOD})
    path.write_text(f"{good}\n{{\"title\": \"broken\", \n{good}\n", encoding="utf-8")
    docs, errors = run([path])
    assert len(docs) == 2
    assert [e.source for e in errors] == [f"{path}:2"]
    assert "malformed JSON on line 2" in errors[0].message
    whole = tmp_path / "whole.json"
    whole.write_text('{"title": "x", "text": ', encoding="utf-8")
    assert "malformed JSON" in one_error([whole]).message


def test_html_without_article(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text("<html><head><title>Home</title></head><body><nav><a href='/'>Home</a>"
                    "<a href='/news'>News</a></nav><footer>(c) 2025</footer></body></html>")
    error = one_error([path])
    assert error.source == str(path) and "no article text" in error.message


def test_unknown_extension_and_missing_path(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 office")
    assert "unsupported file type '.docx'" in one_error([path]).message
    assert "no such file" in one_error([tmp_path / "missing.txt"]).message


def test_directory_with_no_usable_file(tmp_path: Path) -> None:
    folder = tmp_path / "assets"
    folder.mkdir()
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "README.md").write_text("# Assets\n\nImages for the site.\n")
    error = one_error([folder])
    assert error.source == str(folder)
    assert "no usable file" in error.message and "unsupported (.pdf)" in error.message
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    assert "no usable file" in one_error([empty]).message


def test_a_batch_goes_on_past_every_bad_input(tmp_path: Path) -> None:
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
        "utf8.txt": b"caf\xc3 \x81\x8d\x90",
        "nav.html": b"<html><body><nav>Home</nav></body></html>",
        "x.pdf": b"%PDF-1.4",
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    inputs = [tmp_path / n for n in bad] + [tmp_path / "nothing-here.txt", good]
    docs, errors = run(inputs)
    assert [d.source for d in docs] == [str(good)]
    assert sorted(e.source for e in errors) == sorted(str(p) for p in inputs[:-1])
