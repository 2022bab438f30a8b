"""Tests for the matrix-product kernels (csrc/gemm*.h + _ops_gemm.pxi): matmul, bmm, the Linear
kernels and sum_rows.

    pytest tests/test_kernels_gemm.py

Two kinds of checks:
* accuracy, against numpy in float64.  Tolerances are error bounds, not fudge: for a dot
  product of length K computed in precision eps, |err| <= c*K*eps*(|A||B|) elementwise; we
  allow c = 2 against the float64 reference (the actual error is usually 100x smaller), so a
  wrong element, a missing K block or a stale tile fails by orders of magnitude;
* the same bits everywhere: every GEMM variant this CPU runs ('generic', 'avx2_fma', 'avx512')
  and every thread count must give bit-identical results (the rule in csrc/gemm_kernel.h), and
  the rule itself is checked element by element against an exact rational reference.
No timings here (benchmarks/gemm.py measures speed).
"""
import os
import subprocess
import sys
import threading
from fractions import Fraction

import numpy as np
import pytest

from minigrad import _ops as g

SIZES = [0, 1, 7, 17, 63, 65, 255, 257, 1000]
DTYPES = [np.float32, np.float64]
VARIANTS = g.available_gemm_variants()
# The portable variant calls libm's fmaf/fma once per multiply-add (~1 GFLOP/s on x86), so the
# largest products run on the SIMD variants only; the generic one is held to the same bits by
# the cross-variant tests below, on shapes that exercise the same blocking paths.
HEAVY_VARIANTS = [v for v in VARIANTS if v != "generic"] or VARIANTS


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

@pytest.fixture(params=VARIANTS)
def variant(request):
    g.set_gemm_variant(request.param)
    assert g.gemm_variant() == request.param
    yield request.param
    g.set_gemm_variant("auto")


@pytest.fixture(params=HEAVY_VARIANTS)
def heavy_variant(request):
    g.set_gemm_variant(request.param)
    yield request.param
    g.set_gemm_variant("auto")


@pytest.fixture
def restore_variant():
    yield
    g.set_gemm_variant("auto")


@pytest.fixture
def threads():
    """Restore the thread count and parallel threshold after a test."""
    n, thr = g.get_num_threads(), g.get_parallel_threshold()
    yield
    g.set_num_threads(n)
    g.set_parallel_threshold(thr)


def rand(rng, shape, dtype):
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def layout(x, kind):
    """The same logical matrix `x` stored in different ways."""
    if kind == "c":
        return np.ascontiguousarray(x)
    if kind == "f":                     # column-major: x.T of a C array
        return np.asfortranarray(x)
    if kind == "strided":               # every other row and column of a bigger array
        big = np.zeros((2 * x.shape[0] + 1, 3 * x.shape[1] + 1), x.dtype)
        big[1::2, 2::3] = x
        v = big[1::2, 2::3]
        return v
    if kind == "neg":                   # negative strides on both axes
        big = np.ascontiguousarray(x[::-1, ::-1])
        return big[::-1, ::-1]
    if kind == "negT":                  # transposed and reversed
        big = np.ascontiguousarray(x.T[::-1])
        return big[::-1].T
    raise ValueError(kind)


def check_close(got, a, b, bias=None, relu=False, c0=None):
    """Compare with the float64 reference under a K*eps error bound."""
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ref = a64 @ b64
    mag = np.abs(a64) @ np.abs(b64)
    if c0 is not None:
        ref = c0.astype(np.float64) + ref
        mag = mag + np.abs(c0)
    if bias is not None:
        ref = ref + bias.astype(np.float64)
        mag = mag + np.abs(bias)
    if relu:
        ref = np.maximum(ref, 0)
    eps = np.finfo(got.dtype).eps
    K = a.shape[1]
    bound = 2 * (K + 2) * eps * mag + np.finfo(got.dtype).tiny
    err = np.abs(got.astype(np.float64) - ref)
    assert got.shape == ref.shape
    assert got.dtype == a.dtype
    assert np.all(err <= bound), (
        f"max err {err.max()} vs bound {bound.flat[np.argmax(err - bound)]} "
        f"at {np.unravel_index(np.argmax(err - bound), err.shape)}")


def bits(x):
    return x.view(np.uint32 if x.dtype == np.float32 else np.uint64)


# --------------------------------------------------------------------------
# correctness: sizes, layouts, dtypes, epilogues, variants
# --------------------------------------------------------------------------

SMALL = [0, 1, 7, 17, 65]


@pytest.mark.parametrize("dtype", DTYPES)
def test_all_small_sizes(variant, dtype):
    rng = np.random.default_rng(1)
    for M in SMALL:
        for N in SMALL:
            for K in SMALL:
                a, b = rand(rng, (M, K), dtype), rand(rng, (K, N), dtype)
                check_close(g.matmul(a, b), a, b)


