/*
 * dropout.h -- dropout's forward pass and Bernoulli keep masks: Philox words (philox.h) become
 * keep bits, stored bit-packed, and y = x * (keep ? scale : +0.0) in the same pass
 * (minigrad._ops.dropout_forward, bernoulli_mask).  The backward pass, which only reads the
 * mask, is in dropout_backward.h.
 *
 * Why a header of its own: the mask is part of reproducibility -- for a given seed every variant
 * and every thread count must drop the same elements -- and this is where the stream's words are
 * turned into keep bits, once for each variant.
 *
 * THE MASK.  Bit k of mask byte b is element 8b + k (np.packbits(keep, bitorder='little')).
 * Two paths, chosen from p alone by the caller (_ops_dropout.pxi), q = 1 - p:
 *   16-bit      element i uses the 16-bit half (i % 2) (0 = low) of stream word s[i / 2], i.e.
 *               block i/8, word (i%8)/2; keep iff half < T, T = round(q * 65536) in [0, 65536].
 *               So one block = 8 elements = exactly one mask byte.  Used when
 *               |T/65536 - q| <= 1e-4 * min(p, q), i.e. the realised keep probability T/65536 is
 *               accurate to 1e-4 relative (of q and of p): p = 0, 1, 0.5, 0.1, 0.3 ...
 *   32-bit      otherwise (p like 1e-5, 1e-3, 0.999): element i uses the whole word s[i] (block
 *   (precise)   i/4, word i%4); keep iff s[i] < T, T = round(q * 2^32) in [0, 2^32].
 *               Two blocks = 8 elements = one mask byte.
 *
 * Semantics match torch 2.13's CPU dropout, which computes y = x * noise with
 * noise = bernoulli(q) / q (a float tensor): y = x * (keep ? scale : +0.0), so a dropped NaN or
 * +-inf gives NaN and a dropped negative finite x gives -0.0 (both exactly as torch).  The
 * float32 scale torch uses is 1.0f / (float)(1 - p) (float division); the caller passes scale in,
 * so it decides.  The multiplier is a table or a bit mask, never an `if`: random bits would make
 * a branch mispredict half of the time.
 *
 * Variants (mg_rng_variant): the scalar and generic ones run the portable consumers below on
 * their own block generators; AVX2 and AVX-512 have their own consumers.  One rounding per
 * element (the multiply) in every variant, so all give the same bits.
 *
 * Kernels take full-array base pointers and an element range [start, end) with start % 8 == 0,
 * so that two ranges never share a mask byte; the byte holding element end-1 gets zero bits above
 * end-1 (like np.packbits' padding).  x == NULL: mask only; mask == NULL: mask not stored.
 */
#ifndef MINIGRAD_DROPOUT_H
#define MINIGRAD_DROPOUT_H

#include <stdint.h>
#include <string.h>

#include "philox.h"

/* Keep bits of the 8 elements of a block (w = its 4 words). */
static inline unsigned mg__keep_byte(const uint32_t w[4], uint32_t T)
{
    unsigned byte = 0;
    for (int k = 0; k < 8; k++) {
        uint32_t half = (w[k >> 1] >> (16 * (k & 1))) & 0xffffu;
        byte |= (unsigned)(half < T) << k;
    }
    return byte;
}

/* Portable consumer (scalar and generic variants, and the AVX2 variant's
 * last partial group).  Walks the range one group of 8 blocks = 64
 * elements at a time: blocks from mg__blocks, then per element
 *   y = x * (keep ? scale : 0).
 * With the scalar variant this is one Philox call per block, exactly as the
 * spec words it: the reference the SIMD code is tested against.
 * x == NULL: mask only; mask == NULL: mask not stored. */
