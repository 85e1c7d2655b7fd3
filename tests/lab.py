"""Run the chapter notebooks in a real JupyterLab, as a reader does, and drive it with Playwright.

Used by ``tests/test_lab_browser.py`` and ``benchmarks/bench_live_slider.py``.

:func:`jupyterlab` starts the JupyterLab of the book's ``.venv`` on 127.0.0.1 at a free port,
without a token, on a temporary copy of the notebooks beside links to the rest of the
repository (Run All must not overwrite the committed outputs), with its own settings,
config and data folders so that nothing of the machine's own Jupyter set-up takes part,
news and update checks off and the extension manager read-only: nothing is fetched from
the internet. The kernels get the environment ``make lab`` gives them: no
``LSTMKIT_STATIC_FRAMES``, so sliders are live only.
"""

import contextlib
import difflib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"

# JupyterLab settings for the test: every cell stays in the DOM (no windowing), and no
# news or update checks. Written to a fresh settings folder.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}
# Variables that would make the kernels differ from what `make lab` starts.
DROPPED_ENV = ("LSTMKIT_STATIC_FRAMES", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "PYTHONPATH")

STDERR = "application/vnd.jupyter.stderr"
# Selectors of what a reader would see as a failure.
ERROR_OUTPUT = f'.jp-OutputArea-output[data-mime-type="{STDERR}"]'
WIDGET_ERROR = (
    ".jupyter-widgets.widget-error, .jp-OutputArea-output:has-text('Error displaying widget')"
)
LIVE_SLIDER = ".widget-vbox:has(img.lstmkit-slider-live)"
# MyST markup a reader must never see in a rendered markdown cell (issue 20): a role or
# directive name in braces, a ``` or ::: fence, a directive option line, a (label)= line.
RAW_MYST = re.compile(
    r"\{(?:ref|numref|eq|doc|cite(?::\w+)?|term|abbr|kbd|download|prf:\w+|exercise|"
    r"solution(?:-start|-end)?|admonition|note|warning|tip|important|caution|literalinclude|"
    r"figure|math|code-cell|bibliography|eval-rst)\}"
    r"|`{3}\{|:{3}|^\s*:[a-z-]+:(?:\s|$)|^\s*\([\w.:-]+\)=\s*$",
    re.M,
)
# The text a reader sees in each markdown cell, typeset math left out (its TeX annotation is
# not shown); one text node a line.
_RENDERED_TEXT = """cells => cells.map(cell => {
    const out = cell.querySelector('.myst, .jp-RenderedMarkdown');
    if (!out) return null;
    const parts = [];
    const walker = document.createTreeWalker(out, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.parentElement.closest('.katex, mjx-container, .MathJax')) parts.push(n.textContent);
    }
    return parts.join('\\n');
})"""