LARGE_SHAPES = [
    (255, 257, 63), (257, 255, 65), (63, 65, 257), (1000, 17, 7),   # tall
    (7, 1000, 17), (17, 7, 1000), (1, 1000, 255), (1000, 1, 257),   # wide, long K
    (257, 255, 1), (1000, 1000, 1), (65, 63, 0), (1000, 257, 0),    # K = 1, K = 0
    (255, 1000, 257), (1000, 63, 1000),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", LARGE_SHAPES)
def test_awkward_sizes(variant, dtype, shape):
    M, N, K = shape
    rng = np.random.default_rng(M * 7 + N * 3 + K)
    a, b = rand(rng, (M, K), dtype), rand(rng, (K, N), dtype)
    check_close(g.matmul(a, b), a, b)


def test_1000_cube(heavy_variant):
    rng = np.random.default_rng(5)
    a, b = rand(rng, (1000, 1000), np.float32), rand(rng, (1000, 1000), np.float32)
    check_close(g.matmul(a, b), a, b)


KINDS = ["c", "f", "strided", "neg", "negT"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ka", KINDS)
@pytest.mark.parametrize("kb", KINDS)
def test_layouts(variant, dtype, ka, kb):
    rng = np.random.default_rng(11)
    for M, N, K in [(17, 63, 65), (65, 17, 257), (7, 33, 9), (130, 70, 300)]:
        a0, b0 = rand(rng, (M, K), dtype), rand(rng, (K, N), dtype)
        a, b = layout(a0, ka), layout(b0, kb)
        assert np.array_equal(a, a0) and np.array_equal(b, b0)
        got = g.matmul(a, b)
        assert got.flags.c_contiguous
        check_close(got, a0, b0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_transposed_views_and_zero_strides(variant, dtype):
    rng = np.random.default_rng(12)
    x, W, dy = rand(rng, (65, 257), dtype), rand(rng, (63, 257), dtype), rand(rng, (65, 63), dtype)
    check_close(g.matmul(x, W.T), x, W.T)         # Linear forward
    check_close(g.matmul(dy.T, x), dy.T, x)       # weight gradient
    check_close(g.matmul(dy, W), dy, W)           # input gradient
    row = rand(rng, (1, 40), dtype)
    a = np.broadcast_to(row, (30, 40))            # stride 0 on the row axis
    col = rand(rng, (40, 1), dtype)
    b = np.broadcast_to(col, (40, 20))            # stride 0 on the column axis
    check_close(g.matmul(a, b), np.array(a), np.array(b))
    # reading through a strided view must not touch the gaps
    big = rand(rng, (40, 60), dtype)
    view = big[::3, 1::4]
    check_close(g.matmul(view, view.T), np.array(view), np.array(view.T))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 17, 63), (65, 255, 257), (257, 63, 1000),
                                   (17, 1, 65), (63, 65, 0)])
def test_bias_relu_accumulate(variant, dtype, shape):
    M, N, K = shape
    rng = np.random.default_rng(21)
    a, b = rand(rng, (M, K), dtype), rand(rng, (K, N), dtype)
    bias = rand(rng, (N,), dtype)
    c0 = rand(rng, (M, N), dtype)
    check_close(g.matmul(a, b, bias=bias), a, b, bias=bias)
    got = g.matmul(a, b, relu=True)
    check_close(got, a, b, relu=True)
    assert (got >= 0).all()
    check_close(g.matmul(a, b, bias=bias, relu=True), a, b, bias=bias, relu=True)
    out = c0.copy()
    r = g.matmul(a, b, out=out, accumulate=True)
    assert r is out
    check_close(out, a, b, c0=c0)
    out = c0.copy()
    g.matmul(a, b, out=out, bias=bias, relu=True, accumulate=True)
    check_close(out, a, b, bias=bias, relu=True, c0=c0)
    # non-contiguous bias is accepted
    bias2 = np.repeat(bias, 2)[::2]
    check_close(g.matmul(a, b, bias=bias2), a, b, bias=bias)


@pytest.mark.parametrize("dtype", DTYPES)
def test_k_zero(variant, dtype):
    a, b = np.zeros((5, 0), dtype), np.zeros((0, 3), dtype)
    assert np.array_equal(g.matmul(a, b), np.zeros((5, 3)))
    out = np.full((5, 3), np.nan, dtype)            # garbage must be overwritten
    g.matmul(a, b, out=out)
    assert np.array_equal(out, np.zeros((5, 3)))
    c0 = np.arange(15, dtype=dtype).reshape(5, 3) - 7
    out = c0.copy()
    g.matmul(a, b, out=out, accumulate=True)
    assert np.array_equal(out, c0)
    bias = np.array([1, -2, 3], dtype)
    assert np.array_equal(g.matmul(a, b, bias=bias), np.tile(bias, (5, 1)))
    assert np.array_equal(g.matmul(a, b, bias=bias, relu=True),
                          np.tile([1, 0, 3], (5, 1)).astype(dtype))
    out = c0.copy()
    g.matmul(a, b, out=out, bias=bias, accumulate=True)
    assert np.array_equal(out, c0 + bias)


