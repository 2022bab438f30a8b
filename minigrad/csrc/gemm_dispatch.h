/*
 * gemm_dispatch.h -- which variant runs, and the table of variants (part of gemm.h).
 *
 * The build uses plain -O3 (no -march), so the SIMD variants are compiled with
 * __attribute__((target(...))) and only called after __builtin_cpu_supports says the CPU (and
 * the OS: libgcc checks XCR0 for the YMM and ZMM state) can run them.  The choice is one int
 * read with an atomic load; it is written by mg_gemm_init() (called once at module import) and
 * by mg_gemm_set_variant() (tests, benchmarks and the MINIGRAD_KERNELS switch).  A plan reads
 * it once, so a concurrent change never mixes kernels inside one product.  Since every variant
 * gives the same bits (gemm_kernel.h), the choice changes the speed only.
 */
#ifndef MG_GEMM_DISPATCH_H
#define MG_GEMM_DISPATCH_H

#include "gemm_kernel.h"
#include "gemm_generic.h"
#include "gemm_avx2.h"
#include "gemm_avx512.h"

/*
 * Cache blocks per variant (the K block is shared by all variants: see mg_gemm_kc in gemm.h).
 * MC: rows of A packed together; the packed block (MC x KC) stays in L2 while the B
 *     micro-panels stream past it.  NC: columns of B packed together, shared by the threads
 *     and kept in L3; only matrices wider than NC pay a second pass over A.
 * Override at compile time (-DMG_AVX512_MC_F32=...) for tuning experiments.
 *   avx2_fma / generic: measured on a 2-core Zen 3 (512 KB L2): 96 x 384 floats = 144 KB,
 *     72 x 256 doubles = 144 KB, under a third of L2.
 *   avx512: the same 144 KB (96 x 384 floats, 72 x 256 doubles), although Zen 4 has 1 MB of
 *     L2: measured on 1024^3 (single thread, CPU time), MC = 48..96 rows ran 6-7% faster than
 *     144 or 288 in float32 and 72 about 5% faster than 96..144 in float64, and no size was
 *     slower from 256^3 to 2048^3.  (Each ir sweep touches one C row per row of the block, in
 *     as many 4 KB pages, and the B micro-panels streaming from L3 share L2 with the block.)
 *   NC: a multiple of NR (16 / 32) near 4096; the packed block (KC x NC, 6 MB of floats) is
 *     shared by the threads and lives in the 32 MB L3.
 */
#ifndef MG_AVX2_MC_F32
#define MG_AVX2_MC_F32 96
#endif
#ifndef MG_AVX2_MC_F64
#define MG_AVX2_MC_F64 72
#endif
#ifndef MG_AVX2_NC
#define MG_AVX2_NC 4080
#endif
#ifndef MG_AVX512_MC_F32
#define MG_AVX512_MC_F32 96
#endif
#ifndef MG_AVX512_MC_F64
#define MG_AVX512_MC_F64 72
#endif
#ifndef MG_AVX512_NC
#define MG_AVX512_NC 4096
#endif

/* Blocks must hold whole register tiles. */
typedef char mg_check_avx2_mc[(MG_AVX2_MC_F32 % 6 == 0 && MG_AVX2_MC_F64 % 6 == 0) ? 1 : -1];
typedef char mg_check_avx2_nc[(MG_AVX2_NC % 16 == 0) ? 1 : -1];
typedef char mg_check_avx512_mc[(MG_AVX512_MC_F32 % 12 == 0 && MG_AVX512_MC_F64 % 12 == 0) ? 1 : -1];
typedef char mg_check_avx512_nc[(MG_AVX512_NC % 32 == 0) ? 1 : -1];
/* ... and the edge-tile scratch (gemm.h) must hold the largest tile. */
#if MG_HAVE_X86_KERNELS
typedef char mg_check_tile_max[(MG_AVX512_MR * MG_AVX512_NR_F32 * 4 <= MG_TILE_MAX_BYTES &&
                                MG_AVX512_MR * MG_AVX512_NR_F64 * 8 <= MG_TILE_MAX_BYTES &&
                                MG_AVX2_MR * MG_AVX2_NR_F32 * 4 <= MG_TILE_MAX_BYTES) ? 1 : -1];
#endif

