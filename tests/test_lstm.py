"""LSTM: forward pass and backward pass (Greff et al. 2017), checked against slow references."""

from decimal import Decimal, getcontext

import numpy as np
import pytest

from lstmkit import gradcheck, lstm, variants

TOL = 1e-7  # max relative error of a gradient check (norm-based, see lstmkit.gradcheck)
PERTURBABLE = ("z_bar", "i_bar", "f_bar", "o_bar", "c", "y")


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


# ----------------------------------------------------------------------------------------
# A slow reference, one gate and one step at a time, straight from the equations. Optional
# additive perturbations of z_bar, i_bar, f_bar, o_bar, c and y at every step make finite
# differences give the total derivatives dJ/dz_bar(t), ..., dJ/dy(t).
# ----------------------------------------------------------------------------------------


def reference_forward(params, x, y0, c0, perturb=None):
    perturb = perturb or {}
    peep = "p_i" in params
    p = params
    y, c = y0, c0
    out = {k: [] for k in ("z", "i", "f", "o", "c", "y")}
    for t in range(x.shape[0]):

        def bump(name, value, t=t):
            return value + perturb[name][t] if name in perturb else value

        z_bar = bump("z_bar", x[t] @ p["W_z"].T + y @ p["R_z"].T + p["b_z"])
        i_bar = x[t] @ p["W_i"].T + y @ p["R_i"].T + p["b_i"] + (p["p_i"] * c if peep else 0)
        f_bar = x[t] @ p["W_f"].T + y @ p["R_f"].T + p["b_f"] + (p["p_f"] * c if peep else 0)
        z, i, f = np.tanh(z_bar), sig(bump("i_bar", i_bar)), sig(bump("f_bar", f_bar))
        c = bump("c", z * i + c * f)
        o_bar = x[t] @ p["W_o"].T + y @ p["R_o"].T + p["b_o"] + (p["p_o"] * c if peep else 0)
        o = sig(bump("o_bar", o_bar))
        y = bump("y", o * np.tanh(c))
        for name, value in zip(("z", "i", "f", "o", "c", "y"), (z, i, f, o, c, y), strict=True):
            out[name].append(value)
    return {k: np.array(v) for k, v in out.items()}


def make_problem(T=6, B=3, D=4, H=5, seed=0, peepholes=True):
    rng = np.random.default_rng(seed)
    params = lstm.init_params(D, H, rng=rng, peepholes=peepholes, scale=0.5)
    for key in params:
        if key.startswith(("b_", "p_")):
            params[key] = params[key] + 0.5 * rng.standard_normal(H)
    x = rng.standard_normal((T, B, D))
    y0 = 0.5 * rng.standard_normal((B, H))
    c0 = rng.standard_normal((B, H))
    G = rng.standard_normal((T, B, H))  # J = sum(G * y), so Delta(t) = G(t)
    return params, x, y0, c0, G


def loss_of(G, params, x, y0, c0):
    return float(np.sum(G * lstm.forward(params, x, y0, c0).y))


# ----------------------------------------------------------------------------------------
# sigmoid
# ----------------------------------------------------------------------------------------


def test_sigmoid_no_warnings_and_exact_limits():
    x = np.array([-1e4, -800.0, -745.0, -700.0, 0.0, 700.0, 800.0, 1e4])
    with np.errstate(all="raise"):
        s = lstm.sigmoid(x)
        s32 = lstm.sigmoid(x.astype(np.float32))
    assert s[0] == 0.0 and s[1] == 0.0 and s[-1] == 1.0 and s[4] == 0.5
    assert s[3] == pytest.approx(np.exp(-700.0), rel=1e-14)  # 9.86e-305, not flushed to 0
    assert s32.dtype == np.float32 and s32[0] == 0.0 and s32[-1] == 1.0


