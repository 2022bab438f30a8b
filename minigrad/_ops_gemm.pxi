# Matrix products (included by _ops.pyx): matmul, bmm and the Linear layer's forward/backward.
#
# The arithmetic is a BLIS-style GEMM in csrc/gemm.h: operands are packed into cache-sized,
# zero-padded panels, a register-blocked micro-kernel computes tiles of C, and transposed or
# strided operands are handled by the packing routines, never by copies. Three variants of the
# micro-kernels and packing exist, chosen at run time from the CPU's features: 'avx512' (12x32
# floats), 'avx2_fma' (6x16) and 'generic' (portable C). This file validates arguments, builds a
# plan (a fixed list of tasks: rectangles of C) and runs it with prange. Threads split C, never
# K; K is blocked by the problem shape alone; and every variant computes each element with the
# same fused multiply-adds in the same order (csrc/gemm_kernel.h), so the result is
# bit-identical for any thread count and any variant.

import operator

cimport numpy as cnp

cnp.import_array()

cdef extern from "gemm.h" nogil:
    enum:
        MG_F32
        MG_F64
        MG_ACCUMULATE
        MG_RELU
        MG_OK
        MG_ENOMEM
        MG_EINVAL
        MG_EUNSUPPORTED
        MG_VARIANT_AUTO
        MG_VARIANT_GENERIC
        MG_VARIANT_AVX2_FMA
        MG_VARIANT_AVX512
        MG_N_VARIANTS

    ctypedef struct mg_gemm_plan:
        int64_t n_steps
        int64_t n_pack_tasks
        int64_t n_tasks
        int64_t n_step_tasks
        int nthreads
        int private_b
        int variant
        int mr
        int nr
        int64_t kc
        int64_t n_kb
        int64_t tm
        int64_t tn

    void mg_gemm_init()
    int mg_gemm_set_variant(int v)
    int mg_gemm_get_variant()
    int mg_gemm_variant_supported(int v)
    const char *mg_gemm_variant_name(int v)

    int mg_gemm_plan_init(mg_gemm_plan *p, int dtype,
                          int64_t M, int64_t N, int64_t K,
                          const void *A, int64_t rsa, int64_t csa,
                          const void *B, int64_t rsb, int64_t csb,
                          void *C, int64_t ldc, const void *bias,
                          int flags, int nthreads)
    void mg_gemm_plan_free(mg_gemm_plan *p)
    void mg_gemm_pack_task(const mg_gemm_plan *p, int64_t s, int64_t t)
    void mg_gemm_compute_task(const mg_gemm_plan *p, int64_t s, int64_t t)
    void mg_gemm_step_task(const mg_gemm_plan *p, int64_t s, int64_t t)
    void mg_gemm_task(const mg_gemm_plan *p, int64_t t)
    void mg_gemm_plan_run_serial(const mg_gemm_plan *p)
    int mg_gemm(int dtype, int64_t M, int64_t N, int64_t K,
                const void *A, int64_t rsa, int64_t csa,
                const void *B, int64_t rsb, int64_t csb,
                void *C, int64_t ldc, const void *bias, int flags)


# Resolve the CPU dispatch once, at import, while only this thread runs.
mg_gemm_init()


# ---------------------------------------------------------------------------
# The "too small to thread" thresholds
# ---------------------------------------------------------------------------

# Products with fewer flops (2*M*N*K) than this run on one thread: below it
# the OpenMP fork/join and the barrier between B packing and compute cost
# more than the second core saves.  Measured on a 2-core Zen 3: 2 threads
# break even around 64^3..80^3 (0.5-1 MFLOP).
cdef int64_t _par_min_flops = 1 << 20

# bmm: a batch of matrices each smaller than this is split over the batch
# (whole matrices per thread: no barriers, no shared packing) instead of
# over blocks of each matrix.
cdef int64_t _bmm_batch_par_max_flops = 1 << 26


def set_parallel_threshold(flops):
    """Products below `flops` (2*M*N*K) run single-threaded.  For tests and
    tuning; the result does not depend on it (only the speed does)."""
    global _par_min_flops
    flops = operator.index(flops)
    if flops < 0:
        raise ValueError("set_parallel_threshold: flops must be >= 0")
    _par_min_flops = flops


def get_parallel_threshold():
    return _par_min_flops


# ---------------------------------------------------------------------------
# Dispatch control
# ---------------------------------------------------------------------------

