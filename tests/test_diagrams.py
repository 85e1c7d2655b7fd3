"""Smoke and structure tests of the diagrams and plots in ``lstmkit.viz``."""

import doctest
import importlib
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from drawing import check_fits_the_book, gids, kind_count, luminance, node_patch, same_color  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from lstmkit.viz import _draw, colors, lstm_diagrams, plots, rnn_diagrams  # noqa: E402
from lstmkit.viz._draw import find_artists  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------- colours
def test_palette_is_okabe_ito_and_roles_are_distinct():
    okabe = {c.upper() for c in colors.OKABE_ITO.values()}
    assert set(colors.GATE_COLORS) == {"z", "i", "f", "o"}
    assert {c.upper() for c in colors.GATE_COLORS.values()} <= okabe
    assert len(set(colors.GATE_COLORS.values())) == 4
    assert colors.PEEPHOLE.upper() == colors.OKABE_ITO["blue"].upper()
    assert colors.BACKWARD != colors.FORWARD
    roles = [
        colors.HIDDEN,
        colors.INPUT,
        colors.OUTPUT,
        colors.CELL,
        colors.FORWARD,
        colors.BACKWARD,
        *colors.GATE_COLORS.values(),
    ]
    assert len({r.upper() for r in roles}) == len(roles)


def test_colormaps_have_the_documented_normalisation():
    lo, mid, hi = colors.activation_color([-1.0, 0.0, 1.0])
    assert luminance(mid) > 0.9  # white-ish centre at 0
    assert not np.allclose(lo, hi)
    assert np.allclose(colors.activation_color(5.0), hi)  # clipped to the range [-1, 1]
    small, large = colors.delta_color([0.1, 2.0])
    assert luminance(large) < luminance(small)
    assert np.allclose(colors.delta_color(0.5, vmax=1.0), colors.delta_color(1.0, vmax=2.0))
    assert colors.text_color_for("black") == "white"
    assert colors.text_color_for(colors.tint(colors.HIDDEN)) == "black"


# ----------------------------------------------------------------------------- RNN
def test_rnn_neurons_structure():
    fig = rnn_diagrams.rnn_neurons(3, 4, 2)
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == []  # new figures are not managed by pyplot
    assert (kind_count(fig, "x"), kind_count(fig, "h"), kind_count(fig, "o")) == (3, 4, 2)
    assert len(gids(fig, "edge:U:")) == 12
    assert len(gids(fig, "edge:V:")) == 8
    w = find_artists(fig, "edge:W:")
    assert len(w) == 16  # every hidden neuron to every hidden neuron, self-loops included
    assert all(same_color(a.get_edgecolor(), colors.HIDDEN) for a in w)


def test_rnn_neurons_activations_and_weights():
    acts = {"h": np.array([-1.0, 0.0, 0.5, 1.0])}
    fig = rnn_diagrams.rnn_neurons(activations=acts, weights={"W": np.diag([0.1, 1, 1, 3.0])})
    faces = [node_patch(fig, f"h:{k}").get_facecolor() for k in (1, 2, 3, 4)]
    assert np.allclose(faces[0], colors.activation_color(-1.0))
    assert np.allclose(faces[3], colors.activation_color(1.0))
    (w11,) = find_artists(fig, "edge:W:h:1->h:1")
    (w44,) = find_artists(fig, "edge:W:h:4->h:4")
    assert w44.get_linewidth() > w11.get_linewidth()
    with pytest.raises(ValueError, match=r"\(4,\)"):
        rnn_diagrams.rnn_neurons(activations=np.zeros(3))
    with pytest.raises(ValueError, match=r"\(4, 4\)"):
        rnn_diagrams.rnn_neurons(weights={"W": np.zeros((3, 4))})


def test_rnn_unfolded_counts_nodes_and_edges():
    fig = rnn_diagrams.rnn_unfolded(T=4)
    for kind in ("x", "h", "o", "yhat", "J"):
        assert kind_count(fig, kind) == 4, kind
    assert gids(fig, "node:hinit:") == ["node:hinit:0"]  # steps 1..T, as in the book
    for param in "UWVfL":
        assert len(gids(fig, f"edge:{param}:")) == 4
    assert gids(fig, "back:") == []  # no backward arrows without deltas or feeds
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert {rf"$\boldsymbol{{{m}}}$" for m in "UVW"} <= set(labels)
    short = rnn_diagrams.rnn_unfolded(T=3, show_loss=False, t0=0)
    assert kind_count(short, "yhat") == kind_count(short, "J") == 0
    assert gids(short, "node:hinit:") == ["node:hinit:-1"]
    assert sorted(gids(short, "node:h:")) == ["node:h:0", "node:h:1", "node:h:2"]


