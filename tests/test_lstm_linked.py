"""lstmkit.viz.lstm_linked: each signal lights exactly the arrows its equations read."""

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from lstmkit import equations
from lstmkit.viz import lstm_diagrams as ld
from lstmkit.viz import lstm_linked as ll
from lstmkit.viz.textsize import smallest_text

STYLES = ("circuit", "odyssey")
TABLES = {"circuit": ld.CIRCUIT, "odyssey": ld.ODYSSEY}


def _means(style, gids):
    return {a for gid, _t, _h, means, _o in TABLES[style]["edges"] if gid in gids for a in means}


def test_equation_arrows_union_is_the_drawn_table():
    forward = [k for k, e in equations.EQUATIONS.items()
               if e.kind == "forward" and e.variant == "vanilla"]
    assert len(forward) == 10
    plain = set().union(*(ld.equation_arrows(k)[0] for k in forward))
    peep = set().union(*(ld.equation_arrows(k)[1] for k in forward))
    assert plain == ld.EQUATION_EDGES and len(plain) == 17
    assert peep == ld.PEEPHOLE_EDGES == {("c_prev", "i"), ("c_prev", "f"), ("c", "o")}
    # an activation of its own pre-activation reads no arrow
    for g in "zifo":
        assert ld.equation_arrows(g) == (frozenset(), frozenset())


def test_signals_partition_the_arrows():
    """Every arrow belongs to the equations of exactly one signal."""
    seen = []
    for symbol in ll.SIGNAL_EQUATIONS:
        seen.extend(ll.step_arrows(symbol))
    assert len(seen) == len(set(seen)) == 20
    assert set(seen) == ld.EQUATION_EDGES | ld.PEEPHOLE_EDGES
    assert set(ll.step_arrows("c")) == {
        ("z", "z*i"), ("i", "z*i"), ("z*i", "c"),
        ("c_prev", "c_prev*f"), ("f", "c_prev*f"), ("c_prev*f", "c"),
    }
    assert ("c", "o") in ll.step_arrows("o")
    assert ("c", "o") not in ll.step_arrows("o", peepholes=False)


@pytest.mark.parametrize("peepholes", [True, False])
@pytest.mark.parametrize("symbol", list(ll.SIGNAL_EQUATIONS))
def test_each_position_lights_exactly_its_arrows(symbol, peepholes):
    view = ll.LinkedEquations(peepholes=peepholes)
    view.update(symbol)
    wanted = ll.step_arrows(symbol, peepholes=peepholes)
    for style in STYLES:
        lit = view.lit[style]
        # the lit edges draw exactly the arrows of the equations, and nothing else
        assert _means(style, lit) == set(wanted) == set(view.arrows_lit(style))
        for gid, _t, _h, means, _o in TABLES[style]["edges"]:
            if gid in lit:
                assert set(means) <= wanted, gid
        # and that is what the artists show: full alpha exactly on the lit edges
        arrows = view.diagrams[style].arrows
        shown = {gid for gid, a in arrows.items() if a.get_alpha() == 1.0}
        assert shown == set(lit)
        assert all(arrows[g].get_alpha() < 0.2 for g in set(arrows) - set(lit))
    text = view.equation.get_text()
    for key in ll.SIGNAL_EQUATIONS[symbol]:
        tex = equations.EQUATIONS[key].tex
        if peepholes or r"\boldsymbol{p}" not in tex:
            assert tex in text
        else:  # without peepholes the p term is shown as zero
            assert tex.replace(r" + \boldsymbol{p}", r" + 0\,\boldsymbol{p}") in text


def test_texts_are_at_least_the_minimum_size():
    for fig in (ll.LinkedEquations().fig, ll.unrolled_strip()):
        FigureCanvasAgg(fig)
        fig.canvas.draw()
        assert smallest_text(fig)[0] >= 10.6


def test_bad_input():
    with pytest.raises(ValueError, match="symbol must be one of"):
        ll.step_arrows("x")
    with pytest.raises(ValueError, match="symbol must be one of"):
        ll.LinkedEquations().update("c_prev")
    with pytest.raises(ValueError, match="style must be"):
        ll.lit_edges("colah", set())
    with pytest.raises(ValueError, match="forward equation"):
        ld.equation_arrows("delta_c")
