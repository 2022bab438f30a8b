# Normalisation (included by _ops.pyx): batch norm over (N, C, L) and layer norm over (M, D),
# forward and backward (csrc/norm.h).
#
# Statistics are computed in one pass (shifted sums in double); every sum has an order fixed by
# the shape. Threads split channels (batch-norm statistics and gradient sums), rows (layer
# norm) or column blocks (layer norm's weight and bias gradients), never a single sum, and the
# elementwise passes compute each element on its own: the bits never depend on the thread
# count.

from libc.math cimport sqrt

cdef extern from "norm.h" nogil:
    int MG_NORM_COLS
    void mg_norm_init()
    int mg_norm_set_avx2(int on)
    int mg_norm_avx2_supported()
    int mg_norm_avx2
    void mg_bn_stats_f32(const float *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1,
                         double *mean, double *var)
    void mg_bn_stats_f64(const double *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1,
                         double *mean, double *var)
    void mg_bn_grad_sums_f32(const float *dy, const float *x, int64_t N, int64_t C, int64_t L,
                             int64_t c0, int64_t c1, const double *mean, double *sum_dy,
                             double *sum_dyx)
    void mg_bn_grad_sums_f64(const double *dy, const double *x, int64_t N, int64_t C, int64_t L,
                             int64_t c0, int64_t c1, const double *mean, double *sum_dy,
                             double *sum_dyx)
    void mg_bn_apply_f32(const float *u, const float *cu, const float *a, const float *v,
                         const float *cv, const float *b, const float *k, int64_t C, int64_t L,
                         int64_t n0, int64_t n1, float *out)
    void mg_bn_apply_f64(const double *u, const double *cu, const double *a, const double *v,
                         const double *cv, const double *b, const double *k, int64_t C,
                         int64_t L, int64_t n0, int64_t n1, double *out)
    void mg_ln_fwd_f32(const float *x, int64_t D, int64_t r0, int64_t r1, const float *w,
                       const float *b, double eps, float *y, double *mean, double *rstd)
    void mg_ln_fwd_f64(const double *x, int64_t D, int64_t r0, int64_t r1, const double *w,
                       const double *b, double eps, double *y, double *mean, double *rstd)
    void mg_ln_bwd_f32(const float *dy, const float *x, int64_t D, int64_t r0, int64_t r1,
                       const float *w, const double *mean, const double *rstd, float *dx)
    void mg_ln_bwd_f64(const double *dy, const double *x, int64_t D, int64_t r0, int64_t r1,
                       const double *w, const double *mean, const double *rstd, double *dx)
    void mg_ln_param_grads_f32(const float *dy, const float *x, int64_t M, int64_t D, int64_t j0,
                               int64_t j1, const double *mean, const double *rstd, float *dw,
                               float *db)
    void mg_ln_param_grads_f64(const double *dy, const double *x, int64_t M, int64_t D,
                               int64_t j0, int64_t j1, const double *mean, const double *rstd,
                               double *dw, double *db)


# The CPU dispatch (baseline or AVX2 copies of the same loops: the same bits), once, at import.
mg_norm_init()


def norm_variant():
    """The normalisation kernels in use: 'avx2' or 'generic' (both give the same bits)."""
    return "avx2" if mg_norm_avx2 else "generic"


def available_norm_variants():
    return ["generic", "avx2"] if mg_norm_avx2_supported() else ["generic"]


def set_norm_variant(name):
    """Tests: run the 'generic' or the 'avx2' copies of the normalisation kernels."""
    if name not in ("generic", "avx2"):
        raise ValueError(f"unknown norm variant {name!r}; expected 'generic' or 'avx2'")
    if mg_norm_set_avx2(name == "avx2") != 0:
        raise RuntimeError("the AVX2 variant is not supported by this CPU")


cdef _ncl(x, str name):
    _float_array(x, name)
    if x.ndim != 3:
        raise ValueError(f"{name} must be a 3-D array (N, C, L), got shape {x.shape}")
    return _aligned(x)


