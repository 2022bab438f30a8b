"""Property tests (hypothesis): random shapes, strides and values.

* the kernels (``minigrad._ops``): matmul with random sizes, strides, transposes and offsets
  against numpy; ReLU forward/backward; dropout's keep rate and the agreement of its forward,
  backward and standalone mask; Linear forward/backward;
* the broadcasting arithmetic (+ - * /) with random broadcastable shapes against numpy, and the
  gradients reduced to each input's shape against a numpy reference.

``deadline=None`` (the machine is shared and noisy) and modest ``max_examples`` keep this fast.
"""
import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import minigrad  # noqa: E402
from minigrad import _ops  # noqa: E402

# database=None: no .hypothesis/ directory written into the checkout
SETTINGS = settings(deadline=None, max_examples=60, database=None, suppress_health_check=[HealthCheck.too_slow])
DTYPES = st.sampled_from([np.float32, np.float64])


def _tol(dtype, k):
    eps = 1e-5 if dtype == np.float32 else 1e-12
    return dict(rtol=eps * 10, atol=eps * 10 * max(1, k))


@st.composite
def matrices(draw, rows, cols, dtype):
    """A (rows, cols) matrix of dtype in a random layout: C or Fortran order, a strided window of
    a larger array, negative strides, a transposed view; values in [-2, 2]."""
    layout = draw(st.sampled_from(["c", "f", "strided", "negative", "transposed", "column-view"]))
    seed = draw(st.integers(0, 2 ** 32 - 1))
    rng = np.random.default_rng(seed)
    values = rng.uniform(-2, 2, (rows, cols)).astype(dtype)
    if layout == "c":
        return values
    if layout == "f":
        return np.asfortranarray(values)
    if layout == "strided":
        sr, sc = draw(st.integers(1, 3)), draw(st.integers(1, 3))
        big = np.zeros((rows * sr + 1, cols * sc + 2), dtype)
        view = big[1::sr, 2::sc][:rows, :cols]
        view[...] = values
        return view
    if layout == "negative":
        big = np.zeros((rows, cols), dtype)
        view = big[::-1, ::-1]
        view[...] = values
        return view
    if layout == "transposed":
        return np.ascontiguousarray(values.T).T
    big = np.zeros((rows, cols + 3), dtype)  # rows of a wider array
    view = big[:, 1:cols + 1]
    view[...] = values
    return view


@st.composite
def matmul_operands(draw):
    dtype = draw(DTYPES)
    m, k, n = (draw(st.integers(0, 70)) for _ in range(3))
    return draw(matrices(m, k, dtype)), draw(matrices(k, n, dtype)), dtype


@SETTINGS
@given(matmul_operands())
def test_matmul_kernel_any_layout(ops):
    a, b, dtype = ops
    a0, b0 = a.copy(), b.copy()
    expected = a.astype(np.float64) @ b.astype(np.float64)
    got = _ops.matmul(a, b)
    assert got.shape == expected.shape and got.dtype == dtype
    np.testing.assert_allclose(got, expected, **_tol(dtype, a.shape[1]))
    np.testing.assert_array_equal(a, a0)  # the inputs are not modified
    np.testing.assert_array_equal(b, b0)


@SETTINGS
@given(matmul_operands(), st.booleans(), st.booleans())
def test_matmul_kernel_epilogues(ops, use_bias, relu):
    a, b, dtype = ops
    n = b.shape[1]
    bias = np.linspace(-1, 1, n).astype(dtype) if use_bias else None
    expected = a.astype(np.float64) @ b.astype(np.float64)
    if use_bias:
        expected = expected + bias
    if relu:
        expected = np.maximum(expected, 0)
    np.testing.assert_allclose(_ops.matmul(a, b, bias=bias, relu=relu), expected, **_tol(dtype, a.shape[1]))


@SETTINGS
@given(matmul_operands())
def test_public_matmul_and_gradients_any_layout(ops):
    a, b, dtype = ops
    x = minigrad.from_numpy(a).requires_grad_(True) if a.flags.writeable else minigrad.tensor(a, requires_grad=True)
    y = minigrad.tensor(b, requires_grad=True)
    out = x @ y
    g = np.random.default_rng(0).uniform(-1, 1, out.shape).astype(dtype)
    out.backward(minigrad.tensor(g))
    k = a.shape[1]
    np.testing.assert_allclose(out.detach().numpy(), a.astype(np.float64) @ b, **_tol(dtype, k))
    np.testing.assert_allclose(x.grad.numpy(), g.astype(np.float64) @ b.T.astype(np.float64), **_tol(dtype, b.shape[1]))
    np.testing.assert_allclose(y.grad.numpy(), a.T.astype(np.float64) @ g, **_tol(dtype, a.shape[0]))


