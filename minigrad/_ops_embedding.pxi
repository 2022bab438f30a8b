# Embedding gradients (included by _ops.pyx): out[rows[i]] += values[i], the backward of an
# embedding lookup (F.embedding, nn.Embedding, C[X]). csrc/embedding.h explains why the result
# never depends on the thread count or on how the work is split (by rows or by columns).

cdef extern from "embedding.h" nogil:
    void mg_emb_bucket(const int64_t *rows, int64_t m, int64_t n, int64_t *start,
                       int64_t *order)
    void mg_emb_add_rows_f32(float *out, int64_t d, const float *values, const int64_t *start,
                             const int64_t *order, int scaled, int64_t r0, int64_t r1)
    void mg_emb_add_rows_f64(double *out, int64_t d, const double *values,
                             const int64_t *start, const int64_t *order, int scaled,
                             int64_t r0, int64_t r1)
    void mg_emb_add_cols_f32(float *out, int64_t d, const float *values, const int64_t *rows,
                             int64_t m, const int64_t *counts, int64_t c0, int64_t c1)
    void mg_emb_add_cols_f64(double *out, int64_t d, const double *values,
                             const int64_t *rows, int64_t m, const int64_t *counts,
                             int64_t c0, int64_t c1)


# Rows at least this wide are split by columns (in pieces of whole 64-byte lines, so threads never
# share a cache line); narrower ones by destination rows.
cdef int64_t _emb_cols_min = 256
_emb_split = "auto"   # tests: "rows" or "cols" forces a split


def _set_embedding_split(split):
    """Tests: "auto", "rows" or "cols" (the results are the same; only speed differs)."""
    global _emb_split
    if split not in ("auto", "rows", "cols"):
        raise ValueError(f"split must be 'auto', 'rows' or 'cols', got {split!r}")
    _emb_split = split


def index_add_rows(out, rows, values, scale_grad_by_freq=False):
    """out[rows[i], :] += values[i, :] for every i, in place, contributions to a row added in
    ascending i (with scale_grad_by_freq, each scaled by 1 / the number of times its row
    occurs). out: (n, d) float32/float64, C-contiguous, writable; rows: (m,) int64 in [0, n);
    values: (m, d), out's dtype, C-contiguous. Returns out."""
    _float_array(out, "out")
    _float_array(values, "values")
    _plain_array(rows, "rows")
    if out.ndim != 2 or values.ndim != 2:
        raise ValueError(f"out and values must be 2-D, got shapes {out.shape} and {values.shape}")
    if rows.dtype != np.int64 or rows.ndim != 1:
        raise TypeError(f"rows must be a 1-D int64 array, got {rows.ndim}-D {rows.dtype}")
    if values.dtype != out.dtype:
        raise TypeError(f"values must have dtype {out.dtype}, got {values.dtype}")
    if values.shape[0] != rows.shape[0] or values.shape[1] != out.shape[1]:
        raise ValueError(f"values must have shape ({rows.shape[0]}, {out.shape[1]}), got "
                         f"{values.shape}")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    cdef int64_t n = out.shape[0], d = out.shape[1], m = rows.shape[0]
    if m == 0 or d == 0:
        return out
    rows = np.ascontiguousarray(rows)
    if rows.min() < 0 or rows.max() >= n:
        raise IndexError(f"rows must be in [0, {n}), got values from {rows.min()} to {rows.max()}")
    if np.may_share_memory(out, values):
        raise ValueError("out and values overlap")
    out_a = _aligned_target(out)
    if out_a is not out:
        out_a[...] = out
    values = _aligned(values)
    cdef int scaled = 1 if scale_grad_by_freq else 0
    cdef int nt = _num_threads if m * d >= _par_min_mem else 1
    cdef bint by_cols = (d >= _emb_cols_min) if _emb_split == "auto" else _emb_split == "cols"
    cdef const int64_t[::1] rv = rows
    cdef const int64_t *rp = &rv[0]
    cdef int64_t[::1] sv, ov, cv
    cdef const int64_t *cp = NULL
    cdef int64_t t, per, lo, hi
    cdef float[:, ::1] of
    cdef const float[:, ::1] vf
    cdef double[:, ::1] od
    cdef const double[:, ::1] vd
    cdef float *ofp = NULL
    cdef const float *vfp = NULL
    cdef double *odp = NULL
    cdef const double *vdp = NULL
    cdef bint f32 = out.dtype == np.float32
    if f32:
        of = out_a
        vf = values
        ofp = &of[0, 0]
        vfp = &vf[0, 0]
    else:
        od = out_a
        vd = values
        odp = &od[0, 0]
        vdp = &vd[0, 0]
    if by_cols:
        if scaled:
            cv = np.bincount(rows, minlength=n).astype(np.int64)
            cp = &cv[0]
        # column pieces of 16 floats / 8 doubles (64 bytes), dealt out evenly to the threads
        per = 16 if f32 else 8
        per = ((d + per - 1) // per + nt - 1) // nt * per
        nt = <int>min(<int64_t>nt, (d + per - 1) // per)
        for t in prange(nt, schedule='static', nogil=True, num_threads=nt):
            lo = t * per
            hi = min(lo + per, d)
            if f32:
                mg_emb_add_cols_f32(ofp, d, vfp, rp, m, cp, lo, hi)
            else:
                mg_emb_add_cols_f64(odp, d, vdp, rp, m, cp, lo, hi)
    else:
        sv = np.empty(n + 1, np.int64)
        ov = np.empty(m, np.int64)
        mg_emb_bucket(rp, m, n, &sv[0], &ov[0])
        per = (n + nt - 1) // nt
        for t in prange(nt, schedule='static', nogil=True, num_threads=nt):
            lo = t * per
            hi = min(lo + per, n)
            if f32:
                mg_emb_add_rows_f32(ofp, d, vfp, &sv[0], &ov[0], scaled, lo, hi)
            else:
                mg_emb_add_rows_f64(odp, d, vdp, &sv[0], &ov[0], scaled, lo, hi)
    return _copy_back(out_a, out)