cdef _vector(v, int64_t n, dtype, str name):
    """A C-contiguous, aligned 1-D array of n values of `dtype`, or None."""
    if v is None:
        return None
    _plain_array(v, name)
    if v.dtype != dtype or v.shape != (n,):
        raise ValueError(f"{name} must be a {np.dtype(dtype)} array of shape ({n},), "
                         f"got {v.dtype} {v.shape}")
    return _aligned(np.ascontiguousarray(v))


cdef inline const void *_ptr(v):
    return NULL if v is None else cnp.PyArray_DATA(<cnp.ndarray>v)


cdef int _channel_plan(int64_t N, int64_t C, int64_t L, int64_t *nblocks, int64_t *width):
    """Tasks for a per-channel sum: one channel each, or blocks of MG_NORM_COLS when L == 1."""
    width[0] = MG_NORM_COLS if L == 1 else 1
    nblocks[0] = (C + width[0] - 1) // width[0]
    cdef int nt = _num_threads if N * C * L >= _par_min_mem else 1
    return <int>min(<int64_t>nt, nblocks[0])


def batch_norm_stats(x):
    """(mean, var) of each channel of x (N, C, L), N*L > 0: float64 arrays of C values, the
    variance biased (divided by N*L). One pass, shifted sums in double."""
    x = _ncl(x, "x")
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2], nb, wd, t
    if N * L == 0:
        raise ValueError(f"batch_norm_stats needs at least one value per channel, got shape {x.shape}")
    mean = np.empty(C, np.float64)
    var = np.empty(C, np.float64)
    if C == 0:
        return mean, var
    cdef int nt = _channel_plan(N, C, L, &nb, &wd)
    cdef const void *px = _ptr(x)
    cdef double *pm = <double *>_ptr(mean)
    cdef double *pv = <double *>_ptr(var)
    if x.dtype == np.float32:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_stats_f32(<const float *>px, N, C, L, t * wd, min(t * wd + wd, C), pm, pv)
    else:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_stats_f64(<const double *>px, N, C, L, t * wd, min(t * wd + wd, C), pm, pv)
    return mean, var


def batch_norm_grad_sums(dy, x=None, mean=None):
    """(sum_dy, sum_dyx): per channel of dy (N, C, L), sum(dy) and sum(dy * (x - mean[c]))
    (float64 arrays; sum_dyx is None without x). The bias gradient of a convolution or of a
    batch norm, and the weight gradient's dot product."""
    dy = _ncl(dy, "dy")
    cdef int64_t N = dy.shape[0], C = dy.shape[1], L = dy.shape[2], nb, wd, t
    if x is not None:
        x = _ncl(x, "x")
        _same_shape_dtype(dy, x, "dy", "x")
        mean = _vector(mean, C, np.float64, "mean")
        if mean is None:
            raise ValueError("batch_norm_grad_sums: x needs mean")
    sum_dy = np.zeros(C, np.float64)
    sum_dyx = np.zeros(C, np.float64) if x is not None else None
    if C == 0 or N * L == 0:
        return sum_dy, sum_dyx
    cdef int nt = _channel_plan(N, C, L, &nb, &wd)
    cdef const void *pg = _ptr(dy)
    cdef const void *px = _ptr(x)
    cdef const double *pm = <const double *>_ptr(mean)
    cdef double *s1 = <double *>_ptr(sum_dy)
    cdef double *s2 = <double *>_ptr(sum_dyx)
    if dy.dtype == np.float32:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_grad_sums_f32(<const float *>pg, <const float *>px, N, C, L, t * wd,
                                min(t * wd + wd, C), pm, s1, s2)
    else:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_grad_sums_f64(<const double *>pg, <const double *>px, N, C, L, t * wd,
                                min(t * wd + wd, C), pm, s1, s2)
    return sum_dy, sum_dyx


