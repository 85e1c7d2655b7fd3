"""Scaling of the simple RNN and the LSTM: forward + backward time and peak memory against
the sequence length T and the hidden size H, with log-log least-squares exponents.

    python benchmarks/bench_scaling.py            # T = 10..1000, H = 32..512
    python benchmarks/bench_scaling.py --quick    # fewer points
"""

from __future__ import annotations

import sys
import tracemalloc

import _common as C
import numpy as np

import lstmkit as lk

B, D, K = 32, 64, 10  # batch, inputs, RNN outputs
T_FIXED, H_FIXED = 100, 128
T_VALUES = (10, 30, 100, 300, 1000)
H_VALUES = (32, 64, 128, 256, 512)
QUICK_T, QUICK_H = (10, 100, 1000), (32, 128, 512)


def rnn_case(T, H):
    """(fwd+bwd callable, number of floats in the cache) for the simple RNN."""
    rng = np.random.default_rng(0)
    params = lk.rnn.init_params(D, H, K, rng=rng)
    x = rng.standard_normal((T, B, D))
    dJ_do = rng.standard_normal((T, B, K))

    def run():
        lk.rnn.backward(params, lk.rnn.forward(params, x), dJ_do)

    return run


def lstm_case(T, H):
    rng = np.random.default_rng(0)
    params = lk.lstm.init_params(D, H, rng=rng, peepholes=False)
    x = rng.standard_normal((T, B, D))
    G = rng.standard_normal((T, B, H))

    def run():
        lk.lstm.backward(params, lk.lstm.forward(params, x), G)

    return run


MODELS = {"simple RNN": rnn_case, "LSTM": lstm_case}


def peak_bytes(run):
    """Peak of the memory traced (numpy's arrays included) during one call of ``run``."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def measure(model, sweep, values, repeat):
    rows = []
    for v in values:
        T, H = (v, H_FIXED) if sweep == "T" else (T_FIXED, v)
        run = MODELS[model](T, H)
        seconds = C.median_time(run, repeat=repeat, warmup=2)
        memory = peak_bytes(run)
        rows.append({"value": v, "T": T, "H": H, "seconds": seconds, "bytes": memory})
        C.log(f"  {model}, {sweep} = {v}: {C.ms(seconds)} ms, {memory / 1e6:.1f} MB")
    return rows


def exponent_text(rows, key):
    xs = [r["value"] for r in rows]
    return f"{C.fit_exponent(xs, [r[key] for r in rows]):.2f}"


def main(argv=None):
    args = C.parser(__doc__.splitlines()[0]).parse_args(argv)
    t_values, h_values = (QUICK_T, QUICK_H) if args.quick else (T_VALUES, H_VALUES)
    repeat = 5 if args.quick else 7
    started = C.now()
    sweeps = {"T": t_values, "H": h_values}
    text = [
        "## 3. Scaling: time and peak memory of forward + backward\n",
        f"Run {started} with `{C.command_line('bench_scaling.py', argv or sys.argv[1:])}`, "
        f"in one process: B = {B}, D = {D}, float64, K = {K} outputs for the simple RNN, "
        f"LSTM without peepholes; T = {T_FIXED} when H varies, H = {H_FIXED} when T varies. "
        f"Time: median of {repeat} runs after 2 warm-up runs. Peak memory: the peak that "
        "`tracemalloc` traces during one forward + backward (numpy's arrays included), "
        "above what was allocated before. Exponents: least-squares slope of log(value) "
        "against log(T) or log(H).\n",
    ]
    exponents = []
    for model in MODELS:
        for sweep, values in sweeps.items():
            C.log(f"{model}: {sweep} sweep")
            rows = measure(model, sweep, values, repeat)
            time_exp, mem_exp = exponent_text(rows, "seconds"), exponent_text(rows, "bytes")
            exponents.append([model, sweep, time_exp, mem_exp])
            table = C.markdown_table(
                [sweep, "(T, H)", "time ms", "peak MB", "bytes per T*B*H"],
                [
                    [
                        r["value"],
                        f"({r['T']}, {r['H']})",
                        C.ms(r["seconds"]),
                        f"{r['bytes'] / 1e6:.1f}",
                        f"{r['bytes'] / (r['T'] * B * r['H']):.0f}",
                    ]
                    for r in rows
                ],
            )
            text += [f"### {model} against {sweep}\n", table + "\n"]
            print(f"\n{model} against {sweep}\n{table}")
    summary = C.markdown_table(["model", "against", "time exponent", "memory exponent"], exponents)
    print("\n" + summary)
    t_ok = all(abs(float(e[2]) - 1) <= 0.2 for e in exponents if e[1] == "T")
    text += [
        "### Fitted exponents\n",
        summary + "\n",
        f"Time linear in T (exponent within 1 +- 0.2): {C.verdict(t_ok)}. At small T the fixed "
        "costs (argument checks, stacking the weights) weigh more, which pulls the T "
        "exponent a little below 1; in H the products grow like H^2 once they dominate.\n",
    ]
    C.write_section("scaling", "\n".join(text))
    return exponents


if __name__ == "__main__":
    main()