#define MG__DEFINE_DROPOUT_PORTABLE(NAME, T)                                    \
static void NAME(int variant, const T *x, T *y, uint8_t *mask, int64_t start,   \
                 int64_t end, uint32_t thr, T scale, const mg_philox_ctx *c)   \
{                                                                               \
    uint32_t buf[32];                                                           \
    for (int64_t g = start; g < end; g += 64) {                                 \
        int64_t n = mg__min64(end - g, 64);                                     \
        int nblk = (int)((n + 7) / 8);                                          \
        mg__blocks(variant, c, (uint64_t)(g >> 3), nblk, buf);                  \
        for (int b = 0; b < nblk; b++) {                                        \
            unsigned byte = mg__keep_byte(buf + 4 * b, thr);                    \
            int64_t e0 = g + 8 * b;                                             \
            int m = (int)mg__min64(end - e0, 8);                                \
            if (m < 8) byte &= (1u << m) - 1u;  /* zero padding bits */         \
            if (mask) mask[e0 >> 3] = (uint8_t)byte;                            \
            if (x) {  /* table, not ?: -- random bits mispredict branches */  \
                const T mult[2] = { (T)0, scale };                              \
                for (int k = 0; k < m; k++)                                     \
                    y[e0 + k] = x[e0 + k] * mult[(byte >> k) & 1u];             \
            }                                                                   \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_DROPOUT_PORTABLE(mg__dropout_portable_f32, float)
MG__DEFINE_DROPOUT_PORTABLE(mg__dropout_portable_f64, double)

/* The precise (32-bit) path, any variant: groups of 64 elements = 16 blocks
 * generated with the variant's block generator (the costly part), then the
 * same portable transform for every variant.  keep iff word < T with T a
 * 64-bit number in [0, 2^32] (2^32 keeps everything, 0 nothing).
 * x == NULL: mask only; mask == NULL: mask not stored. */
#define MG__DEFINE_DROPOUT32(NAME, T)                                           \
static void NAME(int variant, const T *x, T *y, uint8_t *mask, int64_t start,   \
                 int64_t end, uint64_t thr, T scale, const mg_philox_ctx *c)   \
{                                                                               \
    uint32_t buf[64];                                                           \
    const T mult[2] = { (T)0, scale };                                          \
    for (int64_t g = start; g < end; g += 64) {                                 \
        int64_t n = mg__min64(end - g, 64);                                     \
        int nbytes = (int)((n + 7) / 8);                                        \
        /* whole bytes' worth of words, so no word read is uninitialised */    \
        mg__blocks(variant, c, (uint64_t)(g >> 2), 2 * nbytes, buf);            \
        for (int b = 0; b < nbytes; b++) {                                      \
            unsigned byte = 0;                                                  \
            for (int k = 0; k < 8; k++)                                         \
                byte |= (unsigned)((uint64_t)buf[8 * b + k] < thr) << k;        \
            int64_t e0 = g + 8 * b;                                             \
            int m = (int)mg__min64(end - e0, 8);                                \
            if (m < 8) byte &= (1u << m) - 1u;  /* zero padding bits */         \
            if (mask) mask[e0 >> 3] = (uint8_t)byte;                            \
            if (x)                                                              \
                for (int k = 0; k < m; k++)                                     \
                    y[e0 + k] = x[e0 + k] * mult[(byte >> k) & 1u];             \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_DROPOUT32(mg__dropout32_f32, float)
MG__DEFINE_DROPOUT32(mg__dropout32_f64, double)

#if MG_CPU_X86
/* AVX2 dropout, float32: 16 blocks = 128 elements per iteration.  Per block:
 * zero-extend its eight 16-bit halves to eight 32-bit lanes -- on a
 * little-endian machine these come out in element order 8b..8b+7 (low half
 * of word 0 first) -- compare with T - 1 (signed compares are fine:
 * halves < 2^16, -1 <= T - 1 < 2^16) to get the DROP lanes, ANDNOT them with
 * scale to get the multiplier (scale or +0.0), multiply x; the complement
 * of movemask of the compare is the mask byte, bit k = element 8b+k.
 * x == NULL: mask only (bernoulli_mask); mask == NULL: not stored. */
MG_SIMD_AVX2 static void mg__dropout_avx2_f32(const float *x, float *y, uint8_t *mask,
                                         int64_t start, int64_t end, uint32_t thr,
                                         float scale, const mg_philox_ctx *c)
{
    /* drop iff half > T - 1 (T = 0 gives -1: everything dropped; T = 65536
     * gives 65535: nothing); computing "drop" rather than "keep" lets
     * andnot build the multiplier in one instruction. */
    const __m256i tm1 = _mm256_set1_epi32((int)thr - 1);
    const __m256 sv = _mm256_set1_ps(scale);
    int64_t g = start;
    for (; g + 128 <= end; g += 128) {
        __m256i lo[4], hi[4];
        mg__philox16_avx2((uint64_t)(g >> 3), c, lo, hi);
        uint64_t drop[2] = { 0, 0 };
#define MG__DO_BLOCK(j) do {                                                    \
            __m256i h = _mm256_cvtepu16_epi32(MG__BLK16(lo, hi, j));            \
            __m256 d = _mm256_castsi256_ps(_mm256_cmpgt_epi32(h, tm1));         \
            drop[(j) >> 3] |= (uint64_t)(unsigned)_mm256_movemask_ps(d) << (8 * ((j) & 7)); \
            if (x) {                                                            \
                __m256 mult = _mm256_andnot_ps(d, sv);  /* keep ? scale : 0 */  \
                __m256 xv = _mm256_loadu_ps(x + g + 8 * (j));                   \
                _mm256_storeu_ps(y + g + 8 * (j), _mm256_mul_ps(xv, mult));     \
            }                                                                   \
        } while (0)
        MG__DO_BLOCK(0);  MG__DO_BLOCK(1);  MG__DO_BLOCK(2);  MG__DO_BLOCK(3);
        MG__DO_BLOCK(4);  MG__DO_BLOCK(5);  MG__DO_BLOCK(6);  MG__DO_BLOCK(7);
        MG__DO_BLOCK(8);  MG__DO_BLOCK(9);  MG__DO_BLOCK(10); MG__DO_BLOCK(11);
        MG__DO_BLOCK(12); MG__DO_BLOCK(13); MG__DO_BLOCK(14); MG__DO_BLOCK(15);
#undef MG__DO_BLOCK
        /* byte j = block j's keep byte (x86 is little-endian) */
        uint64_t keep[2] = { ~drop[0], ~drop[1] };
        if (mask) memcpy(mask + (g >> 3), keep, 16);
    }
    if (g < end)  /* last partial group: same numbers, portable code */
        mg__dropout_portable_f32(MG_V_AVX2, x, y, mask, g, end, thr, scale, c);
}

/* AVX2 dropout, float64: the same, four elements per register, so each
 * block's eight halves are widened to 64-bit lanes in two steps. */
MG_SIMD_AVX2 static void mg__dropout_avx2_f64(const double *x, double *y, uint8_t *mask,
                                         int64_t start, int64_t end, uint32_t thr,
                                         double scale, const mg_philox_ctx *c)
{
    const __m256i tv = _mm256_set1_epi64x((long long)thr);
    const __m256d sv = _mm256_set1_pd(scale);
    int64_t g = start;
    for (; g + 128 <= end; g += 128) {
        __m256i lo[4], hi[4];
        mg__philox16_avx2((uint64_t)(g >> 3), c, lo, hi);
        uint64_t bits[2] = { 0, 0 };
#define MG__DO_BLOCK(j) do {                                                    \
            __m128i blk = MG__BLK16(lo, hi, j);                                 \
            __m256i ka = _mm256_cmpgt_epi64(tv, _mm256_cvtepu16_epi64(blk));    \
            __m256i kb = _mm256_cmpgt_epi64(tv, _mm256_cvtepu16_epi64(         \
                                                _mm_srli_si128(blk, 8)));       \
            unsigned byte = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(ka)) | \
                ((unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(kb)) << 4);   \
            bits[(j) >> 3] |= (uint64_t)byte << (8 * ((j) & 7));                \
            if (x) {                                                            \
                const double *xp = x + g + 8 * (j);                             \
                double *yp = y + g + 8 * (j);                                   \
                __m256d ma = _mm256_and_pd(_mm256_castsi256_pd(ka), sv);       \
                __m256d mb = _mm256_and_pd(_mm256_castsi256_pd(kb), sv);       \
                _mm256_storeu_pd(yp, _mm256_mul_pd(_mm256_loadu_pd(xp), ma));   \
                _mm256_storeu_pd(yp + 4, _mm256_mul_pd(_mm256_loadu_pd(xp + 4), mb)); \
            }                                                                   \
        } while (0)
        MG__DO_BLOCK(0);  MG__DO_BLOCK(1);  MG__DO_BLOCK(2);  MG__DO_BLOCK(3);
        MG__DO_BLOCK(4);  MG__DO_BLOCK(5);  MG__DO_BLOCK(6);  MG__DO_BLOCK(7);
        MG__DO_BLOCK(8);  MG__DO_BLOCK(9);  MG__DO_BLOCK(10); MG__DO_BLOCK(11);
        MG__DO_BLOCK(12); MG__DO_BLOCK(13); MG__DO_BLOCK(14); MG__DO_BLOCK(15);
#undef MG__DO_BLOCK
        if (mask) memcpy(mask + (g >> 3), bits, 16);
    }
    if (g < end)
        mg__dropout_portable_f64(MG_V_AVX2, x, y, mask, g, end, thr, scale, c);
}

/* AVX2 consumer of the 32-bit (precise) path: 16 blocks = 64 words = 64 elements per
 * iteration, 8 per register.  keep iff w < T, i.e. w <= T - 1 unsigned, tested as
 * min_epu32(w, T - 1) == w; that needs T >= 1 (T = 2^32 gives T - 1 = 0xffffffff: all kept),
 * so T = 0 is left to the portable code.  The keep lanes AND scale give the multiplier
 * (scale or +0.0), as in the portable code, so the products are the same bits. */
MG_SIMD_AVX2 static void mg__dropout32_avx2_f32(const float *x, float *y, uint8_t *mask,
                                           int64_t start, int64_t end, uint64_t thr,
                                           float scale, const mg_philox_ctx *c)
{
    const __m256i tm1 = _mm256_set1_epi32((int)(uint32_t)(thr - 1));
    const __m256 sv = _mm256_set1_ps(scale);
    uint32_t buf[64];
    int64_t g = start;
    for (; g + 64 <= end; g += 64) {
        mg__gen16_avx2((uint64_t)(g >> 2), c, buf);
        for (int b = 0; b < 8; b++) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(buf + 8 * b));
            __m256 keep = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_min_epu32(w, tm1), w));
            if (mask) mask[(g >> 3) + b] = (uint8_t)_mm256_movemask_ps(keep);
            if (x) {
                __m256 xv = _mm256_loadu_ps(x + g + 8 * b);
                _mm256_storeu_ps(y + g + 8 * b, _mm256_mul_ps(xv, _mm256_and_ps(keep, sv)));
            }
        }
    }
    if (g < end)
        mg__dropout32_f32(MG_V_AVX2, x, y, mask, g, end, thr, scale, c);
}

