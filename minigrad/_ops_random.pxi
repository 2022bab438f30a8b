# Random numbers and dropout (included by _ops.pyx). The generator is Philox4x32-10: element i
# of a call is a function of (seed, offset, i) only; the stream layout is documented at the top
# of csrc/rng.h. minigrad/random.py hands out (seed, offset) pairs, one offset per call.

cdef extern from "rng.h" nogil:
    int MG_RNG_SCALAR
    int MG_RNG_GENERIC
    int MG_RNG_AVX2
    int MG_RNG_NVARIANTS

    void mg_rng_init()
    int mg_rng_set_variant(int v)
    int mg_rng_get_variant()
    int mg_rng_variant_supported(int v)
    const char *mg_rng_variant_name(int v)

    void mg_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out)
    void mg_philox_blocks(uint32_t *out, uint64_t first_block, int64_t nblocks,
                          uint64_t seed, uint64_t offset)

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

    void mg_dropout_fwd_f32(const float *x, float *y, uint8_t *mask,
                            int64_t start, int64_t end, uint64_t thr, int wide,
                            float scale, uint64_t seed, uint64_t offset)
    void mg_dropout_fwd_f64(const double *x, double *y, uint8_t *mask,
                            int64_t start, int64_t end, uint64_t thr, int wide,
                            double scale, uint64_t seed, uint64_t offset)
    void mg_bernoulli_mask(uint8_t *mask, int64_t start, int64_t end,
                           uint64_t thr, int wide, uint64_t seed, uint64_t offset)
    void mg_dropout_bwd_f32(const float *dy, const uint8_t *mask, float *dx,
                            int64_t start, int64_t end, float scale)
    void mg_dropout_bwd_f64(const double *dy, const uint8_t *mask, double *dx,
                            int64_t start, int64_t end, double scale)
    void mg_unpack_mask_f32(const uint8_t *mask, float *out, int64_t start,
                            int64_t end, float scale)
    void mg_unpack_mask_f64(const uint8_t *mask, double *out, int64_t start,
                            int64_t end, double scale)


# The CPU dispatch choice (scalar / generic / AVX2) is made once, here, at import; it also
# selects the ReLU kernels of _ops_elementwise.pxi.
mg_rng_init()

# --------------------------------------------------------------------------
# Variants

_RNG_VARIANTS = {"scalar": MG_RNG_SCALAR, "generic": MG_RNG_GENERIC, "avx2": MG_RNG_AVX2}


def rng_variant():
    """Name of the kernel variant in use: 'scalar', 'generic' or 'avx2'."""
    return mg_rng_variant_name(mg_rng_get_variant()).decode()


def available_rng_variants():
    return [name for name, v in _RNG_VARIANTS.items() if mg_rng_variant_supported(v)]


def set_rng_variant(name):
    """Tests: force a variant ('scalar', 'generic', 'avx2')."""
    if name not in _RNG_VARIANTS:
        raise ValueError(f"unknown rng variant {name!r}; expected one of {sorted(_RNG_VARIANTS)}")
    if mg_rng_set_variant(_RNG_VARIANTS[name]) != 0:
        raise ValueError(f"rng variant {name!r} is not supported on this CPU")


# --------------------------------------------------------------------------
# Dropout

