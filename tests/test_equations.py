"""Every entry of lstmkit.equations, evaluated on lstmkit.lstm's numbers."""

import doctest
import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.mathtext import MathTextParser

from lstmkit import equations, lstm

T, B, D, H = 5, 3, 4, 6  # B, D, H all different, so the shapes tell the partials apart
STEP = 2  # array index of the step the one-step entries are evaluated at (not first or last)
EQ = equations.EQUATIONS


def problem(variant="vanilla", peepholes=True):
    rng = np.random.default_rng(7)
    params = lstm.init_params(D, H, rng=rng, peepholes=peepholes, scale=0.7)
    x = rng.standard_normal((T, B, D))
    y0, c0 = 0.5 * rng.standard_normal((B, H)), rng.standard_normal((B, H))
    G = rng.standard_normal((T, B, H))
    cache = lstm.forward(params, x, y0, c0, variant=variant)
    grads, deltas = lstm.backward(params, cache, G)
    return params, cache, grads, deltas, G


def namespace(params, cache, deltas, G, t=STEP):
    """The names an entry's numpy expression may use, at array index t."""
    ns = {"np": np, "sigma": lstm.sigmoid, "tanh": np.tanh, "Delta": G[t]}
    ns |= {k: params.get(k, 0.0) for k in lstm.PARAM_SHAPES}
    ns |= {k: getattr(cache, k)[t] for k in ("x", "y_prev", "c_prev", *lstm.STEP)}
    ns |= {f"delta_{k}": getattr(deltas, k)[t] for k in lstm.DELTAS}
    ns |= {f"delta_{k}_next": getattr(deltas, k)[t + 1] for k in lstm.DELTAS}
    ns["f_next"] = cache.f[t + 1]
    whole = {k: getattr(cache, k) for k in ("x", "y_prev", "c_prev", *lstm.STEP)}
    ns["seq"] = SimpleNamespace(**whole, **{f"delta_{k}": getattr(deltas, k) for k in lstm.DELTAS})
    return ns


def evaluate(eq, ns):
    return eval(eq.numpy, {"__builtins__": {}}, ns)  # noqa: S307 (our own table)


def close(a, b):
    return np.abs(a - b).max() <= 1e-12 * max(np.abs(b).max(), 1.0)


@pytest.mark.parametrize("peepholes", [True, False])
@pytest.mark.parametrize("variant", lstm.VARIANTS)
def test_forward_and_delta_entries_give_lstms_numbers(variant, peepholes):
    params, cache, _, deltas, G = problem(variant, peepholes)
    ns = namespace(params, cache, deltas, G)
    forward = equations.table("forward", variant)
    assert set(forward) == set(lstm.STEP)
    for symbol, eq in forward.items():
        assert close(evaluate(eq, ns), getattr(cache, symbol)[STEP]), symbol
    delta = equations.table("delta", variant)
    assert set(delta) == {f"delta_{k}" for k in lstm.DELTAS}
    for symbol, eq in delta.items():
        assert close(evaluate(eq, ns), getattr(deltas, symbol[6:])[STEP]), symbol


@pytest.mark.parametrize("peepholes", [True, False])
def test_gradient_entries_give_lstms_gradients(peepholes):
    params, cache, grads, deltas, G = problem(peepholes=peepholes)
    ns = namespace(params, cache, deltas, G)
    gradients = equations.table("gradient")
    assert set(gradients) == {f"dJ/d{k}" for k in lstm.PARAM_SHAPES}
    for symbol, eq in gradients.items():
        if symbol[4:] in grads:
            assert close(evaluate(eq, ns), grads[symbol[4:]]), symbol


def test_partials_are_the_local_derivatives_of_the_forward_entries():
    """d<head>/d<tail>: central differences of head's forward entry, the rest held fixed."""
    params, cache, _, deltas, G = problem()
    ns = namespace(params, cache, deltas, G)
    partials = equations.table("partial")
    assert len(partials) == 21
    for symbol, eq in partials.items():
        head, tail = symbol[1:].split("/d")
        value = np.asarray(evaluate(eq, ns), dtype=float)
        n = ns[tail].shape[1]
        jac = np.empty((H, n))  # d head[0, j] / d tail[0, k], for the first batch entry
        for k in range(n):
            bumped = []
            for e in (1e-6, -1e-6):
                moved = dict(ns, **{tail: ns[tail].copy()})
                moved[tail][0, k] += e
                bumped.append(evaluate(EQ[head], moved)[0])
            jac[:, k] = (bumped[0] - bumped[1]) / 2e-6
        if value.shape == (H, n):  # a matrix: W or R
            expected = value
        else:  # elementwise: a diagonal Jacobian
            expected = np.diag(value[0] if value.ndim == 2 else value)
        np.testing.assert_allclose(jac, expected, rtol=1e-7, atol=1e-9, err_msg=symbol)


def test_labels_are_unique_and_cover_the_labels_in_lstm_py():
    labels = [eq.label for eq in EQ.values()]
    assert len(labels) == len(set(labels))
    assert all(re.fullmatch(r"eq-lstm-[a-z0-9-]+", label) for label in labels)
    source = Path(lstm.__file__).read_text()
    used = set(re.findall(r"\((eq-lstm-[a-z-]+)\)", source))
    assert len(used) == 17 and used <= set(labels)


def test_every_entry_is_valid_latex_for_mathjax_and_matplotlib():
    parser = MathTextParser("agg")
    for symbol, eq in EQ.items():
        assert eq.kind in equations.KINDS and eq.variant in lstm.VARIANTS
        for tex in (eq.tex, eq.rhs):
            assert tex.count("{") == tex.count("}"), symbol
            assert not re.search(r"\^\{[^{}]*\}\^", tex), symbol  # no double superscript
            parser.parse(f"${tex}$", dpi=72)


def test_table_and_aligned():
    assert equations.table("forward", "no_forget_gate")["f"].rhs == r"\boldsymbol{1}"
    assert equations.table("forward")["f"].label == "eq-lstm-f"
    assert len(equations.table()) == len(EQ) - 7  # no variant rows in the vanilla table
    assert equations.table("forward", "coupled")["f"].numpy == "1 - i"
    assert equations.table("delta", "no_output_activation")["delta_c"].label.endswith("noaf")
    block = equations.aligned(["c", "y"])
    assert block.startswith(r"\begin{aligned}") and block.count("&=") == 2
    with pytest.raises(ValueError, match="kind must be one of forward, delta"):
        equations.table("backward")


@pytest.mark.parametrize("name", ["equations", "lstm", "lstm_fast"])
def test_docstring_examples_run(name):
    module = importlib.import_module(f"lstmkit.{name}")
    assert doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
