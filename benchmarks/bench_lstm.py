"""LSTM forward + BPTT: lstmkit against PyTorch's CPU nn.LSTM and against the GEMM floor.

Each library is timed in its own process (two thread pools in one process fight over the
cores), the processes alternate A B A B over several rounds, and the table reports the
median of the per-round ratios. Both libraries compute the same thing, checked once per
size by copying lstmkit's weights into nn.LSTM.

    python benchmarks/bench_lstm.py            # all sizes, both OpenBLAS environments
    python benchmarks/bench_lstm.py --quick    # two sizes, default environment, 3 rounds
"""

from __future__ import annotations

import itertools
import json
import resource
import statistics
import sys
import warnings

import _common as C

SIZES = [(100, 32, 64, 128), (100, 1, 64, 128), (50, 64, 128, 256), (200, 16, 32, 64)]
TARGET_SIZE, SINGLE_SIZE = SIZES[0], SIZES[1]
DTYPES = ("float64", "float32")
TORCH_GATES = ("i", "f", "z", "o")  # nn.LSTM's order of the four blocks


def key(dtype, size):
    return f"{dtype} {tuple(size)}"


def gemm_shapes(T, B, D, H):
    """The matrix products of an LSTM's forward + backward, as (rows, inner, cols) each.

    W x(t) and R y(t-1) for every step forward (lstmkit does both, and the bias, in one
    product per step: [W R b] [x(t); y(t-1); 1]), R^T d(t+1) for every step backward,
    and the gradients dW = sum_t d(t) x(t)^T and dR = sum_t d(t) y(t-1)^T (lstmkit: one
    product, with db). Without the bias column, which adds under 1 % to the FLOPs.
    """
    N, G = T * B, 4 * H
    return {
        "input projection": (N, D, G),
        "recurrent, forward": (N, H, G),
        "recurrent, backward": (N, G, H),
        "dW": (G, N, D),
        "dR": (G, N, H),
    }


# --------------------------------------------------------------------------- workers


def lstmkit_worker(sizes, dtypes, repeat):
    """Times of lstmkit (lstm_fast, the training path) with and without peepholes, of the
    readable lk.lstm at the two target sizes, and of the GEMM floor."""
    import numpy as np

    import lstmkit as lk

    results = {}
    for dtype, (T, B, D, H) in itertools.product(dtypes, sizes):
        rng = np.random.default_rng(1)
        x = rng.standard_normal((T, B, D)).astype(dtype)
        G = rng.standard_normal((T, B, H)).astype(dtype)
        plain, peep = (
            lk.lstm.init_params(D, H, rng=np.random.default_rng(0), peepholes=p, dtype=dtype)
            for p in (False, True)
        )

        def fwd_bwd(params, x=x, G=G, lstm=lk.lstm_fast):
            lstm.backward(params, lstm.forward(params, x), G)  # fast: deltas.x stays lazy

        def reusing(params, x=x, G=G):
            """forward + backward as in a training loop: each call computes in the cache
            and the deltas of the call before (out=)."""
            last = {"cache": None, "deltas": None}

            def fwd_bwd_reused():
                last["cache"] = lk.lstm_fast.forward(params, x, out=last["cache"])
                _, last["deltas"] = lk.lstm_fast.backward(
                    params, last["cache"], G, out=last["deltas"]
                )

            return fwd_bwd_reused

        floor = gemm_floor(np, T, B, D, H, dtype, repeat)
        results[key(dtype, (T, B, D, H))] = {
            "lstmkit": C.median_time(lambda p=plain: fwd_bwd(p), repeat=repeat, warmup=3),
            "reused": C.median_time(reusing(plain), repeat=repeat, warmup=3),
            "peepholes": C.median_time(lambda p=peep: fwd_bwd(p), repeat=repeat, warmup=3),
            "floor": sum(floor.values()),
            "floor_parts": floor,
            "flops": sum(2 * m * k * n for m, k, n in gemm_shapes(T, B, D, H).values()),
        }
        if (T, B, D, H) in (TARGET_SIZE, SINGLE_SIZE):  # the readable lk.lstm, for scale
            results[key(dtype, (T, B, D, H))]["readable"] = C.median_time(
                lambda p=plain: fwd_bwd(p, lstm=lk.lstm), repeat=repeat, warmup=1
            )
        if (T, B, D, H) == TARGET_SIZE:
            results[key(dtype, TARGET_SIZE)]["profile"] = profile(np, lk, plain, x, G, repeat)
    return {"blas": C.blas_info(), "results": results}


