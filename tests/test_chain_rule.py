"""Tests of the chain-rule graphs in ``lstmkit.viz.chain_rule``."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from drawing import check_fits_the_book, gids, same_color  # noqa: E402

import lstmkit as lk  # noqa: E402
from lstmkit.viz import chain_rule, colors  # noqa: E402
from lstmkit.viz._draw import find_artists  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("n", [1, 3, 5])
def test_chain_graph(n):
    fig = chain_rule.chain_graph(n)
    assert len(gids(fig, "node:")) == n + 2
    assert len(gids(fig, "edge:")) == n + 1
    back = find_artists(fig, "back:")
    assert len(back) == n + 1
    assert all(same_color(a.get_edgecolor(), colors.BACKWARD) for a in back)
    assert len(gids(chain_rule.chain_graph(n, backward=False), "back:")) == 0


def test_path_graphs():
    fig = chain_rule.two_paths_graph()
    assert sorted(gids(fig, "node:")) == ["node:J", "node:u", "node:v", "node:x"]
    assert len(find_artists(fig, "back:")) == 4
    fig = chain_rule.n_paths_graph(4)
    assert len(gids(fig, "node:")) == 6
    back = find_artists(fig, "back:")
    assert len(back) == 8
    assert all(same_color(a.get_edgecolor(), colors.BACKWARD) for a in back)
    for bad in (1, 7, 2.5):
        with pytest.raises(ValueError, match="n must be"):
            chain_rule.n_paths_graph(bad)
    with pytest.raises(ValueError, match="n must be"):
        chain_rule.chain_graph(0)


def test_lstm_cell_graph_nodes_and_peepholes():
    fig = chain_rule.lstm_cell_graph()
    assert {g[5:] for g in gids(fig, "node:")} == set(chain_rule.LSTM_GRAPH_NODES)
    edges = find_artists(fig, "edge:")
    assert len(edges) == len(chain_rule.LSTM_GRAPH_EDGES)
    assert gids(fig, "route:") == []
    peep = [a for a in edges if same_color(a.get_edgecolor(), colors.PEEPHOLE)]
    assert {a.get_gid() for a in peep} >= {
        "edge:c_prev->ibar",
        "edge:c_prev->fbar",
        "edge:c->obar",
        "edge:c->ibar_next",
        "edge:c->fbar_next",
    }


def test_lstm_cell_graph_highlights_the_five_routes_of_c():
    fig = chain_rule.lstm_cell_graph(highlight="c")
    routes = find_artists(fig, "route:")
    assert len(routes) == 5
    assert {a.get_gid().split("->")[1] for a in routes} == {
        "y",
        "obar",
        "c_next",
        "ibar_next",
        "fbar_next",
    }
    assert all(same_color(a.get_edgecolor(), colors.BACKWARD) for a in routes)
    # local partials are written on exactly the route edges
    assert sorted(g[len("elabel:") :] for g in gids(fig, "elabel:")) == sorted(
        a.get_gid()[len("route:") :] for a in routes
    )
    # not highlighted: nothing upstream of c(t) is drawn in the backward colour
    (up,) = find_artists(fig, "edge:x->fbar")
    assert not same_color(up.get_edgecolor(), colors.BACKWARD)
    assert any("delta" in t.get_text() for t in fig.axes[0].texts)
    assert len(find_artists(chain_rule.lstm_cell_graph(highlight="y"), "route:")) == 5
    assert chain_rule.routes("c") == [e for e in chain_rule.LSTM_GRAPH_EDGES if e[0] == "c"]
    with pytest.raises(ValueError, match="highlight"):
        chain_rule.lstm_cell_graph(highlight="q")


def test_lstm_cell_graph_all_partials():
    fig = chain_rule.lstm_cell_graph(partials=True)
    assert len(gids(fig, "elabel:")) == len(chain_rule.LSTM_GRAPH_EDGES) - 3


def test_the_routes_of_c_and_y_are_the_terms_of_their_deltas():
    """The graph's routes out of c(t) and y(t), with the partials on their edges, add up
    to the deltas that lk.lstm.backward computes: the drawing and the code agree."""
    rng = np.random.default_rng(4)
    D, H, T = 2, 3, 4
    params = lk.lstm.init_params(D, H, rng=rng, peepholes=True)
    x = rng.standard_normal((T, 1, D))
    cache = lk.lstm.forward(params, x)
    target = rng.standard_normal(cache.y.shape)
    _, d = lk.lstm.backward(params, cache, cache.y - target)
    t = 1  # array index of step t; t + 1 is step t + 1
    sig = {g: getattr(cache, g) * (1 - getattr(cache, g)) for g in "ifo"}
    tanh_c = np.tanh(cache.c)
    # one term per route of c(t), named by the successor the graph gives
    c_terms = {
        "y": d.y[t] * cache.o[t] * (1 - tanh_c[t] ** 2),
        "obar": params["p_o"] * d.o_bar[t],
        "c_next": d.c[t + 1] * cache.f[t + 1],
        "ibar_next": params["p_i"] * d.i_bar[t + 1],
        "fbar_next": params["p_f"] * d.f_bar[t + 1],
    }
    assert {b for _, b in chain_rule.routes("c")} == set(c_terms)
    assert np.allclose(sum(c_terms.values()), d.c[t], rtol=1e-12, atol=1e-14)
    y_terms = {
        "J": cache.y[t] - target[t],
        "zbar_next": d.z_bar[t + 1] @ params["R_z"],
        "ibar_next": d.i_bar[t + 1] @ params["R_i"],
        "fbar_next": d.f_bar[t + 1] @ params["R_f"],
        "obar_next": d.o_bar[t + 1] @ params["R_o"],
    }
    assert {b for _, b in chain_rule.routes("y")} == set(y_terms)
    assert np.allclose(sum(y_terms.values()), d.y[t], rtol=1e-12, atol=1e-14)
    assert np.allclose(d.o_bar[t], d.y[t] * tanh_c[t] * sig["o"][t], rtol=1e-12, atol=1e-14)


DIAGRAMS = {
    "chain_graph": lambda: chain_rule.chain_graph(4),
    "two_paths_graph": lambda: chain_rule.two_paths_graph(),
    "n_paths_graph": lambda: chain_rule.n_paths_graph(4),
    "lstm_cell_graph": lambda: chain_rule.lstm_cell_graph(highlight="c"),
}


@pytest.mark.parametrize("name", list(DIAGRAMS))
def test_fits_the_book_width_without_clipping_or_overlaps(name):
    fig = DIAGRAMS[name]()
    check_fits_the_book(fig, name)


def _equation_name(node):
    """A node of ``lstm_cell_graph`` named as in ``lstmkit.equations``: fbar -> f_bar."""
    return f"{node[0]}_bar" if node.endswith("bar") else node


def test_every_edge_inside_the_step_is_a_partial_of_the_equations_table():
    """The graph's edges within step t are exactly the local partials of lk.equations,
    whose numbers tests/test_equations.py checks against lk.lstm."""
    inside = {
        (a, b)
        for a, b in chain_rule.LSTM_GRAPH_EDGES
        if not a.endswith("_next") and not b.endswith("_next") and b != "J"
    }
    partials = lk.equations.table("partial")
    names = {f"d{_equation_name(b)}/d{_equation_name(a)}" for a, b in inside}
    assert names == set(partials)
    assert len(inside) == 21
    # the parameter on each weight and peephole edge is the one the table multiplies by
    checked = 0
    for a, b in inside:
        numpy = partials[f"d{_equation_name(b)}/d{_equation_name(a)}"].numpy
        if numpy[:2] in ("W_", "R_", "p_"):
            label = chain_rule.LSTM_GRAPH_EDGES[(a, b)]
            assert label.replace(r"\boldsymbol{", "").replace("}", "").strip("$") == numpy
            checked += 1
    assert checked == 4 + 4 + 3
