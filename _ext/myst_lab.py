"""MyST that reads the same in the HTML book and in JupyterLab (jupyterlab-myst).

JupyterLab renders markdown cells with the ``jupyterlab-myst`` extension (pinned in
requirements.txt). It understands most of the MyST the chapters are written in: admonitions,
``(label)=`` lines, ``{exercise}``, gated ``{solution-start}``/``{solution-end}``, ``$$ ... $$
(label)`` equations, and ``{ref}``/``{eq}``/``{numref}`` to a target *in the same notebook*.
It renders one notebook at a time, though, reads no file, and has no bibliography, so six things
need help.
This script is their one home: a chapter keeps writing standard MyST, and this script rewrites
each notebook into the form both front ends read (idempotent: running it twice changes
nothing).

1. **References to another notebook.** ``{ref}`ch2-bptt``` in chapter 5 becomes the markdown
   link ``[Backpropagation through time](02_simple_rnn.ipynb#ch2-bptt)`` (text: the title of
   the target's heading, or the explicit text of ``{ref}`text <label>```). A click opens the
   other notebook at that heading: JupyterLab 4.6 alone would leave it at its top (it looks
   for the anchor before jupyterlab-myst has rendered the heading that carries it), so the
   book's small JupyterLab extension ``_ext/labextension`` makes the notebook wait for the
   heading and scroll to it. ``_ext/jupyterlab-overrides.json`` sets ``windowingMode: none``:
   jupyterlab-myst resolves a reference to a cell further down only when every cell is
   rendered. ``make venv`` installs both into the environment.
2. **Citations.** ``{cite:t}`greff2017lstm``` becomes
   ``[Greff et al. (2017)](#cite-greff2017lstm)``, ``{cite:p}`a,b``` becomes
   ``([A, 2001](#cite-a); [B, 2002](#cite-b))`` and the year alone,
   ``{cite:year}`greff2017lstm```, becomes ``[2017](#cite-greff2017lstm)``; a last cell,
   "References", lists the works the notebook cites (from ``references.bib``), one target
   ``(cite-key)=`` each, so a click jumps to the full reference.
3. **Numbers per chapter.** A first markdown cell holds the page front matter
   ``numbering: {enumerator: "N.%s"}``, so JupyterLab numbers exercises and equations
   "Exercise 2.3" and "(2.3)", as the book does (``numfig_secnum_depth: 1`` in _config.yml).
4. **Folded solutions.** jupyterlab-myst renders a gated solution, which spans cells, as
   "Start of Solution to Exercise 2.1" and an empty "End of" bar. In each notebook the
   ``{solution-start}`` directive is commented out (``%`` lines, which neither front end
   shows) above a ``{solution}`` directive holding the rest of its cell, a dropdown titled
   "Solution to Exercise 2.1"; ``{solution-end}`` is commented out the same way. Code cells
   between the two get ``"jupyter": {"source_hidden": true, "outputs_hidden": true}`` and
   ``"collapsed": true`` (the old name JupyterLab keeps equal to ``outputs_hidden``):
   JupyterLab folds them, as the book's solution dropdown does. A cell that is left empty
   (only the end marker, or only the front matter of 3) renders to nothing, and the book's
   JupyterLab extension hides it.
5. **Code listings.** A ``literalinclude`` of ``lstmkit`` code would be an empty line in
   JupyterLab (jupyterlab-myst does not read files). The directive is kept, commented out
   (``%`` lines, which neither front end shows), above a ``python`` code block holding the
   lines it selects, as Sphinx's own reader selects them (``:pyobject:``, ``:lines:``,
   ``:start-at:``, ``:dedent:``, ...). A change to the included code makes the notebook
   "not converted" until ``make myst`` copies it again.
6. **Years of events.** ``chapters/milestones.csv`` is the one home of the dates chapter 3
   tells (columns ``id,year,kind,strand,key,label``); each row defines the MyST substitution
   ``year_<id>``, so the prose writes ``{{ year_dartmouth_workshop }}`` and the book prints
   the row's year. jupyterlab-myst knows no substitutions: the notebook holds the year as a
   link to the timeline, ``[1956](03_history.ipynb#ch3-timeline "year_dartmouth_workshop")``
   (no file name inside chapter 3), whose title names the row. A changed year in the file
   makes the notebook "not converted" until ``make myst``, as a changed bibliography year does.

The two added cells carry the tag ``remove-cell``: the book does not show them (it has its
bibliography page). For the book, this module is also a Sphinx extension (``_config.yml``):
on ``source-read`` it turns the links of 1, 2 and 6 back into ``{ref}``, ``{cite:p}``,
``{cite:t}`` and ``{cite:year}`` roles and substitutions (which it defines from the file on
``config-inited``), the solutions of 4 back into gated ones and the listings of 5 back into
``literalinclude``, so Sphinx resolves, numbers, checks and includes them exactly as before
(``-W -n``).

Usage (``make notebooks`` and ``make myst`` run it on every notebook)::

    python _ext/myst_lab.py chapters/*.ipynb          # convert in place
    python _ext/myst_lab.py --check chapters/*.ipynb  # exit 1 if any notebook would change

``tests/test_myst_lab.py`` fails when a notebook is not converted.
"""