def test_rnn_unfolded_deltas_colour_nodes_and_draw_backward_arrows():
    deltas = np.array([0.05, 0.1, 0.5, 2.0])
    fig = rnn_diagrams.rnn_unfolded(T=4, deltas=deltas)
    faces = [node_patch(fig, f"h:{t}").get_facecolor() for t in range(1, 5)]
    lum = [luminance(f) for f in faces]
    assert lum == sorted(lum, reverse=True)  # larger delta -> darker node
    assert np.allclose(faces[3], colors.delta_color(2.0, vmax=2.0))
    back = find_artists(fig, "back:")
    assert back and all(same_color(a.get_edgecolor(), colors.BACKWARD) for a in back)
    (b43,) = find_artists(fig, "back:h:4->h:3")
    (b21,) = find_artists(fig, "back:h:2->h:1")
    assert b43.get_linewidth() > b21.get_linewidth()  # width grows with the magnitude
    # vectors (T, H) are reduced to their norms; dicts may add delta_o
    vec = rnn_diagrams.rnn_unfolded(T=4, deltas={"h": np.ones((4, 3)), "o": deltas})
    assert len(find_artists(vec, "back:h:")) == 3


@pytest.mark.parametrize("bad", [np.zeros(3), np.zeros((5, 2)), np.zeros((4, 2, 2))])
def test_rnn_unfolded_rejects_bad_delta_shapes(bad):
    with pytest.raises(ValueError, match=r"\(T,\) or \(T, H\) with T=4"):
        rnn_diagrams.rnn_unfolded(T=4, deltas=bad)


def test_rnn_unfolded_feeds_and_highlight():
    fig = rnn_diagrams.rnn_unfolded(T=5, feeds=3, highlight={2, 4})
    back = find_artists(fig, "back:")
    on = {a.get_gid() for a in back if same_color(a.get_edgecolor(), colors.BACKWARD)}
    off = {a.get_gid() for a in back if same_color(a.get_edgecolor(), colors.MUTED)}
    assert on | off == {a.get_gid() for a in back}
    assert {"back:h:4->h:3", "back:o:3->h:3", "back:o:4->h:4", "back:J:4->yhat:4"} <= on
    assert {"back:h:3->h:2", "back:h:2->h:1", "back:o:2->h:2", "back:J:1->yhat:1"} <= off
    assert all(int(g.split("->")[0].split(":")[-1]) >= 3 for g in on)
    assert same_color(node_patch(fig, "h:3").get_edgecolor(), colors.BACKWARD)
    assert sorted(gids(fig, "highlight:")) == ["highlight:2", "highlight:4"]
    with pytest.raises(ValueError, match="feeds"):
        rnn_diagrams.rnn_unfolded(T=5, feeds=6)


def test_rnn_unfolded_values_colour_hidden_nodes():
    fig = rnn_diagrams.rnn_unfolded(T=3, values=np.array([-0.9, 0.0, 0.9]))
    assert np.allclose(node_patch(fig, "h:1").get_facecolor(), colors.activation_color(-0.9))
    with pytest.raises(ValueError, match=r"\(T,\) or \(T, H\)"):
        rnn_diagrams.rnn_unfolded(T=3, values=np.zeros(4))


def test_rnn_blackbox():
    fig = rnn_diagrams.rnn_blackbox()
    assert {g for g in gids(fig, "node:")} == {"node:x", "node:h", "node:o"}
    assert gids(fig, "delay") == ["delay"]
    assert gids(fig, "edge:W") == ["edge:W"]


def test_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    before = plt.get_fignums()
    assert lstm_diagrams.lstm_circuit(ax=axes[0]) is fig
    assert rnn_diagrams.rnn_unfolded(T=2, ax=axes[1]) is fig
    assert plt.get_fignums() == before
    assert find_artists(axes[0], "peephole:") and not find_artists(axes[1], "peephole:")


# ----------------------------------------------------------------------------- plots
def _heatmap_image(fig):
    (im,) = find_artists(fig, "heatmap")
    return im


