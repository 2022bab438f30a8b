# Pooling (included by _ops.pyx): max and average pooling of (P, H, W) planes, forward and
# backward (csrc/pool.h).
#
# The windows come from the caller (minigrad/ops/pooling.py computes them for MaxPool,
# AvgPool, the adaptive layers and ceil_mode) as per-row and per-column arrays; they are
# checked against the plane here, so a wrong window is a ValueError, never a read outside the
# input. Threads split the planes; one plane is one C call, so nothing depends on the thread
# count.

cdef extern from "pool.h" nogil:
    void mg_maxpool_f32(const float *x, int64_t W, int64_t Ho, int64_t Wo,
                        const int64_t *h0, const int64_t *hn, int64_t dh,
                        const int64_t *w0, const int64_t *wn, int64_t dw,
                        float *out, int64_t *idx)
    void mg_maxpool_f64(const double *x, int64_t W, int64_t Ho, int64_t Wo,
                        const int64_t *h0, const int64_t *hn, int64_t dh,
                        const int64_t *w0, const int64_t *wn, int64_t dw,
                        double *out, int64_t *idx)
    void mg_maxpool2x2_f32(const float *x, int64_t W, int64_t Ho, int64_t Wo, float *out,
                           int64_t *idx)
    void mg_maxpool2x2_f64(const double *x, int64_t W, int64_t Ho, int64_t Wo, double *out,
                           int64_t *idx)
    void mg_maxpool_bwd_f32(const float *g, const int64_t *idx, int64_t n_out, float *dx, int64_t HW)
    void mg_maxpool_bwd_f64(const double *g, const int64_t *idx, int64_t n_out, double *dx, int64_t HW)
    void mg_avgpool_f32(const float *x, int64_t W, int64_t Ho, int64_t Wo,
                        const int64_t *hs, const int64_t *he, const int64_t *ws,
                        const int64_t *we, const double *div, float *out)
    void mg_avgpool_f64(const double *x, int64_t W, int64_t Ho, int64_t Wo,
                        const int64_t *hs, const int64_t *he, const int64_t *ws,
                        const int64_t *we, const double *div, double *out)
    void mg_avgpool_bwd_f32(const float *g, int64_t H, int64_t W, int64_t Ho, int64_t Wo,
                            const int64_t *hs, const int64_t *he, const int64_t *ws,
                            const int64_t *we, const double *div, float *dx)
    void mg_avgpool_bwd_f64(const double *g, int64_t H, int64_t W, int64_t Ho, int64_t Wo,
                            const int64_t *hs, const int64_t *he, const int64_t *ws,
                            const int64_t *we, const double *div, double *dx)


cdef _planes(x, str name, int ndim=3):
    _float_array(x, name)
    if x.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of planes, got shape {x.shape}")
    return _aligned(x)


cdef _index_array(a, str name, int64_t n):
    if not isinstance(a, np.ndarray) or a.dtype != np.int64 or a.shape != (n,):
        raise ValueError(f"{name} must be an int64 array of shape ({n},)")
    return np.ascontiguousarray(a)


cdef _check_strided_windows(start, count, int64_t step, int64_t size, str name):
    """Windows start + t*step, t < count, must lie in [0, size)."""
    if step < 1:
        raise ValueError(f"{name}: the step must be >= 1, got {step}")
    if start.size == 0:
        return
    if (count < 0).any() or ((count > 0) & ((start < 0) | (start + (count - 1) * step >= size))).any():
        raise ValueError(f"{name}: a window reaches outside the input of size {size}")
    if ((count == 0) & ((start < 0) | (start >= max(size, 1)))).any():
        raise ValueError(f"{name}: an empty window must start inside the input")


cdef _check_range_windows(start, end, int64_t size, str name):
    if start.size and ((start < 0) | (end > size) | (start > end)).any():
        raise ValueError(f"{name}: a window [start, end) reaches outside [0, {size})")


