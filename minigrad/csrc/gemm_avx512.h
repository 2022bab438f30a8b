/*
 * gemm_avx512.h -- the 'avx512' variant: AVX-512F micro-kernels and packers (part of gemm.h).
 *
 * Compiled with __attribute__((target("avx512f,avx2,fma"))) inside a portable build, and only
 * called after gemm_dispatch.h has checked that the CPU and the OS (the ZMM state in XCR0,
 * which __builtin_cpu_supports tests) support AVX-512F.
 *
 * Register tile: 12 x 32 floats, 12 x 16 doubles.  AVX-512 has 32 zmm registers.  Each row of
 * the tile is 2 zmm accumulators (2 x 16 floats / 2 x 8 doubles), so 12 rows take 24
 * registers; the B row takes 2 and the broadcast A element 1, leaving 5 spare (the compiler
 * uses a few to load broadcasts ahead).  Per k step: 24 FMAs against 2 vector loads and 12
 * broadcast loads.  That is the shape of BLIS's and OpenBLAS's Skylake-X kernels (vectors
 * along one dimension of C, 12 or so broadcasts along the other), mirrored because minigrad's
 * C is row-major: vectors run along a row of C (j), broadcasts down a column (i).
 *   - 24 independent accumulators cover the FMA latency (4 cycles) at 2 FMAs per cycle.
 *   - Per FMA, 14/24 loads (the AVX2 6 x 16 kernel: 8/12), and half the instructions per
 *     flop of the AVX2 kernel: on cores that split a 512-bit FMA into two 256-bit halves
 *     (AMD Zen 4) the peak is the AVX2 one, and what AVX-512 buys there is fewer loads and
 *     instructions per flop; on cores with 512-bit FMA units the peak doubles.
 *   - 32 columns = 128 bytes = two cache lines per k of the B panel; 12 rows keep the A
 *     panel's broadcasts at 48 bytes per k.  M and N that are multiples of 32 (or of 12 x
 *     threads) waste no lanes; other sizes pay edge tiles, done in a scratch tile by the same
 *     kernel (gemm.h), so every element is still computed the same way.
 *
 * Packing: a row-major A (x in x @ W^T, dy in dy @ W) and a column-major B (W^T) are
 * transposed 4 x 8 (float) / 4 x 4 (double) at a time by the AVX2 routines of gemm_avx2.h;
 * the layouts that need no transpose (row-major B, column-major A) are plain copies by the
 * portable packers, which the compiler turns into vector moves.
 */
#ifndef MG_GEMM_AVX512_H
#define MG_GEMM_AVX512_H

#include "gemm_kernel.h"
#include "gemm_pack.h"
#include "gemm_avx2.h"

#if MG_HAVE_X86_KERNELS

#define MG_AVX512_MR      12
#define MG_AVX512_NR_F32  32
#define MG_AVX512_NR_F64  16

#define MG_TARGET_AVX512 __attribute__((target("avx512f,avx2,fma")))

/* One row of the tile per macro, so the 24 accumulators are plain named variables (the
 * compiler keeps them in registers; an array of vectors indexed in a loop it may not). */
#define MG_Z_ROWS(X)                                                                  \
    X(0, c0a, c0b)  X(1, c1a, c1b)  X(2, c2a, c2b)   X(3, c3a, c3b)                   \
    X(4, c4a, c4b)  X(5, c5a, c5b)  X(6, c6a, c6b)   X(7, c7a, c7b)                   \
    X(8, c8a, c8b)  X(9, c9a, c9b)  X(10, cAa, cAb)  X(11, cBa, cBb)

/* The kernel body, shared by float and double: before each instantiation MG_ZV names the
 * vector type (__m512 / __m512d) and MG_ZOP(op) the intrinsic (_mm512_<op>_ps / _pd).  Same
 * epilogue as every variant: C_old + acc, + bias, max(0, x) (vmaxp{s,d} returns its second
 * operand for NaN and for two zeros, so NaN and -0 pass through, as in the generic
 * `x < 0 ? 0 : x`). */
#define MG_DEFINE_AVX512_UKR(NAME, T, LANES_)                                         \
MG_TARGET_AVX512 __attribute__((noinline))                                            \
static void NAME(int64_t kc, const void *a_, const void *b_, void *c_,                \
                 int64_t ldc, const void *bias_, int flags)                           \
{                                                                                     \
    const T *a = (const T *)a_, *b = (const T *)b_, *bias = (const T *)bias_;         \
    T *c = (T *)c_;                                                                   \
    enum { LANES = LANES_, NR = 2 * LANES_ };                                         \
    const MG_ZV zero = MG_ZOP(setzero)();                                             \
    MG_Z_ROWS(MG_Z_DECLARE)                                                           \
    /* Ask for the C tile now so its lines arrive while we compute. */                 \
    for (int i = 0; i < MG_AVX512_MR; i++) {                                          \
        __builtin_prefetch(c + i * ldc, 1, 3);                                        \
        __builtin_prefetch(c + i * ldc + NR - 1, 1, 3);                               \
    }                                                                                 \
    for (int64_t k = 0; k < kc; k++, a += MG_AVX512_MR, b += NR) {                    \
        const MG_ZV b0 = MG_ZOP(load)(b), b1 = MG_ZOP(load)(b + LANES);               \
        MG_Z_ROWS(MG_Z_FMA)                                                           \
    }                                                                                 \
    MG_ZV bv0 = zero, bv1 = zero;                                                     \
    if (bias) { bv0 = MG_ZOP(loadu)(bias); bv1 = MG_ZOP(loadu)(bias + LANES); }       \
    MG_Z_ROWS(MG_Z_STORE)                                                             \
}