def test_sigmoid_correct_to_the_last_digits():
    """Compare with 40-digit decimal arithmetic: at most 2 units in the last place."""
    getcontext().prec = 40
    x = np.concatenate([np.linspace(-700, 700, 301), np.linspace(-5, 5, 101)])
    s = lstm.sigmoid(x)
    exact = np.array([float(1 / (1 + Decimal(-float(v)).exp())) for v in x])
    ulps = np.abs(s - exact) / np.spacing(exact)
    assert ulps.max() <= 2.0


def test_sigmoid_symmetry():
    x = np.linspace(-20, 20, 41)
    np.testing.assert_allclose(lstm.sigmoid(x) + lstm.sigmoid(-x), 1.0, rtol=0, atol=4.5e-16)


# ----------------------------------------------------------------------------------------
# init_params and forward
# ----------------------------------------------------------------------------------------


def test_init_params_keys_shapes_and_forget_bias():
    params = lstm.init_params(3, 6, rng=np.random.default_rng(0))
    expected = {f"W_{g}": (6, 3) for g in "zifo"}
    expected |= {f"R_{g}": (6, 6) for g in "zifo"}
    expected |= {f"b_{g}": (6,) for g in "zifo"}
    expected |= {p: (6,) for p in ("p_i", "p_f", "p_o")}
    assert {k: v.shape for k, v in params.items()} == expected
    np.testing.assert_array_equal(params["b_f"], np.ones(6))
    np.testing.assert_array_equal(params["b_o"], np.zeros(6))
    plain = lstm.init_params(3, 6, rng=np.random.default_rng(0), peepholes=False, forget_bias=2.5)
    assert "p_i" not in plain and len(plain) == 12
    np.testing.assert_array_equal(plain["b_f"], np.full(6, 2.5))
    big = lstm.init_params(2, 300, rng=np.random.default_rng(1))
    assert np.std(big["R_o"]) == pytest.approx(1 / np.sqrt(300), rel=0.02)


@pytest.mark.parametrize("peepholes", [True, False])
def test_forward_matches_reference(peepholes):
    params, x, y0, c0, _ = make_problem(peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0)
    ref = reference_forward(params, x, y0, c0)
    for name in ("z", "i", "f", "o", "c", "y"):
        np.testing.assert_allclose(getattr(cache, name), ref[name], rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cache.z, np.tanh(cache.z_bar), rtol=1e-15)
    np.testing.assert_allclose(cache.o, lstm.sigmoid(cache.o_bar), rtol=1e-15)
    np.testing.assert_array_equal(cache.y_prev[0], y0)
    np.testing.assert_array_equal(cache.c_prev[1:], cache.c[:-1])
    np.testing.assert_array_equal(cache.c0, c0)


def test_output_peephole_sees_the_new_cell():
    params, x, y0, c0, _ = make_problem(T=2)
    cache = lstm.forward(params, x, y0, c0)
    p = params
    o_bar = x[1] @ p["W_o"].T + cache.y[0] @ p["R_o"].T + p["b_o"] + p["p_o"] * cache.c[1]
    np.testing.assert_allclose(cache.o_bar[1], o_bar, rtol=1e-14)


def test_zero_peepholes_equal_no_peepholes():
    params, x, y0, c0, G = make_problem()
    plain = {k: v for k, v in params.items() if not k.startswith("p_")}
    zero = dict(plain, p_i=np.zeros(5), p_f=np.zeros(5), p_o=np.zeros(5))
    c_plain, c_zero = lstm.forward(plain, x, y0, c0), lstm.forward(zero, x, y0, c0)
    np.testing.assert_allclose(c_plain.y, c_zero.y, rtol=1e-15)
    g_plain, _ = lstm.backward(plain, c_plain, G)
    g_zero, _ = lstm.backward(zero, c_zero, G)
    assert set(g_plain) == set(plain)
    for key in plain:
        np.testing.assert_allclose(g_plain[key], g_zero[key], rtol=1e-14)


def test_large_inputs_no_overflow():
    params, x, y0, c0, G = make_problem()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        cache = lstm.forward(params, 1e4 * x, y0, c0)
        grads, deltas = lstm.backward(params, cache, G)
    assert np.isfinite(cache.y).all() and np.abs(cache.y).max() <= 1.0
    assert all(np.isfinite(g).all() for g in grads.values())


