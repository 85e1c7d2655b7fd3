"""Tests of lstmkit.variants: Greff et al.'s one-line variants of the LSTM step and the GRU."""

import doctest

import numpy as np
import pytest

import lstmkit as lk
from lstmkit import variants

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3))
Y0 = RNG.standard_normal((2, 4))
C0 = RNG.standard_normal((2, 4))


def test_doctests():
    assert doctest.testmod(variants).failed == 0


@pytest.mark.parametrize("variant", variants.VARIANTS)
@pytest.mark.parametrize("peepholes", [False, True])
def test_count_is_the_number_of_parameters(variant, peepholes):
    if peepholes and variant in ("np", "gru"):
        with pytest.raises(ValueError, match="no peepholes"):
            variants.init_params(variant, 3, 4, rng=RNG, peepholes=True)
        return
    p = variants.init_params(variant, 3, 4, rng=RNG, peepholes=peepholes)
    assert sum(v.size for v in p.values()) == variants.count(variant, 3, 4, peepholes=peepholes)


def test_counts():
    assert variants.count("vanilla", 1, 16) == 4 * 16 * 18
    assert variants.count("vanilla", 1, 16, peepholes=True) == 4 * 16 * 18 + 3 * 16
    assert variants.count("cifg", 1, 16, peepholes=True) == 3 * 16 * 18 + 2 * 16
    assert variants.count("gru", 2, 5) == 3 * 5 * 8


def test_vanilla_and_np_are_lstm_forward_step():
    p = lk.lstm.init_params(3, 4, rng=RNG, peepholes=True)
    a = variants.forward_step(p, X, Y0, C0, variant="vanilla")
    b = lk.lstm.forward_step(p, X, Y0, C0)
    assert all(np.array_equal(a[k], b[k]) for k in b)
    no_p = {k: v for k, v in p.items() if not k.startswith("p_")}
    np_step = variants.forward_step(no_p, X, Y0, C0, variant="np")
    assert np.array_equal(np_step["c"], lk.lstm.forward_step(no_p, X, Y0, C0)["c"])
    with pytest.raises(ValueError, match="without p_i"):
        variants.forward_step(p, X, Y0, C0, variant="np")


@pytest.mark.parametrize("peepholes", [False, True])
def test_cifg_couples_the_gates_and_nothing_else(peepholes):
    p = variants.init_params("cifg", 3, 4, rng=RNG, peepholes=peepholes)
    assert not any(k.endswith("_f") for k in p)
    s = variants.forward_step(p, X, Y0, C0, variant="cifg")
    assert np.array_equal(s["f"], 1 - s["i"])
    # the LSTM with a forget gate that happens to equal 1 - i computes the same step
    full = lk.lstm.init_params(3, 4, rng=RNG, peepholes=peepholes)
    full.update(p)
    vanilla = lk.lstm.forward_step(full, X, Y0, C0)
    np.testing.assert_allclose(s["c"], s["z"] * s["i"] + C0 * (1 - s["i"]), atol=1e-15)
    assert np.array_equal(s["z"], vanilla["z"]) and np.array_equal(s["i"], vanilla["i"])
    np.testing.assert_allclose(s["y"], s["o"] * np.tanh(s["c"]), atol=1e-15)
    # CIFG starts with the forget gate 1 - i mostly open, like the LSTM's b_f = 1
    assert np.all(p["b_i"] == -1.0)


def test_nog_shows_the_whole_cell():
    p = variants.init_params("nog", 3, 4, rng=RNG)
    assert not any(k.endswith("_o") for k in p)
    s = variants.forward_step(p, X, Y0, C0, variant="nog")
    assert np.all(s["o"] == 1) and np.array_equal(s["y"], np.tanh(s["c"]))


def test_gru_is_the_gru_of_cho_et_al():
    p = variants.init_params("gru", 3, 4, rng=RNG)
    assert sorted(p) == sorted(f"{m}_{g}" for m in "WRb" for g in "zir")
    s = variants.forward_step(p, X, Y0, Y0, variant="gru")
    sig = lk.lstm.sigmoid
    u = sig(X @ p["W_i"].T + Y0 @ p["R_i"].T + p["b_i"])  # update gate
    r = sig(X @ p["W_r"].T + Y0 @ p["R_r"].T + p["b_r"])  # reset gate
    h_tilde = np.tanh(X @ p["W_z"].T + (r * Y0) @ p["R_z"].T + p["b_z"])
    h = (1 - u) * Y0 + u * h_tilde
    np.testing.assert_allclose(s["y"], h, atol=1e-15)
    assert np.array_equal(s["c"], s["y"])


@pytest.mark.parametrize("variant", ["cifg", "gru"])
def test_coupled_gates_keep_the_state_bounded(variant):
    """c(t) is a convex combination of c(t-1) and z: |c| <= max(|c(0)|, 1) at every step."""
    p = variants.init_params(variant, 2, 6, rng=RNG)
    p = {k: 3 * v for k, v in p.items()}  # large weights: gates near 0 and 1
    c0 = np.full((1, 6), 1.5)
    run = variants.forward(p, RNG.standard_normal((300, 1, 2)), c0, variant=variant)
    assert np.max(np.abs(run["c"])) <= 1.5 + 1e-12


def test_bad_input():
    with pytest.raises(ValueError, match="variant must be one of"):
        variants.count("peephole-free", 1, 2)
    with pytest.raises(ValueError, match=r"\(T, B, D\)"):
        variants.forward(
            variants.init_params("nog", 1, 2, rng=RNG), np.zeros((3, 1)), variant="nog"
        )
    with pytest.raises(TypeError, match="positive integer|int"):
        variants.count("cifg", 1.5, 2)
