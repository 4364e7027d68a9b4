"""Story titles: a headline when an article has one, else a phrase that stands on its own."""

from __future__ import annotations

import pytest

from storylens.group import one_story
from storylens.records import Article
from storylens.titles import TITLE_CHARS, shorten, story_title, title_from_text


def article(text: str, title: str | None = None, ident: str = "a") -> Article:
    return Article(id=ident, source=f"{ident}.txt", outlet=f"outlet-{ident}", text=text, title=title)


LONG_LEAD = (
    "PORT HALDEN (Meridian Wire) — A ferry carrying 240 passengers ran aground off the north "
    "pier on Tuesday, stranding commuters for six hours in heavy fog before tugs pulled it free."
)


def test_the_first_article_with_a_headline_names_the_story() -> None:
    untitled = article(LONG_LEAD, ident="a")
    titled = article("The ferry ran aground on Tuesday, officials said.", "Ferry runs aground", "b")
    assert story_title([untitled, titled]) == "Ferry runs aground"
    assert one_story([untitled, titled]).title == "Ferry runs aground"


def test_without_a_headline_the_lead_gives_a_clause_not_a_cut_sentence() -> None:
    title = story_title([article(LONG_LEAD)])
    assert title == "A ferry carrying 240 passengers ran aground off the north pier on Tuesday"
    assert "…" not in title and "PORT HALDEN" not in title


def test_furniture_before_the_lead_is_skipped() -> None:
    text = (
        "Photo: Mira Solberg/Harbour Ledger\n\nSkip to main content\n\n"
        "The council approved a new ferry timetable on Monday."
    )
    assert title_from_text(text) == "The council approved a new ferry timetable on Monday"


def test_an_aside_and_a_fronted_clause_are_left_out() -> None:
    sentence = (
        "When the fog lifted on Tuesday morning, Lena Moor, who has led the harbour council "
        "since 2019, said the ferry company would pay for every stranded commuter's taxi home."
    )
    assert shorten(sentence) == (
        "Lena Moor said the ferry company would pay for every stranded commuter's taxi home"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The harbour council voted unanimously on Monday night to spend an extra twelve million on "
        "flood defences for the lower town and the old pier district",
        "Commuters who had waited in the terminal for more than six hours in the fog were given "
        "vouchers and blankets by volunteers from the harbour church",
    ],
)
def test_a_word_cut_never_splits_a_word_or_ends_on_a_function_word(sentence: str) -> None:
    title = shorten(sentence)
    assert len(title) <= TITLE_CHARS
    assert sentence.startswith(title)
    assert sentence[len(title)] == " "  # cut between words
    assert title.split()[-1].lower() not in {"the", "and", "of", "for", "in", "on", "by", "to"}
    assert not title.endswith(("…", "..."))


def test_a_short_lead_is_kept_whole_without_its_full_stop() -> None:
    assert title_from_text("VELMORA, Ont. — Ten people were hurt in the crash.") == (
        "Ten people were hurt in the crash"
    )


def test_a_furniture_headline_is_passed_over() -> None:
    stamped = article("The council approved a new ferry timetable on Monday.", "3 years ago", "a")
    titled = article("Ferries will run every twenty minutes from May.", "New ferry timetable", "b")
    assert story_title([stamped, titled]) == "New ferry timetable"
    assert story_title([stamped]) == "The council approved a new ferry timetable on Monday"


def test_no_prose_at_all_falls_back() -> None:
    assert story_title([article("___\n\nAdvertisement")]) == "Story"


@pytest.mark.parametrize(
    ("lead", "title"),
    [
        (
            "Ambassador Halvorsen will be in Geneva for several rounds of meetings to address the rapidly "
            "worsening situation on the border, the ministry said.",
            "Ambassador Halvorsen will be in Geneva for several rounds of meetings",
        ),
        (
            "A suburban teacher accused of having a secret relationship with a student sent him more than "
            "2,400 text messages over several months according to court papers",
            "A suburban teacher accused of having a secret relationship",
        ),
        (
            'A former elementary school teacher in Springfield is accused of being "obsessed" with one of her '
            "pupils and sending him thousands of messages, police said.",
            'A former elementary school teacher in Springfield is accused of being "obsessed"',
        ),
    ],
)
def test_a_long_lead_is_cut_where_a_phrase_begins(lead, title):
    assert shorten(lead) == title


