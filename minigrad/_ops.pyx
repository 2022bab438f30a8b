# minigrad's compiled kernels: Cython + OpenMP, with SIMD inner loops in C headers (csrc/).
#
# Reading guide. This file holds what every kernel shares: the thread count and how work is cut
# into chunks. The kernels themselves are in the included files, each a set of thin `def`
# wrappers that validate their arguments in Python (shapes, dtypes, contiguity: bad input gets
# a clear exception, never a crash) and then run a `prange(..., schedule='static', nogil=True)`
# loop whose body is a `nogil` C function from csrc/:
#
#   _ops_gemm.pxi         matmul / bmm / linear forward and backward   (csrc/gemm.h)
#   _ops_random.pxi       Philox4x32-10 random numbers, dropout masks  (csrc/rng.h)
#   _ops_elementwise.pxi  ReLU forward and backward                    (csrc/rng.h)
#   _ops_embedding.pxi    embedding gradients: rows added into rows    (csrc/embedding.h)
#
# Why results never depend on the number of threads: work is split into fixed pieces (blocks of
# a matrix, chunks of 2^k elements) whose results do not depend on which thread computes them;
# reductions are never split across threads; random numbers come from a counter-based generator
# (element i is a function of (seed, offset, i) alone).
#
# Compiler directives (boundscheck=False, wraparound=False, cdivision=True ...) are set once, in
# setup.py. Without OpenMP (MINIGRAD_NO_OPENMP=1 or a compiler without it), the same code builds
# and every prange runs on the calling thread.

import numbers
import operator
import os

import numpy as np

from cython.parallel cimport prange
from libc.stdint cimport uint8_t, uint32_t, uint64_t, int64_t

from minigrad._openmp cimport MG_OPENMP

# --------------------------------------------------------------------------
# Threads and chunking

# More threads than this is a mistake, not a configuration: libgomp cannot create ~10^5 threads
# and crashes the process when asked to, so the limit is checked here instead.
MAX_THREADS = 1024


def _default_num_threads():
    """Usable cores (the affinity mask), or OMP_NUM_THREADS when it is set
    to a positive integer (its first entry, as in "4,2"), at most MAX_THREADS."""
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env:
        try:
            n = int(env)
            if n >= 1:
                return min(n, MAX_THREADS)
        except ValueError:
            pass
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


cdef int _num_threads = _default_num_threads()

# Elements per chunk.  A multiple of 64 (so mask bytes are never shared
# between chunks); 32768 elements = 128 KiB of float32, big enough that the
# per-chunk call costs nothing, small enough to balance 3 or 7 threads.
cdef int64_t _chunk = 32768

# Below these sizes a kernel runs on the calling thread only: waking a
# second thread costs a few microseconds, which is more than the work.
# Measured on a 2-core Zen 3 machine with back-to-back calls:
# two threads win from ~4K elements for dropout (~0.45 ns/element) and from
# ~16K for ReLU / dropout backward (~0.15 ns/element); the thresholds are
# twice that, because a worker thread that has gone to sleep costs far more
# to wake than a spinning one.
cdef int64_t _par_min_rng = 8192
cdef int64_t _par_min_mem = 32768


def set_num_threads(n):
    """Threads used by the kernels, 1 <= n <= MAX_THREADS. (minigrad.set_num_threads checks
    its argument first, with PyTorch's messages.)"""
    global _num_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number of threads must be an int, got {type(n).__name__}")
    if n < 1 or n > MAX_THREADS:
        raise ValueError(f"number of threads must be between 1 and {MAX_THREADS}, got {n}")
    _num_threads = n


def get_num_threads():
    return _num_threads


def openmp_enabled():
    """True if this module was compiled with OpenMP (otherwise every prange runs serially)."""
    return bool(MG_OPENMP)


def _set_chunk_size(n):
    """Tests only: elements per chunk (a positive multiple of 64)."""
    global _chunk
    n = int(n)
    if n < 64 or n % 64:
        raise ValueError(f"chunk size must be a positive multiple of 64, got {n}")
    _chunk = n


def _get_chunk_size():
    return _chunk


def _set_parallel_threshold(rng=None, mem=None):
    """Tests/benchmarks only: minimum sizes for using more than one thread."""
    global _par_min_rng, _par_min_mem
    if rng is not None:
        _par_min_rng = int(rng)
    if mem is not None:
        _par_min_mem = int(mem)


def _get_parallel_threshold():
    return (_par_min_rng, _par_min_mem)


cdef inline void _plan(int64_t n, int64_t par_min, int *nt, int64_t *cs,
                       int64_t *nch) noexcept nogil:
    """Threads, chunk size and chunk count for n elements.

    Chunks are _chunk elements, except that when n is small enough that
    there would be fewer chunks than threads, they shrink to n/threads
    rounded up to a multiple of 128 (the AVX2 dropout loop's step; any
    multiple of 64 would be correct), so both threads get equal work.
    Results never depend on this choice."""
    cdef int64_t t = _num_threads, c = _chunk, per
    if n < par_min or t < 1:
        t = 1
    if t > 1:
        per = (n + t - 1) // t
        per = (per + 127) // 128 * 128
        if per < c:
            c = per
    nch[0] = (n + c - 1) // c
    if t > nch[0]:
        t = nch[0]
    nt[0] = <int>t
    cs[0] = c


