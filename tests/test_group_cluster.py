"""Properties of the clustering core: constraints hold, labels depend only on the graph."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.group import Constraints, attach_singletons, average_link, constraints_from

graphs = st.integers(2, 14).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.0, 1.0)),
            max_size=40,
        ),
    )
)


def as_arrays(edges):
    seen = {}
    for a, b, s in edges:
        if a != b:
            seen[(min(a, b), max(a, b))] = s
    pairs = np.array(sorted(seen), dtype=np.int64).reshape(-1, 2)
    return pairs, np.array([seen[p] for p in sorted(seen)], dtype=float)


def canonical(labels) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), set()).add(i)
    return {frozenset(g) for g in groups.values()}


@settings(max_examples=60, deadline=None)
@given(graph=graphs, data=st.data())
def test_constraints_are_honoured(graph, data):
    n, edges = graph
    pairs, scores = as_arrays(edges)
    a, b = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    c, d = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    must = [(a, b)] if a != b else []
    cannot = [(c, d)] if c != d and {c, d} != {a, b} else []
    labels = average_link(n, pairs, scores, 0.3, must=must, cannot=cannot)
    labels = attach_singletons(labels, pairs, scores, 0.1, cannot=cannot)
    for x, y in must:
        if not cannot or not ({x, y} & {cannot[0][0], cannot[0][1]}):
            assert labels[x] == labels[y]
    for x, y in cannot:
        assert labels[x] != labels[y]


@settings(max_examples=60, deadline=None)
@given(graph=graphs, data=st.data())
def test_relabelling_nodes_gives_the_same_partition(graph, data):
    """Distinct scores: the partition is a function of the graph, not of node numbering."""
    n, edges = graph
    pairs, scores = as_arrays(edges)
    scores = scores + np.arange(len(scores)) * 1e-6  # no exact ties
    perm = np.array(data.draw(st.permutations(range(n))))
    labels = average_link(n, pairs, scores, 0.4)
    moved = np.sort(perm[pairs], axis=1) if len(pairs) else pairs
    labels2 = average_link(n, moved, scores, 0.4)
    back = {frozenset(int(perm[i]) for i in g) for g in canonical(labels)}
    assert back == canonical(labels2)


def test_later_corrections_override_earlier_ones():
    constraints = constraints_from(
        [
            {"kind": "merge", "article_ids": ["a", "b", "c"]},
            {"kind": "split", "article_ids": ["c"], "others": ["a", "b"]},
        ]
    )
    assert frozenset({"a", "c"}) in constraints.cannot
    assert not constraints.together("b", "c") and constraints.together("a", "b")
    again = constraints_from(
        [
            {"kind": "split", "article_ids": ["c"], "others": ["a", "b"]},
            {"kind": "merge", "article_ids": ["a", "b", "c"]},
        ]
    )
    assert not again.cannot and again.together("b", "c")
    assert Constraints().empty


def test_two_lone_articles_kept_apart_do_not_both_join_one_story():
    # 2-3 form a story; 0 and 1 each fit it (through 2) but must stay apart
    pairs = np.array([(0, 2), (1, 2), (2, 3)], dtype=np.int64)
    scores = np.array([0.5, 0.5, 1.0])
    labels = average_link(4, pairs, scores, 0.3, cannot=[(0, 1)])
    labels = attach_singletons(labels, pairs, scores, 0.1, cannot=[(0, 1)])
    assert labels[0] != labels[1]
    assert labels[2] == labels[3] and labels[2] in (labels[0], labels[1])