#define MG_Z_DECLARE(I, X0, X1)  MG_ZV X0 = zero, X1 = zero;
#define MG_Z_FMA(I, X0, X1)                                                           \
    { const MG_ZV ai = MG_ZOP(set1)(a[I]);                                            \
      X0 = MG_ZOP(fmadd)(ai, b0, X0); X1 = MG_ZOP(fmadd)(ai, b1, X1); }
#define MG_Z_STORE(I, X0, X1)                                                         \
    { __typeof__(c) cr = c + (I) * ldc;                                               \
      MG_ZV x0 = X0, x1 = X1;                                                         \
      if (flags & MG_ACCUMULATE) {                                                    \
          x0 = MG_ZOP(add)(MG_ZOP(loadu)(cr), x0);                                    \
          x1 = MG_ZOP(add)(MG_ZOP(loadu)(cr + LANES), x1);                            \
      }                                                                               \
      if (bias) { x0 = MG_ZOP(add)(x0, bv0); x1 = MG_ZOP(add)(x1, bv1); }             \
      if (flags & MG_RELU) { x0 = MG_ZOP(max)(zero, x0); x1 = MG_ZOP(max)(zero, x1); } \
      MG_ZOP(storeu)(cr, x0); MG_ZOP(storeu)(cr + LANES, x1); }

#define MG_ZV __m512
#define MG_ZOP(op) _mm512_##op##_ps
MG_DEFINE_AVX512_UKR(mg_ukr_f32_avx512, float, 16)
#undef MG_ZV
#undef MG_ZOP
#define MG_ZV __m512d
#define MG_ZOP(op) _mm512_##op##_pd
MG_DEFINE_AVX512_UKR(mg_ukr_f64_avx512, double, 8)
#undef MG_ZV
#undef MG_ZOP
#undef MG_Z_DECLARE
#undef MG_Z_FMA
#undef MG_Z_STORE
#undef MG_Z_ROWS
#undef MG_DEFINE_AVX512_UKR

/* ---- Packing for the 12 x 32 / 12 x 16 tiles. */
MG_DEFINE_PORTABLE_PACKERS(f32_12x32, 4, MG_AVX512_MR, MG_AVX512_NR_F32)
MG_DEFINE_PORTABLE_PACKERS(f64_12x16, 8, MG_AVX512_MR, MG_AVX512_NR_F64)

/* The wrappers below send the two layouts that need a transpose to the AVX2 routines and
 * inline the portable packer for the others, so that its fixed-size copies (a 128-byte panel
 * row of B, a 48-byte panel row of a column-major A) compile to zmm moves. */
MG_TARGET_AVX512
static void mg_pack_a_f32_12x32_avx512(const char *a, int64_t rsa, int64_t csa,
                                       int64_t mc, int64_t kc, char *dst)
{
    if (csa == 1 && rsa != 1)
        mg_pack_a_rowmajor_f32_avx2((const float *)a, rsa, mc, kc, (float *)dst,
                                    MG_AVX512_MR, mg_pack_a_f32_12x32);
    else
        mg_pack_a_impl(a, rsa, csa, mc, kc, dst, 4, MG_AVX512_MR);
}

MG_TARGET_AVX512
static void mg_pack_a_f64_12x16_avx512(const char *a, int64_t rsa, int64_t csa,
                                       int64_t mc, int64_t kc, char *dst)
{
    if (csa == 1 && rsa != 1)
        mg_pack_a_rowmajor_f64_avx2((const double *)a, rsa, mc, kc, (double *)dst,
                                    MG_AVX512_MR, mg_pack_a_f64_12x16);
    else
        mg_pack_a_impl(a, rsa, csa, mc, kc, dst, 8, MG_AVX512_MR);
}

MG_TARGET_AVX512
static void mg_pack_b_f32_12x32_avx512(const char *b, int64_t rsb, int64_t csb,
                                       int64_t kc, int64_t nc, char *dst)
{
    if (rsb == 1 && csb != 1)
        mg_pack_b_colmajor_f32_avx2((const float *)b, csb, kc, nc, (float *)dst,
                                    MG_AVX512_NR_F32, mg_pack_b_f32_12x32);
    else
        mg_pack_b_impl(b, rsb, csb, kc, nc, dst, 4, MG_AVX512_NR_F32);
}

MG_TARGET_AVX512
static void mg_pack_b_f64_12x16_avx512(const char *b, int64_t rsb, int64_t csb,
                                       int64_t kc, int64_t nc, char *dst)
{
    if (rsb == 1 && csb != 1)
        mg_pack_b_colmajor_f64_avx2((const double *)b, csb, kc, nc, (double *)dst,
                                    MG_AVX512_NR_F64, mg_pack_b_f64_12x16);
    else
        mg_pack_b_impl(b, rsb, csb, kc, nc, dst, 8, MG_AVX512_NR_F64);
}

#endif /* MG_HAVE_X86_KERNELS */
#endif /* MG_GEMM_AVX512_H */
