/*
 * norm.h -- batch and layer normalisation, forward and backward (header-only, C99).
 *
 * Batch norm sees its input as (N, C, L) (L = the product of the spatial sizes, 1 for
 * BatchNorm1d on (N, C)) and normalises each channel c over its N*L values; layer norm sees
 * (M, D) and normalises each row over its D values.
 *
 * Statistics in one pass.  The mean and the (biased) variance come from one read of the data:
 * sums of d = x - K and of d*d, in double, where K is the first value of the channel (or row).
 * Shifting by a value of the data keeps the textbook formula var = E[d^2] - E[d]^2 accurate
 * when the mean is large against the spread (it cancels only what K does not remove), and the
 * double sums keep float32 data exact to ~1e-12 over 10^6 values.
 *
 * Fixed summation orders.  Every sum runs in an order fixed by the shape alone:
 *   - a channel of a (N, C, L) input with L > 1: its rows x[n, c, :] one after the other
 *     (n ascending), each row's values dealt round-robin to MG_NORM_LANES accumulators (value l
 *     to lane l mod LANES), the lanes combined pairwise at the end;
 *   - L == 1 (BatchNorm1d): channels in blocks of MG_NORM_COLS, each channel summed over n
 *     ascending in its own accumulator (the loop over the block's channels vectorises);
 *   - a layer-norm row: like a channel row; its weight and bias gradients (sums over the rows)
 *     go column block by column block, rows ascending.
 * Threads split channels, rows or column blocks, never one sum, so the bits never depend on
 * the thread count.  The generic, AVX2 and AVX-512 copies of each loop (simd_clones.h) run
 * the same operations in the same order: the same bits.
 */
#ifndef MINIGRAD_NORM_H
#define MINIGRAD_NORM_H

#include <math.h>
#include <stdint.h>

/* Every kernel is compiled three times, for the baseline x86-64, AVX2 and AVX-512, with the
 * same bits (simd_clones.h; MINIGRAD_KERNELS picks the copy). */
#include "simd_clones.h"

#define MG_NORM_LANES 8   /* independent accumulators per sum: hides the add latency       */
#define MG_NORM_COLS 64   /* channels (or columns) per block when values are rows of C      */

/* s1 += sum(row[l] - K), s2 += sum((row[l] - K)^2), lane by lane (see above). */
#define MG__LANE_SUMS(T, row, len, K, a1, a2)                                               \
    do {                                                                                    \
        int64_t l_ = 0;                                                                     \
        for (; l_ + MG_NORM_LANES <= (len); l_ += MG_NORM_LANES)                            \
            for (int q_ = 0; q_ < MG_NORM_LANES; q_++) {                                    \
                const double d_ = (double)(row)[l_ + q_] - (K);                             \
                (a1)[q_] += d_;                                                             \
                (a2)[q_] += d_ * d_;                                                        \
            }                                                                               \
        for (int q_ = 0; l_ < (len); l_++, q_++) {                                          \
            const double d_ = (double)(row)[l_] - (K);                                      \
            (a1)[q_] += d_;                                                                 \
            (a2)[q_] += d_ * d_;                                                            \
        }                                                                                   \
    } while (0)

/* sum_dy += sum(dy[l]), sum_dyx += sum(dy[l] * (x[l] - mean)), lane by lane. */
#define MG__LANE_DOT(T, g, xr, len, mean, a1, a2)                                           \
    do {                                                                                    \
        int64_t l_ = 0;                                                                     \
        for (; l_ + MG_NORM_LANES <= (len); l_ += MG_NORM_LANES)                            \
            for (int q_ = 0; q_ < MG_NORM_LANES; q_++) {                                    \
                const double g_ = (double)(g)[l_ + q_];                                     \
                (a1)[q_] += g_;                                                             \
                (a2)[q_] += g_ * ((double)(xr)[l_ + q_] - (mean));                          \
            }                                                                               \
        for (int q_ = 0; l_ < (len); l_++, q_++) {                                          \
            const double g_ = (double)(g)[l_];                                              \
            (a1)[q_] += g_;                                                                 \
            (a2)[q_] += g_ * ((double)(xr)[l_] - (mean));                                   \
        }                                                                                   \
    } while (0)

