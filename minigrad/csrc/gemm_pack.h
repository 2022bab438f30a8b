/*
 * gemm_pack.h -- portable packing of A and B into micro-panels (part of gemm.h).
 *
 * A block (mc x kc) -> ceil(mc/MR) micro-panels, each kc x MR:
 *     panel[k*MR + i] = A(i0 + i, k0 + k), rows past mc are 0.
 * B block (kc x nc) -> ceil(nc/NR) micro-panels, each kc x NR:
 *     panel[k*NR + j] = B(k0 + k, j0 + j), columns past nc are 0.
 * So a micro-kernel reads both operands as contiguous streams whatever the source layout, and
 * edge tiles see zeros instead of out-of-bounds memory (the zero rows/columns only produce
 * tile entries that are never copied to C).
 *
 * Packing only moves bits, so one body serves both dtypes: elements are moved with memcpy of
 * ES bytes, and the body is always_inline'd into thin wrappers with ES, MR, NR constant, which
 * turns every memcpy into a single load/store and lets the compiler unroll the fixed-size
 * loops.  These routines handle any strides; the SIMD headers add faster paths for the two
 * layouts that need a transpose (gemm_avx2.h) and fall back to these for everything else.
 */
#ifndef MG_GEMM_PACK_H
#define MG_GEMM_PACK_H

#include "gemm_kernel.h"

MG_INLINE void mg_pack_a_impl(const char *a, int64_t rsa, int64_t csa,
                              int64_t mc, int64_t kc, char *dst,
                              const int ES, const int MR)
{
    int64_t i0 = 0;
    if (rsa == 1) {
        /* Column-major A (e.g. dy^T in the weight gradient dy^T @ x): the MR values of one
         * panel row are adjacent in memory.  Walk k in the outer loop so the source is read
         * sequentially (one contiguous run of mc values per k) and each whole panel gets MR
         * values; panel-by-panel it would read MR values from each of kc rows far apart,
         * which measured 1.6x slower (cache-set conflicts). */
        const int64_t full = mc / MR;
        for (int64_t k = 0; k < kc; k++) {
            const char *src = a + k * csa * ES;
            for (int64_t p = 0; p < full; p++)
                memcpy(dst + (p * kc + k) * MR * ES, src + p * MR * ES, (size_t)MR * ES);
        }
        i0 = full * MR;
        dst += full * kc * MR * ES;
    }
    for (; i0 < mc; i0 += MR, dst += kc * MR * ES) {
        const int64_t mr = mc - i0 < MR ? mc - i0 : MR;
        const char *src = a + i0 * rsa * ES;
        if (mr == MR && csa == 1) {
            /* Row-major A: MR rows, each contiguous in k.  Walk k and take one element from
             * each row (MR sequential streams). */
            for (int64_t k = 0; k < kc; k++)
                for (int i = 0; i < MR; i++)
                    memcpy(dst + (k * MR + i) * ES, src + (i * rsa + k) * ES, ES);
        } else {
            /* Any strides, and the zero-padded last panel. */
            for (int64_t k = 0; k < kc; k++) {
                int i = 0;
                for (; i < mr; i++)
                    memcpy(dst + (k * MR + i) * ES, src + (i * rsa + k * csa) * ES, ES);
                for (; i < MR; i++)
                    memset(dst + (k * MR + i) * ES, 0, ES);
            }
        }
    }
}

MG_INLINE void mg_pack_b_impl(const char *b, int64_t rsb, int64_t csb,
                              int64_t kc, int64_t nc, char *dst,
                              const int ES, const int NR)
{
    for (int64_t j0 = 0; j0 < nc; j0 += NR, dst += kc * NR * ES) {
        const int64_t nr = nc - j0 < NR ? nc - j0 : NR;
        const char *src = b + j0 * csb * ES;
        if (nr == NR && csb == 1) {
            /* Row-major B: each k row of the panel is NR adjacent values. */
            for (int64_t k = 0; k < kc; k++)
                memcpy(dst + k * NR * ES, src + k * rsb * ES, (size_t)NR * ES);
        } else if (nr == NR && rsb == 1) {
            /* Column-major B (B = W^T of a row-major W, the Linear forward case): NR columns,
             * each contiguous in k.  Read each column sequentially and scatter it with stride
             * NR into the panel, which is small enough to stay in L1. */
            for (int j = 0; j < NR; j++) {
                const char *col = src + j * csb * ES;
                for (int64_t k = 0; k < kc; k++)
                    memcpy(dst + (k * NR + j) * ES, col + k * ES, ES);
            }
        } else {
            for (int64_t k = 0; k < kc; k++) {
                int j = 0;
                for (; j < nr; j++)
                    memcpy(dst + (k * NR + j) * ES, src + (k * rsb + j * csb) * ES, ES);
                for (; j < NR; j++)
                    memset(dst + (k * NR + j) * ES, 0, ES);
            }
        }
    }
}

/* mg_pack_a_<NAME> and mg_pack_b_<NAME>: the portable packers for one (dtype, MR, NR). */
#define MG_DEFINE_PORTABLE_PACKERS(NAME, ES, MR, NR)                                  \
static void mg_pack_a_##NAME(const char *a, int64_t rsa, int64_t csa,                 \
                             int64_t mc, int64_t kc, char *dst)                       \
{ mg_pack_a_impl(a, rsa, csa, mc, kc, dst, ES, MR); }                                 \
static void mg_pack_b_##NAME(const char *b, int64_t rsb, int64_t csb,                 \
                             int64_t kc, int64_t nc, char *dst)                       \
{ mg_pack_b_impl(b, rsb, csb, kc, nc, dst, ES, NR); }

#endif /* MG_GEMM_PACK_H */