def batch_norm_apply(u, a, k, v=None, b=None, cu=None, cv=None):
    """out[n, c, l] = (u[n, c, l] - cu[c]) * a[c] + (v[n, c, l] - cv[c]) * b[c] + k[c] for u, v
    (N, C, L) and a, b, k, cu, cv (C,) of u's dtype (the v term only when v is given; cu, cv
    default to 0): the normalisation (u = x, cu = mean) and the input gradient (u = dy, v = x,
    cv = mean) of batch norm."""
    u = _ncl(u, "u")
    cdef int64_t N = u.shape[0], C = u.shape[1], L = u.shape[2], n
    a = _vector(a, C, u.dtype, "a")
    k = _vector(k, C, u.dtype, "k")
    cu = _vector(cu, C, u.dtype, "cu")
    if a is None or k is None:
        raise ValueError("batch_norm_apply needs a and k")
    if v is not None:
        v = _ncl(v, "v")
        _same_shape_dtype(u, v, "u", "v")
        b = _vector(b, C, u.dtype, "b")
        cv = _vector(cv, C, u.dtype, "cv")
        if b is None:
            raise ValueError("batch_norm_apply: v needs b")
    else:
        b = cv = None
    out = np.empty_like(u)
    if out.size == 0:
        return out
    cdef int nt = _num_threads if N * C * L >= _par_min_mem else 1
    if nt > N:
        nt = <int>N
    cdef const void *pu = _ptr(u)
    cdef const void *pcu = _ptr(cu)
    cdef const void *pv = _ptr(v)
    cdef const void *pcv = _ptr(cv)
    cdef const void *pa = _ptr(a)
    cdef const void *pb = _ptr(b)
    cdef const void *pk = _ptr(k)
    cdef void *po = <void *>_ptr(out)
    if u.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_bn_apply_f32(<const float *>pu, <const float *>pcu, <const float *>pa,
                            <const float *>pv, <const float *>pcv, <const float *>pb,
                            <const float *>pk, C, L, n, n + 1, <float *>po)
    else:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_bn_apply_f64(<const double *>pu, <const double *>pcu, <const double *>pa,
                            <const double *>pv, <const double *>pcv, <const double *>pb,
                            <const double *>pk, C, L, n, n + 1, <double *>po)
    return out


cdef _rows(x, str name):
    _float_array(x, name)
    if x.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (M, D), got shape {x.shape}")
    return _aligned(x)


def layer_norm_forward(x, weight=None, bias=None, eps=1e-5):
    """Layer norm of each row of x (M, D), D > 0: returns (y, mean, rstd) with
    y = (x - mean) * rstd * weight + bias, rstd = 1/sqrt(var + eps) (biased variance); mean and
    rstd are float64 arrays of M values. weight, bias: (D,) of x's dtype, or None."""
    x = _rows(x, "x")
    cdef int64_t M = x.shape[0], D = x.shape[1], r
    if D == 0:
        raise ValueError("layer_norm_forward needs rows of at least one value")
    weight = _vector(weight, D, x.dtype, "weight")
    bias = _vector(bias, D, x.dtype, "bias")
    cdef double e = _real(eps, "eps")
    y = np.empty_like(x)
    mean = np.empty(M, np.float64)
    rstd = np.empty(M, np.float64)
    if M == 0:
        return y, mean, rstd
    cdef int nt = _num_threads if M * D >= _par_min_mem else 1
    cdef const void *px = _ptr(x)
    cdef const void *pw = _ptr(weight)
    cdef const void *pb = _ptr(bias)
    cdef void *py = <void *>_ptr(y)
    cdef double *pm = <double *>_ptr(mean)
    cdef double *ps = <double *>_ptr(rstd)
    if x.dtype == np.float32:
        for r in prange(M, schedule='static', nogil=True, num_threads=nt):
            mg_ln_fwd_f32(<const float *>px, D, r, r + 1, <const float *>pw, <const float *>pb,
                          e, <float *>py, pm, ps)
    else:
        for r in prange(M, schedule='static', nogil=True, num_threads=nt):
            mg_ln_fwd_f64(<const double *>px, D, r, r + 1, <const double *>pw,
                          <const double *>pb, e, <double *>py, pm, ps)
    return y, mean, rstd


