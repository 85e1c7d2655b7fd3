"""The book: clean build, incremental rebuilds, execution time of every chapter, and the
sliders (median time of one live update, size of each static slider in the built HTML).

Everything runs in a temporary copy of the work tree (without .git, _build and the
virtual environments; its .venv is a link to the repository's), so the repository's own
_build is never touched.

    python benchmarks/bench_book.py            # chapters, sliders, clean and incremental builds
    python benchmarks/bench_book.py --quick    # chapters and sliders only (static sizes from
                                               # the repository's last build, if any)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as C
import nbformat
import yaml
from nbclient import NotebookClient

BUILD = [".venv/bin/jupyter-book", "build", ".", "-W", "-n", "--keep-going"]
STATIC_FRAMES_ENV = "LSTMKIT_STATIC_FRAMES"  # the book build embeds the frames: leave it unset
COPY_IGNORE = shutil.ignore_patterns(
    ".git", "_build", ".venv", ".venv-*", ".hypothesis", ".pytest_cache", ".ruff_cache",
    "__pycache__", ".ipynb_checkpoints", ".jupyter_cache", "*.egg-info",
)  # fmt: skip
CHAPTER_LIMIT_S, CHAPTER5_LIMIT_S, BUILD_LIMIT_S, SLIDER_LIMIT_S = 60, 120, 240, 0.050

# Run before the notebook's first cell: remember every Slider that is displayed.
PREAMBLE = """\
from lstmkit.viz import Slider as _BenchSlider
_bench_sliders = []
_bench_repr = _BenchSlider._repr_mimebundle_
def _bench_record(self, include=None, exclude=None):
    if all(s is not self for _, s in _bench_sliders):
        _bench_sliders.append((get_ipython().execution_count, self))
    return _bench_repr(self, include, exclude)
_BenchSlider._repr_mimebundle_ = _bench_record
"""
# Run after the notebook's last cell: time one live update of each slider.
EPILOGUE = """\
import json as _bench_json
print("BENCH_SLIDERS " + _bench_json.dumps([
    {"count": count, "slider": repr(s), "frames": s.frame_count, "update_s": s.time_update(n=20)}
    for count, s in _bench_sliders
]))
"""


# --------------------------------------------------------------------------- discovery


def toc_files(repo):
    """Every ``file:``/``root:`` entry of _toc.yml, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("file", "root") and isinstance(v, str):
                    found.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load((repo / "_toc.yml").read_text()))
    return found


def notebooks(repo):
    """(path, in_toc) for the notebooks of _toc.yml, then any other chapters/*.ipynb."""
    listed = [repo / f"{f.removesuffix('.ipynb')}.ipynb" for f in toc_files(repo)]
    listed = [p for p in listed if p.exists()]
    others = sorted(set((repo / "chapters").glob("*.ipynb")) - set(listed))
    return [(p, True) for p in listed] + [(p, False) for p in others]


def chapter_limit(path):
    return CHAPTER5_LIMIT_S if path.name.startswith("05") else CHAPTER_LIMIT_S


# --------------------------------------------------------------------------- execution


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = dt.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def execute(path):
    """Run one notebook with nbclient (plus the slider hooks); times and slider results."""
    nb = nbformat.read(path, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREAMBLE))
    nb.cells.append(nbformat.v4.new_code_cell(EPILOGUE))
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    started = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - started
    own = nb.cells[1 : n_cells + 1]
    seconds = [cell_seconds(c) for c in own]
    slowest = max(range(len(own)), key=seconds.__getitem__) if own else 0
    count_to_cell = {c.get("execution_count"): k for k, c in enumerate(own) if "outputs" in c}
    sliders = []
    for out in nb.cells[-1].outputs:
        for line in out.get("text", "").splitlines():
            if line.startswith("BENCH_SLIDERS "):
                sliders = json.loads(line.removeprefix("BENCH_SLIDERS "))
    for s in sliders:
        s["cell"] = count_to_cell.get(s.pop("count"))
    return {
        "cells_s": sum(seconds),
        "wall_s": wall - cell_seconds(nb.cells[-1]),
        "slowest_cell": slowest,
        "slowest_s": seconds[slowest] if own else 0.0,
        "sliders": sliders,
    }


# --------------------------------------------------------------------------- builds


def build_env():
    env = {k: v for k, v in os.environ.items() if k != STATIC_FRAMES_ENV}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def copy_repo():
    """A temporary copy of the work tree whose .venv links to the repository's."""
    dest = Path(tempfile.mkdtemp(prefix="book-bench-")) / "repo"
    shutil.copytree(C.REPO, dest, ignore=COPY_IGNORE, symlinks=True)
    (dest / ".venv").symlink_to(C.REPO / ".venv")
    return dest


