/*
 * gemm_avx2.h -- the 'avx2_fma' variant (part of gemm.h): the register-tile micro-kernel
 * template, instantiated here for AVX2 + FMA and in gemm_avx512.h for AVX-512, and the AVX2
 * transposing packers that both variants use.
 *
 * Compiled with __attribute__((target("avx2,fma"))) inside a portable build, and only called
 * after gemm_dispatch.h has checked that the CPU (and OS) support AVX2 and FMA.
 *
 * Register tile.  AVX2 has 16 ymm registers.  A 6 x 16 float32 tile is 12 ymm accumulators
 * (6 rows x 2 vectors of 8), plus 2 registers for the B row and 1 for the broadcast A element:
 * 15 of 16.  Per k step it issues 12 FMAs against 8 loads (2 B vectors + 6 broadcasts); Zen
 * cores do 2 FMAs but 3 loads per cycle, so the FMA pipes stay the bottleneck, which is what
 * we want.  12 independent accumulators also cover the FMA latency (4 cycles x 2 pipes = 8 in
 * flight needed).  float64 uses the same shape with 4-wide vectors: 6 x 8.  The generic
 * variant uses the same tile, so the two share the portable packers of gemm_generic.h.
 */
#ifndef MG_GEMM_AVX2_H
#define MG_GEMM_AVX2_H

#include "gemm_kernel.h"
#include "gemm_pack.h"
#include "gemm_generic.h"

#if MG_HAVE_X86_KERNELS

#define MG_AVX2_MR      6
#define MG_AVX2_NR_F32 16
#define MG_AVX2_NR_F64  8

#define MG_TARGET_AVX2 __attribute__((target("avx2,fma")))

/* ---- The register-tile micro-kernel, written once for every SIMD variant and dtype.
 * Per k: load one row of the B panel (2 vectors), then for each of the MR rows broadcast
 * a(i,k) and FMA into that row's 2 accumulators.  The epilogue is the rule of gemm_kernel.h:
 * C_old + acc, + bias, max(0, x) -- vmaxp{s,d} returns its second operand when either is NaN
 * and when both are zeros, so NaN and -0 pass through, as in the generic `x < 0 ? 0 : x`.
 * The loop is deliberately not unrolled: with a 4x unroll GCC 12 schedules the loads early,
 * runs out of the 16 ymm registers and spills accumulators inside the loop (measured 4-5%
 * slower with AVX2).
 *   NAME, TARGET: the function and its target attribute; T: float or double; LANES: elements
 *   per vector; ROWS: MG_ROWS_6 or MG_ROWS_12, the tile's rows.  Before each instantiation,
 *   MG_TV names the vector type and MG_TOP(op) the intrinsic (e.g. __m256 and _mm256_<op>_ps).
 * The accumulators are named variables, one row per ROWS entry, so that the compiler keeps
 * them in registers (an array of vectors indexed in a loop it may put on the stack). */
#define MG_ROWS_6(X)                                                                  \
    X(0, c0a, c0b)  X(1, c1a, c1b)  X(2, c2a, c2b)                                    \
    X(3, c3a, c3b)  X(4, c4a, c4b)  X(5, c5a, c5b)
#define MG_ROWS_12(X)                                                                 \
    MG_ROWS_6(X)                                                                      \
    X(6, c6a, c6b)  X(7, c7a, c7b)  X(8, c8a, c8b)                                    \
    X(9, c9a, c9b)  X(10, cAa, cAb) X(11, cBa, cBb)

#define MG_DEFINE_SIMD_UKR(NAME, TARGET, T, LANES_, MR_, ROWS)                        \
TARGET __attribute__((noinline))                                                      \
static void NAME(int64_t kc, const void *a_, const void *b_, void *c_,                \
                 int64_t ldc, const void *bias_, int flags)                           \
{                                                                                     \
    const T *a = (const T *)a_, *b = (const T *)b_, *bias = (const T *)bias_;         \
    T *c = (T *)c_;                                                                   \
    enum { LANES = LANES_, NR = 2 * LANES_, MR = MR_ };                               \
    const MG_TV zero = MG_TOP(setzero)();                                             \
    ROWS(MG_TILE_DECLARE)                                                             \
    /* Ask for the C tile now so its lines arrive while we compute. */                 \
    for (int i = 0; i < MR; i++) {                                                    \
        __builtin_prefetch(c + i * ldc, 1, 3);                                        \
        __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);                               \
    }                                                                                 \
    for (int64_t k = 0; k < kc; k++, a += MR, b += NR) {                              \
        const MG_TV b0 = MG_TOP(load)(b), b1 = MG_TOP(load)(b + LANES);               \
        ROWS(MG_TILE_FMA)                                                             \
    }                                                                                 \
    MG_TV bv0 = zero, bv1 = zero;                                                     \
    if (bias) { bv0 = MG_TOP(loadu)(bias); bv1 = MG_TOP(loadu)(bias + LANES); }       \
    ROWS(MG_TILE_STORE)                                                               \
}

