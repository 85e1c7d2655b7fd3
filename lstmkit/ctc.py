r"""The collapsing map of connectionist temporal classification (CTC).

In speech recognition the network emits one label per audio frame, and there are many
more frames than letters. CTC (Graves et al. 2006) adds a *blank* label ``-`` and reads
a frame-level labelling :math:`\pi = (\pi_1, \dots, \pi_T)` as the shorter labelling
:math:`\mathcal{B}(\pi)`: first merge runs of repeated labels, then remove the blanks,

.. math::

    \mathcal{B}(\texttt{hh-e-ll-ll-oo}) = \mathcal{B}'(\texttt{h-e-l-l-o})
    = \texttt{hello}.

The blank between two runs of the same letter is what lets a word keep a double
letter: without it, ``ll`` would merge into one ``l``. So a labelling of length
:math:`L` with :math:`r` adjacent repeated letters needs at least :math:`L + r` frames.

Only the map :math:`\mathcal{B}` and greedy (best-path) decoding are here; the CTC loss,
which sums the probabilities of all :math:`\pi` with :math:`\mathcal{B}(\pi) = l`, is not.
"""

import itertools

import numpy as np

from . import _checks

__all__ = ["BLANK", "collapse", "greedy_decode", "min_frames"]

#: The blank label used for strings.
BLANK = "-"


def collapse(labels, blank=BLANK):
    r"""Merge repeated labels, then drop blanks: the CTC map :math:`\mathcal{B}`.

    Parameters
    ----------
    labels : str or sequence of int
        A frame-level labelling. A string is read character by character; a list or
        1-D integer array as label indices.
    blank : str or int
        The blank label (``"-"`` by default; pass an int, e.g. ``0``, for indices).

    Returns
    -------
    str or list of int
        A string for a string input, otherwise a list of ints.

    Examples
    --------
    >>> collapse("hh-e-ll-ll-oo")
    'hello'
    >>> collapse("hhelllloo")
    'helo'
    >>> collapse([0, 3, 3, 0, 3, 1, 1, 0], blank=0)
    [3, 3, 1]
    """
    if isinstance(labels, str):
        if not isinstance(blank, str) or len(blank) != 1:
            raise TypeError(f"for a string, blank must be one character; got {blank!r}")
        out = [c for k, c in enumerate(labels) if c != blank and (k == 0 or c != labels[k - 1])]
        return "".join(out)
    a = np.asarray(labels)
    if a.ndim != 1 or (a.size and not np.issubdtype(a.dtype, np.integer)):
        raise TypeError(
            f"labels must be a str or a 1-D sequence of int label indices; got {type(labels)}"
            f" with shape {a.shape} and dtype {a.dtype}"
        )
    if isinstance(blank, bool) or not isinstance(blank, int | np.integer):
        raise TypeError(f"for label indices, blank must be an int; got {blank!r}")
    if a.size == 0:
        return []
    new_run = np.ones(a.size, dtype=bool)
    new_run[1:] = a[1:] != a[:-1]  # first frame of each run of equal labels
    return [int(v) for v in a[new_run & (a != blank)]]


def greedy_decode(scores, alphabet, blank=BLANK):
    r"""Best-path decoding: the most likely label per frame, then :func:`collapse`.

    .. math::

        \hat{\pi}_t = \arg\max_k \, s_{t,k}, \qquad \hat{l} = \mathcal{B}(\hat{\pi})

    Parameters
    ----------
    scores : ndarray, shape (T, K)
        Frame-level scores (logits or probabilities) of one sequence.
    alphabet : str
        ``K`` characters, one per column of ``scores``; it must contain ``blank``.
    blank : str
        The blank character.

    Returns
    -------
    frames : str
        The frame-level labelling :math:`\hat{\pi}` (length ``T``).
    text : str
        :math:`\mathcal{B}(\hat{\pi})`.
    """
    _checks.float_array("scores", scores)
    if not isinstance(alphabet, str) or blank not in alphabet:
        raise TypeError(f"alphabet must be a str containing the blank {blank!r}; got {alphabet!r}")
    if scores.ndim != 2 or scores.shape[1] != len(alphabet):
        raise ValueError(
            f"scores must have shape (T, K) = (?, {len(alphabet)}), one column per character "
            f"of the alphabet; got {scores.shape}"
        )
    frames = "".join(alphabet[k] for k in np.argmax(scores, axis=1))
    return frames, collapse(frames, blank)


def min_frames(text):
    r"""The fewest frames whose collapse can be ``text``: :math:`L + r`.

    :math:`L` is the length of ``text`` and :math:`r` the number of positions where a
    character equals the one before it (each needs a blank in between).

    >>> min_frames("hello")
    6
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str; got {type(text).__name__}")
    repeats = sum(a == b for a, b in itertools.pairwise(text))
    return len(text) + repeats