static inline double mg__lanes_total(const double *a)
{
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

static inline void mg__lanes_zero(double *a1, double *a2)
{
    for (int q = 0; q < MG_NORM_LANES; q++) a1[q] = a2[q] = 0.0;
}

/* ---------------------------------------------------------------------- batch norm */

/* mean[c], var[c] (biased) for channels [c0, c1) of x (N, C, L); N*L > 0.  With L == 1 the
 * caller passes at most MG_NORM_COLS channels. */
#define MG__DEFINE_BN_STATS(NAME, T)                                                        \
static inline __attribute__((always_inline)) void NAME##_body(const T *x, int64_t N, int64_t C, int64_t L,       \
                                         int64_t c0, int64_t c1, double *mean, double *var) \
{                                                                                           \
    const double M = (double)N * (double)L;                                                 \
    if (L == 1) {                                                                           \
        double K[MG_NORM_COLS], s1[MG_NORM_COLS], s2[MG_NORM_COLS];                         \
        const int64_t w = c1 - c0;                                                          \
        for (int64_t c = 0; c < w; c++) {                                                   \
            K[c] = (double)x[c0 + c];                                                       \
            s1[c] = s2[c] = 0.0;                                                            \
        }                                                                                   \
        for (int64_t n = 0; n < N; n++) {                                                   \
            const T *row = x + n * C + c0;                                                  \
            for (int64_t c = 0; c < w; c++) {                                               \
                const double d = (double)row[c] - K[c];                                     \
                s1[c] += d;                                                                 \
                s2[c] += d * d;                                                             \
            }                                                                               \
        }                                                                                   \
        for (int64_t c = 0; c < w; c++) {                                                   \
            const double m = s1[c] / M, v = s2[c] / M - m * m;                              \
            mean[c0 + c] = K[c] + m;                                                        \
            var[c0 + c] = v > 0.0 ? v : 0.0;                                                \
        }                                                                                   \
        return;                                                                             \
    }                                                                                       \
    for (int64_t c = c0; c < c1; c++) {                                                     \
        double a1[MG_NORM_LANES], a2[MG_NORM_LANES];                                        \
        mg__lanes_zero(a1, a2);                                                             \
        const double K = (double)x[c * L];                                                  \
        for (int64_t n = 0; n < N; n++) {                                                   \
            const T *row = x + (n * C + c) * L;                                             \
            MG__LANE_SUMS(T, row, L, K, a1, a2);                                            \
        }                                                                                   \
        const double m = mg__lanes_total(a1) / M, v = mg__lanes_total(a2) / M - m * m;      \
        mean[c] = K + m;                                                                    \
        var[c] = v > 0.0 ? v : 0.0;                                                         \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1, double *mean, double *var), (x, N, C, L, c0, c1, mean, var))
MG__DEFINE_BN_STATS(mg_bn_stats_f32, float)
MG__DEFINE_BN_STATS(mg_bn_stats_f64, double)

/* sum_dy[c] = sum dy, sum_dyx[c] = sum dy * (x - mean[c]) over channel c's values, for
 * channels [c0, c1) (at most MG_NORM_COLS when L == 1).  x may be NULL (then only sum_dy). */