def max_pool_forward(x, h0, hn, dh, w0, wn, dw, need_indices=True):
    """Max pooling of x (P, H, W): out[p, oh, ow] = max over rows h0[oh] + t*dh (t < hn[oh])
    and columns w0[ow] + t*dw (t < wn[ow]); NaN wins; indices = flat h*W + w of the first
    maximum (int64), or None without need_indices. Returns (out, indices)."""
    x = _planes(x, "x")
    cdef int64_t P = x.shape[0], H = x.shape[1], W = x.shape[2]
    cdef int64_t Ho = len(h0), Wo = len(w0)
    h0 = _index_array(h0, "h0", Ho)
    hn = _index_array(hn, "hn", Ho)
    w0 = _index_array(w0, "w0", Wo)
    wn = _index_array(wn, "wn", Wo)
    _check_strided_windows(h0, hn, dh, H, "rows")
    _check_strided_windows(w0, wn, dw, W, "columns")
    if Ho and Wo and (H == 0 or W == 0):
        raise ValueError("max pooling of an empty plane")
    out = np.empty((P, Ho, Wo), dtype=x.dtype)
    idx = np.empty((P, Ho, Wo), dtype=np.int64) if need_indices else None
    if P == 0 or Ho * Wo == 0:
        return out, idx
    cdef int64_t n_out = Ho * Wo, HW = H * W, p, sdh = dh, sdw = dw
    cdef int nt = _num_threads if P * HW >= _par_min_mem else 1
    cdef cnp.ndarray X = x, O = out, A = h0, B = hn, C = w0, D = wn
    cdef char *px = <char *>cnp.PyArray_DATA(X)
    cdef char *po = <char *>cnp.PyArray_DATA(O)
    cdef int64_t *pi = NULL
    if idx is not None:
        pi = <int64_t *>cnp.PyArray_DATA(<cnp.ndarray>idx)
    cdef const int64_t *ph0 = <const int64_t *>cnp.PyArray_DATA(A)
    cdef const int64_t *phn = <const int64_t *>cnp.PyArray_DATA(B)
    cdef const int64_t *pw0 = <const int64_t *>cnp.PyArray_DATA(C)
    cdef const int64_t *pwn = <const int64_t *>cnp.PyArray_DATA(D)
    cdef int64_t es = x.itemsize
    cdef bint two = (sdh == 1 and sdw == 1 and (hn == 2).all() and (wn == 2).all()
                     and (h0 == 2 * np.arange(Ho)).all() and (w0 == 2 * np.arange(Wo)).all())
    if two and x.dtype == np.float32:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool2x2_f32(<const float *>(px + p * HW * es), W, Ho, Wo,
                              <float *>(po + p * n_out * es), (pi + p * n_out) if pi != NULL else NULL)
    elif two:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool2x2_f64(<const double *>(px + p * HW * es), W, Ho, Wo,
                              <double *>(po + p * n_out * es), (pi + p * n_out) if pi != NULL else NULL)
    elif x.dtype == np.float32:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool_f32(<const float *>(px + p * HW * es), W, Ho, Wo, ph0, phn, sdh, pw0, pwn,
                           sdw, <float *>(po + p * n_out * es),
                           (pi + p * n_out) if pi != NULL else NULL)
    else:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool_f64(<const double *>(px + p * HW * es), W, Ho, Wo, ph0, phn, sdh, pw0, pwn,
                           sdw, <double *>(po + p * n_out * es),
                           (pi + p * n_out) if pi != NULL else NULL)
    return out, idx


def max_pool_backward(grad, indices, H, W):
    """dx (P, H, W): each grad[p, o] added at indices[p, o] of its plane (in output order)."""
    grad = _planes(grad, "grad")
    if (not isinstance(indices, np.ndarray) or indices.dtype != np.int64
            or indices.shape != grad.shape):
        raise ValueError(f"indices must be an int64 array of shape {grad.shape}")
    indices = np.ascontiguousarray(indices)
    cdef int64_t P = grad.shape[0], n_out = grad.shape[1] * grad.shape[2]
    cdef int64_t HW = _count(H, "H") * _count(W, "W"), p
    if indices.size and (indices.min() < 0 or indices.max() >= HW):
        raise ValueError(f"indices must be in [0, {HW})")
    dx = np.empty((P, H, W), dtype=grad.dtype)
    if P == 0 or HW == 0:
        return dx
    cdef int nt = _num_threads if P * HW >= _par_min_mem else 1
    cdef cnp.ndarray G = grad, I = indices, O = dx
    cdef char *pg = <char *>cnp.PyArray_DATA(G)
    cdef char *po = <char *>cnp.PyArray_DATA(O)
    cdef const int64_t *pi = <const int64_t *>cnp.PyArray_DATA(I)
    cdef int64_t es = grad.itemsize
    if grad.dtype == np.float32:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool_bwd_f32(<const float *>(pg + p * n_out * es), pi + p * n_out, n_out,
                               <float *>(po + p * HW * es), HW)
    else:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_maxpool_bwd_f64(<const double *>(pg + p * n_out * es), pi + p * n_out, n_out,
                               <double *>(po + p * HW * es), HW)
    return dx