@SETTINGS
@given(hnp.arrays(DTYPES, hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=40),
                  elements=st.floats(allow_nan=True, allow_infinity=True, width=32)))
def test_relu_kernel(x):
    y = _ops.relu_forward(x)
    expected = np.where(x > 0, x, np.zeros_like(x))
    expected[np.isnan(x)] = np.nan
    np.testing.assert_array_equal(y, expected)
    g = np.arange(x.size, dtype=x.dtype).reshape(x.shape) - 3
    np.testing.assert_array_equal(_ops.relu_backward(g, y), np.where(~(y <= 0), g, 0))


@SETTINGS
@given(n=st.integers(0, 5000), p=st.floats(0.0, 1.0), seed=st.integers(0, 2 ** 64 - 1),
       offset=st.integers(0, 2 ** 64 - 1), dtype=DTYPES)
def test_dropout_kernel_consistency(n, p, seed, offset, dtype):
    x = np.linspace(-3, 3, n).astype(dtype)
    y, mask = _ops.dropout_forward(x, p, seed, offset)
    keep = np.unpackbits(mask, count=n, bitorder="little").astype(bool)
    scale = dtype(0.0 if p == 1.0 else 1.0 / (1.0 - p))
    np.testing.assert_allclose(y, np.where(keep, x * scale, 0), rtol=1e-6)
    # the mask is a pure function of (n, p, seed, offset): the standalone mask agrees
    np.testing.assert_array_equal(_ops.bernoulli_mask(n, p, seed, offset), mask)
    # backward applies the same mask and scale
    g = np.cos(np.arange(n)).astype(dtype)
    np.testing.assert_allclose(_ops.dropout_backward(g, mask, p), np.where(keep, g * scale, 0), rtol=1e-6)
    if p == 0.0:
        assert keep.all()
    if p == 1.0:
        assert not keep.any()


@settings(deadline=None, max_examples=25, database=None)
@given(p=st.floats(0.02, 0.98), seed=st.integers(0, 2 ** 64 - 1), offset=st.integers(0, 2 ** 32))
def test_dropout_keep_rate(p, seed, offset):
    """The fraction kept is 1 - p within 5 standard deviations (plus the 2^-16 quantisation)."""
    n = 20000
    keep = np.unpackbits(_ops.bernoulli_mask(n, p, seed, offset), count=n, bitorder="little")
    sd = np.sqrt(p * (1 - p) / n)
    assert abs(keep.mean() - (1 - p)) < 5 * sd + 2 ** -16


@st.composite
def linear_operands(draw):
    dtype = draw(DTYPES)
    rows, fin, fout = draw(st.integers(0, 50)), draw(st.integers(1, 50)), draw(st.integers(1, 50))
    x = draw(matrices(rows, fin, dtype))
    w = np.ascontiguousarray(draw(matrices(fout, fin, dtype)))
    bias = draw(st.one_of(st.none(), st.just(np.linspace(-1, 1, fout).astype(dtype))))
    return x, w, bias, dtype


@SETTINGS
@given(linear_operands())
def test_linear_kernels(ops):
    x, w, bias, dtype = ops
    x = np.ascontiguousarray(x)
    rows, fin = x.shape
    ref = x.astype(np.float64) @ w.T.astype(np.float64) + (0 if bias is None else bias)
    np.testing.assert_allclose(_ops.linear_forward(x, w, bias), ref, **_tol(dtype, fin))
    g = np.random.default_rng(rows).uniform(-1, 1, (rows, w.shape[0])).astype(dtype)
    dx, dw, db = _ops.linear_backward(g, x, w)
    np.testing.assert_allclose(dx, g.astype(np.float64) @ w, **_tol(dtype, w.shape[0]))
    np.testing.assert_allclose(dw, g.T.astype(np.float64) @ x, **_tol(dtype, rows))
    np.testing.assert_allclose(db, g.astype(np.float64).sum(0), **_tol(dtype, rows))


