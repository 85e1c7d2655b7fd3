"""The notebooks are in the form JupyterLab keeps (_ext/nbfiles.py lab_form): opening one in
JupyterLab changes nothing, so its tab is not marked modified and there is nothing to save."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
import nbfiles  # noqa: E402

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
# The kernel JupyterLab starts for the notebooks: the one ipykernel installs in the environment.
INSTALLED = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"


def _code(metadata):
    return {"cell_type": "code", "id": "c", "metadata": metadata, "outputs": [], "source": ""}


def _nb(*cells, kernelspec=None):
    meta = {"kernelspec": kernelspec} if kernelspec else {}
    return {"cells": list(cells), "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def test_the_kernelspec_is_the_one_jupyterlab_writes_when_the_kernel_starts():
    installed = json.loads(INSTALLED.read_text(encoding="utf-8"))
    old = {"display_name": "Python 3", "language": "python", "name": "python3", "x": 1}
    spec = nbfiles.lab_form(_nb(kernelspec=old))["metadata"]["kernelspec"]
    assert spec == {
        "display_name": installed["display_name"],
        "language": installed["language"],
        "name": "python3",
    }
    assert spec["display_name"] == "Python 3 (ipykernel)"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        # JupyterLab adds the name that is missing ...
        ({"jupyter": {"outputs_hidden": True, "source_hidden": True}},
         {"collapsed": True, "jupyter": {"outputs_hidden": True, "source_hidden": True}}),
        ({"collapsed": True}, {"collapsed": True, "jupyter": {"outputs_hidden": True}}),
        # ... and `collapsed` wins when the two differ
        ({"collapsed": False, "jupyter": {"outputs_hidden": True}},
         {"collapsed": False, "jupyter": {"outputs_hidden": False}}),
        # a cell without either is left as it is
        ({"jupyter": {"source_hidden": True}, "tags": ["check"]},
         {"jupyter": {"source_hidden": True}, "tags": ["check"]}),
    ],
)  # fmt: skip
def test_collapsed_and_outputs_hidden_are_equal_as_jupyterlab_keeps_them(metadata, expected):
    nb = nbfiles.lab_form(_nb(_code(metadata)))
    assert nb["cells"][0]["metadata"] == expected
    assert nbfiles.lab_form(nb) == nb  # idempotent


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (["| a |\n", ""], ["| a |\n"]),  # the empty last line a save drops
        ("x = 1\ny = 2", ["x = 1\n", "y = 2"]),
        (["x = 1\ny = 2\n"], ["x = 1\n", "y = 2\n"]),
        (["x = 1\n", "y = 2"], ["x = 1\n", "y = 2"]),
        ([], []),
    ],
)
def test_a_source_is_the_list_of_lines_jupyterlab_saves(source, expected):
    cell = {**_code({}), "source": source}
    assert nbfiles.lab_form(_nb(cell))["cells"][0]["source"] == expected


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_in_the_form_jupyterlab_keeps(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nbfiles.lab_form(nb) == nb, (
        f"JupyterLab would mark {path.name} modified on opening: run `make myst` and `make fold`"
    )
