"""What a reader sees of the code: checks folded, cells short (issue 21, CHAPTERS.md).

The convention lives in ``_ext/fold.py``: a cell tagged ``check`` holds the assertions that
back the prose above it, is folded in the HTML book and collapsed in JupyterLab, and prints
one line that says what it checked. This file tests

* that every notebook is normalised (``make fold`` would change nothing), so the HTML fold
  and the JupyterLab collapse never disagree;
* that every check cell printed exactly one line, and that the built book folds exactly the
  check cells behind "Show the checks" while their line stays visible;
* per chapter in ``FOLDED_CHAPTERS``: no visible code cell over ``MAX_VISIBLE_LINES`` lines
  and no visible ``assert``. A chapter joins the list when its third-edition issue lands.

The per-chapter numbers (visible code lines, the longest visible cell, visible assertion
lines) are printed at the end of every pytest run (``conftest.py``).
"""

import html
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import fold  # noqa: E402

CHAPTERS = ROOT / "chapters"
HTML = ROOT / "_build" / "html" / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
MAX_VISIBLE_LINES = 25
# Notebooks whose checks are folded (a chapter joins when its third-edition issue lands).
FOLDED_CHAPTERS = [
    "notation",
    "01_mappings",
    "02_simple_rnn",
    "03_history",
    "04_lstm_forward",
    "05_lstm_backprop",
    "06_curse_of_dimensionality",
]
HIDDEN = {"hide-input", "remove-input", "hide-cell", "remove-cell"}
ASSERT = re.compile(r"^\s*assert\b")


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def stream_text(cell):
    """Everything a code cell printed (its committed stream outputs)."""
    return "".join("".join(o["text"]) for o in cell["outputs"] if o["output_type"] == "stream")


def n_lines(cell):
    return len("".join(cell["source"]).strip().splitlines())


def visible_code(path):
    """(visible code lines, longest visible cell, visible assert lines) of a notebook."""
    visible = ["".join(c["source"]).strip() for c in code_cells(path) if not HIDDEN & tags(c)]
    lines = [len(s.splitlines()) for s in visible]
    asserts = sum(bool(ASSERT.match(line)) for s in visible for line in s.splitlines())
    return sum(lines), max(lines, default=0), asserts


def report():
    """One line per notebook, for the end of the pytest run."""
    rows = []
    for path in NOTEBOOKS:
        total, longest, asserts = visible_code(path)
        folded = "checked" if path.stem in FOLDED_CHAPTERS else "not yet"
        rows.append(
            f"{path.stem:32s} visible code {total:4d} lines, longest cell {longest:3d}, "
            f"visible asserts {asserts:3d}  (budget {folded})"
        )
    return rows


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_folded_as_its_tags_say(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    unfolded = [
        i
        for i, (a, b) in enumerate(zip(nb["cells"], fold.fold_notebook(nb)["cells"], strict=True))
        if a != b
    ]
    assert unfolded == [], f"run `make fold`: cells {unfolded} of {path.name} are not folded"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_check_cell_prints_one_line(path):
    bad = []
    for i, cell in enumerate(code_cells(path)):
        if fold.CHECK not in tags(cell):
            continue
        text = stream_text(cell)
        others = [o["output_type"] for o in cell["outputs"] if o["output_type"] != "stream"]
        if len(text.strip().splitlines()) != 1 or others:
            bad.append((i, text[:80], others))
    assert bad == [], f"check cells of {path.name} must print exactly one line: {bad}"


@pytest.mark.parametrize("chapter", FOLDED_CHAPTERS)
def test_visible_code_fits_the_reading_budget(chapter):
    path = CHAPTERS / f"{chapter}.ipynb"
    visible = [(i, c) for i, c in enumerate(code_cells(path)) if not HIDDEN & tags(c)]
    long_cells = [(i, n_lines(c)) for i, c in visible if n_lines(c) > MAX_VISIBLE_LINES]
    asserting = [i for i, c in visible if any(ASSERT.match(line) for line in c["source"])]
    assert long_cells == [], f"visible code cells over {MAX_VISIBLE_LINES} lines: {long_cells}"
    assert asserting == [], (
        f"visible code cells that assert (fold them into a check cell): {asserting}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_book_folds_exactly_the_check_cells(path):
    page = HTML / f"{path.stem}.html"
    if not page.exists():
        pytest.fail(f"the book is not built ({page}): run `make book` (make test builds it)")
    text = page.read_text(encoding="utf-8")
    checks = [c for c in code_cells(path) if fold.CHECK in tags(c)]
    summaries = re.findall(r'<p class="collapsed admonition-title">([^<]*)</p>', text)
    assert summaries.count(fold.CHECK_PROMPT) == len(checks)
    for cell in checks:
        line = stream_text(cell).strip()
        assert html.escape(line, quote=False) in text, (
            f"the check's line is not on the page: {line}"
        )


def test_fold_adds_what_each_front_end_reads():
    check = {"cell_type": "code", "metadata": {"tags": ["check"]}, "source": "assert 1\n"}
    plumbing = {"cell_type": "code", "metadata": {"tags": ["hide-input"]}, "source": "x = 1\n"}
    shown = {"cell_type": "code", "metadata": {}, "source": "x = 1\n"}
    assert fold.fold_cell(check)["metadata"] == {
        "tags": ["check", "hide-input"],
        "jupyter": {"source_hidden": True},
        "mystnb": {"code_prompt_show": "Show the checks", "code_prompt_hide": "Hide the checks"},
    }
    assert fold.fold_cell(plumbing)["metadata"] == {
        "tags": ["hide-input"],
        "jupyter": {"source_hidden": True},
    }
    assert fold.fold_cell(shown) == shown
    assert fold.fold_cell(fold.fold_cell(check)) == fold.fold_cell(check)  # idempotent