#define MG_TILE_DECLARE(I, X0, X1)  MG_TV X0 = zero, X1 = zero;
#define MG_TILE_FMA(I, X0, X1)                                                        \
    { const MG_TV ai = MG_TOP(set1)(a[I]);                                            \
      X0 = MG_TOP(fmadd)(ai, b0, X0); X1 = MG_TOP(fmadd)(ai, b1, X1); }
#define MG_TILE_STORE(I, X0, X1)                                                      \
    { __typeof__(c) cr = c + (I) * ldc;                                               \
      MG_TV x0 = X0, x1 = X1;                                                         \
      if (flags & MG_ACCUMULATE) {                                                    \
          x0 = MG_TOP(add)(MG_TOP(loadu)(cr), x0);                                    \
          x1 = MG_TOP(add)(MG_TOP(loadu)(cr + LANES), x1);                            \
      }                                                                               \
      if (bias) { x0 = MG_TOP(add)(x0, bv0); x1 = MG_TOP(add)(x1, bv1); }             \
      if (flags & MG_RELU) { x0 = MG_TOP(max)(zero, x0); x1 = MG_TOP(max)(zero, x1); } \
      MG_TOP(storeu)(cr, x0); MG_TOP(storeu)(cr + LANES, x1); }

/* The avx2_fma kernels: 6 x 16 floats and 6 x 8 doubles (12 ymm accumulators). */
#define MG_TV __m256
#define MG_TOP(op) _mm256_##op##_ps
MG_DEFINE_SIMD_UKR(mg_ukr_f32_avx2, MG_TARGET_AVX2, float, 8, MG_AVX2_MR, MG_ROWS_6)
#undef MG_TV
#undef MG_TOP
#define MG_TV __m256d
#define MG_TOP(op) _mm256_##op##_pd
MG_DEFINE_SIMD_UKR(mg_ukr_f64_avx2, MG_TARGET_AVX2, double, 4, MG_AVX2_MR, MG_ROWS_6)
#undef MG_TV
#undef MG_TOP

/* ======================================================================
 * Transposing packers.  Two layouts need a transpose on the way into the panels, and the
 * Linear layer produces both: B = W^T in the forward pass x @ W^T (column-major B, rsb == 1),
 * and a row-major A (csa == 1) whenever MR values of one k are MR rows apart.  Moving one
 * element at a time costs ~1 cycle each, up to 20% of such a product; here blocks are loaded
 * as vectors along k, transposed in registers (unpack / shuffle / 128-bit lane permute) and
 * stored along the panel rows.  Bits are only moved, so this cannot change any result.  Other
 * layouts, the k tail and zero-padded edge panels go to the portable packer.
 * ====================================================================== */

/* 8 x 8 float32 transpose: rows r0..r7 (8 consecutive k of 8 rows/columns) into 8 vectors,
 * vector q holding element q of every input row. */
#define MG_TRANSPOSE_8X8_PS(r0, r1, r2, r3, r4, r5, r6, r7, o)                        \
    do {                                                                              \
        const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1); \
        const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3); \
        const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5); \
        const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7); \
        /* u: 4 inputs per element in each 128-bit lane (q low lane, q+4 high lane) */ \
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE); \
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE); \
        const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE); \
        const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE); \
        o[0] = _mm256_permute2f128_ps(u0, u4, 0x20); o[1] = _mm256_permute2f128_ps(u1, u5, 0x20); \
        o[2] = _mm256_permute2f128_ps(u2, u6, 0x20); o[3] = _mm256_permute2f128_ps(u3, u7, 0x20); \
        o[4] = _mm256_permute2f128_ps(u0, u4, 0x31); o[5] = _mm256_permute2f128_ps(u1, u5, 0x31); \
        o[6] = _mm256_permute2f128_ps(u2, u6, 0x31); o[7] = _mm256_permute2f128_ps(u3, u7, 0x31); \
    } while (0)