@pytest.mark.parametrize("dtype", DTYPES)
def test_empty_m_or_n(variant, dtype):
    for M, N, K in [(0, 5, 3), (5, 0, 3), (0, 0, 0), (0, 7, 0)]:
        r = g.matmul(np.ones((M, K), dtype), np.ones((K, N), dtype))
        assert r.shape == (M, N) and r.dtype == dtype
    out = np.empty((0, 4), dtype)
    assert g.matmul(np.ones((0, 3), dtype), np.ones((3, 4), dtype), out=out) is out


def test_out_is_used_and_returned(variant):
    rng = np.random.default_rng(3)
    a, b = rand(rng, (20, 30), np.float32), rand(rng, (30, 40), np.float32)
    out = np.full((20, 40), 7.0, np.float32)
    r = g.matmul(a, b, out=out)
    assert r is out
    check_close(out, a, b)


def test_float64_is_double_precision(variant):
    # 1 + 1e-12 is lost in float32 but kept in float64: checks the float64
    # path really accumulates in double.
    a = np.array([[1.0, 1e-12]], np.float64)
    b = np.array([[1.0], [1.0]], np.float64)
    assert g.matmul(a, b)[0, 0] == 1.0 + 1e-12


# --------------------------------------------------------------------------
# NaN / inf propagation (must match IEEE like numpy: no skipping of zeros)
# --------------------------------------------------------------------------

