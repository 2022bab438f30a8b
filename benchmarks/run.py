"""minigrad against the best a user could pick instead, side by side in one process.

    python benchmarks/run.py                  # every case, table on stdout
    python benchmarks/run.py --json out.json  # also write the results
    python benchmarks/run.py --only gemm      # some cases (gemm, dropout, relu, training, conv)
    python benchmarks/run.py --info           # the machine, the references and the peak, no cases

References: numpy with OpenBLAS's own kernel for this CPU (GEMM, copies, ReLU), PyTorch eager and
JAX `jit` (training steps; JAX is optional: `pip install jax`, its rows are skipped with a note
when it is absent). Each case times minigrad and its reference in interleaved rounds, pausing
before each side so that the other library's thread pool has gone idle, and reports medians; the
ratio is the median over rounds of time_minigrad / time_reference (lower is better for minigrad),
checked against the targets of issues 11 (kernels, MLP steps) and 14 (convolution, BatchNorm). GEMM speeds are also given as a fraction of the machine's
measured peak (an FMA loop, minigrad._ops.peak_gflops). Shared, noisy machines make absolute times
jittery: read the ratios. No test asserts on these numbers.
"""
import json
import os
import sys

# numpy's OpenBLAS reads these when it loads. The machines this project runs on export
# OPENBLAS_CORETYPE=Haswell (and an L2 size), which hold OpenBLAS to its AVX2 kernel on an AVX-512
# CPU: a benchmark against that would flatter minigrad. So they go, from this process only and
# before numpy loads; if something loaded numpy first, the script starts itself again without
# them. (Imported as a module -- the smoke test -- it leaves its host process alone and the table
# says that the overrides were in effect.)
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


# Set in the environment of a re-executed run: what the first process removed.
_REMOVED_MARK = "MINIGRAD_BENCHMARK_REMOVED"


def _drop_openblas_overrides():
    """Removes the overrides from this process before numpy loads. Returns (removed, held): the
    overrides removed, and those still in effect for this process's numpy (normally none)."""
    found = {k: os.environ[k] for k in OPENBLAS_OVERRIDES if k in os.environ}
    removed = json.loads(os.environ.pop(_REMOVED_MARK, "{}"))
    if not found or __name__ != "__main__":
        return removed, found
    if "numpy" in sys.modules:  # too late to change what OpenBLAS read: start again
        env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_OVERRIDES}
        env[_REMOVED_MARK] = json.dumps(found)
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    for k in found:
        del os.environ[k]
    return found, {}


OPENBLAS_REMOVED, OPENBLAS_HELD = _drop_openblas_overrides()

import argparse  # noqa: E402  (after the environment is fixed)
import contextlib  # noqa: E402
import importlib.metadata  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import minigrad  # noqa: E402

# The references for the training steps, imported by main() when a case needs them (`--info`
# does not: importing JAX and PyTorch takes seconds). Either may be absent: its rows are skipped.
torch = jax = jnp = None


def _import_references():
    global torch, jax, jnp
    try:
        import torch
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        pass


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


try:
    import threadpoolctl
except ImportError:
    threadpoolctl = None


# Seconds to wait before timing each side. Thread pools keep their workers spinning after a call:
# OpenBLAS for ~0.1 s, XLA's for about a second. On 2 cores a spinning worker halves the speed of
# whatever runs next, so each side starts after the other's pool has gone idle.
SETTLE_S = 1.0


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


def compare(ours, reference, repeats, number, rounds):
    """Time two callables in ``rounds`` interleaved rounds (ours, then the reference, each after a
    pause of SETTLE_S), each round the median of ``repeats // rounds`` blocks of ``number`` calls.

    Returns (median time of ours, median time of the reference, median ratio). The ratio is the
    median of the per-round ratios: the two halves of a round run seconds apart, so they see the
    same load from the machine's other tenants, and their ratio is steadier than the ratio of two
    medians taken over different moments."""
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


# ------------------------------------------------------------------ the machine
def openblas_info():
    """numpy's OpenBLAS as threadpoolctl sees it: {'kernel', 'version', 'threads'} or None."""
    if threadpoolctl is None:
        return None
    for lib in threadpoolctl.threadpool_info():
        if lib.get("internal_api") == "openblas":
            return dict(kernel=lib.get("architecture"), version=lib.get("version"),
                        threads=lib.get("num_threads"))
    return None


