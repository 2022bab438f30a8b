"""Per-op Python overhead: minigrad against PyTorch eager (and JAX ``jit``) on small training steps.

    python benchmarks/overhead.py              # steps and per-op costs, table on stdout
    python benchmarks/overhead.py --quick      # fewer rounds (a smoke run)
    python benchmarks/overhead.py --only steps # or: tiny (the tiny step only), ops

At batch 1 a training step is all overhead: each op's Python bookkeeping (the graph node, argument
checks, the module call, the optimizer loop) costs more than its arithmetic. This script times

* the training steps of issue 11 (SGD with momentum, cross entropy):
  ``optimizer.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); optimizer.step()``
  for an MLP 10-10-10-2 at batch 1 and an MLP 784-512-512-10 at batch 128 with and without two
  Dropout(0.5), against PyTorch eager and JAX ``jit`` (skipped with a note when JAX is absent);
* the phases of the tiny step (zero_grad, forward, loss, backward, step) and single ops on its
  tensors, against PyTorch eager.

How it measures (the rules of ``benchmarks/run.py``): the process removes ``OPENBLAS_CORETYPE``
and ``OPENBLAS_L2_SIZE`` from its environment before numpy loads (re-executing itself), so that
numpy's OpenBLAS picks its best kernel; each case alternates the libraries in rounds, pausing
``--pause`` seconds before each side (XLA's and OpenBLAS's thread pools keep spinning after a
call and would slow whatever runs next on 2 cores); a side's time in a round is the median of
blocks of calls, and the ratio is the median over rounds of time_minigrad / time_reference, so
that both sides of a ratio see the same load from a shared machine. No test asserts on these
numbers.
"""
import os
import sys

_HELD = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(k in os.environ for k in _HELD):  # before numpy loads: re-exec without them
    env = {k: v for k, v in os.environ.items() if k not in _HELD}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import minigrad  # noqa: E402

try:
    import torch
except ImportError:
    torch = None
try:
    import jax
    import jax.numpy as jnp
except ImportError:
    jax = None


