/*
 * random_fills.h -- tensors of random numbers: raw 32-bit words (random_bits), uniform_ and
 * normal_ fills, float32 and float64 (minigrad._ops.random_bits / uniform_ / normal_, used by
 * minigrad.rand, randn, nn.init ...).
 *
 * Why a header of its own: these kernels turn the Philox word stream (philox.h) into numbers
 * with a distribution; dropout (dropout.h) turns the same stream into keep bits.  Each kernel
 * here generates blocks with the current variant's generator, then applies one transform that is
 * the same code for every variant, compiled for the baseline CPU (so a variant cannot change a
 * result, and no multiply-add can be fused differently in one copy).
 *
 * Element i of a call, from the word stream s[] of (seed, offset):
 *   random_bits   element i = s[i]
 *   uniform f32   element i = (s[i] >> 8) * 2^-24                 in [0,1)
 *   uniform f64   element i = u53(s[2i], s[2i+1])                  in [0,1)
 *                 with u53(a, b) = ((a << 21) | (b >> 11)) * 2^-53
 *                 (a gives the top 32 of the 53 bits, b the low 21)
 *   normal        pair j = (element 2j, 2j+1) uses block j = s[4j..4j+3]:
 *                 u1 = 1 - u53(s[4j], s[4j+1]) in (0,1], u2 = u53(s[4j+2], s[4j+3]) in [0,1),
 *                 r = sqrt(-2 ln u1), t = 2 pi u2, element 2j = r cos t, element 2j+1 = r sin t;
 *                 all in double, then mean + std*z, rounded to float32 for f32.  Same for f32
 *                 and f64 (one block per pair either way).  For an odd length the last pair's
 *                 sine value is unused.
 *
 * All kernels take full-array base pointers and an element range [start, end) (any start); they
 * touch only elements of that range.
 */
#ifndef MINIGRAD_RANDOM_FILLS_H
#define MINIGRAD_RANDOM_FILLS_H

#include <math.h>
#include <stdint.h>

#include "philox.h"

/* The kernels walk [start, end) in pieces of at most
 * MG_PIECE blocks, generate those blocks into a stack buffer with the
 * current variant, then apply a transform that is the same code for every
 * variant (so the floating-point results cannot differ between variants). */
#define MG_PIECE 256   /* blocks per piece: 4 KiB buffer, stays in L1 */

/* random_bits: element i = s[i] = word i%4 of block i/4.  Whole blocks
 * inside the range are generated straight into out. */
MG_FN void mg_random_bits(uint32_t *out, int64_t start, int64_t end,
                          uint64_t seed, uint64_t offset)
{
    if (start >= end) return;
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t tmp[4];
    int64_t i = start;
    if (i & 3) {                              /* partial first block */
        mg__blocks(v, &c, (uint64_t)(i >> 2), 1, tmp);
        for (; i < end && (i & 3); i++) out[i] = tmp[i & 3];
    }
    int64_t nfull = (end - i) >> 2;           /* whole blocks */
    if (nfull > 0) {
        mg__blocks(v, &c, (uint64_t)(i >> 2), nfull, out + i);
        i += 4 * nfull;
    }
    if (i < end) {                            /* partial last block */
        mg__blocks(v, &c, (uint64_t)(i >> 2), 1, tmp);
        for (; i < end; i++) out[i] = tmp[i & 3];
    }
}

/* 53 random bits from two words -> double in [0, 1): a gives the top 32
 * bits, b's top 21 bits the rest.  Exact: the integer is < 2^53. */
static inline double mg__u53(uint32_t a, uint32_t b)
{
    return (double)(((uint64_t)a << 21) | (b >> 11)) * 0x1p-53;
}

/* uniform f32: element i from s[i], u = (s[i] >> 8) * 2^-24, exact in
 * float.  For a general [low, high) the value low + (high - low) * u is
 * formed in double and rounded to float; that rounding can land on high
 * itself, which is then replaced by the largest float below high, so the
 * result stays in [low, high) as torch promises (for low < high). */
