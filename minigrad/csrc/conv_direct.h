/*
 * conv_direct.h -- convolutions of one input channel, computed directly (header-only, C99), and
 * the fixed-order sum of per-sample weight gradients.
 *
 * A first layer such as MNIST's Conv2d(1, 32, 3) has K = kh*kw = 9 values per output: as im2col
 * + GEMM it is a product with K = 9 (the GEMM's packing and its 16-wide tiles cost more than the
 * 9 multiply-adds). Here every output row is instead a sum of kh*kw shifted input rows, each
 * scaled by one weight: contiguous loops over the output columns, which the compiler
 * vectorises. One call computes one sample (the caller's threads split the batch):
 *
 *   forward      out[co][oh][ow] = (sum over taps (i, j) of w[co][i][j] * x[oh*sh + i*dh][ow*sw + j*dw])
 *                                  + b[co]            taps in row-major order, then the bias
 *   weight grad  P[co][t] = sum over (oh, ow) of d[co][oh][ow] * x[...tap t...]   (t = the tap;
 *                t = kh*kw: the bias gradient, sum of d[co]); the products are dealt
 *                round-robin to MG_DIRECT_LANES accumulators (output position l to lane
 *                l mod LANES), combined pairwise at the end
 *   input grad   dx[oh*sh + i*dh][ow*sw + j*dw] += w[co][i][j] * d[co][oh][ow],
 *                co, oh, (i, j), ow ascending
 *
 * x is the plane after padding (the caller pads: a single channel costs nothing to copy).
 * The batch's weight gradient is sum_n P_n, added by mg_sum_slices in sample order, so no
 * result depends on the thread count; the generic, AVX2 and AVX-512 copies (simd_clones.h) run the same
 * operations in the same order (vectors across output columns or lanes, never along a sum).
 */
#ifndef MINIGRAD_CONV_DIRECT_H
#define MINIGRAD_CONV_DIRECT_H

#include <stdint.h>
#include <string.h>

#include "simd_clones.h"

#define MG_DIRECT_LANES 8

typedef struct {
    int64_t W;             /* padded input row length (the plane has enough rows) */
    int64_t Cout, kh, kw;  /* output channels, kernel                              */
    int64_t sh, sw, dh, dw;
    int64_t Ho, Wo;        /* output plane                                         */
} mg_direct_geom;

#define MG__DEFINE_DIRECT_FWD(NAME, T)                                                       \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict x, const T *restrict w, const T *restrict b, const mg_direct_geom *g, \
    T *restrict out)                                                                        \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, Ho = g->Ho, Wo = g->Wo, sw = g->sw;                   \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        for (int64_t oh = 0; oh < Ho; oh++) {                                               \
            T *restrict o = out + (co * Ho + oh) * Wo;                                      \
            for (int64_t ow = 0; ow < Wo; ow++) o[ow] = 0;                                  \
            for (int64_t i = 0; i < g->kh; i++) {                                           \
                for (int64_t j = 0; j < g->kw; j++) {                                       \
                    const T wv = w[co * KK + i * g->kw + j];                                \
                    const T *restrict xr = x + (oh * g->sh + i * g->dh) * g->W + j * g->dw; \
                    if (sw == 1)                                                            \
                        for (int64_t ow = 0; ow < Wo; ow++) o[ow] += wv * xr[ow];           \
                    else                                                                    \
                        for (int64_t ow = 0; ow < Wo; ow++) o[ow] += wv * xr[ow * sw];      \
                }                                                                           \
            }                                                                               \
            if (b) {                                                                        \
                const T bv = b[co];                                                         \
                for (int64_t ow = 0; ow < Wo; ow++) o[ow] += bv;                            \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, const T *w, const T *b, const mg_direct_geom *g, T *out),    \
           (x, w, b, g, out))
MG__DEFINE_DIRECT_FWD(mg_direct_fwd_f32, float)
MG__DEFINE_DIRECT_FWD(mg_direct_fwd_f64, double)

