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
    """No citation role or year substitution, and no {ref} into another notebook, is left for
    JupyterLab."""
    for cell in _load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = myst_lab._source(cell)
        assert "{cite" not in text, f"{path.name}: {text[:300]}"
        assert not myst_lab.YEAR_SUBSTITUTION.search(text), f"{path.name}: {text[:300]}"
        for match in myst_lab.REF_ROLE.finditer(text):
            label = match.group(1).split("<")[-1].rstrip(">").strip()
            assert TARGETS[label][0] == path.name, f"{path.name}: {match.group(0)} is elsewhere"


def test_conversion_round_trip_and_idempotence():
    native = (
        "(sec-x)=\n## Section X\n\nSee {ref}`ch2-bptt`, "
        "{ref}`the notation page <notation>`, {ref}`sec-x`, {cite:t}`greff2017lstm` and "
        "{cite:p}`gers2000forget,jozefowicz2015empirical` ({cite:t}`cho2014learning`)."
    )
    targets = {**TARGETS, "sec-x": ("05_lstm_backprop.ipynb", "Section X")}
    portable = myst_lab.to_portable(native, "05_lstm_backprop.ipynb", targets)
    assert portable == (
        "(sec-x)=\n## Section X\n\nSee "
        "[Backpropagation through time](02_simple_rnn.ipynb#ch2-bptt), "
        "[the notation page](notation.ipynb#notation), {ref}`sec-x`, "
        "[Greff et al. (2017)](#cite-greff2017lstm) and "
        "([Gers et al., 2000](#cite-gers2000forget); "
        "[Jozefowicz et al., 2015](#cite-jozefowicz2015empirical)) "
        "([Cho et al. (2014)](#cite-cho2014learning))."
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


def test_a_code_listing_is_inlined_for_jupyterlab_and_restored_for_the_book():
    """literalinclude: the selected lines, dedented, below the directive kept as % comments."""
    native = (
        "Two lines:\n\n"
        "```{literalinclude} ../lstmkit/optim.py\n"
        ":pyobject: clip_grad_norm\n"
        ":start-at: norm = grad_norm(grads)\n"
        ":dedent: 4\n"
        "```\n\nAfter."
    )
    portable = myst_lab.to_portable(native, "05_lstm_backprop.ipynb", TARGETS)
    source = (ROOT / "lstmkit" / "optim.py").read_text(encoding="utf-8").splitlines()
    start = source.index("    norm = grad_norm(grads)")
    body = []
    for line in source[start:]:
        body.append(line[4:])
        if line.strip().startswith("return"):
            break
    assert portable == (
        "Two lines:\n\n"
        "% ```{literalinclude} ../lstmkit/optim.py\n"
        "% :pyobject: clip_grad_norm\n"
        "% :start-at: norm = grad_norm(grads)\n"
        "% :dedent: 4\n"
        "% ```\n"
        "```python\n" + "\n".join(body) + "\n```\n\nAfter."
    )
    assert body[0] == "norm = grad_norm(grads)" and body[-1] == "return norm"
    assert myst_lab.to_native(portable, TARGETS) == native
    assert myst_lab.to_portable(native, "05_lstm_backprop.ipynb", TARGETS) == portable
    assert myst_lab.listings(portable) == myst_lab.listings(native) == ["\n".join(body) + "\n"]


def test_every_listing_of_the_chapters_shows_code_in_jupyterlab():
    """Each chapter's literalinclude has its code inlined, and the code is current."""
    found = 0
    for path in NOTEBOOKS:
        for cell in _load(path)["cells"]:
            text = myst_lab._source(cell)
            if cell["cell_type"] != "markdown" or "{literalinclude}" not in text:
                continue
            assert not myst_lab.INCLUDE.search(text), f"{path.name}: a bare literalinclude"
            blocks = list(myst_lab.INCLUDED.finditer(text))
            for code, block in zip(myst_lab.listings(text), blocks, strict=True):
                assert code.strip() and code.rstrip("\n") in block.group(0)
                found += 1
    assert found >= 4  # ch3: lk.mlp.backward, ch4: forward_step, ch5: backward_step, clipping


def test_a_gated_solution_becomes_one_dropdown_in_jupyterlab_and_gated_again_for_the_book():
    start = (
        "```{exercise} Sum\n:label: ex9-sum\nAdd.\n```\n\n"
        "```{solution-start} ex9-sum\n:class: dropdown\n```\n\n"
        "It is $a + b$, as {cite:t}`greff2017lstm` write."
    )
    end = "```{solution-end}\n```\n\n## Summary"
    portable = myst_lab.to_portable(start, "05_lstm_backprop.ipynb", TARGETS)
    assert portable == (
        "```{exercise} Sum\n:label: ex9-sum\nAdd.\n```\n\n"
        "% ```{solution-start} ex9-sum\n% :class: dropdown\n% ```\n"
        "::::{solution} ex9-sum\n:class: dropdown\n\n"
        "It is $a + b$, as [Greff et al. (2017)](#cite-greff2017lstm) write.\n::::"
    )
    portable_end = myst_lab.to_portable(end, "05_lstm_backprop.ipynb", TARGETS)
    assert portable_end == "% ```{solution-end}\n% ```\n\n## Summary"
    assert myst_lab.to_native(portable, TARGETS) == start
    assert myst_lab.to_native(portable_end, TARGETS) == end
    assert myst_lab.to_portable(start, "x.ipynb", TARGETS).count("::::") == 2
    # a colon fence inside the solution: the dropdown's fence is longer
    inner = start + "\n\n::::{note}\nA note.\n::::"
    wrapped = myst_lab.to_portable(inner, "05_lstm_backprop.ipynb", TARGETS)
    assert wrapped.endswith("::::\n:::::") and myst_lab.to_native(wrapped, TARGETS) == inner


def test_every_solution_of_the_chapters_is_one_dropdown_in_jupyterlab():
    found = 0
    for path in NOTEBOOKS:
        for cell in _load(path)["cells"]:
            text = myst_lab._source(cell)
            assert not myst_lab.SOLUTION_START.search(text), f"{path.name}: {text[:200]}"
            assert not myst_lab.SOLUTION_END.search(text), f"{path.name}: {text[:200]}"
            found += len(myst_lab.SOLUTION_STARTED.findall(text))
    assert found >= 25  # 4 + 8 + 3 + 5 + 4 + 5 solutions in chapters 1-6


def test_years_of_citations_and_of_the_milestone_table_round_trip(tmp_path):
    """{cite:year} and {{ year_<id> }} (from chapters/milestones.csv) survive JupyterLab's form."""
    (tmp_path / "milestones.csv").write_text(
        "id,year,kind,strand,key,label\n"
        "dartmouth_workshop,1956,aside,,mccarthy1955proposal,the Dartmouth workshop\n"
        "perceptron,1958,milestone,networks,rosenblatt1958perceptron,the perceptron\n",
        encoding="utf-8",
    )
    assert myst_lab.years(tmp_path) == {"year_dartmouth_workshop": "1956",
                                        "year_perceptron": "1958"}  # fmt: skip
    native = ("The proposal of {cite:year}`mccarthy1955proposal` named a workshop held in "
              "{{ year_dartmouth_workshop }}; ({cite:year}`greff2017lstm`).")  # fmt: skip
    here = myst_lab.to_portable(native, "03_history.ipynb", TARGETS, directory=tmp_path)
    assert here == (
        "The proposal of [1955](#cite-mccarthy1955proposal) named a workshop held in "
        '[1956](#ch3-timeline "year_dartmouth_workshop"); ([2017](#cite-greff2017lstm)).'
    )
    elsewhere = myst_lab.to_portable(native, "01_mappings.ipynb", TARGETS, directory=tmp_path)
    assert '[1956](03_history.ipynb#ch3-timeline "year_dartmouth_workshop")' in elsewhere
    for portable in (here, elsewhere):
        assert myst_lab.to_native(portable, TARGETS) == native
    assert myst_lab.cited(native) == ["mccarthy1955proposal", "greff2017lstm"]
    with pytest.raises(ValueError, match="year_nosuchrow"):
        myst_lab.to_portable("{{ year_nosuchrow }}", "03_history.ipynb", TARGETS,
                             directory=tmp_path)  # fmt: skip


@pytest.mark.parametrize(
    "row, problem",
    [("Bad-Id,1956,aside,,,x", "not unique"), ("a,56,aside,,,x", "four-digit"),
     ("a,1956,event,,,x", "four-digit"), ("a,1956,aside,,,x\na,1957,aside,,,y", "not unique")],
)  # fmt: skip
def test_a_malformed_milestone_file_is_an_error(tmp_path, row, problem):
    (tmp_path / "milestones.csv").write_text(
        "id,year,kind,strand,key,label\n" + row + "\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=problem):
        myst_lab.years(tmp_path)
