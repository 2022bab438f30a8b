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
    int mg_layers_set_variant(int v)
    int mg_layers_get_variant()
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


# Variants of the layer kernels: normalisation, pooling and direct convolution (one family,
# csrc/simd_clones.h: the generic, AVX2 and AVX-512 copies of the same loops, the same bits).
# MINIGRAD_KERNELS (_ops.pyx) sets it at import together with the other families; tests switch
# it here.

_LAYERS_VARIANTS = {"generic": MG_V_GENERIC, "avx2": MG_V_AVX2, "avx512": MG_V_AVX512}


def layers_variant():
    """Name of the normalisation/pooling/direct-convolution kernel variant in use: 'generic',
    'avx2' or 'avx512'."""
    return mg_variant_name(mg_layers_get_variant()).decode()


def available_layers_variants():
    """The variants this CPU can run, plainest first."""
    return [name for name, v in _LAYERS_VARIANTS.items() if mg_cpu_supports(v)]


def set_layers_variant(name):
    """Tests: force a variant ('generic', 'avx2', 'avx512')."""
    if name not in _LAYERS_VARIANTS:
        raise ValueError(f"unknown layers variant {name!r}; expected one of "
                         f"{list(_LAYERS_VARIANTS)}")
    if mg_layers_set_variant(_LAYERS_VARIANTS[name]) != 0:
        raise ValueError(f"layers variant {name!r} is not supported on this CPU; it supports "
                         f"{available_layers_variants()}")


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
# Batch norm's whole forward and backward, one kernel call each (csrc/norm.h): statistics, the
# running update, the coefficients and the elementwise pass for a block of channels, one
# parallel region over the blocks. For BatchNorm1d(512) at batch 128 the work is ~30 us, so the
# Python around it is what counts: one call, few checks.

cdef extern from "norm.h" nogil:
    void mg_bn_forward_f32(const float *x, int64_t N, int64_t C, int64_t L, int64_t c0,
                           int64_t c1, int training, double eps, double momentum, const float *w,
                           const float *b, float *rm, float *rv, double *mean, double *invstd,
                           float *y)
    void mg_bn_forward_f64(const double *x, int64_t N, int64_t C, int64_t L, int64_t c0,
                           int64_t c1, int training, double eps, double momentum,
                           const double *w, const double *b, double *rm, double *rv,
                           double *mean, double *invstd, double *y)
    void mg_bn_backward_f32(const float *dy, const float *x, int64_t N, int64_t C, int64_t L,
                            int64_t c0, int64_t c1, int training, const double *mean,
                            const double *invstd, const float *w, double *sum_dy,
                            double *sum_dyx, float *dx, float *dw, float *db)
    void mg_bn_backward_f64(const double *dy, const double *x, int64_t N, int64_t C, int64_t L,
                            int64_t c0, int64_t c1, int training, const double *mean,
                            const double *invstd, const double *w, double *sum_dy,
                            double *sum_dyx, double *dx, double *dw, double *db)


cdef _param(v, int64_t C, dtype, str name, bint writable=False):
    """A channel vector for the fused kernels: None, or a C-contiguous aligned (C,) array of
    `dtype` (writable for the running statistics, which are updated in place)."""
    if v is None:
        return None
    _plain_array(v, name)
    if v.dtype != dtype or v.shape != (C,):
        raise ValueError(f"{name} must be a {np.dtype(dtype)} array of shape ({C},), got "
                         f"{v.dtype} {v.shape}")
    if not writable:
        return _aligned(np.ascontiguousarray(v))
    if not v.flags.c_contiguous or not v.flags.aligned or not v.flags.writeable:
        raise ValueError(f"{name} must be a writable, contiguous, aligned array (it is updated "
                         f"in place)")
    return v


