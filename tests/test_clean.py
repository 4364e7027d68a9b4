"""Cleaning: normalisation, boilerplate with reasons, language, failures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import doha_comment_prompts
from storylens.clean import (
    MIN_WORDS,
    RepeatedLines,
    article_id,
    classify_line,
    clean_document,
    clean_text,
    translation_debris,
)
from storylens.clean.boilerplate import is_prose
from storylens.clean.normalize import normalize_text
from storylens.errors import InputFailure
from storylens.lexicon.words import word_count
from storylens.records import Document

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DOHA = SHARED / "examples" / "doha-2021-08"


def doc(text: str, **fields) -> Document:
    return Document(source=fields.pop("source", "test.txt"), text=text, kind="txt", **fields)


def label(reason: str | None) -> str | None:
    return reason.split(":")[0] if reason else None


# ------------------------------------------------------------------ one line per kind

FURNITURE = {
    "comment-form": [
        "Please type your comment!",
        "Please type your name here",
        "You have entered an incorrect email address!",
        "Leave a Reply",
        "Leave a comment",
        "12 comments",
        "Comments (4)",
        "Loading comments...",
        "Your email address will not be published. Required fields are marked *",
        "Want to join the discussion?",
        "You must log in to post a comment.",
        "Tell us what YOU think...",
    ],
    "share-prompt": [
        "Share this article",
        "Share on Facebook",
        "Like this story? Share it with a friend!",
        "Facebook Twitter WhatsApp Email",
        "Follow us on Twitter and Instagram for the latest updates.",
        "Click to share on LinkedIn (Opens in new window)",
    ],
    "newsletter": [
        "Sign up for our morning newsletter.",
        "Subscribe to the Daily Brief newsletter and get the top stories in your inbox.",
        "Thanks for signing up!",
        "Get our best stories delivered to your inbox every weekday.",
        "Harbour Weekly Newsletter",
        "Subscribe now",
    ],
    "read-more": [
        "Read more: Ferry operator adds night crossings",
        "READ MORE: Mayor defends maintenance budget",
        "Also read: Inside the council's budget fight",
        "Related: Traders count the cost of detours",
        "Related stories",
        "You may also like",
        "Don't miss",
        "More from Meridian Gazette",
    ],
    "photo-credit": [
        "Photo: Tomas Reyne/Meridian Gazette",
        "Image credit: Port Halden city council",
        "(Getty Images)",
        "Tomas Reyne/AFP via Getty Images",
        "Commuters wait for a ferry at the harbour terminal. (Photo: Tomas Reyne)",
        "Photograph by Lena Moor",
    ],
    "copyright": [
        "© 2024 Meridian Gazette. All rights reserved.",
        "Copyright 2024 Harbour Media Ltd",
        "All rights reserved.",
        "This material may not be published, broadcast, rewritten or redistributed.",
    ],
    "cookie-notice": [
        "We use cookies to improve your experience on our site.",
        "By continuing to browse this site you agree to our use of cookies.",
        "This website uses cookies. Accept all cookies or manage your preferences.",
    ],
    "navigation": [
        "Home | World | Business | Sport | Weather",
        "Home » News » Port Halden",
        "Skip to main content",
        "Back to top",
        "Privacy Policy",
        "Permalink",
    ],
    "tags": ["Tags: Port Halden, Arden Bridge, transport", "Filed under: Transport"],
    "byline": ["By Ilse Marwick", "By Ilse Marwick and Joren Blaak"],
    "timestamp": [
        "Published: 14 March 2024, 09:12 GMT",
        "Updated at 1:23 p.m.",
        "March 14, 2024",
        "기사입력 : [ 2024-03-14 09:12 ]",
    ],
    "credit-line": [
        "(Reporting by Anneke Stroud; Editing by Lucas Fenwick)",
        "Lena Moor contributed reporting from Velmora.",
        "— Reuters",
        "With news agencies",
        "SOURCE: News agencies",
    ],
    "advertisement": ["Advertisement", "Story continues below advertisement"],
    "markup": ['[button link="https://example.org/submit" type="big"] Send us your story[/button]'],
    "media-player": [
        "This video is not available in your region.",
        "Your browser does not support the video tag.",
        "Please wait...",
    ],
    "ui-prompt": [
        "Click here to get the Harbour News app",
        "Send us your photos of the flood",
        "Watch the video",
        "DOWNLOAD THE APP",
    ],
    "ui-element": ["Log In", "- Close", "Next"],
}


@pytest.mark.parametrize(
    ("kind", "line"), [(kind, line) for kind, lines in FURNITURE.items() for line in lines]
)
def test_each_kind_of_furniture_is_recognised(kind: str, line: str) -> None:
    assert label(classify_line(line)) == kind, classify_line(line)


# Real sentences that mention the vocabulary of furniture must stay.
REAL_SENTENCES = [
    "Residents who subscribe to the city's text alerts will be told when the ferry service adds extra crossings, the department said.",
    "Council member Joren Blaak said in a comment posted online that the delay was a failure of basic maintenance.",
    "The regulator said websites must get consent before they use cookies to track visitors, and fined two retailers.",
    "The European Commission said it would buy 200 million doses and share them with poorer countries.",
    "Photos released by the ministry showed damage to the bridge supports on Tuesday.",
    "Published in 1999, the report warned that the bridge would need new supports within 25 years.",
    "Reuters reported on Monday that the talks had stalled over the question of prisoner releases.",
    '"Read more, argue less," the mayor told students at the harbour school on Friday.',
    "Share prices of the ferry operator rose 4 percent after the closure was announced.",
    "Follow-up inspections of the Arden Bridge are scheduled for April, the engineers said.",
    "Mazar-i-Sharif battles",
    "Civilians in the eye of the storm",
    "A spokesperson for the mayor said the budget for repairs had been approved in 2021.",
    "The Taliban now controls 6 of the capitals of the 34 Afghan provinces.",
    "Tell them we are coming, he said.",
    "Home prices in the harbour district fell 3 percent last year.",
    "US FALLS BEHIND ON BRIDGE REPAIRS",
    "Click, the new ferry ticketing app, crashed twice on Wednesday, the operator said.",
    "It's a clichÃ© that the harbour never sleeps, but on Wednesday night it was silent.",
    "Pause.",
]


@pytest.mark.parametrize("line", REAL_SENTENCES)
def test_real_sentences_with_furniture_words_are_kept(line: str) -> None:
    assert classify_line(line) is None


def test_fixture_page_keeps_every_real_sentence_and_explains_every_removal() -> None:
    page = (FIXTURES / "bridge_closure_page.txt").read_text()
    sentences = (FIXTURES / "bridge_closure_sentences.txt").read_text().splitlines()
    text, removed = clean_text(page)
    kept = text.split("\n\n")
    assert kept == [s for s in normalize_text(page) if s in sentences]
    assert sorted(kept) == sorted(sentences)
    assert len(removed) == len(normalize_text(page)) - len(kept)
    kinds = {label(r.reason) for r in removed}
    assert {
        "navigation",
        "byline",
        "timestamp",
        "photo-credit",
        "read-more",
        "share-prompt",
        "newsletter",
        "tags",
        "copyright",
        "cookie-notice",
        "comment-form",
    } <= kinds
    for record in removed:
        assert re.match(r"^[a-z-]+: \S", record.reason), record.reason


def test_comment_section_after_header_in_second_half_is_removed() -> None:
    body = [
        f"Paragraph {i} of the report says the ferry added {i} extra crossings on Monday."
        for i in range(8)
    ]
    comments = [
        "3 comments",
        "Great reporting, thanks.",
        "I take this ferry every day and it was fine!",
    ]
    text, removed = clean_text("\n".join(body + comments))
    assert text.split("\n\n") == body
    assert [label(r.reason) for r in removed] == [
        "comment-form",
        "comment-section",
        "comment-section",
    ]


def test_comments_link_near_the_start_does_not_swallow_the_article() -> None:
    body = [
        f"Paragraph {i} of the report says the ferry added {i} extra crossings on Monday."
        for i in range(6)
    ]
    text, removed = clean_text("\n".join(["941 comments", *body]))
    assert text.split("\n\n") == body
    assert len(removed) == 1


def test_related_list_under_header_is_removed_but_article_lists_stay() -> None:
    page = "\n".join(
        [
            "The council listed three conditions for reopening the bridge on Friday:",
            "- every support must be inspected",
            "- the corroded bolts must be replaced",
            "- a load test must be passed",
            "The work is expected to take at least three weeks, officials said.",
            "Don't miss",
            "- Ferry operator adds night crossings",
            "- Harbour traders count the cost of detours",
        ]
    )
    text, removed = clean_text(page)
    assert "- a load test must be passed" in text
    assert [r.text for r in removed] == [
        "Don't miss",
        "- Ferry operator adds night crossings",
        "- Harbour traders count the cost of detours",
    ]


def test_tables_are_not_navigation() -> None:
    rows = ["| Pos | Driver | Points |", "| 1 | Kyle Marsh | 5040 |", "| 2 | Dana Holt | 5033 |"]
    prose = "The standings after the final race of the season were published on Sunday evening."
    text, removed = clean_text("\n".join([prose, *rows, prose]))
    assert removed == []


def test_title_repeated_as_first_line_is_removed() -> None:
    body = "The bridge closed on Wednesday after inspectors found cracked supports, officials said."
    article = clean_document(doc(f"Arden Bridge closed\n\n{body}", title="Arden Bridge Closed"))
    assert article.text == body
    assert article.removed[0].reason.startswith("title-repeat")


# ------------------------------------------------------------------ normalisation


def test_normalisation_nfc_controls_spaces_and_paragraphs() -> None:
    raw = "Cafe\u0301 owners\u00a0met  the mayor.\x07\r\nThey\u200b asked for help.\r\n\r\n\r\n  Second   paragraph here.  "
    text, removed = clean_text(raw)
    assert text == "Café owners met the mayor.\n\nThey asked for help.\n\nSecond paragraph here."
    assert removed == []


def test_hard_wrapped_prose_is_unwrapped_into_one_paragraph() -> None:
    raw = (
        "The city of Port Halden closed the Arden Bridge to all traffic on\n"
        "Wednesday after inspectors found cracks in two of its steel supports,\n"
        "the transport department said in a statement issued late at night.\n"
        "\n"
        "About 40,000 vehicles cross the bridge each day, and officials warned\n"
        "that detours through the harbour district could add up to 45 minutes\n"
        "to commutes for people living on the northern shore of the bay.\n"
    )
    text, _ = clean_text(raw)
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The city") and paragraphs[0].endswith("late at night.")
    assert "on Wednesday" in paragraphs[0]


# ------------------------------------------------------------------ document level


def test_clean_document_sets_id_removed_and_language() -> None:
    page = (FIXTURES / "bridge_closure_page.txt").read_text()
    article = clean_document(doc(page, outlet="meridian-gazette", source="bridge.txt"))
    assert article.id == article_id("meridian-gazette", article.text)
    assert article.language == "en"
    assert article.removed and "Write your comment here!" not in article.text
    assert article.source == "bridge.txt"


def test_declared_language_is_kept() -> None:
    page = (FIXTURES / "bridge_closure_page.txt").read_text()
    assert clean_document(doc(page, language="EN-GB")).language == "en-gb"


LANGUAGE_SAMPLES = {
    "fr": "Le conseil municipal a fermé le pont mardi après la découverte de fissures dans deux piliers, a annoncé le service des transports.",
    "de": "Die Stadtverwaltung hat die Brücke am Mittwoch gesperrt, nachdem Prüfer Risse an zwei Stahlstützen entdeckt hatten.",
    "es": "El ayuntamiento cerró el puente el miércoles después de que los inspectores encontraran grietas en dos de sus soportes de acero.",
    "ru": "Городские власти в среду закрыли мост после того, как инспекторы обнаружили трещины в двух стальных опорах.",
    "ar": "أغلقت السلطات المحلية الجسر يوم الأربعاء بعد أن اكتشف المفتشون تشققات في دعامتين من دعاماته الفولاذية.",
}


@pytest.mark.parametrize(("code", "text"), sorted(LANGUAGE_SAMPLES.items()))
def test_language_is_identified(code: str, text: str) -> None:
    assert clean_document(doc(text)).language == code


def test_unclear_language_stays_unknown() -> None:
    article = clean_document(
        doc("Doha Kabul Taliban Khalilzad Kirby Milley McKenzie Atmar Taherian Kabulov 2021")
    )
    assert article.language is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n \t ", "empty"),
        ("Share this article\nLeave a Reply\nWrite your comment here!", "only boilerplate"),
        ("Bridge closed.", "too short"),
    ],
)
def test_unusable_documents_raise_input_failure(text: str, message: str) -> None:
    with pytest.raises(InputFailure) as failure:
        clean_document(doc(text, source="bad.txt"))
    assert failure.value.source == "bad.txt"
    assert message in failure.value.message


def test_minimum_is_a_handful_of_words() -> None:
    words = " ".join(["word"] * MIN_WORDS) + "."
    assert clean_document(doc(words)).text == words


# ------------------------------------------------------------------ the canonical real case


@pytest.mark.skipif(not DOHA.is_dir(), reason="../shared/examples/doha-2021-08 not present")
def test_doha_reports_lose_the_comment_form_and_no_sentence() -> None:
    prompts = doha_comment_prompts()
    removed_all = []
    for path in sorted(DOHA.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        article = clean_document(Document(source=str(path), text=raw, kind="txt"))
        for prompt in prompts:
            assert prompt not in article.text
        kept = set(article.text.split("\n\n"))
        # every paragraph that reads like a sentence survives
        for paragraph in normalize_text(raw):
            if is_prose(paragraph) or word_count(paragraph) > 12:
                assert paragraph in kept, paragraph
        # every removed line is short page furniture, not prose
        for record in article.removed:
            assert word_count(record.text) <= 12 and not is_prose(record.text), record
        assert article.language == "en"
        removed_all.extend(article.removed)
    by_text = {r.text: r.reason for r in removed_all}
    for prompt in prompts:
        assert label(by_text.get(prompt)) == "comment-form"


def test_widget_blocks_and_closing_link_lists_are_removed() -> None:
    body = [
        f"Paragraph {i} of the report says the ferry added {i} extra crossings on Monday."
        for i in range(5)
    ]
    recipe = [
        "The council published its plan for the next three weeks:",
        "- inspect every support",
        "- replace the corroded bolts",
        "- run a load test before reopening",
    ]
    kept, _ = clean_text("\n".join(body + recipe))
    assert kept.split("\n\n") == body + recipe
    widget = [
        "Harbour Weekly Newsletter",
        "Get the week's ferry news, timetables and offers.",
        "Thanks for signing up!",
        "- Ferry operator adds night crossings",
        "- Harbour traders count the cost of detours",
        "- Mayor defends maintenance budget",
    ]
    text, removed = clean_text("\n".join(body + widget))
    assert text.split("\n\n") == body
    reasons = {r.text: r.reason for r in removed}
    assert reasons["Get the week's ferry news, timetables and offers."].startswith("newsletter")
    assert reasons["- Mayor defends maintenance budget"].startswith("read-more")


def test_lines_repeated_across_an_outlets_articles_are_furniture() -> None:
    memory = RepeatedLines(min_articles=3)
    stories = [
        f"The ferry carried {n} hundred passengers on its first night crossing, the operator said."
        for n in range(4)
    ]
    articles = [
        clean_document(
            doc(f"Harbour Desk Extra\n\n{story}", outlet="meridian-gazette"), repeated=memory
        )
        for story in stories
    ]
    # the first two articles cannot know yet; from the third on the line is furniture
    assert [a.text.startswith("Harbour Desk Extra") for a in articles] == [True, True, False, False]
    assert articles[3].removed[0].reason.startswith("repeated")
    # another outlet's memory is separate, and repeated sentences are never furniture
    other = clean_document(doc(f"Harbour Desk Extra\n\n{stories[0]}", outlet="x"), repeated=memory)
    assert other.text.startswith("Harbour Desk Extra")
    assert all(story in a.text for story, a in zip(stories, articles, strict=True))


def test_translation_debris_is_flagged_not_removed() -> None:
    raw = (
        "The envoy arrived on Tuesday, days after the withdrawal of forces. American.\n\n"
        "He met Mr. Varga.\n\nThe talks ended late on Wednesday, officials said. Enjoy."
    )
    text, removed = clean_text(raw)
    assert removed == []
    spans = translation_debris(text)
    assert [word for _, _, word in spans] == ["American"]
    start, end, word = spans[0]
    assert text[start:end] == word


def test_a_drop_cap_extracted_as_its_own_paragraph_rejoins_its_word() -> None:
    from storylens.clean.normalize import normalize_text

    text = "T\n\nhe harbour ferry resumed service on Tuesday.\n\nA\n\nfter the storm, the pier reopened.\n\nI\n\nam the sea"
    assert normalize_text(text) == [
        "The harbour ferry resumed service on Tuesday.",
        "After the storm, the pier reopened.",
        "I",  # "Iam" is no word: a poem's lines stay apart
        "am the sea",
    ]
