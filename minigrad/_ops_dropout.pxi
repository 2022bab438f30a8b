# Dropout (included by _ops.pyx): the forward pass draws keep bits from the Philox stream
# (csrc/dropout.h) and stores them bit-packed; the backward pass and channel-wise dropout only
# read those bits (csrc/dropout_backward.h). The same (seed, offset) gives the same mask in every
# kernel variant and on any number of threads.

cdef extern from "dropout.h" nogil:
    void mg_dropout_fwd_f32(const float *x, float *y, uint8_t *mask,
                            int64_t start, int64_t end, uint64_t thr, int wide,
                            float scale, uint64_t seed, uint64_t offset)
    void mg_dropout_fwd_f64(const double *x, double *y, uint8_t *mask,
                            int64_t start, int64_t end, uint64_t thr, int wide,
                            double scale, uint64_t seed, uint64_t offset)
    void mg_bernoulli_mask(uint8_t *mask, int64_t start, int64_t end,
                           uint64_t thr, int wide, uint64_t seed, uint64_t offset)

cdef extern from "dropout_backward.h" nogil:
    void mg_dropout_bwd_f32(const float *dy, const uint8_t *mask, float *dx,
                            int64_t start, int64_t end, float scale)
    void mg_dropout_bwd_f64(const double *dy, const uint8_t *mask, double *dx,
                            int64_t start, int64_t end, double scale)
    void mg_unpack_mask_f32(const uint8_t *mask, float *out, int64_t start,
                            int64_t end, float scale)
    void mg_unpack_mask_f64(const uint8_t *mask, double *out, int64_t start,
                            int64_t end, double scale)


# --------------------------------------------------------------------------
# The drop probability, the mask path and the scale

cdef double _dropout_p(p) except? -1.0:
    # Same range check and message as torch.nn.functional.dropout; a non-number is a TypeError.
    if isinstance(p, (str, bytes, complex)) or p is None or not isinstance(p, numbers.Real):
        raise TypeError(f"dropout probability must be a real number, got {type(p).__name__}")
    p = float(p)
    if p < 0.0 or p > 1.0 or p != p:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


# The 16-bit path compares two 16-bit halves of each 32-bit draw with T = round(q * 65536), so
# its keep probability is T/65536, not q. That is kept only where it is accurate to 1e-4 relative
# (of both q and p: a drop rate of 1e-5 must not become 1.5e-5); elsewhere each element gets a
# whole 32-bit draw (half the throughput of random bits). See csrc/dropout.h for the layout.
cdef double _T16_REL_ERR = 1e-4


cdef int _threshold(double p, uint64_t *thr) noexcept:
    """The mask path for drop probability p: returns 0 (16-bit, T in [0, 2^16]) or 1 (32-bit,
    T in [0, 2^32]) and stores T; keep iff draw < T. A function of p only, so dropout_forward
    and bernoulli_mask always agree."""
    cdef double q = 1.0 - p
    cdef uint64_t t16 = <uint64_t>(q * 65536.0 + 0.5)
    if abs(<double>t16 / 65536.0 - q) <= _T16_REL_ERR * min(p, q):
        thr[0] = t16
        return 0
    thr[0] = <uint64_t>(q * 4294967296.0 + 0.5)   # q * 2^32 is exact: only the rounding errs
    return 1


def _dropout_threshold(p):
    """Tests/docs: (bits, T) used for drop probability p: bits 16 or 32, keep iff draw < T."""
    cdef uint64_t thr
    cdef int wide = _threshold(_dropout_p(p), &thr)
    return (32 if wide else 16, int(thr))


def dropout_scale(p, dtype):
    """1/(1-p) as torch computes it: for float32 a float32 division
    (torch divides a float32 tensor by the scalar 1-p), for float64 a double
    one; 0 for p == 1 (nothing is kept then).  Use it for unpack_mask so
    channel-wise dropout gets the same scale as torch."""
    if p >= 1.0:
        return 0.0
    if dtype == np.float32:
        return float(np.float32(1.0) / np.float32(1.0 - p))
    return 1.0 / (1.0 - p)


# --------------------------------------------------------------------------
# Forward, backward, masks

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
