"""minigrad's GEMM against numpy's OpenBLAS (its own best kernel), side by side in one process.

    python benchmarks/gemm.py                      # f32 and f64, n = 256..2048, 2 and 1 threads
    python benchmarks/gemm.py --sizes 1024 --dtypes float32 --threads 2
    python benchmarks/gemm.py --variants           # also minigrad's kernels against each other

What it times: ``_ops.matmul(a, b, out=out)`` against ``np.matmul(a, b, out=out)`` on the same
C-contiguous n x n operands. Rounds alternate the two sides, with a pause before each side so the
other library's spinning worker threads have gone idle (OpenBLAS's spin for ~0.1 s; on 2 cores a
spinning pool halves the speed of whatever runs next). A side's time in a round is the median of a
few blocks of calls; the ratio reported is the median over rounds of time_minigrad / time_numpy
(the two sides of a round run a fraction of a second apart, so they see the same load from other
tenants of a shared machine: the ratio is far steadier than either time). GFLOP/s = 2 n^3 / the
median time. The thread-scaling line is the same interleaving of minigrad on 1 and on 2 threads.

Honest reference: the machines export OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE, which hold
OpenBLAS to its AVX2 kernel. This script removes both from its own environment before numpy is
imported (re-executing itself if they were set) and prints the kernel OpenBLAS reports
(threadpoolctl), which on an AVX-512 CPU should be SkylakeX (or Cooperlake/SapphireRapids).
No test asserts on these numbers.
"""
import os
import sys

_OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(v in os.environ for v in _OPENBLAS_OVERRIDES) and "numpy" not in sys.modules:
    # OpenBLAS reads these once, when numpy loads it: they must be gone from the process's
    # environment before that, hence a fresh interpreter rather than os.environ.pop().
    env = {k: v for k, v in os.environ.items() if k not in _OPENBLAS_OVERRIDES}
    os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)

import argparse  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from minigrad import _ops  # noqa: E402

try:
    import threadpoolctl  # noqa: E402
except ImportError:  # thread limits for OpenBLAS need it; the script says so and stops
    threadpoolctl = None

SETTLE_S = 0.2          # pause before each side of a round (spinning thread pools go idle)
BLOCK_S = 0.02          # target length of one timed block of calls


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def openblas_kernels():
    """[(library, kernel, threads)] for every OpenBLAS numpy has loaded."""
    return [(os.path.basename(i.get("filepath", "?")), i.get("architecture", "?"), i.get("num_threads"))
            for i in threadpoolctl.threadpool_info() if i.get("internal_api") == "openblas"]


def median_block_time(fn, number, blocks):
    """Median over `blocks` of the mean time of `number` calls."""
    times = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def interleaved(ours, ref, number, rounds, blocks, pause=SETTLE_S):
    """(median time of ours, median time of ref, median over rounds of ours/ref)."""
    ours(), ref()                                   # warm-up: buffers, thread pools, caches
    ta, tb = [], []
    for _ in range(rounds):
        time.sleep(pause)
        ta.append(median_block_time(ours, number, blocks))
        time.sleep(pause)
        tb.append(median_block_time(ref, number, blocks))
    ratio = statistics.median(x / y for x, y in zip(ta, tb))
    return statistics.median(ta), statistics.median(tb), ratio


def calls_per_block(fn):
    t0 = time.perf_counter()
    fn()
    return max(1, int(BLOCK_S / max(time.perf_counter() - t0, 1e-7)))


def operands(n, dtype):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    return a, b, np.empty((n, n), dtype)


def on_threads(nt, fn):
    def run():
        _ops.set_num_threads(nt)
        fn()
    return run