import codecs
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

import latexcodec  # noqa: F401 (registers the "ulatex" codec)
from nbfiles import lab_form, rewrite

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
BIB = ROOT / "references.bib"
MILESTONES = "milestones.csv"  # in the chapters' directory (6 of the module docstring)
TIMELINE = "ch3-timeline"  # the label of the timeline the years link to
TOC = ROOT / "_toc.yml"

REMOVE = "remove-cell"
FRONTMATTER_ID = "myst-lab-frontmatter"
REFERENCES_ID = "myst-lab-references"
CITE_PREFIX = "cite-"

LABEL_LINE = re.compile(r"^\(([\w.:-]+)\)=\s*$", re.M)
HEADING = re.compile(r"^#+\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(?:`{3,}|:{3,})\{[\w:-]+\}(.*)$")
OPTION_LABEL = re.compile(r"^\s*:(?:label|name):\s*([\w.:-]+)\s*$")
EQ_LABEL = re.compile(r"\$\$\s*\(([\w.:-]+)\)")
REF_ROLE = re.compile(r"\{ref\}`([^`]*)`")
CROSS_ROLE = re.compile(r"\{(eq|numref)\}`([^`]*)`")
CITE_ROLE = re.compile(r"\{cite:(p|t|year)\}`([^`]*)`")
YEAR_ID = r"year_[a-z][a-z0-9_]*"
YEAR_SUBSTITUTION = re.compile(rf"\{{\{{\s*({YEAR_ID})\s*\}}\}}")
KEY = r"[\w.:-]+"
# the converted forms (see the module docstring)
YEAR = r"(?:\d{4}[a-z]?|n\.d\.)"  # a bibliography year as printed
CITE_LINK = rf"\[[^\[\]]*, {YEAR}\]\(#{CITE_PREFIX}({KEY})\)"  # one work of {cite:p}
CITE_P = re.compile(rf"\(({CITE_LINK}(?:; {CITE_LINK})*)\)")
CITE_T = re.compile(rf"\[[^\[\]]* \({YEAR}\)\]\(#{CITE_PREFIX}({KEY})\)")
CITE_YEAR = re.compile(rf"\[{YEAR}\]\(#{CITE_PREFIX}({KEY})\)")
YEAR_LINK = re.compile(rf'\[\d{{4}}\]\((?:[\w.-]+\.ipynb)?#{TIMELINE} "({YEAR_ID})"\)')
NB_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([\w.-]+\.(?:ipynb|md))#([\w.:-]+)\)")
# a literalinclude directive (native), and the same directive commented out (% lines) above the
# code it includes (portable)
_INCLUDE = r"(?P<fence>`{3,}|:{3,})\{literalinclude\}[ \t]+(?P<path>\S+)[ \t]*\n"
INCLUDE = re.compile(rf"^{_INCLUDE}(?P<options>(?:[ \t]*:[\w-]+:.*\n)*)(?P=fence)[ \t]*$", re.M)
INCLUDED = re.compile(
    rf"^% {_INCLUDE}(?P<options>(?:% [ \t]*:[\w-]+:.*\n)*)% (?P=fence)[ \t]*\n"
    r"(?P<code_fence>`{3,})python\n(?:.*\n)*?(?P=code_fence)[ \t]*$",
    re.M,
)
INCLUDE_OPTION = re.compile(r"^[ \t]*:([\w-]+):[ \t]*(.*?)[ \t]*$")
# a gated solution's start directive and the rest of its cell (native); the same directive
# commented out above a {solution} directive that holds the rest of the cell (portable)
SOLUTION_START = re.compile(
    r"^(?P<directive>(?P<fence>`{3,}|:{3,})\{solution-start\}[ \t]+(?P<label>\S+)[ \t]*\n"
    r"(?P<options>(?:[ \t]*:[\w-]+:.*\n)*)(?P=fence)[ \t]*)(?P<rest>(?:\n.*)*)\Z",
    re.M,
)
SOLUTION_STARTED = re.compile(
    r"^(?P<commented>% (?P<fence>`{3,}|:{3,})\{solution-start\}.*\n(?:% .*\n)*?"
    r"% (?P=fence)[ \t]*)\n"
    r"(?P<colons>:{4,})\{solution\}[ \t]+\S+(?P<body>(?:\n.*)*?)\n(?P=colons)\Z",
    re.M,
)
_END = r"(?P<fence>`{3,}|:{3,})\{solution-end\}[ \t]*\n"
SOLUTION_END = re.compile(rf"^{_END}(?P=fence)[ \t]*$", re.M)
SOLUTION_ENDED = re.compile(rf"^% {_END}% (?P=fence)[ \t]*$", re.M)