/* P (Cout, kh*kw + with_bias): the weight (and bias) gradient of one sample. */
#define MG__DEFINE_DIRECT_WGRAD(NAME, T)                                                     \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict x, const T *restrict d, const mg_direct_geom *g, int with_bias,       \
    T *restrict P)                                                                          \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, Ho = g->Ho, Wo = g->Wo, sw = g->sw;                   \
    const int64_t cols = KK + (with_bias ? 1 : 0);                                          \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        const T *restrict dc = d + co * Ho * Wo;                                            \
        for (int64_t t = 0; t < cols; t++) {                                                \
            T a[MG_DIRECT_LANES] = {0};                                                     \
            int64_t q = 0; /* the lane of the next product: position l goes to l mod LANES */\
            const int64_t i = t < KK ? t / g->kw : 0, j = t < KK ? t % g->kw : 0;           \
            for (int64_t oh = 0; oh < Ho; oh++) {                                           \
                const T *restrict dr = dc + oh * Wo;                                        \
                const T *restrict xr = x + (oh * g->sh + i * g->dh) * g->W + j * g->dw;     \
                int64_t ow = 0;                                                             \
                /* finish the lane block started on the previous row, one by one */         \
                for (; q != 0 && ow < Wo; ow++, q = (q + 1) % MG_DIRECT_LANES)               \
                    a[q] += t < KK ? dr[ow] * xr[ow * sw] : dr[ow];                         \
                if (t == KK) {                                                              \
                    for (; ow + MG_DIRECT_LANES <= Wo; ow += MG_DIRECT_LANES)               \
                        for (int r = 0; r < MG_DIRECT_LANES; r++) a[r] += dr[ow + r];       \
                } else if (sw == 1) {                                                       \
                    for (; ow + MG_DIRECT_LANES <= Wo; ow += MG_DIRECT_LANES)               \
                        for (int r = 0; r < MG_DIRECT_LANES; r++)                           \
                            a[r] += dr[ow + r] * xr[ow + r];                                \
                } else {                                                                    \
                    for (; ow + MG_DIRECT_LANES <= Wo; ow += MG_DIRECT_LANES)               \
                        for (int r = 0; r < MG_DIRECT_LANES; r++)                           \
                            a[r] += dr[ow + r] * xr[(ow + r) * sw];                         \
                }                                                                           \
                for (; ow < Wo; ow++, q = (q + 1) % MG_DIRECT_LANES)                        \
                    a[q] += t < KK ? dr[ow] * xr[ow * sw] : dr[ow];                         \
            }                                                                               \
            P[co * cols + t] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])); \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, const T *d, const mg_direct_geom *g, int with_bias, T *P),   \
           (x, d, g, with_bias, P))
MG__DEFINE_DIRECT_WGRAD(mg_direct_wgrad_f32, float)
MG__DEFINE_DIRECT_WGRAD(mg_direct_wgrad_f64, double)