def gemm_floor(np, T, B, D, H, dtype, repeat):
    """The same FLOPs as lstmkit's products, done as five large products (seconds each)."""
    rng = np.random.default_rng(2)
    times = {}
    for name, (m, k, n) in gemm_shapes(T, B, D, H).items():
        if name in ("dW", "dR"):  # dbars^T @ x: the left operand is a transposed view
            a, b = rng.standard_normal((k, m)).astype(dtype).T, rng.standard_normal((k, n))
        else:
            a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n))
        b = b.astype(dtype)
        times[name] = C.median_time(lambda a=a, b=b: a @ b, repeat=repeat, warmup=2)
    return times


def profile(np, lk, params, x, G, repeat):
    """Where lstmkit's time goes: its own products in its own shapes, and the rest.

    The totals compute in a reused workspace (``out=``), so they hold no page faults;
    the faults of fresh memory are counted separately.
    """
    T, B, D = x.shape
    H = params["R_z"].shape[0]
    stacked = ([params[f"{m}_{g}"] for g in "zifo"] for m in "WRb")
    WRb = np.concatenate([np.concatenate(s).reshape(4 * H, -1) for s in stacked], axis=1)
    R_T = WRb[:, D : D + H].T
    cache = lk.lstm_fast.forward(params, x)
    _, deltas = lk.lstm_fast.backward(params, cache, G)
    # lstmkit's shapes: [W R b] [x(t); y(t-1); 1] and R^T d(t+1) per step, on (., B)
    # columns, then one product of the (T*B, 4H) deltas with the (T*B, D+H+1) inputs
    inputs = np.ones((T, B, D + H + 1), x.dtype)
    acts, d, dy = (np.ones(shape, x.dtype) for shape in ((4 * H, B), (4 * H, B), (H, B)))
    dg = np.ones((T * B, 4 * H), x.dtype)

    def step_products_forward():
        for t in range(T):
            np.matmul(WRb, inputs[t].T, out=acts)

    def step_products_backward():
        for _ in range(T):
            np.matmul(R_T, d, out=dy)

    parts = {
        "forward, total": lambda: lk.lstm_fast.forward(params, x, out=cache),
        "backward, total": lambda: lk.lstm_fast.backward(params, cache, G, out=deltas),
        "forward: T step products [W R b] [x; y; 1]": step_products_forward,
        "backward: T step products R^T d": step_products_backward,
        "backward: [dW dR db], one product": lambda: dg.T @ inputs.reshape(T * B, -1),
    }
    times = {name: C.median_time(fn, repeat=repeat, warmup=2) for name, fn in parts.items()}
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(repeat):
        lk.lstm_fast.backward(params, lk.lstm_fast.forward(params, x), G)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / repeat
    return {**times, "page faults per fresh forward + backward": faults}


def torch_worker(sizes, dtypes, repeat, threads):
    """Times of nn.LSTM forward + backward of sum(y * G); x does not require a gradient."""
    import torch

    warnings.filterwarnings("ignore")  # oneDNN's note about TF32 on Intel GPUs
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    results = {}
    for dtype, (T, B, D, H) in itertools.product(dtypes, sizes):
        tdtype = getattr(torch, dtype)
        lstm = torch.nn.LSTM(D, H).to(tdtype)
        x = torch.randn(T, B, D, dtype=tdtype)  # requires_grad=False: no dx, like lstmkit
        G = torch.randn(T, B, H, dtype=tdtype)

        def fwd_bwd(lstm=lstm, x=x, G=G):
            lstm.zero_grad(set_to_none=True)
            y, _ = lstm(x)
            (y * G).sum().backward()

        entry = {"torch": C.median_time(fwd_bwd, repeat=repeat, warmup=3)}
        if dtype == "float32":  # the generic ATen path, without oneDNN
            with torch.backends.mkldnn.flags(enabled=False):
                entry["torch_generic"] = C.median_time(fwd_bwd, repeat=repeat, warmup=2)
        results[key(dtype, (T, B, D, H))] = entry
    return {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "results": results,
    }


