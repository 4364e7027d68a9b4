"""``--hide-paths``: a report without the local file paths of its inputs.

A path tells who ran the analysis and where ("/home/ana/leaks/…"); a published report
should not. Each local source keeps its file name only (the name still tells a reader
which input a citation came from); URLs are kept as they are.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from storylens.records import Report
from storylens.report.views import is_local_path

# An absolute or relative directory part inside a message ("/tmp/in/a.meta.json" -> "a.meta.json").
_DIRECTORY = re.compile(r"(?<![\w:/.-])(?:[A-Za-z]:)?(?:\.{1,2}/|/|\\)?(?:[^\s/\\:'\"]+[/\\])+(?=[^\s/\\]+)")


def _file_name(source: str) -> str:
    if not is_local_path(source):
        return source
    path, hash_, fragment = source.partition("#")
    return PurePath(path.replace("\\", "/")).name + hash_ + fragment


def _strip_directories(text: str, directories: list[str]) -> str:
    for directory in directories:
        text = text.replace(directory, "")
    return _DIRECTORY.sub("", text)


def hide_paths(report: Report) -> Report:
    """The same report with every local path cut to its file name."""
    sources = [a.source for a in report.articles] + [e.source for e in report.errors]
    directories = sorted(
        {str(PurePath(s.partition("#")[0]).parent) + "/" for s in sources if is_local_path(s)} - {"./"},
        key=len,
        reverse=True,
    )
    articles = tuple(a.model_copy(update={"source": _file_name(a.source)}) for a in report.articles)
    errors = tuple(
        e.model_copy(update={"source": _file_name(e.source), "message": _strip_directories(e.message, directories)})
        for e in report.errors
    )
    notices = tuple(n.model_copy(update={"source": _file_name(n.source)}) for n in report.language_notices)
    return report.model_copy(update={"articles": articles, "errors": errors, "language_notices": notices})