# --------------------------------------------------------------------------- the book's data


@lru_cache(maxsize=1)
def chapter_numbers():
    """``{"02_simple_rnn.ipynb": 2, ...}``: the chapters of the numbered parts of _toc.yml."""
    import yaml

    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    numbers, n = {}, 0
    for part in toc.get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter in part.get("chapters", []):
            n += 1
            numbers[Path(chapter["file"]).name + ".ipynb"] = n
    return numbers


def _markdown_sources(path):
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = json.loads(path.read_text(encoding="utf-8"))
    texts = [_source(c) for c in nb["cells"] if c["cell_type"] == "markdown" and not _ours(c)]
    return [_structure_native(text) for text in texts]  # not the included code


def labels(directory=CHAPTERS):
    """``{label: (file name, title or None)}`` for every target of the chapters.

    Targets are ``(label)=`` lines (title: the heading below), the ``:label:`` of a directive
    (title: the directive's argument, e.g. an exercise's title) and ``$$ (label)`` equations.
    """
    found = {}
    for path in sorted([*directory.glob("*.ipynb"), *directory.glob("*.md")]):
        for text in _markdown_sources(path):
            lines = text.splitlines()
            fence_title = None
            for i, line in enumerate(lines):
                fence = FENCE.match(line)
                if fence:
                    fence_title = fence.group(1).strip() or None
                option = OPTION_LABEL.match(line)
                if option:
                    found[option.group(1)] = (path.name, fence_title)
                for label in EQ_LABEL.findall(line):
                    found[label] = (path.name, None)
                match = LABEL_LINE.match(line)
                if not match:
                    continue
                rest = [x for x in lines[i + 1 :] if x.strip() and not LABEL_LINE.match(x)]
                heading = HEADING.match(rest[0]) if rest else None
                found[match.group(1)] = (path.name, heading.group(1) if heading else None)
    return found


def _latex(text):
    text = codecs.decode(text, "ulatex")
    return re.sub(r"[{}]", "", text).replace("\\", "").strip()