def timed_build(repo, label):
    C.log(f"  build: {label}")
    started = time.perf_counter()
    done = subprocess.run(BUILD, cwd=repo, env=build_env(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
    return {"label": label, "seconds": seconds, "returncode": done.returncode, "tail": tail}


def builds(repo, chapter):
    """Clean build, then a rebuild after touching ``chapter``, then after editing a code cell."""
    results = [timed_build(repo, "clean build (no _build, no execution cache)")]
    os.utime(chapter)
    results.append(timed_build(repo, f"after touching {chapter.relative_to(repo)}"))
    nb = nbformat.read(chapter, as_version=4)
    code = next((c for c in nb.cells if c.cell_type == "code"), None)
    if code is not None:
        code.source += "\n# edited by benchmarks/bench_book.py"
        nbformat.write(nb, chapter)
        results.append(
            timed_build(repo, f"after editing a code cell of {chapter.relative_to(repo)}")
        )
    return results


# --------------------------------------------------------------------------- static sliders

SLIDER_START = re.compile(r'<div class="lstmkit-slider"')
DIV = re.compile(r"<div\b|</div>")


def static_sliders(html):
    """Byte length of every ``<div class="lstmkit-slider" ...> ... </div>`` block."""
    sizes = []
    for start in SLIDER_START.finditer(html):
        depth = 0
        for tag in DIV.finditer(html, start.start()):
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                sizes.append(len(html[start.start() : tag.end()].encode()))
                break
    return sizes


def static_sizes(html_dir):
    """page name -> (sizes of its static sliders, size of the page), in bytes."""
    pages = {}
    for page in sorted((html_dir / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        pages[page.stem] = (static_sliders(text), len(text.encode()))
    return pages


# --------------------------------------------------------------------------- report


def chapter_table(chapters):
    rows = []
    for name, info in chapters.items():
        limit = chapter_limit(Path(name))
        rows.append(
            [
                name + ("" if info["in_toc"] else " (not in _toc.yml)"),
                f"{info['cells_s']:.1f}",
                f"{info['wall_s']:.1f}",
                f"cell {info['slowest_cell']}: {info['slowest_s']:.1f} s",
                f"<= {limit} s: {C.verdict(info['wall_s'] <= limit)}",
            ]
        )
    headers = ["notebook", "cells s", "with kernel start s", "slowest cell", "target"]
    return C.markdown_table(headers, rows)


def slider_table(chapters, pages):
    rows = []
    for name, info in chapters.items():
        stem = Path(name).stem
        static = pages.get(stem, ([], 0))[0]
        for k, s in enumerate(info["sliders"]):
            size = f"{static[k] / 1e3:.0f}" if k < len(static) else "not in the HTML"
            rows.append(
                [
                    stem,
                    s["cell"],
                    s["slider"].replace("|", "\\|"),
                    f"{s['update_s'] * 1e3:.1f}",
                    C.verdict(s["update_s"] <= SLIDER_LIMIT_S),
                    size,
                ]
            )
        for k in range(len(info["sliders"]), len(static)):
            rows.append([stem, "?", "static only", "", "", f"{static[k] / 1e3:.0f}"])
    headers = ["chapter", "cell", "slider", "live update ms", "<= 50 ms", "static KB"]
    return C.markdown_table(headers, rows) if rows else "No sliders in the book yet."


def main(argv=None):
    p = C.parser(__doc__.splitlines()[0])
    p.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = p.parse_args(argv)
    started = C.now()
    os.environ.pop(STATIC_FRAMES_ENV, None)  # the kernels render static frames, as in the build
    repo = copy_repo()
    C.log(f"book benchmark in {repo}")
    found = notebooks(repo)
    builds_done = []
    try:
        if not args.quick and found:
            builds_done = builds(repo, found[-1][0])
            html_dir, html_note = repo / "_build" / "html", "the clean build above"
        else:
            html_dir = C.REPO / "_build" / "html"
            html_note = "the repository's last build (`_build/html`, not rebuilt by --quick)"
        pages = static_sizes(html_dir) if html_dir.exists() else {}
        chapters = {}
        for path, in_toc in found:
            C.log(f"  executing {path.relative_to(repo)}")
            chapters[str(path.relative_to(repo))] = {**execute(path), "in_toc": in_toc}
    finally:
        if not args.keep:
            shutil.rmtree(repo.parent, ignore_errors=True)

    text = [
        "## 4-5. The book: builds, chapters and sliders\n",
        f"Run {started} with `{C.command_line('bench_book.py', argv or sys.argv[1:])}` in a "
        "temporary copy of the work tree (its `.venv` links to the repository's), "
        f"`{STATIC_FRAMES_ENV}` unset as in the book build.\n",
    ]
    if builds_done:
        rows = [
            [b["label"], f"{b['seconds']:.0f}", "ok" if b["returncode"] == 0 else "**failed**"]
            for b in builds_done
        ]
        clean = builds_done[0]
        text += [
            f"### Builds: `{' '.join(BUILD)}`\n",
            C.markdown_table(["build", "seconds", "result"], rows) + "\n",
            f"Clean build <= {BUILD_LIMIT_S // 60} min on {os.cpu_count()} cores: "
            f"{C.verdict(clean['seconds'] <= BUILD_LIMIT_S and clean['returncode'] == 0)}.\n",
        ]
        for b in builds_done:
            if b["returncode"] != 0:
                text.append(f"Last lines of the failed {b['label']}:\n\n```\n")
                text.append("\n".join(b["tail"]) + "\n```\n")
    text += [
        "### Execution time of every notebook\n",
        "Each notebook run once with nbclient in the project's kernel (working directory "
        "`chapters/`). `cells`: the sum of the cells' execution times; `with kernel "
        "start`: the whole run.\n",
        chapter_table(chapters) + "\n",
        "### Sliders\n",
        "Every slider a notebook displays (recorded by a hook on `Slider._repr_mimebundle_`): "
        "`Slider.time_update(n=20)`, the median of 20 live updates (compute + redraw + PNG); "
        f'static KB: the `<div class="lstmkit-slider">` block in {html_note}, matched in '
        "order of display.\n",
        slider_table(chapters, pages) + "\n",
    ]
    C.write_section("book", "\n".join(text))
    print("\n".join(text))
    return chapters, builds_done


if __name__ == "__main__":
    main()