cdef int _bn_blocks(int64_t N, int64_t C, int64_t L, int64_t *nblocks, int64_t *width):
    """Tasks of the fused kernels: blocks of MG_NORM_COLS channels when L == 1 (the kernels
    vectorise across a row's channels), else of ceil(C / 64) channels (at most 64 tasks)."""
    width[0] = MG_NORM_COLS if L == 1 else max(1, (C + 63) // 64)
    nblocks[0] = (C + width[0] - 1) // width[0]
    cdef int nt = _num_threads if N * C * L >= _par_min_mem else 1
    return <int>min(<int64_t>nt, nblocks[0])


def batch_norm_forward(x, weight=None, bias=None, running_mean=None, running_var=None,
                       training=True, double momentum=0.1, double eps=1e-5):
    """(y, mean, invstd) of batch norm over each channel of x (N, C, L):
    y = (x - mean) * invstd * weight + bias, invstd = 1/sqrt(var + eps) (float64 (C,) arrays).
    training: the batch's statistics (an empty batch: mean 0, invstd 1), and running_mean/running_var, when given, updated
    in place: (1 - momentum) * running + momentum * batch, the variance unbiased. Otherwise the
    running statistics (both needed). weight, bias, running_*: (C,) arrays of x's dtype, or None."""
    x = _ncl(x, "x")
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2], nb, wd, t
    dt = x.dtype
    weight = _param(weight, C, dt, "weight")
    bias = _param(bias, C, dt, "bias")
    running_mean = _param(running_mean, C, dt, "running_mean", True)
    running_var = _param(running_var, C, dt, "running_var", True)
    cdef int tr = 1 if training else 0
    if not tr and (running_mean is None or running_var is None):
        raise ValueError("batch_norm_forward: evaluation needs running_mean and running_var")
    y = np.empty_like(x)
    if tr and N * L == 0:  # an empty batch: nothing to normalise, running statistics unchanged
        return y, np.zeros(C), np.ones(C)
    mean = np.empty(C, np.float64)
    invstd = np.empty(C, np.float64)
    if C == 0:
        return y, mean, invstd
    cdef int nt = _bn_blocks(N, C, L, &nb, &wd)
    cdef const void *px = _ptr(x)
    cdef const void *pw = _ptr(weight)
    cdef const void *pb = _ptr(bias)
    cdef void *prm = <void *>_ptr(running_mean)
    cdef void *prv = <void *>_ptr(running_var)
    cdef double *pm = <double *>_ptr(mean)
    cdef double *ps = <double *>_ptr(invstd)
    cdef void *py = <void *>_ptr(y)
    if dt == np.float32:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_forward_f32(<const float *>px, N, C, L, t * wd, min(t * wd + wd, C), tr, eps,
                              momentum, <const float *>pw, <const float *>pb, <float *>prm,
                              <float *>prv, pm, ps, <float *>py)
    else:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_forward_f64(<const double *>px, N, C, L, t * wd, min(t * wd + wd, C), tr, eps,
                              momentum, <const double *>pw, <const double *>pb, <double *>prm,
                              <double *>prv, pm, ps, <double *>py)
    return y, mean, invstd


def batch_norm_backward(dy, x, mean, invstd, weight=None, training=True, need_input=True,
                        need_weight=True, need_bias=True):
    """(dx, dweight, dbias) of batch_norm_forward, None where not needed. training: the
    statistics were the batch's (their gradient flows into dx), else constants."""
    dy = _ncl(dy, "dy")
    x = _ncl(x, "x")
    _same_shape_dtype(dy, x, "dy", "x")
    cdef int64_t N = x.shape[0], C = x.shape[1], L = x.shape[2], nb, wd, t
    dt = x.dtype
    mean = _param(mean, C, np.float64, "mean")
    invstd = _param(invstd, C, np.float64, "invstd")
    if mean is None or invstd is None:
        raise ValueError("batch_norm_backward needs mean and invstd")
    weight = _param(weight, C, dt, "weight")
    dx = np.empty_like(x) if need_input else None
    dw = np.empty(C, dt) if need_weight else None
    db = np.empty(C, dt) if need_bias else None
    if C == 0 or (dx is None and dw is None and db is None):
        return dx, dw, db
    sums = np.empty((2, C), np.float64)
    cdef int tr = 1 if training else 0
    cdef int nt = _bn_blocks(N, C, L, &nb, &wd)
    cdef const void *pg = _ptr(dy)
    cdef const void *px = _ptr(x)
    cdef const double *pm = <const double *>_ptr(mean)
    cdef const double *ps = <const double *>_ptr(invstd)
    cdef const void *pw = _ptr(weight)
    cdef double *s1 = <double *>_ptr(sums)
    cdef void *pdx = <void *>_ptr(dx)
    cdef void *pdw = <void *>_ptr(dw)
    cdef void *pdb = <void *>_ptr(db)
    if dt == np.float32:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_backward_f32(<const float *>pg, <const float *>px, N, C, L, t * wd,
                               min(t * wd + wd, C), tr, pm, ps, <const float *>pw, s1, s1 + C,
                               <float *>pdx, <float *>pdw, <float *>pdb)
    else:
        for t in prange(nb, schedule='static', nogil=True, num_threads=nt):
            mg_bn_backward_f64(<const double *>pg, <const double *>px, N, C, L, t * wd,
                               min(t * wd + wd, C), tr, pm, ps, <const double *>pw, s1, s1 + C,
                               <double *>pdx, <double *>pdw, <double *>pdb)
    return dx, dw, db
