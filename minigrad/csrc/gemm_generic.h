/*
 * gemm_generic.h -- the portable variant ('generic'): plain C, any CPU (part of gemm.h).
 *
 * It is the reference the SIMD variants must match bit for bit, so it is written as the
 * contract in gemm_kernel.h, literally: each element's accumulator starts at +0 and takes one
 * fmaf()/fma() per k, in ascending k.  C99 defines fma as the exact a*b+c rounded once, which
 * is what the vfmadd instructions compute, so the bits agree.  Writing `acc += a*b` instead
 * would round twice (the compiler may not fuse it without -mfma), and the generic results
 * would then differ from the AVX ones in the last bits -- as they did before this rule.
 *
 * Speed is not its job.  On x86-64 without -march, fmaf() is a libm call (glibc picks the
 * hardware instruction at load time when the CPU has FMA, a correctly rounded software
 * emulation otherwise), about 1 GFLOP/s; on CPUs whose compilers inline fma (aarch64, or a
 * MINIGRAD_NATIVE=1 build) the loop becomes vector FMAs.  x86 CPUs with AVX2 never run it
 * unless a test or MINIGRAD_KERNELS asks for it.
 *
 * Tile: 6 x 16 floats / 6 x 8 doubles, the AVX2 variant's shape, so the two share their
 * portable packers.
 */
#ifndef MG_GEMM_GENERIC_H
#define MG_GEMM_GENERIC_H

#include <math.h>

#include "gemm_kernel.h"
#include "gemm_pack.h"

#define MG_GENERIC_MR      6
#define MG_GENERIC_NR_F32 16
#define MG_GENERIC_NR_F64  8

#define MG_DEFINE_GENERIC_UKR(NAME, T, MR, NR, FMA)                                   \
__attribute__((noinline))                                                             \
static void NAME(int64_t kc, const void *a_, const void *b_, void *c_,                \
                 int64_t ldc, const void *bias_, int flags)                           \
{                                                                                     \
    const T *a = (const T *)a_, *b = (const T *)b_, *bias = (const T *)bias_;         \
    T *c = (T *)c_;                                                                   \
    T acc[MR][NR];                                                                    \
    for (int i = 0; i < MR; i++)                                                      \
        for (int j = 0; j < NR; j++)                                                  \
            acc[i][j] = 0;                                                            \
    for (int64_t k = 0; k < kc; k++, a += MR, b += NR)                                \
        for (int i = 0; i < MR; i++)                                                  \
            for (int j = 0; j < NR; j++)                                              \
                acc[i][j] = FMA(a[i], b[j], acc[i][j]);                               \
    for (int i = 0; i < MR; i++)                                                      \
        for (int j = 0; j < NR; j++) {                                                \
            T x = acc[i][j];                                                          \
            T *cij = c + i * ldc + j;                                                 \
            if (flags & MG_ACCUMULATE) x = *cij + x;                                  \
            if (bias) x = x + bias[j];                                                \
            if ((flags & MG_RELU) && x < 0) x = 0;                                    \
            *cij = x;                                                                 \
        }                                                                             \
}

MG_DEFINE_GENERIC_UKR(mg_ukr_f32_generic, float, MG_GENERIC_MR, MG_GENERIC_NR_F32, fmaf)
MG_DEFINE_GENERIC_UKR(mg_ukr_f64_generic, double, MG_GENERIC_MR, MG_GENERIC_NR_F64, fma)

MG_DEFINE_PORTABLE_PACKERS(f32_6x16, 4, MG_GENERIC_MR, MG_GENERIC_NR_F32)
MG_DEFINE_PORTABLE_PACKERS(f64_6x8, 8, MG_GENERIC_MR, MG_GENERIC_NR_F64)

#endif /* MG_GEMM_GENERIC_H */
