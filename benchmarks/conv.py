"""Convolution and normalisation layers: minigrad against PyTorch eager and JAX jit, one process.

    python benchmarks/conv.py                # all cases, 2 threads, a table on stdout
    python benchmarks/conv.py --quick        # fewer rounds (a smoke run, not a measurement)
    python benchmarks/conv.py --json out.json

Cases (issue 14's targets, ratio = time_minigrad / time_reference, lower is better):
  * the classic PyTorch MNIST network (conv 1->32 3x3, ReLU, conv 32->64 3x3, ReLU, max-pool 2,
    Dropout(0.25), flatten, linear 9216->128, ReLU, Dropout(0.5), linear 128->10, cross entropy,
    SGD with momentum): one training step at batch 64 on 28x28 inputs, against PyTorch eager
    (target <= 0.8) and against the same network as one jitted JAX step (target <= 1.0);
  * BatchNorm1d(512) forward + backward at batch 128, training mode, against PyTorch (<= 0.7).

Each round times every side on its own (after a pause of PAUSE_S, so that the previous library's
thread pool, XLA's spins for about a second, has gone idle), and the ratios are taken within the
round; the table shows the median over rounds. The machine may be shared: read the ratios, not the
absolute times. No test asserts on these numbers.

The machines export OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which hold numpy's OpenBLAS to an
older kernel; this script removes both from its own environment and re-executes itself before
numpy loads (the references do not use OpenBLAS for these cases, but the honest setting costs
nothing), and prints the kernel OpenBLAS then uses.
"""
import os
import sys

_OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# before numpy is imported: re-exec without them (only when run, not when imported by a test)
if __name__ == "__main__" and any(v in os.environ for v in _OPENBLAS_VARS):
    env = {k: v for k, v in os.environ.items() if k not in _OPENBLAS_VARS}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import minigrad  # noqa: E402

PAUSE_S = 1.0  # seconds between sides: longer than XLA's and OpenBLAS's spinning pools


def _openblas_kernel():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl absent"
    kinds = [f"{p.get('internal_api')} {p.get('architecture')}" for p in threadpool_info()
             if p.get("internal_api") == "openblas"]
    return ", ".join(kinds) or "no OpenBLAS loaded"


# ------------------------------------------------------------------ the networks
def mnist_net(lib):
    """The classic PyTorch MNIST example's network, for minigrad or torch (same code)."""
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, 1), nn.ReLU(),
        nn.Conv2d(32, 64, 3, 1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 10),
    )


def mnist_step(lib, x, y):
    lib.manual_seed(0)
    model = mnist_net(lib)
    model.train()
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()
    xs, ys = lib.tensor(x), lib.tensor(y)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(xs), ys)
        loss.backward()
        opt.step()
        return loss

    return step


def mnist_step_jax(x, y):
    """The same network and step as one jitted JAX function (NCHW, OIHW, as PyTorch)."""
    import jax
    import jax.numpy as jnp
    from jax import lax

    key = jax.random.PRNGKey(0)
    ks = jax.random.split(key, 5)

    def uniform(k, shape, fan_in):
        b = 1 / np.sqrt(fan_in)
        return jax.random.uniform(k, shape, jnp.float32, -b, b)

    params = dict(
        c1w=uniform(ks[0], (32, 1, 3, 3), 9), c1b=jnp.zeros(32, jnp.float32),
        c2w=uniform(ks[1], (64, 32, 3, 3), 288), c2b=jnp.zeros(64, jnp.float32),
        f1w=uniform(ks[2], (128, 9216), 9216), f1b=jnp.zeros(128, jnp.float32),
        f2w=uniform(ks[3], (10, 128), 128), f2b=jnp.zeros(10, jnp.float32),
    )
    momentum = jax.tree_util.tree_map(jnp.zeros_like, params)
    dn = ("NCHW", "OIHW", "NCHW")

    def forward(p, xb, k):
        h = lax.conv_general_dilated(xb, p["c1w"], (1, 1), "VALID", dimension_numbers=dn)
        h = jax.nn.relu(h + p["c1b"][None, :, None, None])
        h = lax.conv_general_dilated(h, p["c2w"], (1, 1), "VALID", dimension_numbers=dn)
        h = jax.nn.relu(h + p["c2b"][None, :, None, None])
        h = lax.reduce_window(h, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")
        k1, k2 = jax.random.split(k)
        h = jnp.where(jax.random.bernoulli(k1, 0.75, h.shape), h / 0.75, 0)
        h = h.reshape(h.shape[0], -1)
        h = jax.nn.relu(h @ p["f1w"].T + p["f1b"])
        h = jnp.where(jax.random.bernoulli(k2, 0.5, h.shape), h / 0.5, 0)
        return h @ p["f2w"].T + p["f2b"]

    def loss_fn(p, xb, yb, k):
        logits = forward(p, xb, k)
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, yb[:, None], axis=1))

    @jax.jit
    def step(p, m, xb, yb, k):
        loss, g = jax.value_and_grad(loss_fn)(p, xb, yb, k)
        m = jax.tree_util.tree_map(lambda mi, gi: 0.9 * mi + gi, m, g)
        p = jax.tree_util.tree_map(lambda pi, mi: pi - 0.01 * mi, p, m)
        return p, m, loss

    xj, yj = jnp.asarray(x), jnp.asarray(y)
    state = {"p": params, "m": momentum, "k": ks[4]}

    def run():
        k, sub = jax.random.split(state["k"])
        state["p"], state["m"], loss = step(state["p"], state["m"], xj, yj, sub)
        state["k"] = k
        loss.block_until_ready()

    return run


