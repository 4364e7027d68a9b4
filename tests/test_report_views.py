"""Display helpers shared by the Markdown and HTML reports."""

from __future__ import annotations

import pytest

from storylens.records import Quote
from storylens.report.views import as_excerpt, quoted_text, shown_quotes


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


@pytest.mark.parametrize(
    ("text", "direct", "shown"),
    [
        ("The levee will hold", True, "“The levee will hold”"),
        ("“The levee will hold,” ", True, "“The levee will hold,”"),
        ('"We were never told"', True, '"We were never told"'),
        ("“Nobody came,” by the villagers' count", True, "“Nobody came,” by the villagers' count"),
        ('that "no early release" would follow', True, 'that "no early release" would follow'),
        ("that the levee would hold", False, "that the levee would hold"),
    ],
)
def test_a_direct_quotation_is_marked_once(text, direct, shown):
    assert quoted_text(text, direct) == shown


def _quote(speaker, start, end, article="a1", cue="said"):
    return Quote(speaker=speaker, cue=cue, text="x" * (end - start), direct=False, article_id=article,
                 start=start, end=end)


def test_a_report_nested_in_a_wider_one_by_the_same_speaker_is_not_listed_twice():
    # "The harbour master refused to say how many ships were turned away": "refused" (10-60)
    # and "say" (17-60) inside its content.
    wider = _quote("Harbour Master", 10, 60, cue="refused")
    inner = _quote("Harbour Master", 17, 60, cue="say")
    other_speaker = _quote("Union", 20, 40)  # nested report of someone else: kept
    other_article = _quote("Harbour Master", 17, 60, article="a2")
    same_span = _quote("Harbour Master", 70, 90)
    twin = _quote("harbour master", 70, 90, cue="added")  # same span twice: neither hides the other
    unnamed = _quote(None, 12, 30)
    shown = shown_quotes([wider, inner, other_speaker, other_article, same_span, twin, unnamed])
    assert shown == [wider, other_speaker, other_article, same_span, twin, unnamed]


def test_only_reports_of_saying_are_listed_as_quotes():
    said = _quote("Port Authority", 0, 20, cue="said")
    according = _quote("Port Authority", 30, 50, cue="according to")
    denied = _quote("Police", 60, 80, cue="denied")
    discussed = _quote("Two ministers", 90, 120, cue="discussed")
    showing = _quote("The survey", 130, 150, cue="showing")
    assert shown_quotes([said, according, denied, discussed, showing]) == [said, according, denied]