@lru_cache(maxsize=1)
def bibliography():
    """``{key: {"short": "Greff et al.", "year": "2017", "full": "..."}}`` from references.bib."""
    from pybtex.database import parse_file

    entries = {}
    for key, entry in parse_file(str(BIB)).entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        lasts = [_latex(" ".join(p.prelast_names + p.last_names)) for p in people]
        if not lasts:
            short = _latex(entry.fields.get("organization", entry.fields.get("title", key)))
        elif len(lasts) == 1:
            short = lasts[0]
        elif len(lasts) == 2:
            short = f"{lasts[0]} and {lasts[1]}"
        else:
            short = f"{lasts[0]} et al."
        names = [_latex(" ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names))
                 for p in people]  # fmt: skip
        fields = {k.lower(): _latex(v) for k, v in entry.fields.items()}
        venue = next(
            (fields[f] for f in ("journal", "booktitle", "publisher", "school", "institution",
                                 "howpublished") if f in fields),
            "",
        )  # fmt: skip
        full = ", ".join(names) if names else short
        full += f" ({fields.get('year', 'n.d.')}). {fields.get('title', '')}."
        if venue:
            full += f" *{venue}*."
        entries[key] = {"short": short, "year": fields.get("year", "n.d."), "full": full}
    return entries


def years(directory=CHAPTERS):
    """``{"year_<id>": "1956", ...}``: the substitutions of ``milestones.csv`` (6 above)."""
    return dict(_years(Path(directory) / MILESTONES))


@lru_cache(maxsize=4)
def _years(path):
    import csv

    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    header = ["id", "year", "kind", "strand", "key", "label"]
    if not rows or list(rows[0]) != header:
        raise ValueError(f"{path}: expected the header {','.join(header)}")
    found = {}
    for row in rows:
        name = f"year_{row['id']}"
        if not re.fullmatch(YEAR_ID, name) or name in found:
            raise ValueError(f"{path}: id {row['id']!r} is not unique or not [a-z][a-z0-9_]*")
        if not re.fullmatch(r"\d{4}", row["year"]) or row["kind"] not in ("milestone", "aside"):
            raise ValueError(
                f"{path}: row {row['id']!r} needs a four-digit year and a kind "
                f"'milestone' or 'aside'; got {row['year']!r}, {row['kind']!r}"
            )
        found[name] = row["year"]
    return tuple(found.items())


# --------------------------------------------------------------------------- markdown


def _cite_t(key):
    bib = bibliography()[key]
    return f"[{bib['short']} ({bib['year']})](#{CITE_PREFIX}{key})"


def _cite_year(key):
    return f"[{bibliography()[key]['year']}](#{CITE_PREFIX}{key})"


def _cite_p(keys):
    parts = []
    for key in keys:
        bib = bibliography()[key]
        parts.append(f"[{bib['short']}, {bib['year']}](#{CITE_PREFIX}{key})")
    return "(" + "; ".join(parts) + ")"


def _keys(text):
    keys = [k.strip() for k in text.split(",") if k.strip()]
    missing = [k for k in keys if k not in bibliography()]
    if missing or any(not re.fullmatch(KEY, k) for k in keys):
        raise ValueError(f"citation keys not in references.bib (or not plain keys): {text!r}")
    return keys


def included(path, options, directory=CHAPTERS):
    """The code a ``literalinclude`` of ``path`` (relative to ``directory``) shows in the book.

    ``options``: the directive's options as written (``{"pyobject": "backward", ...}``). Sphinx's
    own reader selects the lines (``pyobject``, ``lines``, ``start-at``, ``dedent``, ...), so
    JupyterLab shows exactly what the book shows.
    """
    from types import SimpleNamespace

    from sphinx.directives.code import LiteralIncludeReader

    numeric = ("dedent", "tab-width", "lineno-start")
    parsed = {k: (int(v) if k in numeric and v else v or None) for k, v in options.items()}
    config = SimpleNamespace(source_encoding="utf-8-sig")
    text, _ = LiteralIncludeReader(str(directory / path), parsed, config).read()
    return text


def _include_options(match):
    lines = [re.sub(r"^% ", "", line) for line in match.group("options").splitlines()]
    return dict(INCLUDE_OPTION.match(line).groups() for line in lines)


def listings(text, directory=CHAPTERS):
    """The code of each ``literalinclude`` in ``text`` (native or converted), as the book shows."""
    native = _structure_native(text)
    found = INCLUDE.finditer(native)
    return [included(m.group("path"), _include_options(m), directory) for m in found]


def _include_portable(match, directory):
    code = included(match.group("path"), _include_options(match), directory).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    directive = [f"% {line}" for line in match.group(0).splitlines()]
    return "\n".join([*directive, f"{fence}python", code, fence])


def _include_native(match):
    lines = match.group(0).splitlines()
    directive = [line[2:] for line in lines if line.startswith("% ")]
    return "\n".join(directive)


def _solution_portable(match):
    rest = match.group("rest")
    if "{solution-end}" in rest:
        return match.group(0)  # a solution within one cell: jupyterlab-myst renders it as it is
    longest = max((len(run) for run in re.findall(r"^\s*(:{3,})", rest, re.M)), default=0)
    colons = ":" * max(4, longest + 1)
    options = match.group("options").splitlines()
    directive = [f"% {line}" for line in match.group("directive").splitlines()]
    opening = f"{colons}{{solution}} {match.group('label')}"
    return "\n".join([*directive, opening, *options]) + rest + "\n" + colons


def _solution_native(match):
    directive = "\n".join(line[2:] for line in match.group("commented").splitlines())
    options = directive.splitlines()[1:-1]
    prefix = "".join("\n" + line for line in options)
    assert match.group("body").startswith(prefix), match.group(0)
    return directive + match.group("body")[len(prefix) :]


def _comment(match):
    return "\n".join(f"% {line}" for line in match.group(0).splitlines())


def _uncomment(match):
    return "\n".join(line[2:] for line in match.group(0).splitlines())


def _structure_native(text):
    """Undo 4 and 5 of the module docstring: the gated solutions and the literalincludes."""
    text = SOLUTION_ENDED.sub(_uncomment, SOLUTION_STARTED.sub(_solution_native, text))
    return INCLUDED.sub(_include_native, text)


def to_portable(text, notebook, targets, directory=CHAPTERS):
    """Native MyST -> the form both front ends render (``notebook``: this file's name in
    ``directory``)."""

    def ref(match):
        body = match.group(1)
        explicit = re.fullmatch(r"(.*?)\s*<([\w.:-]+)>", body, re.S)
        label = explicit.group(2) if explicit else body.strip()
        where, title = targets.get(label, (notebook, None))
        if where == notebook:
            return match.group(0)  # jupyterlab-myst resolves it in the notebook (Sphinx: -n)
        text = explicit.group(1) if explicit else (title or label)
        return f"[{text}]({where}#{label})"

    def cross(match):
        role, body = match.groups()
        label = re.sub(r".*<([^>]*)>\s*$", r"\1", body, flags=re.S).strip()
        where = targets.get(label, (notebook, None))[0]
        if where != notebook:
            raise ValueError(f"{notebook}: {{{role}}}`{body}` points into {where}: use {{ref}}")
        return match.group(0)

    def cite(match):
        kind, body = match.groups()
        keys = _keys(body)
        if kind == "p":
            return _cite_p(keys)
        return ", ".join((_cite_t if kind == "t" else _cite_year)(k) for k in keys)

    def year(match):
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{{{{ {name} }}}}: no row {name[5:]!r} in chapters/{MILESTONES}")
        where = targets.get(TIMELINE, (notebook, None))[0]
        page = "" if where == notebook else where
        return f'[{values[name]}]({page}#{TIMELINE} "{name}")'

    values = years(directory)
    text = REF_ROLE.sub(ref, text)
    CROSS_ROLE.sub(cross, text)
    text = CITE_ROLE.sub(cite, text)
    text = YEAR_SUBSTITUTION.sub(year, text)
    text = INCLUDE.sub(lambda m: _include_portable(m, directory), text)  # after roles: code stays
    return SOLUTION_END.sub(_comment, SOLUTION_START.sub(_solution_portable, text))


def to_native(text, targets):
    """The converted form -> native MyST roles (what Sphinx reads; inverse of to_portable)."""

    def nb_link(match):
        shown, _, label = match.groups()
        if label not in targets:
            return match.group(0)  # an ordinary link with an anchor
        title = targets[label][1]
        return f"{{ref}}`{label}`" if shown == title else f"{{ref}}`{shown} <{label}>`"

    def cite_p(match):
        keys = re.findall(rf"\(#{CITE_PREFIX}({KEY})\)", match.group(1))
        return "{cite:p}`" + ",".join(keys) + "`"

    text = _structure_native(text)  # first: the included code is not converted
    text = YEAR_LINK.sub(lambda m: f"{{{{ {m.group(1)} }}}}", text)
    text = CITE_YEAR.sub(lambda m: f"{{cite:year}}`{m.group(1)}`", text)
    text = CITE_P.sub(cite_p, text)
    text = CITE_T.sub(lambda m: f"{{cite:t}}`{m.group(1)}`", text)
    return NB_LINK.sub(nb_link, text)


def cited(text):
    """The citation keys of native ``text``, in order of first use."""
    keys = []
    for match in CITE_ROLE.finditer(text):
        keys += [k for k in _keys(match.group(2)) if k not in keys]
    return keys


# --------------------------------------------------------------------------- notebooks


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _ours(cell):
    return cell.get("id") in (FRONTMATTER_ID, REFERENCES_ID)


def _lines(text):
    """nbformat's on-disk form of a source: a list of lines, newlines kept."""
    return text.splitlines(keepends=True)


def _frontmatter_cell(number):
    text = (
        "---\n"
        "# JupyterLab (jupyterlab-myst) numbers exercises and equations as the book does.\n"
        "# Written by _ext/myst_lab.py; the book does not show this cell (tag remove-cell).\n"
        "numbering:\n"
        f"  enumerator: {number}.%s\n"
        "---"
    )
    return {
        "cell_type": "markdown",
        "id": FRONTMATTER_ID,
        "metadata": {"tags": [REMOVE]},
        "source": _lines(text),
    }


def _references_cell(keys):
    bib = bibliography()
    entries = [f"({CITE_PREFIX}{k})=\n{bib[k]['full']}\n" for k in keys]
    text = (
        "## References\n\n"
        "The works this notebook cites; the book lists them all on its Bibliography page.\n\n"
        + "\n".join(entries)
    )
    return {
        "cell_type": "markdown",
        "id": REFERENCES_ID,
        "metadata": {"tags": [REMOVE]},
        "source": _lines(text.rstrip("\n")),
    }


def _fold_solution(cell):
    meta = dict(cell.get("metadata", {}))
    meta["jupyter"] = {**meta.get("jupyter", {}), "source_hidden": True, "outputs_hidden": True}
    meta["collapsed"] = True
    return {**cell, "metadata": meta}


def convert_notebook(nb, name, targets=None, directory=CHAPTERS):
    """Return a copy of notebook dict ``nb`` (file name ``name``) in the converted form."""
    targets = labels(directory) if targets is None else targets
    cells, keys, in_solution = [], [], False
    for cell in nb["cells"]:
        if _ours(cell):
            continue  # rewritten below
        if cell["cell_type"] == "markdown":
            native = to_native(_source(cell), targets)
            keys += [k for k in cited(native) if k not in keys]
            portable = to_portable(native, name, targets, directory)
            if portable != _source(cell):
                cell = {**cell, "source": _lines(portable)}
            if "{solution-start}" in native:
                in_solution = "{solution-end}" not in native.split("{solution-start}")[-1]
            elif "{solution-end}" in native:
                in_solution = False
        elif cell["cell_type"] == "code" and in_solution:
            cell = _fold_solution(cell)
        cells.append(cell)
    number = chapter_numbers().get(name)
    if number is not None:
        cells.insert(0, _frontmatter_cell(number))
    if keys:
        cells.append(_references_cell(keys))
    return lab_form({**nb, "cells": cells})


def main(argv=None):
    targets = {}  # per directory of notebooks

    def convert(nb, path):
        here = path.resolve().parent
        targets.setdefault(here, labels(here))
        return convert_notebook(nb, path.name, targets[here], here)

    return rewrite(convert, __doc__.splitlines()[0], "converted", argv)


# --------------------------------------------------------------------------- Sphinx


def _source_read(app, docname, content):
    """Give Sphinx the native roles of a converted notebook (the links back to {ref}/{cite})."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = json.loads(content[0])
    targets = labels(Path(app.srcdir) / "chapters")
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and not _ours(cell):
            cell["source"] = to_native(_source(cell), targets)
    content[0] = json.dumps(nb, ensure_ascii=False)


def _define_years(app, config):
    """Every row of chapters/milestones.csv is the substitution ``year_<id>`` (6 above)."""
    config.myst_substitutions = {**config.myst_substitutions,
                                 **years(Path(app.srcdir) / "chapters")}  # fmt: skip


def setup(app):
    app.connect("config-inited", _define_years)
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
