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


def im2col(x, kernel, stride, padding, dilation, output_size=None):
    """cols (N, C*kh*kw, Ho*Wo) of x (N, C, H, W), a C-contiguous float32/float64 array:
    cols[n, (c*kh + i)*kw + j, oh*Wo + ow] = x[n, c, oh*sh - ph + i*dh, ow*sw - pw + j*dw],
    0 in the padding."""
    _float_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"im2col expects a 4-D array (N, C, H, W), got shape {x.shape}")
    cdef mg_conv_geom g
    _conv_geom(&g, x.shape[2], x.shape[3], kernel, stride, padding, dilation, output_size)
    cdef int64_t N = x.shape[0], C = x.shape[1], KK = g.kh * g.kw, L = g.Ho * g.Wo
    cols = np.empty((N, C * KK, L), dtype=x.dtype)
    cdef int64_t planes = N * C, HW = g.H * g.W, p
    if planes == 0 or KK * L == 0:
        return cols
    x = _aligned(x)
    cdef int nt = _num_threads if planes * KK * L >= _par_min_mem else 1
    cdef cnp.ndarray X = x, Y = cols
    cdef char *px = <char *>cnp.PyArray_DATA(X)
    cdef char *py = <char *>cnp.PyArray_DATA(Y)
    cdef int64_t es = x.itemsize
    if x.dtype == np.float32:
        for p in prange(planes, schedule='static', nogil=True, num_threads=nt):
            mg_im2col_f32(<const float *>(px + p * HW * es), &g,
                          <float *>(py + p * KK * L * es), L)
    else:
        for p in prange(planes, schedule='static', nogil=True, num_threads=nt):
            mg_im2col_f64(<const double *>(px + p * HW * es), &g,
                          <double *>(py + p * KK * L * es), L)
    return cols


def col2im(cols, input_size, kernel, stride, padding, dilation, output_size=None):
    """The adjoint of im2col: dx (N, C, H, W) with every entry of cols (N, C*kh*kw, Ho*Wo)
    added to the input pixel it was read from (padding entries are dropped)."""
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
    dx = np.empty((N, C, g.H, g.W), dtype=cols.dtype)
    cdef int64_t planes = N * C, HW = g.H * g.W, p
    if planes == 0 or HW == 0:
        return dx
    if KK * L == 0:
        dx[...] = 0
        return dx
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
    return dx