_GEMM_VARIANTS = {"auto": MG_VARIANT_AUTO, "generic": MG_VARIANT_GENERIC,
                  "avx2_fma": MG_VARIANT_AVX2_FMA, "avx512": MG_VARIANT_AVX512}


def gemm_variant():
    """Name of the GEMM variant in use: 'avx512', 'avx2_fma' or 'generic'."""
    return mg_gemm_variant_name(mg_gemm_get_variant()).decode()


def available_gemm_variants():
    """Names of the variants this CPU can run, slowest first (the last one is the automatic
    choice)."""
    return [name for name, v in _GEMM_VARIANTS.items()
            if v != MG_VARIANT_AUTO and mg_gemm_variant_supported(v)]


def set_gemm_variant(name):
    """Force a variant ('generic', 'avx2_fma', 'avx512') or go back to 'auto' (the fastest
    this CPU runs).  All variants give the same bits; only the speed changes.  Products already
    running keep their kernel.  ValueError for an unknown name, RuntimeError for a variant this
    CPU cannot run."""
    if name not in _GEMM_VARIANTS:
        raise ValueError(f"unknown gemm variant {name!r}; "
                         f"expected one of {sorted(_GEMM_VARIANTS)}")
    if mg_gemm_set_variant(_GEMM_VARIANTS[name]) != MG_OK:
        raise RuntimeError(f"gemm variant {name!r} is not supported by this CPU")


def _gemm_plan_info(M, N, K, dtype, nthreads=1):
    """Tests: how an (M, K) @ (K, N) product would be cut (nothing is computed): the variant's
    name and tile ('variant', 'mr', 'nr'), the K blocks ('kc', 'n_kb'), the task grid ('tm',
    'tn', 'threads') and whether tasks pack B privately ('private_b'). Where the K blocks end
    is part of the arithmetic (each block's sum is added to C in turn), so 'kc' and 'n_kb'
    depend on the shape and dtype only; the rest changes who computes a tile, never how."""
    cdef mg_gemm_plan plan
    cdef int dt = MG_F32 if np.dtype(dtype) == np.float32 else MG_F64
    cdef int rc = mg_gemm_plan_init(&plan, dt, M, N, K, NULL, K, 1, NULL, N, 1, NULL, N, NULL, 0,
                                    nthreads)
    try:
        if rc != MG_OK:
            raise ValueError(f"no plan for {M}x{K} @ {K}x{N} ({dtype})")
        return dict(variant=mg_gemm_variant_name(plan.variant).decode(), mr=plan.mr, nr=plan.nr,
                    kc=plan.kc, n_kb=plan.n_kb, tm=plan.tm, tn=plan.tn, threads=plan.nthreads,
                    private_b=bool(plan.private_b))
    finally:
        mg_gemm_plan_free(&plan)


# ---------------------------------------------------------------------------
# Running a plan
# ---------------------------------------------------------------------------

cdef void _run_plan(mg_gemm_plan *p) noexcept nogil:
    """Run a plan on p.nthreads threads (csrc/gemm.h, "The plan").

    Private B (small M, or a grid that splits only N): one parallel loop; task t packs the B
    columns it needs itself and computes its rectangle of C through every step, with no
    barrier. Shared B: first the B block of step 0 is packed (tasks = ranges of B panels);
    then, per step s, one parallel loop whose task t computes rectangle t of C for step s and
    packs share t of step s+1's B block (B is double-buffered); the end of each prange is the
    barrier that makes a packed block complete before it is read. Static scheduling of a task
    list fixed before the loop; the bits of C do not depend on which thread runs which task."""
    cdef int64_t s, t
    cdef int nt = p.nthreads
    if nt <= 1:
        mg_gemm_plan_run_serial(p)
        return
    if p.private_b:
        for t in prange(p.n_tasks, schedule='static', num_threads=nt):
            mg_gemm_task(p, t)
        return
    for t in prange(p.n_pack_tasks, schedule='static', num_threads=nt):
        mg_gemm_pack_task(p, 0, t)
    for s in range(p.n_steps):
        for t in prange(p.n_step_tasks, schedule='static', num_threads=nt):
            mg_gemm_step_task(p, s, t)


cdef inline int _dtype_code(cnp.ndarray x) except -1:
    cdef int num = cnp.PyArray_TYPE(x)
    if num == cnp.NPY_FLOAT32:
        return MG_F32
    if num == cnp.NPY_FLOAT64:
        return MG_F64
    raise ValueError(f"matmul supports float32 and float64 arrays, got {x.dtype}")