def verify_worker(sizes):
    """Copy lstmkit's weights into nn.LSTM and compare y, dx and the parameter gradients."""
    import numpy as np
    import torch

    sys.path.insert(0, str(C.REPO))
    import lstmkit as lk

    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    results = {}
    for dtype, (T, B, D, H) in itertools.product(DTYPES, sizes):
        params = lk.lstm.init_params(
            D, H, rng=np.random.default_rng(0), peepholes=False, dtype=dtype
        )
        rng = np.random.default_rng(1)
        x = rng.standard_normal((T, B, D)).astype(dtype)
        G = rng.standard_normal((T, B, H)).astype(dtype)
        cache = lk.lstm.forward(params, x)
        grads, deltas = lk.lstm.backward(params, cache, G)

        def stacked(source, prefix):
            return torch.from_numpy(np.concatenate([source[f"{prefix}_{g}"] for g in TORCH_GATES]))

        lstm = torch.nn.LSTM(D, H).to(getattr(torch, dtype))
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(stacked(params, "W"))
            lstm.weight_hh_l0.copy_(stacked(params, "R"))
            lstm.bias_ih_l0.copy_(stacked(params, "b"))
            lstm.bias_hh_l0.zero_()
        xt = torch.from_numpy(x).requires_grad_(True)
        y, _ = lstm(xt)
        (y * torch.from_numpy(G)).sum().backward()

        pairs = {
            "y": (y.detach(), cache.y),
            "dJ/dW": (lstm.weight_ih_l0.grad, stacked(grads, "W")),
            "dJ/dR": (lstm.weight_hh_l0.grad, stacked(grads, "R")),
            "dJ/db": (lstm.bias_ih_l0.grad, stacked(grads, "b")),
            "dJ/dx": (xt.grad, deltas.x),
        }
        results[key(dtype, (T, B, D, H))] = {
            name: relative_error(np.asarray(a), np.asarray(b)) for name, (a, b) in pairs.items()
        }
    return {"results": results}


def relative_error(a, b):
    """Largest absolute difference, relative to the largest entry of ``b``."""
    return float(abs(a - b).max() / abs(b).max())


# --------------------------------------------------------------------------- parent


def median_ratio(rounds_a, rounds_b, k, field_a, field_b):
    """Median over rounds of a[k][field_a] / b[k][field_b], and the (min, max) of them."""
    ratios = [
        a["results"][k][field_a] / b["results"][k][field_b]
        for a, b in zip(rounds_a, rounds_b, strict=True)
    ]
    return statistics.median(ratios), (min(ratios), max(ratios))


def median_field(rounds, k, field):
    return statistics.median(r["results"][k][field] for r in rounds)


def summarize(lk_rounds, torch_rounds, sizes):
    """One row dict per (dtype, size); ``fresh`` and ``reused`` are the two lstmkit runs."""
    rows = []
    for dtype, size in itertools.product(DTYPES, sizes):
        k = key(dtype, size)
        row = {
            "dtype": dtype,
            "size": size,
            "fresh": median_field(lk_rounds, k, "lstmkit"),
            "reused": median_field(lk_rounds, k, "reused"),
            "floor": median_field(lk_rounds, k, "floor"),
            "peepholes": median_ratio(lk_rounds, lk_rounds, k, "peepholes", "lstmkit"),
            "gflops": median_field(lk_rounds, k, "flops") / median_field(lk_rounds, k, "floor"),
        }
        if "readable" in lk_rounds[0]["results"][k]:
            row["readable"] = median_field(lk_rounds, k, "readable")
        for run, field in (("fresh", "lstmkit"), ("reused", "reused")):
            row[f"{run}_vs_floor"] = median_ratio(lk_rounds, lk_rounds, k, field, "floor")
            if torch_rounds:
                row[f"{run}_vs_torch"] = median_ratio(lk_rounds, torch_rounds, k, field, "torch")
        if torch_rounds:
            row["torch"] = median_field(torch_rounds, k, "torch")
            if dtype == "float32":
                row["torch_generic"] = median_field(torch_rounds, k, "torch_generic")
                row["vs_generic"] = median_ratio(
                    lk_rounds, torch_rounds, k, "reused", "torch_generic"
                )
        rows.append(row)
    return rows


def spread(pair):
    value, (low, high) = pair
    return f"{value:.2f} ({low:.2f}-{high:.2f})"


