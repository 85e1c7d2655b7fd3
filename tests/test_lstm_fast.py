"""lstmkit.lstm_fast computes what the readable lstmkit.lstm computes, to 1e-12 relative."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_properties import make_lstm as problem  # the same random problems

from lstmkit import lstm, lstm_fast, optim

CACHE_NAMES = ("x", "y0", "c0", "y_prev", "c_prev", *lstm.STEP)
DELTA_NAMES = (*lstm.DELTAS, "y0", "c0")
RTOL = 1e-12


def assert_close(actual, expected, name):
    """Equal to RTOL relative to the largest entry (entries near zero carry no digits)."""
    assert actual.shape == expected.shape and actual.dtype == expected.dtype, name
    scale = max(np.abs(expected).max(), 1e-300)
    assert np.abs(actual - expected).max() <= RTOL * scale, name


def assert_same_as_readable(params, x, y0, c0, G, variant, cache, grads, deltas):
    ref = lstm.forward(params, x, y0, c0, variant=variant)
    ref_grads, ref_deltas = lstm.backward(params, ref, G)
    assert cache.variant == variant
    for n in CACHE_NAMES:
        assert_close(getattr(cache, n), getattr(ref, n), n)
    assert set(grads) == set(ref_grads)
    for k in grads:
        assert_close(grads[k], ref_grads[k], k)
    for n in DELTA_NAMES:
        assert_close(getattr(deltas, n), getattr(ref_deltas, n), f"delta {n}")


SHAPES = dict(
    T=st.integers(1, 8),
    B=st.integers(1, 4),
    D=st.integers(1, 5),
    H=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    peepholes=st.booleans(),
    variant=st.sampled_from(lstm.VARIANTS),
)


@settings(max_examples=60, deadline=None)
@given(**SHAPES)
@example(T=1, B=1, D=1, H=1, seed=0, peepholes=True, variant="vanilla")
@example(T=1, B=3, D=2, H=4, seed=1, peepholes=False, variant="vanilla")
@example(T=6, B=1, D=2, H=4, seed=2, peepholes=True, variant="no_forget_gate")
@example(T=6, B=2, D=2, H=4, seed=3, peepholes=True, variant="coupled")
@example(T=5, B=3, D=1, H=2, seed=4, peepholes=False, variant="coupled")
def test_fast_equals_readable(T, B, D, H, seed, peepholes, variant):
    params, x, y0, c0, G = problem(T, B, D, H, seed, peepholes)
    cache = lstm_fast.forward(params, x, y0, c0, variant=variant)
    grads, deltas = lstm_fast.backward(params, cache, G)
    assert_same_as_readable(params, x, y0, c0, G, variant, cache, grads, deltas)


@settings(max_examples=30, deadline=None)
@given(**SHAPES, block_bytes=st.sampled_from([1, 600, 10**9]))
def test_blocks_of_steps_change_nothing(block_bytes, T, B, D, H, seed, peepholes, variant):
    """One step per block, a few steps per block (the last block shorter), one block."""
    params, x, y0, c0, G = problem(T, B, D, H, seed, peepholes)
    cache = lstm_fast.forward(params, x, y0, c0, variant=variant)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(lstm_fast, "BLOCK_BYTES", block_bytes)
        grads, deltas = lstm_fast.backward(params, cache, G)
    assert_same_as_readable(params, x, y0, c0, G, variant, cache, grads, deltas)


@settings(max_examples=30, deadline=None)
@given(**SHAPES, first_seed=st.integers(0, 2**32 - 1))
def test_out_reuse_gives_the_numbers_of_the_new_call(
    first_seed, T, B, D, H, seed, peepholes, variant
):
    """out= refills the earlier cache and deltas wholly: no number of the first call stays."""
    p1, x1, y1, c1, G1 = problem(T, B, D, H, first_seed, not peepholes)
    first = lstm_fast.forward(p1, x1, y1, c1)
    _, first_deltas = lstm_fast.backward(p1, first, G1)
    first_deltas.x, first.f_bar  # read before, as a training loop might  # noqa: B018
    params, x, y0, c0, G = problem(T, B, D, H, seed, peepholes)
    cache = lstm_fast.forward(params, x, y0, c0, variant=variant, out=first)
    grads, deltas = lstm_fast.backward(params, cache, G, out=first_deltas)
    assert cache is first and deltas is first_deltas
    assert_same_as_readable(params, x, y0, c0, G, variant, first, grads, first_deltas)


def test_out_reuse_of_the_deltas_alone():
    """The issue's third case: backward(params2, cache2, G, out=d1), then d1.x."""
    p1, x1, y1, c1, G1 = problem(5, 2, 3, 4, 0, True)
    params, x, y0, c0, G = problem(5, 2, 3, 4, 1, True)
    _, d1 = lstm_fast.backward(p1, lstm_fast.forward(p1, x1, y1, c1), G1)
    cache2 = lstm_fast.forward(params, x, y0, c0)
    grads, d2 = lstm_fast.backward(params, cache2, G, out=d1)
    assert_same_as_readable(params, x, y0, c0, G, "vanilla", cache2, grads, d1)


