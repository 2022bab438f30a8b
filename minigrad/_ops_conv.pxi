# Convolution packing (included by _ops.pyx): im2col and its adjoint col2im (csrc/im2col.h).
#
# A convolution is then matrix products through the GEMM's Python entry points (matmul, bmm):
# minigrad/ops/convolution.py does that part. These wrappers check the arguments, and run one
# C call per (sample, channel) plane in a static prange. A plane's values are only moved
# (im2col) or summed in a fixed order by one thread (col2im), so the results never depend on
# the thread count.

cdef extern from "im2col.h" nogil:
    ctypedef struct mg_conv_geom:
        int64_t H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo
    void mg_im2col_f32(const float *x, const mg_conv_geom *g, float *cols, int64_t ld)
    void mg_im2col_f64(const double *x, const mg_conv_geom *g, double *cols, int64_t ld)
    void mg_col2im_f32(const float *cols, int64_t ld, const mg_conv_geom *g, float *dx)
    void mg_col2im_f64(const double *cols, int64_t ld, const mg_conv_geom *g, double *dx)


cdef _int_pair(v, str name, int64_t low):
    """Two integers >= low (a 2-tuple or list)."""
    if not isinstance(v, (tuple, list)) or len(v) != 2:
        raise TypeError(f"{name} must be a pair of integers, got {v!r}")
    out = []
    for e in v:
        if isinstance(e, bool) or isinstance(e, float):
            raise TypeError(f"{name} must be a pair of integers, got {v!r}")
        e = operator.index(e)
        if e < low or e > _MAX_COUNT:
            raise ValueError(f"{name} must be a pair of integers >= {low}, got {tuple(v)}")
        out.append(e)
    return out


cdef int _conv_geom(mg_conv_geom *g, int64_t H, int64_t W, kernel, stride, padding,
                    dilation, output_size=None) except -1:
    """The geometry; output_size (Ho, Wo), when given, replaces the symmetric-padding sizes
    (asymmetric padding: the extra bottom/right rows read as zeros; any size is memory-safe,
    the kernels check every input position)."""
    g.H, g.W = H, W
    g.kh, g.kw = _int_pair(kernel, "kernel_size", 1)
    g.sh, g.sw = _int_pair(stride, "stride", 1)
    g.ph, g.pw = _int_pair(padding, "padding", 0)
    g.dh, g.dw = _int_pair(dilation, "dilation", 1)
    cdef int64_t eh = g.dh * (g.kh - 1) + 1, ew = g.dw * (g.kw - 1) + 1
    if output_size is not None:
        g.Ho, g.Wo = _int_pair(output_size, "output_size", 0)
        return 0
    if H + 2 * g.ph < eh or W + 2 * g.pw < ew:
        raise ValueError(f"the (dilated) kernel {eh}x{ew} is larger than the padded input "
                         f"{H + 2 * g.ph}x{W + 2 * g.pw}")
    g.Ho = (H + 2 * g.ph - eh) // g.sh + 1
    g.Wo = (W + 2 * g.pw - ew) // g.sw + 1
    return 0


def conv_output_size(input_size, kernel, stride, padding, dilation):
    """(Ho, Wo) of a convolution (or pooling without ceil_mode) of an (H, W) plane."""
    cdef mg_conv_geom g
    h, w = _int_pair(input_size, "input_size", 0)
    _conv_geom(&g, h, w, kernel, stride, padding, dilation)
    return (g.Ho, g.Wo)


