"""The pipeline runs one way: no stage module imports a later stage.

Every module under src/storylens is parsed with ``ast``, imports inside functions
included (the lazy imports that hid the backward flows), and mapped to its stage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "storylens"

# In pipeline order; a module may import its own stage or an earlier one.
STAGES: tuple[frozenset[str], ...] = (
    frozenset({"records", "errors", "lexicon", "models", "resources", "store"}),  # base layer
    frozenset({"ingest"}),
    frozenset({"clean"}),
    frozenset({"annotate"}),
    frozenset({"group", "group_across_languages", "titles"}),  # titles: a story's name, chosen when grouping forms it
    frozenset({"align"}),
    frozenset({"compare"}),
    frozenset({"synthesize"}),
    frozenset({"report"}),
    frozenset({"pipeline", "stories", "story_work", "serve", "batch", "cli", "__init__", "__main__"}),  # the top: drives the stages
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _stage(module: str) -> int:
    """The stage of ``storylens.<room>[.…]``; the package itself is the top."""
    parts = module.split(".")
    room = parts[1] if len(parts) > 1 else "__init__"
    for rank, rooms in enumerate(STAGES):
        if room in rooms:
            return rank
    raise AssertionError(f"{module}: no stage for {room!r}; add it to STAGES in {Path(__file__).name}")


def _imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every storylens module that ``path`` imports, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "storylens":  # from storylens import align
                found.extend((f"storylens.{alias.name}", node.lineno) for alias in node.names)
            else:
                found.append((target, node.lineno))
    return [(name, line) for name, line in found if name == "storylens" or name.startswith("storylens.")]


def _modules() -> list[tuple[Path, str]]:
    return [(path, _module_name(path)) for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_module_has_a_stage():
    for _, module in _modules():
        _stage(module)


@pytest.mark.parametrize("path,module", _modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_stage_imports_a_later_stage(path: Path, module: str):
    own = _stage(module)
    backward = [
        f"{module}:{line} imports {target}"
        for target, line in _imports(path, module)
        if _stage(target) > own
    ]
    assert not backward, "the flow runs one way; move the shared piece down a stage:\n" + "\n".join(backward)


def test_the_graph_test_sees_imports_inside_functions(tmp_path):
    sample = PACKAGE / "align" / "scoring.py"
    names = {name for name, _ in _imports(sample, "storylens.align.scoring")}
    assert "storylens.resources" in names  # imported lazily inside choose_embedder


def test_package_modules_take_their_package_stage():
    assert _stage("storylens.align.clusters") == _stage("storylens.align") == 5
    assert _stage("storylens.compare.facts") == _stage("storylens.compare") == 6
    assert _module_name(PACKAGE / "align" / "__init__.py") == "storylens.align"
    assert _module_name(PACKAGE / "align" / "claims.py") == "storylens.align.claims"


def test_compare_is_handed_sub_events_and_does_not_regroup():
    names = {
        name for path in sorted((PACKAGE / "compare").glob("*.py"))
        for name, _ in _imports(path, _module_name(path))
    }
    assert not any(n == "storylens.group" or n.startswith("storylens.group.") for n in names)


def test_sql_lives_in_the_store():
    for path, module in _modules():
        if module == "storylens.store":
            continue
        text = path.read_text(encoding="utf-8")
        assert ".conn." not in text and "store.conn" not in text, f"{module} runs SQL outside store.py"