# ----------------------------------------------------------------------------------------
# backward: finite differences
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("peepholes", [True, False])
def test_param_gradients_match_finite_differences(peepholes):
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    grads, _ = lstm.backward(params, lstm.forward(params, x, y0, c0), G)
    assert set(grads) == set(params)
    errors = gradcheck.check(lambda p: loss_of(G, p, x, y0, c0), params, grads)
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("peepholes", [True, False])
def test_input_and_initial_state_deltas(peepholes):
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    _, d = lstm.backward(params, lstm.forward(params, x, y0, c0), G)
    assert gradcheck.check(lambda a: loss_of(G, params, a, y0, c0), x, d.x) <= TOL
    assert gradcheck.check(lambda a: loss_of(G, params, x, a, c0), y0, d.y0) <= TOL
    assert gradcheck.check(lambda a: loss_of(G, params, x, y0, a), c0, d.c0) <= TOL


@pytest.mark.parametrize("peepholes", [True, False])
@pytest.mark.parametrize("name", PERTURBABLE)
def test_deltas_are_total_derivatives(peepholes, name):
    """deltas.<name>[t] equals dJ/d(perturbation added to <name>(t) in the forward pass)."""
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    _, d = lstm.backward(params, lstm.forward(params, x, y0, c0), G)

    def loss(e):
        return float(np.sum(G * reference_forward(params, x, y0, c0, {name: e})["y"]))

    delta = getattr(d, name)
    assert delta.shape == G.shape
    assert gradcheck.check(loss, np.zeros_like(delta), delta) <= TOL


def test_greff_recursion_identities():
    """The deltas satisfy the recursion of Greff et al., appendix, term by term."""
    params, x, y0, c0, G = make_problem()
    cache = lstm.forward(params, x, y0, c0)
    _, d = lstm.backward(params, cache, G)
    p, t = params, 2
    dsig = lambda s: s * (1 - s)  # noqa: E731
    delta_y = G[t] + sum(getattr(d, f"{g}_bar")[t + 1] @ p[f"R_{g}"] for g in ("z", "i", "f", "o"))
    np.testing.assert_allclose(d.y[t], delta_y, rtol=1e-12)
    np.testing.assert_allclose(
        d.o_bar[t], d.y[t] * np.tanh(cache.c[t]) * dsig(cache.o[t]), rtol=1e-12
    )
    delta_c = (
        d.y[t] * cache.o[t] * (1 - np.tanh(cache.c[t]) ** 2)
        + p["p_o"] * d.o_bar[t]
        + p["p_i"] * d.i_bar[t + 1]
        + p["p_f"] * d.f_bar[t + 1]
        + d.c[t + 1] * cache.f[t + 1]
    )
    np.testing.assert_allclose(d.c[t], delta_c, rtol=1e-12)
    np.testing.assert_allclose(d.f_bar[t], d.c[t] * cache.c[t - 1] * dsig(cache.f[t]))
    np.testing.assert_allclose(d.i_bar[t], d.c[t] * cache.z[t] * dsig(cache.i[t]))
    np.testing.assert_allclose(d.z_bar[t], d.c[t] * cache.i[t] * (1 - cache.z[t] ** 2))
    # at the last step only Delta(T-1) reaches y
    np.testing.assert_array_equal(d.y[-1], G[-1])


def test_mse_readout_through_the_lstm():
    """A non-linear loss on a readout of the last step only."""
    params, x, y0, c0, _ = make_problem()
    rng = np.random.default_rng(3)
    V, target = rng.standard_normal((2, 5)), rng.standard_normal((3, 2))

    def loss(p):
        y_last = lstm.forward(p, x, y0, c0).y[-1]
        return float(np.mean((y_last @ V.T - target) ** 2))

    cache = lstm.forward(params, x, y0, c0)
    dJ_dy = np.zeros_like(cache.y)
    dJ_dy[-1] = (2 * (cache.y[-1] @ V.T - target) / target.size) @ V
    grads, _ = lstm.backward(params, cache, dJ_dy)
    assert gradcheck.max_rel_error(loss, params, grads) <= TOL


