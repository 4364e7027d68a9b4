"""The learned cue classifier, on fictional sentences of our own."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storylens.annotate.cuemodel import FEATURE_VERSION, CueModel, load_cue_model
from storylens.lexicon.quotes import inside_quote, quotation_spans

pytest.importorskip("spacy")

from storylens.annotate import _nlp, annotate  # noqa: E402
from storylens.annotate import attributions as attr  # noqa: E402


def _cues(text: str) -> dict[str, object]:
    return {a.cue.text: a for a in annotate(text).attributions}


def test_the_shipped_model_loads():
    model = load_cue_model()
    assert model is not None and 0 < model.keep < 1 and 0 < model.add < 1
    assert len(model.weights) > 1000


def test_a_cue_verb_outside_every_lexicon_is_found():
    assert "quip" not in attr.CUE_LEMMAS and "herald" not in attr.CUE_LEMMAS
    item = _cues("The union leader quipped that the talks were going nowhere.")["quipped"]
    assert item.source.text == "The union leader"
    assert item.content.text.startswith("that the talks were going nowhere")
    item = _cues("Mayor Okafor heralded the harbour deal as a turning point for the city.")["heralded"]
    assert item.speaker == "Okafor" or "Okafor" in item.source.text
    assert "harbour deal" in item.content.text


def test_the_rules_alone_do_not_find_it():
    doc = _nlp()("The union leader quipped that the talks were going nowhere.")
    assert not attr.find_attributions(doc, attr.RULES_ONLY)
    assert [f.rule for f in attr.find_attributions(doc)] == ["learned"]


@pytest.mark.parametrize("text", [
    "The storm ensured that the harbour stayed closed for a week.",
    "The delay proves that the plan was flawed.",
    "The new rule means that ferries will leave earlier.",
])
def test_a_non_reporting_verb_with_a_clause_is_no_cue(text):
    assert not annotate(text).attributions


def test_a_plain_report_is_kept():
    item = _cues("Okafor said the harbour would reopen on Monday.")["said"]
    assert item.source.text == "Okafor" and item.content.text == "the harbour would reopen on Monday"


def test_a_denial_inside_another_report_is_kept():
    text = ("The ministry said 40 fighters were killed near the dam, while the rebels denied the losses and "
            "said the army had shelled a market.")
    denial = _cues(text)["denied"]
    assert denial.polarity == "denies" and denial.source.text == "the rebels"


def test_model_json_round_trip_and_version_check(tmp_path):
    model = CueModel(weights={"l=say": 2.0, "src=none": -1.0}, bias=-0.5, keep=0.4, add=0.6)
    path = tmp_path / "cue.json"
    path.write_text(json.dumps(model.to_json()))
    assert load_cue_model(path) == model
    stale = dict(model.to_json(), feature_version=FEATURE_VERSION + 1)
    with pytest.raises(ValueError):
        CueModel.from_json(stale)
    assert load_cue_model(tmp_path / "absent.json") is None


_FEATURE = st.sampled_from([f"f{i}" for i in range(12)])


@given(weights=st.dictionaries(_FEATURE, st.floats(-50, 50)), bias=st.floats(-5, 5),
       features=st.lists(_FEATURE, max_size=12), extra=_FEATURE)
def test_scores_are_probabilities_and_monotone(weights, bias, features, extra):
    model = CueModel(weights=weights, bias=bias, keep=0.5, add=0.5)
    base, more = model.probabilities([features, features + [extra]])
    assert 0.0 <= base <= 1.0 and 0.0 <= more <= 1.0
    if weights.get(extra, 0.0) >= 0:
        assert more >= base
    else:
        assert more <= base


def _proposals(text: str) -> dict[str, object]:
    """The classifier's proposals (before it judges them), by cue text."""
    return {text[item.cue[0]:item.cue[1]]: item for item, _ in attr.cue_candidates(_nlp()(text))}


def test_a_copular_adjective_is_proposed_to_the_classifier():
    text = "Council member Ana Ruiz was sharply critical of the harbour budget."
    item = _proposals(text)["was sharply critical of"]
    assert item.rule == "adjective" and not item.denies
    assert text[item.source[0]:item.source[1]] == "Council member Ana Ruiz"
    assert text[item.content[0]:item.content[1]] == "the harbour budget"
    doc = _nlp()(text)  # the rules alone never propose it
    assert not attr.find_attributions(doc, attr.RULES_ONLY)


def test_an_adjective_without_a_complement_is_no_proposal():
    assert not any(item.rule == "adjective" for item in _proposals("The ferry was late again.").values())


def test_a_prepositional_complement_is_read_for_the_classifier_only():
    text = "The mayor marveled at the size of the crowd."
    item = _proposals(text)["marveled"]
    assert text[item.content[0]:item.content[1]] == "at the size of the crowd"
    assert text[item.source[0]:item.source[1]] == "The mayor"
    # the lexicon rules keep their narrower reading
    assert attr._complement_extent(_nlp()(text)[2]) is None


def test_a_reporting_verb_after_a_mispaired_quotation_is_proposed():
    text = ('Officials used the phrase "safe harbour. "We will rebuild," Mayor Lena Ortiz said. '
            '"Nobody leaves."')
    quotes = quotation_spans(text)
    said = text.index("said")
    assert inside_quote(said, quotes)  # the quotation pairing is off by one mark
    item = _proposals(text)["said"]
    assert text[item.source[0]:item.source[1]] == "Mayor Lena Ortiz"
    assert not any(f.cue[0] == said for f in attr.find_attributions(_nlp()(text), attr.RULES_ONLY))