cdef inline cnp.ndarray _with_element_strides(cnp.ndarray x):
    """numpy strides are in bytes; gemm.h wants element strides.  A stride
    that is not a whole number of elements (only possible for odd views)
    is fixed by copying."""
    cdef int d
    cdef Py_ssize_t item = cnp.PyArray_ITEMSIZE(x)
    for d in range(cnp.PyArray_NDIM(x)):
        if cnp.PyArray_STRIDES(x)[d] % item != 0:
            return np.array(x, order='C')
    return x


cdef inline void _check_out(object out, tuple shape, object dtype,
                            cnp.ndarray a, cnp.ndarray b) except *:
    _plain_array(out, "out")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, expected {shape}")
    if out.dtype != dtype:
        raise ValueError(f"out has dtype {out.dtype}, expected {dtype}")
    if not out.flags.c_contiguous:
        raise ValueError("out must be C-contiguous")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    if _overlaps(out, a) or _overlaps(out, b):
        # the product reads a and b while writing out: an overlap gives wrong numbers
        raise ValueError("out must not overlap the inputs")


cdef bint _overlaps(x, y) except -1:
    """Whether x and y share memory; may_share_memory's bounds test first (cheap), then the exact
    test, which only strided views can need; if even that is too hard to decide, assume yes."""
    if not np.may_share_memory(x, y):
        return False
    try:
        return np.shares_memory(x, y, max_work=1 << 20)
    except np.exceptions.TooHardError:
        return True


def _shape_str(shape):
    return "x".join(str(s) for s in shape)


# ---------------------------------------------------------------------------
# matmul
# ---------------------------------------------------------------------------

def matmul(a, b, out=None, bias=None, relu=False, accumulate=False):
    """out (=|+=) a @ b (+ bias) (then ReLU), for 2-D float32/float64 arrays.

    a: (M, K), b: (K, N), any strides (transposed views, negative or zero
    strides are used in place, not copied).  bias: (N,), same dtype, added
    to every row.  relu: apply max(x, 0) last (NaN stays NaN).
    accumulate: add into `out` (which must then be given) instead of
    overwriting it.  out: C-contiguous (M, N) array of the same dtype, not
    overlapping a or b; allocated if None.  Returns out.

    Raises TypeError for non-arrays, ValueError for bad dimensions, dtypes,
    bias or out, and RuntimeError (PyTorch's message) when the inner
    dimensions differ.
    """
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        raise TypeError("matmul expects numpy.ndarray operands, got "
                        f"{type(a).__name__} and {type(b).__name__}")
    _plain_array(a, "a")
    _plain_array(b, "b")
    cdef cnp.ndarray A = a
    cdef cnp.ndarray B = b
    if A.ndim != 2 or B.ndim != 2:
        raise ValueError("matmul expects 2-D arrays, got shapes "
                         f"{a.shape} and {b.shape}")
    cdef int dt = _dtype_code(A)
    if _dtype_code(B) != dt:
        raise ValueError("matmul expects both operands to have the same dtype, "
                         f"got {A.dtype} and {B.dtype}")
    cdef int64_t M = A.shape[0], K = A.shape[1], N = B.shape[1]
    if B.shape[0] != K:
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied "
                           f"({_shape_str(a.shape)} and {_shape_str(b.shape)})")

    cdef cnp.ndarray Bias = None
    if bias is not None:
        _plain_array(bias, "bias")
        if bias.shape != (N,):
            raise ValueError(f"bias has shape {bias.shape}, expected ({N},)")
        if bias.dtype != A.dtype:
            raise ValueError(f"bias has dtype {bias.dtype}, expected {A.dtype}")
        Bias = np.ascontiguousarray(bias)

    cdef cnp.ndarray C
    if out is None:
        if accumulate:
            raise ValueError("accumulate=True needs an `out` array to add into")
        C = np.empty((M, N), dtype=A.dtype)
    else:
        _check_out(out, (M, N), A.dtype, A, B)
        C = out
    if M == 0 or N == 0:
        return C
    # The micro-kernel stores C with plain C float accesses: a misaligned `out` (legal numpy)
    # is computed in an aligned buffer and copied back.
    target = C
    if not C.flags.aligned:
        C = np.array(C) if accumulate else np.empty_like(C)

    A = _with_element_strides(A)
    B = _with_element_strides(B)
    cdef int64_t es = A.itemsize
    cdef int flags = (MG_ACCUMULATE if accumulate else 0) | (MG_RELU if relu else 0)
    # flops in double: zero-stride (broadcast) operands can make 2*M*N*K overflow an int64
    cdef int nt = _num_threads if 2.0 * M * N * K >= _par_min_flops else 1
    cdef const void *bias_ptr = NULL
    if Bias is not None:
        bias_ptr = cnp.PyArray_DATA(Bias)

    cdef int64_t rsa = A.strides[0] // es, csa = A.strides[1] // es
    cdef int64_t rsb = B.strides[0] // es, csb = B.strides[1] // es
    cdef const void *pa = cnp.PyArray_DATA(A)
    cdef const void *pb = cnp.PyArray_DATA(B)
    cdef void *pc = cnp.PyArray_DATA(C)
    cdef mg_gemm_plan plan
    cdef int rc
    with nogil:
        rc = mg_gemm_plan_init(&plan, dt, M, N, K, pa, rsa, csa, pb, rsb, csb,
                               pc, N, bias_ptr, flags, nt)
        if rc == MG_OK:
            _run_plan(&plan)
        mg_gemm_plan_free(&plan)
    if rc == MG_ENOMEM:
        raise MemoryError("matmul: could not allocate packing buffers")
    if rc != MG_OK:
        raise RuntimeError(f"matmul: internal error {rc}")
    return _copy_back(C, target)


