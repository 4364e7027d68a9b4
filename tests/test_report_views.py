"""Display helpers shared by the Markdown and HTML reports."""

from __future__ import annotations

import pytest

from storylens.report.views import as_excerpt


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('The water came at night," the mayor said.', '"… The water came at night," the mayor said.'),
        ("the barn was gone,” she said.", "“… the barn was gone,” she said."),
        ('"Nobody was warned.', '"Nobody was warned. …"'),
        ("“We want answers.", "“We want answers. …”"),
        ("“The dam held,” he said.", "“The dam held,” he said."),
        ('Placards read "Our port, our jobs", he said.', 'Placards read "Our port, our jobs", he said.'),
        ("No quotation here.", "No quotation here."),
    ],
)
def test_a_piece_of_a_longer_quotation_gets_its_marks_back(text, shown):
    assert as_excerpt(text) == shown
