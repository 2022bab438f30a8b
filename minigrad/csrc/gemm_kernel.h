/*
 * gemm_kernel.h -- what every GEMM variant agrees on (part of gemm.h; read that first).
 *
 * A variant (generic C, AVX2+FMA, AVX-512) is a register tile shape MR x NR, two packing
 * routines that lay operands out for it, and a micro-kernel that computes one tile.  This
 * header holds the codes, the two contracts those functions obey, and the descriptor through
 * which the plan (gemm.h) uses a variant without knowing which one it is.
 *
 * THE BIT-IDENTITY RULE.  Every variant computes every element of C with the same
 * floating-point operations in the same order, so the bits of C never depend on the CPU, the
 * variant or the thread count:
 *     acc  = +0;  for k in the K block, ascending:  acc = fma(a(i,k), b(k,j), acc)
 *     x    = acc                       (first K block, overwrite)
 *     x    = C_old + acc               (first K block with accumulate, and every later K block)
 *     x    = x + bias[j]               (last K block only, if there is a bias)
 *     x    = x < 0 ? +0 : x            (last K block only, if ReLU; NaN and -0 pass unchanged)
 * "fma" is one correctly rounded fused multiply-add: the vfmadd instructions in the SIMD
 * variants, fmaf()/fma() from C99 in the generic one.  A vector lane computes exactly one
 * element, so the vector width and the tile shape do not enter the arithmetic; what could
 * (where the K blocks start) is fixed by the plan from the problem shape alone.
 * NaN payloads are the one thing not promised: which of two NaN inputs an instruction passes
 * on is not specified by C, so a NaN stays a NaN but its low bits may differ between variants.
 */
#ifndef MG_GEMM_KERNEL_H
#define MG_GEMM_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define MG_HAVE_X86_KERNELS 1        /* the AVX2 and AVX-512 variants can be compiled */
#include <immintrin.h>
#else
#define MG_HAVE_X86_KERNELS 0
#endif

/* Every function is static (header-only); `unused` keeps -Wall quiet about the entry points a
 * given includer does not call. */
#define MG_API static __attribute__((unused))
#define MG_INLINE static inline __attribute__((always_inline))

enum { MG_F32 = 0, MG_F64 = 1 };                         /* dtype codes   */
enum { MG_ACCUMULATE = 1, MG_RELU = 2 };                  /* user flags    */
enum { MG_OK = 0, MG_ENOMEM = -1, MG_EINVAL = -2, MG_EUNSUPPORTED = -3 };
enum { MG_VARIANT_AUTO = 0, MG_VARIANT_GENERIC = 1, MG_VARIANT_AVX2_FMA = 2,
       MG_VARIANT_AVX512 = 3, MG_N_VARIANTS = 4 };

#define MG_ALIGN 64          /* packed buffers are cache-line aligned (the kernels' aligned loads) */

/* The largest register tile of any variant, in bytes (AVX-512: 12 x 32 floats, 12 x 16
 * doubles): the size of the scratch tile edge tiles are computed into. */
#define MG_TILE_MAX_BYTES (12 * 32 * 4)

/* Micro-kernel contract (all variants, both dtypes):
 *   tile = the fma chain over k < kc of a[k*MR + i] * b[k*NR + j]   (i < MR, j < NR)
 *   x    = (flags & MG_ACCUMULATE) ? c[i*ldc+j] + tile : tile
 *   x    = bias ? x + bias[j] : x
 *   x    = (flags & MG_RELU) ? (x < 0 ? 0 : x) : x
 *   c[i*ldc + j] = x
 * a: packed A micro-panel (kc x MR), b: packed B micro-panel (kc x NR), both 64-byte aligned;
 * bias: NR entries (zero-padded) or NULL. */
typedef void (*mg_ukr_fn)(int64_t kc, const void *a, const void *b,
                          void *c, int64_t ldc, const void *bias, int flags);

/* Packing contract.  pack_a: the m x k block of A at `src` (element strides rs, cs) into
 * ceil(m/MR) micro-panels of k x MR, panel[kk*MR + i] = A(p*MR + i, kk), rows past m zero.
 * pack_b: the k x n block of B into ceil(n/NR) micro-panels of k x NR,
 * panel[kk*NR + j] = B(kk, p*NR + j), columns past n zero.  Packing only moves bits. */
typedef void (*mg_pack_fn)(const char *src, int64_t rs, int64_t cs,
                           int64_t m, int64_t n, char *dst);

/* One variant for one dtype: its tile, its cache blocks and its functions.  kc (the K block)
 * is deliberately absent: it is chosen by the plan from the problem shape, the same for every
 * variant, because where a K block ends is part of the arithmetic (see the rule above). */
typedef struct {
    int mr, nr;              /* register tile                                        */
    int64_t mc;              /* rows of A per packed block (a multiple of mr; in L2)  */
    int64_t nc;              /* columns of B per packed block (a multiple of nr; L3) */
    mg_ukr_fn ukr;
    mg_pack_fn pack_a, pack_b;
} mg_gemm_kernel;

#endif /* MG_GEMM_KERNEL_H */
