"""Shared test helpers: where the real data lives, and the bundled examples."""

from __future__ import annotations

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