def _cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine(args):
    """What the table was measured on (printed above it and stored in the JSON)."""
    peak = {t: minigrad._ops.peak_gflops(t, seconds=args.peak_seconds) for t in sorted({1, args.threads})}
    return dict(
        minigrad=minigrad.__version__, numpy=np.__version__,
        torch=_version("torch"), jax=_version("jax"),
        threads=args.threads, machine=platform.machine(), cpu=_cpu_name(),
        kernel_variant=minigrad._ops.kernel_variant(), gemm_variant=minigrad._ops.gemm_variant(),
        rng_variant=minigrad._ops.rng_variant(), cpu_supports=minigrad._ops.available_kernel_variants(),
        openblas=openblas_info(), openblas_overrides_removed=OPENBLAS_REMOVED,
        openblas_overrides_in_effect=OPENBLAS_HELD,
        peak_gflops_f32={str(t): g for t, g in peak.items()},
        repeats=args.repeats, rounds=args.rounds, settle_s=SETTLE_S,
    )


def describe(meta):
    ob = meta["openblas"]
    if meta["openblas_overrides_in_effect"]:
        overrides = " -- HELD BY " + ", ".join(f"{k}={v}" for k, v in meta["openblas_overrides_in_effect"].items())
    elif meta["openblas_overrides_removed"]:
        overrides = (" (" + ", ".join(f"{k}={v}" for k, v in meta["openblas_overrides_removed"].items())
                     + " removed from this process before numpy loaded)")
    else:
        overrides = " (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE not set)"
    lines = [
        f"minigrad {meta['minigrad']} (kernels {meta['kernel_variant']}: GEMM {meta['gemm_variant']}, "
        f"random/elementwise {meta['rng_variant']}; CPU supports {', '.join(meta['cpu_supports'])}), "
        f"{meta['threads']} threads, {meta['cpu']}",
        f"numpy {meta['numpy']}, OpenBLAS "
        + (f"{ob['version']} kernel {ob['kernel']}" if ob else "(kernel unknown: pip install threadpoolctl)")
        + overrides,
        f"torch {meta['torch'] or 'absent'}, jax {meta['jax'] or 'absent (pip install jax for its rows)'}",
        "peak float32 (FMA loop): " + ", ".join(f"{g:.0f} GFLOP/s on {t} thread{'s' * (t != '1')}"
                                               for t, g in meta["peak_gflops_f32"].items()),
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ cases
def record(results, args, case, reference, ours, ref, number, target, note=None, speedup=False):
    """Time ``ours`` against ``ref`` and append a result row. ``target`` is the largest acceptable
    ratio time_minigrad / time_reference, or None for a row that is only reported; with
    ``speedup`` the row is shown as a speed-up (time_reference / time_minigrad) instead.
    ``note(t_minigrad, t_reference)`` adds a remark."""
    if args.smoke:
        number = 1
    t_mg, t_ref, ratio = compare(ours, ref, args.repeats, number, args.rounds)
    if target is None:
        target_text = "report"
    elif speedup:
        target_text = f"speed-up >= {1 / target:.2g}"
    else:
        target_text = f"<= {target:.3g}"
    row = dict(case=case, reference=reference, minigrad_s=t_mg, reference_s=t_ref, ratio=ratio,
               target_ratio=target, ok=None if target is None else ratio <= target,
               target=target_text, note=note(t_mg, t_ref) if note else "")
    if speedup:
        row["note"] = f"speed-up {1 / ratio:.2f}x" + (f"; {row['note']}" if row["note"] else "")
    results.append(row)
    print(f"  {case} vs {reference}: ratio {ratio:.3f}", file=sys.stderr)


def _gflops_note(flops, peak_mg, peak_ref):
    def note(t_mg, t_ref):
        g_mg, g_ref = flops / t_mg / 1e9, flops / t_ref / 1e9
        return (f"{g_mg:.0f} vs {g_ref:.0f} GFLOP/s = {g_mg / peak_mg:.0%} vs {g_ref / peak_ref:.0%} "
                f"of peak")
    return note


# n, target ratio against numpy; the n whose 2-thread speed-up over 1 thread is checked, and the
# speed-up to reach.
GEMM_SIZES = ((256, 1.25), (512, 1.1), (1024, 1.1), (2048, 1.1))
GEMM_SCALING = (1024, 1.8)


def case_gemm(results, args, meta):
    """float32 GEMM against numpy (OpenBLAS), and minigrad's own thread scaling."""
    rng = np.random.default_rng(0)
    peak = {int(t): g for t, g in meta["peak_gflops_f32"].items()}
    # both libraries on the same number of threads
    with (threadpoolctl.threadpool_limits(args.threads, user_api="blas") if threadpoolctl
          else contextlib.nullcontext()):
        for n, target in GEMM_SIZES:
            a = rng.standard_normal((n, n), dtype=np.float32)
            b = rng.standard_normal((n, n), dtype=np.float32)
            out = np.empty((n, n), np.float32)
            number = max(1, int(4e8 / n**3))
            record(results, args, f"GEMM f32 {n}", "numpy @ (OpenBLAS)",
                   lambda: minigrad._ops.matmul(a, b, out=out), lambda: np.matmul(a, b, out=out),
                   number, target, _gflops_note(2 * n**3, peak[args.threads], peak[args.threads]))
            if n != GEMM_SCALING[0]:
                continue

            # Thread scaling: the same kernel on args.threads and on 1 thread, interleaved like
            # the rest (setting the thread count stores one int: nothing next to a GEMM).
            def on_threads(k):
                def run():
                    minigrad._ops.set_num_threads(k)
                    minigrad._ops.matmul(a, b, out=out)
                return run

            record(results, args, f"GEMM f32 {n}, {args.threads} threads", "minigrad 1 thread",
                   on_threads(args.threads), on_threads(1), number, 1 / GEMM_SCALING[1],
                   _gflops_note(2 * n**3, peak[args.threads], peak[1]), speedup=True)
            _threads(args.threads)


DROPOUT_N = 1 << 20   # elements (the ReLU case too)


def _count(n):
    return f"{n >> 20}M" if n % (1 << 20) == 0 else f"{n >> 10}K" if n % 1024 == 0 else str(n)


def case_dropout(results, args, meta):
    n = DROPOUT_N
    x = minigrad.randn(n)
    nbytes = 2 * 4 * n  # read the input, write the output (the 1-bit mask adds 1/32 more)

    def bandwidth(t_mg, t_ref):
        return f"{nbytes / t_mg / 1e9:.1f} vs {nbytes / t_ref / 1e9:.1f} GB/s"

    src = np.asarray(x.numpy())
    dst = np.empty_like(src)
    name = f"dropout fwd {_count(n)} f32, training"
    record(results, args, name, "np.copyto (memory-bound limit)",
           lambda: minigrad.nn.functional.dropout(x, 0.5, True), lambda: np.copyto(dst, src), 20, 2,
           bandwidth)
    if torch is not None:
        tx = torch.randn(n)
        record(results, args, name, "torch F.dropout",
               lambda: minigrad.nn.functional.dropout(x, 0.5, True),
               lambda: torch.nn.functional.dropout(tx, 0.5, True), 5, 1 / 30, bandwidth)


def case_relu(results, args, meta):
    n = DROPOUT_N
    a = np.random.default_rng(0).standard_normal(n, dtype=np.float32)
    x = minigrad.from_numpy(a)
    nbytes = 2 * 4 * n

    def bandwidth(t_mg, t_ref):
        return f"{nbytes / t_mg / 1e9:.1f} vs {nbytes / t_ref / 1e9:.1f} GB/s"

    record(results, args, f"ReLU fwd {_count(n)} f32 (F.relu on a tensor)", "np.maximum(x, 0)",
           lambda: minigrad.nn.functional.relu(x), lambda: np.maximum(a, 0), 20, 1, bandwidth)


# The training steps: an MLP with ReLU (and Dropout after each hidden layer), cross entropy, SGD
# with momentum 0.9, float32. The minigrad and PyTorch steps are the same code (minigrad's API is
# PyTorch's); the JAX step computes the same thing as one jitted function.
LR, MOMENTUM = 0.01, 0.9


def _data(sizes, batch, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((batch, sizes[0]), dtype=np.float32),
            rng.integers(0, sizes[-1], batch))


def _mlp_step_fn(lib, sizes, dropout, batch, seed=0):
    """One training step of the MLP, written once for torch and minigrad."""
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
    opt = lib.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    xs, ys = _data(sizes, batch, seed)
    x, y = lib.tensor(xs), lib.tensor(ys)
    loss_fn = nn.CrossEntropyLoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    return step


def _jax_mlp_step_fn(sizes, dropout, batch, seed=0):
    """The same step in JAX: forward, cross entropy, gradient and the SGD-with-momentum update
    (PyTorch's: v = momentum * v + g; p = p - lr * v) in one jitted function, which draws its own
    dropout masks from a key it carries from step to step."""
    key = jax.random.PRNGKey(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):  # PyTorch's default init
        key, kw, kb = jax.random.split(key, 3)
        bound = 1.0 / math.sqrt(fan_in)
        params.append((jax.random.uniform(kw, (fan_in, fan_out), jnp.float32, -bound, bound),
                       jax.random.uniform(kb, (fan_out,), jnp.float32, -bound, bound)))
    velocity = jax.tree_util.tree_map(jnp.zeros_like, params)
    xs, ys = _data(sizes, batch, seed)
    x, y = jnp.asarray(xs), jnp.asarray(ys)

    def loss_fn(params, x, y, key):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = jax.nn.relu(h)
                if dropout:
                    key, sub = jax.random.split(key)
                    keep = jax.random.bernoulli(sub, 1.0 - dropout, h.shape)
                    h = jnp.where(keep, h / (1.0 - dropout), 0.0)
        logp = jax.nn.log_softmax(h)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def step(params, velocity, key, x, y):
        key, sub = jax.random.split(key)
        grads = jax.grad(loss_fn)(params, x, y, sub)
        velocity = jax.tree_util.tree_map(lambda v, g: MOMENTUM * v + g, velocity, grads)
        params = jax.tree_util.tree_map(lambda p, v: p - LR * v, params, velocity)
        return params, velocity, key

    state = [params, velocity, key]

    def run():
        state[0], state[1], state[2] = step(state[0], state[1], state[2], x, y)
        jax.block_until_ready(state[0])

    return run


# layer sizes, dropout after each hidden layer, batch, calls per block, {reference: target ratio
# or None (reported only)}
TRAINING = (
    ((784, 512, 512, 10), 0.5, 128, 5, {"jax jit": 0.7, "torch eager": 0.45}),
    ((784, 512, 512, 10), 0.0, 128, 5, {"jax jit": 0.9}),
    ((784, 2048, 2048, 10), 0.5, 256, 1, {"jax jit": 0.8}),
    ((10, 10, 10, 2), 0.0, 1, 200, {"torch eager": 0.5, "jax jit": None}),
)


def _training_case_name(sizes, dropout, batch):
    drop = f"{len(sizes) - 2}x Dropout({dropout:g})" if dropout else "no dropout"
    return f"MLP {'-'.join(map(str, sizes))} step, batch {batch}, {drop}"


def case_training(results, args, meta):
    if jax is None:
        print("(JAX rows skipped: jax is not installed; pip install jax)", file=sys.stderr)
    if torch is None:
        print("(PyTorch rows skipped: torch is not installed)", file=sys.stderr)
    for sizes, dropout, batch, number, targets in TRAINING:
        for reference, target in targets.items():
            if reference == "jax jit" and jax is not None:
                ref = _jax_mlp_step_fn(sizes, dropout, batch)
            elif reference == "torch eager" and torch is not None:
                ref = _mlp_step_fn(torch, sizes, dropout, batch)
            else:
                continue
            record(results, args, _training_case_name(sizes, dropout, batch), reference,
                   _mlp_step_fn(minigrad, sizes, dropout, batch), ref, number, target)


# the MNIST step's batch and the BatchNorm1d case's (batch, features), issue 14's sizes
CONV_BATCH = 64
BATCHNORM_SHAPE = (128, 512)


def case_conv(results, args, meta):
    """Issue 14's cases, built by benchmarks/conv.py (which also runs them alone): the classic
    PyTorch MNIST network's training step against PyTorch eager and JAX jit, and BatchNorm1d(512)
    forward + backward against PyTorch."""
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:  # (imported as a module by the smoke test)
        sys.path.insert(0, here)
    import conv  # benchmarks/conv.py, next to this file
    if torch is None:
        print("(convolution rows skipped: torch is not installed)", file=sys.stderr)
        return
    rng = np.random.default_rng(0)
    x, y = conv.mnist_batch(rng, CONV_BATCH)
    name = f"MNIST CNN training step, batch {CONV_BATCH}"
    record(results, args, name, "torch eager", conv.mnist_step(minigrad, x, y), conv.mnist_step(torch, x, y),
           2, conv.TARGETS["mnist"]["torch"])
    if jax is not None:
        record(results, args, name, "jax jit", conv.mnist_step(minigrad, x, y), conv.mnist_step_jax(x, y),
               2, conv.TARGETS["mnist"]["jax"])
    batch, features = BATCHNORM_SHAPE
    xb, gb = conv.batchnorm_batch(rng, batch, features)
    record(results, args, f"BatchNorm1d({features}) fwd+bwd, batch {batch}", "torch eager",
           conv.bn_step(minigrad, xb, gb), conv.bn_step(torch, xb, gb), 50, conv.TARGETS["batchnorm"]["torch"])

CASES = {"gemm": case_gemm, "dropout": case_dropout, "relu": case_relu, "training": case_training,
         "conv": case_conv}


def _fmt_time(s):
    return f"{s * 1e3:.3f} ms" if s >= 1e-4 else f"{s * 1e6:.1f} us"


def table(results, meta):
    width = max(len(r["case"]) for r in results)
    lines = [describe(meta),
             f"{meta['rounds']} rounds x {max(meta['repeats'] // meta['rounds'], 1)} blocks per library "
             f"and case, {meta['settle_s']:g} s pause before each side; ratio = median over rounds of "
             "time_minigrad / time_reference",
             "",
             f"| {'case':<{width}} | reference | minigrad | reference | ratio | target | met | notes |",
             f"|{'-' * (width + 2)}|---|--:|--:|--:|---|---|---|"]
    for r in results:
        met = "-" if r["ok"] is None else "yes" if r["ok"] else "NO"
        lines.append(f"| {r['case']:<{width}} | {r['reference']} | {_fmt_time(r['minigrad_s'])} | "
                     f"{_fmt_time(r['reference_s'])} | {r['ratio']:.3f} | {r['target']} | {met} | "
                     f"{r['note']} |")
    return "\n".join(lines)


def main(argv=None):
    global SETTLE_S
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    p.add_argument("--repeats", type=int, default=45, help="timed blocks per case and library (default 45)")
    p.add_argument("--rounds", type=int, default=9,
                   help="interleaved rounds the repeats are spread over (default 9)")
    p.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke run, not a measurement")
    p.add_argument("--only", choices=sorted(CASES), action="append", help="run only these cases")
    p.add_argument("--info", action="store_true", help="print the machine and references, run no case")
    p.add_argument("--smoke", action="store_true",
                   help="one call per side and no pauses: checks that everything runs, measures nothing")
    args = p.parse_args(argv)
    if args.quick:
        args.repeats, args.rounds = 6, 3
    if args.repeats < 1 or args.rounds < 1:
        p.error("--repeats and --rounds must be positive")
    if not 1 <= args.threads <= minigrad._ops.MAX_THREADS:
        p.error(f"--threads must be between 1 and {minigrad._ops.MAX_THREADS}")
    if args.json and not os.path.isdir(os.path.dirname(os.path.abspath(args.json))):
        p.error(f"--json {args.json}: no such directory")
    args.peak_seconds = 0.0005 if args.smoke else 0.05
    settle = SETTLE_S
    if args.smoke:
        args.repeats = args.rounds = 1
        SETTLE_S = 0.0
    try:
        if not args.info:
            _import_references()
        _threads(args.threads)
        meta = machine(args)
        if args.info:
            print(describe(meta))
            return 0
        results = []
        for name in args.only or CASES:
            CASES[name](results, args, meta)
    finally:
        SETTLE_S = settle
    print(table(results, meta))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(meta=meta, results=results), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
