"""benchmarks/conv.py: the networks it compares are the same network in every library, and each
side's step runs (a smoke test: no timing is asserted)."""
import importlib.util
import os

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks",
                      "conv.py")


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmark_conv", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # importing does not re-exec the process (only running does)
    return module


def test_the_mnist_network_is_pytorchs_example(bench):
    ours, theirs = bench.mnist_net(minigrad), bench.mnist_net(torch)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert sum(p.numel() for p in ours.parameters()) == 1199882  # the example's count


def test_every_side_takes_a_training_step(bench):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, 4)
    for lib in (minigrad, torch):
        step = bench.mnist_step(lib, x, y)
        first = float(step().detach())
        for _ in range(3):
            last = float(step().detach())
        assert np.isfinite(first) and last < first  # the same batch: the loss goes down
    xb = rng.standard_normal((8, 512), dtype=np.float32)
    for lib in (minigrad, torch):
        bench.bn_step(lib, xb, xb)()


def test_the_jax_step_runs(bench):
    pytest.importorskip("jax")  # a benchmark reference only: not installed by CI
    rng = np.random.default_rng(0)
    bench.mnist_step_jax(rng.standard_normal((2, 1, 28, 28), dtype=np.float32),
                         rng.integers(0, 10, 2))()
