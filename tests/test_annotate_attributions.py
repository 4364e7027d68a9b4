"""Attribution patterns added in session 2, each on a fictional sentence of our own."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

from storylens.annotate import annotate  # noqa: E402


def _by_cue(text: str, cue: str):
    found = [a for a in annotate(text).attributions if a.cue.text.startswith(cue)]
    assert found, f"no attribution with cue {cue!r} in {[a.cue.text for a in annotate(text).attributions]}"
    return found[0]


def test_headline_colon_names_the_speaker():
    text = "Mayor Ruiz: Harbor Deal Will Save 400 Jobs\n\nThe deal was signed on Friday."
    item = _by_cue(text, ":")
    assert item.source.text == "Mayor Ruiz"
    assert item.content.text.startswith("Harbor Deal Will Save 400 Jobs")


def test_section_labels_are_not_speakers():
    text = "The Latest: Harbor strike enters its third day\n\nEditor's Note: This story has been updated."
    assert not [a for a in annotate(text).attributions if a.cue.text == ":"]


def test_lead_in_colon_before_a_quotation():
    text = "Continued Okafor: “The cranes will stay idle until the rules change.”"
    item = _by_cue(text, ":")
    assert "Okafor" in item.source.text and item.direct


def test_interjected_speaker_in_mid_sentence():
    item = _by_cue("In her district, Okafor said, three clinics are closing this winter.", "said")
    assert item.source.text == "Okafor"
    assert "three clinics are closing" in item.content.text


def test_title_before_a_name_does_not_end_the_sentence():
    text = "“The port is open again,“ said Rep. Dana Whitfield (D-Ore.). She left at noon."
    ann = annotate(text)
    assert ann.sentences[0].text.endswith("(D-Ore.).")
    item = _by_cue(text, "said")
    assert "Whitfield" in item.source.text and item.direct
    assert item.content.text.startswith("“The port is open again")


def test_passive_cue_takes_the_by_agent_as_source():
    item = _by_cue("The closure of the east terminal was announced by the harbor authority on Monday.", "announced")
    assert item.source is not None and item.source.text == "the harbor authority"


def test_passive_expectation_has_no_named_source():
    item = _by_cue("The strike is widely expected to end before the holidays.", "expected")
    assert item.source is None


def test_nominal_cue_with_possessive_source():
    item = _by_cue("The union's criticism that the ministry ignored safety rules grew louder.", "criticism")
    assert item.source.text == "The union"
    assert item.content.text == "that the ministry ignored safety rules"


def test_seem_is_an_impression_without_a_source():
    item = _by_cue("The negotiations seemed to be stalling by Thursday evening.", "seemed")
    assert item.source is None and "The negotiations" in item.content.text


def test_light_verb_with_speech_noun():
    item = _by_cue("Senator Lyle took aim at the port authority over the delays.", "took")
    assert item.source.text == "Senator Lyle" and item.cue.text.startswith("took aim at")
    assert item.content.text.startswith("the port authority")


def test_poll_frame_is_the_source_of_its_clause():
    # The frame rule's proposal; since annotate-7 the cue classifier judges it (on this sentence it
    # scores just under the keep threshold, so the test reads the rules' own output).
    from storylens.annotate import _nlp
    from storylens.annotate.attributions import RULES_ONLY, find_attributions

    text = "In a Harbor Weekly poll, the mayor led her rival by 12 points."
    frames = [f for f in find_attributions(_nlp()(text), RULES_ONLY) if f.rule == "frame"]
    assert len(frames) == 1
    assert text[slice(*frames[0].source)] == "a Harbor Weekly poll"
    assert text[slice(*frames[0].content)].startswith("the mayor led her rival by 12 points")


def test_hoped_is_a_cue_despite_the_lemma():
    item = _by_cue("Okafor hoped the talks would resume next week.", "hoped")
    assert item.source.text == "Okafor"


def test_report_inside_a_report_is_part_of_its_content():
    ann = annotate("Okafor said the ministry claimed the cranes were safe.")
    assert [a.cue.text for a in ann.attributions] == ["said"]
    assert "claimed the cranes were safe" in ann.attributions[0].content.text


def test_contrasting_denial_keeps_its_own_attribution():
    text = ("The ministry said that 12 workers were hurt in the collapse, while the union denied "
            "that any safety rule had been broken.")
    denial = _by_cue(text, "denied")
    assert denial.polarity == "denies" and denial.source.text == "the union"
    said = _by_cue(text, "said")
    assert "denied" not in said.content.text


def test_second_said_keeps_the_first_speaker():
    text = "Okafor said the new cranes had cut delays and said that the port would hire 40 workers."
    second = [a for a in annotate(text).attributions if "hire 40 workers" in a.content.text]
    assert second and second[0].source.text == "Okafor"


def test_speaker_of_a_participle_after_a_preposition():
    item = _by_cue("The mayor began by saying that the budget was balanced.", "saying")
    assert item.source.text == "The mayor"


def test_speaker_through_more_likely_to_say():
    # The span logic's proposal; since annotate-8 the cue classifier also weighs the copular
    # "were more likely" around it and scores this "say" under the keep threshold (PolNeAR marks
    # the whole "were more likely to say" as the cue), so the test reads the proposal itself.
    from storylens.annotate import _nlp
    from storylens.annotate.attributions import cue_candidates

    text = "Younger dockworkers were more likely to say the strike should go on."
    says = [item for item, _ in cue_candidates(_nlp()(text)) if text[slice(*item.cue)] == "say"]
    assert len(says) == 1 and says[0].rule == "verb"
    assert text[slice(*says[0].source)] == "Younger dockworkers"
    assert text[slice(*says[0].content)] == "the strike should go on"


def test_unnamed_asker_and_a_one_word_answer():
    ann = annotate("Asked if the talks had failed, the minister said no.")
    asked = [a for a in ann.attributions if a.cue.text == "Asked"]
    assert asked and asked[0].source is None and asked[0].content.text == "if the talks had failed"
    said = [a for a in ann.attributions if a.cue.text == "said"]
    assert said and said[0].content.text == "no" and said[0].source.text == "the minister"


def test_thought_verb_interjected_mid_sentence():
    item = _by_cue("Such delays, the engineers believe, will double the cost of the bridge.", "believe")
    assert item.source.text == "the engineers" and "will double the cost" in item.content.text


def test_reportedly_marks_an_unnamed_source():
    item = _by_cue("The harbor authority is reportedly considering a second terminal.", "reportedly")
    assert item.source is None and "considering a second terminal" in item.content.text


def test_a_wire_dateline_is_not_part_of_the_source():
    item = _by_cue("VELMORA - Police said on Tuesday that the harbour gates would reopen at noon.", "said")
    assert item.source.text == "Police"
    assert item.speaker is None or "VELMORA" not in item.speaker


def test_double_apostrophe_quotation_is_direct_speech():
    text = "''We can't keep the cranes idle, not for another week,'' said Dana Whitfield, the port director."
    item = _by_cue(text, "said")
    assert "Whitfield" in item.source.text and item.direct
    assert item.content.text.startswith("''We can't keep the cranes idle")


def test_participle_describing_a_noun_is_no_cue():
    ann = annotate("Okafor denied the reported remark: “The port is finished.”")
    assert "reported" not in [a.cue.text for a in ann.attributions]
    assert "denied" in [a.cue.text for a in ann.attributions]


def test_passive_subject_is_the_reported_content():
    item = _by_cue("The closure of the terminal was never mentioned by the harbor authority.", "mentioned")
    assert item.source.text == "the harbor authority"
    assert item.content.text == "The closure of the terminal"
    item = _by_cue("The proposal was rejected by the city council on Monday.", "rejected")
    assert item.content.text == "The proposal" and item.polarity == "denies"


def test_train_learned_verbs_clarify_and_retweet():
    item = _by_cue("Okafor later clarified that the port would stay open.", "clarified")
    assert item.source.text == "Okafor" and item.content.text == "that the port would stay open"
    item = _by_cue("Ruiz retweeted the union statement within minutes.", "retweeted")
    assert item.source.text == "Ruiz" and "the union statement" in item.content.text


def test_it_after_a_report_stands_for_that_reports_source():
    # The entity tagger need not tag "The harbour authority"; "it" is still the authority, not
    # the town named in the sentence before.
    text = ("“We were never warned,” the fisherman said on the quay in Marlow Bay. "
            "The harbour authority rejected the complaint. It said that sirens had sounded twice.\n")
    reports = annotate(text, published="2024-03-12").attributions
    it_said = next(a for a in reports if a.source is not None and a.source.text == "It")
    assert it_said.speaker == "The harbour authority"


# Pronoun speakers: a person named inside someone's reported words is talked about, not speaking.
def _pronoun_speaker(text: str) -> str | None:
    pronoun = [a for a in annotate(text).attributions if a.source is not None and a.source.text.lower() in ("he", "she")]
    assert pronoun, [(a.source, a.cue.text) for a in annotate(text).attributions]
    return pronoun[-1].speaker


def test_pronoun_speaker_is_the_attorney_general_not_the_accused():
    text = ("Attorney General Jane Morrow said Tom Baker had taken money from the harbour fund for years. "
            "“This has been a very complex issue,” she said.")
    assert _pronoun_speaker(text) == "Jane Morrow"


def test_pronoun_speaker_skips_a_person_named_in_the_previous_report():
    text = ("Attorney General Jane Morrow spoke on Monday about the case against Tom Baker, who is accused "
            "of fraud.\n\n“This has been a very complex issue,” she said.")
    assert _pronoun_speaker(text) == "Jane Morrow"


def test_pronoun_speaker_prefers_the_subject_to_the_object():
    text = ("Attorney General Jane Morrow charged Tom Baker with fraud on Monday. "
            "“This has been a very complex issue,” she said.")
    assert _pronoun_speaker(text) == "Jane Morrow"


def test_pronoun_speaker_never_comes_from_its_own_quotation():
    text = "“Tom Baker took the money,” she said."
    assert _pronoun_speaker(text) != "Tom Baker"


def test_pronoun_speaker_still_follows_a_new_subject():
    text = ("Tom Baker was charged with fraud on Monday. His lawyer, Ann Lee, spoke to reporters. "
            "“He is innocent,” she said.")
    assert _pronoun_speaker(text) == "Ann Lee"


def test_speaker_is_not_taken_from_a_relative_clause_on_the_source():
    text = "“This has been a very complex issue,” said Attorney General Jane Morrow, who charged Tom Baker on Monday."
    item = _by_cue(text, "said")
    assert item.speaker == "Jane Morrow"


def test_speaker_is_never_the_quoted_words():
    for text, name in (("“Safety,” said Grimm. “Safety for the whole harbour.”", "Grimm"),
                       ("“Like Dobreni. Or Girov,” Okafor said. “The water rose in minutes.”", "Okafor")):
        item = _by_cue(text, "said")
        assert item.source.text == name, text


def test_pronoun_speaker_can_be_a_source_the_tagger_did_not_name():
    text = ("Tom Baker was charged on Monday. “This has been a very complex issue,” Morrow, the attorney "
            "general, told reporters. She said the case took two years.")
    assert _pronoun_speaker(text) == "Morrow"


def test_pronoun_denier_is_the_person_just_accused():
    text = "Attorney General Jane Morrow said Tom Baker had hidden the money. He denied it."
    assert _pronoun_speaker(text) == "Tom Baker"


def test_interjected_speaker_is_not_the_person_talked_about():
    item = _by_cue("And the mayor, said Ruiz, does not forgive a slight.", "said")
    assert item.source.text == "Ruiz"
    assert "Ruiz" not in item.content.text