# ----------------------------------------------------------------------------------------
# Jacobians of the cell
# ----------------------------------------------------------------------------------------


def _step_cell(params, x_t, y_prev, c_prev):
    """c(t) from y(t-1) and c(t-1), for one step (one batch entry)."""
    p = params
    z = np.tanh(p["W_z"] @ x_t + p["R_z"] @ y_prev + p["b_z"])
    i = sig(p["W_i"] @ x_t + p["R_i"] @ y_prev + p["b_i"] + p.get("p_i", 0) * c_prev)
    f = sig(p["W_f"] @ x_t + p["R_f"] @ y_prev + p["b_f"] + p.get("p_f", 0) * c_prev)
    return z * i + c_prev * f


@pytest.mark.parametrize("peepholes", [True, False])
def test_cell_jacobian_diag_matches_finite_differences(peepholes):
    params, x, y0, c0, _ = make_problem(peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0)
    diag = lstm.cell_jacobian_diag(params, cache)
    assert diag.shape == cache.c.shape
    if not peepholes:
        np.testing.assert_array_equal(diag, cache.f)
    for t, b in [(0, 0), (3, 2)]:
        fd = np.empty(5)
        for k in range(5):
            e = np.zeros(5)
            e[k] = 1e-6
            args = (params, x[t, b], cache.y_prev[t, b])
            up = _step_cell(*args, cache.c_prev[t, b] + e)
            down = _step_cell(*args, cache.c_prev[t, b] - e)
            fd[k] = ((up - down) / 2e-6)[k]
            others = np.delete((up - down) / 2e-6, k)
            assert np.abs(others).max() < 1e-9  # the direct Jacobian is diagonal
        np.testing.assert_allclose(diag[t, b], fd, rtol=1e-7)


@pytest.mark.parametrize("peepholes", [True, False])
def test_full_cell_jacobian_matches_finite_differences(peepholes):
    """Perturb c(t-1) where it is computed; everything after it (y(t-1), c(t)) follows."""
    params, x, y0, c0, _ = make_problem(T=4, peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0)
    for t in (1, 3):
        jac = lstm.cell_jacobian(params, cache, t)
        assert jac.shape == (3, 5, 5)
        for k in range(5):
            e = np.zeros((4, 3, 5))
            e[t - 1, :, k] = 1e-6
            up = reference_forward(params, x, y0, c0, {"c": e})["c"][t]
            down = reference_forward(params, x, y0, c0, {"c": -e})["c"][t]
            np.testing.assert_allclose(jac[:, :, k], (up - down) / 2e-6, rtol=1e-6, atol=1e-9)
    # through y(t-1) the Jacobian is full, not diagonal
    off_diagonal = jac[0] - np.diag(np.diag(jac[0]))
    assert np.abs(off_diagonal).max() > 1e-3
    # at t = 0 there is no path through y(-1) = y0
    np.testing.assert_array_equal(
        lstm.cell_jacobian(params, cache, 0)[1],
        np.diag(lstm.cell_jacobian_diag(params, cache)[0, 1]),
    )


# ----------------------------------------------------------------------------------------
# float32
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("peepholes", [True, False])
def test_float32_stays_float32_and_agrees_with_float64(peepholes):
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    f32 = [{k: v.astype(np.float32) for k, v in params.items()}] + [
        a.astype(np.float32) for a in (x, y0, c0)
    ]
    c32 = lstm.forward(*f32)
    g32, d32 = lstm.backward(f32[0], c32, G.astype(np.float32))
    g64, d64 = lstm.backward(params, lstm.forward(params, x, y0, c0), G)
    for name in ("z", "i", "f", "o", "c", "y", "z_bar", "o_bar"):
        assert getattr(c32, name).dtype == np.float32
    for name in ("y", "z_bar", "i_bar", "f_bar", "c", "o_bar", "x", "y0", "c0"):
        assert getattr(d32, name).dtype == np.float32
        np.testing.assert_allclose(getattr(d32, name), getattr(d64, name), rtol=1e-4, atol=1e-5)
    for key in params:
        assert g32[key].dtype == np.float32
        np.testing.assert_allclose(g32[key], g64[key], rtol=1e-4, atol=1e-4)