MG_SIMD_AVX2 static void mg__dropout32_avx2_f64(const double *x, double *y, uint8_t *mask,
                                           int64_t start, int64_t end, uint64_t thr,
                                           double scale, const mg_philox_ctx *c)
{
    const __m256i tm1 = _mm256_set1_epi32((int)(uint32_t)(thr - 1));
    const __m256d sv = _mm256_set1_pd(scale);
    uint32_t buf[64];
    int64_t g = start;
    for (; g + 64 <= end; g += 64) {
        mg__gen16_avx2((uint64_t)(g >> 2), c, buf);
        for (int b = 0; b < 8; b++) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(buf + 8 * b));
            __m256i keep = _mm256_cmpeq_epi32(_mm256_min_epu32(w, tm1), w);
            if (mask) mask[(g >> 3) + b] = (uint8_t)_mm256_movemask_ps(_mm256_castsi256_ps(keep));
            if (x) {
                /* widen the 8 lane masks to two registers of 4 64-bit masks */
                __m256d ka = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(keep)));
                __m256d kb = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(keep, 1)));
                const double *xp = x + g + 8 * b;
                double *yp = y + g + 8 * b;
                _mm256_storeu_pd(yp, _mm256_mul_pd(_mm256_loadu_pd(xp), _mm256_and_pd(ka, sv)));
                _mm256_storeu_pd(yp + 4, _mm256_mul_pd(_mm256_loadu_pd(xp + 4), _mm256_and_pd(kb, sv)));
            }
        }
    }
    if (g < end)
        mg__dropout32_f64(MG_V_AVX2, x, y, mask, g, end, thr, scale, c);
}

