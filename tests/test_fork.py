"""Processes forked after parallel kernels ran: they run, and give the parent's results.

OpenMP's worker threads (libgomp's pool) do not survive ``fork``; before the fix, a child's first
parallel kernel waited for them forever (so does PyTorch's). Each scenario runs in its own Python
process with a timeout, and the pool's results are collected with a timeout too, so a regression
fails the test instead of hanging CI.
"""
import json
import subprocess
import sys
import textwrap

import pytest

import minigrad

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")

# The work that parent and children both do: every kind of parallel kernel (matmul and batched
# matmul, linear, ReLU forward/backward, dropout, random fills), big enough to be split between
# threads, each from a fixed seed. Its digest is compared, so results must be bit-identical.
WORK = textwrap.dedent(
    """
    import hashlib, json, os, threading
    import multiprocessing as mp
    import numpy as np
    import minigrad
    import minigrad.nn.functional as F

    def work(_=None):
        h = hashlib.sha256()
        minigrad.manual_seed(7)
        a = minigrad.randn(300, 200, requires_grad=True)   # random fill
        b = minigrad.rand(200, 150)
        y = F.dropout(F.relu(a @ b), 0.3)                   # matmul, ReLU, dropout
        y.sum().backward()                                  # their backwards
        z = minigrad.bmm(minigrad.randn(4, 64, 96), minigrad.randn(4, 96, 80))
        lin = F.linear(minigrad.randn(256, 128), minigrad.randn(64, 128), minigrad.randn(64))
        u = minigrad.empty(100_000).uniform_(-1, 1)
        for t in (y, a.grad, z, lin, u):
            h.update(t.detach().numpy().tobytes())
        return h.hexdigest()

    def in_pool(n=3):
        with mp.get_context("fork").Pool(2) as pool:
            return pool.map_async(work, range(n)).get(timeout=60)

    minigrad.set_num_threads(2)   # parallel even on a one-core machine
    """
)


def _env_importing_this_minigrad():
    """The environment for a child Python that imports the minigrad these tests import (an
    installed one, or a build in place such as .ci/sanitize's)."""
    import os

    root = os.path.dirname(os.path.dirname(minigrad.__file__))
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))


def _run(body, timeout=180):
    """Run WORK + body in a fresh Python; return what it prints as JSON on its last line."""
    code = WORK + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout, env=_env_importing_this_minigrad())
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not minigrad.parallel.openmp_enabled(), reason="serial build: nothing to fork")
def test_pool_forked_after_parallel_kernels_gives_the_parents_results():
    out = _run(
        """
        parent = work()
        children = in_pool()
        print(json.dumps({"parent": parent, "children": children}))
        """
    )
    assert out["children"] == [out["parent"]] * 3


def test_child_main_thread_runs_serially_and_new_threads_in_parallel():
    out = _run(
        """
        import warnings
        parent = work()

        def child(_):
            seen = {"threads_here": minigrad.get_num_threads(), "here": work()}
            got = {}
            def other():
                got["threads"] = minigrad.get_num_threads()
                got["digest"] = work()
            t = threading.Thread(target=other)
            t.start()
            t.join(60)
            seen["threads_in_new_thread"] = got.get("threads")
            seen["new_thread"] = got.get("digest")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                minigrad.set_num_threads(2)
            seen["warning"] = [str(w.message) for w in caught]
            seen["threads_after_set"] = minigrad.get_num_threads()
            seen["again"] = work()
            return seen

        with mp.get_context("fork").Pool(1) as pool:
            seen = pool.map_async(child, [0]).get(timeout=60)[0]
        seen["parent"] = parent
        print(json.dumps(seen))
        """
    )
    assert out["here"] == out["new_thread"] == out["again"] == out["parent"]
    if minigrad.parallel.openmp_enabled():
        assert out["threads_here"] == 1 and out["threads_after_set"] == 1
        assert out["threads_in_new_thread"] == 2
        assert len(out["warning"]) == 1 and "keep running on one thread" in out["warning"][0]
    else:
        assert out["threads_here"] == 2 and out["warning"] == []


def test_fork_before_any_kernel_keeps_the_full_count():
    """Only a thread that has run kernels with several threads owns a pool to lose."""
    out = _run(
        """
        def count(_):
            return minigrad.get_num_threads(), work()
        with mp.get_context("fork").Pool(1) as pool:
            (n, digest), = pool.map_async(count, [0]).get(timeout=60)
        print(json.dumps({"n": n, "digest": digest, "parent": work()}))
        """
    )
    assert out["n"] == 2 and out["digest"] == out["parent"]


@pytest.mark.skipif(not minigrad.parallel.openmp_enabled(), reason="serial build: nothing to fork")
def test_os_fork_and_a_grandchild():
    out = _run(
        """
        parent = work()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            digests = [work()]
            pid2 = os.fork()
            if pid2 == 0:
                os.write(w, (work() + "\\n").encode())
                os._exit(0)
            os.waitpid(pid2, 0)
            os.write(w, (digests[0] + "\\n").encode())
            os._exit(0)
        os.close(w)
        os.waitpid(pid, 0)
        with os.fdopen(r) as f:
            lines = f.read().split()
        print(json.dumps({"parent": parent, "lines": lines}))
        """
    )
    assert out["lines"] == [out["parent"]] * 2
