# Random numbers (included by _ops.pyx): raw 32-bit words, uniform and normal fills. The
# generator is Philox4x32-10: element i of a call is a function of (seed, offset, i) only; the
# stream is documented at the top of csrc/philox.h, and how each fill reads it at the top of
# csrc/random_fills.h. minigrad/random.py hands out (seed, offset) pairs, one offset per call.
# Dropout reads the same stream (_ops_dropout.pxi).

cdef extern from "philox.h" nogil:
    void mg_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out)
    void mg_philox_blocks(uint32_t *out, uint64_t first_block, int64_t nblocks,
                          uint64_t seed, uint64_t offset)

cdef extern from "random_fills.h" nogil:
    void mg_random_bits(uint32_t *out, int64_t start, int64_t end,
                        uint64_t seed, uint64_t offset)
    void mg_uniform_f32(float *out, int64_t start, int64_t end, uint64_t seed,
                        uint64_t offset, double low, double high)
    void mg_uniform_f64(double *out, int64_t start, int64_t end, uint64_t seed,
                        uint64_t offset, double low, double high)
    void mg_normal_f32(float *out, int64_t start, int64_t end, uint64_t seed,
                       uint64_t offset, double mean, double std)
    void mg_normal_f64(double *out, int64_t start, int64_t end, uint64_t seed,
                       uint64_t offset, double mean, double std)


# --------------------------------------------------------------------------
# Variants of the random-number, dropout and ReLU kernels (one family, csrc/cpu_dispatch.h).
# MINIGRAD_KERNELS (_ops.pyx) sets it at import together with the other families; tests switch
# it here. 'scalar' is the readable reference (one Philox block at a time), for tests only.

_RNG_VARIANTS = {"scalar": MG_V_SCALAR, "generic": MG_V_GENERIC, "avx2": MG_V_AVX2,
                 "avx512": MG_V_AVX512}


def rng_variant():
    """Name of the random/dropout/ReLU kernel variant in use: 'scalar', 'generic', 'avx2' or
    'avx512'."""
    return mg_variant_name(mg_rng_get_variant()).decode()


def available_rng_variants():
    """The variants this CPU can run, plainest first."""
    return [name for name, v in _RNG_VARIANTS.items() if mg_cpu_supports(v)]


def set_rng_variant(name):
    """Tests: force a variant ('scalar', 'generic', 'avx2', 'avx512')."""
    if name not in _RNG_VARIANTS:
        raise ValueError(f"unknown rng variant {name!r}; expected one of {list(_RNG_VARIANTS)}")
    if mg_rng_set_variant(_RNG_VARIANTS[name]) != 0:
        raise ValueError(f"rng variant {name!r} is not supported on this CPU; it supports "
                         f"{available_rng_variants()}")


# --------------------------------------------------------------------------
# Fills

cdef _fill_target(out):
    _float_array(out, "out")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    return out