@pytest.mark.parametrize("upto", [1, 3, 6, 7])
def test_delta_heatmap_masks_exactly_the_steps_before_upto(upto):
    deltas = np.arange(1.0, 19.0).reshape(6, 3)
    fig = plots.delta_heatmap(deltas, upto=upto)
    arr = _heatmap_image(fig).get_array()
    assert arr.shape == (3, 6)  # units x time
    steps = np.arange(1, 7)  # step labels start at 1
    assert np.array_equal(np.ma.getmaskarray(arr).all(axis=0), steps < upto)
    assert not np.ma.getmaskarray(arr)[:, steps >= upto].any()
    assert _heatmap_image(fig).norm.vmax == pytest.approx(18.0)  # scale of all the deltas


def test_delta_heatmap_options():
    deltas = np.array([[-2.0, 1.0], [0.5, -0.25]])
    fig = plots.delta_heatmap(deltas, signed=True, vmax=4.0, t0=1, title="t")
    im = _heatmap_image(fig)
    assert (im.norm.vmin, im.norm.vmax) == (-4.0, 4.0)
    assert im.get_array().min() == -2.0
    assert len(fig.axes) == 2  # with a colour bar
    mags = _heatmap_image(plots.delta_heatmap(deltas)).get_array()
    assert mags.min() >= 0
    with pytest.raises(ValueError, match=r"\(T, H\)"):
        plots.delta_heatmap(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="upto"):
        plots.delta_heatmap(deltas, upto=4)


def test_norm_vs_lag_uses_a_log_axis():
    lags = np.arange(10)
    fig = plots.norm_vs_lag({"simple RNN": 0.5**lags, "LSTM": 0.95**lags}, reference=0.5)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert len(gids(fig, "curve:")) == 2 and len(gids(fig, "reference:")) == 1
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["simple RNN", "LSTM"]
    fig = plots.norm_vs_lag(np.vstack([0.5**lags, 0.9**lags]), labels=["a", "b"])
    assert len(gids(fig, "curve:")) == 2
    assert len(gids(plots.norm_vs_lag([0.5**lags, 0.9 ** lags[:4]]), "curve:")) == 2
    with pytest.raises(ValueError, match="labels"):
        plots.norm_vs_lag(np.ones((2, 5)), labels=["only one"])
    with pytest.raises(ValueError, match=r"\(L,\)"):
        plots.norm_vs_lag(np.ones((2, 2, 2)))


# ----------------------------------------------------------------------------- layout
DIAGRAMS = {
    "rnn_neurons": lambda: rnn_diagrams.rnn_neurons(),
    "rnn_unfolded": lambda: rnn_diagrams.rnn_unfolded(T=4, deltas=np.arange(1.0, 5.0), feeds=2),
    "rnn_unfolded_T8": lambda: rnn_diagrams.rnn_unfolded(T=8, values=np.zeros(8)),
    "rnn_blackbox": lambda: rnn_diagrams.rnn_blackbox(),
    "delta_heatmap": lambda: plots.delta_heatmap(np.ones((10, 4)), upto=5),
    "norm_vs_lag": lambda: plots.norm_vs_lag(0.5 ** np.arange(8), reference=0.5),
}


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_fits_the_book_width_without_clipping_or_overlaps(name):
    fig = DIAGRAMS[name]()
    check_fits_the_book(fig, name)