# ----------------------------------------------------------------------------------------
# Pre-activations, the one-step functions, the variants
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("peepholes", [True, False])
def test_pre_activations_match_the_equations(peepholes):
    params, x, y0, c0, _ = make_problem(peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0)
    p = params
    for g in ("z", "i", "f", "o"):
        bar = x @ p[f"W_{g}"].T + cache.y_prev @ p[f"R_{g}"].T + p[f"b_{g}"]
        if peepholes and g != "z":
            bar = bar + p[f"p_{g}"] * (cache.c if g == "o" else cache.c_prev)
        np.testing.assert_allclose(getattr(cache, f"{g}_bar"), bar, rtol=1e-13, atol=1e-14)
    # the activations are exactly the functions of these pre-activations
    np.testing.assert_array_equal(cache.z, np.tanh(cache.z_bar))
    for g in ("i", "f", "o"):
        np.testing.assert_array_equal(getattr(cache, g), lstm.sigmoid(getattr(cache, f"{g}_bar")))


def test_forward_step_is_one_step_of_forward():
    params, x, y0, c0, _ = make_problem()
    cache = lstm.forward(params, x, y0, c0)
    step = lstm.forward_step(params, x[2], cache.y[1], cache.c[1])
    assert tuple(step) == lstm.STEP
    for name, value in step.items():
        np.testing.assert_array_equal(value, getattr(cache, name)[2], err_msg=name)


def test_backward_step_is_one_step_of_backward():
    params, x, y0, c0, G = make_problem()
    cache = lstm.forward(params, x, y0, c0)
    _, d = lstm.backward(params, cache, G)
    now = {k: getattr(cache, k)[2] for k in lstm.STEP}
    later = {k: getattr(d, k)[3] for k in lstm.DELTAS}
    step = lstm.backward_step(params, now, cache.c[1], G[2], later, cache.f[3])
    assert set(step) == set(lstm.DELTAS)
    for name, value in step.items():
        np.testing.assert_array_equal(value, getattr(d, name)[2], err_msg=name)


VARIANT_CASES = [(v, p) for v in lstm.VARIANTS for p in (True, False)]


@pytest.mark.parametrize(("variant", "peepholes"), VARIANT_CASES)
def test_every_variant_passes_a_gradient_check(variant, peepholes):
    """Parameters, inputs, initial states and every delta, against central differences."""
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0, variant=variant)
    assert cache.variant == variant
    grads, d = lstm.backward(params, cache, G)

    def loss(p=params, x_=x, y0_=y0, c0_=c0):
        return float(np.sum(G * lstm.forward(p, x_, y0_, c0_, variant=variant).y))

    errors = gradcheck.check(lambda p: loss(p=p), params, grads)
    assert max(errors.values()) <= TOL, errors
    assert gradcheck.check(lambda a: loss(x_=a), x, d.x) <= TOL
    assert gradcheck.check(lambda a: loss(y0_=a), y0, d.y0) <= TOL
    assert gradcheck.check(lambda a: loss(c0_=a), c0, d.c0) <= TOL