# ---------------------------------------------------------------------------
# bmm
# ---------------------------------------------------------------------------

def bmm(a, b, out=None):
    """out[i] = a[i] @ b[i] for 3-D arrays a (B, M, K), b (B, K, N), any
    strides; out: C-contiguous (B, M, N), allocated if None.  Returns out.

    Small matrices are spread over the batch (one whole product per task);
    larger ones run one after the other, each split into blocks.  Both
    paths compute every element identically, so the result does not
    depend on the path or the thread count."""
    if not isinstance(a, np.ndarray) or not isinstance(b, np.ndarray):
        raise TypeError("bmm expects numpy.ndarray operands, got "
                        f"{type(a).__name__} and {type(b).__name__}")
    _plain_array(a, "a")
    _plain_array(b, "b")
    cdef cnp.ndarray A = a
    cdef cnp.ndarray B = b
    if A.ndim != 3 or B.ndim != 3:
        raise ValueError(f"bmm expects 3-D arrays, got shapes {a.shape} and {b.shape}")
    cdef int dt = _dtype_code(A)
    if _dtype_code(B) != dt:
        raise ValueError("bmm expects both operands to have the same dtype, "
                         f"got {A.dtype} and {B.dtype}")
    cdef int64_t nb = A.shape[0], M = A.shape[1], K = A.shape[2], N = B.shape[2]
    if B.shape[0] != nb or B.shape[1] != K:
        raise RuntimeError("batch1 and batch2 shapes cannot be multiplied "
                           f"({_shape_str(a.shape)} and {_shape_str(b.shape)}): "
                           "expected (B, M, K) and (B, K, N)")
    cdef cnp.ndarray C
    if out is None:
        C = np.empty((nb, M, N), dtype=A.dtype)
    else:
        _check_out(out, (nb, M, N), A.dtype, A, B)
        C = out
    if nb == 0 or M == 0 or N == 0:
        return C
    target = C
    if not C.flags.aligned:
        C = np.empty_like(C)

    A = _with_element_strides(A)
    B = _with_element_strides(B)
    cdef int64_t es = A.itemsize
    cdef char *pa = <char *>cnp.PyArray_DATA(A)
    cdef char *pb = <char *>cnp.PyArray_DATA(B)
    cdef char *pc = <char *>cnp.PyArray_DATA(C)
    cdef int64_t sa0 = A.strides[0], sa1 = A.strides[1] // es, sa2 = A.strides[2] // es
    cdef int64_t sb0 = B.strides[0], sb1 = B.strides[1] // es, sb2 = B.strides[2] // es
    cdef int64_t sc0 = M * N * es
    cdef double flops = 2.0 * M * N * K
    cdef int nt = _num_threads if flops * nb >= _par_min_flops else 1
    cdef int64_t i
    cdef int rc = MG_OK, nerr = 0
    cdef mg_gemm_plan plan

    with nogil:
        if nt > 1 and nb > 1 and (flops < _par_min_flops or
                                  (flops < _bmm_batch_par_max_flops and nb % nt == 0)):
            # Whole matrices per task; each call packs into its own buffers.
            for i in prange(nb, schedule='static', num_threads=nt):
                rc = mg_gemm(dt, M, N, K, pa + i * sa0, sa1, sa2,
                             pb + i * sb0, sb1, sb2, pc + i * sc0, N, NULL, 0)
                if rc != MG_OK:
                    nerr += 1
        else:
            for i in range(nb):
                rc = mg_gemm_plan_init(&plan, dt, M, N, K, pa + i * sa0, sa1, sa2,
                                       pb + i * sb0, sb1, sb2, pc + i * sc0, N,
                                       NULL, 0, nt)
                if rc == MG_OK:
                    _run_plan(&plan)
                mg_gemm_plan_free(&plan)
                if rc != MG_OK:
                    nerr += 1
                    break
    if nerr:
        raise MemoryError("bmm: could not allocate packing buffers")
    return _copy_back(C, target)