#define MG__DEFINE_BN_GRAD_SUMS(NAME, T)                                                    \
static inline __attribute__((always_inline)) void NAME##_body(const T *dy, const T *x, int64_t N, int64_t C,     \
                                         int64_t L, int64_t c0, int64_t c1,                 \
                                         const double *mean, double *sum_dy,                \
                                         double *sum_dyx)                                   \
{                                                                                           \
    if (L == 1) {                                                                           \
        double s1[MG_NORM_COLS], s2[MG_NORM_COLS], m[MG_NORM_COLS];                         \
        const int64_t w = c1 - c0;                                                          \
        for (int64_t c = 0; c < w; c++) {                                                   \
            s1[c] = s2[c] = 0.0;                                                            \
            m[c] = x ? mean[c0 + c] : 0.0;                                                  \
        }                                                                                   \
        for (int64_t n = 0; n < N; n++) {                                                   \
            const T *g = dy + n * C + c0;                                                   \
            if (x) {                                                                        \
                const T *xr = x + n * C + c0;                                               \
                for (int64_t c = 0; c < w; c++) {                                           \
                    const double gv = (double)g[c];                                         \
                    s1[c] += gv;                                                            \
                    s2[c] += gv * ((double)xr[c] - m[c]);                                   \
                }                                                                           \
            } else {                                                                        \
                for (int64_t c = 0; c < w; c++) s1[c] += (double)g[c];                      \
            }                                                                               \
        }                                                                                   \
        for (int64_t c = 0; c < w; c++) {                                                   \
            sum_dy[c0 + c] = s1[c];                                                         \
            if (x) sum_dyx[c0 + c] = s2[c];                                                 \
        }                                                                                   \
        return;                                                                             \
    }                                                                                       \
    for (int64_t c = c0; c < c1; c++) {                                                     \
        double a1[MG_NORM_LANES], a2[MG_NORM_LANES];                                        \
        mg__lanes_zero(a1, a2);                                                             \
        const double mc = x ? mean[c] : 0.0;                                                \
        for (int64_t n = 0; n < N; n++) {                                                   \
            const T *g = dy + (n * C + c) * L;                                              \
            if (x) {                                                                        \
                const T *xr = x + (n * C + c) * L;                                          \
                MG__LANE_DOT(T, g, xr, L, mc, a1, a2);                                      \
            } else {                                                                        \
                MG__LANE_SUMS(T, g, L, 0.0, a1, a2);                                        \
            }                                                                               \
        }                                                                                   \
        sum_dy[c] = mg__lanes_total(a1);                                                    \
        if (x) sum_dyx[c] = mg__lanes_total(a2);                                            \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *dy, const T *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1, const double *mean, double *sum_dy, double *sum_dyx), (dy, x, N, C, L, c0, c1, mean, sum_dy, sum_dyx))
MG__DEFINE_BN_GRAD_SUMS(mg_bn_grad_sums_f32, float)
MG__DEFINE_BN_GRAD_SUMS(mg_bn_grad_sums_f64, double)

/* out[n, c, l] = (u[n, c, l] - cu[c]) * a[c] + (v[n, c, l] - cv[c]) * b[c] + k[c] for samples
 * [n0, n1) (the v term only when v is given; cu, cv may be NULL for 0): the normalisation
 * (u = x, cu = mean, a = weight * invstd, k = bias) and the input gradient (u = dy, v = x,
 * cv = mean). Centring before scaling keeps float32 accurate when the mean is large against
 * the spread (x * a - mean * a would cancel). Each element on its own: any split of the
 * samples gives the same bits. */
