/*
 * im2col.h -- the packing that turns a convolution into matrix products (header-only, C99).
 *
 * A 2-d convolution of one sample x (C, H, W) with weights w (Cout, C, kh, kw) is the product
 *
 *     out (Cout, Ho*Wo) = w (Cout, C*kh*kw) @ cols (C*kh*kw, Ho*Wo)
 *
 * where row (c, i, j) of `cols` holds, for every output position (oh, ow), the input pixel that
 * kernel tap (i, j) of channel c sees there:
 *
 *     cols[(c*kh + i)*kw + j][oh*Wo + ow] = x[c][oh*sh - ph + i*dh][ow*sw - pw + j*dw]
 *
 * (0 where that position falls in the zero padding).  `im2col` writes those rows for one
 * channel; `col2im` is its adjoint, used by the input gradient: it adds every entry of a
 * gradient `dcols` back onto the input pixel it was copied from.
 *
 * Determinism.  im2col only moves values.  col2im sums, for one input pixel, the entries of
 * the kernel taps that read it; it visits them in a fixed order (tap (i, j) ascending, then
 * output position ascending) and one call owns one whole channel plane, so the caller's
 * threads (which split over (sample, channel) planes) never share a sum.  The result depends
 * on the shapes only, never on the thread count.
 *
 * A 1-d convolution is the 2-d one with H = kh = 1.
 */
#ifndef MINIGRAD_IM2COL_H
#define MINIGRAD_IM2COL_H

#include <stdint.h>
#include <string.h>

/* The geometry of one convolution (all sizes >= 0; strides and dilations >= 1). */
typedef struct {
    int64_t H, W;          /* input plane            */
    int64_t kh, kw;        /* kernel                 */
    int64_t sh, sw;        /* stride                 */
    int64_t ph, pw;        /* zero padding (top/left)*/
    int64_t dh, dw;        /* dilation               */
    int64_t Ho, Wo;        /* output plane           */
} mg_conv_geom;

/* The output columns ow whose input column ow*sw - pw + off lies in [0, W): [*lo, *hi). */
static inline void mg__valid_cols(const mg_conv_geom *g, int64_t off, int64_t *lo, int64_t *hi)
{
    /* iw = ow*sw + (off - pw) >= 0  <=>  ow >= ceil((pw - off) / sw) */
    int64_t a = g->pw - off;
    int64_t l = a <= 0 ? 0 : (a + g->sw - 1) / g->sw;
    /* iw <= W - 1  <=>  ow <= floor((W - 1 + pw - off) / sw) */
    int64_t b = g->W - 1 + g->pw - off;
    int64_t h = b < 0 ? 0 : b / g->sw + 1;
    if (h > g->Wo) h = g->Wo;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* cols: kh*kw rows of Ho*Wo (row stride ld) for one input channel plane x (H*W). */
#define MG__DEFINE_IM2COL(NAME, T)                                                          \
static __attribute__((unused)) void NAME(const T *x, const mg_conv_geom *g, T *cols,        \
                                         int64_t ld)                                        \
{                                                                                           \
    for (int64_t i = 0; i < g->kh; i++) {                                                   \
        for (int64_t j = 0; j < g->kw; j++) {                                               \
            T *row = cols + (i * g->kw + j) * ld;                                           \
            int64_t lo, hi;                                                                 \
            mg__valid_cols(g, j * g->dw, &lo, &hi);                                         \
            for (int64_t oh = 0; oh < g->Ho; oh++) {                                        \
                T *dst = row + oh * g->Wo;                                                  \
                const int64_t ih = oh * g->sh - g->ph + i * g->dh;                          \
                if (ih < 0 || ih >= g->H) {                                                 \
                    memset(dst, 0, (size_t)g->Wo * sizeof(T));                              \
                    continue;                                                               \
                }                                                                           \
                const T *src = x + ih * g->W;                                               \
                const int64_t off = j * g->dw - g->pw, s = g->sw;                           \
                for (int64_t ow = 0; ow < lo; ow++) dst[ow] = 0;                            \
                if (s == 1) {   /* a loop, not memcpy: rows are short (a call each costs more) */ \
                    const T *from = src + off;                                              \
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow] = from[ow];                \
                } else {                                                                    \
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow] = src[ow * s + off];       \
                }                                                                           \
                for (int64_t ow = hi; ow < g->Wo; ow++) dst[ow] = 0;                        \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}
MG__DEFINE_IM2COL(mg_im2col_f32, float)
MG__DEFINE_IM2COL(mg_im2col_f64, double)

/* dx (H*W, one channel plane) = the sum of the kh*kw rows of cols (row stride ld) scattered
 * back to the pixels they were read from.  Overwrites dx. */
#define MG__DEFINE_COL2IM(NAME, T)                                                          \
static __attribute__((unused)) void NAME(const T *cols, int64_t ld, const mg_conv_geom *g,  \
                                         T *dx)                                             \
{                                                                                           \
    memset(dx, 0, (size_t)(g->H * g->W) * sizeof(T));                                      \
    for (int64_t i = 0; i < g->kh; i++) {                                                   \
        for (int64_t j = 0; j < g->kw; j++) {                                               \
            const T *row = cols + (i * g->kw + j) * ld;                                     \
            int64_t lo, hi;                                                                 \
            mg__valid_cols(g, j * g->dw, &lo, &hi);                                         \
            for (int64_t oh = 0; oh < g->Ho; oh++) {                                        \
                const int64_t ih = oh * g->sh - g->ph + i * g->dh;                          \
                if (ih < 0 || ih >= g->H) continue;                                         \
                const T *src = row + oh * g->Wo;                                            \
                T *dst = dx + ih * g->W;                                                    \
                const int64_t off = j * g->dw - g->pw, s = g->sw;                           \
                if (s == 1) {                                                               \
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow + off] += src[ow];          \
                } else {                                                                    \
                    for (int64_t ow = lo; ow < hi; ow++) dst[ow * s + off] += src[ow];      \
                }                                                                           \
            }                                                                               \
        }                                                                                   \
    }                                                                                       \
}
MG__DEFINE_COL2IM(mg_col2im_f32, float)
MG__DEFINE_COL2IM(mg_col2im_f64, double)

#endif /* MINIGRAD_IM2COL_H */
