"""Folded cells: the one home of the book's convention for code a reader need not read.

Two kinds of code cell are folded, in the HTML book and in JupyterLab alike:

* a **check cell** (tag ``check``): the assertions and finite-difference comparisons that
  back the claims just above it. It sits right after the cell it checks and prints one line
  that says what was checked ("Checked: ..."). The book folds its source behind
  "Show the checks"; the printed line stays visible.
* a **plumbing cell** (tag ``hide-input``): figure or slider set-up whose output matters and
  whose code does not. The book folds its source behind MyST-NB's usual prompt.

A chapter only writes the tag ``check`` (or ``hide-input``); this script adds what each front
end reads, so the two never disagree:

* ``hide-input`` in the tags: MyST-NB folds the source in the HTML (the cell still runs, and
  nbval still compares its output);
* ``"jupyter": {"source_hidden": true}``: JupyterLab and Notebook 7 show the source collapsed;
* ``"mystnb": {"code_prompt_show": "Show the checks", "code_prompt_hide": "Hide the checks"}``
  for a check cell: the fold's labels.

Usage (``make fold`` runs it on every notebook)::

    python _ext/fold.py chapters/*.ipynb          # normalise in place
    python _ext/fold.py --check chapters/*.ipynb  # exit 1 if any notebook is not normalised

``tests/test_visible_code.py`` fails when a notebook is not normalised, and measures what
stays visible (no visible cell over 25 lines, no visible ``assert``).
"""

import sys

from nbfiles import lab_form, rewrite

CHECK = "check"
HIDE_INPUT = "hide-input"
CHECK_PROMPT = "Show the checks"
CHECK_PROMPT_HIDE = "Hide the checks"


def fold_cell(cell):
    """Return a copy of ``cell`` with the metadata its tags ask for (code cells only)."""
    if cell.get("cell_type") != "code":
        return cell
    meta = dict(cell.get("metadata", {}))
    tags = list(meta.get("tags", []))
    if CHECK in tags and HIDE_INPUT not in tags:
        tags.append(HIDE_INPUT)
    if HIDE_INPUT in tags:
        meta["tags"] = tags
        meta["jupyter"] = {**meta.get("jupyter", {}), "source_hidden": True}
    if CHECK in tags:
        prompts = {"code_prompt_show": CHECK_PROMPT, "code_prompt_hide": CHECK_PROMPT_HIDE}
        meta["mystnb"] = {**meta.get("mystnb", {}), **prompts}
    return {**cell, "metadata": meta}


def fold_notebook(nb):
    """Return a copy of the notebook dict with every cell folded as its tags ask (in the form
    JupyterLab keeps, :func:`nbfiles.lab_form`)."""
    return lab_form({**nb, "cells": [fold_cell(c) for c in nb["cells"]]})


def main(argv=None):
    return rewrite(lambda nb, path: fold_notebook(nb), __doc__.splitlines()[0], "folded", argv)


if __name__ == "__main__":
    sys.exit(main())