#define MG__DEFINE_BN_APPLY(NAME, T)                                                        \
static inline __attribute__((always_inline)) void NAME##_body(const T *u, const T *cu, const T *a, const T *v,   \
                                         const T *cv, const T *b, const T *k, int64_t C,    \
                                         int64_t L, int64_t n0, int64_t n1, T *out)         \
{                                                                                           \
    for (int64_t n = n0; n < n1; n++) {                                                     \
        const int64_t base = n * C * L;                                                     \
        if (L == 1) { /* a row of C channels: vectorised across the channels */             \
            const T *ur = u + base;                                                         \
            T *o = out + base;                                                              \
            if (v && !cu && cv) { /* the input gradient */                                  \
                const T *vr = v + base;                                                     \
                for (int64_t c = 0; c < C; c++)                                             \
                    o[c] = ur[c] * a[c] + (vr[c] - cv[c]) * b[c] + k[c];                    \
            } else if (v) {                                                                 \
                const T *vr = v + base;                                                     \
                for (int64_t c = 0; c < C; c++)                                             \
                    o[c] = (ur[c] - (cu ? cu[c] : (T)0)) * a[c]                             \
                           + (vr[c] - (cv ? cv[c] : (T)0)) * b[c] + k[c];                   \
            } else if (cu) {                                                                \
                for (int64_t c = 0; c < C; c++) o[c] = (ur[c] - cu[c]) * a[c] + k[c];       \
            } else {                                                                        \
                for (int64_t c = 0; c < C; c++) o[c] = ur[c] * a[c] + k[c];                 \
            }                                                                               \
            continue;                                                                       \
        }                                                                                   \
        for (int64_t c = 0; c < C; c++) {                                                   \
            const T *ur = u + base + c * L;                                                 \
            T *o = out + base + c * L;                                                      \
            const T ac = a[c], kc = k[c], uc = cu ? cu[c] : (T)0;                           \
            if (v) {                                                                        \
                const T *vr = v + base + c * L;                                             \
                const T bc = b[c], vc = cv ? cv[c] : (T)0;                                  \
                for (int64_t l = 0; l < L; l++)                                             \
                    o[l] = (ur[l] - uc) * ac + (vr[l] - vc) * bc + kc;                      \
            } else {                                                                        \
                for (int64_t l = 0; l < L; l++) o[l] = (ur[l] - uc) * ac + kc;              \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *u, const T *cu, const T *a, const T *v, const T *cv, const T *b, const T *k, int64_t C, int64_t L, int64_t n0, int64_t n1, T *out), (u, cu, a, v, cv, b, k, C, L, n0, n1, out))
MG__DEFINE_BN_APPLY(mg_bn_apply_f32, float)
MG__DEFINE_BN_APPLY(mg_bn_apply_f64, double)

/* The whole batch-norm forward of channels [c0, c1) (at most MG_NORM_COLS when L == 1) in one
 * call: the statistics (training: the batch's, by MG__DEFINE_BN_STATS's sums, and the running
 * statistics rm, rv updated in place when given; eval: rm and rv), then
 *     y = (x - (T)mean) * (T)(invstd * w) + (T)b
 * as batch_norm_apply computes it. mean and invstd (double, C values) are written for the
 * backward pass. w, b may be NULL (1 and 0). */
#define MG__DEFINE_BN_FORWARD(NAME, STATS, T)                                               \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1, int training,      \
    double eps, double momentum, const T *w, const T *b, T *rm, T *rv, double *mean,        \
    double *invstd, T *y)                                                                   \
{                                                                                           \
    const double M = (double)N * (double)L;                                                 \
    if (training) {                                                                         \
        STATS##_body(x, N, C, L, c0, c1, mean, invstd); /* invstd holds the variance */    \
        for (int64_t c = c0; c < c1; c++) {                                                 \
            if (rm) rm[c] = (T)((1.0 - momentum) * (double)rm[c] + momentum * mean[c]);     \
            if (rv) rv[c] = (T)((1.0 - momentum) * (double)rv[c]                            \
                                + momentum * invstd[c] * (M / (M - 1.0)));                  \
            invstd[c] = 1.0 / sqrt(invstd[c] + eps);                                        \
        }                                                                                   \
    } else {                                                                                \
        for (int64_t c = c0; c < c1; c++) {                                                 \
            mean[c] = (double)rm[c];                                                        \
            invstd[c] = 1.0 / sqrt((double)rv[c] + eps);                                    \
        }                                                                                   \
    }                                                                                       \
    T a[MG_NORM_COLS], k[MG_NORM_COLS], m[MG_NORM_COLS];                                    \
    for (int64_t c0b = c0; c0b < c1; c0b += MG_NORM_COLS) {                                 \
        const int64_t wd = (c1 - c0b < MG_NORM_COLS) ? c1 - c0b : MG_NORM_COLS;             \
        for (int64_t c = 0; c < wd; c++) {                                                  \
            a[c] = (T)(invstd[c0b + c] * (w ? (double)w[c0b + c] : 1.0));                   \
            k[c] = b ? b[c0b + c] : (T)0;                                                   \
            m[c] = (T)mean[c0b + c];                                                        \
        }                                                                                   \
        for (int64_t n = 0; n < N; n++) {                                                   \
            if (L == 1) {                                                                   \
                const T *xr = x + n * C + c0b;                                              \
                T *o = y + n * C + c0b;                                                     \
                for (int64_t c = 0; c < wd; c++) o[c] = (xr[c] - m[c]) * a[c] + k[c];       \
                continue;                                                                   \
            }                                                                               \
            for (int64_t c = 0; c < wd; c++) {                                              \
                const T *xr = x + (n * C + c0b + c) * L;                                    \
                T *o = y + (n * C + c0b + c) * L;                                           \
                const T mc = m[c], ac = a[c], kc = k[c];                                    \
                for (int64_t l = 0; l < L; l++) o[l] = (xr[l] - mc) * ac + kc;              \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1,     \
                  int training, double eps, double momentum, const T *w, const T *b, T *rm, \
                  T *rv, double *mean, double *invstd, T *y),                               \
           (x, N, C, L, c0, c1, training, eps, momentum, w, b, rm, rv, mean, invstd, y))
MG__DEFINE_BN_FORWARD(mg_bn_forward_f32, mg_bn_stats_f32, float)
MG__DEFINE_BN_FORWARD(mg_bn_forward_f64, mg_bn_stats_f64, double)

/* The whole batch-norm backward of channels [c0, c1) (at most MG_NORM_COLS when L == 1): the
 * sums of MG__DEFINE_BN_GRAD_SUMS, then, as batch_norm_backward and batch_norm_apply compute it,
 *     a = (T)(invstd * w),  b = (T)(-a invstd^2 sum_dyx / M),  k = (T)(-a sum_dy / M)   (training;
 *     b = k = 0 in eval),   dx = dy * a + (x - (T)mean) * b + k     (eval: dy * a + k)
 *     dw = (T)(sum_dyx * invstd),  db = (T)sum_dy
 * sum_dy, sum_dyx: C doubles of scratch (the sums land there); dx, dw, db may be NULL. */
#define MG__DEFINE_BN_BACKWARD(NAME, SUMS, T)                                               \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *dy, const T *x, int64_t N, int64_t C, int64_t L, int64_t c0, int64_t c1,       \
    int training, const double *mean, const double *invstd, const T *w, double *sum_dy,     \
    double *sum_dyx, T *dx, T *dw, T *db)                                                   \
{                                                                                           \
    const double M = (double)N * (double)L;                                                 \
    T a[MG_NORM_COLS], bb[MG_NORM_COLS], k[MG_NORM_COLS], m[MG_NORM_COLS];                  \
    for (int64_t c0b = c0; c0b < c1; c0b += MG_NORM_COLS) {                                 \
        const int64_t wd = (c1 - c0b < MG_NORM_COLS) ? c1 - c0b : MG_NORM_COLS;             \
        SUMS##_body(dy, x, N, C, L, c0b, c0b + wd, mean, sum_dy, sum_dyx);                  \
        const double *s1 = sum_dy + c0b, *s2 = sum_dyx + c0b;                               \
        for (int64_t c = 0; c < wd; c++) {                                                  \
            const double sc = invstd[c0b + c];                                              \
            const double ad = sc * (w ? (double)w[c0b + c] : 1.0);                          \
            a[c] = (T)ad;                                                                   \
            bb[c] = training && M > 0 ? (T)(-ad * sc * sc * s2[c] / M) : (T)0;              \
            k[c] = training && M > 0 ? (T)(-ad * s1[c] / M) : (T)0;                         \
            m[c] = (T)mean[c0b + c];                                                        \
            if (dw) dw[c0b + c] = (T)(s2[c] * sc);                                          \
            if (db) db[c0b + c] = (T)s1[c];                                                 \
        }                                                                                   \
        if (!dx) continue;                                                                  \
        for (int64_t n = 0; n < N; n++) {                                                   \
            if (L == 1) {                                                                   \
                const T *g = dy + n * C + c0b, *xr = x + n * C + c0b;                       \
                T *o = dx + n * C + c0b;                                                    \
                if (training)                                                               \
                    for (int64_t c = 0; c < wd; c++)                                        \
                        o[c] = g[c] * a[c] + (xr[c] - m[c]) * bb[c] + k[c];                 \
                else                                                                        \
                    for (int64_t c = 0; c < wd; c++) o[c] = g[c] * a[c] + k[c];             \
                continue;                                                                   \
            }                                                                               \
            for (int64_t c = 0; c < wd; c++) {                                              \
                const int64_t base = (n * C + c0b + c) * L;                                 \
                const T *g = dy + base, *xr = x + base;                                     \
                T *o = dx + base;                                                           \
                const T ac = a[c], bc = bb[c], kc = k[c], mc = m[c];                        \
                if (training)                                                               \
                    for (int64_t l = 0; l < L; l++) o[l] = g[l] * ac + (xr[l] - mc) * bc + kc; \
                else                                                                        \
                    for (int64_t l = 0; l < L; l++) o[l] = g[l] * ac + kc;                  \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *dy, const T *x, int64_t N, int64_t C, int64_t L, int64_t c0,    \
                  int64_t c1, int training, const double *mean, const double *invstd,       \
                  const T *w, double *sum_dy, double *sum_dyx, T *dx, T *dw, T *db),        \
           (dy, x, N, C, L, c0, c1, training, mean, invstd, w, sum_dy, sum_dyx, dx, dw, db))
MG__DEFINE_BN_BACKWARD(mg_bn_backward_f32, mg_bn_grad_sums_f32, float)
MG__DEFINE_BN_BACKWARD(mg_bn_backward_f64, mg_bn_grad_sums_f64, double)

/* ---------------------------------------------------------------------- layer norm */

/* Rows [r0, r1) of x (M, D), D > 0: mean[r], rstd[r] = 1/sqrt(var + eps), and
 * y = (x - mean) * rstd * w + b (w, b: D values, or NULL for 1 and 0). */
#define MG__DEFINE_LN_FWD(NAME, T)                                                          \
static inline __attribute__((always_inline)) void NAME##_body(const T *x, int64_t D, int64_t r0, int64_t r1,     \
                                         const T *w, const T *b, double eps, T *y,          \
                                         double *mean, double *rstd)                        \
{                                                                                           \
    for (int64_t r = r0; r < r1; r++) {                                                     \
        const T *row = x + r * D;                                                           \
        T *out = y + r * D;                                                                 \
        double a1[MG_NORM_LANES], a2[MG_NORM_LANES];                                        \
        mg__lanes_zero(a1, a2);                                                             \
        const double K = (double)row[0];                                                    \
        MG__LANE_SUMS(T, row, D, K, a1, a2);                                                \
        const double m = mg__lanes_total(a1) / (double)D;                                   \
        double var = mg__lanes_total(a2) / (double)D - m * m;                               \
        if (var < 0.0) var = 0.0;                                                           \
        const double mu = K + m, rs = 1.0 / sqrt(var + eps);                                \
        mean[r] = mu;                                                                       \
        rstd[r] = rs;                                                                       \
        const T mt = (T)mu, rt = (T)rs;                                                     \
        if (w && b) {                                                                       \
            for (int64_t j = 0; j < D; j++) out[j] = (row[j] - mt) * rt * w[j] + b[j];      \
        } else if (w) {                                                                     \
            for (int64_t j = 0; j < D; j++) out[j] = (row[j] - mt) * rt * w[j];             \
        } else {                                                                            \
            for (int64_t j = 0; j < D; j++) out[j] = (row[j] - mt) * rt;                    \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, int64_t D, int64_t r0, int64_t r1, const T *w, const T *b, double eps, T *y, double *mean, double *rstd), (x, D, r0, r1, w, b, eps, y, mean, rstd))
MG__DEFINE_LN_FWD(mg_ln_fwd_f32, float)
MG__DEFINE_LN_FWD(mg_ln_fwd_f64, double)

/* dx for rows [r0, r1): with g = dy * w and xhat = (x - mean) * rstd,
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)). */
#define MG__DEFINE_LN_BWD(NAME, T)                                                          \
static inline __attribute__((always_inline)) void NAME##_body(const T *dy, const T *x, int64_t D, int64_t r0,    \
                                         int64_t r1, const T *w, const double *mean,        \
                                         const double *rstd, T *dx)                         \
{                                                                                           \
    for (int64_t r = r0; r < r1; r++) {                                                     \
        const T *g = dy + r * D, *xr = x + r * D;                                           \
        T *o = dx + r * D;                                                                  \
        double a1[MG_NORM_LANES], a2[MG_NORM_LANES];                                        \
        mg__lanes_zero(a1, a2);                                                             \
        const double mu = mean[r], rs = rstd[r];                                            \
        int64_t j = 0;                                                                      \
        for (; j + MG_NORM_LANES <= D; j += MG_NORM_LANES)                                  \
            for (int q = 0; q < MG_NORM_LANES; q++) {                                       \
                const double gw = (double)g[j + q] * (w ? (double)w[j + q] : 1.0);          \
                a1[q] += gw;                                                                \
                a2[q] += gw * ((double)xr[j + q] - mu);                                     \
            }                                                                               \
        for (int q = 0; j < D; j++, q++) {                                                  \
            const double gw = (double)g[j] * (w ? (double)w[j] : 1.0);                      \
            a1[q] += gw;                                                                    \
            a2[q] += gw * ((double)xr[j] - mu);                                             \
        }                                                                                   \
        /* dx = rs * gw - rs * mean(gw) - (x - mu) * rs^3 * mean(gw * (x - mu)) */          \
        const double c1 = rs * mg__lanes_total(a1) / (double)D;                             \
        const double c2 = rs * rs * rs * mg__lanes_total(a2) / (double)D;                   \
        const T tr = (T)rs, t1 = (T)c1, t2 = (T)c2, tm = (T)mu;                             \
        if (w) {                                                                            \
            for (int64_t k = 0; k < D; k++)                                                 \
                o[k] = g[k] * w[k] * tr - t1 - (xr[k] - tm) * t2;                           \
        } else {                                                                            \
            for (int64_t k = 0; k < D; k++) o[k] = g[k] * tr - t1 - (xr[k] - tm) * t2;      \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *dy, const T *x, int64_t D, int64_t r0, int64_t r1, const T *w, const double *mean, const double *rstd, T *dx), (dy, x, D, r0, r1, w, mean, rstd, dx))
MG__DEFINE_LN_BWD(mg_ln_bwd_f32, float)
MG__DEFINE_LN_BWD(mg_ln_bwd_f64, double)

/* The affine parameters' gradients, columns [j0, j1) (at most MG_NORM_COLS):
 * dw[j] = sum_r dy[r, j] * (x[r, j] - mean[r]) * rstd[r], db[j] = sum_r dy[r, j]
 * (either may be NULL), rows ascending. */
#define MG__DEFINE_LN_PARAM_GRADS(NAME, T)                                                  \
static inline __attribute__((always_inline)) void NAME##_body(const T *dy, const T *x, int64_t M, int64_t D,     \
                                         int64_t j0, int64_t j1, const double *mean,        \
                                         const double *rstd, T *dw, T *db)                  \
{                                                                                           \
    double sw[MG_NORM_COLS], sb[MG_NORM_COLS];                                              \
    const int64_t w = j1 - j0;                                                              \
    for (int64_t j = 0; j < w; j++) sw[j] = sb[j] = 0.0;                                    \
    for (int64_t r = 0; r < M; r++) {                                                       \
        const T *g = dy + r * D + j0, *xr = x + r * D + j0;                                 \
        const double mu = mean[r], rs = rstd[r];                                            \
        if (dw)                                                                             \
            for (int64_t j = 0; j < w; j++)                                                 \
                sw[j] += (double)g[j] * (((double)xr[j] - mu) * rs);                        \
        if (db)                                                                             \
            for (int64_t j = 0; j < w; j++) sb[j] += (double)g[j];                          \
    }                                                                                       \
    for (int64_t j = 0; j < w; j++) {                                                       \
        if (dw) dw[j0 + j] = (T)sw[j];                                                      \
        if (db) db[j0 + j] = (T)sb[j];                                                      \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *dy, const T *x, int64_t M, int64_t D, int64_t j0, int64_t j1, const double *mean, const double *rstd, T *dw, T *db), (dy, x, M, D, j0, j1, mean, rstd, dw, db))
MG__DEFINE_LN_PARAM_GRADS(mg_ln_param_grads_f32, float)
MG__DEFINE_LN_PARAM_GRADS(mg_ln_param_grads_f64, double)

#endif /* MINIGRAD_NORM_H */
