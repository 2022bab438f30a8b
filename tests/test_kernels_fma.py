"""minigrad._ops.fma: a * b + c rounded once (csrc/fma.h), the optimizers' float updates.

Checked against exact rational arithmetic, in every variant this CPU runs (C99's fma(), and the
FMA instruction in AVX2 and AVX-512 loops), for every operand shape, at sizes that divide no
chunk, on 1, 2 and 3 threads; and its argument checks. (tests/test_kernel_variants.py checks the
variants against each other at awkward sizes and offsets.)"""
from fractions import Fraction

import numpy as np
import pytest

import minigrad
from minigrad import _ops

SIZES = [0, 1, 7, 17, 255, 1000, 70001]
VARIANTS = _ops.available_fma_variants()


def _exact(a, b, c):
    a, b = np.broadcast_to(a, c.shape).ravel(), np.broadcast_to(b, c.shape).ravel()
    return np.array([float(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
                     for x, y, z in zip(a, b, c.ravel())]).reshape(c.shape)


def _operands(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = (rng.standard_normal(n) * 2.0 ** rng.integers(-20, 20, n)).astype(dtype)
    b = (rng.standard_normal(n) * 2.0 ** rng.integers(-20, 20, n)).astype(dtype)
    c = (-(a.astype(np.float64) * b)).astype(dtype)  # a*b + c is then the product's rounding error
    c[n // 2:] = (rng.standard_normal(n - n // 2) * 2.0 ** rng.integers(-40, 40, n - n // 2))
    return a, b, c


@pytest.fixture(params=VARIANTS)
def path(request):
    before = _ops.fma_variant()
    _ops.set_fma_variant(request.param)
    yield request.param
    _ops.set_fma_variant(before)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", ["array-array", "scalar-array", "array-scalar", "scalar-scalar"])
def test_fma_is_correctly_rounded(path, dtype, shape):
    a, b, c = _operands(1000, dtype)
    if shape.startswith("scalar"):
        a = dtype(0.1)
    if shape.endswith("-scalar"):
        b = dtype(-3.7)
    got = _ops.fma(float(a) if np.ndim(a) == 0 else a, float(b) if np.ndim(b) == 0 else b, c)
    want = _exact(a, b, c)
    if dtype == np.float32:
        # the exact value rounded once to float32 (float64 holds a*b exactly and c, but the
        # sum may need more bits: compute the float32 rounding of the exact rational)
        want = np.array([np.float32(Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z)))
                         for x, y, z in zip(np.broadcast_to(a, c.shape), np.broadcast_to(b, c.shape), c)])
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, want)
    assert (got != (np.multiply(a, b, dtype=dtype) + c)).any()  # the cases exercise the single rounding


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fma_same_bits_in_every_variant_and_any_thread_count(n, dtype):
    a, b, c = _operands(n, dtype, seed=n)
    results = []
    before = _ops.fma_variant()
    threads = minigrad.get_num_threads()
    try:
        for variant in VARIANTS:
            _ops.set_fma_variant(variant)
            for t in (1, 2, 3):
                minigrad.set_num_threads(t)
                results.append(_ops.fma(a, b, c))
                results.append(_ops.fma(0.25, b, c))
    finally:
        _ops.set_fma_variant(before)
        minigrad.set_num_threads(threads)
    for r in results[2::2]:
        np.testing.assert_array_equal(r, results[0])
    for r in results[3::2]:
        np.testing.assert_array_equal(r, results[1])


def test_fma_in_place_and_nan_inf():
    c = np.array([1.0, 2.0, np.nan, 0.0, 1.0])
    b = np.array([1.0, np.inf, 1.0, np.inf, -np.inf])
    out = _ops.fma(2.0, b, c, out=c)
    assert out is c
    np.testing.assert_array_equal(c, [3.0, np.inf, np.nan, np.inf, -np.inf])
    assert np.isnan(_ops.fma(np.array([np.inf]), np.array([0.0]), np.array([1.0]))[0])


def test_fma_argument_checks():
    c = np.zeros(4)
    with pytest.raises(TypeError, match="a must be a real number"):
        _ops.fma("2", c, c)
    with pytest.raises(ValueError, match="b and c must have the same shape"):
        _ops.fma(1.0, np.zeros(3), c)
    with pytest.raises(TypeError, match="b and c must have the same dtype"):
        _ops.fma(1.0, np.zeros(4, np.float32), c)
    with pytest.raises(TypeError, match="c must have dtype float32 or float64"):
        _ops.fma(1.0, 2.0, np.zeros(4, np.int64))
    with pytest.raises(ValueError, match="c must be C-contiguous"):
        _ops.fma(1.0, 2.0, np.zeros(8)[::2])
    with pytest.raises(ValueError, match="partially overlaps"):
        big = np.zeros(5)
        _ops.fma(1.0, big[1:], big[:4].copy(), out=big[:4])
    with pytest.raises(ValueError, match="read-only"):
        ro = np.zeros(4)
        ro.flags.writeable = False
        _ops.fma(1.0, 2.0, c, out=ro)


def test_fma_variant_settings():
    assert VARIANTS[0] == "generic" and _ops.fma_variant() in VARIANTS
    with pytest.raises(ValueError, match="unknown fma variant 'scalar'"):
        _ops.set_fma_variant("scalar")
    before = _ops.fma_variant()
    try:
        _ops._fma_set_hardware(False)          # the older switch, still used by the sanitizer tests
        assert _ops.fma_variant() == "generic" and not _ops._fma_uses_hardware()
        if len(VARIANTS) > 1:
            _ops._fma_set_hardware(True)
            assert _ops.fma_variant() == VARIANTS[-1] and _ops._fma_uses_hardware()
    finally:
        _ops.set_fma_variant(before)