@settings(max_examples=30, deadline=None)
@given(**SHAPES)
def test_reads_after_an_in_place_optimiser_step(T, B, D, H, seed, peepholes, variant):
    """Nothing in a cache or deltas follows the parameters after the call."""
    params, x, y0, c0, G = problem(T, B, D, H, seed, peepholes)
    frozen = {k: v.copy() for k, v in params.items()}
    cache = lstm_fast.forward(params, x, y0, c0, variant=variant)
    grads, deltas = lstm_fast.backward(params, cache, G)
    expected_grads = {k: g.copy() for k, g in grads.items()}
    optim.SGD(lr=1.0).step(params, grads)  # every parameter changes in place
    for a in (x, y0, c0, G):
        a += 1.0  # and so do the inputs
    assert_same_as_readable(
        frozen, x - 1, y0 - 1, c0 - 1, G - 1, variant, cache, expected_grads, deltas
    )


def test_out_can_continue_from_its_own_last_state():
    """Carrying the state on (truncated BPTT) while computing in the same memory."""
    params, x, y0, c0, _ = problem(8, 3, 4, 5, 0, True)
    full = lstm.forward(params, x, y0, c0)
    first = lstm_fast.forward(params, x[:4], y0, c0)
    second = lstm_fast.forward(params, x[4:], first.y[-1], first.c[-1], out=first)
    assert second is first
    assert_close(second.y, full.y[4:], "y")
    assert_close(second.c, full.c[4:], "c")


def test_out_must_match_type_sizes_and_dtype():
    params, x, y0, c0, G = problem(6, 3, 4, 5, 0, True)
    cache = lstm_fast.forward(params, x)
    _, deltas = lstm_fast.backward(params, cache, G)
    with pytest.raises(TypeError, match="out must be a FastCache returned by an earlier"):
        lstm_fast.forward(params, x, out=deltas)
    with pytest.raises(TypeError, match="out must be a FastDeltas returned by an earlier"):
        lstm_fast.backward(params, cache, G, out=cache)
    with pytest.raises(TypeError, match="cache must be the FastCache returned by forward()"):
        lstm_fast.backward(params, lstm.forward(params, x), G)
    short = lstm_fast.forward(params, x[:4])
    msg = r"\(T, B, D, H\) = \(6, 3, 4, 5\); got a FastCache of \(T, B, D, H\) = \(4, 3, 4, 5\)"
    with pytest.raises(ValueError, match=msg):
        lstm_fast.forward(params, x, out=short)
    _, short_deltas = lstm_fast.backward(params, short, G[:4])
    with pytest.raises(ValueError, match=r"got a FastDeltas of \(T, B, D, H\) = \(4, 3, 4, 5\)"):
        lstm_fast.backward(params, cache, G, out=short_deltas)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    with pytest.raises(TypeError, match="out must have dtype float32, like the parameters"):
        lstm_fast.forward(p32, x.astype(np.float32), out=cache)
    with pytest.raises(ValueError, match="variant must be one of"):
        lstm_fast.forward(params, x, variant="peephole")


def test_float32_stays_float32():
    params, x, y0, c0, G = problem(6, 3, 4, 5, 0, True)
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    cache = lstm_fast.forward(p32, x.astype(np.float32))
    grads, deltas = lstm_fast.backward(p32, cache, G.astype(np.float32))
    ref_grads, _ = lstm.backward(p32, lstm.forward(p32, x.astype(np.float32)), G.astype(np.float32))
    for k in grads:
        assert grads[k].dtype == np.float32
        np.testing.assert_allclose(grads[k], ref_grads[k], rtol=1e-4, atol=1e-5)
    assert cache.y.dtype == deltas.x.dtype == deltas.c0.dtype == np.float32
