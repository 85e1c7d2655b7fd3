"""Tests of the LSTM block diagrams: the tables, the equations they draw, and updates."""

import doctest
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from drawing import check_fits_the_book, luminance, node_patch, same_color  # noqa: E402
from PIL import Image  # noqa: E402

import lstmkit as lk  # noqa: E402
from lstmkit.viz import colors, lstm_diagrams  # noqa: E402
from lstmkit.viz._draw import find_artists  # noqa: E402
from lstmkit.viz.lstm_diagrams import (  # noqa: E402
    EQUATION_EDGES,
    PEEPHOLE_EDGES,
    LSTMDiagram,
    drawn_edges,
    lstm_circuit,
    lstm_odyssey,
)

STYLES = ["circuit", "odyssey"]
DRAWS = [lstm_circuit, lstm_odyssey]
VALUES = {"z": -0.4, "i": 0.8, "f": 0.95, "o": 0.3, "c": 1.2, "c_prev": 0.9, "y": 0.25}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def pixels(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=50)
    with Image.open(buffer) as image:
        return np.asarray(image)


# ----------------------------------------------------------------------------- equations
def test_the_equation_table_has_the_arrows_of_the_equations():
    assert len(EQUATION_EDGES) == 17 and len(PEEPHOLE_EDGES) == 3
    inputs = lambda node: {a for a, b in EQUATION_EDGES if b == node}  # noqa: E731
    for g in "zifo":
        assert inputs(g) == {"x", "y_prev"}
    assert inputs("c") == {"z*i", "c_prev*f"}
    assert inputs("y") == {"o", "tanh(c)"}
    assert not EQUATION_EDGES & PEEPHOLE_EDGES
    assert {b for _, b in PEEPHOLE_EDGES} == {"i", "f", "o"}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("peepholes", [False, True])
def test_both_drawings_draw_exactly_the_equations(style, peepholes):
    expected = EQUATION_EDGES | (PEEPHOLE_EDGES if peepholes else frozenset())
    assert drawn_edges(style, peepholes=peepholes) == expected
    with pytest.raises(ValueError, match="'circuit' or 'odyssey'"):
        drawn_edges("subway")