# ---------------------------------------------------------------------------
# Linear layer: y = x @ W.T + b, and its backward
# ---------------------------------------------------------------------------

cdef extern from "reduce.h" nogil:
    int MG_SUM_COLS
    void mg_sum_rows_f32(const float *g, int64_t M, int64_t N, int64_t j0, int64_t j1, float *out)
    void mg_sum_rows_f64(const double *g, int64_t M, int64_t N, int64_t j0, int64_t j1, double *out)


def sum_rows(g):
    """Column sums of a 2-D float array (the bias gradient of a Linear layer), in the array's
    dtype: double accumulation over fixed blocks of rows, combined pairwise (csrc/reduce.h), so
    float32 sums over 10^6 rows are accurate to ~1e-7 and the bits do not depend on the thread
    count (threads take blocks of 64 columns)."""
    _plain_array(g, "g")
    if g.ndim != 2:
        raise ValueError(f"sum_rows expects a 2-D array, got shape {g.shape}")
    cdef cnp.ndarray G = _aligned(np.ascontiguousarray(g))
    cdef int dt = _dtype_code(G)
    cdef int64_t M = G.shape[0], N = G.shape[1]
    cdef cnp.ndarray out = np.empty(N, dtype=G.dtype)
    if N == 0:
        return out
    cdef int64_t nblocks = (N + MG_SUM_COLS - 1) // MG_SUM_COLS, blk
    cdef int nt = _num_threads if <double>M * N >= _par_min_flops // 8 else 1
    if nt > nblocks:
        nt = <int>nblocks
    cdef const float *gf = <const float *>cnp.PyArray_DATA(G)
    cdef const double *gd = <const double *>cnp.PyArray_DATA(G)
    cdef float *of = <float *>cnp.PyArray_DATA(out)
    cdef double *od = <double *>cnp.PyArray_DATA(out)
    if dt == MG_F32:
        for blk in prange(nblocks, schedule="static", nogil=True, num_threads=nt):
            mg_sum_rows_f32(gf, M, N, blk * MG_SUM_COLS, min(blk * MG_SUM_COLS + MG_SUM_COLS, N), of)
    else:
        for blk in prange(nblocks, schedule="static", nogil=True, num_threads=nt):
            mg_sum_rows_f64(gd, M, N, blk * MG_SUM_COLS, min(blk * MG_SUM_COLS + MG_SUM_COLS, N), od)
    return out


def linear_forward(x, weight, bias=None):
    """y = x @ weight.T + bias in one GEMM: weight.T is read through its strides (no copy) and
    the bias is added in the micro-kernel's epilogue. x: (N, in), weight: (out, in), bias: (out,)."""
    _plain_array(x, "x")
    _plain_array(weight, "weight")
    return matmul(x, weight.T, bias=bias)


def linear_backward(grad, x, weight, need_input=True, need_weight=True, need_bias=True):
    """(dx, dW, db) of y = x @ W.T + b: dx = dy @ W, dW = dyᵀ @ x (dy read transposed through
    its strides), db = column sums of dy. Entries not needed are None."""
    _plain_array(grad, "grad")
    _plain_array(x, "x")
    _plain_array(weight, "weight")
    dx = matmul(grad, weight) if need_input else None
    dw = matmul(grad.T, x) if need_weight else None
    db = sum_rows(grad) if need_bias else None
    return dx, dw, db
