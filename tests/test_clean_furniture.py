"""Furniture that recurs across outlets: new line rules and the sentence-level check.

Every example line is written for these tests (invented outlets, people and places).
"""

from __future__ import annotations

import re

import pytest

from storylens.clean import classify_line, clean_text, is_furniture, leading_dateline


def label(reason: str | None) -> str | None:
    return reason.split(":")[0] if reason else None


LINES = {
    "advertisement": ["Story Continued Below", "Article continued below"],
    "share-prompt": [
        "Stay informed, follow the Harbour Ledger on Twitter",
        "Like us on Facebook and follow us on Instagram at @harbourledger for more.",
        "Read or Share this story: https://hl.example/3xYz",
    ],
    "newsletter": [
        "Get the Harbour Ledger's morning briefing by email and never miss a story Free Sign Up",
        "By signing up you agree to receive emails from the Harbour Ledger.",
        "You can unsubscribe at any time.",
        "The stories that matter, delivered weekday mornings.",
        "Breaking News Emails",
    ],
    "read-more": [
        "Why the ferry strike matters | Ansel Varga Read more",
        "Explore further: New ferry design cuts fuel use by a third",
        "MORE: 7 Photos From the Harbour Festival",
        "More information: Ansel Varga et al., Journal of Harbour Studies, 2023",
        "Original article on Harbour Science.",
        "4 Related",
    ],
    "photo-credit": [
        "(Mira Solberg/The Harbour Ledger)",
        "Corin Abbot / Meridian Wire",
        "Harbour League via Getty Images",
        "Image caption The mayor spoke to reporters outside the terminal on Tuesday morning.",
        "Photo illustration by the Harbour Ledger.",
        "Featured Image by Corin Abbot/Meridian Wire",
    ],
    "timestamp": ["Last updated at 6:04 PM on 20th October 2011", "3 years ago", "an hour ago"],
    "tags": ["This article tagged under: Transport"],
    "credit-line": [
        "With Ansel Varga, Mira Solberg, Corin Abbot and Lena Moor",
        "Meridian Wire writers Ansel Varga in Velmora and Mira Solberg, Corin Abbot, Lena Moor "
        "and Tomas Reyne in Port Halden contributed to this report.",
        "Varga reported from Velmora.",
    ],
    "byline": ["/ Updated By Mira Solberg"],
    "media-player": [
        "Please turn on JavaScript.",
        "Media requires JavaScript to play.",
        "Skip in Skip x Embed x Share The council met on Tuesday to discuss the ferry timetable.",
        "Embed Share Harbour flood <iframe src=x> autoplay autoplay Copy this code to your site",
        "WARNING: This video contains graphic images some viewers may find disturbing",
    ],
    "author-contact": ["Call Ledger reporter Mira Solberg at (555) 010-4477."],
    "disclaimer": ["The views expressed by this author are their own and not those of the Ledger."],
    "update-note": [
        "Stay with the Harbour Ledger for the latest on this developing story.",
        "Updates will be provided as they become available.",
        "This is a developing story.",
    ],
    "comment-form": ["Let us know in the comments or write to the editor at letters at ledger."],
    "ui-element": ["Follow"],
    "ui-prompt": [
        "Send us your images or video.",
        "Visit harbourmuseum.org for more information.",
    ],
}


@pytest.mark.parametrize(
    ("kind", "line"), [(kind, line) for kind, lines in LINES.items() for line in lines]
)
def test_recurring_furniture_lines_are_removed(kind: str, line: str) -> None:
    assert label(classify_line(line)) == kind


PROSE = [
    # article sentences that share words with the rules above
    "The mayor said she would follow the council's advice on the ferry timetable.",
    "Varga said the vote had been delayed three years ago by a flood.",
    "With the ferry out of service, commuters waited for two hours at the terminal.",
    "Officials told residents to call the hotline if they saw flooding on their street.",
    "The photograph of the flooded terminal was shared thousands of times on Tuesday.",
    "The story continued below the surface: investigators found the hull had cracked in 2019.",
    "More than 300 people signed up for the volunteer clean-up on Saturday.",
    "He reported from the front line for twenty years before joining the council.",
    "The council will share the cost with the regional government, officials said.",
    "Readers can read more about the plan in the council's published report.",
    "Stay-at-home orders were lifted on Monday.",
]