def _median_time(fn, blocks, number):
    """Median over ``blocks`` of the mean time of ``number`` calls."""
    times = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def compare(sides, rounds, blocks, number, pause):
    """{name: callable} timed in ``rounds`` interleaved rounds; returns {name: [time per round]}."""
    for fn in sides.values():  # warm up (jit compilation, first-step buffers)
        for _ in range(max(3, number // 10)):
            fn()
    times = {name: [] for name in sides}
    for _ in range(rounds):
        for name, fn in sides.items():
            time.sleep(pause)
            times[name].append(_median_time(fn, blocks, number))
    return times


def ratio(times, a, b):
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


# ------------------------------------------------------------------ the training steps
def _torch_like_step(lib, sizes, dropout, batch, seed=0):
    """One SGD-with-momentum step of an MLP with cross entropy, the same code for both libraries."""
    nn, F = lib.nn, lib.nn.functional
    lib.manual_seed(seed)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
    model = nn.Sequential(*layers)
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(seed)
    x = lib.tensor(rng.standard_normal((batch, sizes[0]), dtype=np.float32))
    y = lib.tensor(rng.integers(0, sizes[-1], batch))

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    return step, (model, optimizer, x, y)


def _jax_step(sizes, dropout, batch, seed=0):
    """The same step in JAX, compiled with ``jit`` (parameters and momentum buffers carried)."""
    rng = np.random.default_rng(seed)
    params = []
    for i in range(len(sizes) - 1):
        bound = 1 / np.sqrt(sizes[i])
        params.append((jnp.asarray(rng.uniform(-bound, bound, (sizes[i + 1], sizes[i])), jnp.float32),
                       jnp.asarray(rng.uniform(-bound, bound, sizes[i + 1]), jnp.float32)))
    x = jnp.asarray(rng.standard_normal((batch, sizes[0]), dtype=np.float32))
    y = jnp.asarray(rng.integers(0, sizes[-1], batch))

    def loss_fn(params, key):
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w.T + b
            if i < len(params) - 1:
                h = jax.nn.relu(h)
                if dropout:
                    key, sub = jax.random.split(key)
                    keep = jax.random.bernoulli(sub, 1 - dropout, h.shape)
                    h = jnp.where(keep, h / (1 - dropout), 0)
        logp = jax.nn.log_softmax(h)
        return -jnp.mean(logp[jnp.arange(batch), y])

    @jax.jit
    def update(params, bufs, key):
        key, sub = jax.random.split(key)
        grads = jax.grad(loss_fn)(params, sub)
        bufs = jax.tree_util.tree_map(lambda m, g: 0.9 * m + g, bufs, grads)
        params = jax.tree_util.tree_map(lambda p, m: p - 0.01 * m, params, bufs)
        return params, bufs, key

    state = [params, jax.tree_util.tree_map(jnp.zeros_like, params), jax.random.PRNGKey(seed)]

    def step():
        state[:] = update(*state)
        state[0][0][0].block_until_ready()

    return step


STEPS = (
    ("tiny MLP 10-10-10-2 step, batch 1", (10, 10, 10, 2), 0.0, 1, 400),
    ("MLP 784-512-512-10 step, batch 128, 2x Dropout(0.5)", (784, 512, 512, 10), 0.5, 128, 10),
    ("MLP 784-512-512-10 step, batch 128, no dropout", (784, 512, 512, 10), 0.0, 128, 10),
)


def run_steps(args, rows):
    for name, sizes, dropout, batch, number in STEPS[:1] if args.only == "tiny" else STEPS:
        sides = {"minigrad": _torch_like_step(minigrad, sizes, dropout, batch)[0]}
        if torch is not None:
            sides["torch"] = _torch_like_step(torch, sizes, dropout, batch)[0]
        if jax is not None and not args.no_jax:
            sides["jax"] = _jax_step(sizes, dropout, batch)
        times = compare(sides, args.rounds, args.blocks, max(1, int(number * args.scale)), args.pause)
        row = {"case": name, "minigrad": statistics.median(times["minigrad"])}
        for ref in ("torch", "jax"):
            if ref in times:
                row[ref] = statistics.median(times[ref])
                row["vs " + ref] = ratio(times, "minigrad", ref)
        rows.append(row)
        _print_row(row)


# ------------------------------------------------------------------ per-op costs of the tiny step
def _tiny_pieces(lib):
    """Callables for the phases of the tiny step and for single ops on its tensors."""
    F = lib.nn.functional
    step, (model, optimizer, x, y) = _torch_like_step(lib, (10, 10, 10, 2), 0.0, 1)
    step()  # momentum buffers exist, as in a running training loop
    linear = model[0]
    h = linear(x)  # a (1, 10) non-leaf that requires grad
    a = lib.randn(1, 10, requires_grad=True)
    b = lib.randn(1, 10, requires_grad=True)
    logits = model(x)

    def forward_loss():
        return F.cross_entropy(model(x), y)

    def forward_loss_backward():
        F.cross_entropy(model(x), y).backward()

    def step_only():
        optimizer.step()

    return {
        "zero_grad()": optimizer.zero_grad,
        "model(x) (3 Linear, 2 ReLU)": lambda: model(x),
        "Linear(10, 10)(x)": lambda: linear(x),
        "F.relu(h)": lambda: F.relu(h),
        "a + b": lambda: a + b,
        "a * b": lambda: a * b,
        "a.sum()": lambda: a.sum(),
        "F.cross_entropy(logits, y)": lambda: F.cross_entropy(logits, y),
        "forward + loss": forward_loss,
        "forward + loss + backward": forward_loss_backward,
        "optimizer.step() (6 params)": step_only,
        "whole step": step,
    }


def run_ops(args, rows):
    if torch is None:
        print("(per-op cases skipped: they compare with torch, which is not installed)")
        return
    ours, theirs = _tiny_pieces(minigrad), _tiny_pieces(torch)
    for name in ours:
        times = compare({"minigrad": ours[name], "torch": theirs[name]}, args.rounds, args.blocks,
                        max(1, int(1000 * args.scale)), args.pause)
        row = {"case": name, "minigrad": statistics.median(times["minigrad"]),
               "torch": statistics.median(times["torch"]), "vs torch": ratio(times, "minigrad", "torch")}
        rows.append(row)
        _print_row(row)


# ------------------------------------------------------------------ output
def _fmt(t):
    return f"{t * 1e6:8.1f} us" if t < 1e-3 else f"{t * 1e3:8.3f} ms"


def _print_row(row):
    parts = [f"{row['case']:<52}", _fmt(row["minigrad"])]
    for ref in ("torch", "jax"):
        if ref in row:
            parts.append(f"{ref} {_fmt(row[ref])}  ratio {row['vs ' + ref]:.3f}")
    print(" | ".join(parts), flush=True)


def _header(args):
    from threadpoolctl import threadpool_info

    blas = [f"{i.get('internal_api')} {i.get('architecture')}" for i in threadpool_info()
            if i.get("user_api") == "blas"]
    libs = [f"minigrad {minigrad.__version__} ({minigrad._ops.gemm_variant()}, "
            f"{minigrad._ops.rng_variant()})", f"numpy {np.__version__} ({', '.join(blas) or '?'})"]
    if torch is not None:
        libs.append(f"torch {torch.__version__}")
    if jax is not None and not args.no_jax:
        libs.append(f"jax {jax.__version__}")
    else:
        libs.append("jax: not installed (pip install jax), skipped" if jax is None else "jax skipped")
    print(", ".join(libs) + f"; {args.threads} threads")
    print(f"{args.rounds} rounds, {args.pause:g} s pause before each side; ratio = median over "
          "rounds of time_minigrad / time_reference")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--blocks", type=int, default=3, help="timed blocks per side and round")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds before each side")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 rounds, shorter blocks")
    parser.add_argument("--only", choices=("steps", "tiny", "ops"))
    parser.add_argument("--no-jax", action="store_true")
    args = parser.parse_args(argv)
    args.scale = 1.0
    if args.quick:
        args.rounds, args.scale, args.pause = 3, 0.3, min(args.pause, 0.5)
    minigrad.set_num_threads(args.threads)
    if torch is not None:
        torch.set_num_threads(args.threads)
    _header(args)
    rows = []
    if args.only in (None, "steps", "tiny"):
        run_steps(args, rows)
    if args.only in (None, "ops"):
        run_ops(args, rows)
    return rows


if __name__ == "__main__":
    main()
