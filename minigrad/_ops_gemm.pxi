# Matrix products (included by _ops.pyx). TEMPORARY simple kernel, replaced by csrc/gemm.h.
cimport numpy as cnp
cnp.import_array()

ctypedef fused real:
    float
    double


def gemm_variant():
    return "simple"


# ---------------------------------------------------------------------------------------------
# Matrix multiply
# ---------------------------------------------------------------------------------------------
cdef void _gemm(int64_t M, int64_t N, int64_t K, real* A, int64_t rsa, int64_t csa,
                real* B, int64_t rsb, int64_t csb, real* C, int64_t ldc, real* bias,
                bint relu, bint accumulate, int nthreads) noexcept nogil:
    cdef int64_t i, j, k
    cdef real aik
    for i in prange(M, schedule="static", num_threads=nthreads):
        if not accumulate:
            for j in range(N):
                C[i * ldc + j] = 0
        for k in range(K):
            aik = A[i * rsa + k * csa]
            for j in range(N):
                C[i * ldc + j] += aik * B[k * rsb + j * csb]
        if bias != NULL:
            for j in range(N):
                C[i * ldc + j] += bias[j]
        if relu:
            for j in range(N):
                if C[i * ldc + j] <= 0:
                    C[i * ldc + j] = 0


def _check_float(a, name):
    if not isinstance(a, np.ndarray) or a.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be a float32 or float64 ndarray")


def matmul(a, b, out=None, bias=None, bint relu=False, bint accumulate=False):
    _check_float(a, "a")
    _check_float(b, "b")
    if a.ndim != 2 or b.ndim != 2:
        raise ValueError(f"matmul expects 2-D arrays, got {a.ndim}-D and {b.ndim}-D")
    if a.dtype != b.dtype:
        raise TypeError(f"expected both operands to have the same dtype, but got {a.dtype} and {b.dtype}")
    M, K = a.shape
    K2, N = b.shape
    if K != K2:
        raise ValueError(f"mat1 and mat2 shapes cannot be multiplied ({M}x{K} and {K2}x{N})")
    if out is None:
        out = np.empty((M, N), dtype=a.dtype)
    if bias is not None:
        bias = np.ascontiguousarray(bias, dtype=a.dtype)
    cdef int64_t isz = a.itemsize
    cdef cnp.ndarray A = a, B = b, C = out
    cdef cnp.ndarray bias_arr = bias
    if a.dtype == np.float32:
        _gemm[float](M, N, K, <float*>A.data, a.strides[0] // isz, a.strides[1] // isz,
                     <float*>B.data, b.strides[0] // isz, b.strides[1] // isz,
                     <float*>C.data, out.strides[0] // isz,
                     <float*>bias_arr.data if bias is not None else NULL,
                     relu, accumulate, _num_threads)
    else:
        _gemm[double](M, N, K, <double*>A.data, a.strides[0] // isz, a.strides[1] // isz,
                      <double*>B.data, b.strides[0] // isz, b.strides[1] // isz,
                      <double*>C.data, out.strides[0] // isz,
                      <double*>bias_arr.data if bias is not None else NULL,
                      relu, accumulate, _num_threads)
    return out


def bmm(a, b, out=None):
    if out is None:
        out = np.empty((a.shape[0], a.shape[1], b.shape[2]), dtype=a.dtype)
    for i in range(a.shape[0]):
        matmul(a[i], b[i], out=out[i])
    return out

# ---------------------------------------------------------------------------------------------
# Linear layer
# ---------------------------------------------------------------------------------------------
cdef void _sum_rows(real* g, int64_t M, int64_t N, real* out, int nthreads) noexcept nogil:
    # out[j] = sum_i g[i, j]. Threads take blocks of columns; each column is summed in row order,
    # so the result does not depend on the number of threads.
    cdef int64_t nblocks = (N + 63) // 64, blk, i, j, j0, j1
    for blk in prange(nblocks, schedule="static", num_threads=nthreads):
        j0 = blk * 64
        j1 = min(j0 + 64, N)
        for j in range(j0, j1):
            out[j] = 0
        for i in range(M):
            for j in range(j0, j1):
                out[j] += g[i * N + j]


def sum_rows(g):
    """Column sums of a 2-D float array (the bias gradient of a Linear layer)."""
    g = np.ascontiguousarray(g)
    M, N = g.shape
    out = np.empty(N, dtype=g.dtype)
    cdef cnp.ndarray G = g, O = out
    if g.dtype == np.float32:
        _sum_rows[float](<float*>G.data, M, N, <float*>O.data, _num_threads)
    else:
        _sum_rows[double](<double*>G.data, M, N, <double*>O.data, _num_threads)
    return out


def linear_forward(x, weight, bias=None):
    """y = x @ weight.T + bias, with the bias added inside the GEMM."""
    return matmul(x, weight.T, bias=bias)


def linear_backward(grad, x, weight, bint need_input=True, bint need_weight=True, bint need_bias=True):
    """(dx, dW, db) of y = x @ W.T + b: dx = dy @ W, dW = dyᵀ @ x, db = column sums of dy."""
    dx = matmul(grad, weight) if need_input else None
    dw = matmul(grad.T, x) if need_weight else None
    db = sum_rows(grad) if need_bias else None
    return dx, dw, db