/* Column-major B, float32, NR a multiple of 8: per 8 k, NR/8 blocks of 8 columns x 8 k. */
MG_INLINE MG_TARGET_AVX2
void mg_pack_b_colmajor_f32_avx2(const float *b, int64_t csb, int64_t kc, int64_t nc,
                                 float *dst, const int NR, mg_pack_fn portable)
{
    int64_t j0 = 0;
    for (; j0 + NR <= nc; j0 += NR, dst += kc * NR) {
        int64_t k = 0;
        for (; k + 8 <= kc; k += 8) {
            for (int h = 0; h < NR; h += 8) {
                const float *s = b + (j0 + h) * csb + k;     /* column j0+h, rows k..k+7 */
                __m256 o[8];
                MG_TRANSPOSE_8X8_PS(_mm256_loadu_ps(s), _mm256_loadu_ps(s + csb),
                                    _mm256_loadu_ps(s + 2 * csb), _mm256_loadu_ps(s + 3 * csb),
                                    _mm256_loadu_ps(s + 4 * csb), _mm256_loadu_ps(s + 5 * csb),
                                    _mm256_loadu_ps(s + 6 * csb), _mm256_loadu_ps(s + 7 * csb), o);
                for (int q = 0; q < 8; q++)
                    _mm256_store_ps(dst + (k + q) * NR + h, o[q]);
            }
        }
        if (k < kc)      /* k tail: the portable packer on the remaining rows */
            portable((const char *)(b + j0 * csb + k), 1, csb, kc - k, NR, (char *)(dst + k * NR));
    }
    if (j0 < nc)
        portable((const char *)(b + j0 * csb), 1, csb, kc, nc - j0, (char *)dst);
}

/* Column-major B, float64, NR a multiple of 4: 4 x 4 transposes per 4 k. */
MG_INLINE MG_TARGET_AVX2
void mg_pack_b_colmajor_f64_avx2(const double *b, int64_t csb, int64_t kc, int64_t nc,
                                 double *dst, const int NR, mg_pack_fn portable)
{
    int64_t j0 = 0;
    for (; j0 + NR <= nc; j0 += NR, dst += kc * NR) {
        int64_t k = 0;
        for (; k + 4 <= kc; k += 4) {
            for (int h = 0; h < NR; h += 4) {
                const double *s = b + (j0 + h) * csb + k;
                const __m256d r0 = _mm256_loadu_pd(s),           r1 = _mm256_loadu_pd(s + csb);
                const __m256d r2 = _mm256_loadu_pd(s + 2 * csb), r3 = _mm256_loadu_pd(s + 3 * csb);
                const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
                const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
                double *d = dst + k * NR + h;
                _mm256_store_pd(d + 0 * NR, _mm256_permute2f128_pd(t0, t2, 0x20));
                _mm256_store_pd(d + 1 * NR, _mm256_permute2f128_pd(t1, t3, 0x20));
                _mm256_store_pd(d + 2 * NR, _mm256_permute2f128_pd(t0, t2, 0x31));
                _mm256_store_pd(d + 3 * NR, _mm256_permute2f128_pd(t1, t3, 0x31));
            }
        }
        if (k < kc)
            portable((const char *)(b + j0 * csb + k), 1, csb, kc - k, NR, (char *)(dst + k * NR));
    }
    if (j0 < nc)
        portable((const char *)(b + j0 * csb), 1, csb, kc, nc - j0, (char *)dst);
}

/* Row-major A, float32, MR a multiple of 4: per 8 k, MR/4 blocks of 4 rows x 8 k, each
 * transposed into 8 groups of 4 (one 16-byte store per k).  Whole panels only. */