def im2col(x, kernel, stride, padding, dilation, output_size=None, ones_row=False):
    """cols (N, C*kh*kw, Ho*Wo) of x (N, C, H, W), a C-contiguous float32/float64 array:
    cols[n, (c*kh + i)*kw + j, oh*Wo + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw],
    0 in the padding. ones_row=True adds a last row of ones (N, C*kh*kw + 1, Ho*Wo): the
    convolution's bias then rides in the GEMM as one more weight column, and the bias gradient
    comes out of the weight gradient's GEMM as one more column."""
    _float_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"im2col expects a 4-D array (N, C, H, W), got shape {x.shape}")
    cdef mg_conv_geom g
    _conv_geom(&g, x.shape[2], x.shape[3], kernel, stride, padding, dilation, output_size)
    cdef int64_t N = x.shape[0], C = x.shape[1], KK = g.kh * g.kw, L = g.Ho * g.Wo
    cdef int64_t extra = 1 if ones_row else 0, rows = C * KK + extra
    cols = np.empty((N, rows, L), dtype=x.dtype)
    if extra:
        cols[:, rows - 1, :] = 1
    cdef int64_t HW = g.H * g.W, p, n
    if N * C == 0 or KK * L == 0:
        return cols
    x = _aligned(x)
    cdef int nt = _num_threads if N * C * KK * L >= _par_min_mem else 1
    cdef cnp.ndarray X = x, Y = cols
    cdef char *px = <char *>cnp.PyArray_DATA(X)
    cdef char *py = <char *>cnp.PyArray_DATA(Y)
    cdef int64_t es = x.itemsize
    if x.dtype == np.float32:
        for p in prange(N * C, schedule='static', nogil=True, num_threads=nt):
            n = p // C
            mg_im2col_f32(<const float *>(px + p * HW * es), &g,
                          <float *>(py + (n * rows + (p - n * C) * KK) * L * es), L)
    else:
        for p in prange(N * C, schedule='static', nogil=True, num_threads=nt):
            n = p // C
            mg_im2col_f64(<const double *>(px + p * HW * es), &g,
                          <double *>(py + (n * rows + (p - n * C) * KK) * L * es), L)
    return cols


def col2im(cols, input_size, kernel, stride, padding, dilation, output_size=None, out=None):
    """The adjoint of im2col: dx (N, C, H, W) with every entry of cols (N, C*kh*kw, Ho*Wo)
    added to the input pixel it was read from (padding entries are dropped). out: a
    C-contiguous (N, C, H, W) array of cols' dtype to write dx into (overwritten)."""
    _float_array(cols, "cols")
    if cols.ndim != 3:
        raise ValueError(f"col2im expects a 3-D array (N, C*kh*kw, Ho*Wo), got shape {cols.shape}")
    h, w = _int_pair(input_size, "input_size", 0)
    cdef mg_conv_geom g
    _conv_geom(&g, h, w, kernel, stride, padding, dilation, output_size)
    cdef int64_t KK = g.kh * g.kw, L = g.Ho * g.Wo, N = cols.shape[0]
    if cols.shape[1] % KK or cols.shape[2] != L:
        raise ValueError(f"col2im: cols of shape {cols.shape} do not match a {g.kh}x{g.kw} kernel "
                         f"with {g.Ho}x{g.Wo} outputs")
    cdef int64_t C = cols.shape[1] // KK
    if out is None:
        dx = np.empty((N, C, g.H, g.W), dtype=cols.dtype)
    else:
        dx = _out_array(out, np.empty((N, C, g.H, g.W), dtype=cols.dtype))
        _check_overlap(dx, cols, "out")
    target = dx
    dx = _aligned_target(dx)
    cdef int64_t planes = N * C, HW = g.H * g.W, p
    if planes == 0 or HW == 0:
        return target
    if KK * L == 0:
        target[...] = 0
        return target
    cols = _aligned(cols)
    cdef int nt = _num_threads if planes * KK * L >= _par_min_mem else 1
    cdef cnp.ndarray X = cols, Y = dx
    cdef char *px = <char *>cnp.PyArray_DATA(X)
    cdef char *py = <char *>cnp.PyArray_DATA(Y)
    cdef int64_t es = cols.itemsize
    if cols.dtype == np.float32:
        for p in prange(planes, schedule='static', nogil=True, num_threads=nt):
            mg_col2im_f32(<const float *>(px + p * KK * L * es), L, &g,
                          <float *>(py + p * HW * es))
    else:
        for p in prange(planes, schedule='static', nogil=True, num_threads=nt):
            mg_col2im_f64(<const double *>(px + p * KK * L * es), L, &g,
                          <double *>(py + p * HW * es))
    return _copy_back(dx, target)


# --------------------------------------------------------------------------
# One input channel, computed directly (csrc/conv_direct.h): one sample per task.