@pytest.mark.parametrize("line", PROSE)
def test_prose_is_kept(line: str) -> None:
    assert classify_line(line) is None
    assert is_furniture(line) is None


def test_a_promo_sentence_in_a_long_paragraph_does_not_take_the_paragraph() -> None:
    paragraph = (
        "The harbour festival drew more than 40,000 visitors on its opening weekend, organisers "
        "said, and the ferry company added six night crossings to carry them home. "
        "Follow us on Twitter for more live coverage of the festival."
    )
    text, removed = clean_text(paragraph)
    assert text == paragraph and not removed
    sentence = "Follow us on Twitter for more live coverage of the festival."
    assert label(is_furniture(sentence)) == "share-prompt"


SENTENCES = {
    "dateline": ["PORT HALDEN (Meridian Wire)", "VELMORA, Ont.", "LAKE ARDEN, Wis. —"],
    "photo-credit": [
        "(Reuters)",
        "(via Instagram)",
        "(harbourcouncil.example.org)",
        "(2:47)",
        "(AFP...",
        "Corin Abbot/Harbour Ledger",
        "Credit Mira Solberg/The Harbour Ledger",
    ],
    "caption": [
        "FILE - In this Jan. 4, 2019, file photo, the mayor of Port Halden speaks at a briefing.",
        "In this image released by the harbour council, a ferry leaves the terminal.",
        "A 2015 photo of Ansel Varga when he was a council member.",
        "Photograph from the 2016 survey, with the old pier in the background.",
        "A rendering of the planned terminal.",
        "Figure 3: Water levels at the harbour gauge, 2010-2020.",
        "Mayor Lena Moor, left, speaks with residents at the terminal on Tuesday.",
        "From left, Ansel Varga, Mira Solberg and Corin Abbot pose at the opening.",
        "Image The mayor of Port Halden at a briefing on Tuesday.",
        "Flood warning: Residents of the lower town were told to leave their homes on Monday night",
        "CORRECTS SPELLING OF NAME Mayor Lena Moor at the terminal.",
        "Actress Mira Solberg poses for photographers on the red carpet at the Harbour Film Festival.",
        "Corin Abbot, 71, uncle of the ferry's captain, talks about the night of the storm",
    ],
    "embed": ["#HarbourFest — Lena Moor (@lenamoor) June 3, 2023"],
    "pull-quote": ["— Harbour historian Ansel Varga"],
    "teaser": ["Lena Moor, the mayor of Port Halden, is suing the..."],
    "inset": ["[Harbour Ledger]", "[h/t Meridian Wire, Photo: Harbour Council]"],
    "empty": ["___", "T"],
    "advertisement": ["Story Continued Below"],
    "heading": ["HARBOUR MUSEUM OF MARITIME HISTORY (HMMH.ORG)", "MORE FROM THE LEDGER"],
}


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [(kind, sentence) for kind, sentences in SENTENCES.items() for sentence in sentences],
)
def test_furniture_sentences(kind: str, sentence: str) -> None:
    assert label(is_furniture(sentence)) == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "A photo of the mayor was shown on the screen at the terminal.",
        "In an interview with the Ledger over video chat, the mayor said the ferry would run.",
        "Lena Moor, who leads the council, said the vote would go ahead.",
        ".”",
        "“We will rebuild,” she said...",
        "The image of a flooded terminal reverberated around the region on Tuesday.",
        "The mayor posed for photographers before the vote on Tuesday.",
        "“I pose for pictures with every visitor,” the ferry captain said.",
        "Corin Abbot, 71, the captain's uncle, talks about the storm to anyone who will listen.",
        "Lena Moor, the mayor, talked about the night of the storm on Tuesday",
        "NATO SAID NO.",
        "“WE WILL REBUILD THE PIER”",
        "Velmora coroner: Autopsies show both died of asphyxiation. https://t.example/x — "
        "Mira Solberg (@msolberg) September 27, 2016",
    ],
)
def test_prose_sentences_are_not_furniture(sentence: str) -> None:
    assert is_furniture(sentence) is None


