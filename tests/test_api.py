"""The public API of ``import storylens``: lazy, and the same whatever was imported first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

ORDERS = {
    # the README's order: analyze first (it imports the annotate stage), then annotate
    "analyze-then-annotate": "storylens.analyze; import storylens.pipeline; f = storylens.annotate",
    "annotate-then-analyze": "f = storylens.annotate; storylens.analyze; import storylens.pipeline",
    "stage-imported-first": "import storylens.annotate; f = storylens.annotate",
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_annotate_is_callable_in_any_import_order(order: str) -> None:
    code = (
        "import storylens\n"
        f"{ORDERS[order]}\n"
        "from storylens.records import Annotation\n"
        "assert f is storylens.annotate\n"
        "ann = storylens.annotate('', published='2026-03-10')  # the README's call (empty: no model)\n"
        "assert isinstance(ann, Annotation), type(ann)\n"
        "import storylens.annotate as stage  # the stage stays importable both ways\n"
        "from storylens.annotate import annotate_articles\n"
        "assert stage.annotate_articles is annotate_articles\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(SRC)}, timeout=120)
    assert done.returncode == 0, done.stderr


def test_unknown_attribute_is_an_attribute_error() -> None:
    import storylens

    with pytest.raises(AttributeError):
        storylens.no_such_thing  # noqa: B018