def layer_norm_backward(dy, x, weight, mean, rstd, need_input=True, need_weight=True,
                        need_bias=True):
    """(dx, dweight, dbias) of layer_norm_forward, None where not needed (dweight and dbias
    also when weight is None)."""
    dy = _rows(dy, "dy")
    x = _rows(x, "x")
    _same_shape_dtype(dy, x, "dy", "x")
    cdef int64_t M = x.shape[0], D = x.shape[1], r, t
    weight = _vector(weight, D, x.dtype, "weight")
    mean = _vector(mean, M, np.float64, "mean")
    rstd = _vector(rstd, M, np.float64, "rstd")
    if mean is None or rstd is None:
        raise ValueError("layer_norm_backward needs mean and rstd")
    dx = np.empty_like(x) if need_input else None
    dw = np.empty(D, x.dtype) if need_weight and weight is not None else None
    db = np.empty(D, x.dtype) if need_bias and weight is not None else None
    cdef int nt = _num_threads if M * D >= _par_min_mem else 1
    cdef const void *pg = _ptr(dy)
    cdef const void *px = _ptr(x)
    cdef const void *pw = _ptr(weight)
    cdef const double *pm = <const double *>_ptr(mean)
    cdef const double *ps = <const double *>_ptr(rstd)
    cdef void *pdx = <void *>_ptr(dx)
    cdef void *pdw = <void *>_ptr(dw)
    cdef void *pdb = <void *>_ptr(db)
    cdef int64_t nb = (D + MG_NORM_COLS - 1) // MG_NORM_COLS
    if dx is not None and M and D:
        if x.dtype == np.float32:
            for r in prange(M, schedule='static', nogil=True, num_threads=nt):
                mg_ln_bwd_f32(<const float *>pg, <const float *>px, D, r, r + 1,
                              <const float *>pw, pm, ps, <float *>pdx)
        else:
            for r in prange(M, schedule='static', nogil=True, num_threads=nt):
                mg_ln_bwd_f64(<const double *>pg, <const double *>px, D, r, r + 1,
                              <const double *>pw, pm, ps, <double *>pdx)
    if (dw is not None or db is not None) and D:
        nt = <int>min(<int64_t>nt, nb)
        if x.dtype == np.float32:
            for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
                mg_ln_param_grads_f32(<const float *>pg, <const float *>px, M, D, t * MG_NORM_COLS,
                                      min(t * MG_NORM_COLS + MG_NORM_COLS, D), pm, ps,
                                      <float *>pdw, <float *>pdb)
        else:
            for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
                mg_ln_param_grads_f64(<const double *>pg, <const double *>px, M, D,
                                      t * MG_NORM_COLS, min(t * MG_NORM_COLS + MG_NORM_COLS, D),
                                      pm, ps, <double *>pdw, <double *>pdb)
    return dx, dw, db


# --------------------------------------------------------------------------
# Batch norm's whole forward and backward: the kernels above plus the per-channel coefficients,
# worked out in double by a C loop (one call instead of a dozen numpy operations on C values,
# which cost more than the kernels for BatchNorm1d(512) at batch 128).

cdef _f64_or_none(v, int64_t n, str name):
    return None if v is None else _vector(np.asarray(v, dtype=np.float64), n, np.float64, name)


