/*
 * pool.h -- max and average pooling over one (H, W) plane, forward and backward (C99).
 *
 * The windows are described by the caller, per output row and per output column, so one
 * kernel serves every pooling layer (MaxPool with padding, dilation and ceil_mode, AvgPool,
 * the adaptive ones, and the 1-d forms with H = 1):
 *
 *   max pooling: output row oh reads the rows  h0[oh] + t*dh for t < hn[oh]   (only the rows
 *                inside the input: padding never wins a max), columns likewise (w0, wn, dw);
 *   avg pooling: output row oh sums the rows [hs[oh], he[oh]), columns [ws[ow], we[ow]), and
 *                divides by div[oh*Wo + ow] (the caller's count: with or without the padding,
 *                or divisor_override).
 *
 * Max pooling follows PyTorch's CPU kernel exactly: the running maximum starts at -inf with
 * the window's first pixel as its index, a value wins if it is greater or NaN (so NaN
 * propagates, and among equal values the first in row-major order is kept); indices are flat
 * positions h*W + w in the plane.
 *
 * Determinism.  One call owns one plane.  The backward passes add gradients into the input
 * plane in a fixed order (output position ascending, then the window in row-major order), and
 * the average's sum runs in double in row-major order, so nothing depends on how the caller's
 * threads split the planes.
 */
#ifndef MINIGRAD_POOL_H
#define MINIGRAD_POOL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "simd_clones.h"

