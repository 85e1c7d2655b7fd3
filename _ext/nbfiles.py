"""What both notebook rewriters share (_ext/fold.py, _ext/myst_lab.py).

Each rewriter is a pure function from a notebook dict to a notebook dict; :func:`rewrite`
applies it to the files named on the command line, in place, or with ``--check`` only
reports the files it would change (exit status 1), which is how the tests ask whether a
notebook is up to date. Both end with :func:`lab_form`, so the notebooks they write are
the ones JupyterLab opens without changing them: no tab marked modified before the reader
has done anything, and nothing for the reader to save.
"""

import argparse
import json
from pathlib import Path

from ipykernel.kernelspec import KERNEL_NAME, get_kernel_dict


def lab_form(nb):
    """Return a copy of notebook dict ``nb`` with what JupyterLab 4 writes into it on opening.

    * ``metadata.kernelspec``: when the kernel starts, JupyterLab sets it to the kernel's
      ``{name, display_name, language}``, and any other value marks the notebook modified.
      The book's kernel is ipykernel's ``python3``, ``"Python 3 (ipykernel)"``.
    * a cell's ``collapsed`` and ``jupyter.outputs_hidden`` (nbformat's old and new name of
      "outputs folded"): JupyterLab's cell model keeps the two equal, adding the one that is
      missing (``collapsed`` wins when they differ), so a saved notebook gains ``collapsed``.
    * a cell's ``source``: JupyterLab holds it as one string, and the server saves it as
      nbformat does, the lines of that string with their newlines kept, so a list with an
      empty last line ``""`` (or a string) comes back as another list.

    (``metadata.language_info`` is JupyterLab's too, but ``make notebooks`` writes it from
    the same kernel; a reader whose Python differs gets its version updated, as in any
    notebook.)
    """
    spec = get_kernel_dict()
    kernelspec = {"display_name": spec["display_name"], "language": spec["language"],
                  "name": KERNEL_NAME}  # fmt: skip
    return {
        **nb,
        "metadata": {**nb.get("metadata", {}), "kernelspec": kernelspec},
        "cells": [_source_form(_collapse_form(c)) for c in nb["cells"]],
    }


def _source_form(cell):
    source = cell.get("source", [])
    lines = "".join(source).splitlines(keepends=True)  # nbformat's split_lines
    return cell if source == lines else {**cell, "source": lines}


def _collapse_form(cell):
    meta = cell.get("metadata", {})
    jupyter = meta.get("jupyter", {})
    if "collapsed" in meta:
        hidden = meta["collapsed"]
    elif "outputs_hidden" in jupyter:
        hidden = jupyter["outputs_hidden"]
    else:
        return cell
    if meta.get("collapsed") == hidden and jupyter.get("outputs_hidden") == hidden:
        return cell
    meta = {**meta, "collapsed": hidden, "jupyter": {**jupyter, "outputs_hidden": hidden}}
    return {**cell, "metadata": meta}


def dumps(nb):
    """Serialise as nbformat does (sorted keys, indent 1, non-ASCII kept, final newline)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def rewrite(transform, description, done, argv=None):
    """Rewrite each notebook of ``argv`` as ``transform(nb, path)``; print ``done: path`` for
    each one changed (``not done: path`` with ``--check``, which changes nothing)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if a notebook would change"
    )
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        new = transform(nb, path)
        if new != nb:
            stale.append(path)
            if not args.check:
                path.write_text(dumps(new), encoding="utf-8")
    for path in stale:
        print(f"{'not ' + done if args.check else done}: {path}")
    return 1 if (args.check and stale) else 0
