"""Helpers shared by the benchmark scripts: timing, process alternation, machine facts and
the assembly of ``benchmarks/RESULTS.md``.

Each script writes its own section to ``benchmarks/results/<name>.md`` and then
rebuilds RESULTS.md from all sections, so any script can be re-run alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
SECTIONS_DIR = BENCH_DIR / "results"
RESULTS = BENCH_DIR / "RESULTS.md"
SECTION_ORDER = ("lstm", "scaling", "book", "live", "layers", "backward_grads")

#: Set on some processors to pick an older OpenBLAS kernel; the benchmarks also run without.
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
#: Path of a Python interpreter that has torch (default: benchmarks/.venv-torch/bin/python).
TORCH_PYTHON_ENV = "LSTMKIT_BENCH_TORCH_PYTHON"


# --------------------------------------------------------------------------- timing


def median_time(fn, *, repeat=7, warmup=2):
    """Median wall time in seconds of ``repeat`` calls of ``fn()`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fit_exponent(xs, ys):
    """Least-squares slope of log(y) against log(x): y ~ x**slope."""
    lx, ly = [math.log(v) for v in xs], [math.log(v) for v in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum(
        (a - mx) ** 2 for a in lx
    )


# --------------------------------------------------------------------------- processes


def run_json(python, argv, *, env=None, timeout=3600):
    """Run ``python argv...`` and return the JSON object printed on its last stdout line."""
    done = subprocess.run(
        [str(python), *map(str, argv)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{python} {' '.join(map(str, argv))} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def alternate(jobs, rounds, *, env=None):
    """Run the worker ``jobs`` (name -> (python, argv)) in turn, A B A B ..., ``rounds`` times.

    Each library gets its own process (in one process two thread pools fight over the
    cores). Returns name -> list of the JSON results, one per round.
    """
    results = {name: [] for name in jobs}
    for r in range(rounds):
        for name, (python, argv) in jobs.items():
            log(f"  round {r + 1}/{rounds}: {name}")
            results[name].append(run_json(python, argv, env=env))
    return results


def env_without(*names):
    """A copy of ``os.environ`` without ``names``."""
    return {k: v for k, v in os.environ.items() if k not in names}


def torch_python():
    """The interpreter with torch, or None: $LSTMKIT_BENCH_TORCH_PYTHON or .venv-torch."""
    path = os.environ.get(TORCH_PYTHON_ENV) or BENCH_DIR / ".venv-torch" / "bin" / "python"
    path = Path(path)
    if not path.exists():
        return None
    check = subprocess.run([str(path), "-c", "import torch"], capture_output=True)
    return path if check.returncode == 0 else None


def log(message):
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- machine facts


def blas_info():
    """threadpoolctl's description of the BLAS that numpy uses in this process."""
    import numpy  # noqa: F401  (loads the BLAS so that threadpoolctl sees it)
    from threadpoolctl import threadpool_info

    keys = ("internal_api", "architecture", "num_threads", "version", "threading_layer")
    return [{k: info.get(k) for k in keys} for info in threadpool_info()]


def blas_threads():
    """Number of threads of numpy's BLAS (the CPU count if threadpoolctl sees none)."""
    infos = [i for i in blas_info() if i["internal_api"] in ("openblas", "mkl", "blis")]
    return max((i["num_threads"] for i in infos), default=os.cpu_count())


def describe_blas(infos):
    return "; ".join(
        f"{i['internal_api']} {i['version']} ({i['architecture']}, {i['num_threads']} threads)"
        for i in infos
    )


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts():
    """Date, CPU, BLAS and versions, as a dict of short strings."""
    import numpy

    import lstmkit

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    blas_env = ", ".join(f"{k}={os.environ[k]}" for k in OPENBLAS_VARS if k in os.environ)
    return {
        "date": now(),
        "CPU": f"{cpu_model()}, os.cpu_count() = {os.cpu_count()}",
        "load average (1, 5, 15 min)": load,
        "Python": platform.python_version(),
        "numpy": numpy.__version__,
        "lstmkit": lstmkit.__version__,
        "BLAS (threadpoolctl)": describe_blas(blas_info()),
        "OpenBLAS variables": blas_env or "none set",
    }


def now():
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------- notebooks


def run_instrumented(notebooks, first, last, *, timeout=900):
    """Execute each notebook (nbclient) as ``make lab``'s kernels run it, with ``first``
    as an extra first cell and ``last`` as an extra last cell; ``last`` prints
    ``"BENCH"`` and then a JSON list. Returns those lists' entries, each with its
    ``notebook`` name added."""
    import nbformat
    from nbclient import NotebookClient

    env_before = dict(os.environ)
    os.environ.pop("LSTMKIT_STATIC_FRAMES", None)
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    rows = []
    try:
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            nb.cells.insert(0, nbformat.v4.new_code_cell(first))
            nb.cells.append(nbformat.v4.new_code_cell(last))
            where = {"metadata": {"path": str(path.parent)}}
            NotebookClient(nb, timeout=timeout, resources=where).execute()
            text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
            found = json.loads(text.split("BENCH", 1)[1])
            rows += [{"notebook": path.name, **entry} for entry in found]
            log(f"  {path.name}: {len(found)} sliders")
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return rows


# --------------------------------------------------------------------------- output


def markdown_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def facts_list(facts):
    return "\n".join(f"- {k}: {v}" for k, v in facts.items())


def verdict(ok):
    return "met" if ok else "**missed**"


def ms(seconds):
    return f"{seconds * 1e3:.2f}" if seconds < 0.1 else f"{seconds * 1e3:.0f}"


def write_section(name, text):
    """Save one script's section and rebuild RESULTS.md from all sections."""
    SECTIONS_DIR.mkdir(exist_ok=True)
    (SECTIONS_DIR / f"{name}.md").write_text(text.rstrip() + "\n")
    names = [n for n in SECTION_ORDER if (SECTIONS_DIR / f"{n}.md").exists()]
    parts = [
        "# Benchmark results\n",
        "Written by the scripts in `benchmarks/` (`make bench` runs them all; see "
        "`benchmarks/README.md`). Each section says when and how it was run. Times are "
        "medians; the machine is shared, so single rounds vary by 15-25 %.\n",
        "## Machine (when this file was last written)\n",
        facts_list(machine_facts()) + "\n",
    ]
    parts += [(SECTIONS_DIR / f"{n}.md").read_text() for n in names]
    RESULTS.write_text("\n".join(parts))
    log(f"wrote {RESULTS.relative_to(REPO)} (sections: {', '.join(names)})")


def parser(description):
    """An argument parser with the options every benchmark script shares."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small subset (about a minute)")
    return p


def command_line(script, argv):
    return " ".join(["python", f"benchmarks/{script}", *argv])
