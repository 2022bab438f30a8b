"""minigrad against numpy and PyTorch, side by side in one process.

    python benchmarks/run.py                 # every case, table on stdout
    python benchmarks/run.py --json out.json # also write the results
    python benchmarks/run.py --quick         # fewer repeats (a smoke run)

Each case times minigrad and its reference with the same inputs, alternating them, and reports
medians over many repeats; the ratio is time_minigrad / time_reference (lower is better for
minigrad). Shared, noisy machines make single runs jittery: compare ratios, not absolute times.
The training-step cases use the *same* code for both frameworks (minigrad's API is PyTorch's).
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
    """Median over ``repeats`` of the mean time of ``number`` calls."""
    fn()  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def compare(ours, reference, repeats, number):
    """Median times of two callables, measured in interleaved rounds so load hits both alike."""
    a, b = [], []
    rounds = 5
    for _ in range(rounds):
        a.append(_median_time(ours, max(repeats // rounds, 1), number))
        b.append(_median_time(reference, max(repeats // rounds, 1), number))
    return statistics.median(a), statistics.median(b)


def _threads(n):
    minigrad.set_num_threads(n)
    if torch is not None:
        torch.set_num_threads(n)


# ------------------------------------------------------------------ cases
def case_matmul(results, args):
    rng = np.random.default_rng(0)
    for n in (256, 512, 1024):
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        out = np.empty((n, n), np.float32)
        number = max(1, int(2e8 / n**3))
        t_mg, t_np = compare(lambda: minigrad._ops.matmul(a, b, out=out), lambda: np.matmul(a, b, out=out),
                             args.repeats, number)
        flops = 2 * n**3
        results.append(dict(case=f"matmul f32 {n}x{n}", reference="numpy @", minigrad_s=t_mg, reference_s=t_np,
                            ratio=t_mg / t_np, target="<= 1.25", ok=t_mg / t_np <= 1.25,
                            note=f"{flops / t_mg / 1e9:.0f} vs {flops / t_np / 1e9:.0f} GFLOP/s"))
        # thread scaling: the same kernel on 1 and on 2 threads
        _threads(1)
        t1 = _median_time(lambda: minigrad._ops.matmul(a, b, out=out), args.repeats, number)
        _threads(args.threads)
        t2 = _median_time(lambda: minigrad._ops.matmul(a, b, out=out), args.repeats, number)
        results.append(dict(case=f"matmul f32 {n}x{n}, {args.threads} threads vs 1", reference="minigrad 1 thread",
                            minigrad_s=t2, reference_s=t1, ratio=t2 / t1, target="speed-up >= 1.7",
                            ok=t1 / t2 >= 1.7, note=f"speed-up {t1 / t2:.2f}x"))


def case_dropout(results, args):
    n = 1 << 20
    x = minigrad.randn(n)
    from minigrad.ops.dropout import dropout  # what nn.functional.dropout calls

    if torch is not None:
        tx = torch.randn(n)
        t_mg, t_t = compare(lambda: dropout(x, 0.5, True), lambda: torch.nn.functional.dropout(tx, 0.5, True),
                            args.repeats, 5)
        results.append(dict(case="dropout fwd 1M f32 (train)", reference="torch F.dropout", minigrad_s=t_mg,
                            reference_s=t_t, ratio=t_mg / t_t, target="<= 1/30 (0.033)", ok=t_mg / t_t <= 1 / 30,
                            note=f"{x.numel() * 8 / t_mg / 1e9:.1f} GB/s (read+write)"))
    src = np.asarray(x.numpy())
    dst = np.empty_like(src)
    t_mg, t_cp = compare(lambda: dropout(x, 0.5, True), lambda: np.copyto(dst, src), args.repeats, 20)
    results.append(dict(case="dropout fwd 1M f32 (train)", reference="np.copyto", minigrad_s=t_mg,
                        reference_s=t_cp, ratio=t_mg / t_cp, target="<= 3 (aim 2)", ok=t_mg / t_cp <= 3,
                        note="memory-bound limit"))


def case_relu(results, args):
    n = 1 << 20
    a = np.random.default_rng(0).standard_normal(n, dtype=np.float32)
    t_mg, t_np = compare(lambda: minigrad._ops.relu_forward(a), lambda: np.maximum(a, 0), args.repeats, 20)
    results.append(dict(case="relu fwd 1M f32", reference="np.maximum(x, 0)", minigrad_s=t_mg, reference_s=t_np,
                        ratio=t_mg / t_np, target="<= 1", ok=t_mg / t_np <= 1, note=""))


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
        t_mg, t_t = compare(_mlp_step_fn(minigrad, sizes, dropout, batch), _mlp_step_fn(torch, sizes, dropout, batch),
                            args.repeats, number)
        results.append(dict(case=name, reference="torch", minigrad_s=t_mg, reference_s=t_t, ratio=t_mg / t_t,
                            target=f"<= {target}", ok=t_mg / t_t <= target, note=""))


CASES = {"matmul": case_matmul, "dropout": case_dropout, "relu": case_relu, "training": case_training}


def _fmt_time(s):
    return f"{s * 1e3:.3f} ms" if s >= 1e-4 else f"{s * 1e6:.1f} us"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--repeats", type=int, default=40, help="timing repeats per case (default 40)")
    p.add_argument("--threads", type=int, default=2, help="threads for both frameworks (default 2)")
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke run, not a measurement")
    p.add_argument("--only", choices=sorted(CASES), action="append", help="run only these cases")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats = 5
    _threads(args.threads)
    results = []
    for name in args.only or CASES:
        CASES[name](results, args)
    width = max(len(r["case"]) for r in results)
    print(f"minigrad {minigrad.__version__} ({minigrad._ops.gemm_variant()}, {minigrad._ops.rng_variant()}), "
          f"numpy {np.__version__}, torch {torch.__version__ if torch else 'absent'}, "
          f"{args.threads} threads, {platform.processor() or platform.machine()}")
    print(f"| {'case':<{width}} | reference | minigrad | reference time | ratio | target | |")
    print(f"|{'-' * (width + 2)}|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['case']:<{width}} | {r['reference']} | {_fmt_time(r['minigrad_s'])} | "
              f"{_fmt_time(r['reference_s'])} | {r['ratio']:.3f} | {r['target']} | "
              f"{'ok' if r['ok'] else 'MISSED'} {r['note']} |")
    if args.json:
        meta = dict(minigrad=minigrad.__version__, numpy=np.__version__,
                    torch=torch.__version__ if torch else None, threads=args.threads,
                    machine=platform.machine(), cpu=_cpu_name(), repeats=args.repeats,
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