# --------------------------------------------------------------------------
# Argument checking (Python level; the kernels trust what they get)

_U64 = (1 << 64) - 1
# Seeds and offsets: what torch.manual_seed accepts, [-2^63, 2^64), taken mod 2^64.
_SEED_MIN = -(1 << 63)
# Element counts: anything larger cannot be allocated, and n * 8 bytes must fit an int64.
_MAX_COUNT = 1 << 60


cdef uint64_t _u64(v, str name) except? 0:
    """A 64-bit seed/offset: an integer in [-2^63, 2^64), taken mod 2^64 (as
    torch.manual_seed does for negative seeds)."""
    if isinstance(v, (float, complex, str, bytes)) or v is None:
        raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
    try:
        v = operator.index(v)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(v).__name__}") from None
    if v < _SEED_MIN or v > _U64:
        raise ValueError(f"{name} must be in [-2**63, 2**64), got {v}")
    return <uint64_t>(v & _U64)


cdef int64_t _count(n, str name="n") except -1:
    """An element count: an integer (not a float: 3.7 elements is a bug) in [0, 2^60]."""
    if isinstance(n, bool) or isinstance(n, float):
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(n).__name__}") from None
    if n < 0:
        raise ValueError(f"{name} must be >= 0, got {n}")
    if n > _MAX_COUNT:
        raise ValueError(f"{name} must be at most 2**60, got {n}")
    return n


cdef double _real(v, str name) except? -1.0:
    """A real number (Python or numpy scalar); strings, None and complex are refused, not parsed."""
    if isinstance(v, (str, bytes, complex)) or v is None or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__}")
    return float(v)


cdef _plain_array(a, str name):
    """The kernels read raw memory, so `a` must be a numpy.ndarray itself (a subclass such as
    np.matrix changes what reshape and indexing return) with native byte order (a '>f4' array
    would be read as garbage)."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(a).__name__}")
    if type(a) is not np.ndarray:
        raise TypeError(f"{name} must be a plain numpy.ndarray, got the subclass "
                        f"{type(a).__module__}.{type(a).__name__}; pass np.asarray({name})")
    if not a.dtype.isnative:
        raise ValueError(f"{name} has non-native byte order (dtype '{a.dtype.str}'); convert it "
                         f"with {name}.astype({name}.dtype.newbyteorder('='))")
    return a


cdef _aligned(a):
    """`a`, or an aligned copy of it: a float32 view at an odd byte offset into a bytes buffer
    is legal numpy, but C reads of a misaligned float are undefined behaviour (and vectorised
    loops may fault on them)."""
    return a if a.flags.aligned else a.copy()


cdef _float_array(a, str name):
    _plain_array(a, name)
    if a.dtype != np.float32 and a.dtype != np.float64:
        raise TypeError(f"{name} must have dtype float32 or float64, got {a.dtype}")
    if not a.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous")
    return a


cdef _out_array(out, like, str name="out"):
    """`out` must match `like` in shape and dtype, be C-contiguous and
    writable, and either be `like` itself (same memory: in place) or not
    overlap it at all."""
    if out is None:
        return np.empty_like(like)
    _plain_array(out, name)
    if out.dtype != like.dtype:
        raise TypeError(f"{name} must have dtype {like.dtype}, got {out.dtype}")
    if out.shape != like.shape:
        raise ValueError(f"{name} must have shape {like.shape}, got {out.shape}")
    if not out.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous")
    if not out.flags.writeable:
        raise ValueError(f"{name} is read-only")
    _check_overlap(out, like, name)
    return out


cdef _aligned_target(out):
    """Where a kernel writes: `out`, or a fresh aligned buffer when `out` is misaligned (the
    caller copies it back with _copy_back)."""
    return out if out.flags.aligned else np.empty_like(out)


cdef _copy_back(dst, out):
    if dst is not out:
        out[...] = dst
    return out


cdef _check_overlap(out, a, str name):
    # Both are C-contiguous: their byte ranges overlap exactly when may_share_memory says so.
    if np.may_share_memory(out, a) and (
            out.__array_interface__["data"][0] != a.__array_interface__["data"][0]):
        raise ValueError(f"{name} partially overlaps an input; use the input itself for in-place")


cdef _same_shape_dtype(a, b, str na, str nb):
    if a.dtype != b.dtype:
        raise TypeError(f"{na} and {nb} must have the same dtype, got {a.dtype} and {b.dtype}")
    if a.shape != b.shape:
        raise ValueError(f"{na} and {nb} must have the same shape, got {a.shape} and {b.shape}")


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
# whole 32-bit draw (half the throughput of random bits). See csrc/rng.h for the layout.
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



include "_ops_gemm.pxi"
include "_ops_random.pxi"
include "_ops_elementwise.pxi"
include "_ops_embedding.pxi"