#define MG__DEFINE_MAXPOOL(NAME, T)                                                          \
static __attribute__((unused)) void NAME(                                                    \
    const T *x, int64_t W, int64_t Ho, int64_t Wo,                                           \
    const int64_t *h0, const int64_t *hn, int64_t dh,                                        \
    const int64_t *w0, const int64_t *wn, int64_t dw, T *out, int64_t *idx)                  \
{                                                                                            \
    for (int64_t oh = 0; oh < Ho; oh++) {                                                    \
        for (int64_t ow = 0; ow < Wo; ow++) {                                                \
            int64_t best = h0[oh] * W + w0[ow];                                              \
            T m = (T)-INFINITY;                                                              \
            for (int64_t a = 0; a < hn[oh]; a++) {                                           \
                const int64_t ih = h0[oh] + a * dh;                                          \
                const T *row = x + ih * W;                                                   \
                for (int64_t b = 0; b < wn[ow]; b++) {                                       \
                    const int64_t iw = w0[ow] + b * dw;                                      \
                    const T v = row[iw];                                                     \
                    if (v > m || v != v) {                                                   \
                        m = v;                                                               \
                        best = ih * W + iw;                                                  \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
            out[oh * Wo + ow] = m;                                                           \
            if (idx) idx[oh * Wo + ow] = best;                                               \
        }                                                                                    \
    }                                                                                        \
}
MG__DEFINE_MAXPOOL(mg_maxpool_f32, float)
MG__DEFINE_MAXPOOL(mg_maxpool_f64, double)

/* The same for the commonest case, MaxPool2d(2): output (oh, ow) reads rows 2oh, 2oh+1 and
 * columns 2ow, 2ow+1 (the caller checked that every window is exactly that), with the same
 * comparisons in the same order as above, written as selects instead of branches (on real data
 * the winner is unpredictable: branches mispredict about once per window). The running maximum
 * starts at the window's first value instead of -inf: the same winner and index (a first value
 * of -inf, or NaN, is kept by either form until something greater or NaN comes). */
#define MG__DEFINE_MAXPOOL_2X2(NAME, T, IT)                                                  \
static inline __attribute__((always_inline)) void NAME##_body(                               \
    const T *restrict x, int64_t W, int64_t Ho, int64_t Wo, T *restrict out,                 \
    int64_t *restrict idx)                                                                   \
{                                                                                            \
    for (int64_t oh = 0; oh < Ho; oh++) {                                                    \
        const T *restrict r0 = x + 2 * oh * W, *restrict r1 = r0 + W;                        \
        T *restrict o = out + oh * Wo;                                                       \
        const int64_t base = 2 * oh * W;                                                     \
        int64_t *restrict ix = idx ? idx + oh * Wo : 0;                                      \
        for (int64_t ow = 0; ow < Wo; ow++) {                                                \
            const T v1 = r0[2 * ow + 1], v2 = r1[2 * ow], v3 = r1[2 * ow + 1];               \
            T m = r0[2 * ow];                                                                \
            IT k = 0;                                                                        \
            IT take = (v1 > m) | (v1 != v1); m = take ? v1 : m; k = take ? 1 : k;           \
            take = (v2 > m) | (v2 != v2); m = take ? v2 : m; k = take ? 2 : k;               \
            take = (v3 > m) | (v3 != v3); m = take ? v3 : m; k = take ? 3 : k;               \
            o[ow] = m;                                                                       \
        }                                                                                    \
        if (!ix) continue;                                                                   \
        /* the winner's position again, from the same comparisons (a second loop keeps the  \
         * first one free of 64-bit lanes, so both vectorise) */                             \
        for (int64_t ow = 0; ow < Wo; ow++) {                                                \
            const T v1 = r0[2 * ow + 1], v2 = r1[2 * ow], v3 = r1[2 * ow + 1];               \
            T m = r0[2 * ow];                                                                \
            int64_t k = 0;                                                                   \
            int64_t take = (v1 > m) | (v1 != v1); m = take ? v1 : m; k = take ? 1 : k;      \
            take = (v2 > m) | (v2 != v2); m = take ? v2 : m; k = take ? W : k;               \
            take = (v3 > m) | (v3 != v3); m = take ? v3 : m; k = take ? W + 1 : k;           \
            ix[ow] = base + 2 * ow + k;                                                      \
        }                                                                                    \
    }                                                                                        \
}                                                                                            \
MG__CLONES(NAME, (const T *x, int64_t W, int64_t Ho, int64_t Wo, T *out, int64_t *idx),      \
           (x, W, Ho, Wo, out, idx))
MG__DEFINE_MAXPOOL_2X2(mg_maxpool2x2_f32, float, int32_t)
MG__DEFINE_MAXPOOL_2X2(mg_maxpool2x2_f64, double, int64_t)

/* dx (the input plane, HW elements) = the output gradients added at their argmax indices. */
#define MG__DEFINE_MAXPOOL_BWD(NAME, T)                                                      \
static __attribute__((unused)) void NAME(const T *g, const int64_t *idx, int64_t n_out,      \
                                         T *dx, int64_t HW)                                  \
{                                                                                            \
    memset(dx, 0, (size_t)HW * sizeof(T));                                                   \
    for (int64_t o = 0; o < n_out; o++) dx[idx[o]] += g[o];                                  \
}
MG__DEFINE_MAXPOOL_BWD(mg_maxpool_bwd_f32, float)
MG__DEFINE_MAXPOOL_BWD(mg_maxpool_bwd_f64, double)

#define MG__DEFINE_AVGPOOL(NAME, T)                                                          \
static __attribute__((unused)) void NAME(                                                    \
    const T *x, int64_t W, int64_t Ho, int64_t Wo,                                           \
    const int64_t *hs, const int64_t *he, const int64_t *ws, const int64_t *we,              \
    const double *div, T *out)                                                               \
{                                                                                            \
    for (int64_t oh = 0; oh < Ho; oh++) {                                                    \
        for (int64_t ow = 0; ow < Wo; ow++) {                                                \
            double s = 0.0;                                                                  \
            for (int64_t ih = hs[oh]; ih < he[oh]; ih++)                                     \
                for (int64_t iw = ws[ow]; iw < we[ow]; iw++) s += (double)x[ih * W + iw];    \
            out[oh * Wo + ow] = (T)(s / div[oh * Wo + ow]);                                  \
        }                                                                                    \
    }                                                                                        \
}
MG__DEFINE_AVGPOOL(mg_avgpool_f32, float)
MG__DEFINE_AVGPOOL(mg_avgpool_f64, double)

#define MG__DEFINE_AVGPOOL_BWD(NAME, T)                                                      \
static __attribute__((unused)) void NAME(                                                    \
    const T *g, int64_t H, int64_t W, int64_t Ho, int64_t Wo,                                \
    const int64_t *hs, const int64_t *he, const int64_t *ws, const int64_t *we,              \
    const double *div, T *dx)                                                                \
{                                                                                            \
    memset(dx, 0, (size_t)(H * W) * sizeof(T));                                              \
    for (int64_t oh = 0; oh < Ho; oh++) {                                                    \
        for (int64_t ow = 0; ow < Wo; ow++) {                                                \
            const T v = (T)((double)g[oh * Wo + ow] / div[oh * Wo + ow]);                    \
            for (int64_t ih = hs[oh]; ih < he[oh]; ih++)                                     \
                for (int64_t iw = ws[ow]; iw < we[ow]; iw++) dx[ih * W + iw] += v;           \
        }                                                                                    \
    }                                                                                        \
}
MG__DEFINE_AVGPOOL_BWD(mg_avgpool_bwd_f32, float)
MG__DEFINE_AVGPOOL_BWD(mg_avgpool_bwd_f64, double)

#endif /* MINIGRAD_POOL_H */
