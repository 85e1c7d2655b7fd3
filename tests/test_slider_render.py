"""The frame renderer behind the sliders: layered frames equal full redraws."""

import doctest
import importlib
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from lstmkit.viz import UnfoldedRNN, render, rnn_unfolded
from lstmkit.viz.render import FrameRenderer, encode_png
from lstmkit.viz.slider import STATIC_FRAMES_ENV, slider

DPI = 60
STEPS = [1.0, 3.0, 2.0, 0.5]


@pytest.fixture(autouse=True)
def _frames_on(monkeypatch):
    monkeypatch.setenv(STATIC_FRAMES_ENV, "1")


def decode(png):
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def full_redraw(fig):
    """The figure as ``savefig`` draws it: every artist, no layers."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return decode(buffer.getvalue())


def build(animated):
    """A figure with a line, bars, an image and titles; ``animated`` marks what changes."""
    fig = Figure(figsize=(5, 3), layout="constrained")
    ax_line, ax_image = fig.subplots(1, 2)
    ax_line.plot([0, 3], [0, 3], color="0.7", zorder=0.5)  # static, under the bars
    (line,) = ax_line.plot([], [], "o-", color="tab:red", animated=animated)
    bars = ax_line.bar([0, 1, 2, 3], [1, 2, 3, 2], color="0.8", animated=animated)
    ax_line.set_xlim(-0.5, 3.5)
    ax_line.set_ylim(0, 3.5)
    ax_line.set_xlabel("step $t$")
    ax_line.title.set_animated(animated)
    image = ax_image.imshow(np.zeros((3, 4)), vmin=0, vmax=3, animated=animated)
    fig.colorbar(image, ax=ax_image)
    ax_image.yaxis.label.set_animated(animated)
    parts = {"line": line, "bars": bars, "image": image, "ax_line": ax_line, "ax_image": ax_image}

    def frame(k):
        parts["line"].set_data(range(k + 1), STEPS[: k + 1])
        for j, bar in enumerate(parts["bars"]):
            bar.set_facecolor("tab:blue" if j == k else "0.8")
        parts["image"].set_data(np.arange(12.0).reshape(3, 4) % (k + 2))
        parts["ax_line"].set_title(f"k = {k}: {STEPS[k]:.1f}")
        parts["ax_image"].set_ylabel(f"row (k = {k})")
        return fig

    return fig, frame


def test_layered_frames_equal_full_redraws():
    fig, frame = build(animated=True)
    renderer = FrameRenderer()
    for k in [0, 1, 2, 3, 1]:
        layered = decode(renderer.png(frame(k), DPI))
        fresh_fig, fresh_frame = build(animated=False)
        fresh_frame(0)
        full_redraw(fresh_fig)  # the layout of the first frame, as the layers keep it
        fresh_fig.set_layout_engine("none")
        expected = full_redraw(fresh_frame(k))
        assert layered.shape == expected.shape
        assert np.abs(layered - expected).max() <= 2, k


def test_layers_are_drawn_once_and_again_when_a_static_artist_changes(monkeypatch):
    calls, original = [], render._draw_layers

    def counted(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(render, "_draw_layers", counted)
    fig, frame = build(animated=True)
    renderer = FrameRenderer()
    for k in [0, 1, 2, 3]:
        renderer.png(frame(k), DPI)
    assert len(calls) == 1  # set_title touches the empty side titles: not a change
    fig.axes[0].lines[0].set_color("black")  # a static artist changed: redraw the layers
    layered = decode(renderer.png(frame(2), DPI))
    assert len(calls) == 2
    assert np.array_equal(decode(renderer.png(frame(2), DPI)), layered)
    assert len(calls) == 2
    assert (layered.sum(axis=2) < 60).sum() > 20  # the black diagonal is in the frame


def test_the_figure_keeps_its_canvas_and_dpi_and_the_layout_is_fixed():
    fig, frame = build(animated=True)
    canvas, dpi = fig.canvas, fig.dpi
    renderer = FrameRenderer()
    renderer.png(frame(0), DPI)
    positions = [ax.get_position().bounds for ax in fig.axes]
    frame(3).axes[0].set_title("a much longer title that constrained layout would make room for")
    renderer.png(fig, DPI)
    assert fig.canvas is canvas and fig.dpi == dpi
    assert [ax.get_position().bounds for ax in fig.axes] == positions
    assert type(fig.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine"


def test_figures_without_animated_artists_are_drawn_whole():
    fig = Figure(figsize=(3, 2), layout="constrained")
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    renderer = FrameRenderer()
    first = decode(renderer.png(fig, DPI))
    line.set_ydata([1, 0])
    second = decode(renderer.png(fig, DPI))
    assert np.abs(second - full_redraw(fig)).max() == 0
    assert not np.array_equal(first, second)
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"


def test_png_size_follows_dpi_and_figure_size():
    fig, frame = build(animated=True)
    png = FrameRenderer().png(frame(0), 40)
    assert Image.open(io.BytesIO(png)).size == (200, 120)


def rmse(a, b):
    return float(np.sqrt(np.mean((a - b) ** 2)))


def test_slider_reusing_one_pyplot_figure():
    plt.close("all")
    fig, ax = plt.subplots(figsize=(3, 2))
    (bar,) = ax.bar([0], [0], animated=True)
    ax.set_ylim(0, 5)
    calls = []

    def draw(t):
        calls.append(t)
        bar.set_height(t)
        return fig

    s = slider(draw, t=range(5), dpi=DPI)
    static = s.frames()  # pyplot closes the figure after the first frame; it is drawn on
    assert plt.get_fignums() == []
    assert len(set(static)) == 5
    bar.set_height(3)
    assert rmse(decode(static[3]), full_redraw(fig)) <= 2.0
    _, (live_png,) = s.widget.children[-1].answer(3)  # cached: the live view's same picture
    assert rmse(decode(live_png), decode(static[3])) <= 2.0
    s.time_update(n=4)  # cold: draws into the same, closed figure again
    assert len(calls) == 5 + 4 and plt.get_fignums() == []


def test_static_and_live_frames_hold_the_same_picture():
    fig, frame = build(animated=True)
    s = slider(frame, k=range(4))
    static = s.frames()
    live = [s.render({"k": k}) for k in range(4)]
    for a, b in zip(static, live, strict=True):
        assert rmse(decode(a), decode(b)) <= 2.0


def test_unfolded_rnn_frames_equal_fresh_drawings():
    graph = UnfoldedRNN(T=4, animate=["deltas", "highlight", "feeds"])
    renderer, args = FrameRenderer(), {}
    for step in [
        {"deltas": [0.1, 0.0, 2.0, 0.5], "highlight": {3, 4}},
        {"feeds": 2},
        {"deltas": {"h": np.ones(4), "o": [0.0, 1.0, 2.0, 3.0]}},  # o was not animated
        {"highlight": {1, 2}, "feeds": None},
    ]:
        graph.update(**step)
        args.update(step)
        layered = decode(renderer.png(graph.fig, DPI))
        expected = full_redraw(rnn_unfolded(T=4, **args))
        # Known limit of two layers: where a static forward arrow ends on the thick
        # ring of ``feeds`` (an animated artist above it), the arrow is drawn on top.
        assert np.count_nonzero(np.abs(layered - expected).max(axis=2) > 2) <= 5, step


def test_encode_png_round_trips_and_checks_its_input():
    rgba = np.zeros((3, 5, 4), np.uint8)
    rgba[..., 0] = np.arange(5) * 50
    rgba[..., 3] = 255
    with Image.open(io.BytesIO(encode_png(rgba))) as image:
        assert image.mode == "RGB" and image.size == (5, 3)
        assert np.array_equal(np.asarray(image), rgba[..., :3])
    rgba[0, 0, 3] = 10
    with Image.open(io.BytesIO(encode_png(rgba))) as image:
        assert image.mode == "RGBA"
    for bad in (np.zeros((3, 5, 3), np.uint8), np.zeros((3, 5, 4)), np.zeros((3, 5), np.uint8)):
        with pytest.raises(ValueError, match=r"\(height, width, 4\) uint8"):
            encode_png(bad)


def test_renderer_needs_a_figure():
    with pytest.raises(TypeError, match="matplotlib Figure; got Axes"):
        FrameRenderer().png(Figure().add_subplot(), DPI)


def test_slider_docstring_examples_run():
    module = importlib.import_module("lstmkit.viz.slider")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
