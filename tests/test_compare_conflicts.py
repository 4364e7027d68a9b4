"""Contradictions: a negation conflicts only with a claim stating what it negates."""

from __future__ import annotations

from storylens.compare import _contradiction
from storylens.records import Claim


def _claim(text: str, article_id: str) -> Claim:
    return Claim(id=f"c-{article_id}", article_id=article_id, start=0, end=len(text), text=text)


def test_a_negation_contradicts_the_statement_it_negates() -> None:
    denied = _claim("The harbour master said the crane had not been inspected since 2019.", "a")
    stated = _claim("The harbour master said the crane had been inspected in 2019.", "b")
    assert _contradiction(denied, stated)
    assert _contradiction(stated, denied)


def test_a_negation_does_not_contradict_a_claim_that_only_shares_names() -> None:
    negated = _claim("Harbour master Ruth Okello said the leak did not endanger the crane.", "a")
    other = _claim("Harbour master Ruth Okello was suspended on Friday pending an inquiry.", "b")
    assert _contradiction(negated, other) is None


def test_two_negated_claims_agree() -> None:
    one = _claim("The union said it would not call off the strike.", "a")
    two = _claim("Union leaders said they would not call off the walkout.", "b")
    assert _contradiction(one, two) is None


def test_the_detail_quotes_the_negated_claim_cut_at_a_word() -> None:
    long_text = ("Officials at the regional water authority said that the northern reservoir had never been "
                 "drained for repairs during the past decade.")
    negated = _claim(long_text, "a")
    stated = _claim("The northern reservoir was drained for repairs last year, officials said.", "b")
    detail = _contradiction(negated, stated)
    assert detail and detail.endswith("…\"") and len(detail) < len(long_text) + 30
    quoted = detail.split('"', 1)[1].rstrip('"').rstrip("…")
    assert long_text.startswith(quoted) and long_text[len(quoted)] == " "