def ieee_reference(a, b):
    """Naive float64 product (no BLAS shortcuts), for NaN/inf patterns."""
    return np.einsum("ik,kj->ij", a.astype(np.float64), b.astype(np.float64),
                     optimize=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_inf_propagation(variant, dtype, threads):
    rng = np.random.default_rng(7)
    g.set_parallel_threshold(0)
    for M, N, K in [(7, 17, 5), (13, 33, 300), (65, 40, 17)]:
        a = rand(rng, (M, K), dtype)
        b = rand(rng, (K, N), dtype)
        a[M // 2, :] = 0
        a[M // 2, K // 2] = np.nan      # NaN in a row: the whole C row is NaN
        b[:, N - 1] = 0                 # 0 * NaN must still be NaN
        a[M - 1, K - 1] = np.inf        # inf * 0 = NaN, inf * x = +-inf
        b[0, 1] = np.nan                # NaN in B: column 1 is NaN wherever...
        a[:, 0] = 0                     # ...even when multiplied by zero
        for nt in (1, 2):
            g.set_num_threads(nt)
            got = g.matmul(a, b)
            ref = ieee_reference(a, b)
            assert np.isnan(got[M // 2]).all()
            assert np.isnan(got[:, 1]).all()
            assert np.array_equal(np.isnan(got), np.isnan(ref))
            assert np.array_equal(np.isinf(got), np.isinf(ref))
            assert np.array_equal(np.sign(got[np.isinf(got)]), np.sign(ref[np.isinf(ref)]))
            # relu keeps NaN (like np.maximum), bias of NaN poisons its column
            r = g.matmul(a, b, relu=True)
            assert np.array_equal(np.isnan(r), np.isnan(ref))
            bias = np.zeros(N, dtype)
            bias[2 % N] = np.nan
            r = g.matmul(a, b, bias=bias)
            assert np.isnan(r[:, 2 % N]).all()


def test_nan_in_accumulated_out(variant):
    a, b = np.ones((3, 4), np.float32), np.ones((4, 5), np.float32)
    out = np.zeros((3, 5), np.float32)
    out[1, 2] = np.nan
    g.matmul(a, b, out=out, accumulate=True)
    assert np.isnan(out[1, 2]) and np.isnan(out).sum() == 1


# --------------------------------------------------------------------------
# determinism: bit-identical for any thread count, and with threads at once
# --------------------------------------------------------------------------

DET_SHAPES = [(1, 1, 1), (7, 1000, 17), (257, 255, 1000), (1000, 63, 257), (65, 65, 65),
              (6, 16, 300), (300, 4100, 20)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", DET_SHAPES)
def test_bit_identical_across_thread_counts(heavy_variant, threads, dtype, shape):
    M, N, K = shape
    rng = np.random.default_rng(M + N + K)
    a0, b0 = rand(rng, (M, K), dtype), rand(rng, (K, N), dtype)
    bias, c0 = rand(rng, (N,), dtype), rand(rng, (M, N), dtype)
    g.set_parallel_threshold(0)                  # force the parallel path
    results = {}
    for nt in (1, 2, 3, 7):
        g.set_num_threads(nt)
        r = [g.matmul(a0, b0), g.matmul(layout(a0, "f"), layout(b0, "negT"), bias=bias, relu=True)]
        out = c0.copy()
        g.matmul(layout(a0, "strided"), b0, out=out, accumulate=True, bias=bias)
        r.append(out)
        results[nt] = r
    check_close(results[1][0], a0, b0)            # not just equal: also right
    check_close(results[1][2], a0, b0, bias=bias, c0=c0)
    for nt in (2, 3, 7):
        for x, y in zip(results[1], results[nt]):
            assert np.array_equal(bits(x), bits(y)), f"{nt} threads differ from 1"
    # the single-thread fast path for small products is the same arithmetic
    g.set_parallel_threshold(1 << 62)
    g.set_num_threads(2)
    assert np.array_equal(bits(g.matmul(a0, b0)), bits(results[1][0]))


def test_concurrent_python_threads(heavy_variant, threads):
    rng = np.random.default_rng(99)
    g.set_num_threads(2)
    g.set_parallel_threshold(0)
    jobs = []
    for i, (M, N, K) in enumerate([(257, 255, 300), (65, 1000, 17), (300, 300, 300),
                                   (17, 63, 1000), (1000, 65, 65), (128, 512, 784)]):
        dtype = DTYPES[i % 2]
        jobs.append((rand(rng, (M, K), dtype), rand(rng, (K, N), dtype).T.copy().T,
                     rand(rng, (N,), dtype)))
    serial = [g.matmul(a, b, bias=c, relu=True) for a, b, c in jobs]
    results = [[None] * len(jobs) for _ in range(4)]
    errors = []

    def worker(w):
        try:
            for rep in range(3):
                for j in range((w + rep) % len(jobs), len(jobs)):
                    a, b, c = jobs[j]
                    results[w][j] = g.matmul(a, b, bias=c, relu=True)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    ts = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors
    for w in range(4):
        for j, r in enumerate(results[w]):
            if r is not None:
                assert np.array_equal(bits(r), bits(serial[j]))
    for (a, b, c), s in zip(jobs, serial):
        check_close(s, a, b, bias=c, relu=True)


# --------------------------------------------------------------------------
# bmm
# --------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 7, 17, 5), (4, 65, 63, 257), (2, 300, 257, 300),
                                   (5, 1, 1, 1), (0, 3, 4, 5), (3, 0, 4, 5), (3, 4, 5, 0)])
def test_bmm(heavy_variant, threads, dtype, shape):
    nb, M, N, K = shape
    rng = np.random.default_rng(nb + M + N + K)
    a, b = rand(rng, (nb, M, K), dtype), rand(rng, (nb, K, N), dtype)
    want = [g.matmul(a[i], b[i]) for i in range(nb)]
    g.set_parallel_threshold(0)
    results = []
    for nt in (1, 2, 3):
        g.set_num_threads(nt)
        for A, B in [(a, b), (a.transpose(0, 2, 1).copy().transpose(0, 2, 1), b[:, ::-1][:, ::-1]),
                     (np.ascontiguousarray(a[::-1])[::-1], np.asfortranarray(b))]:
            r = g.bmm(A, B)
            assert r.shape == (nb, M, N) and r.flags.c_contiguous
            results.append(r)
    for r in results:
        for i in range(nb):
            # same per-matrix arithmetic whether split over batch or blocks
            assert np.array_equal(bits(r[i]), bits(want[i]))
            check_close(r[i], a[i], b[i])
    out = np.empty((nb, M, N), dtype)
    assert g.bmm(a, b, out=out) is out


def test_bmm_errors():
    a = np.ones((2, 3, 4), np.float32)
    with pytest.raises(RuntimeError, match=r"2x3x4 and 2x5x6"):
        g.bmm(a, np.ones((2, 5, 6), np.float32))
    with pytest.raises(RuntimeError):
        g.bmm(a, np.ones((3, 4, 6), np.float32))
    with pytest.raises(ValueError, match="3-D"):
        g.bmm(a[0], np.ones((4, 6), np.float32))
    with pytest.raises(ValueError, match="shape"):
        g.bmm(a, np.ones((2, 4, 6), np.float32), out=np.empty((2, 3, 5), np.float32))


# --------------------------------------------------------------------------
# argument validation
# --------------------------------------------------------------------------

def test_shape_errors():
    f = np.ones
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        g.matmul(f((2, 3), np.float32), f((4, 5), np.float32))
    with pytest.raises(ValueError, match="2-D"):
        g.matmul(f((2, 3, 4), np.float32), f((4, 5), np.float32))
    with pytest.raises(ValueError, match="2-D"):
        g.matmul(f((3,), np.float32), f((3, 5), np.float32))
    with pytest.raises(TypeError):
        g.matmul([[1.0]], f((1, 1), np.float32))


def test_dtype_errors():
    with pytest.raises(ValueError, match="same dtype"):
        g.matmul(np.ones((2, 3), np.float32), np.ones((3, 2), np.float64))
    with pytest.raises(ValueError, match="float32 and float64"):
        g.matmul(np.ones((2, 3), np.int64), np.ones((3, 2), np.int64))
    with pytest.raises(ValueError, match="float32 and float64"):
        g.matmul(np.ones((2, 3), np.float16), np.ones((3, 2), np.float16))


def test_bias_and_out_errors():
    a, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32)
    with pytest.raises(ValueError, match="bias has shape"):
        g.matmul(a, b, bias=np.ones(3, np.float32))
    with pytest.raises(ValueError, match="bias has shape"):
        g.matmul(a, b, bias=np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match="bias has dtype"):
        g.matmul(a, b, bias=np.ones(4, np.float64))
    with pytest.raises(ValueError, match="out has shape"):
        g.matmul(a, b, out=np.empty((4, 2), np.float32))
    with pytest.raises(ValueError, match="out has dtype"):
        g.matmul(a, b, out=np.empty((2, 4), np.float64))
    with pytest.raises(ValueError, match="C-contiguous"):
        g.matmul(a, b, out=np.empty((4, 2), np.float32).T)
    ro = np.empty((2, 4), np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        g.matmul(a, b, out=ro)
    with pytest.raises(ValueError, match="accumulate"):
        g.matmul(a, b, accumulate=True)
    sq = np.ones((4, 4), np.float32)
    with pytest.raises(ValueError, match="overlap"):
        g.matmul(sq, sq, out=sq)


def test_thread_and_variant_settings(threads):
    with pytest.raises(ValueError):
        g.set_num_threads(0)
    with pytest.raises(ValueError):
        g.set_num_threads(-3)
    with pytest.raises(TypeError):
        g.set_num_threads(1.5)
    g.set_num_threads(3)
    assert g.get_num_threads() == 3
    assert isinstance(g.openmp_enabled(), bool)
    with pytest.raises(ValueError, match="unknown gemm variant"):
        g.set_gemm_variant("avx1024")
    assert "generic" in VARIANTS
    assert set(VARIANTS) <= {"generic", "avx2_fma", "avx512"}
    for v in VARIANTS:
        g.set_gemm_variant(v)
        assert g.gemm_variant() == v
    for v in {"avx2_fma", "avx512"} - set(VARIANTS):   # known, but not on this CPU
        with pytest.raises(RuntimeError, match="not supported by this CPU"):
            g.set_gemm_variant(v)
    g.set_gemm_variant("auto")
    assert g.gemm_variant() == VARIANTS[-1]        # the best one the CPU has


@pytest.mark.parametrize("env,expected", [("3", 3), ("1", 1), ("5,2", 5), ("junk", None), ("0", None)])
def test_default_threads_from_environment(env, expected):
    code = ("import os; from minigrad import _ops as g; "
            "print(g.get_num_threads(), len(os.sched_getaffinity(0)))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": env}, check=True)
    got, cores = map(int, res.stdout.split())
    assert got == (expected if expected is not None else cores)


# --------------------------------------------------------------------------
# run-time dispatch on the machine running the tests
# --------------------------------------------------------------------------

def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def test_dispatch_follows_the_cpu_flags():
    # The AVX-512 kernels run wherever the CPU (and OS) have AVX-512F, AVX2 and FMA, the AVX2+FMA
    # ones where only those two are there, and the portable one elsewhere. A fresh interpreter
    # shows the import-time choice, untouched by the variant overrides of other tests.
    flags = _cpu_flags()
    if flags is None:
        pytest.skip("needs /proc/cpuinfo (Linux) to know the CPU's features")
    x86 = "sse2" in flags
    has_avx2_fma = x86 and {"avx2", "fma"} <= flags
    has_avx512 = has_avx2_fma and "avx512f" in flags
    gemm_want = "avx512" if has_avx512 else "avx2_fma" if has_avx2_fma else "generic"
    # the random/elementwise kernels: AVX-512 (F, BW, DQ, VL) when the CPU has it (csrc/cpu_dispatch.h)
    rng_want = ("generic" if not has_avx2_fma else
                "avx512" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags else "avx2")
    assert ("avx2_fma" in g.available_gemm_variants()) == has_avx2_fma
    assert ("avx512" in g.available_gemm_variants()) == has_avx512
    assert ("avx2" in g.available_rng_variants()) == (rng_want != "generic")
    assert ("avx512" in g.available_rng_variants()) == (rng_want == "avx512")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MINIGRAD_KERNELS")}
    out = subprocess.run([sys.executable, "-m", "minigrad"], capture_output=True, text=True,
                         check=True, env=env).stdout
    assert f"matmul kernel: {gemm_want}\n" in out
    assert f"random/elementwise kernel: {rng_want}" in out


# --------------------------------------------------------------------------
# the same bits in every variant (csrc/gemm_kernel.h: one fma chain per K block, k ascending;
# K blocks from the shape alone; epilogue C_old + acc, + bias, relu)
# --------------------------------------------------------------------------

def rand_mixed(rng, shape, dtype):
    """Uniform values times powers of two from 2^-8 to 2^8: sums of such terms round at every
    step, so any change of order, of fusion or of K blocking changes low bits somewhere."""
    return (rng.uniform(-1, 1, size=shape) * 2.0 ** rng.integers(-8, 9, size=shape)).astype(dtype)


def same_bits(x, y):
    return x.shape == y.shape and x.dtype == y.dtype and np.array_equal(bits(x), bits(y))


# Edge tiles in M (not multiples of 6 or 12) and N (not of 8, 16 or 32); K over several K
# blocks (37 x 1601: 3 blocks of 534 in float32 (M <= 512 allows 800), 7 of 229 in float64;
# 530 x 400: M > 512, 2 blocks of 200); N wider than one N block (4200); 0-sized dimensions.
BIT_SHAPES = [(1, 1, 1), (5, 7, 3), (13, 33, 17), (12, 32, 64), (25, 65, 130), (37, 31, 1601),
              (530, 47, 400), (7, 4200, 20), (7, 9, 0), (0, 5, 3), (4, 0, 3), (0, 0, 0)]

# 2 threads: this machine's count; 3: a grid that splits M in three shares its B block
BIT_THREADS = (1, 2, 3)

# (layout of A, layout of B, keyword arguments) -- every flag and every packing path
BIT_CASES = [("c", "c", {}),
             ("f", "negT", dict(bias=True, relu=True)),
             ("strided", "f", dict(accumulate=True)),
             ("neg", "c", dict(accumulate=True, bias=True, relu=True)),
             ("c", "strided", dict(relu=True)),
             ("negT", "neg", dict(bias=True)),
             ("c", "f", dict(bias=True))]


def run_cases(a0, b0, bias, c0):
    """matmul on every BIT_CASES layout/flag combination; returns the outputs."""
    outs = []
    for ka, kb, kw in BIT_CASES:
        a, b = layout(a0, ka), layout(b0, kb)
        extra = dict(bias=bias if kw.get("bias") else None, relu=kw.get("relu", False))
        if kw.get("accumulate"):
            out = c0.copy()
            g.matmul(a, b, out=out, accumulate=True, **extra)
        else:
            out = g.matmul(a, b, **extra)
        outs.append(out)
    return outs


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", BIT_SHAPES)
def test_every_variant_and_thread_count_gives_the_same_bits(threads, restore_variant, dtype, shape):
    M, N, K = shape
    rng = np.random.default_rng(M * 1000003 + N * 1009 + K)
    a0, b0 = rand_mixed(rng, (M, K), dtype), rand_mixed(rng, (K, N), dtype)
    bias, c0 = rand_mixed(rng, (N,), dtype), rand_mixed(rng, (M, N), dtype)
    g.set_parallel_threshold(0)                   # several threads really split the product
    reference = None
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for nt in BIT_THREADS:
            g.set_num_threads(nt)
            outs = run_cases(a0, b0, bias, c0)
            if reference is None:                 # the first variant: also check the values
                reference = (v, nt, outs)
                for (ka, kb, kw), out in zip(BIT_CASES, outs):
                    check_close(out, a0, b0, bias=bias if kw.get("bias") else None,
                                relu=kw.get("relu", False), c0=c0 if kw.get("accumulate") else None)
                continue
            for (ka, kb, kw), x, y in zip(BIT_CASES, reference[2], outs):
                assert same_bits(x, y), (
                    f"{v} on {nt} threads differs from {reference[0]} on {reference[1]} "
                    f"(A {ka}, B {kb}, {kw}): {np.count_nonzero(bits(x) != bits(y))} elements")


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_strides_and_misaligned_out_give_the_same_bits(threads, restore_variant, dtype):
    rng = np.random.default_rng(5)
    a = np.broadcast_to(rand_mixed(rng, (1, 70), dtype), (30, 70))       # stride 0 on rows
    b = np.broadcast_to(rand_mixed(rng, (70, 1), dtype), (70, 45))       # stride 0 on columns
    raw = np.zeros(30 * 45 * a.itemsize + 1, np.uint8)                   # out at an odd address
    out = raw[1:].view(dtype).reshape(30, 45)
    assert not out.flags.aligned
    ref = None
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for nt in (1, 2):
            g.set_num_threads(nt)
            r = [g.matmul(a, b), g.matmul(a, b, out=out).copy()]
            if ref is None:
                ref = r
                check_close(r[0], np.array(a), np.array(b))
            assert all(same_bits(x, y) for x, y in zip(ref, r)), v


@pytest.mark.parametrize("dtype", DTYPES)
def test_linear_kernels_and_bmm_give_the_same_bits_in_every_variant(threads, restore_variant, dtype):
    # The MLP's shapes, scaled down: forward x @ W^T + b (column-major B), backward dy @ W,
    # dy^T @ x (column-major A) and the column sums; bmm over a batch (both of its paths).
    rng = np.random.default_rng(17)
    x, w = rand_mixed(rng, (67, 150), dtype), rand_mixed(rng, (45, 150), dtype)
    b, dy = rand_mixed(rng, (45,), dtype), rand_mixed(rng, (67, 45), dtype)
    ba, bb = rand_mixed(rng, (4, 13, 40), dtype), rand_mixed(rng, (4, 40, 29), dtype)
    g.set_parallel_threshold(0)
    ref = None
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for nt in (1, 2):
            g.set_num_threads(nt)
            r = [g.linear_forward(x, w, b), *g.linear_backward(dy, x, w), g.bmm(ba, bb)]
            if ref is None:
                ref = r
                check_close(r[0], x, w.T, bias=b)
                check_close(r[1], dy, w)
                check_close(r[2], dy.T, x)
                np.testing.assert_allclose(r[3], dy.astype(np.float64).sum(0), rtol=1e-5, atol=1e-5)
            for name, p, q in zip(["y", "dx", "dW", "db", "bmm"], ref, r):
                assert same_bits(p, q), f"{name}: {v} on {nt} threads differs"


def test_every_variant_fuses_the_multiply_add(variant):
    # acc = -(1 + 2^-11), then acc += (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24.  One rounding (fma) gives
    # exactly 2^-24; rounding the product first loses the 2^-24 and gives 0 -- which the generic
    # variant did before it used fmaf, so its results differed from the AVX ones.
    for dtype, e in ((np.float32, 12), (np.float64, 27)):
        u = 1 + 2.0 ** -e
        a = np.array([[1.0, u]], dtype)
        b = np.array([[-(1 + 2.0 ** (1 - e))], [u]], dtype)
        assert g.matmul(a, b)[0, 0] == 2.0 ** (-2 * e), dtype


# ---- an exact, independent reference of the rule, element by element ----

def _round_to(q, dtype):
    """The dtype value nearest to the rational q, ties to even: one correct rounding."""
    if dtype == np.float64:
        return np.float64(q.numerator / q.denominator)      # CPython's int division rounds correctly
    f = np.float32(q.numerator / q.denominator)              # may be off by one ulp (double rounding)
    cands = [np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))]
    return min(cands, key=lambda c: (abs(Fraction(float(c)) - q), int(c.view(np.uint32)) & 1))


def _fma(a, b, c, dtype):
    """fma(a, b, c) for finite a, b, c: exact a*b + c, rounded once."""
    prod = Fraction(float(a)) * Fraction(float(b))
    exact = prod + Fraction(float(c))
    if exact == 0:     # IEEE: the sum of two zeros keeps their common sign, else +0
        return (dtype(a) * dtype(b)) + dtype(c) if prod == 0 else dtype(0.0)
    return _round_to(exact, dtype)


def rule_reference(a, b, bias=None, relu=False, c0=None):
    """The bit-identity rule of csrc/gemm_kernel.h, literally, in exact arithmetic."""
    dtype = a.dtype.type
    (M, K), N = a.shape, b.shape[1]
    info = g._gemm_plan_info(M, N, K, a.dtype)
    kc, n_kb = info["kc"], info["n_kb"]
    out = np.empty((M, N), dtype)
    for i in range(M):
        for j in range(N):
            x = None if c0 is None else c0[i, j]
            for blk in range(n_kb):
                acc = dtype(0.0)
                for k in range(blk * kc, min(K, (blk + 1) * kc)):
                    acc = _fma(a[i, k], b[k, j], acc, dtype)
                x = acc if x is None else x + acc
            if bias is not None:
                x = x + bias[j]
            if relu and x < 0:
                x = dtype(0.0)
            out[i, j] = x
    return out


def k_blocks(M, K, dtype):
    info = g._gemm_plan_info(M, 5, K, dtype)
    return info["kc"], info["n_kb"]


def test_k_blocks_depend_on_the_shape_only(restore_variant):
    assert k_blocks(37, 1601, np.float32) == (534, 3)      # M <= 512: blocks up to 800
    assert k_blocks(530, 400, np.float32) == (200, 2)      # M > 512: up to 384
    assert k_blocks(37, 1601, np.float64) == (229, 7)      # float64: up to 256
    assert k_blocks(5, 0, np.float32) == (0, 1)            # K = 0: one empty block
    assert k_blocks(5, 800, np.float32) == (800, 1)
    for dt in DTYPES:
        for M, K in [(1, 1), (512, 801), (513, 385), (1000, 1000), (3, 12345)]:
            kc, n = k_blocks(M, K, dt)
            assert kc * n >= K > kc * (n - 1) and kc <= (800 if dt == np.float32 else 384)
            for v in VARIANTS:                             # never the variant's choice
                g.set_gemm_variant(v)
                for nt in (1, 2, 7):
                    info = g._gemm_plan_info(M, 70, K, dt, nt)
                    assert (info["kc"], info["n_kb"]) == (kc, n)


def test_the_bit_tests_cover_every_tile_and_both_ways_of_packing_b(restore_variant):
    """The cross-variant shapes must reach the code paths whose agreement they check: each
    variant's own tile (the AVX-512 variant hands products one AVX2 tile wide to the 6 x 16
    tile), products split over threads, and both a shared B block (3 threads splitting a
    large M) and private B panels."""
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for dt in DTYPES:
            plans = [g._gemm_plan_info(M, N, K, dt, nt) for M, N, K in BIT_SHAPES if M and N
                     for nt in BIT_THREADS]
            assert {p["variant"] for p in plans} == ({"avx512", "avx2_fma"} if v == "avx512" else {v})
            assert {p["private_b"] for p in plans} == {True, False}
            assert {p["threads"] for p in plans} == set(BIT_THREADS)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(2, 3, 1601), (7, 33, 9), (13, 5, 100), (3, 2, 0)])
