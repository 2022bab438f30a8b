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
 *     panel's broadcasts at 48 bytes per k.  An M that is not a multiple of 12 or an N not
 *     a multiple of 32 pays edge tiles, computed in a scratch tile by the same kernel
 *     (gemm.h), so every element is still computed the same way; a product at most one AVX2
 *     tile wide or high runs on the AVX2 tile instead (mg_gemm_narrow_variant).
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

/* The kernels: gemm_avx2.h's register-tile template with 12 rows of 2 zmm vectors. */
#define MG_TV __m512
#define MG_TOP(op) _mm512_##op##_ps
MG_DEFINE_SIMD_UKR(mg_ukr_f32_avx512, MG_TARGET_AVX512, float, 16, MG_AVX512_MR, MG_ROWS_12)
#undef MG_TV
#undef MG_TOP
#define MG_TV __m512d
#define MG_TOP(op) _mm512_##op##_pd
MG_DEFINE_SIMD_UKR(mg_ukr_f64_avx512, MG_TARGET_AVX512, double, 8, MG_AVX512_MR, MG_ROWS_12)
#undef MG_TV
#undef MG_TOP

/* ---- Packing for the 12 x 32 / 12 x 16 tiles. */
MG_DEFINE_PORTABLE_PACKERS(f32_12x32, 4, MG_AVX512_MR, MG_AVX512_NR_F32)
MG_DEFINE_PORTABLE_PACKERS(f64_12x16, 8, MG_AVX512_MR, MG_AVX512_NR_F64)

/* mg_pack_{a,b}_<NAME>_avx512: the two layouts that need a transpose go to the AVX2 routines;
 * the others inline the portable packer, so that its fixed-size copies (a 128-byte panel row
 * of B, a 48-byte (float) panel row of a column-major A) compile to zmm moves. */
#define MG_DEFINE_AVX512_PACKERS(NAME, T, SFX, ES, NR)                                \
MG_TARGET_AVX512                                                                      \
static void mg_pack_a_##NAME##_avx512(const char *a, int64_t rsa, int64_t csa,        \
                                      int64_t mc, int64_t kc, char *dst)              \
{                                                                                     \
    if (csa == 1 && rsa != 1)                                                         \
        mg_pack_a_rowmajor_##SFX##_avx2((const T *)a, rsa, mc, kc, (T *)dst,          \
                                        MG_AVX512_MR, mg_pack_a_##NAME);              \
    else                                                                              \
        mg_pack_a_impl(a, rsa, csa, mc, kc, dst, ES, MG_AVX512_MR);                   \
}                                                                                     \
MG_TARGET_AVX512                                                                      \
static void mg_pack_b_##NAME##_avx512(const char *b, int64_t rsb, int64_t csb,        \
                                      int64_t kc, int64_t nc, char *dst)              \
{                                                                                     \
    if (rsb == 1 && csb != 1)                                                         \
        mg_pack_b_colmajor_##SFX##_avx2((const T *)b, csb, kc, nc, (T *)dst,          \
                                        NR, mg_pack_b_##NAME);                        \
    else                                                                              \
        mg_pack_b_impl(b, rsb, csb, kc, nc, dst, ES, NR);                             \
}

MG_DEFINE_AVX512_PACKERS(f32_12x32, float, f32, 4, MG_AVX512_NR_F32)
MG_DEFINE_AVX512_PACKERS(f64_12x16, double, f64, 8, MG_AVX512_NR_F64)
#undef MG_DEFINE_AVX512_PACKERS

#endif /* MG_HAVE_X86_KERNELS */
#endif /* MG_GEMM_AVX512_H */
