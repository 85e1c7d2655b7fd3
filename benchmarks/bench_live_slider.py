"""Live sliders as a reader meets them: first picture after the cell, and each move.

Two measurements for every ``lk.viz.slider`` in every chapter notebook, in the environment
``make lab`` gives the kernels (no ``LSTMKIT_STATIC_FRAMES``, one BLAS thread):

1. **First picture** (kernel side, nbclient): the time from the end of the slider cell's code
   to the display bundle being ready, that is ``Slider._repr_mimebundle_`` (the first frame
   is drawn and the widget made). For comparison, the time the static frames take
   (``Slider.to_html()``), which every display paid before the live view stopped
   rendering them.
2. **A move** (browser side, JupyterLab in headless chromium driven by Playwright, as in
   ``tests/test_lab_browser.py``): ArrowRight on the slider's handle until the new picture
   is in the page; first to frames not drawn yet ("cold"), then back to frames already drawn
   ("cached"). This includes the round trip through the kernel and the browser's decoding.
   Two clocks: Playwright's (from the key press it sends to the new picture seen by its
   polling; includes the driver's own round trips, which dominate on a loaded machine)
   and the page's own (``performance.now()`` from the ``keydown`` event to the new
   picture decoded, by a MutationObserver in the page).

Targets (issue 10): first picture <= 1 s, a move <= 50 ms.
"""

import statistics
import sys
import time

import _common as C

sys.path.insert(0, str(C.REPO / "tests"))

TARGET_FIRST = 1.0
TARGET_MOVE = 0.050
MOVES = 4  # cold moves per slider handle at most (then as many back, cached)

PATCH = """\
import importlib as _importlib
import time as _time

_slider_module = _importlib.import_module("lstmkit.viz.slider")  # lk.viz.slider is the function

_BENCH = []
_original = _slider_module.Slider._repr_mimebundle_


def _timed(self, include=None, exclude=None):
    started = _time.perf_counter()
    bundle = _original(self, include, exclude)
    first = _time.perf_counter() - started
    started = _time.perf_counter()
    self.to_html()
    _BENCH.append({"slider": repr(self), "first": first,
                   "static": _time.perf_counter() - started})
    return bundle


_slider_module.Slider._repr_mimebundle_ = _timed
"""
REPORT = "import json as _json\nprint('BENCH' + _json.dumps(_BENCH))"


def kernel_side(notebooks):
    """Per slider: seconds to the first picture, and seconds the static frames take."""
    return C.run_instrumented(notebooks, PATCH, REPORT, timeout=600)


# The page's own clock for one move: keydown on the view, then the new picture decoded.
PAGE_CLOCK = """(view) => {
  if (view.__clock) return;
  view.__clock = { start: null, end: null };
  const current = () => view.querySelector("img.lstmkit-slider-live");
  let before = null;
  view.addEventListener("keydown", () => {
    view.__clock = { start: performance.now(), end: null };
    before = current().getAttribute("src");
  }, true);
  new MutationObserver(() => {
    const img = current();
    const clock = view.__clock;
    if (clock.start === null || clock.end !== null || img.getAttribute("src") === before) return;
    img.decode().then(() => { if (clock.end === null) clock.end = performance.now(); });
  }).observe(view, { subtree: true, childList: true, attributes: true, attributeFilter: ["src"] });
}"""


def _page_seconds(page, view):
    """Seconds of the last move by the page's clock (waits for the decode to finish)."""
    view_handle = view.element_handle()
    page.wait_for_function("(v) => v.__clock.end !== null", arg=view_handle, timeout=10_000)
    return page.evaluate("(v) => (v.__clock.end - v.__clock.start) / 1000", view_handle)


def _move(page, view, handle, key):
    """One move: (seconds by Playwright's clock, seconds by the page's clock)."""
    from lab import press_and_wait_for_new_picture

    driver = press_and_wait_for_new_picture(page, view, handle, key, timeout=10_000)
    return driver, _page_seconds(page, view)


def _at_end(handle):
    """Whether a noUiSlider handle is at its largest value."""
    return handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")