def uniform_(out, seed, offset, low=0.0, high=1.0):
    """Fill out (float32/float64, C-contiguous) with uniform numbers in
    [low, high); element i depends only on (seed, offset, i).  Returns out."""
    _fill_target(out)
    cdef double lo = _real(low, "low"), hi = _real(high, "high")
    if not (lo <= hi):
        raise ValueError(f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"uniform_ expects finite bounds, got from={low}, to={high}")
    cdef uint64_t s = _u64(seed, "seed"), o = _u64(offset, "offset")
    cdef int64_t n = out.size
    if n == 0:
        return out
    target = out
    out = _aligned_target(target)
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, _par_min_rng, &nt, &cs, &nch)
    cdef float[::1] of
    cdef double[::1] od
    cdef float *ofp
    cdef double *odp
    if out.dtype == np.float32:
        of = out.reshape(-1)
        ofp = &of[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_uniform_f32(ofp, c * cs, min(c * cs + cs, n), s, o, lo, hi)
    else:
        od = out.reshape(-1)
        odp = &od[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_uniform_f64(odp, c * cs, min(c * cs + cs, n), s, o, lo, hi)
    return _copy_back(out, target)


def normal_(out, seed, offset, mean=0.0, std=1.0):
    """Fill out (float32/float64, C-contiguous) with normal numbers
    (Box-Muller in double precision); element i depends only on
    (seed, offset, i).  Returns out."""
    _fill_target(out)
    cdef double mu = _real(mean, "mean"), sd = _real(std, "std")
    if not (sd >= 0.0):
        raise ValueError(f"normal expects std >= 0.0, but found std {std}")
    cdef uint64_t s = _u64(seed, "seed"), o = _u64(offset, "offset")
    cdef int64_t n = out.size
    if n == 0:
        return out
    target = out
    out = _aligned_target(target)
    # Box-Muller costs ~20 ns per element (libm), parallel from small sizes.
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, min(_par_min_rng, 2048), &nt, &cs, &nch)
    cdef float[::1] of
    cdef double[::1] od
    cdef float *ofp
    cdef double *odp
    if out.dtype == np.float32:
        of = out.reshape(-1)
        ofp = &of[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_normal_f32(ofp, c * cs, min(c * cs + cs, n), s, o, mu, sd)
    else:
        od = out.reshape(-1)
        odp = &od[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_normal_f64(odp, c * cs, min(c * cs + cs, n), s, o, mu, sd)
    return _copy_back(out, target)


def random_bits(n, seed, offset):
    """n raw 32-bit words: element i = word i%4 of Philox block i//4."""
    cdef int64_t nn = _count(n)
    cdef uint64_t s = _u64(seed, "seed"), o = _u64(offset, "offset")
    out = np.empty(nn, dtype=np.uint32)
    if nn == 0:
        return out
    cdef uint32_t[::1] ov = out
    cdef uint32_t *op = &ov[0]
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(nn, _par_min_rng, &nt, &cs, &nch)
    for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
        mg_random_bits(op, c * cs, min(c * cs + cs, nn), s, o)
    return out


def _philox_blocks(seed, offset, first_block, nblocks):
    """Tests: Philox blocks first_block .. first_block+nblocks-1 (any 64-bit
    first_block) with the current variant, as an (nblocks, 4) uint32 array.
    Block b = philox4x32_10(counter=(b lo, b hi, offset lo, offset hi),
    key=(seed lo, seed hi))."""
    nb = _count(nblocks, "nblocks")
    out = np.empty((nb, 4), dtype=np.uint32)
    if nb == 0:
        return out
    cdef uint32_t[:, ::1] ov = out
    mg_philox_blocks(&ov[0, 0], _u64(first_block, "first_block"), nb,
                     _u64(seed, "seed"), _u64(offset, "offset"))
    return out


def _stream_range(kind, out, start, end, seed, offset):
    """Tests: run one stream kernel on out[start:end] only (any start, so
    ranges beginning mid-block or mid-pair are exercised; the driver's own
    chunks always start at multiples of 64).  kind: 'bits' (uint32 out),
    'uniform' or 'normal' (float32/float64 out)."""
    cdef int64_t s0 = start, e0 = end
    if not (0 <= s0 <= e0 <= out.size) or not out.flags.c_contiguous:
        raise ValueError("bad range or layout")
    if s0 == e0:
        return out
    cdef uint64_t sd = _u64(seed, "seed"), o = _u64(offset, "offset")
    cdef uint32_t[::1] ov
    cdef float[::1] of
    cdef double[::1] od
    flat = out.reshape(-1)
    if kind == "bits":
        ov = flat
        mg_random_bits(&ov[0], s0, e0, sd, o)
    elif out.dtype == np.float32:
        of = flat
        if kind == "uniform":
            mg_uniform_f32(&of[0], s0, e0, sd, o, 0.0, 1.0)
        else:
            mg_normal_f32(&of[0], s0, e0, sd, o, 0.0, 1.0)
    else:
        od = flat
        if kind == "uniform":
            mg_uniform_f64(&od[0], s0, e0, sd, o, 0.0, 1.0)
        else:
            mg_normal_f64(&od[0], s0, e0, sd, o, 0.0, 1.0)
    return out


def philox4x32_10(counter, key):
    """The reference Philox4x32-10 block function on explicit words:
    counter = 4 uint32, key = 2 uint32 -> 4 uint32 (for known-answer tests)."""
    cdef uint32_t ctr[4]
    cdef uint32_t k[2]
    cdef uint32_t res[4]
    if len(counter) != 4 or len(key) != 2:
        raise ValueError("counter must have 4 words and key 2")
    for i in range(4):
        ctr[i] = <uint32_t>(int(counter[i]) & 0xffffffff)
    for i in range(2):
        k[i] = <uint32_t>(int(key[i]) & 0xffffffff)
    mg_philox4x32_10(ctr, k, res)
    return tuple(int(res[i]) for i in range(4))


