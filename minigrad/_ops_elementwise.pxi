# Elementwise kernels (included by _ops.pyx): ReLU forward and backward, matching torch bit
# for bit (NaN propagates; -0.0 stays -0.0; backward passes the gradient where result > 0 or is
# NaN). Same pattern as the random kernels: fixed chunks, static prange, one C call per chunk.

cdef extern from "rng.h" nogil:
    void mg_relu_fwd_f32(const float *x, float *y, int64_t start, int64_t end)
    void mg_relu_fwd_f64(const double *x, double *y, int64_t start, int64_t end)
    void mg_relu_bwd_f32(const float *g, const float *r, float *dx,
                         int64_t start, int64_t end)
    void mg_relu_bwd_f64(const double *g, const double *r, double *dx,
                         int64_t start, int64_t end)


# The CPU dispatch choice is made once, here, at import.
mg_rng_init()


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
