/*
 * dropout_backward.h -- what dropout does with a stored mask: the backward pass
 *   dx[i] = dy[i] * (bit_i ? scale : +0.0)     (torch: grad * noise)
 * and unpacking the mask into floats for channel-wise dropout
 *   out[i] = bit_i ? scale : +0.0
 * (minigrad._ops.dropout_backward, unpack_mask).  The mask layout is dropout.h's: bit k of byte
 * b is element 8b + k.
 *
 * Why a header of its own: these kernels use no random numbers at all -- they read bits that
 * the forward pass (dropout.h) stored -- and they are memory-bound loops, where the forward pass
 * is bound by the generator.
 *
 * Variants (mg_rng_variant): portable C (scalar and generic), AVX2, AVX-512.  Each element is
 * one multiply by scale or +0.0 in all of them, so all give the same bits.  Any [start, end)
 * works (they only read the mask); dx may equal dy.
 */
#ifndef MINIGRAD_DROPOUT_BACKWARD_H
#define MINIGRAD_DROPOUT_BACKWARD_H

#include <stdint.h>
#include <string.h>

#include "cpu_dispatch.h"

#define MG__BIT(mask, i) (((mask)[(i) >> 3] >> ((i) & 7)) & 1u)

#define MG__DEFINE_MASKMUL_PORTABLE(NAME, T)                                     \
static void NAME(const T *dy, const uint8_t *mask, T *dx, int64_t start,         \
                 int64_t end, T scale)                                          \
{                                                                                \
    /* a table lookup, not ?: (random bits would mispredict a branch) */        \
    const T mult[2] = { (T)0, scale };                                           \
    if (dy) {                                                                    \
        for (int64_t i = start; i < end; i++)                                   \
            dx[i] = dy[i] * mult[MG__BIT(mask, i)];                              \
    } else {                                                                     \
        for (int64_t i = start; i < end; i++)                                   \
            dx[i] = mult[MG__BIT(mask, i)];                                      \
    }                                                                            \
}
MG__DEFINE_MASKMUL_PORTABLE(mg__maskmul_portable_f32, float)
MG__DEFINE_MASKMUL_PORTABLE(mg__maskmul_portable_f64, double)

#if MG_CPU_X86
/* The SIMD loops start at a mask byte boundary (start % 8 == 0; the dispatcher below does the
 * elements before it with the portable loop). */

/* AVX2: eight elements per mask byte: broadcast the byte, shift each lane so that
 * "its" bit lands in the sign bit (lane k shifted left by 31 - k), and let
 * blendv pick scale or 0 on that sign bit. */
MG_SIMD_AVX2 static void mg__maskmul_avx2_f32(const float *dy, const uint8_t *mask,
                                         float *dx, int64_t start, int64_t end,
                                         float scale)
{
    int64_t i = start;
    const __m256i sh = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
    const __m256 sv = _mm256_set1_ps(scale), zero = _mm256_setzero_ps();
    for (; i + 8 <= end; i += 8) {
        __m256i b = _mm256_set1_epi32(mask[i >> 3]);
        __m256 sel = _mm256_castsi256_ps(_mm256_sllv_epi32(b, sh));
        __m256 m = _mm256_blendv_ps(zero, sv, sel);
        if (dy) m = _mm256_mul_ps(_mm256_loadu_ps(dy + i), m);
        _mm256_storeu_ps(dx + i, m);
    }
    mg__maskmul_portable_f32(dy, mask, dx, i, end, scale);
}

MG_SIMD_AVX2 static void mg__maskmul_avx2_f64(const double *dy, const uint8_t *mask,
                                         double *dx, int64_t start, int64_t end,
                                         double scale)
{
    int64_t i = start;
    const __m256i shlo = _mm256_setr_epi64x(63, 62, 61, 60);
    const __m256i shhi = _mm256_setr_epi64x(59, 58, 57, 56);
    const __m256d sv = _mm256_set1_pd(scale), zero = _mm256_setzero_pd();
    for (; i + 8 <= end; i += 8) {
        __m256i b = _mm256_set1_epi64x(mask[i >> 3]);
        __m256d ma = _mm256_blendv_pd(zero, sv, _mm256_castsi256_pd(_mm256_sllv_epi64(b, shlo)));
        __m256d mb = _mm256_blendv_pd(zero, sv, _mm256_castsi256_pd(_mm256_sllv_epi64(b, shhi)));
        if (dy) {
            ma = _mm256_mul_pd(_mm256_loadu_pd(dy + i), ma);
            mb = _mm256_mul_pd(_mm256_loadu_pd(dy + i + 4), mb);
        }
        _mm256_storeu_pd(dx + i, ma);
        _mm256_storeu_pd(dx + i + 4, mb);
    }
    mg__maskmul_portable_f64(dy, mask, dx, i, end, scale);
}