@pytest.mark.parametrize(("variant", "peepholes"), VARIANT_CASES)
def test_every_variant_has_the_right_cell_jacobians(variant, peepholes):
    params, x, y0, c0, _ = make_problem(T=4, peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0, variant=variant)
    t, e = 2, 1e-6
    jac = lstm.cell_jacobian(params, cache, t)

    def c_at_t(c_prev):
        # run on from c(t-1) = c_prev (y(t-1) follows c(t-1) through the step before)
        o = cache.o[t - 1]
        y_prev = o * (c_prev if variant == "no_output_activation" else np.tanh(c_prev))
        if peepholes:  # o(t-1) reads c(t-1) through p_o too
            o_bar = cache.o_bar[t - 1] + params["p_o"] * (c_prev - cache.c[t - 1])
            o = lstm.sigmoid(o_bar)
            y_prev = o * (c_prev if variant == "no_output_activation" else np.tanh(c_prev))
        return lstm.forward_step(params, x[t], y_prev, c_prev, variant=variant)["c"]

    for k in range(5):
        bump = np.zeros((3, 5))
        bump[:, k] = e
        fd = (c_at_t(cache.c[t - 1] + bump) - c_at_t(cache.c[t - 1] - bump)) / (2 * e)
        np.testing.assert_allclose(jac[:, :, k], fd, rtol=1e-6, atol=1e-9)


def test_the_variants_change_one_line_each():
    params, x, y0, c0, _ = make_problem()
    no_f = lstm.forward(params, x, y0, c0, variant="no_forget_gate")
    np.testing.assert_array_equal(no_f.f, 1.0)
    np.testing.assert_array_equal(no_f.c, no_f.z * no_f.i + no_f.c_prev)
    no_h = lstm.forward(params, x, y0, c0, variant="no_output_activation")
    np.testing.assert_array_equal(no_h.y, no_h.o * no_h.c)
    grads, d = lstm.backward(params, no_f, np.ones_like(no_f.y))
    assert not d.f_bar.any() and not grads["W_f"].any() and not grads["p_f"].any()
    with pytest.raises(ValueError, match="variant must be one of vanilla, no_forget_gate"):
        lstm.forward(params, x, variant="no_input_gate")


@pytest.mark.parametrize("peepholes", [True, False])
def test_coupled_gates_forget_what_the_input_gate_lets_in(peepholes):
    """CIFG: f = 1 - i; W_f R_f b_f p_f are unused and get zero gradients; dc/di = z - c(t-1)."""
    params, x, y0, c0, G = make_problem(peepholes=peepholes)
    cache = lstm.forward(params, x, y0, c0, variant="coupled")
    np.testing.assert_array_equal(cache.f, 1 - cache.i)
    grads, d = lstm.backward(params, cache, G)
    unused = ["W_f", "R_f", "b_f"] + (["p_f"] if peepholes else [])
    assert not d.f_bar.any() and not any(grads[k].any() for k in unused)
    assert all(grads[k].any() for k in grads if k not in unused)
    # the forget gate's own weights change nothing: J does not depend on them
    moved = dict(params, **{k: params[k] + 1.0 for k in unused})
    np.testing.assert_array_equal(lstm.forward(moved, x, y0, c0, variant="coupled").y, cache.y)
    # delta i_bar carries z - c(t-1): with z alone (the vanilla rule) the gradient is wrong
    wrong = d.c * cache.z * cache.i * (1 - cache.i)
    assert gradcheck.rel_error(wrong, d.i_bar) > 0.1
    np.testing.assert_allclose(
        d.i_bar, d.c * (cache.z - cache.c_prev) * cache.i * (1 - cache.i), rtol=1e-13, atol=1e-15
    )


@pytest.mark.parametrize("peepholes", [True, False])
def test_coupled_is_the_cifg_of_lk_variants(peepholes):
    """lk.lstm's "coupled" computes lk.variants' forward-only "cifg" on the same weights."""
    params, x, _, c0, _ = make_problem(peepholes=peepholes)
    cifg = {k: v for k, v in params.items() if not k.endswith("_f")}  # no W_f R_f b_f p_f
    ours = lstm.forward(params, x, None, c0, variant="coupled")
    theirs = variants.forward(cifg, x, c0, variant="cifg")
    for k in ("z", "i", "f", "c", "o", "y"):
        np.testing.assert_allclose(getattr(ours, k), theirs[k], rtol=1e-14, atol=1e-15)
    assert np.abs(ours.c - ours.c_prev).max() > 0.1  # the cells move: not a trivial match
