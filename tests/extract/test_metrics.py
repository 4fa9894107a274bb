"""The dev-set body metric (devtools/extraction_metric.py)."""

import pytest

from devtools.extraction_metric import (
    aggregate,
    author_f1,
    leave_group_out,
    score_page,
    shingles,
    title_match,
    tokens,
)


def test_tokens_keep_case_and_drop_punctuation():
    assert tokens("Hello, World! ça-va 42") == ["Hello", "World", "ça", "va", "42"]


def test_short_texts_give_one_short_shingle_and_empty_none():
    assert shingles("a b") == {("a", "b"): 1}
    assert not shingles("  ,. ")


def test_shingles_are_a_multiset():
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2


def test_identical_texts_score_one():
    s = score_page("one two three four five", "one two three four five")
    assert (s.precision, s.recall) == (1.0, 1.0)


def test_partial_overlap():
    s = score_page("a b c d e", "a b c d x")  # truth shingles abcd, bcde; pred abcd, bcdx
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5


def test_empty_prediction_only_lowers_recall():
    scores = [score_page("a b c d", "a b c d"), score_page("a b c d", "")]
    corpus = aggregate(scores)
    assert corpus.precision == 1.0
    assert corpus.recall == 0.5
    assert corpus.empty == 1
    assert corpus.f1 == pytest.approx(2 * 0.5 / 1.5)


def test_title_and_author_measures():
    assert title_match(" A  title\n", "A title")
    assert author_f1(["A B", "C D"], ["A B"]) == pytest.approx(2 / 3)
    assert author_f1([], []) == 1.0


def test_leave_group_out_keeps_a_rule_only_where_other_publishers_gain():
    # the rule helps publisher "a" alone: left out, "a" sees no gain elsewhere and
    # loses the rule; "b" and "c" see a's gain and keep it (no effect on their pages)
    on = [1.0, 1.0, 0.5, 0.5]
    off = [0.0, 0.0, 0.5, 0.5]
    assert leave_group_out(on, off, ["a", "a", "b", "c"]) == [False, False, True, True]
    # a rule that helps two publishers survives leaving either out
    assert leave_group_out([1.0, 1.0], [0.0, 0.0], ["a", "b"]) == [True, True]