/* AVX-512: a mask register holds the keep bits as they are, so 16 floats (8 doubles) take two
 * bytes (one byte) of the mask straight into k, which selects scale or +0.0.  The last partial
 * register is masked: it reads only the mask bytes that exist and the elements in range. */
MG_SIMD_AVX512 static void mg__maskmul_avx512_f32(const float *dy, const uint8_t *mask,
                                                  float *dx, int64_t start, int64_t end,
                                                  float scale)
{
    int64_t i = start;
    const __m512 sv = _mm512_set1_ps(scale);
    for (; i < end; i += 16) {
        int m = end - i < 16 ? (int)(end - i) : 16;
        uint16_t bits = 0;
        memcpy(&bits, mask + (i >> 3), (size_t)(m + 7) >> 3);
        __m512 mult = _mm512_maskz_mov_ps((__mmask16)bits, sv);
        if (m == 16) {
            if (dy) mult = _mm512_mul_ps(_mm512_loadu_ps(dy + i), mult);
            _mm512_storeu_ps(dx + i, mult);
        } else {
            __mmask16 in = (__mmask16)((1u << m) - 1u);
            if (dy) mult = _mm512_mul_ps(_mm512_maskz_loadu_ps(in, dy + i), mult);
            _mm512_mask_storeu_ps(dx + i, in, mult);
        }
    }
}

MG_SIMD_AVX512 static void mg__maskmul_avx512_f64(const double *dy, const uint8_t *mask,
                                                  double *dx, int64_t start, int64_t end,
                                                  double scale)
{
    int64_t i = start;
    const __m512d sv = _mm512_set1_pd(scale);
    for (; i < end; i += 8) {
        int m = end - i < 8 ? (int)(end - i) : 8;
        __m512d mult = _mm512_maskz_mov_pd((__mmask8)mask[i >> 3], sv);
        if (m == 8) {
            if (dy) mult = _mm512_mul_pd(_mm512_loadu_pd(dy + i), mult);
            _mm512_storeu_pd(dx + i, mult);
        } else {
            __mmask8 in = (__mmask8)((1u << m) - 1u);
            if (dy) mult = _mm512_mul_pd(_mm512_maskz_loadu_pd(in, dy + i), mult);
            _mm512_mask_storeu_pd(dx + i, in, mult);
        }
    }
}
#endif /* MG_CPU_X86 */

/* The elements up to the first mask byte boundary with the portable loop, the rest with the
 * current variant's. */
#if MG_CPU_X86
#define MG__MASKMUL_CALL(SUFFIX, dy, mask, dx, start, end, scale) do {             \
        int64_t mid_ = (start) + ((8 - ((start) & 7)) & 7);                           \
        if (mid_ > (end)) mid_ = (end);                                               \
        mg__maskmul_portable_##SUFFIX(dy, mask, dx, start, mid_, scale);              \
        if (mg_rng_variant == MG_V_AVX512) mg__maskmul_avx512_##SUFFIX(dy, mask, dx, mid_, end, scale); \
        else if (mg_rng_variant == MG_V_AVX2) mg__maskmul_avx2_##SUFFIX(dy, mask, dx, mid_, end, scale); \
        else mg__maskmul_portable_##SUFFIX(dy, mask, dx, mid_, end, scale);           \
    } while (0)
#else
#define MG__MASKMUL_CALL(SUFFIX, dy, mask, dx, start, end, scale)                     \
    mg__maskmul_portable_##SUFFIX(dy, mask, dx, start, end, scale)
#endif

/* Dropout backward: dx = dy * (bit ? scale : +0.0); dx may equal dy. */
MG_FN void mg_dropout_bwd_f32(const float *dy, const uint8_t *mask, float *dx,
                              int64_t start, int64_t end, float scale)
{
    MG__MASKMUL_CALL(f32, dy, mask, dx, start, end, scale);
}

MG_FN void mg_dropout_bwd_f64(const double *dy, const uint8_t *mask, double *dx,
                              int64_t start, int64_t end, double scale)
{
    MG__MASKMUL_CALL(f64, dy, mask, dx, start, end, scale);
}

/* Unpack: out = bit ? scale : +0.0 (a float mask for broadcasting). */
MG_FN void mg_unpack_mask_f32(const uint8_t *mask, float *out, int64_t start,
                              int64_t end, float scale)
{
    MG__MASKMUL_CALL(f32, NULL, mask, out, start, end, scale);
}

MG_FN void mg_unpack_mask_f64(const uint8_t *mask, double *out, int64_t start,
                              int64_t end, double scale)
{
    MG__MASKMUL_CALL(f64, NULL, mask, out, start, end, scale);
}

#endif /* MINIGRAD_DROPOUT_BACKWARD_H */
