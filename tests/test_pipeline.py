"""The main job end to end: the Python API and the CLI agree, exit codes tell."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import storylens
from conftest import doha_comment_prompts
from storylens.records import SCHEMA_ID, Report

WIRE = (
    "Talks resume in Velmora port dispute\n\n"
    "VELMORA — Negotiators for the Velmora dock workers' union and the harbour authority "
    "met again on Tuesday after a week-long strike left more than 40 ships waiting at anchor. "
    "The authority's chairman, Ilse Varga, said she expected a written offer to be tabled "
    "by Friday.\n\n"
    "\"We are not going back without a contract,\" said union leader Tomas Reyk."
)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "storylens", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_api_report_matches_cli_json(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    report = storylens.analyze([tmp_path / "wire.txt"], published="2026-03-10", outlet="Coast Daily")
    assert isinstance(report, Report)
    data = report.to_dict()
    assert data["schema"] == SCHEMA_ID
    assert len(data["articles"]) == 1
    article = data["articles"][0]
    assert article["source"] == str(tmp_path / "wire.txt")
    assert article["outlet"] == "Coast Daily"
    assert "Ilse Varga" in article["text"]
    assert len(data["stories"]) == 1 and data["stories"][0]["article_ids"] == [article["id"]]

    done = run_cli(
        "analyze", str(tmp_path / "wire.txt"), "--published", "2026-03-10",
        "--outlet", "Coast Daily", "--db", ":memory:", "-q", "-o", "out.json", cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text()) == data


def test_partial_failure_exit_code_and_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    done = run_cli("analyze", "good.txt", "empty.txt", "--db", "s.db", "-q", "-o", "r.json",
                   cwd=tmp_path)
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "empty.txt" in errors[0]
    report = json.loads((tmp_path / "r.json").read_text())
    assert [a["source"] for a in report["articles"]] == ["good.txt"]


def test_usage_error_exit_code(tmp_path: Path) -> None:
    assert run_cli("analyze", "x.txt", "-o", "report.pdf", cwd=tmp_path).returncode == 2
    assert run_cli("analyze", cwd=tmp_path).returncode == 2
    assert run_cli("no-such-command", cwd=tmp_path).returncode == 2


def test_reanalysis_into_the_same_store_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    for _ in range(2):
        done = run_cli("ingest", "wire.txt", "--db", "s.db", "-q", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    from storylens.store import Store

    with Store(tmp_path / "s.db") as store:
        assert store.article_count() == 1


def test_doha_report_is_valid(doha_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "doha.json"
    done = run_cli("analyze", str(doha_dir), "--published", "2021-08-10", "--db", ":memory:",
                   "-q", "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text())
    assert report["schema"] == SCHEMA_ID
    assert len(report["articles"]) == 2
    removed = [r["text"] for a in report["articles"] for r in a["removed"]]
    for prompt in doha_comment_prompts():
        assert any(prompt in line for line in removed)
        assert all(prompt not in a["text"] for a in report["articles"])
    assert all(r["reason"] for a in report["articles"] for r in a["removed"])


def test_every_kind_of_bad_input_in_one_cli_batch(tmp_path: Path) -> None:
    """One line per bad input naming it, the good article still reported, exit code 1."""
    (tmp_path / "good.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (tmp_path / "huge.txt").write_bytes(b"The harbour was quiet. " * (50 * 1024 * 1024 // 23 + 1))
    (tmp_path / "latin.txt").write_bytes(b"caf\xc3 \x81\x8d\x90 \xff\xfe")
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"title": "Talks resume", "maintext": WIRE, "source_domain": "coast.example"})
        + "\n{not json\n",
        encoding="utf-8",
    )
    (tmp_path / "nav.html").write_text(
        "<html><body><nav><a href='/'>Home</a> | <a href='/w'>World</a></nav></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4 nothing to read")
    (tmp_path / "no-usable").mkdir()
    (tmp_path / "no-usable" / "scan.pdf").write_bytes(b"%PDF-1.4")
    bad = [
        "empty.txt", "binary.txt", "huge.txt", "latin.txt", "lines.jsonl:2", "nav.html",
        "notes.pdf", "no-usable", "http://storylens-test.invalid/story",
        "http://127.0.0.1:9/story",  # loopback: refused without --allow-private
    ]
    inputs = ["good.txt", *[b.removesuffix(":2") for b in bad]]
    done = run_cli("analyze", *inputs, "--db", "s.db", "-q", "-o", "r.json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(bad), errors
    for name in bad:
        assert sum(name in line for line in errors) >= 1, (name, errors)
    report = json.loads((tmp_path / "r.json").read_text())
    sources = sorted(a["source"] for a in report["articles"])
    assert sources == ["good.txt", "lines.jsonl:1"]