/* AVX-512, both paths: one group of 32 Philox blocks per iteration, 256 elements on the 16-bit
 * path, 128 on the 32-bit one.  The generator returns the words in stream order (philox.h), so
 *   16-bit path: element 32j + k is 16-bit lane k of w[j], and one unsigned 16-bit compare gives
 *                the 32 keep bits of the register in element order;
 *   32-bit path: element 16j + k is 32-bit lane k of w[j]: one 32-bit compare, 16 keep bits.
 * keep iff lane < T is tested as lane <= T - 1, which holds all T but 0 (2^16 and 2^32 become
 * all-ones); T = 0 (keep nothing) sets `live` to 0 instead.  The keep bits are the mask bits as
 * they are (x86 is little-endian), and they select scale or +0.0 into the multiplier.
 * The last group of a range is usually partial: there the compares, loads and stores are masked
 * to the elements in range (masked-off lanes are neither read nor written and get keep bit 0,
 * which is the mask's padding). */
MG_SIMD_INLINE_AVX512 uint32_t mg__keep_bits_avx512(__m512i w, int wide, int m, uint32_t live,
                                                    __m512i tm1_16, __m512i tm1_32)
{
    uint32_t valid = (m >= 32 ? 0xffffffffu : (1u << m) - 1u) & live;
    if (wide)
        return _mm512_mask_cmple_epu32_mask((__mmask16)valid, w, tm1_32);
    return _mm512_mask_cmple_epu16_mask(valid, w, tm1_16);
}