def test_the_equation_table_matches_lstmkit_lstm():
    """Each arrow of the table is a real dependency of lk.lstm's numbers, and only those."""
    rng = np.random.default_rng(0)
    D, H = 3, 4
    x = rng.standard_normal((1, 2, D))
    y0, c0 = rng.standard_normal((2, H)), rng.standard_normal((2, H))
    dc = np.array([0.5, -1.0, 0.25, 2.0])
    for peepholes in (False, True):
        params = lk.lstm.init_params(D, H, rng=rng, peepholes=peepholes)
        a = lk.lstm.forward(params, x, y0, c0)
        b = lk.lstm.forward(params, x, y0, c0 + dc)  # change only c(t-1)
        for g in "zif":
            bar = f"{g}_bar"
            if ("c_prev", g) in PEEPHOLE_EDGES and peepholes:
                np.testing.assert_allclose(
                    getattr(b, bar) - getattr(a, bar),
                    np.broadcast_to(params[f"p_{g}"] * dc, (1, 2, H)),
                    rtol=0,
                    atol=1e-12,
                )
            else:
                assert np.array_equal(getattr(a, bar), getattr(b, bar))
        # c = z ⊙ i + c(t-1) ⊙ f, y = o ⊙ tanh(c)
        np.testing.assert_allclose(a.c[0], a.z[0] * a.i[0] + c0 * a.f[0], rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(a.y, a.o * np.tanh(a.c), rtol=1e-14, atol=1e-15)
        # the output gate sees the new cell through p_o, nothing else of the cell
        linear = x[0] @ params["W_o"].T + y0 @ params["R_o"].T + params["b_o"]
        peep = params["p_o"] * a.c[0] if peepholes else 0.0
        np.testing.assert_allclose(a.o_bar[0], linear + peep, rtol=1e-13, atol=1e-14)


def _dashed(artist):
    return artist.get_linestyle() not in ("-", "solid")


def test_odyssey_dashes_exactly_the_arrows_from_the_previous_step():
    """Greff et al.'s convention: dashed = time lag. An edge of the drawing is dashed exactly
    when an equation arrow it draws starts at c(t-1) or y(t-1) (E2 of the chapter 4 review:
    the o peephole reads c(t), solid; the cell loop into the forget product carries c(t-1))."""
    block = LSTMDiagram("odyssey", peepholes=True)
    previous = {"c_prev", "y_prev"}
    checked = {}
    for gid, _tail, _head, means, _opts in lstm_diagrams.ODYSSEY["edges"]:
        if not means:
            continue
        lagged = any(tail in previous for tail, _ in means)
        assert _dashed(block.arrows[gid]) == lagged, gid
        checked[gid] = lagged
    assert checked["peephole:o"] is False and checked["peephole:i"] is True
    assert checked["peephole:f"] is True and checked["edge:c->mul_f"] is True
    assert checked["edge:mul_f->c"] is False
    assert sum(checked.values()) == 4 + 3  # four y(t-1) feeds, the c(t-1) loop, two peepholes


def test_circuit_has_no_dashes():
    """The circuit draws c(t-1) and y(t-1) as nodes: no line needs to mark a time lag."""
    block = LSTMDiagram("circuit", peepholes=True)
    assert not any(_dashed(a) for a in block.arrows.values())


# ----------------------------------------------------------------------------- drawing
@pytest.mark.parametrize("draw", DRAWS)
def test_lstm_peepholes_switch(draw):
    with_peep = draw(peepholes=True)
    peep = find_artists(with_peep, "peephole:")
    assert sorted(a.get_gid() for a in peep) == ["peephole:f", "peephole:i", "peephole:o"]
    assert all(same_color(a.get_edgecolor(), colors.PEEPHOLE) for a in peep)
    without = draw(peepholes=False)
    assert find_artists(without, "peephole:") == []
    assert find_artists(without, "text:p_") == []
    assert len(find_artists(with_peep, "text:p_")) == 3


@pytest.mark.parametrize("draw", DRAWS)
def test_lstm_gates_have_their_colours(draw):
    fig = draw()
    for g in "zifo":
        assert same_color(node_patch(fig, g).get_edgecolor(), colors.GATE_COLORS[g])
    for op in ("mul_i", "mul_f", "mul_o", "tanh_c"):
        node_patch(fig, op)
    assert len(find_artists(fig, "node:mul_")) == 3


def test_lstm_circuit_structure():
    fig = lstm_circuit()
    for name in ("c_prev", "c", "y_prev", "y", "x", "add"):
        node_patch(fig, name)
    highway = [a for a in find_artists(fig, "edge:") if same_color(a.get_edgecolor(), colors.CELL)]
    assert len(highway) == 4
    assert len(find_artists(fig, "edge:bus->")) == 4


def test_lstm_values_and_deltas_colour_gates():
    fig = lstm_circuit(values={"f": np.array([0.9, 0.1]), "o": -0.5}, unit=1)
    assert np.allclose(node_patch(fig, "f").get_facecolor(), colors.activation_color(0.1))
    assert np.allclose(node_patch(fig, "o").get_facecolor(), colors.activation_color(-0.5))
    fig = lstm_odyssey(deltas={"i": 0.01, "f": 1.0})
    assert luminance(node_patch(fig, "f").get_facecolor()) < luminance(
        node_patch(fig, "i").get_facecolor()
    )
    with pytest.raises(ValueError, match="keys must be among"):
        lstm_circuit(values={"g": 1.0})
    with pytest.raises(ValueError, match=r"\(H,\)"):
        lstm_circuit(deltas={"c": np.zeros((2, 3))})
    with pytest.raises(ValueError, match="unit=5 is out of range"):
        lstm_circuit(values={"c": np.zeros(3)}, unit=5)
    with pytest.raises(TypeError):
        lstm_circuit(values=[0.1, 0.2])
    with pytest.raises(ValueError, match="'circuit' or 'odyssey'"):
        LSTMDiagram("subway")


@pytest.mark.parametrize("draw", DRAWS)
def test_lstm_edge_width_follows_the_gate_value(draw):
    def width(fig, gid):
        (arrow,) = find_artists(fig, gid)
        return arrow.get_linewidth()

    assert width(draw(values={"f": 0.95}), "edge:f->mul_f") > width(
        draw(values={"f": 0.05}), "edge:f->mul_f"
    )
    assert width(draw(values={"o": 0.9}), "edge:o->mul_o") > width(
        draw(values={"o": 0.1}), "edge:o->mul_o"
    )


@pytest.mark.parametrize("style", STYLES)
def test_show_values_writes_the_numbers(style):
    block = LSTMDiagram(style, values=VALUES, show_values=True)
    shown = {a.get_gid().split(":", 1)[1]: a.get_text() for a in find_artists(block.fig, "value:")}
    assert shown["f"] == "0.95" and shown["z"] == "-0.40" and shown["c"] == "1.20"
    if style == "circuit":
        assert shown["c_prev"] == "0.90" and shown["y"] == "0.25"
    assert find_artists(LSTMDiagram(style, values=VALUES).fig, "value:") == []


def test_draws_into_a_given_axes():
    fig, axes = plt.subplots(1, 2, figsize=(7, 3))
    before = plt.get_fignums()
    assert lstm_circuit(ax=axes[0]) is fig
    assert lstm_odyssey(ax=axes[1], peepholes=False) is fig
    assert plt.get_fignums() == before
    assert find_artists(axes[0], "peephole:") and not find_artists(axes[1], "peephole:")


# ----------------------------------------------------------------------------- layout
LAYOUTS = {
    "circuit": lambda: lstm_circuit(),
    "circuit_values": lambda: lstm_circuit(values=VALUES, show_values=True),
    "odyssey": lambda: lstm_odyssey(),
    "odyssey_values": lambda: lstm_odyssey(values=VALUES, show_values=True),
}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_fits_the_book_width_with_readable_text_and_no_overlaps(name):
    fig = LAYOUTS[name]()
    check_fits_the_book(fig, name, min_pt=11.0)


# ----------------------------------------------------------------------------- updates
STEPS = [
    {"values": VALUES},
    {"peepholes": False},
    {"values": {**VALUES, "f": 0.05, "c": -2.0}, "peepholes": True},
    {"values": {"f": np.array([0.2, 0.7])}, "unit": 1},
    {"values": None, "deltas": {"c": 2.0, "o": 0.5}, "vmax": 3.0},
]


@pytest.mark.parametrize("style", STYLES)
def test_update_draws_what_a_fresh_drawing_draws(style):
    block = LSTMDiagram(style, show_values=True, animate=["values", "peepholes"])
    fig, args = block.fig, {}
    for step in STEPS:
        pixels(fig)  # drawn before the change, as in a slider
        assert block.update(**step) is fig
        args.update(step)
        fresh = LSTMDiagram(style, show_values=True, **args).fig
        assert np.array_equal(pixels(fig), pixels(fresh)), step


def test_update_rejects_bad_input_and_keeps_the_drawing():
    block = LSTMDiagram("circuit", values=VALUES, show_values=True)
    before = pixels(block.fig)
    with pytest.raises(TypeError, match="changes only values, deltas, peepholes, unit, vmax"):
        block.update(style="odyssey")
    with pytest.raises(ValueError, match="keys must be among"):
        block.update(values={"q": 1.0}, peepholes=False)
    assert np.array_equal(pixels(block.fig), before)
    with pytest.raises(ValueError, match="among values, deltas"):
        LSTMDiagram("circuit", animate=["colour"])


def test_animate_marks_what_update_changes():
    animated = lambda b: {a.get_gid() for a in b.fig.findobj(lambda a: a.get_animated())}  # noqa: E731
    assert animated(LSTMDiagram("circuit")) == set()
    peep = animated(LSTMDiagram("circuit", animate=["peepholes"]))
    assert peep == {"peephole:f", "peephole:i", "peephole:o", "text:p_f", "text:p_i", "text:p_o"}
    vals = animated(LSTMDiagram("odyssey", animate=["values"], show_values=True))
    assert {"node:f", "value:f", "edge:f->mul_f", "node:c"} <= vals
    assert "block" not in vals


def test_docstring_examples_run():
    result = doctest.testmod(lstm_diagrams, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
