"""Threads: models trained in parallel Python threads give, bit for bit, what they give when
trained one after another; and the OpenMP thread count never changes a result.

The rule for users (PyTorch's, too): the kernels release the GIL and share nothing mutable, and
grad mode is per thread, but the *default random generator is global*. Two threads that draw
from it (``randn``, parameter initialisation, ``nn.Dropout`` masks) interleave their draws in an
order that depends on scheduling. So, for reproducible parallel training, give each model its own
randomness:

* build the models (or their initial weights) before starting the threads, or build each from its
  own seeded ``minigrad.Generator`` and copy the weights in;
* give each dropout layer its own generator: ``nn.Dropout(p, generator=g)`` or
  ``F.dropout(x, p, generator=g)`` (a minigrad extension);
* draw data with ``randn(..., generator=g)`` or make it before the threads start.
"""
import json
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


def _make_job(seed, width=96, steps=8, dropout=0.25, batch=64):
    """A model, an optimizer, data and a private generator, all derived from ``seed``."""
    g = minigrad.Generator().manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(32, width), nn.ReLU(), nn.Dropout(dropout, generator=g),
        nn.Linear(width, width), nn.Tanh(), nn.Dropout(dropout, generator=g),
        nn.Linear(width, 10),
    )
    # initial weights from the private generator, copied in (construction used the global one)
    with minigrad.no_grad():
        for p in model.parameters():
            p.copy_(minigrad.randn(*p.shape, generator=g) * 0.1)
    opt = minigrad.optim.Adam(model.parameters(), lr=1e-2)
    x = minigrad.randn(batch, 32, generator=g)
    y = minigrad.randint(0, 10, (batch,), generator=g)
    return {"model": model, "opt": opt, "x": x, "y": y, "steps": steps, "gen": g}


def _train(job, out, key):
    model, opt, x, y = job["model"], job["opt"], job["x"], job["y"]
    losses = []
    for step in range(job["steps"]):
        opt.zero_grad()
        if step % 3 == 2:  # an evaluation pass in no_grad, which must not leak into other threads
            with minigrad.no_grad():
                model.eval()
                model(x)
                model.train()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    out[key] = ([p.detach().numpy().copy() for p in model.parameters()], losses)


def _run(seeds, threaded, **kw):
    jobs = {s: _make_job(s, **kw) for s in seeds}
    out = {}
    if threaded:
        errors = []

        def target(s):
            try:
                _train(jobs[s], out, s)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=target, args=(s,)) for s in seeds]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert not errors, errors
        assert all(not t.is_alive() for t in threads)
    else:
        for s in seeds:
            _train(jobs[s], out, s)
    return out


def _assert_identical(a, b):
    assert a.keys() == b.keys()
    for k in a:
        (wa, la), (wb, lb) = a[k], b[k]
        assert la == lb, f"model {k}: losses differ {la} vs {lb}"
        for i, (x, y) in enumerate(zip(wa, wb)):
            assert x.dtype == y.dtype and np.array_equal(x, y), f"model {k}, parameter {i} differs"


def test_parallel_threads_match_sequential_bit_for_bit():
    seeds = [11, 22, 33]
    sequential = _run(seeds, threaded=False)
    for _ in range(2):  # twice: different interleavings, the same answer
        _assert_identical(sequential, _run(seeds, threaded=True))
    # and the models really differ from each other (the test would be empty otherwise)
    assert not np.array_equal(sequential[11][0][0], sequential[22][0][0])


def test_parallel_threads_with_large_kernels():
    """Matrices large enough that the kernels run long with the GIL released, so threads really
    are inside the kernels at the same time."""
    seeds = [5, 6, 7]
    kw = dict(width=384, steps=3, batch=256)
    _assert_identical(_run(seeds, threaded=False, **kw), _run(seeds, threaded=True, **kw))


def test_private_generator_makes_masks_independent_of_other_threads():
    """The dropout mask from a private generator does not depend on what other threads draw from
    the global generator meanwhile."""
    x = minigrad.ones(1000)
    ref = F.dropout(x, 0.5, generator=minigrad.Generator().manual_seed(3)).numpy()
    stop = threading.Event()

    def noise():
        while not stop.is_set():
            minigrad.randn(100)
            F.dropout(minigrad.ones(100), 0.5)

    t = threading.Thread(target=noise)
    t.start()
    try:
        for _ in range(20):
            got = F.dropout(x, 0.5, generator=minigrad.Generator().manual_seed(3)).numpy()
            assert np.array_equal(got, ref)
    finally:
        stop.set()
        t.join()