def dropout_forward(x, p, seed, offset, out=None):
    """Training-mode dropout: returns (y, mask).

    y[i] = x[i] * (keep_i ? 1/(1-p) : +0.0)   (NaN/inf at dropped positions
    give NaN, a dropped negative gives -0.0, exactly like torch);
    mask = np.packbits(keep, bitorder='little') as uint8, ceil(n/8) bytes.
    keep_i depends only on (seed, offset, i).  out may be x (in place).
    """
    cdef double pd = _dropout_p(p)
    _float_array(x, "x")
    out = _out_array(out, x)
    cdef uint64_t s = _u64(seed, "seed"), o = _u64(offset, "offset")
    cdef int64_t n = x.size
    mask = np.empty((n + 7) // 8, dtype=np.uint8)
    if n == 0:
        return out, mask
    x = _aligned(x)
    dst = _aligned_target(out)
    cdef uint64_t thr
    cdef int wide = _threshold(pd, &thr)
    cdef double scale = dropout_scale(pd, x.dtype)
    cdef uint8_t[::1] mv = mask
    cdef uint8_t *mp = &mv[0]
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, _par_min_rng, &nt, &cs, &nch)
    cdef const float[::1] xf
    cdef float[::1] yf
    cdef const double[::1] xd
    cdef double[::1] yd
    cdef const float *xfp
    cdef float *yfp
    cdef const double *xdp
    cdef double *ydp
    cdef float sf = <float>scale
    if x.dtype == np.float32:
        xf = x.reshape(-1)
        yf = dst.reshape(-1)
        xfp = &xf[0]
        yfp = &yf[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_dropout_fwd_f32(xfp, yfp, mp, c * cs, min(c * cs + cs, n), thr, wide, sf, s, o)
    else:
        xd = x.reshape(-1)
        yd = dst.reshape(-1)
        xdp = &xd[0]
        ydp = &yd[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_dropout_fwd_f64(xdp, ydp, mp, c * cs, min(c * cs + cs, n), thr, wide, scale, s, o)
    return _copy_back(dst, out), mask


cdef _check_mask(mask, int64_t n):
    _plain_array(mask, "mask")
    if mask.dtype != np.uint8:
        raise TypeError(f"mask must have dtype uint8, got {mask.dtype}")
    if mask.ndim != 1 or mask.shape[0] != (n + 7) // 8:
        raise ValueError(f"mask must be 1-D with {(n + 7) // 8} bytes for {n} elements, "
                         f"got shape {mask.shape}")
    if not mask.flags.c_contiguous:
        raise ValueError("mask must be C-contiguous")


def dropout_backward(grad, mask, p, out=None):
    """dx[i] = grad[i] * (bit_i ? 1/(1-p) : +0.0), the torch formula
    grad * noise (so a NaN grad at a dropped position gives NaN).
    out may be grad (in place)."""
    cdef double pd = _dropout_p(p)
    _float_array(grad, "grad")
    cdef int64_t n = grad.size
    _check_mask(mask, n)
    out = _out_array(out, grad)
    if np.may_share_memory(out, mask):
        # the kernel would overwrite mask bytes it has yet to read
        raise ValueError("out must not overlap the mask")
    if n == 0:
        return out
    grad = _aligned(grad)
    dst = _aligned_target(out)
    cdef double scale = dropout_scale(pd, grad.dtype)
    cdef const uint8_t[::1] mv = mask
    cdef const uint8_t *mp = &mv[0]
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, _par_min_mem, &nt, &cs, &nch)
    cdef const float[::1] gf
    cdef float[::1] of
    cdef const double[::1] gd
    cdef double[::1] od
    cdef const float *gfp
    cdef float *ofp
    cdef const double *gdp
    cdef double *odp
    cdef float sf = <float>scale
    if grad.dtype == np.float32:
        gf = grad.reshape(-1)
        of = dst.reshape(-1)
        gfp = &gf[0]
        ofp = &of[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_dropout_bwd_f32(gfp, mp, ofp, c * cs, min(c * cs + cs, n), sf)
    else:
        gd = grad.reshape(-1)
        od = dst.reshape(-1)
        gdp = &gd[0]
        odp = &od[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_dropout_bwd_f64(gdp, mp, odp, c * cs, min(c * cs + cs, n), scale)
    return _copy_back(dst, out)


def bernoulli_mask(n, p, seed, offset):
    """Keep mask for n elements with keep probability 1 - p (p = the drop
    probability, as in dropout): uint8 array of ceil(n/8) bytes, bit i%8 of
    byte i//8 = keep_i.  Identical to the mask dropout_forward returns for
    the same (n, p, seed, offset) -- use it for channel-wise dropout, where
    the mask is per (N, C) and broadcast by the caller."""
    cdef double pd = _dropout_p(p)
    cdef int64_t nn = _count(n)
    cdef uint64_t s = _u64(seed, "seed"), o = _u64(offset, "offset")
    mask = np.empty((nn + 7) // 8, dtype=np.uint8)
    if nn == 0:
        return mask
    cdef uint64_t thr
    cdef int wide = _threshold(pd, &thr)
    cdef uint8_t[::1] mv = mask
    cdef uint8_t *mp = &mv[0]
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(nn, _par_min_rng, &nt, &cs, &nch)
    for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
        mg_bernoulli_mask(mp, c * cs, min(c * cs + cs, nn), thr, wide, s, o)
    return mask


def unpack_mask(bits, n, scale, dtype=np.float32):
    """Float mask of n elements: bit ? scale : 0.0 (dtype float32/float64).
    For channel-wise dropout: y = x * unpack_mask(...).reshape(N, C, 1, 1)
    reproduces torch's `input * noise` (NaN * 0 = NaN) in one numpy pass."""
    cdef int64_t nn = _count(n)
    cdef double sd = _real(scale, "scale")
    dtype = np.dtype(dtype)
    if dtype != np.float32 and dtype != np.float64:
        raise TypeError(f"dtype must be float32 or float64, got {dtype}")
    _check_mask(bits, nn)
    out = np.empty(nn, dtype=dtype)
    if nn == 0:
        return out
    cdef const uint8_t[::1] mv = bits
    cdef const uint8_t *mp = &mv[0]
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(nn, _par_min_mem, &nt, &cs, &nch)
    cdef float[::1] of
    cdef double[::1] od
    cdef float *ofp
    cdef double *odp
    cdef float sf = <float>sd
    if dtype == np.float32:
        of = out
        ofp = &of[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_unpack_mask_f32(mp, ofp, c * cs, min(c * cs + cs, nn), sf)
    else:
        od = out
        odp = &od[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_unpack_mask_f64(mp, odp, c * cs, min(c * cs + cs, nn), sd)
    return out


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