/* y[0..m) = x[0..m) * (keep bit ? scale : +0.0), m <= 32: one register of 16 floats at a time. */
MG_SIMD_INLINE_AVX512 void mg__mul_keep_avx512_f32(const float *x, float *y, uint32_t keep,
                                                   int m, __m512 sv)
{
    for (int h = 0; h < m; h += 16) {
        __m512 mult = _mm512_maskz_mov_ps((__mmask16)(keep >> h), sv);
        if (m - h >= 16) {
            _mm512_storeu_ps(y + h, _mm512_mul_ps(_mm512_loadu_ps(x + h), mult));
        } else {
            __mmask16 in = (__mmask16)((1u << (m - h)) - 1u);
            _mm512_mask_storeu_ps(y + h, in, _mm512_mul_ps(_mm512_maskz_loadu_ps(in, x + h), mult));
        }
    }
}

/* The same for doubles, 8 per register. */
MG_SIMD_INLINE_AVX512 void mg__mul_keep_avx512_f64(const double *x, double *y, uint32_t keep,
                                                   int m, __m512d sv)
{
    for (int h = 0; h < m; h += 8) {
        __m512d mult = _mm512_maskz_mov_pd((__mmask8)(keep >> h), sv);
        if (m - h >= 8) {
            _mm512_storeu_pd(y + h, _mm512_mul_pd(_mm512_loadu_pd(x + h), mult));
        } else {
            __mmask8 in = (__mmask8)((1u << (m - h)) - 1u);
            _mm512_mask_storeu_pd(y + h, in, _mm512_mul_pd(_mm512_maskz_loadu_pd(in, x + h), mult));
        }
    }
}

/* Whole groups take the first loop, where every count is a constant and the compiler unrolls
 * everything into straight-line code; the last, partial group takes the general one. */
#define MG__DEFINE_DROPOUT_AVX512(NAME, T, VEC, SET1, MUL_KEEP)                  \
MG_SIMD_AVX512 static void NAME(const T *x, T *y, uint8_t *mask, int64_t start,  \
                                int64_t end, uint64_t thr, int wide, T scale,    \
                                const mg_philox_ctx *c)                          \
{                                                                                \
    const int per = wide ? 16 : 32;            /* elements per register */      \
    const __m512i tm1_16 = _mm512_set1_epi16((short)(thr - 1));                  \
    const __m512i tm1_32 = _mm512_set1_epi32((int)(uint32_t)(thr - 1));          \
    const uint32_t live = thr ? 0xffffffffu : 0u;                                \
    const VEC sv = SET1(scale);                                                  \
    __m512i w[8];                                                                \
    int64_t g = start;                                                           \
    /* first block of a group: element g is in block g/8 (16-bit) or g/4 (32-bit) */ \
    if (wide) {                                                                  \
        for (; g + 128 <= end; g += 128) {                                       \
            mg__philox32_avx512((uint64_t)(g >> 2), c, w);                       \
            _Pragma("GCC unroll 8")                                              \
            for (int j = 0; j < 8; j++) {                                        \
                uint16_t keep = _mm512_mask_cmple_epu32_mask((__mmask16)live, w[j], tm1_32); \
                if (mask) memcpy(mask + (g >> 3) + 2 * j, &keep, 2);             \
                if (x) MUL_KEEP(x + g + 16 * j, y + g + 16 * j, keep, 16, sv);   \
            }                                                                    \
        }                                                                        \
    } else {                                                                     \
        for (; g + 256 <= end; g += 256) {                                       \
            mg__philox32_avx512((uint64_t)(g >> 3), c, w);                       \
            _Pragma("GCC unroll 8")                                              \
            for (int j = 0; j < 8; j++) {                                        \
                uint32_t keep = _mm512_mask_cmple_epu16_mask(live, w[j], tm1_16); \
                if (mask) memcpy(mask + (g >> 3) + 4 * j, &keep, 4);             \
                if (x) MUL_KEEP(x + g + 32 * j, y + g + 32 * j, keep, 32, sv);   \
            }                                                                    \
        }                                                                        \
    }                                                                            \
    if (g >= end)                                                                \
        return;                                                                  \
    mg__philox32_avx512((uint64_t)(g >> (wide ? 2 : 3)), c, w);                  \
    for (int j = 0; j < 8; j++) {                                                \
        int64_t e0 = g + (int64_t)per * j;                                       \
        if (e0 >= end) break;                                                    \
        int m = (int)mg__min64(end - e0, per);                                   \
        uint32_t keep = mg__keep_bits_avx512(w[j], wide, m, live, tm1_16, tm1_32); \
        if (mask) memcpy(mask + (e0 >> 3), &keep, (size_t)(m + 7) >> 3);         \
        if (x) MUL_KEEP(x + e0, y + e0, keep, m, sv);                            \
    }                                                                            \
}
MG__DEFINE_DROPOUT_AVX512(mg__dropout_avx512_f32, float, __m512, _mm512_set1_ps, mg__mul_keep_avx512_f32)
MG__DEFINE_DROPOUT_AVX512(mg__dropout_avx512_f64, double, __m512d, _mm512_set1_pd, mg__mul_keep_avx512_f64)
#endif

