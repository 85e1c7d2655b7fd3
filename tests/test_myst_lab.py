"""The notebooks are in the MyST form both the book and JupyterLab render (_ext/myst_lab.py)."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import myst_lab  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
TARGETS = myst_lab.labels()


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_converted(path):
    """Running `make myst` (python _ext/myst_lab.py chapters/*.ipynb) would change nothing."""
    nb = _load(path)
    assert myst_lab.convert_notebook(nb, path.name, TARGETS) == nb, (
        f"{path.name} is not converted: run `make myst`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_role_jupyterlab_cannot_resolve(path):
    """No citation role, and no {ref} into another notebook, is left for JupyterLab."""
    for cell in _load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = myst_lab._source(cell)
        assert "{cite" not in text, f"{path.name}: {text[:300]}"
        for match in myst_lab.REF_ROLE.finditer(text):
            label = match.group(1).split("<")[-1].rstrip(">").strip()
            assert TARGETS[label][0] == path.name, f"{path.name}: {match.group(0)} is elsewhere"


def test_conversion_round_trip_and_idempotence():
    native = (
        "(sec-x)=\n## Section X\n\nSee {ref}`ch2-bptt`, "
        "{ref}`the notation page <notation>`, {ref}`sec-x`, {cite:t}`greff2017lstm` and "
        "{cite:p}`gers2000forget,jozefowicz2015empirical`."
    )
    targets = {**TARGETS, "sec-x": ("05_lstm_backprop.ipynb", "Section X")}
    portable = myst_lab.to_portable(native, "05_lstm_backprop.ipynb", targets)
    assert portable == (
        "(sec-x)=\n## Section X\n\nSee "
        "[Backpropagation through time](02_simple_rnn.ipynb#ch2-bptt), "
        "[the notation page](notation.ipynb#notation), {ref}`sec-x`, "
        "[Greff et al. (2017)](#cite-greff2017lstm) and "
        "([Gers et al., 2000](#cite-gers2000forget); "
        "[Jozefowicz et al., 2015](#cite-jozefowicz2015empirical))."
    )
    assert myst_lab.to_native(portable, targets) == native
    again = myst_lab.to_portable(myst_lab.to_native(portable, targets), "05_lstm_backprop.ipynb",
                                 targets)  # fmt: skip
    assert again == portable
    # an ordinary link with an anchor that is not a label stays a link
    link = "[the docs](api.md#not-a-label)"
    assert myst_lab.to_native(link, targets) == link


def test_unknown_citation_key_is_an_error():
    with pytest.raises(ValueError, match="nosuchkey2020"):
        myst_lab.to_portable("{cite:p}`nosuchkey2020`", "01_mappings.ipynb", TARGETS)


def test_chapters_number_their_exercises_and_the_references_cell_lists_what_they_cite():
    assert myst_lab.chapter_numbers()["02_simple_rnn.ipynb"] == 2
    nb = _load(ROOT / "chapters" / "02_simple_rnn.ipynb")
    first = nb["cells"][0]
    assert first["id"] == myst_lab.FRONTMATTER_ID and "remove-cell" in first["metadata"]["tags"]
    assert "enumerator: 2.%s" in myst_lab._source(first)
    last = nb["cells"][-1]
    assert last["id"] == myst_lab.REFERENCES_ID and "remove-cell" in last["metadata"]["tags"]
    text = myst_lab._source(last)
    native = "".join(myst_lab.to_native(myst_lab._source(c), TARGETS)
                     for c in nb["cells"][1:-1] if c["cell_type"] == "markdown")  # fmt: skip
    keys = myst_lab.cited(native)
    assert keys and [line[6:-2] for line in text.splitlines() if line.startswith("(cite-")] == keys


def test_solution_code_is_folded_in_jupyterlab():
    """Every code cell inside a solution, and none outside, starts folded in JupyterLab."""
    nb = _load(ROOT / "chapters" / "02_simple_rnn.ipynb")
    inside, in_solution = [], False
    for cell in nb["cells"]:
        source = myst_lab._source(cell)
        if "{solution-start}" in source:
            in_solution = True
        elif "{solution-end}" in source:
            in_solution = False
        elif cell["cell_type"] == "code":
            inside.append(in_solution)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    folded = [bool(c["metadata"].get("jupyter", {}).get("outputs_hidden")) for c in code]
    assert sum(inside) >= 8 and folded == inside