# ----------------------------------------------------------------------------- drawings that change
def pixels(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    with Image.open(buffer) as image:
        return np.asarray(image)


def changed_artists(fig):
    """The artists of the figure's axes marked stale since ``mark_clean``."""
    return [a for ax in fig.axes for a in ax.get_children() if a.stale]


def mark_clean(fig):
    for ax in fig.axes:
        for a in ax.get_children():
            a.stale = False


UNFOLDED_STEPS = [
    {"deltas": np.array([0.2, 0.0, 1.5, 0.7, 2.0]), "highlight": {2, 5}},
    {"feeds": 3},
    {"deltas": None, "values": np.linspace(-0.9, 0.9, 10).reshape(5, 2)},
    {"feeds": None, "highlight": None, "values": None},
    {"deltas": {"h": np.ones((5, 3)), "o": np.arange(5.0)}, "vmax": 6.0, "feeds": 5},
]


def test_unfolded_update_draws_what_a_fresh_drawing_draws():
    graph = rnn_diagrams.UnfoldedRNN(T=5, animate=["deltas", "values", "highlight", "feeds"])
    fig, args = graph.fig, {}
    for step in UNFOLDED_STEPS:
        pixels(fig)  # drawn before the change, as in a slider
        assert graph.update(**step) is fig
        args.update(step)
        assert np.array_equal(pixels(fig), pixels(rnn_diagrams.rnn_unfolded(T=5, **args))), step


def test_unfolded_update_touches_only_what_changes():
    graph = rnn_diagrams.UnfoldedRNN(T=4, deltas=np.arange(1.0, 5.0), feeds=2)
    pixels(graph.fig)
    mark_clean(graph.fig)
    graph.update(highlight=3)
    assert [a.get_gid() for a in changed_artists(graph.fig)] == ["highlight:3"]
    mark_clean(graph.fig)
    graph.update(highlight=3, feeds=2, deltas=np.arange(1.0, 5.0))  # nothing new
    assert changed_artists(graph.fig) == []
    graph.update(feeds=3)
    changed = {a.get_gid() for a in changed_artists(graph.fig)}
    assert {"node:h:2", "node:h:3", "node:J:2", "back:o:2->h:2", "text:feeds:3"} <= changed
    assert not any(g.startswith(("node:x:", "node:o:", "highlight:", "edge:")) for g in changed)


def test_unfolded_update_rejects_bad_input_and_keeps_the_drawing():
    graph = rnn_diagrams.UnfoldedRNN(T=4, deltas=np.arange(1.0, 5.0))
    before = pixels(graph.fig)
    with pytest.raises(TypeError, match="changes only deltas, values, highlight, feeds, vmax"):
        graph.update(T=5)
    with pytest.raises(ValueError, match=r"\(T,\) or \(T, H\) with T=4"):
        graph.update(deltas=np.zeros(3), highlight=2)
    with pytest.raises(ValueError, match=r"feeds must be a step label in 1\.\.4"):
        graph.update(feeds=9)
    assert np.array_equal(pixels(graph.fig), before)
    with pytest.raises(TypeError, match="list of update"):
        rnn_diagrams.UnfoldedRNN(T=4, animate="feeds")
    with pytest.raises(ValueError, match="among deltas, values, .*; got colour"):
        rnn_diagrams.UnfoldedRNN(T=4, animate=["colour"])


def test_unfolded_animate_marks_the_artists_update_changes():
    animated = lambda g: {a.get_gid() for a in g.fig.findobj(lambda a: a.get_animated())}  # noqa: E731
    assert animated(rnn_diagrams.UnfoldedRNN(T=3)) == set()
    assert animated(rnn_diagrams.UnfoldedRNN(T=3, animate=["highlight"])) == {
        "highlight:1",
        "highlight:2",
        "highlight:3",
    }
    feeds = animated(rnn_diagrams.UnfoldedRNN(T=3, animate=["feeds"]))
    assert {"node:J:1", "label:J:1", "sup:J:1", "node:h:2", "back:J:3->yhat:3"} <= feeds
    assert "text:feeds" in feeds and not any(g.startswith(("node:x:", "edge:")) for g in feeds)
    deltas = animated(rnn_diagrams.UnfoldedRNN(T=3, animate=["deltas"]))
    assert {"node:h:1", "label:h:1", "sup:h:1", "back:h:2->h:1"} <= deltas
    assert "back:J:1->yhat:1" not in deltas  # its width and colour never depend on deltas
    assert not any(g.startswith(("node:o:", "back:o:")) for g in deltas)  # no delta o given
    with_o = {"h": np.ones(3), "o": np.ones(3)}
    deltas = animated(rnn_diagrams.UnfoldedRNN(T=3, deltas=with_o, animate=["deltas"]))
    assert {"node:o:3", "label:o:3", "back:o:3->h:3"} <= deltas


@pytest.mark.parametrize("signed", [False, True])
def test_heatmap_update_draws_what_a_fresh_heatmap_draws(signed):
    deltas = np.random.default_rng(0).normal(size=(6, 4))
    heat = plots.DeltaHeatmap(deltas, signed=signed, upto=7, animate=["upto", "title"])
    for upto, title in [(6, "six"), (3, None), (1, r"$\delta$ known"), (7, "none"), (None, "")]:
        pixels(heat.fig)
        assert heat.update(upto=upto, title=title) is heat.fig
        fresh = plots.delta_heatmap(deltas, signed=signed, upto=upto, title=title)
        assert np.array_equal(pixels(heat.fig), pixels(fresh)), (upto, title)


def test_heatmap_update_checks_its_arguments_and_animates_what_changes():
    heat = plots.DeltaHeatmap(np.ones((6, 2)), animate=["upto"])
    with pytest.raises(ValueError, match=r"upto must be a step label in 1\.\.7, got 9"):
        heat.update(upto=9)
    with pytest.raises(TypeError, match="changes only upto, title; got signed"):
        heat.update(signed=True)
    with pytest.raises(ValueError, match="among upto, title; got deltas"):
        plots.DeltaHeatmap(np.ones((6, 2)), animate=["deltas"])
    assert {a.get_gid() for a in heat.fig.findobj(lambda a: a.get_animated())} == {
        "heatmap",
        "upto",
    }
    titled = plots.DeltaHeatmap(np.ones((6, 2)), animate=["title"])
    assert titled.ax.title.get_animated() and not titled.image.get_animated()


@pytest.mark.parametrize("name", ["rnn_diagrams", "plots"])
def test_docstring_examples_run(name):
    module = importlib.import_module(f"lstmkit.viz.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------------------- one home, alt text
def test_functions_are_the_figures_of_their_classes():
    deltas = np.arange(1.0, 5.0)
    fig = rnn_diagrams.rnn_unfolded(T=4, deltas=deltas, feeds=2, show_loss=False)
    graph = rnn_diagrams.UnfoldedRNN(T=4, deltas=deltas, feeds=2, show_loss=False)
    assert np.array_equal(pixels(fig), pixels(graph.fig))
    heat = plots.DeltaHeatmap(np.ones((5, 2)), upto=3, title="x")
    assert np.array_equal(
        pixels(plots.delta_heatmap(np.ones((5, 2)), upto=3, title="x")), pixels(heat.fig)
    )
    with pytest.raises(TypeError, match="colour"):
        rnn_diagrams.rnn_unfolded(T=4, colour="red")
    with pytest.raises(TypeError, match="colour"):
        plots.delta_heatmap(np.ones((5, 2)), colour="red")


def test_new_figures_describe_what_they_show():
    assert "4 hidden neurons" in rnn_diagrams.rnn_neurons(3, 4, 2).alt
    assert "one-step delay" in rnn_diagrams.rnn_blackbox().alt
    alt = rnn_diagrams.rnn_unfolded(T=5, feeds=3, highlight={2, 4}).alt
    assert "h(1) to h(5)" in alt and "steps: 2, 4" in alt and "J(3) to J(5)" in alt
    alt = plots.norm_vs_lag({"RNN": 0.5 ** np.arange(9)}, reference=0.5).alt
    assert "lag 0 to 8" in alt and "RNN" in alt and "Dashed" in alt
    heat = plots.DeltaHeatmap(np.ones((6, 3)), upto=6)
    assert "steps 1 to 6" in heat.alt and "before 6" in heat.alt
    heat.update(upto=None)
    assert "greyed" not in heat.alt
    # a figure drawn into a given axes keeps its own (it may hold other drawings)
    fig, ax = plt.subplots()
    assert not hasattr(rnn_diagrams.rnn_unfolded(T=2, ax=ax), "alt")


def test_the_update_of_an_object_updates_its_description():
    graph = rnn_diagrams.UnfoldedRNN(T=3)
    assert "deltas" not in graph.alt and "Backward" not in graph.alt
    graph.update(deltas=np.ones(3))
    assert "deltas" in graph.alt and "Backward arrows" in graph.alt
    graph.update(deltas=None, values=np.zeros(3))
    assert "coloured by their values" in graph.alt


# ----------------------------------------------------------------------------- text size
def test_the_smallest_text_is_as_large_as_the_code_font_as_shown():
    """``check_fits_the_book`` keeps every drawing's text at ``MIN_TEXT_PT`` or more:
    shown at the fewest pixels per inch the book uses, that is the code font or more."""
    assert _draw.MIN_TEXT_PT * _draw.SHOWN_DPI / 72 >= _draw.CODE_PX
    # a 7-inch drawing shown inline: 0.1 inch of margin each side, shrunk to the column
    assert _draw.SHOWN_DPI == pytest.approx(_draw.COLUMN_PX / 7.2)
    diag = _draw.Diagram(xlim=(0, 100), ylim=(0, 10))  # 0.05 pt per unit: tiny text asked
    assert diag.font(0.1) == diag.font(0.1, lo=5.0, hi=6.0) == _draw.MIN_TEXT_PT
