# minigrad's compiled kernels. (TEMPORARY simple versions: replaced by the fast ones.)
from cython.parallel cimport prange
from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t
from libc.math cimport log, sqrt, cos, sin, M_PI
import os

import numpy as np
cimport numpy as cnp

from minigrad._openmp cimport MG_OPENMP, omp_get_max_threads

cnp.import_array()

ctypedef fused real:
    float
    double

# ---------------------------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------------------------
cdef int _num_threads = 1


def _default_num_threads():
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def set_num_threads(int n):
    global _num_threads
    if n < 1:
        raise ValueError(f"set_num_threads expects a positive integer, but got {n}")
    _num_threads = n


def get_num_threads():
    return _num_threads


def openmp_enabled():
    return bool(MG_OPENMP)


def gemm_variant():
    return "simple"


def rng_variant():
    return "scalar"


set_num_threads(_default_num_threads())

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
# ReLU
# ---------------------------------------------------------------------------------------------
cdef void _relu_fwd(real* x, real* y, int64_t n, int nthreads) noexcept nogil:
    cdef int64_t i
    for i in prange(n, schedule="static", num_threads=nthreads):
        y[i] = 0 if x[i] <= 0 else x[i]     # NaN <= 0 is false: NaN propagates


cdef void _relu_bwd(real* g, real* r, real* dx, int64_t n, int nthreads) noexcept nogil:
    cdef int64_t i
    for i in prange(n, schedule="static", num_threads=nthreads):
        dx[i] = 0 if r[i] <= 0 else g[i]


def relu_forward(x, out=None):
    x = np.ascontiguousarray(x)
    if out is None:
        out = np.empty_like(x)
    cdef cnp.ndarray X = x, Y = out
    if x.dtype == np.float32:
        _relu_fwd[float](<float*>X.data, <float*>Y.data, x.size, _num_threads)
    else:
        _relu_fwd[double](<double*>X.data, <double*>Y.data, x.size, _num_threads)
    return out


def relu_backward(grad, result, out=None):
    grad = np.ascontiguousarray(grad)
    result = np.ascontiguousarray(result)
    if out is None:
        out = np.empty_like(grad)
    cdef cnp.ndarray G = grad, R = result, D = out
    if grad.dtype == np.float32:
        _relu_bwd[float](<float*>G.data, <float*>R.data, <float*>D.data, grad.size, _num_threads)
    else:
        _relu_bwd[double](<double*>G.data, <double*>R.data, <double*>D.data, grad.size, _num_threads)
    return out

# ---------------------------------------------------------------------------------------------
# Philox4x32-10
# ---------------------------------------------------------------------------------------------
cdef inline void _philox(uint64_t seed, uint64_t offset, uint64_t idx, uint32_t* out) noexcept nogil:
    cdef uint32_t c0 = <uint32_t>idx, c1 = <uint32_t>(idx >> 32)
    cdef uint32_t c2 = <uint32_t>offset, c3 = <uint32_t>(offset >> 32)
    cdef uint32_t k0 = <uint32_t>seed, k1 = <uint32_t>(seed >> 32)
    cdef uint64_t p0, p1
    cdef int r
    for r in range(10):
        p0 = <uint64_t>0xD2511F53u * c0
        p1 = <uint64_t>0xCD9E8D57u * c2
        c0 = <uint32_t>(p1 >> 32) ^ c1 ^ k0
        c2 = <uint32_t>(p0 >> 32) ^ c3 ^ k1
        c1 = <uint32_t>p1
        c3 = <uint32_t>p0
        k0 += <uint32_t>0x9E3779B9u
        k1 += <uint32_t>0xBB67AE85u
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3


def random_bits(int64_t n, uint64_t seed, uint64_t offset):
    out = np.empty(n, dtype=np.uint32)
    cdef uint32_t[::1] o = out
    cdef uint32_t w[4]
    cdef int64_t i
    for i in range(n):
        if i % 4 == 0:
            _philox(seed, offset, i // 4, w)
        o[i] = w[i % 4]
    return out


def uniform_(out, uint64_t seed, uint64_t offset, double low=0.0, double high=1.0):
    flat = out.reshape(-1)
    n = flat.size
    if out.dtype == np.float32:
        bits = random_bits(n, seed, offset)
        flat[...] = (bits >> 8).astype(np.float64) * 2.0 ** -24 * (high - low) + low
    else:
        bits = random_bits(2 * n, seed, offset).astype(np.uint64)
        u = ((bits[0::2] >> 5) * 67108864 + (bits[1::2] >> 6)).astype(np.float64) * 2.0 ** -53
        flat[...] = u * (high - low) + low
    return out


def normal_(out, uint64_t seed, uint64_t offset, double mean=0.0, double std=1.0):
    flat = out.reshape(-1)
    n = flat.size
    npairs = (n + 1) // 2
    bits = random_bits(4 * npairs, seed, offset).astype(np.uint64).reshape(npairs, 4)
    u1 = 1.0 - ((bits[:, 0] >> 5) * 67108864 + (bits[:, 1] >> 6)).astype(np.float64) * 2.0 ** -53
    u2 = ((bits[:, 2] >> 5) * 67108864 + (bits[:, 3] >> 6)).astype(np.float64) * 2.0 ** -53
    r = np.sqrt(-2.0 * np.log(u1))
    z = np.stack([r * np.cos(2 * np.pi * u2), r * np.sin(2 * np.pi * u2)], axis=1).reshape(-1)[:n]
    flat[...] = z * std + mean
    return out


def _keep(int64_t n, double p, uint64_t seed, uint64_t offset):
    cdef uint32_t T = <uint32_t>(round((1.0 - p) * 65536.0))
    bits = random_bits(4 * ((n + 7) // 8), seed, offset)
    halves = bits.view(np.uint16)[:n]        # little-endian: low half first
    return halves.astype(np.uint32) < T


def bernoulli_mask(int64_t n, double p, uint64_t seed, uint64_t offset):
    return np.packbits(_keep(n, p, seed, offset), bitorder="little")


def dropout_forward(x, double p, uint64_t seed, uint64_t offset, out=None):
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    keep = _keep(x.size, p, seed, offset).reshape(x.shape)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    y = x * (keep * np.asarray(scale, dtype=x.dtype)).astype(x.dtype)
    if out is not None:
        out[...] = y
        y = out
    return y, np.packbits(keep.reshape(-1), bitorder="little")


def dropout_backward(grad, mask, double p, out=None):
    keep = np.unpackbits(mask, count=grad.size, bitorder="little").reshape(grad.shape)
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    dx = grad * (keep * np.asarray(scale, dtype=grad.dtype)).astype(grad.dtype)
    if out is not None:
        out[...] = dx
        dx = out
    return dx

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
