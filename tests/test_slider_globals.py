"""No cell rebinds a global name that a slider's draw function reads.

A slider keeps its ``draw`` function (and a callable ``alt``) and calls it each time a reader
moves it, long after the cell that made it ran. The function then reads the notebook's
globals as they are *then*: a later cell that reuses a name (``grid``, ``size``, ``d``,
``edges``: each happened, and each slider failed in JupyterLab after Run All, while every
test of the executed notebook passed) silently hands it something else. This test reads the
code, so it catches that without running a kernel: for every ``slider(...)`` call it collects
the global names its draw function and alt text read (through the notebook's other
functions too) and fails if a later top-level statement binds one of them again.
"""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        yield ast.parse("\n".join(lines))


def _bound(node):
    """Names a statement binds at its own level (not inside functions or classes)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}  # its body is another scope
    names = set()
    for sub in _walk_level(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(sub.name)
    return names


def _walk_level(node):
    """ast.walk that does not enter function, lambda, class or comprehension scopes."""
    todo = [node]
    while todo:
        current = todo.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            scope = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
                     ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)  # fmt: skip
            if isinstance(child, scope):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    yield child  # its name is bound here, its body is another scope
                continue
            todo.append(child)


def _reads(node):
    """Free names a function, lambda or expression reads (its own locals and arguments
    left out)."""
    loads, stores = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (loads if isinstance(sub.ctx, ast.Load) else stores).add(sub.id)
        elif isinstance(sub, ast.arg):
            stores.add(sub.arg)
        elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and sub is not node:
            stores.add(sub.name)
    return loads - stores


def _slider_calls(tree):
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Call):
            func = sub.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "slider":
                yield sub


def rebound(path):
    """``[(slider cell, name, cell that rebinds it)]`` for notebook ``path``."""
    trees = list(_code_cells(path))
    functions = {}  # top-level function name -> its definition, as of each cell
    found = []
    for i, tree in enumerate(trees):
        for stmt in tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[stmt.name] = stmt
        for call in _slider_calls(tree):
            parts = call.args[:1] + [k.value for k in call.keywords if k.arg == "alt"]
            read, todo = set(), [n for p in parts for n in _reads(p)]
            while todo:
                name = todo.pop()
                if name in read:
                    continue
                read.add(name)
                if name in functions:
                    todo += _reads(functions[name])
            later = [s for t in trees[i + 1 :] for s in t.body]
            later += [s for s in tree.body if s.lineno > call.lineno]
            for stmt in later:
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    continue  # a module imported again is the same module
                for name in sorted(_bound(stmt) & read):
                    found.append((i, name, ast.unparse(stmt).splitlines()[0][:60]))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_later_cell_rebinds_what_a_slider_reads(path):
    assert rebound(path) == []


def test_the_check_finds_a_rebound_name(tmp_path):
    cells = [
        "import lstmkit as lk\ngrid = [1, 2]\n\ndef frame(t):\n    return show(grid, t)\n",
        "def show(values, t):\n    return values[t] * size\n\nsize = 3",
        "s = lk.viz.slider(frame, t=[0, 1], alt=lambda t: f'{label} {t}')",
        "grid = 'something else'\nlabel = 'x'\nfor size in range(2):\n    pass",
        "import numpy as np\n\ndef helper():\n    grid = 0\n    return grid",
    ]
    nb = {"cells": [{"cell_type": "code", "source": c} for c in cells]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert sorted(name for _, name, _ in rebound(path)) == ["grid", "label", "size"]