def table(rows):
    headers = [
        "dtype",
        "(T, B, D, H)",
        "lstmkit ms, fresh / reused",
        "PyTorch ms",
        "fresh / PyTorch",
        "reused / PyTorch",
        "PyTorch w/o oneDNN ms",
        "reused / w/o oneDNN",
        "GEMM floor ms",
        "fresh / floor",
        "reused / floor",
        "peepholes cost",
        "readable lk.lstm ms",
    ]
    body = []
    for r in rows:
        has_torch = "torch" in r
        body.append(
            [
                r["dtype"],
                str(r["size"]),
                f"{C.ms(r['fresh'])} / {C.ms(r['reused'])}",
                C.ms(r["torch"]) if has_torch else "n/a",
                spread(r["fresh_vs_torch"]) if has_torch else "n/a",
                spread(r["reused_vs_torch"]) if has_torch else "n/a",
                C.ms(r["torch_generic"]) if "torch_generic" in r else "",
                spread(r["vs_generic"]) if "vs_generic" in r else "",
                C.ms(r["floor"]),
                spread(r["fresh_vs_floor"]),
                spread(r["reused_vs_floor"]),
                f"{r['peepholes'][0]:.2f}x",
                C.ms(r["readable"]) if "readable" in r else "",
            ]
        )
    return C.markdown_table(headers, body)


RUNS = {"fresh": "fresh memory", "reused": "workspace reused"}


def targets(rows):
    """The issue's targets, each as (text, measured, met?), for both lstmkit runs."""
    by = {(r["dtype"], r["size"]): r for r in rows}
    checks = []
    for run, label in RUNS.items():
        for dtype, limit in (("float64", 0.6), ("float32", 1.5)):
            r = by.get((dtype, TARGET_SIZE))
            if r is None:
                continue
            name = f"{dtype} {TARGET_SIZE}, {label}"
            if f"{run}_vs_torch" in r:
                v = r[f"{run}_vs_torch"][0]
                checks.append((f"{name}: <= {limit}x PyTorch", f"{v:.2f}x", v <= limit))
            v = r[f"{run}_vs_floor"][0]
            checks.append((f"{name}: <= 1.5x GEMM floor", f"{v:.2f}x", v <= 1.5))
        r = by.get(("float64", SINGLE_SIZE))
        if r is not None and f"{run}_vs_torch" in r:
            v = 1 / r[f"{run}_vs_torch"][0]
            checks.append(
                (
                    f"float64 {SINGLE_SIZE} (B = 1), {label}: >= 4x faster than PyTorch",
                    f"{v:.1f}x",
                    v >= 4,
                )
            )
    return checks


def profile_table(lk_rounds, dtype):
    k = key(dtype, TARGET_SIZE)
    names = list(lk_rounds[0]["results"][k]["profile"])
    med = {n: statistics.median(r["results"][k]["profile"][n] for r in lk_rounds) for n in names}
    faults = med.pop("page faults per fresh forward + backward")
    products = sum(v for n, v in med.items() if ":" in n)
    total = med["forward, total"] + med["backward, total"]
    rows = [[n, C.ms(v)] for n, v in med.items()]
    rows.append(["all products, in lstmkit's shapes", C.ms(products)])
    rows.append(["everything else (element-wise, Python, checks)", C.ms(total - products)])
    rows.append(["(minor page faults per forward + backward in fresh memory)", f"{faults:.0f}"])
    return C.markdown_table(["part (" + dtype + ")", "ms"], rows)


def diagnosis_text(lk_rounds, rows):
    """Why the targets at TARGET_SIZE are met or missed, from the profile."""
    lines = []
    for dtype in DTYPES:
        k = key(dtype, TARGET_SIZE)
        prof = {
            n: statistics.median(r["results"][k]["profile"][n] for r in lk_rounds)
            for n in lk_rounds[0]["results"][k]["profile"]
        }
        products = sum(v for n, v in prof.items() if ":" in n)
        floor = next(r["floor"] for r in rows if r["dtype"] == dtype and r["size"] == TARGET_SIZE)
        rest = prof["forward, total"] + prof["backward, total"] - products
        lines.append(
            f"- {dtype}: the products alone, in lstmkit's shapes, take {C.ms(products)} ms = "
            f"{products / floor:.2f}x the floor ({C.ms(floor)} ms); 1.5x the floor leaves "
            f"{C.ms(max(0.0, 1.5 * floor - products))} ms for everything else, which takes "
            f"{C.ms(rest)} ms (element-wise work on (H, B) blocks, one numpy call at a time "
            "and on one core while the BLAS uses both, Python, argument checks). "
            f"In fresh memory, {prof['page faults per fresh forward + backward']:.0f} minor "
            "page faults per forward + backward (each call allocates its storage in one "
            "piece, which glibc mostly serves from the memory the call before freed); with "
            "`out=` there are none."
        )
    by = {(r["dtype"], r["size"]): r for r in rows}
    f32 = by.get(("float32", TARGET_SIZE), {})
    if "vs_generic" in f32:
        lines.append(
            "- float32 against PyTorch: PyTorch runs oneDNN's fused LSTM kernel in float32 "
            "(the whole step in one call); against PyTorch's generic path (oneDNN off) "
            f"lstmkit takes {f32['vs_generic'][0]:.2f}x its time."
        )
    single = by.get(("float64", SINGLE_SIZE), {})
    if "reused_vs_torch" in single:
        T, B = SINGLE_SIZE[:2]
        lines.append(
            f"- B = 1: {C.ms(single['reused'])} ms for {T} steps forward and backward, "
            f"{1e6 * single['reused'] / T:.0f} us per step, mostly the overhead of the "
            "numpy calls (about 20 per step, forward and backward, on vectors of H numbers) "
            "and the two matrix-vector products, which read [W R b] and R from the cache."
        )
    return "\n".join(lines)


