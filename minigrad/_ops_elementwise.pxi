# Elementwise kernels (included by _ops.pyx): ReLU forward and backward, matching torch bit
# for bit (NaN propagates; -0.0 stays -0.0; backward passes the gradient where result > 0 or is
# NaN), and the fused multiply-add of the optimizers. Same pattern as the random kernels: fixed
# chunks, static prange, one C call per chunk. ReLU runs the variant of the random/dropout family
# (rng_variant()); fma has its own (fma_variant()); MINIGRAD_KERNELS sets both.

cdef extern from "relu.h" nogil:
    void mg_relu_fwd_f32(const float *x, float *y, int64_t start, int64_t end)
    void mg_relu_fwd_f64(const double *x, double *y, int64_t start, int64_t end)
    void mg_relu_bwd_f32(const float *g, const float *r, float *dx,
                         int64_t start, int64_t end)
    void mg_relu_bwd_f64(const double *g, const double *r, double *dx,
                         int64_t start, int64_t end)


# --------------------------------------------------------------------------
# ReLU

def relu_forward(x, out=None):
    """y = x < 0 ? +0 : x -- torch.relu bit for bit (NaN stays NaN, -0.0
    stays -0.0).  out may be x (in place)."""
    _float_array(x, "x")
    out = _out_array(out, x)
    cdef int64_t n = x.size
    if n == 0:
        return out
    x = _aligned(x)
    dst = _aligned_target(out)
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, _par_min_mem, &nt, &cs, &nch)
    cdef const float[::1] xf
    cdef float[::1] yf
    cdef const double[::1] xd
    cdef double[::1] yd
    cdef const float *xfp
    cdef float *yfp
    cdef const double *xdp
    cdef double *ydp
    if x.dtype == np.float32:
        xf = x.reshape(-1)
        yf = dst.reshape(-1)
        xfp = &xf[0]
        yfp = &yf[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_relu_fwd_f32(xfp, yfp, c * cs, min(c * cs + cs, n))
    else:
        xd = x.reshape(-1)
        yd = dst.reshape(-1)
        xdp = &xd[0]
        ydp = &yd[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_relu_fwd_f64(xdp, ydp, c * cs, min(c * cs + cs, n))
    return _copy_back(dst, out)


def relu_backward(grad, result, out=None):
    """dx = result <= 0 ? +0 : grad -- torch's threshold_backward (a NaN
    result passes grad through; a NaN grad where result <= 0 gives 0).
    out may be grad or result (in place)."""
    _float_array(grad, "grad")
    _float_array(result, "result")
    _same_shape_dtype(grad, result, "grad", "result")
    out = _out_array(out, grad)
    _check_overlap(out, result, "out")
    cdef int64_t n = grad.size
    if n == 0:
        return out
    grad = _aligned(grad)
    result = _aligned(result)
    dst = _aligned_target(out)
    cdef int nt
    cdef int64_t c, cs, nch
    _plan(n, _par_min_mem, &nt, &cs, &nch)
    cdef const float[::1] gf, rf
    cdef float[::1] of
    cdef const double[::1] gd, rd
    cdef double[::1] od
    cdef const float *gfp
    cdef const float *rfp
    cdef float *ofp
    cdef const double *gdp
    cdef const double *rdp
    cdef double *odp
    if grad.dtype == np.float32:
        gf = grad.reshape(-1)
        rf = result.reshape(-1)
        of = dst.reshape(-1)
        gfp = &gf[0]
        rfp = &rf[0]
        ofp = &of[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_relu_bwd_f32(gfp, rfp, ofp, c * cs, min(c * cs + cs, n))
    else:
        gd = grad.reshape(-1)
        rd = result.reshape(-1)
        od = dst.reshape(-1)
        gdp = &gd[0]
        rdp = &rd[0]
        odp = &od[0]
        for c in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_relu_bwd_f64(gdp, rdp, odp, c * cs, min(c * cs + cs, n))
    return _copy_back(dst, out)


# --------------------------------------------------------------------------
# Fused multiply-add: out = a * b + c rounded once.
#
# PyTorch's CPU kernels for add(x, alpha=s), lerp and addcmul are vectorised with FMA instructions,
# so an optimizer step rounds each element once where numpy's separate multiply and add round
# twice. fma is correctly rounded by definition, so the result is the same on every machine
# (csrc/fma.h: the FMA instruction when the CPU has it, C99's fma() otherwise) and for any thread
# count: each element is computed on its own.

cdef extern from "fma.h" nogil:
    void mg_fma_f64(const double *a, int64_t sa, const double *b, int64_t sb,
                    const double *c, double *out, int64_t start, int64_t end)
    void mg_fma_f32(const float *a, int64_t sa, const float *b, int64_t sb,
                    const float *c, float *out, int64_t start, int64_t end)
    void mg_fma_init()
    int mg_fma_set_variant(int v)
    int mg_fma_get_variant()


mg_fma_init()

_FMA_VARIANTS = {"generic": MG_V_GENERIC, "avx2": MG_V_AVX2, "avx512": MG_V_AVX512}


def fma_variant():
    """Name of the fma kernel variant in use: 'generic' (C99 fma()), 'avx2' or 'avx512'."""
    return mg_variant_name(mg_fma_get_variant()).decode()


def available_fma_variants():
    """The fma variants this CPU can run, plainest first."""
    return [name for name, v in _FMA_VARIANTS.items() if mg_cpu_supports(v)]


def set_fma_variant(name):
    """Tests: force an fma variant ('generic', 'avx2', 'avx512')."""
    if name not in _FMA_VARIANTS:
        raise ValueError(f"unknown fma variant {name!r}; expected one of {list(_FMA_VARIANTS)}")
    if mg_fma_set_variant(_FMA_VARIANTS[name]) != 0:
        raise ValueError(f"fma variant {name!r} is not supported on this CPU; it supports "
                         f"{available_fma_variants()}")


def _fma_set_hardware(on):
    """Tests: use the FMA instruction (True: the best SIMD variant) or the portable C99 fma()
    loop (False)."""
    if not on:
        set_fma_variant("generic")
    elif mg_fma_set_variant(mg_cpu_best_variant()) != 0 or fma_variant() == "generic":
        raise RuntimeError("this CPU has no FMA instruction")


def _fma_uses_hardware():
    return fma_variant() != "generic"


cdef _fma_operand(v, c, str name):
    """A real scalar (as a 1-element array of c's dtype, read with stride 0) or an array of c's
    shape and dtype (stride 1)."""
    if isinstance(v, np.ndarray) and v.ndim > 0:
        _float_array(v, name)
        _same_shape_dtype(v, c, name, "c")
        return _aligned(v), 1
    if isinstance(v, np.ndarray):
        v = v.item()
    return np.array([_real(v, name)], dtype=c.dtype), 0


def fma(a, b, c, out=None):
    """out = a * b + c with a single rounding, elementwise (float32 or float64).

    c is a C-contiguous array; a and b are each a real number or an array of c's shape and
    dtype. out (optional) has c's shape and dtype and may be c, a or b themselves (in place) but
    must not partly overlap any of them."""
    _float_array(c, "c")
    av, sa_ = _fma_operand(a, c, "a")
    bv, sb_ = _fma_operand(b, c, "b")
    out = _out_array(out, c)
    if sa_:
        _check_overlap(out, av, "out")
    if sb_:
        _check_overlap(out, bv, "out")
    cdef int64_t n = c.size
    if n == 0:
        return out
    c = _aligned(c)
    dst = _aligned_target(out)
    cdef int64_t sa = sa_, sb = sb_
    cdef int nt
    cdef int64_t ch, cs, nch
    _plan(n, _par_min_mem, &nt, &cs, &nch)
    cdef const double[::1] ad, bd, cd
    cdef double[::1] od
    cdef const float[::1] af, bf, cf
    cdef float[::1] of
    cdef const double *adp
    cdef const double *bdp
    cdef const double *cdp
    cdef double *odp
    cdef const float *afp
    cdef const float *bfp
    cdef const float *cfp
    cdef float *ofp
    if c.dtype == np.float64:
        ad = av.reshape(-1)
        bd = bv.reshape(-1)
        cd = c.reshape(-1)
        od = dst.reshape(-1)
        adp = &ad[0]
        bdp = &bd[0]
        cdp = &cd[0]
        odp = &od[0]
        for ch in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_fma_f64(adp, sa, bdp, sb, cdp, odp, ch * cs, min(ch * cs + cs, n))
    else:
        af = av.reshape(-1)
        bf = bv.reshape(-1)
        cf = c.reshape(-1)
        of = dst.reshape(-1)
        afp = &af[0]
        bfp = &bf[0]
        cfp = &cf[0]
        ofp = &of[0]
        for ch in prange(nch, schedule='static', nogil=True, num_threads=nt):
            mg_fma_f32(afp, sa, bfp, sb, cfp, ofp, ch * cs, min(ch * cs + cs, n))
    return _copy_back(dst, out)