cdef _avg_windows(hs, he, ws, we, div, int64_t H, int64_t W):
    cdef int64_t Ho = len(hs), Wo = len(ws)
    hs = _index_array(hs, "hs", Ho)
    he = _index_array(he, "he", Ho)
    ws = _index_array(ws, "ws", Wo)
    we = _index_array(we, "we", Wo)
    _check_range_windows(hs, he, H, "rows")
    _check_range_windows(ws, we, W, "columns")
    if not isinstance(div, np.ndarray) or div.dtype != np.float64 or div.shape != (Ho, Wo):
        raise ValueError(f"div must be a float64 array of shape ({Ho}, {Wo})")
    return hs, he, ws, we, np.ascontiguousarray(div)


def avg_pool_forward(x, hs, he, ws, we, div):
    """Average pooling of x (P, H, W): out[p, oh, ow] = (sum of rows [hs[oh], he[oh]) and
    columns [ws[ow], we[ow])) / div[oh, ow], summed in double."""
    x = _planes(x, "x")
    cdef int64_t P = x.shape[0], H = x.shape[1], W = x.shape[2]
    hs, he, ws, we, div = _avg_windows(hs, he, ws, we, div, H, W)
    cdef int64_t Ho = len(hs), Wo = len(ws), n_out = Ho * Wo, HW = H * W, p
    out = np.empty((P, Ho, Wo), dtype=x.dtype)
    if P == 0 or n_out == 0:
        return out
    cdef int nt = _num_threads if P * (HW + n_out) >= _par_min_mem else 1
    cdef cnp.ndarray X = x, O = out, A = hs, B = he, C = ws, D = we, V = div
    cdef char *px = <char *>cnp.PyArray_DATA(X)
    cdef char *po = <char *>cnp.PyArray_DATA(O)
    cdef const int64_t *a = <const int64_t *>cnp.PyArray_DATA(A)
    cdef const int64_t *b = <const int64_t *>cnp.PyArray_DATA(B)
    cdef const int64_t *c = <const int64_t *>cnp.PyArray_DATA(C)
    cdef const int64_t *d = <const int64_t *>cnp.PyArray_DATA(D)
    cdef const double *pv = <const double *>cnp.PyArray_DATA(V)
    cdef int64_t es = x.itemsize
    if x.dtype == np.float32:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_avgpool_f32(<const float *>(px + p * HW * es), W, Ho, Wo, a, b, c, d, pv,
                           <float *>(po + p * n_out * es))
    else:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_avgpool_f64(<const double *>(px + p * HW * es), W, Ho, Wo, a, b, c, d, pv,
                           <double *>(po + p * n_out * es))
    return out


def avg_pool_backward(grad, H, W, hs, he, ws, we, div):
    """dx (P, H, W) of avg_pool_forward: grad[p, oh, ow] / div[oh, ow] added to each pixel of
    its window (output order, then the window in row-major order)."""
    grad = _planes(grad, "grad")
    cdef int64_t P = grad.shape[0], h = _count(H, "H"), w = _count(W, "W")
    hs, he, ws, we, div = _avg_windows(hs, he, ws, we, div, h, w)
    cdef int64_t Ho = len(hs), Wo = len(ws), n_out = Ho * Wo, HW = h * w, p
    if grad.shape[1:] != (Ho, Wo):
        raise ValueError(f"grad must have shape ({P}, {Ho}, {Wo}), got {grad.shape}")
    dx = np.empty((P, h, w), dtype=grad.dtype)
    if P == 0 or HW == 0:
        return dx
    cdef int nt = _num_threads if P * (HW + n_out) >= _par_min_mem else 1
    cdef cnp.ndarray G = grad, O = dx, A = hs, B = he, C = ws, D = we, V = div
    cdef char *pg = <char *>cnp.PyArray_DATA(G)
    cdef char *po = <char *>cnp.PyArray_DATA(O)
    cdef const int64_t *a = <const int64_t *>cnp.PyArray_DATA(A)
    cdef const int64_t *b = <const int64_t *>cnp.PyArray_DATA(B)
    cdef const int64_t *c = <const int64_t *>cnp.PyArray_DATA(C)
    cdef const int64_t *d = <const int64_t *>cnp.PyArray_DATA(D)
    cdef const double *pv = <const double *>cnp.PyArray_DATA(V)
    cdef int64_t es = grad.itemsize
    if grad.dtype == np.float32:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_avgpool_bwd_f32(<const float *>(pg + p * n_out * es), h, w, Ho, Wo, a, b, c, d, pv,
                               <float *>(po + p * HW * es))
    else:
        for p in prange(P, schedule='static', nogil=True, num_threads=nt):
            mg_avgpool_bwd_f64(<const double *>(pg + p * n_out * es), h, w, Ho, Wo, a, b, c, d, pv,
                               <double *>(po + p * HW * es))
    return dx