/* Dropout forward on elements [start, end) (start % 8 == 0):
 *   y[i] = x[i] * (keep_i ? scale : +0.0),  mask bit i = keep_i.
 * y may equal x (in place).  wide = 0: the 16-bit path, thr = T = round((1-p) * 65536); wide = 1:
 * the 32-bit path, thr = round((1-p) * 2^32).  The AVX2 32-bit consumer cannot express T = 0 (it
 * tests w <= T - 1), which the portable code handles. */
#define MG__DEFINE_DROPOUT_FWD(NAME, T, SUFFIX)                                  \
MG_FN void NAME(const T *x, T *y, uint8_t *mask, int64_t start, int64_t end,     \
                uint64_t thr, int wide, T scale, uint64_t seed, uint64_t offset) \
{                                                                                \
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);                          \
    int v = mg_rng_variant;                                                      \
    MG__DROPOUT_SIMD(SUFFIX)                                                     \
    if (wide)                                                                    \
        mg__dropout32_##SUFFIX(v, x, y, mask, start, end, thr, scale, &c);       \
    else                                                                         \
        mg__dropout_portable_##SUFFIX(v, x, y, mask, start, end, (uint32_t)thr, scale, &c); \
}
#if MG_CPU_X86
#define MG__DROPOUT_SIMD(SUFFIX)                                                 \
    if (v == MG_V_AVX512) {                                                      \
        mg__dropout_avx512_##SUFFIX(x, y, mask, start, end, thr, wide, scale, &c); \
        return;                                                                  \
    }                                                                            \
    if (v == MG_V_AVX2 && wide && thr != 0) {                                    \
        mg__dropout32_avx2_##SUFFIX(x, y, mask, start, end, thr, scale, &c);     \
        return;                                                                  \
    }                                                                            \
    if (v == MG_V_AVX2 && !wide) {                                               \
        mg__dropout_avx2_##SUFFIX(x, y, mask, start, end, (uint32_t)thr, scale, &c); \
        return;                                                                  \
    }
#else
#define MG__DROPOUT_SIMD(SUFFIX)
#endif
MG__DEFINE_DROPOUT_FWD(mg_dropout_fwd_f32, float, f32)
MG__DEFINE_DROPOUT_FWD(mg_dropout_fwd_f64, double, f64)

/* Keep mask only (start % 8 == 0): the same bits dropout_fwd would store for the same
 * (seed, offset, thr, wide).  Used for channel-wise dropout. */
MG_FN void mg_bernoulli_mask(uint8_t *mask, int64_t start, int64_t end,
                             uint64_t thr, int wide, uint64_t seed, uint64_t offset)
{
    mg_dropout_fwd_f32(NULL, NULL, mask, start, end, thr, wide, 0.0f, seed, offset);
}

#endif /* MINIGRAD_DROPOUT_H */