def test_every_variant_follows_the_rule_exactly(threads, restore_variant, dtype, shape):
    M, N, K = shape
    rng = np.random.default_rng(M + 10 * N + 100 * K)
    a, b = rand_mixed(rng, (M, K), dtype), rand_mixed(rng, (K, N), dtype)
    bias, c0 = rand_mixed(rng, (N,), dtype), rand_mixed(rng, (M, N), dtype)
    # tiny magnitudes: element (0, 0)'s products and sums lie in the subnormal range
    tiny = 2.0 ** (-70 if dtype == np.float32 else -520)
    a[0] *= tiny
    b[:, 0] *= tiny
    c0[0, 0] = -c0[0, 0] * tiny * tiny
    want = [rule_reference(a, b), rule_reference(a, b, bias=bias, relu=True, c0=c0)]
    g.set_parallel_threshold(0)
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for nt in (1, 2):
            g.set_num_threads(nt)
            out = c0.copy()
            g.matmul(layout(a, "f"), layout(b, "negT"), out=out, accumulate=True, bias=bias, relu=True)
            for got, ref in zip([g.matmul(a, b), out], want):
                assert same_bits(got, ref), (
                    f"{v} on {nt} threads: {np.count_nonzero(bits(got) != bits(ref))} elements "
                    "differ from the rule")


