"""Tests for the matrix-product kernels (csrc/gemm.h + _ops_gemm.pxi): matmul, bmm.

    pytest tests/test_kernels_gemm.py

Reference: numpy in float64.  Tolerances are error bounds, not fudge: for a
dot product of length K computed in precision eps, |err| <= c*K*eps*(|A||B|)
elementwise; we allow c = 2 against the float64 reference (the actual error
is usually 100x smaller), so a wrong element, a missing K block or a stale
tile fails by orders of magnitude.  No timings here.
"""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from minigrad import _ops as g

SIZES = [0, 1, 7, 17, 63, 65, 255, 257, 1000]
DTYPES = [np.float32, np.float64]
VARIANTS = g.available_gemm_variants()


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

@pytest.fixture(params=VARIANTS)
def variant(request):
    g.set_gemm_variant(request.param)
    assert g.gemm_variant() == request.param
    yield request.param
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


def test_1000_cube(variant):
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
def test_bit_identical_across_thread_counts(variant, threads, dtype, shape):
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


def test_concurrent_python_threads(variant, threads):
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
def test_bmm(variant, threads, dtype, shape):
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
    with pytest.raises(ValueError):
        g.set_gemm_variant("avx512")
    assert "generic" in VARIANTS
    for v in VARIANTS:
        g.set_gemm_variant(v)
        assert g.gemm_variant() == v
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
    # The AVX2+FMA kernels run wherever the CPU has AVX2 and FMA, AVX-512 CPUs included (they have
    # both; there is no AVX-512 kernel), and the portable one elsewhere. A fresh interpreter shows
    # the import-time choice, untouched by the variant overrides of other tests.
    flags = _cpu_flags()
    if flags is None:
        pytest.skip("needs /proc/cpuinfo (Linux) to know the CPU's features")
    x86 = "sse2" in flags
    gemm_want = "avx2_fma" if x86 and {"avx2", "fma"} <= flags else "generic"
    # the random/elementwise kernels: AVX-512 (F, BW, DQ, VL) when the CPU has it (csrc/cpu_dispatch.h)
    rng_want = ("generic" if not (x86 and {"avx2", "fma"} <= flags) else
                "avx512" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags else "avx2")
    assert ("avx2_fma" in g.available_gemm_variants()) == (gemm_want == "avx2_fma")
    assert ("avx2" in g.available_rng_variants()) == (rng_want != "generic")
    assert ("avx512" in g.available_rng_variants()) == (rng_want == "avx512")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-m", "minigrad"], capture_output=True, text=True,
                         check=True, env=env).stdout
    assert f"matmul kernel: {gemm_want}\n" in out
    assert f"random/elementwise kernel: {rng_want}" in out