@SETTINGS
@given(linear_operands())
def test_public_linear_matches_numpy(ops):
    x, w, bias, dtype = ops
    xt = minigrad.tensor(x, requires_grad=True)
    wt = minigrad.tensor(w, requires_grad=True)
    bt = None if bias is None else minigrad.tensor(bias, requires_grad=True)
    out = minigrad.nn.functional.linear(xt, wt, bt)
    out.sum().backward()
    ref = x.astype(np.float64) @ w.T + (0 if bias is None else bias)
    np.testing.assert_allclose(out.detach().numpy(), ref, **_tol(dtype, x.shape[1]))
    ones = np.ones(out.shape)
    np.testing.assert_allclose(xt.grad.numpy(), ones @ w, **_tol(dtype, w.shape[0]))
    np.testing.assert_allclose(wt.grad.numpy(), ones.T @ x, **_tol(dtype, x.shape[0]))
    if bias is not None:
        np.testing.assert_allclose(bt.grad.numpy(), ones.sum(0), **_tol(dtype, x.shape[0]))


# ============================================================================= broadcasting ops
def _sum_to(g, shape):
    """Reference reduction of a broadcast gradient back to ``shape``."""
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g


_OPS = {
    "+": (lambda a, b: a + b, lambda a, b, g: (g, g)),
    "-": (lambda a, b: a - b, lambda a, b, g: (g, -g)),
    "*": (lambda a, b: a * b, lambda a, b, g: (g * b, g * a)),
    "/": (lambda a, b: a / b, lambda a, b, g: (g / b, -g * a / (b * b))),
}


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=0, max_side=5),
       op=st.sampled_from(list(_OPS)), seed=st.integers(0, 2 ** 32 - 1),
       dtype=DTYPES, swap_scalar=st.sampled_from([None, "left", "right"]))
def test_broadcasting_arithmetic_and_gradients(shapes, op, seed, dtype, swap_scalar):
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, sa).astype(dtype)
    b = (rng.uniform(0.5, 2, sb) * rng.choice([-1, 1], sb)).astype(dtype)  # away from 0 for "/"
    fwd, bwd = _OPS[op]
    ta, tb = minigrad.tensor(a, requires_grad=True), minigrad.tensor(b, requires_grad=True)
    out = fwd(ta, tb)
    expected = fwd(a.astype(np.float64), b.astype(np.float64))
    assert tuple(out.shape) == tuple(out_shape) == expected.shape
    assert out.dtype == ta.dtype
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(out.detach().numpy(), expected, **tol)
    g = rng.uniform(-1, 1, out_shape).astype(dtype)
    out.backward(minigrad.tensor(g))
    ga, gb = bwd(np.broadcast_to(a, out_shape).astype(np.float64), np.broadcast_to(b, out_shape).astype(np.float64),
                 g.astype(np.float64))
    assert ta.grad.shape == a.shape and tb.grad.shape == b.shape
    np.testing.assert_allclose(ta.grad.numpy(), _sum_to(ga, sa), **tol)
    np.testing.assert_allclose(tb.grad.numpy(), _sum_to(gb, sb), **tol)
    # with a Python scalar on one side
    if swap_scalar == "left":
        np.testing.assert_allclose(fwd(1.5, tb).detach().numpy(), fwd(1.5, b.astype(np.float64)), **tol)
    elif swap_scalar == "right":
        np.testing.assert_allclose(fwd(ta, -0.75).detach().numpy(), fwd(a.astype(np.float64), -0.75), **tol)


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, min_side=1, max_side=4),
       op=st.sampled_from(["add_", "sub_", "mul_", "div_"]), seed=st.integers(0, 2 ** 32 - 1))
def test_inplace_broadcasting_only_into_the_result_shape(shapes, op, seed):
    """In-place ops broadcast the other operand into self, and refuse to grow self (PyTorch)."""
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, sa)
    b = rng.uniform(0.5, 2, sb)
    t = minigrad.tensor(a)
    ref = {"add_": a + b, "sub_": a - b, "mul_": a * b, "div_": a / b}[op]
    if tuple(out_shape) == tuple(sa):
        getattr(t, op)(minigrad.tensor(b))
        np.testing.assert_allclose(t.numpy(), ref, rtol=1e-12)
    else:
        with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
            getattr(t, op)(minigrad.tensor(b))
        np.testing.assert_array_equal(t.numpy(), a)  # unchanged
