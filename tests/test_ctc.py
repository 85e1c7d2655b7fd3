"""CTC collapse, greedy decoding and the minimum number of frames."""

import itertools

import numpy as np
import pytest

from lstmkit import ctc


def test_collapse_strings():
    assert ctc.collapse("hh-e-ll-ll-oo") == "hello"
    assert ctc.collapse("hhelllloo") == "helo"  # without blanks the double l merges
    assert ctc.collapse("--a--") == "a"
    assert ctc.collapse("") == ""
    assert ctc.collapse("aa_a", blank="_") == "aa"
    with pytest.raises(TypeError, match="one character"):
        ctc.collapse("abc", blank=0)


def test_collapse_label_indices():
    assert ctc.collapse([0, 3, 3, 0, 3, 1, 1, 0], blank=0) == [3, 3, 1]
    assert ctc.collapse(np.array([2, 2, 2]), blank=0) == [2]
    assert ctc.collapse(np.array([], dtype=int), blank=0) == []
    with pytest.raises(TypeError, match="1-D sequence of int"):
        ctc.collapse(np.array([0.5, 1.0]), blank=0)
    with pytest.raises(TypeError, match="blank must be an int"):
        ctc.collapse([1, 2], blank="-")


def test_greedy_decode_picks_the_best_path():
    alphabet = "-helo"
    frames = "hh-e-ll-ll-oo"
    scores = np.full((len(frames), len(alphabet)), -1.0)
    for t, c in enumerate(frames):
        scores[t, alphabet.index(c)] = 2.0
    assert ctc.greedy_decode(scores, alphabet) == (frames, "hello")
    with pytest.raises(ValueError, match=r"\(T, K\) = \(\?, 5\)"):
        ctc.greedy_decode(scores[:, :4], alphabet)
    with pytest.raises(TypeError, match="containing the blank"):
        ctc.greedy_decode(scores, "xhelo")


def test_min_frames_matches_brute_force():
    assert ctc.min_frames("hello") == 6 and ctc.min_frames("abc") == 3
    assert ctc.min_frames("aaa") == 5 and ctc.min_frames("") == 0
    for text in ("ab", "aa", "aba", "abb"):
        lengths = [
            T
            for T in range(1, 7)
            if any(ctc.collapse("".join(p)) == text for p in itertools.product("-ab", repeat=T))
        ]
        assert min(lengths) == ctc.min_frames(text)
    with pytest.raises(TypeError, match="text must be a str"):
        ctc.min_frames(["a"])
