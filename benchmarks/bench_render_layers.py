"""Does the layered frame renderer earn its lines? Every chapter slider, both ways.

``lstmkit.viz.render.FrameRenderer`` draws the static artists of a slider's figure once,
into two layers, and then only the animated artists of each frame. The alternative is a
full redraw of the figure for every frame (one kept Agg canvas, animated artists drawn
like the others, the layout engine run each time). This script executes every chapter
notebook (nbclient, ``make lab``'s environment), keeps every slider it displays, and times
a cold live update (``Slider.time_update(cold=True)``: draw + render + PNG) both ways.
The target for a live move is 50 ms.
"""

import time

import _common as C

TARGET = 0.050
UPDATES = 8

PATCH = """\
import importlib as _importlib

_slider_module = _importlib.import_module("lstmkit.viz.slider")
_SLIDERS = []
_original = _slider_module.Slider._repr_mimebundle_


def _keep(self, include=None, exclude=None):
    _SLIDERS.append(self)
    return _original(self, include, exclude)


_slider_module.Slider._repr_mimebundle_ = _keep
"""

REPORT = """\
import json as _json
import numpy as _np
from matplotlib.backends.backend_agg import FigureCanvasAgg as _Agg
from lstmkit.viz import render as _render


def _full_redraw(self, fig, dpi):
    animated = [a for a in fig.findobj() if a.get_animated()]
    for a in animated:
        a.set_animated(False)
    try:
        canvas = fig.canvas if isinstance(fig.canvas, _Agg) else _Agg(fig)
        fig.set_dpi(dpi)
        canvas.draw()
        return _np.asarray(canvas.buffer_rgba()).copy()
    finally:
        for a in animated:
            a.set_animated(True)


_rows = []
for _s in _SLIDERS:
    if max(_s.shape) < 2:
        continue
    _layered = _s.time_update(n=UPDATES)
    _keep_rgba = _render.FrameRenderer.rgba
    _render.FrameRenderer.rgba = _full_redraw
    try:
        _full = _s.time_update(n=UPDATES)
    finally:
        _render.FrameRenderer.rgba = _keep_rgba
    _rows.append({"slider": repr(_s), "layered": _layered, "full": _full})
print("BENCH" + _json.dumps(_rows))
""".replace("UPDATES", str(UPDATES))


def measure(notebooks):
    return C.run_instrumented(notebooks, PATCH, REPORT)


def main(argv=None):
    p = C.parser(__doc__.splitlines()[0])
    args = p.parse_args(argv)
    notebooks = sorted((C.REPO / "chapters").glob("[0-9]*.ipynb"))
    if args.quick:
        notebooks = notebooks[:1]
    started = time.perf_counter()
    rows = measure(notebooks)
    over = [r for r in rows if r["layered"] > TARGET]
    over_full = [r for r in rows if r["full"] > TARGET]
    text = "\n".join([
        "## 7. Layered frames or full redraws: every chapter slider",
        "",
        f"Run {C.now()} with `python benchmarks/bench_render_layers.py` "
        f"({time.perf_counter() - started:.0f} s). Median cold live update "
        f"(`Slider.time_update(n={UPDATES})`: draw, render, PNG) with lstmkit's layered "
        "`FrameRenderer` and with a full redraw of the figure per frame.",
        "",
        C.markdown_table(
            ["notebook", "slider", "layered (ms)", "full redraw (ms)", "full / layered"],
            [[r["notebook"], f"`{r['slider']}`", C.ms(r["layered"]), C.ms(r["full"]),
              f"{r['full'] / r['layered']:.1f}x"] for r in rows],
        ),
        "",
        f"Over the 50 ms target: {len(over)} of {len(rows)} sliders layered, "
        f"{len(over_full)} of {len(rows)} with full redraws.",
    ])  # fmt: skip
    print(text)
    C.write_section("layers", text)


if __name__ == "__main__":
    main()
