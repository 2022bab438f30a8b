"""Column sums (csrc/reduce.h, _ops.sum_rows): the Linear bias gradient, and Tensor.sum/mean over
dim 0 in float32. Accuracy against float64 / exactly rounded references, and the same bits for
any thread count.

Run:  pytest tests/test_kernels_reduce.py
"""
import math

import numpy as np
import pytest

import minigrad
from minigrad import _ops as K

ROWS = 1_000_000


@pytest.fixture(autouse=True)
def _restore_threads():
    n, thr = K.get_num_threads(), K.get_parallel_threshold()
    yield
    K.set_num_threads(n)
    K.set_parallel_threshold(thr)


def _columns(dtype, rows=ROWS, cols=3, seed=0):
    # positive values near 1 (the plain row-by-row float32 sum is off by ~1.6e-5 relative) and
    # a column of mixed signs (cancellation).
    rng = np.random.default_rng(seed)
    g = rng.uniform(0.5, 1.5, (rows, cols))
    g[:, -1] = rng.standard_normal(rows) + 0.1
    return g.astype(dtype)


def _exact_sums(g):
    """Column sums with one rounding at the end (math.fsum is exact)."""
    return np.array([math.fsum(g[:, j].astype(np.float64).tolist()) for j in range(g.shape[1])])


def test_sum_rows_float32_accuracy_over_a_million_rows():
    g = _columns(np.float32)
    exact = _exact_sums(g)
    got = K.sum_rows(g)
    assert got.dtype == np.float32
    rel = np.abs(got.astype(np.float64) - exact) / np.abs(exact)
    assert np.all(rel <= 1e-6), rel
    # in fact the float64 block sums make it the float32 rounding of the exact sum, to 1 ulp
    assert np.all(np.abs(got - exact.astype(np.float32)) <= np.spacing(np.abs(exact).astype(np.float32)))


def test_sum_rows_float64_accuracy():
    g = _columns(np.float64, rows=200_003)
    exact = _exact_sums(g)
    np.testing.assert_allclose(K.sum_rows(g), exact, rtol=1e-15)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1), (127, 5), (128, 64), (129, 65), (1000, 200), (70001, 130)])
def test_sum_rows_same_bits_for_any_thread_count(dt, shape):
    g = np.random.default_rng(shape[0]).standard_normal(shape).astype(dt)
    K.set_parallel_threshold(0)       # thread even small sums
    K.set_num_threads(1)
    ref = K.sum_rows(g)
    for n in (2, 3, 7):
        K.set_num_threads(n)
        assert K.sum_rows(g).tobytes() == ref.tobytes()
    # error bound relative to sum |g| (the columns cancel: sum g itself can be near 0)
    eps = 1e-7 if dt == np.float32 else 1e-15
    scale = np.abs(g.astype(np.float64)).sum(0)
    assert np.all(np.abs(ref - _exact_sums(g)) <= eps * scale + np.spacing(np.abs(ref)))


def test_linear_bias_gradient_is_accurate():
    # db = grad_out summed over the rows, through autograd
    rows = ROWS
    x = minigrad.from_numpy(np.ones((rows, 2), np.float32))
    w = minigrad.zeros(3, 2, requires_grad=True)
    b = minigrad.zeros(3, requires_grad=True)
    y = minigrad.nn.functional.linear(x, w, b)
    g = _columns(np.float32, rows=rows, cols=3, seed=4)
    y.backward(minigrad.from_numpy(g))
    exact = _exact_sums(g)
    rel = np.abs(b.grad.numpy().astype(np.float64) - exact) / np.abs(exact)
    assert np.all(rel <= 1e-6), rel


def test_tensor_sum_and_mean_over_dim0_float32():
    torch = pytest.importorskip("torch")
    g = _columns(np.float32)
    exact = _exact_sums(g)
    t = minigrad.from_numpy(g)
    for got, want in ((t.sum(0), exact), (t.sum(dim=(0,)), exact), (t.mean(0), exact / ROWS),
                      (t.T.sum(1), exact), (t.sum(0, keepdim=True)[0], exact)):
        assert got.dtype == minigrad.float32
        rel = np.abs(got.numpy().astype(np.float64) - want) / np.abs(want)
        assert np.all(rel <= 1e-6), rel
    # at least as close as PyTorch's own float32 sum
    theirs = torch.from_numpy(g).sum(0).numpy().astype(np.float64)
    ours = t.sum(0).numpy().astype(np.float64)
    assert np.all(np.abs(ours - exact) <= np.abs(theirs - exact) + np.spacing(np.float32(exact)))
    # 3-D: dims (0, 1) of a (rows, 2, 2) tensor
    g3 = g[:, :2].reshape(ROWS // 2, 2, 2)
    want3 = np.array([[math.fsum(g3[:, :, j].ravel().astype(np.float64).tolist()) for j in range(2)]])[0]
    got3 = minigrad.from_numpy(g3).sum(dim=(0, 1)).numpy().astype(np.float64)
    assert np.all(np.abs(got3 - want3) / np.abs(want3) <= 1e-6)
