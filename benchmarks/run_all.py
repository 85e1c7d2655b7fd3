"""Run every benchmark and write benchmarks/RESULTS.md (``make bench`` runs this).

python benchmarks/run_all.py                 # everything, about 25 minutes
python benchmarks/run_all.py --quick         # a subset of each, a few minutes
python benchmarks/run_all.py --only lstm     # any of: lstm, scaling, book, live, backward_grads
"""

import _common as C
import bench_backward_grads
import bench_book
import bench_live_slider
import bench_lstm
import bench_scaling

BENCHMARKS = {
    "lstm": bench_lstm,
    "scaling": bench_scaling,
    "book": bench_book,
    "live": bench_live_slider,
    "backward_grads": bench_backward_grads,
}


def main(argv=None):
    p = C.parser(__doc__.splitlines()[0])
    p.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated subset")
    args = p.parse_args(argv)
    for name in args.only.split(","):
        C.log(f"=== {name}")
        BENCHMARKS[name].main(["--quick"] if args.quick else [])
    C.log(f"results in {C.RESULTS.relative_to(C.REPO)}")


if __name__ == "__main__":
    main()
