"""The command line both notebook rewriters share (_ext/fold.py, _ext/myst_lab.py).

Each rewriter is a pure function from a notebook dict to a notebook dict; :func:`rewrite`
applies it to the files named on the command line, in place, or with ``--check`` only
reports the files it would change (exit status 1), which is how the tests ask whether a
notebook is up to date.
"""

import argparse
import json
from pathlib import Path


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