def test_grad_mode_is_per_thread():
    """One thread under no_grad does not switch gradients off for another."""
    inside = threading.Event()
    release = threading.Event()

    def holder():
        with minigrad.no_grad():
            inside.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert inside.wait(30)
        w = minigrad.ones(3, requires_grad=True)
        y = (w * 2).sum()
        assert y.requires_grad
        y.backward()
        assert w.grad.tolist() == [2.0, 2.0, 2.0]
    finally:
        release.set()
        t.join()


def test_global_generator_is_thread_safe():
    """Concurrent draws from the global generator never hand two calls the same offset: every
    call gets a distinct stream (the order is unspecified, the set of streams is not)."""
    minigrad.manual_seed(0)
    results, lock = [], threading.Lock()

    def draw():
        for _ in range(200):
            r = minigrad.rand(4).numpy().tobytes()
            with lock:
                results.append(r)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 800
    minigrad.manual_seed(0)
    expected = {minigrad.rand(4).numpy().tobytes() for _ in range(800)}
    assert set(results) == expected


# ============================================================================= OpenMP thread count
def _train_mlp_with_threads(n_threads, dtype=minigrad.float32, steps=4):
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(n_threads)
    try:
        minigrad.manual_seed(1234)
        # wide enough that the kernels split the work between threads
        model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 256), nn.ReLU(),
                              nn.Dropout(0.1), nn.Linear(256, 10)).to(dtype)
        opt = minigrad.optim.AdamW(model.parameters(), lr=1e-2)
        x = minigrad.randn(200, 64, dtype=dtype)
        y = minigrad.randint(0, 10, (200,))
        for _ in range(steps):
            opt.zero_grad()
            F.cross_entropy(model(x), y).backward()
            opt.step()
        return [p.detach().numpy().copy() for p in model.parameters()]
    finally:
        minigrad.set_num_threads(before)


@pytest.mark.parametrize("dtype", [minigrad.float32, minigrad.float64])
def test_one_or_two_openmp_threads_give_identical_weights(dtype):
    w1 = _train_mlp_with_threads(1, dtype)
    w2 = _train_mlp_with_threads(2, dtype)
    w3 = _train_mlp_with_threads(3, dtype)  # more threads than cores
    for a, b, c in zip(w1, w2, w3):
        assert np.array_equal(a, b) and np.array_equal(a, c)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_kernels_identical_across_thread_counts(n):
    """Each kernel alone, at sizes that do not divide evenly between threads."""
    from minigrad import _ops

    rng = np.random.default_rng(0)
    a = rng.standard_normal((257, 129)).astype(np.float32)
    b = rng.standard_normal((129, 65)).astype(np.float32)
    g = rng.standard_normal((257, 65)).astype(np.float32)
    before = minigrad.get_num_threads()
    results = {}
    try:
        for threads in (1, n):
            minigrad.set_num_threads(threads)
            y = _ops.linear_forward(a, np.ascontiguousarray(b.T), rng.standard_normal(65).astype(np.float32) * 0)
            dx, dw, db = _ops.linear_backward(g, a, np.ascontiguousarray(b.T))
            r = _ops.relu_forward(g)
            d, mask = _ops.dropout_forward(g, 0.3, 7, 9)
            u = _ops.uniform_(np.empty(1001, np.float32), 3, 4)
            results[threads] = [_ops.matmul(a, b), _ops.matmul(a[::2], b), y, dx, dw, db, r, d, mask, u,
                                _ops.relu_backward(g, r), _ops.dropout_backward(g, mask, 0.3)]
    finally:
        minigrad.set_num_threads(before)
    for x, y in zip(results[1], results[n]):
        assert np.array_equal(x, y)


def test_deepcopy_model_with_private_generator():
    """A model whose dropout has its own generator can be deep-copied (EMA copies, snapshots), and
    the copy's generator continues the same stream independently."""
    import copy

    g = minigrad.Generator().manual_seed(3)
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5, generator=g))
    model(minigrad.ones(2, 4))
    clone = copy.deepcopy(model)
    assert clone[1].generator is not g
    x = minigrad.ones(8, 4)
    with minigrad.no_grad():
        clone[0].load_state_dict(model[0].state_dict())
        np.testing.assert_array_equal(model(x).numpy(), clone(x).numpy())