def test_leading_dateline() -> None:
    text = "PORT HALDEN (Meridian Wire) — The ferry resumed service on Tuesday."
    assert text[leading_dateline(text) :] == "The ferry resumed service on Tuesday."
    assert leading_dateline("VELMORA, Ont. — Ten people were hurt.") == len("VELMORA, Ont. — ")
    assert leading_dateline("The ferry resumed service on Tuesday.") == 0
    assert leading_dateline("NATO - the alliance met on Friday.") == 0


def test_a_caption_paragraph_is_a_caption_throughout() -> None:
    from storylens.clean import caption_sentences

    def spans(text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in re.finditer(r"[^\n.]+[.)]?", text) if m.group().strip()]

    text = (
        "FILE - In this May 2, 2019, file photo, Mayor Lena Moor arrives at the terminal. Moor, who "
        "leads the council, is suing the ferry company over the contract. (Meridian Wire)\n"
        "The harbour ferry resumed service on Tuesday after a week of repairs.\n"
        "A ferry is loaded at the Port Halden terminal on June 6. The council says the new boats cut fuel "
        "use by a third. CORIN ABBOT / Harbour Ledger\n"
        "Credit: Mira Solberg, Harbour University The council voted on Monday to buy two more boats.\n"
        "The council met on Monday. It voted to buy two boats. Residents cheered. The mayor left early. "
        "(Meridian Wire)\n"
    )
    found = spans(text)
    captions = {text[found[k][0] : found[k][1]].strip() for k in caption_sentences(text, found)}
    assert "Moor, who leads the council, is suing the ferry company over the contract." in captions
    assert "The council says the new boats cut fuel use by a third." in captions
    assert "The harbour ferry resumed service on Tuesday after a week of repairs." not in captions
    # a credit run on into prose marks nothing before it in its own paragraph but itself
    assert not any("voted on Monday to buy two more" in c for c in captions)
    # four sentences before a credit are prose (a caption is shorter)
    assert "The council met on Monday." not in captions
    assert is_furniture("A photo from the 2016 survey, with the old pier behind the new one.")
    assert is_furniture("A photo from the 2016 survey was shown to the council on Monday.") is None


def test_a_sentence_before_a_running_time_describes_a_video() -> None:
    from storylens.clean import caption_sentences

    text = (
        "Harbour analyst Corin Abbot explains the footage of the collision at the pier. (3:31)\n"
        "The harbour ferry hit the pier on Saturday. (Mira Solberg/Harbour Ledger)\n"
    )
    first = (0, text.index(" (3:31)"))
    second = (text.index("(3:31)"), text.index("\n"))
    third = (text.index("The harbour ferry"), text.index(" (Mira"))
    fourth = (text.index("(Mira"), len(text) - 1)
    assert caption_sentences(text, [first, second, third, fourth]) == {0}


def test_a_sentence_in_the_present_before_a_credit_describes_a_picture() -> None:
    from storylens.clean import caption_sentences

    text = (
        "Corin Abbot, 71, uncle of the ferry's captain, talks about the storm and \"the boat he loved.\" "
        "(Mira Solberg/Harbour Ledger)\n"
        "Councillor Lena Moor says she will oppose the ferry contract. (council.example)\n"
        "The harbour ferry hit the pier on Saturday. (Mira Solberg/Harbour Ledger)\n"
    )
    found = [(m.start(), m.end()) for m in re.finditer(r"[^\n(]+|\([^)]*\)", text) if m.group().strip()]
    captions = {text[found[k][0]:found[k][1]].strip() for k in caption_sentences(text, found)}
    assert any(c.startswith("Corin Abbot, 71") for c in captions)
    assert "Councillor Lena Moor says she will oppose the ferry contract." in captions
    # in the past tense it states a fact in the outlet's voice: prose
    assert "The harbour ferry hit the pier on Saturday." not in captions
