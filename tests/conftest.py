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