/* mg_gemm_kernels[variant][dtype].  Row MG_VARIANT_AUTO is empty (never used). */
static const mg_gemm_kernel mg_gemm_kernels[MG_N_VARIANTS][2] = {
    [MG_VARIANT_GENERIC] = {
        { MG_GENERIC_MR, MG_GENERIC_NR_F32, MG_AVX2_MC_F32, MG_AVX2_NC,
          mg_ukr_f32_generic, mg_pack_a_f32_6x16, mg_pack_b_f32_6x16 },
        { MG_GENERIC_MR, MG_GENERIC_NR_F64, MG_AVX2_MC_F64, MG_AVX2_NC,
          mg_ukr_f64_generic, mg_pack_a_f64_6x8, mg_pack_b_f64_6x8 },
    },
#if MG_HAVE_X86_KERNELS
    [MG_VARIANT_AVX2_FMA] = {
        { MG_AVX2_MR, MG_AVX2_NR_F32, MG_AVX2_MC_F32, MG_AVX2_NC,
          mg_ukr_f32_avx2, mg_pack_a_f32_6x16, mg_pack_b_f32_6x16_avx2 },
        { MG_AVX2_MR, MG_AVX2_NR_F64, MG_AVX2_MC_F64, MG_AVX2_NC,
          mg_ukr_f64_avx2, mg_pack_a_f64_6x8, mg_pack_b_f64_6x8_avx2 },
    },
    [MG_VARIANT_AVX512] = {
        { MG_AVX512_MR, MG_AVX512_NR_F32, MG_AVX512_MC_F32, MG_AVX512_NC,
          mg_ukr_f32_avx512, mg_pack_a_f32_12x32_avx512, mg_pack_b_f32_12x32_avx512 },
        { MG_AVX512_MR, MG_AVX512_NR_F64, MG_AVX512_MC_F64, MG_AVX512_NC,
          mg_ukr_f64_avx512, mg_pack_a_f64_12x16_avx512, mg_pack_b_f64_12x16_avx512 },
    },
#endif
};

static int mg_variant_choice_ = MG_VARIANT_AUTO;     /* AUTO = not resolved yet */

MG_API int mg_gemm_variant_supported(int v)
{
    if (v == MG_VARIANT_GENERIC)
        return 1;
#if MG_HAVE_X86_KERNELS
    __builtin_cpu_init();
    const int avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (v == MG_VARIANT_AVX2_FMA)
        return avx2_fma;
    if (v == MG_VARIANT_AVX512)
        return avx2_fma && __builtin_cpu_supports("avx512f");
#endif
    return 0;
}

/* The fastest variant this CPU runs.  All give the same bits, so this is a speed choice. */
MG_API int mg_gemm_best_variant(void)
{
    for (int v = MG_N_VARIANTS - 1; v > MG_VARIANT_GENERIC; v--)
        if (mg_gemm_variant_supported(v))
            return v;
    return MG_VARIANT_GENERIC;
}

/* Resolve the automatic choice.  Idempotent; racing callers all store the same value, and the
 * store is atomic, so calling it from several threads is harmless (the intent is: once, at
 * import). */
MG_API void mg_gemm_init(void)
{
    if (__atomic_load_n(&mg_variant_choice_, __ATOMIC_ACQUIRE) == MG_VARIANT_AUTO)
        __atomic_store_n(&mg_variant_choice_, mg_gemm_best_variant(), __ATOMIC_RELEASE);
}

/* Force a variant.  MG_VARIANT_AUTO restores the best one.  Returns MG_EUNSUPPORTED (and
 * changes nothing) if this CPU cannot run it. */
MG_API int mg_gemm_set_variant(int v)
{
    if (v == MG_VARIANT_AUTO)
        v = mg_gemm_best_variant();
    if (v <= 0 || v >= MG_N_VARIANTS || !mg_gemm_variant_supported(v))
        return MG_EUNSUPPORTED;
    __atomic_store_n(&mg_variant_choice_, v, __ATOMIC_RELEASE);
    return MG_OK;
}

MG_API int mg_gemm_get_variant(void)
{
    mg_gemm_init();
    return __atomic_load_n(&mg_variant_choice_, __ATOMIC_ACQUIRE);
}

MG_API const char *mg_gemm_variant_name(int v)
{
    switch (v) {
    case MG_VARIANT_GENERIC:  return "generic";
    case MG_VARIANT_AVX2_FMA: return "avx2_fma";
    case MG_VARIANT_AVX512:   return "avx512";
    case MG_VARIANT_AUTO:     return "auto";
    default:                  return "unknown";
    }
}

#endif /* MG_GEMM_DISPATCH_H */
