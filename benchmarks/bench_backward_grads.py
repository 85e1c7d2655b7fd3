"""The weight gradients of the readable ``lk.lstm.backward``: one contraction over (t, b).

Times one ``dW = sum_t sum_b delta(t, b) x(t, b)^T`` three ways (``np.einsum`` as written
before, which runs in numpy's own loops; ``np.einsum(..., optimize=True)``; ``np.tensordot``,
both of which hand the sum to BLAS), and the whole ``lk.lstm.backward`` as it is now.

    python benchmarks/bench_backward_grads.py            # (T, B, D, H) = (100, 32, 64, 128)
    python benchmarks/bench_backward_grads.py --quick    # fewer repeats
"""

from __future__ import annotations

import os
import sys

import _common as C
import numpy as np

import lstmkit as lk

T, B, D, H = 100, 32, 64, 128

CONTRACTIONS = {
    "np.einsum (before)": lambda d, x: np.einsum("tbh,tbd->hd", d, x),
    "np.einsum optimize=True": lambda d, x: np.einsum("tbh,tbd->hd", d, x, optimize=True),
    "np.tensordot (now)": lambda d, x: np.tensordot(d, x, axes=([0, 1], [0, 1])),
}


class _NumpyWithPlainEinsum:
    """numpy, except that tensordot is the plain einsum ``lk.lstm.backward`` used before."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def tensordot(a, b, axes):
        return np.einsum("tbh,tbd->hd", a, b)


def main(argv=None):
    args = C.parser(__doc__.splitlines()[0]).parse_args(argv)
    repeat = 5 if args.quick else 15
    rng = np.random.default_rng(0)
    params = lk.lstm.init_params(D, H, rng=rng, peepholes=True)
    x = rng.standard_normal((T, B, D))
    delta = rng.standard_normal((T, B, H))
    y_prev = rng.standard_normal((T, B, H))
    reference = CONTRACTIONS["np.einsum (before)"](delta, x)
    rows = []
    for name, contract in CONTRACTIONS.items():
        same = np.allclose(contract(delta, x), reference, rtol=1e-12, atol=1e-12)
        dW = C.median_time(lambda c=contract: c(delta, x), repeat=repeat)
        dR = C.median_time(lambda c=contract: c(delta, y_prev), repeat=repeat)
        rows.append([name, C.ms(dW), C.ms(dR), C.ms(4 * (dW + dR)), "yes" if same else "**no**"])
    cache = lk.lstm.forward(params, x)
    dJ_dy = rng.standard_normal((T, B, H))
    whole = C.median_time(lambda: lk.lstm.backward(params, cache, dJ_dy), repeat=repeat)
    lk.lstm.np = _NumpyWithPlainEinsum()  # the backward as it was before
    try:
        before = C.median_time(lambda: lk.lstm.backward(params, cache, dJ_dy), repeat=repeat)
    finally:
        lk.lstm.np = np
    table = C.markdown_table(
        ["contraction", "dW_z ms", "dR_z ms", "all 8 ms", "same numbers"], rows
    )
    print(table)
    print(f"lk.lstm.backward: {C.ms(before)} ms with np.einsum, {C.ms(whole)} ms now")
    text = [
        "## 6. The weight gradients of the readable LSTM backward\n",
        f"Run {C.now()} with `{C.command_line('bench_backward_grads.py', argv or sys.argv[1:])}`: "
        f"(T, B, D, H) = ({T}, {B}, {D}, {H}), float64, peepholes; median of {repeat} runs "
        "after 2 warm-up runs. `lk.lstm.backward` computes eight such contractions "
        "(W and R of four gates).\n",
        table + "\n",
        f"The whole `lk.lstm.backward`: {C.ms(before)} ms with the plain `np.einsum` "
        f"(before), {C.ms(whole)} ms with `np.tensordot` (now). BLAS threads: "
        f"{C.blas_threads()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(a shared machine inflates every time; compare the rows).\n",
    ]
    C.write_section("backward_grads", "\n".join(text))
    return rows, before, whole


if __name__ == "__main__":
    main()