# issue 14's targets: the largest acceptable time_minigrad / time_reference
TARGETS = {"mnist": {"torch": 0.8, "jax": 1.0}, "batchnorm": {"torch": 0.7}}


def mnist_batch(rng, batch=64):
    """A batch of random 28x28 one-channel images and their labels (0-9)."""
    return (rng.standard_normal((batch, 1, 28, 28), dtype=np.float32),
            rng.integers(0, 10, batch))


def batchnorm_batch(rng, batch=128, features=512):
    """An input and an upstream gradient for BatchNorm1d(features)."""
    return (rng.standard_normal((batch, features), dtype=np.float32),
            rng.standard_normal((batch, features), dtype=np.float32))


def bn_step(lib, x, g):
    lib.manual_seed(0)
    bn = lib.nn.BatchNorm1d(x.shape[1])
    bn.train()
    xs = lib.tensor(x, requires_grad=True)
    gs = lib.tensor(g)

    def step():
        bn(xs).backward(gs)

    return step


# ------------------------------------------------------------------ timing
def _time(fn, number):
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def run_case(name, sides, number, rounds, targets, rows):
    """Time each side ``number`` calls per round, ``rounds`` rounds, pausing between sides;
    report the median of the per-round ratios minigrad / reference for each reference."""
    for fn in sides.values():  # warm-up (and JAX compilation)
        fn()
        fn()
    times = {k: [] for k in sides}
    for _ in range(rounds):
        for k, fn in sides.items():
            time.sleep(PAUSE_S)
            times[k].append(_time(fn, number))
    for ref, target in targets.items():
        ratios = [a / b for a, b in zip(times["minigrad"], times[ref])]
        ratio = statistics.median(ratios)
        row = dict(case=name, reference=ref, minigrad_s=statistics.median(times["minigrad"]),
                   reference_s=statistics.median(times[ref]), ratio=ratio,
                   ratio_min=min(ratios), ratio_max=max(ratios), target=target,
                   met=ratio <= target)
        rows.append(row)
        print(f"  {name} vs {ref}: ratio {ratio:.3f} (rounds {min(ratios):.3f}..{max(ratios):.3f})",
              file=sys.stderr, flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    p.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    p.add_argument("--quick", action="store_true", help="2 rounds, few calls: a smoke run")
    p.add_argument("--no-jax", action="store_true", help="skip the JAX reference")
    p.add_argument("--json", metavar="PATH", help="write the results as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.rounds = 2
    import torch

    minigrad.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    rows = []

    x, y = mnist_batch(rng)
    sides = {"minigrad": mnist_step(minigrad, x, y), "torch": mnist_step(torch, x, y)}
    targets = dict(TARGETS["mnist"])
    if not args.no_jax:
        sides["jax"] = mnist_step_jax(x, y)
    else:
        del targets["jax"]
    run_case("MNIST CNN training step, batch 64", sides, 3 if args.quick else 10, args.rounds,
             targets, rows)

    xb, gb = batchnorm_batch(rng)
    run_case("BatchNorm1d(512) fwd+bwd, batch 128",
             {"minigrad": bn_step(minigrad, xb, gb), "torch": bn_step(torch, xb, gb)},
             50 if args.quick else 500, args.rounds, TARGETS["batchnorm"], rows)

    print(f"minigrad {minigrad.__version__} (gemm {minigrad._ops.gemm_variant()}), "
          f"torch {torch.__version__}, {args.threads} thread(s), {platform.machine()}, "
          f"OpenBLAS: {_openblas_kernel()}")
    print(f"{args.rounds} rounds; ratio = median over rounds of time_minigrad / time_reference\n")
    print("| case | reference | minigrad | reference | ratio | rounds | target | met |")
    print("|---|---|--:|--:|--:|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['reference']} | {r['minigrad_s'] * 1e3:.3f} ms | "
              f"{r['reference_s'] * 1e3:.3f} ms | {r['ratio']:.3f} | "
              f"{r['ratio_min']:.2f}..{r['ratio_max']:.2f} | <= {r['target']} | "
              f"{'yes' if r['met'] else 'NO'} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(threads=args.threads, rounds=args.rounds, results=rows), f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
