"""minigrad against numpy and PyTorch, side by side in one process.

    python benchmarks/run.py                 # every case, table on stdout
    python benchmarks/run.py --json out.json # also write the results
    python benchmarks/run.py --quick         # fewer repeats (a smoke run)

Each case times minigrad and its reference on the same inputs in interleaved rounds (each after
the other library's thread pool has gone idle) and reports medians; the ratio is the median over
rounds of time_minigrad / time_reference (lower is better for minigrad). Shared, noisy machines
make absolute times jittery: read the ratios. The training-step cases run the *same* code in both
frameworks (minigrad's API is PyTorch's). No test asserts on these numbers.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import minigrad

try:
    import torch
except ImportError:  # the numpy cases still run
    torch = None


def _median_time(fn, repeats, number):
    """Median over ``repeats`` of the mean time of ``number`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


# Seconds to wait before timing a library after running the other one. Thread pools keep their
# workers spinning for a while after a call (OpenBLAS for ~0.1 s, libgomp briefly): without the
# pause, the first library's spinning workers steal a core from the second's, and on 2 cores a
# 2-thread matmul measured right after numpy's runs about 2x slower than on its own.
SETTLE_S = 0.2


def compare(ours, reference, repeats, number, rounds):
    """Time two callables in ``rounds`` interleaved rounds (ours, then the reference, each after
    the other's thread pool has gone idle), each round the median of ``repeats // rounds`` blocks
    of ``number`` calls.

    Returns (median time of ours, median time of the reference, median ratio). The ratio is the
    median of the per-round ratios: the two halves of a round run seconds apart, so they see the
    same load from the machine's other tenants, and their ratio is steadier than the ratio of
    two medians taken over different moments."""
    a, b = [], []
    per_round = max(repeats // rounds, 1)
    for _ in range(rounds):
        time.sleep(SETTLE_S)
        a.append(_median_time(ours, per_round, number))
        time.sleep(SETTLE_S)
        b.append(_median_time(reference, per_round, number))
    ratio = statistics.median(x / y for x, y in zip(a, b))
    return statistics.median(a), statistics.median(b), ratio


def _threads(n):
    minigrad.set_num_threads(n)
    if torch is not None:
        torch.set_num_threads(n)


# ------------------------------------------------------------------ cases
def record(results, args, case, reference, ours, ref, number, target, note=None, speedup=False):
    """Time ``ours`` against ``ref`` and append a result row. ``target`` is the largest acceptable
    ratio time_minigrad / time_reference; with ``speedup`` the row is shown as a speed-up
    (time_reference / time_minigrad) instead. ``note(t_minigrad, t_reference)`` adds a remark."""
    t_mg, t_ref, ratio = compare(ours, ref, args.repeats, number, args.rounds)
    row = dict(case=case, reference=reference, minigrad_s=t_mg, reference_s=t_ref, ratio=ratio,
               target_ratio=target, ok=ratio <= target,
               target=f"speed-up >= {1 / target:.2g}" if speedup else f"<= {target:.3g}",
               note=note(t_mg, t_ref) if note else "")
    if speedup:
        row["note"] = f"speed-up {1 / ratio:.2f}x" + (f"; {row['note']}" if row["note"] else "")
    results.append(row)
    print(f"  {case} vs {reference}: ratio {ratio:.3f}", file=sys.stderr)


def case_matmul(results, args):
    rng = np.random.default_rng(0)
    for n in (256, 512, 1024):
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        out = np.empty((n, n), np.float32)
        number = max(1, int(2e8 / n**3))
        flops = 2 * n**3

        def gflops(t_mg, t_ref):
            return f"{flops / t_mg / 1e9:.0f} vs {flops / t_ref / 1e9:.0f} GFLOP/s"

        record(results, args, f"matmul f32 {n}x{n}", "numpy @",
               lambda: minigrad._ops.matmul(a, b, out=out), lambda: np.matmul(a, b, out=out), number, 1.25,
               gflops)

        # Thread scaling: the same kernel on args.threads and on 1 thread, interleaved like the
        # rest (setting the thread count stores one int: nothing next to a matmul).
        def on_threads(k):
            def run():
                minigrad._ops.set_num_threads(k)
                minigrad._ops.matmul(a, b, out=out)
            return run

        record(results, args, f"matmul f32 {n}x{n}, {args.threads} threads", "minigrad 1 thread",
               on_threads(args.threads), on_threads(1), number, 1 / 1.7, gflops, speedup=True)
        _threads(args.threads)


def case_dropout(results, args):
    n = 1 << 20
    x = minigrad.randn(n)
    nbytes = 2 * 4 * n  # read the input, write the output (the 1-bit mask adds 1/32 more)

    def bandwidth(t_mg, t_ref):
        return f"{nbytes / t_mg / 1e9:.1f} vs {nbytes / t_ref / 1e9:.1f} GB/s"

    if torch is not None:
        tx = torch.randn(n)
        record(results, args, "dropout fwd 1M f32, training", "torch F.dropout",
               lambda: minigrad.nn.functional.dropout(x, 0.5, True),
               lambda: torch.nn.functional.dropout(tx, 0.5, True), 5, 1 / 30, bandwidth)
    src = np.asarray(x.numpy())
    dst = np.empty_like(src)
    record(results, args, "dropout fwd 1M f32, training", "np.copyto (memory-bound limit)",
           lambda: minigrad.nn.functional.dropout(x, 0.5, True), lambda: np.copyto(dst, src), 20, 3,
           bandwidth)


def case_relu(results, args):
    n = 1 << 20
    a = np.random.default_rng(0).standard_normal(n, dtype=np.float32)
    x = minigrad.from_numpy(a)
    nbytes = 2 * 4 * n

    def bandwidth(t_mg, t_ref):
        return f"{nbytes / t_mg / 1e9:.1f} vs {nbytes / t_ref / 1e9:.1f} GB/s"

    record(results, args, "relu fwd 1M f32 (kernel)", "np.maximum(x, 0)",
           lambda: minigrad._ops.relu_forward(a), lambda: np.maximum(a, 0), 20, 1, bandwidth)
    record(results, args, "relu fwd 1M f32 (F.relu on a tensor)", "np.maximum(x, 0)",
           lambda: minigrad.nn.functional.relu(x), lambda: np.maximum(a, 0), 20, 1, bandwidth)


def _mlp_step_fn(lib, sizes, dropout, batch, seed=0):
    """One SGD-with-momentum training step of an MLP, written once for torch and minigrad."""
    nn = lib.nn
    lib.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    model = nn.Sequential(*layers)
    model.train()
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(seed)
    x = lib.tensor(rng.standard_normal((batch, sizes[0]), dtype=np.float32))
    if sizes[-1] == 1:
        y = lib.tensor(rng.standard_normal((batch, 1), dtype=np.float32))
        loss_fn = nn.MSELoss()
    else:
        y = lib.tensor(rng.integers(0, sizes[-1], batch))
        loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


def case_training(results, args):
    if torch is None or not hasattr(minigrad, "nn") or not hasattr(minigrad, "optim"):
        print("(training-step cases skipped: needs torch and minigrad.nn/optim)", file=sys.stderr)
        return
    for name, sizes, dropout, batch, target, number in (
        ("MLP 784-512-512-10 step, batch 128, 2x Dropout(0.5)", (784, 512, 512, 10), 0.5, 128, 0.7, 5),
        ("MLP 784-512-512-10 step, batch 128, no dropout", (784, 512, 512, 10), 0.0, 128, 1.25, 5),
        ("tiny MLP 10-10-1 step, batch 1", (10, 10, 1), 0.0, 1, 1.0, 200),
    ):
        record(results, args, name, "torch", _mlp_step_fn(minigrad, sizes, dropout, batch),
               _mlp_step_fn(torch, sizes, dropout, batch), number, target)


CASES = {"matmul": case_matmul, "dropout": case_dropout, "relu": case_relu, "training": case_training}


def _fmt_time(s):
    return f"{s * 1e3:.3f} ms" if s >= 1e-4 else f"{s * 1e6:.1f} us"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--repeats", type=int, default=45, help="timed blocks per case and library (default 45)")
    p.add_argument("--rounds", type=int, default=9,
                   help="interleaved rounds the repeats are spread over (default 9)")
    p.add_argument("--threads", type=int, default=2, help="threads for both frameworks (default 2)")
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke run, not a measurement")
    p.add_argument("--only", choices=sorted(CASES), action="append", help="run only these cases")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.rounds = 6, 3
    if args.repeats < 1 or args.rounds < 1:
        p.error("--repeats and --rounds must be positive")
    _threads(args.threads)
    results = []
    for name in args.only or CASES:
        CASES[name](results, args)
    width = max(len(r["case"]) for r in results)
    print(f"minigrad {minigrad.__version__} ({minigrad._ops.gemm_variant()}, {minigrad._ops.rng_variant()}), "
          f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, "
          f"{args.threads} threads, {platform.processor() or platform.machine()}")
    print(f"{args.rounds} rounds x {max(args.repeats // args.rounds, 1)} blocks per library and case; "
          "ratio = median over rounds of time_minigrad / time_reference")
    print()
    print(f"| {'case':<{width}} | reference | minigrad | reference | ratio | target | met | notes |")
    print(f"|{'-' * (width + 2)}|---|--:|--:|--:|---|---|---|")
    for r in results:
        print(f"| {r['case']:<{width}} | {r['reference']} | {_fmt_time(r['minigrad_s'])} | "
              f"{_fmt_time(r['reference_s'])} | {r['ratio']:.3f} | {r['target']} | "
              f"{'yes' if r['ok'] else 'NO'} | {r['note']} |")
    if args.json:
        meta = dict(minigrad=minigrad.__version__, numpy=np.__version__,
                    torch=torch.__version__ if torch else None, threads=args.threads,
                    machine=platform.machine(), cpu=_cpu_name(), repeats=args.repeats, rounds=args.rounds,
                    gemm_variant=minigrad._ops.gemm_variant(), rng_variant=minigrad._ops.rng_variant())
        with open(args.json, "w") as f:
            json.dump(dict(meta=meta, results=results), f, indent=2)
    return 0


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
