"""The compiled kernels at awkward sizes, for the AddressSanitizer / UndefinedBehaviorSanitizer job.

``.ci/sanitize`` builds ``minigrad._ops`` with ``MINIGRAD_SANITIZE=1`` and runs this file; any
out-of-bounds read or write, use after free, misaligned access, signed overflow... is a sanitizer
report and fails the job. The file is also part of the normal suite, where it checks the values
against numpy.

Sizes: 0, 1, 7, 17, 63, 65, 255, 257, 1000 (edges of SIMD widths, block sizes and thread
chunks); operands transposed, strided and non-contiguous; float32 and float64; dropout and the
random kernels at odd lengths, with and without ``out=``; 1 and 2 threads; every kernel variant
the build can run (``available_rng_variants()``, ``available_gemm_variants()``).
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad import _ops

SIZES = [0, 1, 7, 17, 63, 65, 255, 257, 1000]
DTYPES = [np.float32, np.float64]
RNG = np.random.default_rng(2024)


def _rand(shape, dtype):
    return RNG.standard_normal(shape).astype(dtype)


def _tol(dtype, k):
    return dict(rtol=1e-4 if dtype == np.float32 else 1e-11, atol=(1e-4 if dtype == np.float32 else 1e-11) * max(1, k) ** 0.5)


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"], autouse=True)
def threads(request):
    before = minigrad.get_num_threads()
    minigrad.set_num_threads(request.param)
    yield request.param
    minigrad.set_num_threads(before)


def _variants(kind):
    """The kernel variants this build can run (each is separate code: scalar, generic, AVX2...)."""
    names = getattr(_ops, f"available_{kind}_variants", None)
    return list(names()) if names else [None]


def _forced_variant(kind, name):
    """Force variant ``name`` of the ``kind`` kernels for one test, then restore the previous one
    (its name as ``<kind>_variant()`` reports it; see test_kernel_variant_names_round_trip)."""
    if name is None:
        yield None
        return
    get, set_ = getattr(_ops, f"{kind}_variant"), getattr(_ops, f"set_{kind}_variant")
    before = get()
    set_(name)
    assert get() == name or name not in _variants(kind), f"{kind} variant {name!r} not in effect: {get()!r}"
    try:
        yield name
    finally:
        try:
            set_(before)
        except (ValueError, RuntimeError):  # the name mismatch is reported by its own test
            set_(_variants(kind)[-1])


@pytest.fixture(params=_variants("rng"))
def rng_variant(request):
    """Run the element-wise and random kernels under each variant in turn."""
    yield from _forced_variant("rng", request.param)


@pytest.fixture(params=_variants("gemm"))
def gemm_variant(request):
    yield from _forced_variant("gemm", request.param)


@pytest.mark.parametrize("kind", ["rng", "gemm"])
def test_kernel_variant_names_round_trip(kind):
    """``<kind>_variant()`` names one of ``available_<kind>_variants()``, and setting each available
    name makes it the one reported: the names the kernels report and accept are the same."""
    if not hasattr(_ops, f"available_{kind}_variants"):
        pytest.skip(f"no selectable {kind} variants in this build")
    get, set_ = getattr(_ops, f"{kind}_variant"), getattr(_ops, f"set_{kind}_variant")
    before = get()
    names = _variants(kind)
    assert before in names, f"{kind}_variant() = {before!r} is not among available_{kind}_variants() = {names}"
    try:
        for name in names:
            set_(name)
            assert get() == name
    finally:
        set_(before)


def _layouts(a):
    """a itself, a strided view of the same values, and a transposed (Fortran) copy."""
    m, n = a.shape
    big = np.zeros((2 * m + 1, 3 * n + 2), a.dtype)
    view = big[1::2, 2::3]
    view[...] = a
    return {"c": a, "strided": view, "fortran": np.asfortranarray(a)}


# matmul: every size as M, as K and as N, the other two from a short list
_MNK = sorted({(s, k, n) for s in SIZES for (k, n) in [(1, 7), (17, 65), (63, 1), (257, 3)]}
              | {(m, s, n) for s in SIZES for (m, n) in [(7, 17), (65, 1)]}
              | {(m, k, s) for s in SIZES for (m, k) in [(17, 7), (1, 63)]})


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k,n", _MNK)
def test_matmul_sizes(m, k, n, dtype, gemm_variant):
    a, b = _rand((m, k), dtype), _rand((k, n), dtype)
    expected = a.astype(np.float64) @ b.astype(np.float64)
    la, lb = _layouts(a), _layouts(b)
    for (na, x), (nb, y) in [(("c", la["c"]), ("c", lb["c"])), (("strided", la["strided"]), ("fortran", lb["fortran"])),
                             (("fortran", la["fortran"]), ("strided", lb["strided"]))]:
        got = _ops.matmul(x, y)
        assert got.shape == (m, n) and got.dtype == dtype
        np.testing.assert_allclose(got, expected, **_tol(dtype, k), err_msg=f"{na} @ {nb}")
    # transposed operands (views, no copy)
    got = _ops.matmul(np.ascontiguousarray(a.T).T, np.ascontiguousarray(b.T).T)
    np.testing.assert_allclose(got, expected, **_tol(dtype, k))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,k,n", [(0, 3, 5), (7, 17, 65), (65, 1, 63), (257, 7, 1), (1, 255, 17)])
def test_matmul_out_bias_relu_accumulate(m, k, n, dtype, gemm_variant):
    a, b, bias = _rand((m, k), dtype), _rand((k, n), dtype), _rand(n, dtype)
    ref = a.astype(np.float64) @ b + bias
    out = np.full((m, n), np.nan, dtype)
    got = _ops.matmul(a, b, out=out, bias=bias)
    assert got is out or np.shares_memory(got, out)
    np.testing.assert_allclose(out, ref, **_tol(dtype, k))
    np.testing.assert_allclose(_ops.matmul(a, b, bias=bias, relu=True), np.maximum(ref, 0), **_tol(dtype, k))
    acc = _rand((m, n), dtype)
    expected = acc.astype(np.float64) + a.astype(np.float64) @ b
    _ops.matmul(a, b, out=acc, accumulate=True)
    np.testing.assert_allclose(acc, expected, **_tol(dtype, k))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch,m,k,n", [(0, 3, 4, 5), (1, 7, 17, 1), (3, 0, 5, 7), (5, 17, 0, 3), (2, 65, 63, 7), (7, 1, 1, 1)])
def test_bmm_sizes(batch, m, k, n, dtype, gemm_variant):
    a, b = _rand((batch, m, k), dtype), _rand((batch, k, n), dtype)
    expected = np.matmul(a.astype(np.float64), b)
    np.testing.assert_allclose(_ops.bmm(a, b), expected, **_tol(dtype, k))
    # transposed matrices inside the batch
    at = np.ascontiguousarray(a.transpose(0, 2, 1)).transpose(0, 2, 1)
    np.testing.assert_allclose(_ops.bmm(at, b), expected, **_tol(dtype, k))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("fin,fout", [(1, 1), (7, 17), (65, 3)])
def test_linear_forward_backward_sizes(rows, fin, fout, dtype, gemm_variant):
    x, w, bias = _rand((rows, fin), dtype), _rand((fout, fin), dtype), _rand(fout, dtype)
    g = _rand((rows, fout), dtype)
    y = _ops.linear_forward(x, w, bias)
    np.testing.assert_allclose(y, x.astype(np.float64) @ w.T + bias, **_tol(dtype, fin))
    dx, dw, db = _ops.linear_backward(g, x, w)
    np.testing.assert_allclose(dx, g.astype(np.float64) @ w, **_tol(dtype, fout))
    np.testing.assert_allclose(dw, g.T.astype(np.float64) @ x, **_tol(dtype, rows))
    np.testing.assert_allclose(db, g.astype(np.float64).sum(0), **_tol(dtype, rows))
    # only some of the gradients
    dx2, dw2, db2 = _ops.linear_backward(g, x, w, True, False, False)
    assert dw2 is None and db2 is None
    np.testing.assert_array_equal(dx2, dx)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES + [4097])
def test_relu_sizes(n, dtype, rng_variant):
    x = _rand(n, dtype)
    x[:: max(1, n // 5)] = np.nan if n else x[::1]
    y = _ops.relu_forward(x)
    expected = np.where(x > 0, x, 0)
    expected[np.isnan(x)] = np.nan
    np.testing.assert_array_equal(y, expected)
    out = np.empty_like(x)
    _ops.relu_forward(x, out=out)
    np.testing.assert_array_equal(out, expected)
    g = _rand(n, dtype)
    dx = _ops.relu_backward(g, y)
    np.testing.assert_array_equal(dx, np.where(~(y <= 0), g, 0))
    _ops.relu_backward(g, y, out=out)
    np.testing.assert_array_equal(out, dx)
    # 2-D, in place
    if n:
        x2 = _rand((n, 3), dtype)
        ref = np.maximum(x2, 0)
        _ops.relu_forward(x2, out=x2)
        np.testing.assert_array_equal(x2, ref)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES + [8, 9, 4095, 4097])
@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1.0, 1e-3, 0.999])  # the last two: 32-bit path
def test_dropout_sizes(n, p, dtype, rng_variant):
    x = _rand(n, dtype)
    y, mask = _ops.dropout_forward(x, p, 12345, 67)
    assert y.shape == x.shape and mask.dtype == np.uint8 and mask.shape == ((n + 7) // 8,)
    keep = np.unpackbits(mask, count=n, bitorder="little").astype(bool)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    np.testing.assert_allclose(y, np.where(keep, x * dtype(scale), 0), rtol=1e-6)
    if p == 0.0:
        assert keep.all()
    g = _rand(n, dtype)
    dx = _ops.dropout_backward(g, mask, p)
    np.testing.assert_allclose(dx, np.where(keep, g * dtype(scale), 0), rtol=1e-6)
    # out= and in place
    out = np.empty_like(x)
    y2, mask2 = _ops.dropout_forward(x, p, 12345, 67, out=out)
    np.testing.assert_array_equal(out, y)
    np.testing.assert_array_equal(mask2, mask)
    xi = x.copy()
    _ops.dropout_forward(xi, p, 12345, 67, out=xi)
    np.testing.assert_array_equal(xi, y)
    _ops.dropout_backward(g, mask, p, out=out)
    np.testing.assert_array_equal(out, dx)
    # the standalone mask is the same stream
    np.testing.assert_array_equal(_ops.bernoulli_mask(n, p, 12345, 67), mask)


@pytest.mark.parametrize("n", SIZES + [2, 3, 5, 4097])
def test_random_kernels_sizes(n, rng_variant):
    bits = _ops.random_bits(n, 2 ** 64 - 1, 2 ** 63)
    assert bits.shape == (n,) and bits.dtype == np.uint32
    np.testing.assert_array_equal(_ops.random_bits(n + 3, 2 ** 64 - 1, 2 ** 63)[:n], bits)
    for dtype in DTYPES:
        u = _ops.uniform_(np.empty(n, dtype), 1, 2)
        assert ((u >= 0) & (u < 1)).all()
        u2 = _ops.uniform_(np.empty((n, 1), dtype), 1, 2, -3.0, 5.0)
        assert ((u2 >= -3) & (u2 < 5)).all()
        z = _ops.normal_(np.empty(n, dtype), 1, 2)
        assert np.isfinite(z).all()
        z2 = _ops.normal_(np.empty(n + 1, dtype), 1, 2)
        np.testing.assert_array_equal(z2[:n], z)  # odd lengths: a prefix of the longer draw


@pytest.mark.parametrize("n", [0, 1, 7, 17, 63, 65, 257])
def test_public_api_at_odd_sizes(n):
    """The same kernels through the layers, forward and backward, including the paths that pass
    views and ``out=`` arrays to the kernels."""
    minigrad.manual_seed(n)
    model = minigrad.nn.Sequential(minigrad.nn.Linear(17, 65), minigrad.nn.ReLU(), minigrad.nn.Dropout(0.3),
                                   minigrad.nn.Linear(65, 7))
    x = minigrad.randn(n, 17, requires_grad=True)
    out = model(x)
    F.cross_entropy(out, minigrad.randint(0, 7, (n,)), reduction="sum").backward()
    assert x.grad.shape == (n, 17)
    y = minigrad.randn(n, 65)
    F.relu(y, inplace=True)
    F.dropout(y, 0.5, inplace=True)
    t = minigrad.randn(3, n, 5, requires_grad=True)
    (t @ minigrad.randn(5, 7)).sum().backward()
    (t.transpose(1, 2)[:, ::2] @ minigrad.randn(n, 2)).sum().backward()


def _misaligned(a):
    """A copy of `a` one byte past an aligned address (a view into a bytes buffer): reading it as
    float in C is a misaligned access, which UBSan reports; the wrappers must copy it first."""
    buf = np.zeros(a.nbytes + 1, np.uint8)
    m = buf[1:].view(a.dtype).reshape(a.shape)
    m[...] = a
    return m


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_misaligned_arrays(n, dtype, rng_variant):
    x, g = _rand(n, dtype), _rand(n, dtype)
    xm, gm = _misaligned(x), _misaligned(g)
    np.testing.assert_array_equal(_ops.relu_forward(xm), _ops.relu_forward(x))
    out = _misaligned(np.zeros(n, dtype))
    _ops.relu_forward(x, out=out)
    np.testing.assert_array_equal(out, _ops.relu_forward(x))
    np.testing.assert_array_equal(_ops.relu_backward(gm, xm), _ops.relu_backward(g, x))
    for p in (0.5, 1e-3):
        y, mask = _ops.dropout_forward(x, p, 1, 2)
        np.testing.assert_array_equal(_ops.dropout_forward(xm, p, 1, 2, out=out)[0], y)
        np.testing.assert_array_equal(_ops.dropout_backward(gm, mask, p, out=out),
                                      _ops.dropout_backward(g, mask, p))
    np.testing.assert_array_equal(_ops.uniform_(out, 3, 4), _ops.uniform_(np.empty(n, dtype), 3, 4))
    np.testing.assert_array_equal(_ops.normal_(out, 3, 4), _ops.normal_(np.empty(n, dtype), 3, 4))
    a, b = _rand((n, 9), dtype), _rand((9, 5), dtype)
    c = _misaligned(np.zeros((n, 5), dtype))
    _ops.matmul(_misaligned(a), _misaligned(b), out=c)
    np.testing.assert_array_equal(c, _ops.matmul(a, b))
    np.testing.assert_array_equal(_ops.sum_rows(_misaligned(a)), _ops.sum_rows(a))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rows", SIZES + [128, 129, 100_000])
@pytest.mark.parametrize("cols", [1, 63, 64, 65, 130])
def test_sum_rows_sizes(rows, cols, dtype):
    g = _rand((rows, cols), dtype)
    np.testing.assert_allclose(_ops.sum_rows(g), g.astype(np.float64).sum(0), **_tol(dtype, rows))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", SIZES + [4097])
@pytest.mark.parametrize("hardware", [True, False], ids=["fma-instruction", "c99-fma"])
def test_fma_sizes(n, dtype, hardware):
    """Every operand shape, in place and misaligned, on both code paths: the values are checked
    against correct rounding in tests/test_kernels_fma.py; here, that memory is read and written
    only where it should be."""
    before = _ops._fma_uses_hardware()
    if hardware and not before:
        pytest.skip("this CPU has no FMA instruction")
    _ops._fma_set_hardware(hardware)
    try:
        a, b, c = _rand(n, dtype), _rand(n, dtype), _rand(n, dtype)
        ref = _ops.fma(a, b, c)
        np.testing.assert_array_equal(_ops.fma(_misaligned(a), _misaligned(b), _misaligned(c)), ref)
        np.testing.assert_array_equal(_ops.fma(0.5, b, c), _ops.fma(np.full(n, 0.5, dtype), b, c))
        np.testing.assert_array_equal(_ops.fma(a, 0.5, c), _ops.fma(a, np.full(n, 0.5, dtype), c))
        out = _misaligned(np.zeros(n, dtype))
        _ops.fma(a, b, c, out=out)
        np.testing.assert_array_equal(out, ref)
        _ops.fma(a, b, c, out=c)
        np.testing.assert_array_equal(c, ref)
    finally:
        _ops._fma_set_hardware(before)
