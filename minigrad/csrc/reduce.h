/*
 * reduce.h -- column sums of a row-major matrix (the bias gradient of a Linear layer:
 * db[j] = sum_i dy[i, j]), accurate and independent of the thread count.
 *
 * Summing a column row after row in float32 loses ~M * 2^-24 relative over M rows (1.6e-5 for
 * 10^6 rows of values near 1, far more when they cancel). Here:
 *   - every addition is done in double, whatever the input dtype;
 *   - rows are summed in fixed blocks of MG_SUM_BLOCK rows, and the block sums are combined
 *     pairwise (a binary counter over the blocks: block sums 0+1, 2+3, then (0+1)+(2+3) ...),
 *     so the rounding error grows with log2(M / MG_SUM_BLOCK), not with M;
 *   - the order of every addition depends on M and the column only. Threads split the columns
 *     (the caller hands each one a range [j0, j1)), never the rows, so the bits of the result do
 *     not depend on how many threads run;
 *   - it has one implementation, the same on every CPU and with every GEMM variant (generic,
 *     avx2_fma, avx512): plain C additions, which no compiler may reorder or fuse (there is no
 *     multiply to contract, and minigrad never builds with -ffast-math). The compiler
 *     vectorises the inner loops across columns only, where each lane is one column's own sum
 *     in the order above. A SIMD version must keep that shape: lanes = columns, never rows.
 * For float32 input the double result is then rounded once: the answer is the correctly rounded
 * column sum unless the column cancels almost completely.
 */
#ifndef MINIGRAD_REDUCE_H
#define MINIGRAD_REDUCE_H

#include <stdint.h>

#define MG_SUM_BLOCK 128     /* rows per block: short enough to stay accurate in double */
#define MG_SUM_COLS 64       /* columns per call (a block of columns stays in L1)       */
#define MG_SUM_LEVELS 64     /* pairwise levels: 2^64 blocks is more than any M         */

/* out[j] = sum_i g[i * N + j] for j in [j0, j1), j1 - j0 <= MG_SUM_COLS. */
#define MG__DEFINE_SUM_ROWS(NAME, T)                                            \
static __attribute__((unused)) void NAME(const T *g, int64_t M, int64_t N,      \
                                         int64_t j0, int64_t j1, T *out)        \
{                                                                               \
    double level[MG_SUM_LEVELS][MG_SUM_COLS];  /* pending pairwise partials */  \
    double blk[MG_SUM_COLS];                                                    \
    const int64_t w = j1 - j0;                                                  \
    uint64_t nblocks = 0;                                                       \
    for (int64_t i0 = 0; i0 < M; i0 += MG_SUM_BLOCK) {                          \
        const int64_t i1 = M - i0 < MG_SUM_BLOCK ? M : i0 + MG_SUM_BLOCK;       \
        for (int64_t j = 0; j < w; j++) blk[j] = 0.0;                           \
        for (int64_t i = i0; i < i1; i++) {                                     \
            const T *row = g + i * N + j0;                                      \
            for (int64_t j = 0; j < w; j++) blk[j] += (double)row[j];           \
        }                                                                       \
        /* binary counter: merge with the partial of equal size while the      \
         * count's low bit is set, then park the result one level up */        \
        int lv = 0;                                                             \
        for (uint64_t c = nblocks; c & 1u; c >>= 1, lv++)                       \
            for (int64_t j = 0; j < w; j++) blk[j] = level[lv][j] + blk[j];     \
        for (int64_t j = 0; j < w; j++) level[lv][j] = blk[j];                  \
        nblocks++;                                                              \
    }                                                                           \
    /* the parked partials (set bits of nblocks), smallest first */            \
    for (int64_t j = 0; j < w; j++) blk[j] = 0.0;                               \
    int lv = 0;                                                                 \
    for (uint64_t c = nblocks; c; c >>= 1, lv++)                                \
        if (c & 1u)                                                             \
            for (int64_t j = 0; j < w; j++) blk[j] += level[lv][j];             \
    for (int64_t j = 0; j < w; j++) out[j0 + j] = (T)blk[j];                    \
}
MG__DEFINE_SUM_ROWS(mg_sum_rows_f32, float)
MG__DEFINE_SUM_ROWS(mg_sum_rows_f64, double)

#endif /* MINIGRAD_REDUCE_H */