def run_environment(name, env, sizes, rounds, repeat, torch_py, threads):
    script = "benchmarks/bench_lstm.py"
    common = ["--sizes", json.dumps(sizes), "--repeat", str(repeat)]
    jobs = {"lstmkit": (sys.executable, [script, "--worker", "lstmkit", *common])}
    if torch_py:
        jobs["torch"] = (torch_py, [script, "--worker", "torch", *common, "--threads", threads])
    C.log(f"LSTM benchmark, environment: {name}")
    results = C.alternate(jobs, rounds, env=env)
    return results["lstmkit"], results.get("torch", [])


def main(argv=None):
    p = C.parser(__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, help="alternation rounds (default 3 quick, 4 full)")
    p.add_argument("--repeat", type=int, help="timed runs per measurement (default 7 / 9)")
    p.add_argument("--worker", choices=["lstmkit", "torch", "verify"], help=argparse_hidden())
    p.add_argument("--sizes", type=json.loads, help=argparse_hidden())
    p.add_argument("--threads", type=int, help=argparse_hidden())
    args = p.parse_args(argv)
    sizes = [tuple(s) for s in args.sizes] if args.sizes else SIZES[:2] if args.quick else SIZES
    repeat = args.repeat or (7 if args.quick else 9)
    if args.worker:
        worker = {
            "lstmkit": lambda: lstmkit_worker(sizes, DTYPES, repeat),
            "torch": lambda: torch_worker(sizes, DTYPES, repeat, args.threads),
            "verify": lambda: verify_worker(sizes),
        }[args.worker]
        print(json.dumps(worker()))
        return None

    rounds = max(3, args.rounds or (3 if args.quick else 4))
    torch_py = C.torch_python()
    threads = str(C.blas_threads())
    envs = {"default environment": None}
    if not args.quick:
        envs[f"{' and '.join(C.OPENBLAS_VARS)} unset"] = C.env_without(*C.OPENBLAS_VARS)
        # Diagnosis only: glibc keeps freed memory, so fresh arrays cost no page faults.
        envs["diagnosis: default + glibc malloc keeping freed memory"] = {
            **C.env_without(),
            **dict.fromkeys(("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"), "1000000000"),
        }
    started = C.now()
    sections = []
    all_checks = []
    for env_name, env in envs.items():
        lk_rounds, torch_rounds = run_environment(
            env_name, env, sizes, rounds, repeat, torch_py, threads
        )
        rows = summarize(lk_rounds, torch_rounds, sizes)
        checks = targets(rows)
        all_checks += [(f"{text} [{env_name}]", v, ok) for text, v, ok in checks]
        kernel = C.describe_blas(lk_rounds[0]["blas"])
        text = [
            f"### {env_name}\n",
            f"numpy's BLAS in the lstmkit processes: {kernel}.\n",
            table(rows) + "\n",
            "Targets:\n",
            "\n".join(f"- {t}: {v}, {C.verdict(ok)}" for t, v, ok in checks) + "\n",
        ]
        if TARGET_SIZE in sizes:
            text.append(f"Profile of lstmkit at {TARGET_SIZE} (medians over the rounds):\n")
            text += [profile_table(lk_rounds, dtype) + "\n" for dtype in DTYPES]
            text += ["Where the time goes:\n", diagnosis_text(lk_rounds, rows) + "\n"]
        sections.append("\n".join(text))
        print(f"\n== {env_name} ({kernel})\n" + table(rows) + "\n")
        for t, v, ok in checks:
            print(f"  {t}: {v} -> {C.verdict(ok)}")

    head = [
        "## 1-2. LSTM forward + BPTT: lstmkit vs PyTorch, and the GEMM floor\n",
        f"Run {started} with `{C.command_line('bench_lstm.py', argv or sys.argv[1:])}`: "
        f"{rounds} rounds, each library in its own process, alternating A B A B; "
        f"{repeat} timed runs after 3 warm-up runs per measurement.\n",
        "- Work timed: `forward` + `backward` of J = sum(y * G), peepholes off (PyTorch has "
        "none), with `lk.lstm_fast` (what `lk.train` uses; the readable `lk.lstm` is timed "
        "alone at two sizes, last column). It computes `deltas.x` lazily and it is not "
        "touched; PyTorch's `x` has `requires_grad=False`, so neither computes dJ/dx. "
        "PyTorch's `.grad` is reset to None before every run, so both allocate fresh gradients.",
        "- lstmkit runs two ways. *fresh*: `backward(params, forward(params, x), G)`, new "
        "arrays at every call, like PyTorch. *reused*: as in a training loop, each call "
        "passes the cache and the deltas of the previous call as `out=` "
        "(`forward(params, x, out=cache)`, `backward(params, cache, G, out=deltas)`), so "
        "the same memory is computed in again. The profile uses the reused run.",
        f"- Threads: `torch.set_num_threads({threads})`, equal to numpy's BLAS threads.",
        "- Ratios are the median of the per-round ratios, with the range over the rounds in "
        "parentheses; times are medians over the rounds.",
        "- GEMM floor: the FLOPs of the LSTM's products (W x(t) and R y(t-1) for every "
        "step, R^T d(t+1) for every step backward, dW and dR) done as five large products "
        "of the equivalent shapes (T*B rows each); `lstmkit / floor` is lstmkit's whole "
        "forward + backward time over it.",
        "- PyTorch w/o oneDNN: the same PyTorch run with `torch.backends.mkldnn.flags("
        "enabled=False)` (float32 only; float64 never takes the oneDNN path).",
        "- peepholes cost: lstmkit with peepholes / without, same size and dtype.",
        "- The diagnosis environment (full run only) sets `MALLOC_TRIM_THRESHOLD_` and "
        "`MALLOC_MMAP_THRESHOLD_` to 1e9 for both processes, so glibc keeps freed memory and "
        "new arrays cost no page faults. It is not a setting to use; it shows what the "
        "fresh memory of every call costs on this virtual machine.\n",
    ]
    if torch_py:
        torch_info = C.run_json(torch_py, ["-c", TORCH_VERSION_SNIPPET])
        head.append(f"PyTorch {torch_info['version']} ({torch_py}).\n")
        head.append(
            verification_text(
                C.run_json(
                    torch_py,
                    [
                        "benchmarks/bench_lstm.py",
                        "--worker",
                        "verify",
                        "--sizes",
                        json.dumps(sizes),
                    ],
                )
            )
        )
    else:
        head.append(
            "PyTorch not found (set $LSTMKIT_BENCH_TORCH_PYTHON or create "
            "benchmarks/.venv-torch, see README.md): lstmkit alone.\n"
        )
    summary = ["Targets, all environments:\n"]
    summary += [f"- {t}: {v}, {C.verdict(ok)}" for t, v, ok in all_checks]
    C.write_section("lstm", "\n".join(head + sections + summary))
    return all_checks


TORCH_VERSION_SNIPPET = "import json, torch; print(json.dumps({'version': torch.__version__}))"


def verification_text(verification):
    rows = []
    worst = {}
    for k, errors in verification["results"].items():
        dtype = k.split()[0]
        rows.append([k, *(f"{e:.1e}" for e in errors.values())])
        worst[dtype] = max(worst.get(dtype, 0.0), *errors.values())
    names = list(next(iter(verification["results"].values())))
    ok64 = worst.get("float64", 1.0) <= 1e-10
    return "\n".join(
        [
            "Same computation, checked once per size: lstmkit's weights copied into nn.LSTM "
            "(blocks reordered to PyTorch's i, f, g, o; bias_ih = b, bias_hh = 0), then the "
            "largest difference relative to the largest entry:\n",
            C.markdown_table(["dtype, (T, B, D, H)", *names], rows) + "\n",
            f"float64 agreement to 1e-10: {C.verdict(ok64)} "
            f"(worst {worst.get('float64', 0):.1e}).\n",
        ]
    )


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