@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_and_inf_in_every_variant(threads, restore_variant, dtype):
    """NaN positions and every non-NaN bit agree across variants (which of two NaN payloads an
    instruction passes on is not specified, so NaN bits themselves are not compared)."""
    rng = np.random.default_rng(8)
    a, b = rand_mixed(rng, (29, 300), dtype), rand_mixed(rng, (300, 37), dtype)
    a[3, 7] = np.nan
    a[5, :] = 0
    a[5, 9] = np.inf
    b[11, 4] = -np.inf
    b[:, 30] = 0
    bias = rand_mixed(rng, (37,), dtype)
    bias[2] = np.nan
    ref = None
    for v in VARIANTS:
        g.set_gemm_variant(v)
        for nt in (1, 2):
            g.set_num_threads(nt)
            r = g.matmul(a, b, bias=bias, relu=True)
            nan = np.isnan(r)
            if ref is None:
                ref = (r, nan)
                assert nan[3].all() and nan[:, 2].all() and nan[5, 30]
            assert np.array_equal(nan, ref[1]), v
            assert np.array_equal(bits(r[~nan]), bits(ref[0][~nan])), v


# --------------------------------------------------------------------------
# sum_rows (the bias gradient): one order of additions, whatever the threads
# --------------------------------------------------------------------------