def gflops(n, t):
    return 2.0 * n ** 3 / t / 1e9


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    p.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    p.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds per case (default 7)")
    p.add_argument("--blocks", type=int, default=3, help="timed blocks per side and round (default 3)")
    p.add_argument("--pause", type=float, default=SETTLE_S,
                   help=f"seconds to wait before each side of a round (default {SETTLE_S})")
    p.add_argument("--variant", help="minigrad GEMM variant to time (default: the automatic choice)")
    p.add_argument("--variants", action="store_true",
                   help="also time every minigrad variant against the automatic one")
    p.add_argument("--no-scaling", action="store_true", help="skip the 1-vs-2-thread lines")
    args = p.parse_args(argv)
    if args.rounds < 1 or args.blocks < 1 or min(args.sizes) < 1 or min(args.threads) < 1:
        p.error("--rounds, --blocks, --sizes and --threads must be positive")

    if threadpoolctl is None:
        p.error("needs threadpoolctl (pip install threadpoolctl) to limit OpenBLAS's threads")
    if args.variant:
        _ops.set_gemm_variant(args.variant)

    print(f"CPU: {cpu_name()}, {len(os.sched_getaffinity(0))} usable cores")
    print(f"numpy {np.__version__}; OpenBLAS: " + ", ".join(
        f"{lib} kernel {arch}, {nt} threads" for lib, arch, nt in openblas_kernels()))
    leftover = [v for v in _OPENBLAS_OVERRIDES if v in os.environ]
    print("OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: " + (f"STILL SET {leftover}" if leftover else "unset"))
    print(f"minigrad GEMM variant: {_ops.gemm_variant()} (available: {', '.join(_ops.available_gemm_variants())});"
          f" OpenMP: {_ops.openmp_enabled()}")
    print(f"{args.rounds} interleaved rounds x {args.blocks} blocks; ratio = median over rounds of "
          "time_minigrad / time_numpy (lower is better)")
    print()
    print("| dtype | n | threads | minigrad GFLOP/s | numpy GFLOP/s | ratio |")
    print("|---|--:|--:|--:|--:|--:|")
    saved = _ops.get_num_threads()
    try:
        for nt in args.threads:
            with threadpoolctl.threadpool_limits(limits=nt, user_api="blas"):
                _ops.set_num_threads(nt)
                for dtype in args.dtypes:
                    for n in args.sizes:
                        a, b, out = operands(n, dtype)
                        ours = lambda: _ops.matmul(a, b, out=out)            # noqa: E731
                        ref = lambda: np.matmul(a, b, out=out)               # noqa: E731
                        number = calls_per_block(ours)
                        t_mg, t_np, ratio = interleaved(ours, ref, number, args.rounds, args.blocks, args.pause)
                        print(f"| {dtype} | {n} | {nt} | {gflops(n, t_mg):.0f} | {gflops(n, t_np):.0f} "
                              f"| {ratio:.3f} |", flush=True)
        if not args.no_scaling and len(args.threads) > 1:
            hi, lo = max(args.threads), min(args.threads)
            print()
            print(f"| dtype | n | minigrad {hi} threads vs {lo}: speed-up |")
            print("|---|--:|--:|")
            for dtype in args.dtypes:
                for n in args.sizes:
                    a, b, out = operands(n, dtype)
                    mm = lambda: _ops.matmul(a, b, out=out)                  # noqa: E731
                    number = calls_per_block(mm)
                    _, _, ratio = interleaved(on_threads(hi, mm), on_threads(lo, mm), number,
                                              args.rounds, args.blocks, args.pause)
                    print(f"| {dtype} | {n} | {1 / ratio:.2f} |", flush=True)
        if args.variants:
            best = _ops.gemm_variant()
            print()
            print(f"| dtype | n | threads | variant | time / time({best}) |")
            print("|---|--:|--:|---|--:|")
            nt = max(args.threads)
            _ops.set_num_threads(nt)
            for v in _ops.available_gemm_variants():
                if v in (best, "generic"):
                    continue                        # generic is a portability fallback, not a contender
                for dtype in args.dtypes:
                    for n in args.sizes:
                        a, b, out = operands(n, dtype)

                        def with_variant(name):
                            def run():
                                _ops.set_gemm_variant(name)
                                _ops.matmul(a, b, out=out)
                            return run
                        number = calls_per_block(with_variant(v))
                        _, _, ratio = interleaved(with_variant(v), with_variant(best), number,
                                                  args.rounds, args.blocks, args.pause)
                        print(f"| {dtype} | {n} | {nt} | {v} | {ratio:.3f} |", flush=True)
            _ops.set_gemm_variant(best)
    finally:
        _ops.set_num_threads(saved)
    return 0


if __name__ == "__main__":
    sys.exit(main())