def chapter_notebooks():
    """The notebooks a reader runs: every ``chapters/*.ipynb``, in file order."""
    return sorted(p.name for p in CHAPTERS.glob("*.ipynb"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_env(home):
    """The environment of ``make lab`` (Makefile's BOOKENV included), isolated folders."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
        MPLBACKEND="module://matplotlib_inline.backend_inline",
    )
    return env


class Lab:
    """A running JupyterLab server: its base URL and a few REST helpers."""

    def __init__(self, url, root):
        self.url = url
        self.root = root

    def _api(self, path, method="GET"):
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Stop every kernel, so the next notebook starts in a fresh one."""
        for session in self._api("api/sessions"):
            self._api(f"api/sessions/{session['id']}", method="DELETE")
        for kernel in self._api("api/kernels"):
            self._api(f"api/kernels/{kernel['id']}", method="DELETE")


@contextlib.contextmanager
def jupyterlab(notebooks=None, *, timeout=60):
    """Start JupyterLab on a temporary copy of ``notebooks`` and yield a :class:`Lab`."""
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    with tempfile.TemporaryDirectory(prefix="fflab-") as tmp:
        home = Path(tmp)
        # The repository's layout, as `make lab` sees it (a notebook may read
        # ../references.bib): links to the top-level entries, a copy of chapters/.
        repo = home / "repo"
        repo.mkdir()
        for entry in ROOT.iterdir():
            if entry.name not in ("chapters", ".git", "_build"):
                (repo / entry.name).symlink_to(entry)
        root = repo / "chapters"
        root.mkdir()
        for name in notebooks or chapter_notebooks():
            shutil.copy(CHAPTERS / name, root / Path(name).name)  # a name, or a path
        for data in CHAPTERS.glob("*.csv"):  # data a notebook reads (milestones.csv)
            shutil.copy(data, root / data.name)
        for rel, value in SETTINGS.items():
            path = home / "settings" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        port = _free_port()
        command = [
            str(python), "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            "--IdentityProvider.token=", "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]  # fmt: skip
        if os.geteuid() == 0:  # CI runs as root
            command.append("--allow-root")
        log = open(home / "lab.log", "w")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            command, cwd=root, env=_lab_env(home), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait_until_up(url, process, home / "lab.log", timeout)
            yield Lab(url, root)
        finally:
            _stop(process)
            log.close()


def _stop(process):
    """Stop the server and its kernels (one process group)."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _wait_until_up(url, process, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise RuntimeError(f"JupyterLab did not start in {timeout} s:\n{log_path.read_text()[-3000:]}")


# --------------------------------------------------------------------------- the page


def open_notebook(page, lab, name, timeout=90_000):
    """Open ``name`` in JupyterLab and wait until its kernel is idle."""
    # ?reset: a fresh workspace, not the layout (and kernels) the last notebook left
    page.goto(f"{lab.url}lab/tree/{name}?reset", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout)
    wait_kernel_idle(page, timeout)


def wait_kernel_idle(page, timeout=90_000):
    """Wait until the status bar says the kernel is idle (accept a kernel dialog if asked)."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog:has-text('Select Kernel') .jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        status = page.locator("#jp-main-statusbar").inner_text()
        if "| Idle" in status:
            return
        page.wait_for_timeout(200)
    raise TimeoutError(f"the kernel did not become idle in {timeout / 1000:.0f} s")


def run_all(page, timeout=300_000):
    """Clear all outputs, Run All Cells from the Run menu, wait until every code cell ran."""
    for menu, command in (("Edit", "editmenu:clear-all"), ("Run", "runmenu:run-all")):
        page.locator(".lm-MenuBar-item", has_text=menu).first.click()
        page.locator(f'.lm-Menu-item[data-command="{command}"]').click()
    page.wait_for_function(
        """() => {
            const cells = document.querySelectorAll(".jp-Notebook .jp-CodeCell");
            if (!cells.length) return false;
            for (const cell of cells) {
                const prompt = cell.querySelector('.jp-InputArea-prompt');
                if (!prompt) continue;  // source hidden (a folded cell): no prompt to read
                const text = prompt.textContent;
                if (!/\\[\\d+\\]/.test(text)) {   // not run yet, or [*] running
                    // Run All stops at an error: then the cells below never run
                    return document.querySelector('ERROR_OUTPUT') !== null;
                }
            }
            return true;
        }""".replace("ERROR_OUTPUT", ERROR_OUTPUT.replace('"', '\\"')),
        timeout=timeout,
        polling=250,
    )
    wait_kernel_idle(page, timeout)
    page.wait_for_timeout(1000)  # folded cells after the last visible one may still be queued
    wait_kernel_idle(page, timeout)


def save_notebook(page, path, timeout=30_000):
    """Save the notebook shown (File > Save Notebook) to ``path``, its file on the server;
    return the lines the save changed in it (a unified diff, empty when it wrote it as it was)."""
    before = path.read_text(encoding="utf-8")
    written = path.stat().st_mtime_ns
    page.locator(".lm-MenuBar-item", has_text="File").first.click()
    page.locator('.lm-Menu-item[data-command="docmanager:save"]').click()
    deadline = time.monotonic() + timeout / 1000
    while path.stat().st_mtime_ns == written:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} was not saved in {timeout / 1000:.0f} s")
        page.wait_for_timeout(100)
    page.wait_for_timeout(200)  # the write has finished
    after = path.read_text(encoding="utf-8")
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
    return list(diff)[2:]


def live_sliders(page):
    """The live slider views on the page: a VBox with slider controls above the picture."""
    return page.locator(LIVE_SLIDER)


def picture_src(view):
    return view.locator("img.lstmkit-slider-live").get_attribute("src")


def press_and_wait_for_new_picture(page, view, handle, key="ArrowRight", timeout=1000):
    """Press ``key`` on a slider handle; return seconds until the picture changed."""
    before = picture_src(view)
    handle.focus()
    started = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function(
        """([view, before]) => {
            const img = view.querySelector('img.lstmkit-slider-live');
            return img && img.getAttribute('src') !== before && img.complete;
        }""",
        arg=[view.element_handle(), before],
        timeout=timeout,
        polling="raf",
    )
    return time.perf_counter() - started


def raw_myst(page, timeout=30_000):
    """``[(markdown cell number, the raw MyST around it), ...]`` of the rendered notebook."""
    cells = page.locator(".jp-Notebook .jp-MarkdownCell")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell')].every(
            c => c.querySelector('.myst, .jp-RenderedMarkdown'))""",
        timeout=timeout,
    )
    page.wait_for_timeout(500)  # the notebook-wide pass (references, numbering) re-renders
    found = []
    for n, text in enumerate(cells.evaluate_all(_RENDERED_TEXT)):
        match = RAW_MYST.search(text or "")
        if match:
            found.append((n, text[max(0, match.start() - 60) : match.end() + 60]))
    return found


# Where an element with ``id`` sits in the notebook shown: its top, measured from the top of the
# notebook's scroll area, and that area's height (pixels), or null while it is not rendered.
_TARGET_OFFSET = """id => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const target = panel && panel.querySelector(`[id="${CSS.escape(id)}"]`);
    if (!target) return null;
    const area = panel.querySelector('.jp-WindowedPanel-outer').getBoundingClientRect();
    return {top: target.getBoundingClientRect().top - area.top, height: area.height};
}"""


def target_offset(page, label):
    """``{"top": px, "height": px}`` of the element ``label`` in the notebook shown, or None."""
    return page.evaluate(_TARGET_OFFSET, label)


_IN_VIEW = "o.top >= 0 && o.top <= o.height / 2"


def in_view(offset):
    """The target's top is on screen, in the upper half of the notebook (where a link lands)."""
    return offset is not None and 0 <= offset["top"] <= offset["height"] / 2


def wait_in_view(page, label, timeout=120_000):
    """Wait until the element ``label`` of the notebook shown is in view (see :func:`in_view`)."""
    landed = f"id => {{ const o = ({_TARGET_OFFSET})(id); return o && {_IN_VIEW}; }}"
    page.wait_for_function(landed, arg=label, timeout=timeout, polling=250)
