# minigrad's compiled kernels: Cython + OpenMP, with SIMD inner loops in C headers (csrc/).
#
# Reading guide. This file holds what every kernel shares: the thread count and how work is cut
# into chunks. The kernels themselves are in the included files, each a set of thin `def`
# wrappers that validate their arguments in Python (shapes, dtypes, contiguity: bad input gets
# a clear exception, never a crash) and then run a `prange(..., schedule='static', nogil=True)`
# loop whose body is a `nogil` C function from csrc/:
#
#   _ops_threads.pxi      the thread count, fork safety                (csrc/threads.h)
#   _ops_gemm.pxi         matmul / bmm / linear forward and backward   (csrc/gemm.h, reduce.h)
#   _ops_random.pxi       Philox4x32-10 random numbers and fills       (csrc/philox.h, random_fills.h)
#   _ops_dropout.pxi      dropout forward, backward and keep masks     (csrc/dropout.h, dropout_backward.h)
#   _ops_elementwise.pxi  ReLU forward and backward, fused multiply-add (csrc/relu.h, fma.h)
#   _ops_optim.pxi        the fused SGD update                         (csrc/sgd.h)
#   _ops_embedding.pxi    embedding gradients: rows added into rows    (csrc/embedding.h)
#   _ops_conv.pxi         im2col / col2im for convolutions             (csrc/im2col.h)
#   _ops_pool.pxi         max / average pooling                        (csrc/pool.h)
#   _ops_norm.pxi         batch and layer normalisation                (csrc/norm.h)
#   _ops_peak_flops.pxi   the machine's peak FLOP rate, for benchmarks (csrc/peak_flops.h)
#
# Each kernel family has a generic (portable C), an AVX2 and an AVX-512 variant, chosen at run
# time (csrc/cpu_dispatch.h) and giving the same bits; MINIGRAD_KERNELS, read at the end of this
# file, selects one for every family.
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

# The thread count (set_num_threads / get_num_threads, the rule for forked processes, the check
# that the threads can be started) is in _ops_threads.pxi; the kernels read it as `_num_threads`.
include "_ops_threads.pxi"

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


# --------------------------------------------------------------------------
# The kernels

cdef extern from "cpu_dispatch.h" nogil:
    int MG_V_SCALAR
    int MG_V_GENERIC
    int MG_V_AVX2
    int MG_V_AVX512
    const char *mg_variant_name(int v)
    int mg_cpu_supports(int v)
    int mg_cpu_best_variant()
    int mg_rng_set_variant(int v)
    int mg_rng_get_variant()


include "_ops_gemm.pxi"
include "_ops_random.pxi"
include "_ops_dropout.pxi"
include "_ops_elementwise.pxi"
include "_ops_optim.pxi"
include "_ops_conv.pxi"
include "_ops_pool.pxi"
include "_ops_norm.pxi"
include "_ops_peak_flops.pxi"
include "_ops_embedding.pxi"


# --------------------------------------------------------------------------
# One switch for every kernel family: MINIGRAD_KERNELS=generic|avx2|avx512
#
# Every family (the GEMM, the random/dropout/ReLU kernels, fma, the layer kernels: normalisation,
# pooling, direct convolution) has a variant per instruction set,
# all giving the same bits; the switch runs one instruction set everywhere, to check that claim on
# one machine or to rule SIMD code out when hunting a bug. Unset, every family runs the best the
# CPU supports. Tests may still set one family's variant alone (set_gemm_variant, ...).

KERNEL_VARIANTS = ("generic", "avx2", "avx512")


def _family_variants(name):
    """What each family runs under MINIGRAD_KERNELS=name: {family: its variant name}."""
    gemm = {"generic": "generic", "avx2": "avx2_fma", "avx512": "avx512"}[name]
    return {"gemm": gemm, "rng": name, "fma": name, "layers": name}


# family: (current variant, available variants, set variant)
_FAMILIES = {
    "gemm": (gemm_variant, available_gemm_variants, set_gemm_variant),
    "rng": (rng_variant, available_rng_variants, set_rng_variant),
    "fma": (fma_variant, available_fma_variants, set_fma_variant),
    "layers": (layers_variant, available_layers_variants, set_layers_variant),
}


def available_kernel_variants():
    """The MINIGRAD_KERNELS values this CPU can run (every family has that variant), plainest
    first: always 'generic', then 'avx2' and 'avx512' when the CPU has them."""
    return [name for name in KERNEL_VARIANTS
            if all(v in _FAMILIES[f][1]() for f, v in _family_variants(name).items())]


def kernel_variant():
    """The MINIGRAD_KERNELS value every family runs now, or None when a test has set some family
    to another variant."""
    now = {f: calls[0]() for f, calls in _FAMILIES.items()}
    for name in KERNEL_VARIANTS:
        if _family_variants(name) == now:
            return name
    return None


def set_kernel_variant(name):
    """Run variant `name` ('generic', 'avx2' or 'avx512') of every kernel family: what
    MINIGRAD_KERNELS=name does at import."""
    if name not in KERNEL_VARIANTS:
        raise ValueError(f"unknown kernel variant {name!r}: use one of {', '.join(KERNEL_VARIANTS)}")
    supported = available_kernel_variants()
    if name not in supported:
        raise RuntimeError(f"this CPU cannot run the {name} kernels; it supports {', '.join(supported)}")
    for family, variant in _family_variants(name).items():
        _FAMILIES[family][2](variant)


def _kernels_from_environment():
    """Apply MINIGRAD_KERNELS (unset or empty: the best variant this CPU supports). A value that
    is not a variant, or one this CPU cannot run, stops the import with a message that says what
    the CPU supports: silently running other code than the one asked for would defeat the switch."""
    value = os.environ.get("MINIGRAD_KERNELS", "")
    name = value.strip().lower()
    supported = available_kernel_variants()
    if not name:
        set_kernel_variant(supported[len(supported) - 1])
    elif name not in KERNEL_VARIANTS:
        raise RuntimeError(f"MINIGRAD_KERNELS={value!r} is not a kernel variant: use one of "
                           f"{', '.join(KERNEL_VARIANTS)}, or unset it to run the best this CPU "
                           f"supports ({', '.join(supported)})")
    elif name not in supported:
        raise RuntimeError(f"MINIGRAD_KERNELS={value!r}: this CPU cannot run the {name} kernels; "
                           f"it supports {', '.join(supported)} (unset MINIGRAD_KERNELS to run "
                           f"the best of them)")
    else:
        set_kernel_variant(name)


_kernels_from_environment()