def test_a_lead_that_fits_whole_beats_one_cut_between_words() -> None:
    """The most central article's lead would be cut mid-phrase ("... might only register");
    another article's lead fits whole, and names the story."""
    rambling = article(
        "The Meridian Council's lawsuit against the harbour ferry company over the north pier contract might "
        "only register as a footnote in a long year of disputes about the waterfront and its many owners.",
        ident="a",
    )
    plain = article(
        "Ansel Varga, whose firm runs the ferry, filed a reply in the Port Halden court on Tuesday. "
        "The case will be heard in May.",
        ident="b",
    )
    assert story_title([rambling, plain]) == (
        "Ansel Varga, whose firm runs the ferry, filed a reply in the Port Halden court on Tuesday")
    assert title_from_text(rambling.text, cut=0) == ""
    assert story_title([rambling]).startswith("The Meridian Council's lawsuit")  # alone, it is cut


def test_a_fronted_clause_is_kept_when_the_rest_points_back_into_it() -> None:
    from storylens.titles import CLAUSE, WHOLE, shorten

    lead = ("Hours after police arrested and charged the harbour master Ruth Okello with fraud, "
            "her lawyer insisted there was more to the story.")
    assert shorten(lead, cut=WHOLE) == ""  # not "Her lawyer insisted there was more to the story"
    assert "Ruth Okello" in shorten(lead, cut=CLAUSE)
    named = ("Hours after the dam burst in the valley above the town on Monday, the county "
             "prefecture ordered every village below it to be evacuated.")
    assert shorten(named, cut=WHOLE).startswith("The county prefecture ordered")


def test_a_heading_the_other_reports_never_speak_of_does_not_name_the_story() -> None:
    """A paper's section heading read as a plain text's headline is not the story's name."""
    paper = article("The pier's pilings were surveyed in 2019 and found sound.", "Methods and sampling", "a")
    wire = article(LONG_LEAD, ident="b")
    other = article("Tugs pulled the ferry free of the north pier after six hours.", "Ferry freed", "c")
    assert story_title([paper, wire, other]) == "Ferry freed"
    assert story_title([paper, wire]) != "Methods and sampling"  # a lead names it instead
    assert story_title([paper]) == "Methods and sampling"  # alone, it is all there is


def test_a_cut_between_words_that_leaves_a_relative_clause_gives_way() -> None:
    """Cut between words, "A harbour pilot who has a reputation" stops inside its clause; the
    next article's cut names the story without one."""
    relative = article(
        "A harbour pilot who has a reputation for bringing ships in through the worst of the winter storms "
        "was honoured in Port Halden by the council and the ferry company on Tuesday afternoon.",
        ident="a",
    )
    plain = article(
        "The Port Halden council honoured the harbour pilot Ruth Okello at a ceremony on the north pier "
        "attended by the ferry company, the coastguard and hundreds of townspeople on Tuesday afternoon.",
        ident="b",
    )
    title = story_title([relative, plain])
    assert title.startswith("The Port Halden council honoured") and " who " not in title
    assert story_title([relative]).startswith("A harbour pilot who")  # alone, it is all there is


def test_a_lead_that_opens_on_a_pronoun_gives_way() -> None:
    """"She asked the pilot to wait" names no one; another article's lead names the story."""
    pronoun = article("She asked the harbour pilot to wait for the tide before the ferry left.", ident="a")
    named = article(
        "The Port Halden ferry ran aground on the north pier on Tuesday, the coastguard said. "
        "Nobody was hurt.",
        ident="b",
    )
    assert story_title([pronoun, named]).startswith("The Port Halden ferry ran aground")
    assert story_title([pronoun]).startswith("She asked")  # alone, it is all there is