def browser_side(notebooks):
    """Per slider handle: the median seconds of cold and of cached moves in JupyterLab."""
    from browser import launch
    from lab import jupyterlab, live_sliders, open_notebook, run_all

    rows = []
    with jupyterlab([p.name for p in notebooks]) as lab, launch() as browser:
        for path in notebooks:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            open_notebook(page, lab, path.name)
            run_all(page)
            views = live_sliders(page)
            for n in range(views.count()):
                view = views.nth(n)
                view.scroll_into_view_if_needed()
                page.evaluate(PAGE_CLOCK, view.element_handle())
                handles = view.locator(".noUi-handle")
                for h in range(handles.count()):
                    handle = handles.nth(h)
                    cold = []  # rightwards to frames not drawn yet, until the last value
                    while len(cold) < MOVES and not _at_end(handle):
                        cold.append(_move(page, view, handle, "ArrowRight"))
                    cached = [_move(page, view, handle, "ArrowLeft") for _ in cold]
                    if cold:
                        median = statistics.median
                        rows.append({"notebook": path.name, "slider": n + 1, "handle": h + 1,
                                     "cold": median(c for c, _ in cold),
                                     "cached": median(c for c, _ in cached),
                                     "cold_page": median(p for _, p in cold),
                                     "cached_page": median(p for _, p in cached)})  # fmt: skip
            C.log(f"  {path.name}: {views.count()} live sliders moved")
            page.close()
            lab.shutdown_kernels()
    return rows


def main(argv=None):
    p = C.parser(__doc__.splitlines()[0])
    args = p.parse_args(argv)
    notebooks = sorted((C.REPO / "chapters").glob("[0-9]*.ipynb"))
    if args.quick:
        notebooks = notebooks[:2]
    started = time.perf_counter()
    C.log("first picture (kernel side, nbclient)")
    first = kernel_side(notebooks)
    C.log("moves (JupyterLab in chromium)")
    moves = browser_side(notebooks)
    worst_first = max(r["first"] for r in first)
    worst_cold = max(r["cold"] for r in moves)
    worst_cached = max(r["cached"] for r in moves)
    worst_cached_page = max(r["cached_page"] for r in moves)
    text = "\n".join([
        "## 6. Live sliders in JupyterLab: first picture and moves",
        "",
        f"Run {C.now()} with `python benchmarks/bench_live_slider.py` "
        f"({time.perf_counter() - started:.0f} s), the kernels in `make lab`'s environment.",
        "First picture: from the end of the slider cell's code to the display bundle "
        "(first frame drawn, widget made), kernel side. *Static frames*: what rendering "
        "every static frame on display added before (now only the book build renders them).",
        "",
        C.markdown_table(
            ["notebook", "slider", "first picture (ms)", "static frames, not on display (ms)"],
            [[r["notebook"], f"`{r['slider']}`", C.ms(r["first"]), C.ms(r["static"])]
             for r in first],
        ),
        "",
        "A move: ArrowRight (cold: a frame not drawn yet) or ArrowLeft (cached) on the "
        "slider's handle in JupyterLab, until the new picture is in the page; median of "
        f"up to {MOVES} moves each, by Playwright's clock and by the page's own clock "
        "(keydown to the new picture decoded). A cached move never reaches the kernel: "
        "the picture keeps every frame it was sent.",
        "",
        C.markdown_table(
            ["notebook", "slider", "handle", "cold move (ms)", "cached move (ms)",
             "cold, page clock (ms)", "cached, page clock (ms)"],
            [[r["notebook"], r["slider"], r["handle"], C.ms(r["cold"]), C.ms(r["cached"]),
              C.ms(r["cold_page"]), C.ms(r["cached_page"])]
             for r in moves],
        ),
        "",
        C.markdown_table(
            ["target", "worst measured (ms)", "status"],
            [["first picture <= 1 s", C.ms(worst_first), C.verdict(worst_first <= TARGET_FIRST)],
             ["cold move <= 50 ms", C.ms(worst_cold), C.verdict(worst_cold <= TARGET_MOVE)],
             ["cached move <= 50 ms", C.ms(worst_cached),
              C.verdict(worst_cached <= TARGET_MOVE)],
             ["cached move <= 50 ms, page clock", C.ms(worst_cached_page),
              C.verdict(worst_cached_page <= TARGET_MOVE)]],
        ),
    ])  # fmt: skip
    print(text)
    C.write_section("live", text)


if __name__ == "__main__":
    main()
