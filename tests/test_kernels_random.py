"""Tests for the random-number, dropout and ReLU kernels (csrc/philox.h, random_fills.h, dropout.h,
dropout_backward.h, relu.h; _ops_random.pxi, _ops_dropout.pxi, _ops_elementwise.pxi).

Run:  pytest tests/test_kernels_random.py

The references below are written from the spec in pure Python/numpy (no C):
Philox4x32-10 with uint64 arithmetic, then the stream layouts of random_fills.h and dropout.h.
"""
import math

import numpy as np
import pytest

from minigrad import _ops as R

MASK32 = 0xFFFFFFFF
M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85

VARIANTS = R.available_rng_variants()
SIZES = [0, 1, 7, 63, 64, 65, 1000, 1_000_003]
SMALL_SIZES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 4099]


# --------------------------------------------------------------------------
# Pure numpy reference

def philox_ref(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on arrays of counter words (uint64 arrays holding
    32-bit values) with a scalar key; returns four uint64 arrays."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) for c in (c0, c1, c2, c3))
    for _ in range(10):
        p0 = c0 * np.uint64(M0)          # < 2^64: no overflow
        p1 = c2 * np.uint64(M1)
        n0 = (p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0)
        n2 = (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1)
        c1 = p1 & np.uint64(MASK32)
        c3 = p0 & np.uint64(MASK32)
        c0, c2 = n0, n2
        k0 = (k0 + W0) & MASK32
        k1 = (k1 + W1) & MASK32
    return c0, c1, c2, c3


def blocks_ref(seed, offset, first_block, nblocks):
    """(nblocks, 4) uint32: block b = philox(counter=(b lo, b hi, off lo,
    off hi), key=(seed lo, seed hi)); b wraps mod 2^64."""
    seed &= (1 << 64) - 1
    offset &= (1 << 64) - 1
    # uint64 array arithmetic wraps mod 2^64, like the counter
    b = np.uint64(first_block & ((1 << 64) - 1)) + np.arange(nblocks, dtype=np.uint64)
    lo = b & np.uint64(MASK32)
    hi = b >> np.uint64(32)
    n = len(b)
    o0 = np.full(n, offset & MASK32, dtype=np.uint64)
    o1 = np.full(n, offset >> 32, dtype=np.uint64)
    w = philox_ref(lo, hi, o0, o1, seed & MASK32, seed >> 32)
    return np.stack(w, axis=1).astype(np.uint32)


def words_ref(seed, offset, nwords):
    """The word stream s[0 .. nwords)."""
    nb = (nwords + 3) // 4
    return blocks_ref(seed, offset, 0, nb).reshape(-1)[:nwords]


def threshold(p):
    return int((1.0 - p) * 65536.0 + 0.5)


def mask_path(p):
    """(bits, T) from the spec: the 16-bit threshold when T/65536 is within
    1e-4 * min(p, q) of q = 1 - p, else a 32-bit one."""
    q = 1.0 - p
    t16 = threshold(p)
    if abs(t16 / 65536 - q) <= 1e-4 * min(p, q):
        return 16, t16
    return 32, int(q * 2.0 ** 32 + 0.5)


def keep_ref(n, p, seed, offset):
    """16-bit path: keep_i = 16-bit half (i % 2) of s[i // 2] < T;
    32-bit path: keep_i = s[i] < T."""
    bits, T = mask_path(p)
    if bits == 32:
        return words_ref(seed, offset, n).astype(np.uint64) < T
    w = words_ref(seed, offset, (n + 1) // 2).astype(np.uint32)
    halves = np.empty(2 * len(w), dtype=np.uint32)
    halves[0::2] = w & 0xFFFF
    halves[1::2] = w >> 16
    return halves[:n] < T


def scale_ref(p, dtype):
    if p >= 1:
        return dtype(0)
    if dtype == np.float32:
        return np.float32(1.0) / np.float32(1.0 - p)
    return np.float64(1.0 / (1.0 - p))


def u53(a, b):
    a = a.astype(np.uint64)
    b = b.astype(np.uint64)
    return ((a << np.uint64(21)) | (b >> np.uint64(11))).astype(np.float64) * 2.0 ** -53


def uniform_ref(n, seed, offset, dtype):
    if dtype == np.float32:
        w = words_ref(seed, offset, n)
        return ((w >> 8).astype(np.float32) * np.float32(2.0 ** -24)).astype(np.float32)
    w = words_ref(seed, offset, 2 * n)
    return u53(w[0::2], w[1::2])


def normal_ref_f64(n, seed, offset):
    npairs = (n + 1) // 2
    blk = blocks_ref(seed, offset, 0, npairs)
    u1 = 1.0 - u53(blk[:, 0], blk[:, 1])
    u2 = u53(blk[:, 2], blk[:, 3])
    r = np.sqrt(-2.0 * np.log(u1))
    t = 6.283185307179586 * u2
    z = np.empty(2 * npairs)
    z[0::2] = r * np.cos(t)
    z[1::2] = r * np.sin(t)
    return z[:n]


def bits_equal(a, b):
    """Bitwise equality (NaN == NaN, -0.0 != +0.0)."""
    a = np.ascontiguousarray(a)
    b = np.ascontiguousarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    return a.tobytes() == b.tobytes()


@pytest.fixture(autouse=True)
def _restore_state():
    """Every test leaves variant / threads / chunking as it found them."""
    v, t = R.rng_variant(), R.get_num_threads()
    c, thr = R._get_chunk_size(), R._get_parallel_threshold()
    yield
    R.set_rng_variant(v)
    R.set_num_threads(t)
    R._set_chunk_size(c)
    R._set_parallel_threshold(*thr)


# --------------------------------------------------------------------------
# Philox

KAT = [  # Random123 kat_vectors, philox4x32 10 rounds: counter, key, result
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((MASK32,) * 4, (MASK32,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("ctr,key,want", KAT)
def test_philox_known_answers(ctr, key, want):
    assert R.philox4x32_10(ctr, key) == want
    got = philox_ref(*[[c] for c in ctr], *key)
    assert tuple(int(g[0]) for g in got) == want


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("ctr,key,want", KAT)
def test_philox_known_answers_through_seed_offset_mapping(variant, ctr, key, want):
    # key = (seed lo, seed hi); counter = (idx lo, idx hi, offset lo, offset hi)
    R.set_rng_variant(variant)
    seed = key[0] | key[1] << 32
    idx = ctr[0] | ctr[1] << 32
    offset = ctr[2] | ctr[3] << 32
    got = R._philox_blocks(seed, offset, idx, 1)
    assert tuple(int(v) for v in got[0]) == want
    # the same block sitting in every SIMD lane position
    for lane in range(16):
        got = R._philox_blocks(seed, offset, (idx - lane) % 2**64, 20)
        assert tuple(int(v) for v in got[lane]) == want


def test_random_bits_first_block_is_kat_zero():
    assert tuple(int(v) for v in R.random_bits(4, 0, 0)) == KAT[0][2]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("first", [0, 5, 2**32 - 13, 2**32 - 1, 2**64 - 7, 123456789])
def test_blocks_match_reference(variant, first):
    # 2**32 - 13: the low counter word wraps inside one SIMD group (carry);
    # 2**64 - 7: the block index itself wraps.
    R.set_rng_variant(variant)
    seed, offset = 0xDEADBEEF12345678, 0x0123456789ABCDEF
    got = R._philox_blocks(seed, offset, first, 37)
    assert np.array_equal(got, blocks_ref(seed, offset, first, 37))


def test_numpy_philox_is_4x64_not_4x32():
    # numpy.random.Philox is Philox4x64-10 (4 x uint64 counter, 2 x uint64
    # key), a different function, so it cannot serve as our oracle; the
    # Random123 KAT vectors above do.  This test documents that fact.
    st = np.random.Philox(0).state["state"]
    assert st["counter"].dtype == np.uint64 and st["counter"].shape == (4,)
    assert st["key"].dtype == np.uint64 and st["key"].shape == (2,)


# --------------------------------------------------------------------------
# Streams against the reference

@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("n", SMALL_SIZES)
def test_streams_match_reference(variant, n):
    R.set_rng_variant(variant)
    seed, offset = 42, 7
    assert np.array_equal(R.random_bits(n, seed, offset), words_ref(seed, offset, n))
    for dt in (np.float32, np.float64):
        out = R.uniform_(np.empty(n, dt), seed, offset)
        assert bits_equal(out, uniform_ref(n, seed, offset, dt))
    z = R.normal_(np.empty(n), seed, offset)
    np.testing.assert_allclose(z, normal_ref_f64(n, seed, offset), rtol=1e-12, atol=1e-12)
    z32 = R.normal_(np.empty(n, np.float32), seed, offset)
    # f32 = round(f64 value): equal to the rounded reference up to 1 ulp
    # (numpy's log/cos may differ from libm's in the last double bit)
    np.testing.assert_allclose(z32, normal_ref_f64(n, seed, offset).astype(np.float32),
                               rtol=2e-7, atol=1e-7)
    assert bits_equal(z32, z.astype(np.float32))  # same doubles, then rounded
    # dropout mask / bernoulli mask
    for p in (0.0, 0.3, 0.5, 1.0, 1e-3, 0.99999, 1e-12, 1 - 1e-12):
        keep = keep_ref(n, p, seed, offset)
        want = np.packbits(keep, bitorder="little")
        assert np.array_equal(R.bernoulli_mask(n, p, seed, offset), want)
        x = np.linspace(-3, 3, n).astype(np.float32)
        y, m = R.dropout_forward(x, p, seed, offset)
        assert np.array_equal(m, want)
        assert bits_equal(y, x * np.where(keep, scale_ref(p, np.float32), np.float32(0)))


def test_normal_pairs_and_odd_lengths():
    # element 2j+1 is the sine partner of 2j; an odd length drops the last sine
    z = R.normal_(np.empty(11), 3, 4)
    z_even = R.normal_(np.empty(12), 3, 4)
    assert bits_equal(z, z_even[:11])
    # pair (z0, z1) lies on the circle of radius r: z0^2 + z1^2 = -2 ln u1
    blk = blocks_ref(3, 4, 0, 6)
    r2 = -2.0 * np.log(1.0 - u53(blk[:, 0], blk[:, 1]))
    np.testing.assert_allclose(z_even[0::2] ** 2 + z_even[1::2] ** 2, r2, rtol=1e-12)


def test_uniform_low_high_and_normal_mean_std():
    u = R.uniform_(np.empty(10000), 5, 6, low=-2.0, high=3.0)
    base = uniform_ref(10000, 5, 6, np.float64)
    np.testing.assert_array_equal(u, -2.0 + 5.0 * base)
    assert u.min() >= -2.0 and u.max() < 3.0
    z = R.normal_(np.empty(10000), 5, 6, mean=1.5, std=2.0)
    np.testing.assert_allclose(z, 1.5 + 2.0 * normal_ref_f64(10000, 5, 6), rtol=1e-12, atol=1e-12)
    # float32 output never reaches high even when rounding would
    # (low + span*u rounds to 1.0 whenever 1 - u < 2^-5: ~3% of draws)
    v = R.uniform_(np.empty(200000, np.float32), 9, 9, low=1.0 - 2.0 ** -20, high=1.0)
    assert v.max() == np.nextafter(np.float32(1), np.float32(0))
    assert v.min() >= np.float32(1.0 - 2.0 ** -20)
    v64 = R.uniform_(np.empty(200000), 9, 9, low=1.0 - 2.0 ** -49, high=1.0)
    assert v64.max() < 1.0 and v64.min() >= 1.0 - 2.0 ** -49
    c = R.uniform_(np.empty(10, np.float32), 1, 1, low=2.5, high=2.5)
    assert np.all(c == 2.5)


# --------------------------------------------------------------------------
# Variants, threads and chunking give identical bits

def _run_all(n, seed=1234, offset=99):
    """Every kernel once; a dict name -> output array."""
    rng = np.random.default_rng(n)
    x32 = rng.standard_normal(n).astype(np.float32)
    x64 = rng.standard_normal(n)
    if n > 10:
        x32[3] = np.nan
        x32[5] = -np.inf
        x32[9] = -0.0
    g32 = rng.standard_normal(n).astype(np.float32)
    g64 = rng.standard_normal(n)
    res = {}
    res["bits"] = R.random_bits(n, seed, offset)
    for dt, x, g in ((np.float32, x32, g32), (np.float64, x64, g64)):
        k = np.dtype(dt).name
        res["uniform" + k] = R.uniform_(np.empty(n, dt), seed, offset)
        res["uniform_lh" + k] = R.uniform_(np.empty(n, dt), seed, offset, -1.0, 4.0)
        res["normal" + k] = R.normal_(np.empty(n, dt), seed, offset, 0.5, 3.0)
        y, m = R.dropout_forward(x, 0.3, seed, offset)
        res["drop_y" + k], res["drop_m" + k] = y, m
        res["drop_bwd" + k] = R.dropout_backward(g, m, 0.3)
        res["unpack" + k] = R.unpack_mask(m, n, 1.25, dt)
        # p = 1e-3 takes the 32-bit (precise) mask path
        res["drop32_y" + k], res["drop32_m" + k] = R.dropout_forward(x, 1e-3, seed, offset)
        res["drop32_bwd" + k] = R.dropout_backward(g, res["drop32_m" + k], 1e-3)
        r = R.relu_forward(x)
        res["relu" + k] = r
        res["relu_bwd" + k] = R.relu_backward(g, r)
    res["bern"] = R.bernoulli_mask(n, 0.77, seed, offset)
    res["bern32"] = R.bernoulli_mask(n, 0.999, seed, offset)
    return res


def _assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert bits_equal(a[k], b[k]), k


@pytest.mark.parametrize("n", [0, 1, 7, 63, 64, 65, 1000, 4099, 70001])
def test_all_variants_bit_identical(n):
    R.set_rng_variant("scalar")
    ref = _run_all(n)
    for v in VARIANTS:
        R.set_rng_variant(v)
        _assert_same(ref, _run_all(n))


def test_all_variants_bit_identical_large():
    n = 1_000_003
    R.set_rng_variant("scalar")
    ref = _run_all(n)
    for v in VARIANTS:
        if v != "scalar":
            R.set_rng_variant(v)
            _assert_same(ref, _run_all(n))


@pytest.mark.parametrize("n", [1, 65, 1000, 5000, 100_003])
def test_threads_and_chunking_do_not_change_results(n):
    R._set_parallel_threshold(rng=0, mem=0)   # force multi-threading on small n
    R.set_num_threads(1)
    R._set_chunk_size(32768)
    ref = _run_all(n)
    for threads in (1, 2, 3, 7):
        for chunk in (64, 128, 192, 4096):
            R.set_num_threads(threads)
            R._set_chunk_size(chunk)
            _assert_same(ref, _run_all(n))


@pytest.mark.parametrize("variant", VARIANTS)
def test_ranges_starting_anywhere(variant):
    # The C kernels accept any [start, end); ranges that begin mid-block
    # (bits, uniform32), mid-pair (uniform64, normal) must agree with one
    # full call.  Splits at every offset 0..9 and around group boundaries.
    R.set_rng_variant(variant)
    n = 301
    for kind, dt in (("bits", np.uint32), ("uniform", np.float32), ("uniform", np.float64),
                     ("normal", np.float32), ("normal", np.float64)):
        full = R._stream_range(kind, np.zeros(n, dt), 0, n, 17, 18)
        for cut in list(range(10)) + [31, 32, 33, 63, 64, 65, 127, 129, 300]:
            part = np.zeros(n, dt)
            R._stream_range(kind, part, 0, cut, 17, 18)
            R._stream_range(kind, part, cut, n, 17, 18)
            assert bits_equal(part, full), (kind, dt, cut)
            # a middle piece alone touches nothing outside it
            mid = np.zeros(n, dt)
            R._stream_range(kind, mid, cut, min(n, cut + 7), 17, 18)
            sl = slice(cut, min(n, cut + 7))
            assert bits_equal(mid[sl], full[sl])
            assert not mid[:cut].any() and not mid[min(n, cut + 7):].any()
    assert np.array_equal(R._stream_range("bits", np.zeros(n, np.uint32), 0, n, 17, 18),
                          words_ref(17, 18, n))


def test_prefix_property():
    # element i depends only on (seed, offset, i): a shorter call is a prefix
    a = R.random_bits(1001, 5, 6)
    assert np.array_equal(R.random_bits(77, 5, 6), a[:77])
    u = R.uniform_(np.empty(1001), 5, 6)
    assert bits_equal(R.uniform_(np.empty(77), 5, 6), u[:77])
    m = R.bernoulli_mask(1001, 0.4, 5, 6)
    assert np.array_equal(R.bernoulli_mask(800, 0.4, 5, 6), m[:100])
    assert np.array_equal(np.unpackbits(R.bernoulli_mask(77, 0.4, 5, 6), bitorder="little")[:77],
                          np.unpackbits(m, bitorder="little")[:77])


def test_seed_offset_mapping():
    # negative seeds are taken mod 2^64 (like torch.manual_seed)
    assert np.array_equal(R.random_bits(8, -1, 0), R.random_bits(8, 2**64 - 1, 0))
    # different offsets / seeds give different streams
    a = R.random_bits(64, 1, 0)
    assert not np.array_equal(a, R.random_bits(64, 1, 1))
    assert not np.array_equal(a, R.random_bits(64, 2, 0))
    assert not np.array_equal(a, R.random_bits(64, 1 + 2**32, 0))  # seed hi word used
    assert not np.array_equal(a, R.random_bits(64, 1, 2**32))       # offset hi word used


# --------------------------------------------------------------------------
# Dropout

@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_keep_rate_and_mean(p):
    n = 10**6
    q = 1.0 - p
    T = threshold(p)
    assert abs(T / 65536 - q) <= 2.0 ** -17
    x = np.ones(n, dtype=np.float32)
    y, m = R.dropout_forward(x, p, 11, 12)
    keep = np.unpackbits(m, count=n, bitorder="little").astype(bool)
    rate = keep.mean()
    sd = math.sqrt(q * (1 - q) / n)
    assert abs(rate - q) < 5 * sd, (rate, q)
    # kept elements are exactly x * scale, dropped exactly 0
    scale = scale_ref(p, np.float32)
    assert np.all(y[keep] == scale) and np.all(y[~keep] == 0)
    # E[y] = E[x]: mean of y within a few sigma of 1
    assert abs(float(y.astype(np.float64).mean()) - 1.0) < 5 * float(scale) * sd
    # with random x too
    xr = np.random.default_rng(0).uniform(1, 2, n).astype(np.float32)
    yr, _ = R.dropout_forward(xr, p, 13, 14)
    assert abs(yr.mean() - xr.mean()) < 5 * float(scale) * sd * 2


def test_keep_rate_per_position_is_unbiased():
    # each of the 8 half-word positions in a block is used alike
    n = 8 * 200_000
    keep = np.unpackbits(R.bernoulli_mask(n, 0.5, 3, 3), bitorder="little").reshape(-1, 8)
    rates = keep.mean(axis=0)
    assert np.all(np.abs(rates - 0.5) < 5 * math.sqrt(0.25 / (n / 8)))


# Binomial bound: the number of kept elements K ~ Binomial(n, q) lies within Z_BOUND standard
# deviations of n*q except with probability < 1e-8 (normal tail; the seeds are fixed, so a pass
# is reproducible).  n is large enough that the old 16-bit threshold's bias at p = 1e-6, 1e-5 and
# 0.99999 (keep rates 1, 1 - 1.53e-5 and 1.53e-5) is more than 8 standard deviations out.
Z_BOUND = 6.0
N_RATE = 1 << 26


@pytest.mark.parametrize("p", [1e-6, 1e-5, 1e-3, 0.3, 0.5, 0.999, 0.99999])
def test_keep_rate_at_extreme_p_is_binomial(p):
    q = 1.0 - p
    mask = R.bernoulli_mask(N_RATE, p, 101, 202)
    kept = int(np.bitwise_count(mask).sum(dtype=np.int64))
    sd = math.sqrt(N_RATE * q * p)
    assert abs(kept - N_RATE * q) <= Z_BOUND * sd, (p, kept, N_RATE * q, sd)
    # dropout_forward draws the same bits (checked on a prefix, to keep memory small)
    n = 1 << 20
    _, m = R.dropout_forward(np.ones(n, np.float32), p, 101, 202)
    assert np.array_equal(m, mask[: n // 8])


def test_mask_path_choice_keeps_probability_accurate():
    # Wherever the 32-bit resolution allows it (min(p, q) >= 2e-6), the realised keep probability
    # T / 2^bits is within 1e-4 * min(p, q) of q: the spec's accuracy requirement.
    ps = np.concatenate([np.logspace(-5.7, -0.31, 400), 1 - np.logspace(-5.7, -0.31, 400),
                         [0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.75, 0.9, 1.0]])
    for p in ps.tolist():
        bits, T = R._dropout_threshold(p)
        assert (bits, T) == mask_path(p), p
        q = 1.0 - p
        assert abs(T / 2.0 ** bits - q) <= 1e-4 * min(p, q), (p, bits, T)
    # the common rates keep the fast 16-bit path; extreme ones get 32 bits
    assert [R._dropout_threshold(p)[0] for p in (0.0, 0.1, 0.2, 0.5, 0.9, 1.0)] == [16] * 6
    assert [R._dropout_threshold(p)[0] for p in (1e-5, 1e-3, 0.999, 0.99999)] == [32] * 4
    # p so close to 0 or 1 that even 32 bits round to all/nothing
    assert R._dropout_threshold(1e-12) == (32, 1 << 32)
    assert R._dropout_threshold(1 - 1e-12) == (32, 0)


@pytest.mark.parametrize("p", [1e-5, 0.999])
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_precise_path_threads_variants_and_backward(p, dt):
    n = 100_003
    x = np.random.default_rng(5).standard_normal(n).astype(dt)
    R._set_parallel_threshold(rng=0, mem=0)
    R.set_num_threads(1)
    y1, m1 = R.dropout_forward(x, p, 7, 8)
    keep = keep_ref(n, p, 7, 8)
    assert np.array_equal(m1, np.packbits(keep, bitorder="little"))
    assert bits_equal(y1, x * np.where(keep, scale_ref(p, dt), dt(0)))
    for threads in (2, 3):
        for chunk in (64, 4096, 32768):
            R.set_num_threads(threads)
            R._set_chunk_size(chunk)
            for v in VARIANTS:
                R.set_rng_variant(v)
                y, m = R.dropout_forward(x, p, 7, 8)
                assert bits_equal(y, y1) and np.array_equal(m, m1), (threads, chunk, v)
                assert np.array_equal(R.bernoulli_mask(n, p, 7, 8), m1)
    # backward reads the same bits
    g = np.ones(n, dt)
    assert bits_equal(R.dropout_backward(g, m1, p), np.where(keep, scale_ref(p, dt), dt(0)))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_dropout_p_edges(variant, dt):
    R.set_rng_variant(variant)
    x = np.array([1.0, -2.0, np.nan, np.inf, -0.0] * 60, dtype=dt)
    n = x.size
    y, m = R.dropout_forward(x, 0.0, 1, 1)          # keep all, scale 1
    assert bits_equal(y, x) and np.all(np.unpackbits(m, count=n, bitorder="little") == 1)
    assert not np.unpackbits(m, bitorder="little")[n:].any()   # padding bits 0
    y, m = R.dropout_forward(x, 1.0, 1, 1)          # drop all: x * 0
    assert not m.any()
    with np.errstate(invalid="ignore"):
        assert bits_equal(y, x * dt(0))
    dx = R.dropout_backward(np.ones(n, dt), m, 1.0)
    assert np.all(dx == 0)
    # tiny p: T = 65536 - 1 -> a half equal to 65535 is dropped, nothing else
    y, m = R.dropout_forward(np.ones(n, dt), 1.0 / 65536, 1, 1)
    keep = keep_ref(n, 1.0 / 65536, 1, 1)
    assert np.array_equal(m, np.packbits(keep, bitorder="little"))


def test_dropout_special_values_match_torch_formula():
    # torch (CPU) computes input * noise, noise = bernoulli(1-p) / (1-p):
    # dropped NaN/inf -> NaN, dropped negative -> -0.0.  Same for backward.
    torch = pytest.importorskip("torch")
    p = 0.4
    for dt, tdt in ((np.float32, torch.float32), (np.float64, torch.float64)):
        x = np.array([np.nan, np.inf, -np.inf, -1.5, 2.0, -0.0, 0.0, 1e-40] * 125, dtype=dt)
        y, m = R.dropout_forward(x, p, 77, 78)
        keep = np.unpackbits(m, count=x.size, bitorder="little").astype(dt)
        noise = torch.from_numpy(keep)
        noise.div_(1 - p)       # exactly what torch's _dropout_impl does
        want = (torch.from_numpy(x) * noise).numpy()
        assert bits_equal(y, want)
        g = np.array([np.nan, -1.0, 3.0, np.inf] * 250, dtype=dt)
        dx = R.dropout_backward(g, m, p)
        assert bits_equal(dx, (torch.from_numpy(g) * noise).numpy())


def test_dropout_scale_matches_torch():
    torch = pytest.importorskip("torch")
    for p in (0.1, 0.15, 0.3, 0.33, 0.5, 0.7, 0.9, 0.123456789):
        for dt, tdt in ((np.float32, torch.float32), (np.float64, torch.float64)):
            t = torch.nn.functional.dropout(torch.ones(2000, dtype=tdt), p, training=True)
            kept = t[t != 0]
            y, _ = R.dropout_forward(np.ones(2000, dt), p, 1, 1)
            ours = y[y != 0]
            assert len(kept) and len(ours)
            assert kept[0].item() == float(ours[0]), (p, dt)


def test_dropout_in_place_and_out():
    x = np.random.default_rng(1).standard_normal(5000).astype(np.float32)
    y, m = R.dropout_forward(x, 0.5, 3, 4)
    x2 = x.copy()
    y2, m2 = R.dropout_forward(x2, 0.5, 3, 4, out=x2)
    assert y2 is x2 and bits_equal(y2, y) and np.array_equal(m, m2)
    out = np.empty_like(x)
    y3, _ = R.dropout_forward(x, 0.5, 3, 4, out=out)
    assert y3 is out and bits_equal(out, y)
    g = np.random.default_rng(2).standard_normal(5000).astype(np.float32)
    dx = R.dropout_backward(g, m, 0.5)
    g2 = g.copy()
    assert bits_equal(R.dropout_backward(g2, m, 0.5, out=g2), dx)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_dropout_backward_is_mask_times_scale_times_grad(n, dt):
    p = 0.35
    g = np.random.default_rng(n).standard_normal(n).astype(dt)
    m = R.bernoulli_mask(n, p, 8, 9)
    keep = np.unpackbits(m, count=n, bitorder="little").astype(bool)
    dx = R.dropout_backward(g, m, p)
    assert bits_equal(dx, g * np.where(keep, scale_ref(p, dt), dt(0)))
    assert bits_equal(R.unpack_mask(m, n, 2.5, dt), np.where(keep, dt(2.5), dt(0)))


@pytest.mark.parametrize("n", SIZES)
def test_dropout_forward_awkward_sizes_shapes(n):
    x = np.random.default_rng(n).standard_normal(n)
    y, m = R.dropout_forward(x, 0.25, 21, 22)
    keep = keep_ref(n, 0.25, 21, 22)
    assert m.shape == ((n + 7) // 8,) and m.dtype == np.uint8
    assert np.array_equal(m, np.packbits(keep, bitorder="little"))
    assert bits_equal(y, x * np.where(keep, 1.0 / 0.75, 0.0))
    # n-d arrays: element order = C order
    if n == 1000:
        x3 = x.reshape(10, 10, 10)
        y3, m3 = R.dropout_forward(x3, 0.25, 21, 22)
        assert y3.shape == (10, 10, 10) and bits_equal(y3.reshape(-1), y)
        assert np.array_equal(m3, m)


# --------------------------------------------------------------------------
# Distributions

@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_uniform_moments(dt):
    n = 10**6
    u = R.uniform_(np.empty(n, dt), 31, 32)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 5 * math.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 5 * math.sqrt(1 / 180 / n)   # var of (u-1/2)^2 = 1/180
    if dt == np.float32:    # 24-bit grid
        assert np.all((u * 2.0**24) == np.floor(u * 2.0**24))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_normal_moments(dt):
    n = 10**6
    z = R.normal_(np.empty(n, dt), 41, 42).astype(np.float64)
    assert np.all(np.isfinite(z))
    assert abs(z.mean()) < 5 / math.sqrt(n)
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs((z ** 3).mean()) < 5 * math.sqrt(15 / n)       # symmetric
    assert abs((z ** 4).mean() - 3) < 5 * math.sqrt(96 / n)   # normal kurtosis
    # even and odd elements (cos and sin halves) are uncorrelated
    assert abs(np.mean(z[0::2] * z[1::2])) < 5 / math.sqrt(n / 2)


@pytest.mark.parametrize("n", SIZES)
def test_fills_awkward_sizes(n):
    for dt in (np.float32, np.float64):
        u = R.uniform_(np.empty(n, dt), 1, 2)
        if n <= 1000:
            assert bits_equal(u, uniform_ref(n, 1, 2, dt))
        z = R.normal_(np.empty(n, dt), 1, 2)
        assert z.shape == (n,) and np.all(np.isfinite(z))
    b = R.random_bits(n, 1, 2)
    assert b.dtype == np.uint32 and b.shape == (n,)
    if n <= 1000:
        assert np.array_equal(b, words_ref(1, 2, n))
    # n-d fill
    a = R.uniform_(np.empty((3, 5), np.float32), 1, 2)
    assert bits_equal(a.reshape(-1), uniform_ref(15, 1, 2, np.float32))


# --------------------------------------------------------------------------
# Argument checking

def test_errors():
    x = np.zeros(10, np.float32)
    with pytest.raises(ValueError, match=r"dropout probability has to be between 0 and 1, but got 1.5"):
        R.dropout_forward(x, 1.5, 0, 0)
    with pytest.raises(ValueError, match=r"dropout probability has to be between 0 and 1, but got -0.1"):
        R.dropout_forward(x, -0.1, 0, 0)
    with pytest.raises(ValueError, match="dropout probability"):
        R.bernoulli_mask(10, 2, 0, 0)
    with pytest.raises(ValueError, match="dropout probability"):
        R.dropout_backward(x, np.zeros(2, np.uint8), float("nan"))
    with pytest.raises(TypeError, match="float32 or float64"):
        R.dropout_forward(np.zeros(10, np.int32), 0.5, 0, 0)
    with pytest.raises(TypeError, match="float32 or float64"):
        R.relu_forward(np.zeros(10, np.float16))
    with pytest.raises(TypeError, match="numpy.ndarray"):
        R.relu_forward([1.0, 2.0])
    with pytest.raises(ValueError, match="C-contiguous"):
        R.dropout_forward(np.zeros(20, np.float32)[::2], 0.5, 0, 0)
    with pytest.raises(ValueError, match="C-contiguous"):
        R.relu_forward(np.zeros((4, 4)).T)
    with pytest.raises(ValueError, match="C-contiguous"):
        R.uniform_(np.zeros(20)[::2], 0, 0)
    with pytest.raises(TypeError, match="dtype float64"):
        R.relu_forward(np.zeros(10), out=np.zeros(10, np.float32))
    with pytest.raises(ValueError, match="shape"):
        R.relu_forward(np.zeros(10), out=np.zeros(11))
    ro = np.zeros(10)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        R.relu_forward(np.zeros(10), out=ro)
    with pytest.raises(ValueError, match="read-only"):
        R.normal_(ro, 0, 0)
    R.relu_forward(ro)              # read-only input is fine
    buf = np.zeros(20)
    with pytest.raises(ValueError, match="overlap"):
        R.relu_forward(buf[:10], out=buf[5:15])
    with pytest.raises(ValueError, match="mask must be 1-D with 2 bytes"):
        R.dropout_backward(x, np.zeros(3, np.uint8), 0.5)
    with pytest.raises(TypeError, match="uint8"):
        R.dropout_backward(x, np.zeros(2, np.int8), 0.5)
    with pytest.raises(ValueError, match="n must be >= 0"):
        R.random_bits(-1, 0, 0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        R.random_bits(4, 1.5, 0)
    with pytest.raises(TypeError, match="offset must be an integer"):
        R.bernoulli_mask(4, 0.5, 0, "x")
    with pytest.raises(ValueError, match="same shape"):
        R.relu_backward(np.zeros(3), np.zeros(4))
    with pytest.raises(TypeError, match="same dtype"):
        R.relu_backward(np.zeros(3), np.zeros(3, np.float32))
    with pytest.raises(ValueError, match="from=1.0 > to=0.0"):
        R.uniform_(np.zeros(3), 0, 0, 1.0, 0.0)
    with pytest.raises(ValueError, match="std >= 0.0"):
        R.normal_(np.zeros(3), 0, 0, 0.0, -1.0)
    with pytest.raises(ValueError):
        R.set_num_threads(0)
    with pytest.raises(ValueError, match="unknown rng variant"):
        R.set_rng_variant("avx1024")
    with pytest.raises(ValueError, match="multiple of 64"):
        R._set_chunk_size(100)


def test_empty_arrays():
    for dt in (np.float32, np.float64):
        e = np.empty(0, dt)
        y, m = R.dropout_forward(e, 0.5, 0, 0)
        assert y.shape == (0,) and m.shape == (0,)
        assert R.dropout_backward(e, m, 0.5).shape == (0,)
        assert R.relu_forward(e).shape == (0,)
        assert R.relu_backward(e, e).shape == (0,)
        assert R.uniform_(e, 0, 0).shape == (0,)
        assert R.normal_(e, 0, 0).shape == (0,)
        assert R.unpack_mask(m, 0, 2.0, dt).shape == (0,)
        y, m = R.dropout_forward(np.empty((3, 0), dt), 0.5, 0, 0)
        assert y.shape == (3, 0)
    assert R.bernoulli_mask(0, 0.5, 0, 0).shape == (0,)
    assert R.random_bits(0, 0, 0).shape == (0,)


def test_threads_api():
    R.set_num_threads(3)
    assert R.get_num_threads() == 3
    assert R.rng_variant() in ("scalar", "generic", "avx2", "avx512")
    for v in VARIANTS:
        R.set_rng_variant(v)
        assert R.rng_variant() == v


# --------------------------------------------------------------------------
# ReLU against torch

SPECIAL = [np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0, -1.0, 1.0, 1e-45, -1e-45,
           3.4e38, -3.4e38, 0.5, -0.5]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("dt", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 14, 33, 1000, 70001])
def test_relu_matches_torch(variant, dt, n):
    torch = pytest.importorskip("torch")
    R.set_rng_variant(variant)
    R._set_parallel_threshold(mem=0)
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n).astype(dt)
    sp = np.array(SPECIAL, dtype=dt)
    k = min(n, len(sp))
    x[rng.choice(n, k, replace=False)] = sp[:k]
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    yt = torch.relu(xt)
    y = R.relu_forward(x)
    assert bits_equal(y, yt.detach().numpy())
    g = rng.standard_normal(n).astype(dt)
    g[rng.choice(n, max(1, n // 10), replace=False)] = np.nan
    yt.backward(torch.from_numpy(g))
    dx = R.relu_backward(g, y)
    assert bits_equal(dx, xt.grad.numpy())
    # in place
    x2 = x.copy()
    assert bits_equal(R.relu_forward(x2, out=x2), y)
    g2 = g.copy()
    assert bits_equal(R.relu_backward(g2, y, out=g2), dx)


def test_relu_special_values_explicit():
    # without torch: the documented semantics
    x = np.array([np.nan, -0.0, 0.0, -1.0, 2.0, -np.inf, np.inf], np.float32)
    y = R.relu_forward(x)
    assert np.isnan(y[0])
    assert y[1] == 0 and np.signbit(y[1])        # -0.0 stays -0.0 (torch)
    assert y[2] == 0 and not np.signbit(y[2])
    assert y[3] == 0 and not np.signbit(y[3])
    assert y[4] == 2 and y[5] == 0 and y[6] == np.inf
    g = np.array([5, 5, np.nan, np.nan, np.nan, 5, 5], np.float32)
    dx = R.relu_backward(g, y)
    # result NaN -> grad passes; result <= 0 -> +0 even for NaN grad
    assert bits_equal(dx, np.array([5, 0, 0, 0, np.nan, 0, 5], np.float32))
