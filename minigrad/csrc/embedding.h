/* Embedding gradients: add rows of `values` into rows of `out`,
 *
 *     out[rows[i], :] += scale_i * values[i, :]      for i = 0 .. m-1,
 *
 * where scale_i is 1, or 1 / (how many times rows[i] occurs) for scale_grad_by_freq. This is the
 * backward of an embedding lookup (F.embedding, C[X]): each looked-up row's gradient goes back
 * into the weight row it came from, and a row looked up several times gets the sum.
 *
 * Every element of `out` receives its contributions in ascending i, whatever the thread count,
 * so the result is bitwise that of the serial loop (PyTorch's CPU kernel adds them in that order
 * too, `grad_weight[k].add_(grad[i], scale)`, one fused multiply-add per element). Two ways to
 * split the work, chosen by the caller for speed only (the results are the same):
 *
 *   by rows     a stable counting sort buckets the contributions by destination row
 *               (mg_emb_bucket, serial, O(m + n)); a thread takes whole destination rows and
 *               walks each row's bucket in order;
 *   by columns  for wide rows: a thread takes a range of columns of every row and walks all
 *               contributions in order (no sort needed).
 *
 * The scaled sum uses C99 fma()/fmaf(), correctly rounded on every machine (one rounding per
 * element, as PyTorch's vectorised add with alpha); scale 1 is a plain add (fma(x, 1, y) is
 * the same number).
 */
#ifndef MG_EMBEDDING_H
#define MG_EMBEDDING_H

#include <math.h>
#include <stdint.h>

/* start[r] .. start[r+1]: where row r's contributions are in `order` (ascending i);
 * start has n + 1 entries, order has m. */
static void mg_emb_bucket(const int64_t *rows, int64_t m, int64_t n, int64_t *start,
                          int64_t *order)
{
    for (int64_t r = 0; r <= n; r++)
        start[r] = 0;
    for (int64_t i = 0; i < m; i++)
        start[rows[i] + 1]++;
    for (int64_t r = 0; r < n; r++)
        start[r + 1] += start[r];
    /* fill in ascending i, using start[r] as the next free slot, then shift back */
    for (int64_t i = 0; i < m; i++)
        order[start[rows[i]]++] = i;
    for (int64_t r = n; r > 0; r--)
        start[r] = start[r - 1];
    start[0] = 0;
}

#define MG_DEFINE_EMB_ADD(SUFFIX, T, FMA)                                                      \
/* destination rows r0 .. r1-1 (by rows) */                                                   \
static void mg_emb_add_rows_##SUFFIX(T *out, int64_t d, const T *values,                     \
                                     const int64_t *start, const int64_t *order,             \
                                     int scaled, int64_t r0, int64_t r1)                     \
{                                                                                             \
    for (int64_t r = r0; r < r1; r++) {                                                       \
        int64_t k0 = start[r], k1 = start[r + 1];                                             \
        if (k0 == k1)                                                                         \
            continue;                                                                         \
        T *dst = out + r * d;                                                                 \
        if (scaled) {                                                                         \
            T s = (T)(1.0 / (double)(k1 - k0));                                               \
            for (int64_t k = k0; k < k1; k++) {                                               \
                const T *src = values + order[k] * d;                                         \
                for (int64_t j = 0; j < d; j++)                                               \
                    dst[j] = FMA(src[j], s, dst[j]);                                          \
            }                                                                                 \
        } else {                                                                              \
            for (int64_t k = k0; k < k1; k++) {                                               \
                const T *src = values + order[k] * d;                                         \
                for (int64_t j = 0; j < d; j++)                                               \
                    dst[j] += src[j];                                                         \
            }                                                                                 \
        }                                                                                     \
    }                                                                                         \
}                                                                                             \
                                                                                              \
/* columns c0 .. c1-1 of every row (by columns); counts: per-row occurrences when scaled */    \
static void mg_emb_add_cols_##SUFFIX(T *out, int64_t d, const T *values,                     \
                                     const int64_t *rows, int64_t m,                          \
                                     const int64_t *counts, int64_t c0, int64_t c1)           \
{                                                                                             \
    for (int64_t i = 0; i < m; i++) {                                                         \
        T *dst = out + rows[i] * d;                                                           \
        const T *src = values + i * d;                                                        \
        if (counts) {                                                                         \
            T s = (T)(1.0 / (double)counts[rows[i]]);                                         \
            for (int64_t j = c0; j < c1; j++)                                                 \
                dst[j] = FMA(src[j], s, dst[j]);                                              \
        } else {                                                                              \
            for (int64_t j = c0; j < c1; j++)                                                 \
                dst[j] += src[j];                                                             \
        }                                                                                     \
    }                                                                                         \
}

MG_DEFINE_EMB_ADD(f32, float, fmaf)
MG_DEFINE_EMB_ADD(f64, double, fma)

#endif /* MG_EMBEDDING_H */