cdef extern from "conv_direct.h" nogil:
    ctypedef struct mg_direct_geom:
        int64_t W, Cout, kh, kw, sh, sw, dh, dw, Ho, Wo
    void mg_direct_fwd_f32(const float *x, const float *w, const float *b,
                           const mg_direct_geom *g, float *out)
    void mg_direct_fwd_f64(const double *x, const double *w, const double *b,
                           const mg_direct_geom *g, double *out)
    void mg_direct_wgrad_f32(const float *x, const float *d, const mg_direct_geom *g,
                             int with_bias, float *P)
    void mg_direct_wgrad_f64(const double *x, const double *d, const mg_direct_geom *g,
                             int with_bias, double *P)
    void mg_direct_dgrad_f32(const float *d, const float *w, const mg_direct_geom *g, int64_t H,
                             float *dx)
    void mg_direct_dgrad_f64(const double *d, const double *w, const mg_direct_geom *g,
                             int64_t H, double *dx)
    void mg_direct_fwd_wide_f32(const float *x, const float *w, const float *b,
                                const mg_direct_geom *g, float *wide, float *out)
    void mg_direct_fwd_wide_f64(const double *x, const double *w, const double *b,
                                const mg_direct_geom *g, double *wide, double *out)
    void mg_direct_wgrad_wide_f32(const float *x, const float *d, const mg_direct_geom *g,
                                  int with_bias, float *wide, float *P)
    void mg_direct_wgrad_wide_f64(const double *x, const double *d, const mg_direct_geom *g,
                                  int with_bias, double *wide, double *P)
    void mg_direct_dgrad_wide_f32(const float *d, const float *w, const mg_direct_geom *g,
                                  int64_t H, float *wide, float *dx)
    void mg_direct_dgrad_wide_f64(const double *d, const double *w, const mg_direct_geom *g,
                                  int64_t H, double *wide, double *dx)
    void mg_sum_slices_f32(const float *p, int64_t n, int64_t m, int64_t j0, int64_t j1,
                           float *out)
    void mg_sum_slices_f64(const double *p, int64_t n, int64_t m, int64_t j0, int64_t j1,
                           double *out)


cdef int _direct_geom(mg_direct_geom *g, x, int64_t cout, kernel, stride, dilation,
                      output_size) except -1:
    """The geometry of a direct convolution of the padded planes x (N, 1, H, W); checks that
    every window lies inside the plane."""
    g.W = x.shape[3]
    g.Cout = cout
    g.kh, g.kw = _int_pair(kernel, "kernel_size", 1)
    g.sh, g.sw = _int_pair(stride, "stride", 1)
    g.dh, g.dw = _int_pair(dilation, "dilation", 1)
    g.Ho, g.Wo = _int_pair(output_size, "output_size", 0)
    if g.Ho and g.Wo and ((g.Ho - 1) * g.sh + (g.kh - 1) * g.dh >= x.shape[2] or
                          (g.Wo - 1) * g.sw + (g.kw - 1) * g.dw >= x.shape[3]):
        raise ValueError(f"a {g.Ho}x{g.Wo} output of a {g.kh}x{g.kw} kernel reads outside the "
                         f"{x.shape[2]}x{x.shape[3]} plane")
    return 0


cdef inline bint _wide(const mg_direct_geom *g):
    """The wide-row kernels: stride 1 and at most 64 taps (their tap tables live on the stack)."""
    return g.sh == 1 and g.sw == 1 and g.kh * g.kw <= 64 and g.Ho > 0 and g.Wo > 0


cdef _one_channel(x, str name):
    _float_array(x, name)
    if x.ndim != 4 or x.shape[1] != 1:
        raise ValueError(f"{name} must be a 4-D array (N, 1, H, W), got shape {x.shape}")
    return _aligned(x)