def batch_norm_train_stats(x, double eps, running_mean=None, running_var=None, double momentum=0.1):
    """(mean, invstd) of each channel of x (N, C, L) (float64; invstd = 1/sqrt(var + eps), var
    biased), and, when given, running_mean/running_var (C,) updated in place with PyTorch's rule:
    (1 - momentum) * running + momentum * batch, the variance unbiased (x M/(M-1))."""
    mean, var = batch_norm_stats(x)
    cdef int64_t C = mean.shape[0], c
    cdef double M = <double>x.shape[0] * x.shape[2]
    cdef double[::1] m = mean, v = var
    cdef double[::1] rmd, rvd
    cdef float[::1] rmf, rvf
    if running_mean is not None or running_var is not None:
        for name, buf in (("running_mean", running_mean), ("running_var", running_var)):
            _plain_array(buf, name)
            if buf.shape != (C,) or buf.dtype not in (np.float32, np.float64) or \
                    not buf.flags.c_contiguous or not buf.flags.writeable or not buf.flags.aligned:
                raise ValueError(f"{name} must be a writable, contiguous float array of shape ({C},)")
        if running_mean.dtype != running_var.dtype:
            raise ValueError("running_mean and running_var must have the same dtype")
        if running_mean.dtype == np.float32:
            rmf, rvf = running_mean, running_var
            for c in range(C):
                rmf[c] = <float>((1.0 - momentum) * rmf[c] + momentum * m[c])
                rvf[c] = <float>((1.0 - momentum) * rvf[c] + momentum * v[c] * (M / (M - 1.0)))
        else:
            rmd, rvd = running_mean, running_var
            for c in range(C):
                rmd[c] = (1.0 - momentum) * rmd[c] + momentum * m[c]
                rvd[c] = (1.0 - momentum) * rvd[c] + momentum * v[c] * (M / (M - 1.0))
    for c in range(C):
        v[c] = 1.0 / sqrt(v[c] + eps)
    return mean, var


def batch_norm_forward(x, mean, invstd, weight=None, bias=None):
    """y = (x - mean) * invstd * weight + bias per channel of x (N, C, L); mean, invstd: (C,)
    float64; weight, bias: (C,) of x's dtype or None."""
    x = _ncl(x, "x")
    cdef int64_t C = x.shape[1], c
    cdef double[::1] m = _f64_or_none(mean, C, "mean"), s = _f64_or_none(invstd, C, "invstd")
    w = _f64_or_none(weight, C, "weight")
    b = _f64_or_none(bias, C, "bias")
    cdef double[::1] wd = w if w is not None else np.ones(C)
    cdef double[::1] bd = b if b is not None else np.zeros(C)
    a = np.empty(C, np.float64)
    cdef double[::1] ad = a
    for c in range(C):
        ad[c] = s[c] * wd[c]
    return batch_norm_apply(x, a.astype(x.dtype), np.asarray(bd).astype(x.dtype),
                            cu=np.asarray(m).astype(x.dtype))


def batch_norm_backward(dy, x, mean, invstd, weight=None, training=True, need_input=True,
                        need_weight=True, need_bias=True):
    """(dx, dweight, dbias) of batch_norm_forward, None where not needed. training: the
    statistics were the batch's (their gradient flows into dx), else constants."""
    dy = _ncl(dy, "dy")
    x = _ncl(x, "x")
    cdef int64_t C = x.shape[1], c
    cdef double M = <double>x.shape[0] * x.shape[2]
    cdef double[::1] s = _f64_or_none(invstd, C, "invstd")
    mean = _f64_or_none(mean, C, "mean")
    sum_dy, sum_dyx = batch_norm_grad_sums(dy, x, mean)
    cdef double[::1] s1 = sum_dy, s2 = sum_dyx
    dx = dw = db = None
    w = _f64_or_none(weight, C, "weight")
    cdef double[::1] wd = w if w is not None else np.ones(C)
    cdef double[::1] ad, bd, kd
    if need_input:
        a, b, k = np.empty(C), np.zeros(C), np.zeros(C)
        ad, bd, kd = a, b, k
        for c in range(C):
            ad[c] = s[c] * wd[c]
            if training and M > 0:
                # dx = a * (dy - sum_dy / M - (x - mean) * invstd^2 * sum_dyx / M)
                bd[c] = -ad[c] * s[c] * s[c] * s2[c] / M
                kd[c] = -ad[c] * s1[c] / M
        if training:
            dx = batch_norm_apply(dy, a.astype(x.dtype), k.astype(x.dtype), x, b.astype(x.dtype),
                                  cv=mean.astype(x.dtype))
        else:
            dx = batch_norm_apply(dy, a.astype(x.dtype), k.astype(x.dtype))
    if need_weight:
        dw = (sum_dyx * np.asarray(s)).astype(x.dtype)
    if need_bias:
        db = sum_dy.astype(x.dtype)
    return dx, dw, db