MG_INLINE MG_TARGET_AVX2
void mg_pack_a_rowmajor_f32_avx2(const float *a, int64_t rsa, int64_t mc, int64_t kc,
                                 float *dst, const int MR, mg_pack_fn portable)
{
    int64_t i0 = 0;
    for (; i0 + MR <= mc; i0 += MR, dst += kc * MR) {
        int64_t k = 0;
        for (; k + 8 <= kc; k += 8) {
            for (int g = 0; g < MR; g += 4) {
                const float *s = a + (i0 + g) * rsa + k;      /* row i0+g, columns k..k+7 */
                const __m256 r0 = _mm256_loadu_ps(s),           r1 = _mm256_loadu_ps(s + rsa);
                const __m256 r2 = _mm256_loadu_ps(s + 2 * rsa), r3 = _mm256_loadu_ps(s + 3 * rsa);
                const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                /* u_q: rows g..g+3 at column k+q (low lane) and k+q+4 (high lane) */
                const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                float *d = dst + k * MR + g;
                _mm_storeu_ps(d + 0 * MR, _mm256_castps256_ps128(u0));
                _mm_storeu_ps(d + 1 * MR, _mm256_castps256_ps128(u1));
                _mm_storeu_ps(d + 2 * MR, _mm256_castps256_ps128(u2));
                _mm_storeu_ps(d + 3 * MR, _mm256_castps256_ps128(u3));
                _mm_storeu_ps(d + 4 * MR, _mm256_extractf128_ps(u0, 1));
                _mm_storeu_ps(d + 5 * MR, _mm256_extractf128_ps(u1, 1));
                _mm_storeu_ps(d + 6 * MR, _mm256_extractf128_ps(u2, 1));
                _mm_storeu_ps(d + 7 * MR, _mm256_extractf128_ps(u3, 1));
            }
        }
        if (k < kc)
            portable((const char *)(a + i0 * rsa + k), rsa, 1, MR, kc - k, (char *)(dst + k * MR));
    }
    if (i0 < mc)
        portable((const char *)(a + i0 * rsa), rsa, 1, mc - i0, kc, (char *)dst);
}

/* Row-major A, float64, MR a multiple of 4: 4 x 4 transposes per 4 k. */
MG_INLINE MG_TARGET_AVX2
void mg_pack_a_rowmajor_f64_avx2(const double *a, int64_t rsa, int64_t mc, int64_t kc,
                                 double *dst, const int MR, mg_pack_fn portable)
{
    int64_t i0 = 0;
    for (; i0 + MR <= mc; i0 += MR, dst += kc * MR) {
        int64_t k = 0;
        for (; k + 4 <= kc; k += 4) {
            for (int g = 0; g < MR; g += 4) {
                const double *s = a + (i0 + g) * rsa + k;
                const __m256d r0 = _mm256_loadu_pd(s),           r1 = _mm256_loadu_pd(s + rsa);
                const __m256d r2 = _mm256_loadu_pd(s + 2 * rsa), r3 = _mm256_loadu_pd(s + 3 * rsa);
                const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
                const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
                double *d = dst + k * MR + g;
                _mm256_storeu_pd(d + 0 * MR, _mm256_permute2f128_pd(t0, t2, 0x20));
                _mm256_storeu_pd(d + 1 * MR, _mm256_permute2f128_pd(t1, t3, 0x20));
                _mm256_storeu_pd(d + 2 * MR, _mm256_permute2f128_pd(t0, t2, 0x31));
                _mm256_storeu_pd(d + 3 * MR, _mm256_permute2f128_pd(t1, t3, 0x31));
            }
        }
        if (k < kc)
            portable((const char *)(a + i0 * rsa + k), rsa, 1, MR, kc - k, (char *)(dst + k * MR));
    }
    if (i0 < mc)
        portable((const char *)(a + i0 * rsa), rsa, 1, mc - i0, kc, (char *)dst);
}

/* The avx2_fma variant's B packers: the transposing path for a column-major B. */
MG_TARGET_AVX2
static void mg_pack_b_f32_6x16_avx2(const char *b, int64_t rsb, int64_t csb,
                                    int64_t kc, int64_t nc, char *dst)
{
    if (rsb != 1)
        mg_pack_b_f32_6x16(b, rsb, csb, kc, nc, dst);
    else
        mg_pack_b_colmajor_f32_avx2((const float *)b, csb, kc, nc, (float *)dst,
                                    MG_AVX2_NR_F32, mg_pack_b_f32_6x16);
}

MG_TARGET_AVX2
static void mg_pack_b_f64_6x8_avx2(const char *b, int64_t rsb, int64_t csb,
                                   int64_t kc, int64_t nc, char *dst)
{
    if (rsb != 1)
        mg_pack_b_f64_6x8(b, rsb, csb, kc, nc, dst);
    else
        mg_pack_b_colmajor_f64_avx2((const double *)b, csb, kc, nc, (double *)dst,
                                    MG_AVX2_NR_F64, mg_pack_b_f64_6x8);
}

#endif /* MG_HAVE_X86_KERNELS */
#endif /* MG_GEMM_AVX2_H */