def conv_direct_forward(x, weight, bias, stride, dilation, output_size):
    """out (N, Cout, Ho, Wo) of the one-channel convolution of x (N, 1, H, W), already padded,
    with weight (Cout, 1, kh, kw) and bias (Cout,) or None (csrc/conv_direct.h)."""
    x = _one_channel(x, "x")
    w = _one_channel(weight, "weight")
    _same_dtype(x, w, "x", "weight")
    cdef int64_t N = x.shape[0], Cout = w.shape[0], n
    cdef mg_direct_geom g
    _direct_geom(&g, x, Cout, w.shape[2:], stride, dilation, output_size)
    b = _vector(bias, Cout, x.dtype, "bias")
    out = np.empty((N, Cout, g.Ho, g.Wo), dtype=x.dtype)
    if out.size == 0:
        return out
    cdef int64_t HW = x.shape[2] * x.shape[3], OL = Cout * g.Ho * g.Wo, es = x.itemsize
    cdef int nt = _num_threads if N * OL * g.kh * g.kw >= _par_min_mem else 1
    cdef char *px = <char *>_ptr(x)
    cdef char *po = <char *>_ptr(out)
    cdef const void *pw = _ptr(w)
    cdef const void *pb = _ptr(b)
    cdef bint wide = _wide(&g)
    cdef int64_t WL = g.Ho * g.W
    scratch = np.empty((N, WL if wide else 0), dtype=x.dtype)
    cdef char *ps = <char *>_ptr(scratch)
    if wide and x.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_fwd_wide_f32(<const float *>(px + n * HW * es), <const float *>pw,
                                   <const float *>pb, &g, <float *>(ps + n * WL * es),
                                   <float *>(po + n * OL * es))
    elif wide:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_fwd_wide_f64(<const double *>(px + n * HW * es), <const double *>pw,
                                   <const double *>pb, &g, <double *>(ps + n * WL * es),
                                   <double *>(po + n * OL * es))
    elif x.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_fwd_f32(<const float *>(px + n * HW * es), <const float *>pw,
                              <const float *>pb, &g, <float *>(po + n * OL * es))
    else:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_fwd_f64(<const double *>(px + n * HW * es), <const double *>pw,
                              <const double *>pb, &g, <double *>(po + n * OL * es))
    return out


def conv_direct_weight_grad(x, grad, kernel, stride, dilation, with_bias=True):
    """(Cout, kh*kw + with_bias): the weight gradient (and, in the last column, the bias
    gradient) of conv_direct_forward, for x (N, 1, H, W) padded and grad (N, Cout, Ho, Wo).
    Per-sample sums, then added in sample order (sum_slices): any thread count, the same bits."""
    x = _one_channel(x, "x")
    _float_array(grad, "grad")
    _same_dtype(x, grad, "x", "grad")
    if grad.ndim != 4 or grad.shape[0] != x.shape[0]:
        raise ValueError(f"grad must be a 4-D array (N, Cout, Ho, Wo) with N = {x.shape[0]}, "
                         f"got shape {grad.shape}")
    grad = _aligned(grad)
    cdef int64_t N = x.shape[0], Cout = grad.shape[1], n
    cdef mg_direct_geom g
    _direct_geom(&g, x, Cout, kernel, stride, dilation, grad.shape[2:])
    cdef int wb = 1 if with_bias else 0
    cdef int64_t cols = g.kh * g.kw + wb
    parts = np.empty((N, Cout * cols), dtype=x.dtype)
    if N == 0:
        return np.zeros((Cout, cols), dtype=x.dtype)
    cdef int64_t HW = x.shape[2] * x.shape[3], OL = Cout * g.Ho * g.Wo, es = x.itemsize
    cdef int64_t PS = Cout * cols
    cdef int nt = _num_threads if N * OL * cols >= _par_min_mem else 1
    cdef char *px = <char *>_ptr(x)
    cdef char *pg = <char *>_ptr(grad)
    cdef char *pp = <char *>_ptr(parts)
    cdef bint wide = _wide(&g)
    cdef int64_t WL = g.Ho * g.W
    scratch = np.empty((N, WL if wide else 0), dtype=x.dtype)
    cdef char *ps = <char *>_ptr(scratch)
    if wide and x.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_wgrad_wide_f32(<const float *>(px + n * HW * es),
                                     <const float *>(pg + n * OL * es), &g, wb,
                                     <float *>(ps + n * WL * es), <float *>(pp + n * PS * es))
    elif wide:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_wgrad_wide_f64(<const double *>(px + n * HW * es),
                                     <const double *>(pg + n * OL * es), &g, wb,
                                     <double *>(ps + n * WL * es), <double *>(pp + n * PS * es))
    elif x.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_wgrad_f32(<const float *>(px + n * HW * es),
                                <const float *>(pg + n * OL * es), &g, wb,
                                <float *>(pp + n * PS * es))
    else:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_wgrad_f64(<const double *>(px + n * HW * es),
                                <const double *>(pg + n * OL * es), &g, wb,
                                <double *>(pp + n * PS * es))
    return sum_slices(parts).reshape(Cout, cols)


