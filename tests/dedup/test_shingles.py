"""Word shingles and their exact Jaccard similarity."""

import numpy as np

from pipeline.dedup.shingles import jaccard, shingle_hashes


def test_shingle_hashes_are_stable_across_processes_and_machines():
    # Signatures built from these hashes are stored in PostgreSQL: they must never change.
    assert shingle_hashes("one two three four five").tolist() == [
        2650319730394735760,
        15295799687214430451,
    ]


def test_a_text_shorter_than_a_shingle_has_one_shingle():
    assert shingle_hashes("just three words").size == 1


def test_an_empty_text_has_no_shingles():
    assert shingle_hashes("  \n ").size == 0


def test_punctuation_and_case_do_not_change_shingles():
    assert np.array_equal(
        shingle_hashes("Hello, World! How are you?"), shingle_hashes("hello world how are you")
    )


def test_identical_texts_have_jaccard_one():
    a = shingle_hashes("the quick brown fox jumps over the lazy dog")
    assert jaccard(a, a) == 1.0


def test_unrelated_texts_have_jaccard_zero():
    a = shingle_hashes("the quick brown fox jumps over the lazy dog")
    b = shingle_hashes("parliament passed the new budget law on tuesday evening")
    assert jaccard(a, b) == 0.0


def test_one_added_sentence_keeps_jaccard_high():
    base = " ".join(f"sentence {i} tells the reader about event number {i}." for i in range(40))
    edited = base + " This sentence was added by the syndicating site."
    assert jaccard(shingle_hashes(base), shingle_hashes(edited)) > 0.95


def test_two_empty_sets_are_identical():
    empty = shingle_hashes("")
    assert jaccard(empty, empty) == 1.0


def test_already_normalised_text_gives_the_same_shingles():
    from pipeline.dedup.normalize import normalize_body

    text = "\u201cQuoted\u201d  Text, with CAPITALS and more words here"
    assert np.array_equal(
        shingle_hashes(normalize_body(text), normalized=True), shingle_hashes(text)
    )