# ====================================================== thread counts the machine cannot give
# libgomp exits the process ("Thread creation failed") when it cannot start the threads it is
# asked for. Each case runs in its own process, under an address-space limit set in the child,
# and must end normally, with a warning and a lower count, and correct results.
LIMITED = textwrap.dedent(
    """
    import json, os, resource, sys, warnings
    import numpy as np

    def vm_bytes():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024

    def limit_memory(extra_mb):
        limit = vm_bytes() + extra_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def product_and_serial():
        a = minigrad.randn(512, 384, generator=minigrad.Generator().manual_seed(1))
        b = minigrad.randn(384, 256, generator=minigrad.Generator().manual_seed(2))
        c = (a @ b).numpy()
        n = minigrad.get_num_threads()
        minigrad.set_num_threads(1)
        same = bool(np.array_equal(c, (a @ b).numpy()))
        minigrad.set_num_threads(n)
        return same
    """
)


from test_fork import _env_importing_this_minigrad  # noqa: E402


def _run_limited(body, env=None, timeout=120):
    code = LIMITED + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True,
                          text=True, timeout=timeout,
                          env=dict(_env_importing_this_minigrad(), **(env or {})))
    assert "Thread creation failed" not in proc.stderr
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


needs_openmp = pytest.mark.skipif(not minigrad.parallel.openmp_enabled(),
                                  reason="serial build: no threads are started")
needs_linux_limits = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                        reason="RLIMIT_AS and /proc/self/status")


@needs_openmp
@needs_linux_limits
def test_set_num_threads_under_a_memory_limit_warns_and_lowers_the_count():
    out, _ = _run_limited(
        """
        import minigrad
        limit_memory(256)   # room for about 30 default (8 MiB) thread stacks, not 1023
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            minigrad.set_num_threads(1024)
        print(json.dumps({"n": minigrad.get_num_threads(), "same": product_and_serial(),
                          "warnings": [str(w.message) for w in caught]}))
        """
    )
    assert 1 <= out["n"] < 1024 and out["same"]
    assert len(out["warnings"]) == 1
    assert out["warnings"][0].startswith("set_num_threads: cannot start 1024 threads (only ")
    assert out["warnings"][0].endswith(f"using {out['n']}")


@needs_openmp
@needs_linux_limits
def test_omp_num_threads_beyond_the_limit_is_clamped_with_a_warning():
    out, stderr = _run_limited(
        """
        limit_memory(1024)   # set before the import, which chooses the count
        import minigrad
        print(json.dumps({"n": minigrad.get_num_threads(), "same": product_and_serial()}))
        """,
        env={"OMP_NUM_THREADS": "100000"},
    )
    assert "OMP_NUM_THREADS=100000 is more threads than minigrad uses (at most 1024); using 1024" in stderr
    assert "cannot start 1024 threads" in stderr  # then the probe lowers it under the limit
    assert 1 <= out["n"] < 1024 and out["same"]


@needs_openmp
@needs_linux_limits
def test_the_probe_uses_openmps_stack_size():
    """With OMP_STACKSIZE=64M each OpenMP thread needs 64 MiB of address space: a probe with the
    default 8 MiB stacks would accept 40 threads that libgomp could not create."""
    out, stderr = _run_limited(
        """
        import minigrad
        limit_memory(512)
        minigrad.set_num_threads(40)
        print(json.dumps({"n": minigrad.get_num_threads(), "same": product_and_serial()}))
        """,
        env={"OMP_STACKSIZE": "64M"},
    )
    assert out["n"] <= 4 and out["same"]
    assert "cannot start 40 threads" in stderr


@needs_openmp
def test_counts_the_machine_can_give_are_kept_without_warning():
    out, stderr = _run_limited(
        """
        import minigrad
        minigrad.set_num_threads(16)
        print(json.dumps({"n": minigrad.get_num_threads(), "same": product_and_serial()}))
        """,
        env={"OMP_NUM_THREADS": "3"},
    )
    assert out == {"n": 16, "same": True} and "RuntimeWarning" not in stderr


@pytest.mark.parametrize("value, expected", [
    ("", 0), ("64M", 64 << 20), ("64m", 64 << 20), ("512", 512 << 10), ("1 G", 1 << 30),
    ("100B", 100), ("  8k ", 8 << 10), ("lots", 0),
])
def test_omp_stacksize_is_read_as_libgomp_reads_it(monkeypatch, value, expected):
    from minigrad import _ops

    monkeypatch.delenv("GOMP_STACKSIZE", raising=False)
    monkeypatch.setenv("OMP_STACKSIZE", value)
    assert _ops._omp_stack_bytes() == expected


def test_more_than_1024_threads_is_an_error_and_changes_nothing():
    before = minigrad.get_num_threads()
    with pytest.raises(RuntimeError, match="set_num_threads supports at most 1024 threads, but got 1025"):
        minigrad.set_num_threads(1025)
    assert minigrad.get_num_threads() == before