MG_FN void mg_uniform_f32(float *out, int64_t start, int64_t end, uint64_t seed,
                          uint64_t offset, double low, double high)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t buf[4 * MG_PIECE];
    const double span = high - low;
    const int unit = (low == 0.0 && high == 1.0);
    const float hi_f = (float)high;
    const float below = nextafterf(hi_f, -INFINITY);
    const int clamp = span > 0.0 && below >= (float)low;
    for (int64_t i = start; i < end;) {
        int64_t b0 = i >> 2;
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 2) - b0 + 1);
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);
        int64_t stop = mg__min64(end, 4 * (b0 + nb));
        const uint32_t *w = buf + (i - 4 * b0);   /* word of element i */
        float *o = out + i;
        int64_t n = stop - i;
        if (unit) {
            for (int64_t t = 0; t < n; t++)
                o[t] = (float)(w[t] >> 8) * 0x1p-24f;
        } else {
            for (int64_t t = 0; t < n; t++) {
                float x = (float)(low + span * ((double)(w[t] >> 8) * 0x1p-24));
                o[t] = (clamp && x >= hi_f) ? below : x;
            }
        }
        i = stop;
    }
}

/* uniform f64: element i = u53(s[2i], s[2i+1]) (block i/2, words 2(i%2) and
 * 2(i%2)+1), then low + (high - low) * u with the same guard. */
MG_FN void mg_uniform_f64(double *out, int64_t start, int64_t end, uint64_t seed,
                          uint64_t offset, double low, double high)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t buf[4 * MG_PIECE];
    const double span = high - low;
    const int unit = (low == 0.0 && high == 1.0);
    const double below = nextafter(high, -INFINITY);
    const int clamp = span > 0.0 && below >= low;
    for (int64_t i = start; i < end;) {
        int64_t b0 = i >> 1;
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 1) - b0 + 1);
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);
        int64_t stop = mg__min64(end, 2 * (b0 + nb));
        const uint32_t *w = buf + 2 * (i - 2 * b0);
        double *o = out + i;
        int64_t n = stop - i;
        for (int64_t t = 0; t < n; t++) {
            double u = mg__u53(w[2 * t], w[2 * t + 1]);
            if (!unit) {
                u = low + span * u;
                if (clamp && u >= high) u = below;
            }
            o[t] = u;
        }
        i = stop;
    }
}

/* Box-Muller on one block (4 words): (r cos t, r sin t), see the header. */
static inline void mg__box_muller(const uint32_t w[4], double *z0, double *z1)
{
    double u1 = 1.0 - mg__u53(w[0], w[1]);      /* (0, 1]: log never sees 0 */
    double u2 = mg__u53(w[2], w[3]);            /* [0, 1) */
    double r = sqrt(-2.0 * log(u1));
    double t = 6.283185307179586 * u2;          /* 2 pi */
    *z0 = r * cos(t);
    *z1 = r * sin(t);
}

/* normal: pair p = elements (2p, 2p+1) from block p.  A range may start or
 * end in the middle of a pair; then only the needed half is stored. */
#define MG__DEFINE_NORMAL(NAME, T)                                              \
MG_FN void NAME(T *out, int64_t start, int64_t end, uint64_t seed,              \
                uint64_t offset, double mean, double std)                      \
{                                                                               \
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);                         \
    int v = mg_rng_variant;                                                     \
    uint32_t buf[4 * MG_PIECE];                                                 \
    for (int64_t i = start; i < end;) {                                         \
        int64_t b0 = i >> 1;                                                    \
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 1) - b0 + 1);            \
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);                               \
        int64_t stop = mg__min64(end, 2 * (b0 + nb));                           \
        for (; i < stop;) {                                                     \
            double z0, z1;                                                      \
            int64_t p = i >> 1;                                                 \
            mg__box_muller(buf + 4 * (p - b0), &z0, &z1);                       \
            if (!(i & 1)) out[i++] = (T)(mean + std * z0);                      \
            if (i < stop) out[i++] = (T)(mean + std * z1);                      \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_NORMAL(mg_normal_f32, float)
MG__DEFINE_NORMAL(mg_normal_f64, double)

#endif /* MINIGRAD_RANDOM_FILLS_H */