def sum_rows_reference(g2):
    """csrc/reduce.h's order, literally: per column, blocks of 128 rows summed in order in
    double, block sums combined by a binary counter (0+1, 2+3, (0+1)+(2+3) ...), the parked
    partials added smallest first, one rounding to the dtype at the end."""
    out = np.empty(g2.shape[1], g2.dtype)
    for j in range(g2.shape[1]):
        col = g2[:, j].astype(np.float64).tolist()
        levels, nblocks = {}, 0
        for i0 in range(0, len(col), 128):
            s = 0.0
            for v in col[i0:i0 + 128]:
                s += v
            lv, c = 0, nblocks
            while c & 1:
                s = levels[lv] + s
                c >>= 1
                lv += 1
            levels[lv] = s
            nblocks += 1
        total, lv, c = 0.0, 0, nblocks
        while c:
            if c & 1:
                total += levels[lv]
            c >>= 1
            lv += 1
        out[j] = total
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(0, 3), (1, 1), (127, 5), (128, 64), (129, 65), (1000, 130),
                                   (5000, 3)])
def test_sum_rows_is_one_order_of_additions(threads, restore_variant, dtype, shape):
    rng = np.random.default_rng(shape[0] + shape[1])
    x = rand_mixed(rng, shape, dtype)
    want = sum_rows_reference(x)
    g.set_parallel_threshold(0)
    for v in VARIANTS:             # sum_rows has no variant of its own; the GEMM choice must not matter
        g.set_gemm_variant(v)
        for nt in (1, 2, 3):
            g.set_num_threads(nt)
            assert same_bits(g.sum_rows(x), want), (v, nt)
            assert same_bits(g.sum_rows(np.asfortranarray(x)), want), (v, nt)


# --------------------------------------------------------------------------
# benchmarks/gemm.py runs (it measures nothing here: one tiny round)
# --------------------------------------------------------------------------

def test_gemm_benchmark_script_runs_with_the_honest_openblas():
    pytest.importorskip("threadpoolctl")
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "benchmarks", "gemm.py")
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "262144"}
    res = subprocess.run([sys.executable, script, "--sizes", "40", "--threads", "2", "1",
                          "--rounds", "1", "--blocks", "1", "--pause", "0"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: unset" in out      # re-executed without them
    assert "kernel Haswell" not in out
    for dtype in ("float32", "float64"):
        for nt in (2, 1):
            assert f"| {dtype} | 40 | {nt} |" in out
        assert f"| {dtype} | 40 | " in out.split("speed-up")[1]