/* dx: the padded input plane's gradient (H rows of g->W), overwritten. */
#define MG__DEFINE_DIRECT_DGRAD(NAME, T)                                                     \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict d, const T *restrict w, const mg_direct_geom *g, int64_t H,           \
    T *restrict dx)                                                                         \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, Ho = g->Ho, Wo = g->Wo, sw = g->sw;                   \
    memset(dx, 0, (size_t)(H * g->W) * sizeof(T));                                          \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        for (int64_t oh = 0; oh < Ho; oh++) {                                               \
            const T *restrict dr = d + (co * Ho + oh) * Wo;                                 \
            for (int64_t i = 0; i < g->kh; i++) {                                           \
                for (int64_t j = 0; j < g->kw; j++) {                                       \
                    const T wv = w[co * KK + i * g->kw + j];                                \
                    T *restrict xr = dx + (oh * g->sh + i * g->dh) * g->W + j * g->dw;      \
                    if (sw == 1)                                                            \
                        for (int64_t ow = 0; ow < Wo; ow++) xr[ow] += wv * dr[ow];          \
                    else                                                                    \
                        for (int64_t ow = 0; ow < Wo; ow++) xr[ow * sw] += wv * dr[ow];     \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *d, const T *w, const mg_direct_geom *g, int64_t H, T *dx),      \
           (d, w, g, H, dx))
MG__DEFINE_DIRECT_DGRAD(mg_direct_dgrad_f32, float)
MG__DEFINE_DIRECT_DGRAD(mg_direct_dgrad_f64, double)

/* Stride 1: the "wide row" form. Output position p = oh*W + ow of a plane as wide as the input
 * (the columns ow >= Wo are not outputs) reads x[p + off_t] for tap t, off_t = i*dh*W + j*dw,
 * so every tap is one long contiguous loop over p in [0, (Ho-1)*W + Wo) (the last row stops at
 * Wo: nothing past the plane is read). The loops are blocked by MG_DIRECT_LANES positions whose
 * accumulators stay in registers across the taps. */
#define MG__DEFINE_DIRECT_FWD_WIDE(NAME, T)                                                  \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict x, const T *restrict w, const T *restrict b, const mg_direct_geom *g, \
    T *restrict wide, T *restrict out)                                                      \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, W = g->W, Ho = g->Ho, Wo = g->Wo;                     \
    const int64_t n = (Ho - 1) * W + Wo;                                                    \
    int64_t off[KK];                                                                        \
    for (int64_t t = 0; t < KK; t++) off[t] = (t / g->kw) * g->dh * W + (t % g->kw) * g->dw; \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        const T *restrict wc = w + co * KK;                                                 \
        int64_t p = 0;                                                                      \
        for (; p + MG_DIRECT_LANES <= n; p += MG_DIRECT_LANES) {                            \
            T a[MG_DIRECT_LANES] = {0};                                                     \
            for (int64_t t = 0; t < KK; t++) {                                              \
                const T wv = wc[t];                                                         \
                const T *restrict xp = x + p + off[t];                                      \
                for (int r = 0; r < MG_DIRECT_LANES; r++) a[r] += wv * xp[r];               \
            }                                                                               \
            for (int r = 0; r < MG_DIRECT_LANES; r++) wide[p + r] = a[r];                   \
        }                                                                                   \
        for (; p < n; p++) {                                                                \
            T a = 0;                                                                        \
            for (int64_t t = 0; t < KK; t++) a += wc[t] * x[p + off[t]];                    \
            wide[p] = a;                                                                    \
        }                                                                                   \
        const T bv = b ? b[co] : (T)0;                                                      \
        for (int64_t oh = 0; oh < Ho; oh++) {                                               \
            T *restrict o = out + (co * Ho + oh) * Wo;                                      \
            const T *restrict src = wide + oh * W;                                          \
            if (b) for (int64_t ow = 0; ow < Wo; ow++) o[ow] = src[ow] + bv;                \
            else for (int64_t ow = 0; ow < Wo; ow++) o[ow] = src[ow];                       \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, const T *w, const T *b, const mg_direct_geom *g, T *wide,    \
                  T *out), (x, w, b, g, wide, out))
MG__DEFINE_DIRECT_FWD_WIDE(mg_direct_fwd_wide_f32, float)
MG__DEFINE_DIRECT_FWD_WIDE(mg_direct_fwd_wide_f64, double)

/* The weight (and bias) gradient in the wide form: d is first spread to a wide plane with zeros
 * in the columns ow >= Wo; products go to lane p mod LANES, every tap's lanes in registers. */
#define MG__DEFINE_DIRECT_WGRAD_WIDE(NAME, T)                                                \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict x, const T *restrict d, const mg_direct_geom *g, int with_bias,       \
    T *restrict wide, T *restrict P)                                                        \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, W = g->W, Ho = g->Ho, Wo = g->Wo;                     \
    const int64_t n = (Ho - 1) * W + Wo, cols = KK + (with_bias ? 1 : 0);                   \
    int64_t off[KK];                                                                        \
    for (int64_t t = 0; t < KK; t++) off[t] = (t / g->kw) * g->dh * W + (t % g->kw) * g->dw; \
    T acc[cols][MG_DIRECT_LANES];                                                           \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        for (int64_t oh = 0; oh < Ho; oh++) {                                               \
            const T *restrict src = d + (co * Ho + oh) * Wo;                                \
            T *restrict dst = wide + oh * W;                                                \
            for (int64_t ow = 0; ow < Wo; ow++) dst[ow] = src[ow];                          \
            if (oh + 1 < Ho) for (int64_t ow = Wo; ow < W; ow++) dst[ow] = 0;               \
        }                                                                                   \
        for (int64_t t = 0; t < cols; t++)                                                  \
            for (int r = 0; r < MG_DIRECT_LANES; r++) acc[t][r] = 0;                        \
        int64_t p = 0;                                                                      \
        for (; p + MG_DIRECT_LANES <= n; p += MG_DIRECT_LANES) {                            \
            const T *restrict dp = wide + p;                                                \
            for (int64_t t = 0; t < KK; t++) {                                              \
                const T *restrict xp = x + p + off[t];                                      \
                for (int r = 0; r < MG_DIRECT_LANES; r++) acc[t][r] += dp[r] * xp[r];       \
            }                                                                               \
            if (with_bias)                                                                  \
                for (int r = 0; r < MG_DIRECT_LANES; r++) acc[KK][r] += dp[r];              \
        }                                                                                   \
        for (int r = 0; p < n; p++, r++) {                                                  \
            for (int64_t t = 0; t < KK; t++) acc[t][r] += wide[p] * x[p + off[t]];          \
            if (with_bias) acc[KK][r] += wide[p];                                           \
        }                                                                                   \
        for (int64_t t = 0; t < cols; t++) {                                                \
            const T *a = acc[t];                                                            \
            P[co * cols + t] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])); \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *x, const T *d, const mg_direct_geom *g, int with_bias, T *wide, \
                  T *P), (x, d, g, with_bias, wide, P))