def conv_direct_input_grad(grad, weight, input_size, stride, dilation):
    """dx (N, 1, H, W) of conv_direct_forward (the padded plane's gradient), for grad
    (N, Cout, Ho, Wo) and weight (Cout, 1, kh, kw)."""
    _float_array(grad, "grad")
    w = _one_channel(weight, "weight")
    _same_dtype(grad, w, "grad", "weight")
    if grad.ndim != 4 or grad.shape[1] != w.shape[0]:
        raise ValueError(f"grad must be a 4-D array (N, {w.shape[0]}, Ho, Wo), got shape "
                         f"{grad.shape}")
    grad = _aligned(grad)
    h, wd = _int_pair(input_size, "input_size", 1)
    dx = np.empty((grad.shape[0], 1, h, wd), dtype=grad.dtype)
    cdef mg_direct_geom g
    _direct_geom(&g, dx, w.shape[0], w.shape[2:], stride, dilation, grad.shape[2:])
    cdef int64_t N = grad.shape[0], n, H = h
    if N == 0:
        return dx
    cdef int64_t HW = H * g.W, OL = g.Cout * g.Ho * g.Wo, es = grad.itemsize
    cdef int nt = _num_threads if N * OL * g.kh * g.kw >= _par_min_mem else 1
    cdef char *pg = <char *>_ptr(grad)
    cdef char *po = <char *>_ptr(dx)
    cdef const void *pw = _ptr(w)
    cdef bint wide = _wide(&g)
    cdef int64_t WL = g.Ho * g.W
    scratch = np.empty((N, WL if wide else 0), dtype=grad.dtype)
    cdef char *ps = <char *>_ptr(scratch)
    if wide and grad.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_dgrad_wide_f32(<const float *>(pg + n * OL * es), <const float *>pw, &g, H,
                                     <float *>(ps + n * WL * es), <float *>(po + n * HW * es))
    elif wide:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_dgrad_wide_f64(<const double *>(pg + n * OL * es), <const double *>pw, &g,
                                     H, <double *>(ps + n * WL * es), <double *>(po + n * HW * es))
    elif grad.dtype == np.float32:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_dgrad_f32(<const float *>(pg + n * OL * es), <const float *>pw, &g, H,
                                <float *>(po + n * HW * es))
    else:
        for n in prange(N, schedule='static', nogil=True, num_threads=nt):
            mg_direct_dgrad_f64(<const double *>(pg + n * OL * es), <const double *>pw, &g, H,
                                <double *>(po + n * HW * es))
    return dx


def sum_slices(p):
    """out[j] = p[0, j] + p[1, j] + ... for p (n, m), the slices added in order (the same bits
    for any thread count: threads take blocks of columns). n = 0 gives zeros."""
    _float_array(p, "p")
    if p.ndim != 2:
        raise ValueError(f"sum_slices expects a 2-D array (n, m), got shape {p.shape}")
    p = _aligned(p)
    cdef int64_t n = p.shape[0], m = p.shape[1], blk, width = 1024
    if n == 0:
        return np.zeros(m, dtype=p.dtype)
    out = np.empty(m, dtype=p.dtype)
    cdef int64_t nblocks = (m + width - 1) // width
    cdef int nt = _num_threads if n * m >= _par_min_mem else 1
    if nt > nblocks:
        nt = <int>nblocks
    cdef const void *pp = _ptr(p)
    cdef void *po = <void *>_ptr(out)
    if p.dtype == np.float32:
        for blk in prange(nblocks, schedule='static', nogil=True, num_threads=nt):
            mg_sum_slices_f32(<const float *>pp, n, m, blk * width, min(blk * width + width, m),
                              <float *>po)
    else:
        for blk in prange(nblocks, schedule='static', nogil=True, num_threads=nt):
            mg_sum_slices_f64(<const double *>pp, n, m, blk * width, min(blk * width + width, m),
                              <double *>po)
    return out


cdef _same_dtype(a, b, str na, str nb):
    if a.dtype != b.dtype:
        raise TypeError(f"{na} and {nb} must have the same dtype, got {a.dtype} and {b.dtype}")