MG__DEFINE_DIRECT_WGRAD_WIDE(mg_direct_wgrad_wide_f32, float)
MG__DEFINE_DIRECT_WGRAD_WIDE(mg_direct_wgrad_wide_f64, double)

/* The input gradient in the wide form: dx[p + off_t] += w_t * d[p], co then tap ascending, each
 * tap one contiguous loop over p (the wide plane of d has zeros in the columns ow >= Wo). */
#define MG__DEFINE_DIRECT_DGRAD_WIDE(NAME, T)                                                \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict d, const T *restrict w, const mg_direct_geom *g, int64_t H,           \
    T *restrict wide, T *restrict dx)                                                       \
{                                                                                           \
    const int64_t KK = g->kh * g->kw, W = g->W, Ho = g->Ho, Wo = g->Wo;                     \
    const int64_t n = (Ho - 1) * W + Wo;                                                    \
    memset(dx, 0, (size_t)(H * W) * sizeof(T));                                            \
    for (int64_t co = 0; co < g->Cout; co++) {                                              \
        for (int64_t oh = 0; oh < Ho; oh++) {                                               \
            const T *restrict src = d + (co * Ho + oh) * Wo;                                \
            T *restrict dst = wide + oh * W;                                                \
            for (int64_t ow = 0; ow < Wo; ow++) dst[ow] = src[ow];                          \
            if (oh + 1 < Ho) for (int64_t ow = Wo; ow < W; ow++) dst[ow] = 0;               \
        }                                                                                   \
        for (int64_t t = 0; t < KK; t++) {                                                  \
            const T wv = w[co * KK + t];                                                    \
            T *restrict xp = dx + (t / g->kw) * g->dh * W + (t % g->kw) * g->dw;            \
            for (int64_t p = 0; p < n; p++) xp[p] += wv * wide[p];                          \
        }                                                                                   \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *d, const T *w, const mg_direct_geom *g, int64_t H, T *wide,     \
                  T *dx), (d, w, g, H, wide, dx))
MG__DEFINE_DIRECT_DGRAD_WIDE(mg_direct_dgrad_wide_f32, float)
MG__DEFINE_DIRECT_DGRAD_WIDE(mg_direct_dgrad_wide_f64, double)

/* out[j] = p[0][j] + p[1][j] + ... + p[n-1][j] for j in [j0, j1), slices added in order (the
 * batch's weight gradient from per-sample ones: the same order for any thread count). */
#define MG__DEFINE_SUM_SLICES(NAME, T)                                                       \
static inline __attribute__((always_inline)) void NAME##_body(                              \
    const T *restrict p, int64_t n, int64_t m, int64_t j0, int64_t j1, T *restrict out)     \
{                                                                                           \
    for (int64_t j = j0; j < j1; j++) out[j] = p[j];                                        \
    for (int64_t s = 1; s < n; s++) {                                                       \
        const T *restrict row = p + s * m;                                                  \
        for (int64_t j = j0; j < j1; j++) out[j] += row[j];                                 \
    }                                                                                       \
}                                                                                           \
MG__CLONES(NAME, (const T *p, int64_t n, int64_t m, int64_t j0, int64_t j1, T *out),       \
           (p, n, m, j0, j1, out))
MG__DEFINE_SUM_SLICES(mg_sum_slices_f32, float)
MG__DEFINE_SUM_SLICES(mg_sum_slices_f64, double)

#endif /* MINIGRAD_CONV_DIRECT_H */
