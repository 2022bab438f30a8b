/*
 * simd_clones.h -- one loop, three compiled copies: baseline x86-64 (SSE2), AVX2 and AVX-512,
 * chosen at run time (header-only, C99). Used by the layer kernels: normalisation (norm.h),
 * pooling (pool.h) and direct convolution (conv_direct.h).
 *
 * MG__CLONES(NAME, PARAMS, ARGS) turns an always-inline NAME##_body into NAME##_avx2 and
 * NAME##_avx512 (compiled for those instruction sets) and NAME, which calls the copy of the
 * variant selected for this family, mg_layers_variant (cpu_dispatch.h's variants; set at import
 * by MINIGRAD_KERNELS together with every other family, see _ops.pyx, and by tests).
 *
 * Same bits in every copy. The vectors run across independent accumulators (channels, columns,
 * lanes or output positions), never along one sum, so a wider vector only does more of the same
 * scalar operations at once. And no copy may fuse a multiply and an add: the AVX2 copy is not
 * compiled for FMA, and AVX-512 (whose F subset has FMA instructions) is compiled with
 * fp-contract=off, which MG__NO_CONTRACT gives every copy. The loops are written for the
 * auto-vectoriser, not with intrinsics: the wider copies are the same C.
 */
#ifndef MINIGRAD_SIMD_CLONES_H
#define MINIGRAD_SIMD_CLONES_H

#include "cpu_dispatch.h"

/* The layer family's variant: MG_V_GENERIC, MG_V_AVX2 or MG_V_AVX512 (the one mutable global of
 * this family: written at import and by tests while no kernel runs, read by the kernels). */
static int mg_layers_variant = MG_V_GENERIC;

/* Select variant v (not MG_V_SCALAR: these kernels have no scalar reference of their own).
 * Returns 0, or -1 if v is not a variant of this family or cannot run here. */
static inline int mg_layers_set_variant(int v)
{
    if (v < MG_V_GENERIC || v >= MG_V_COUNT || !mg_cpu_supports(v))
        return -1;
    mg_layers_variant = v;
    return 0;
}

static inline int mg_layers_get_variant(void) { return mg_layers_variant; }

#if MG_CPU_X86 && !defined(__clang__)
#define MG__NO_CONTRACT __attribute__((optimize("fp-contract=off")))
#define MG__AVX512_TARGET target("avx512f,avx512bw,avx512dq,avx512vl,avx2")
#elif MG_CPU_X86
/* Clang has no per-function fp-contract: its "AVX-512" copy is built for AVX2 (no FMA), the
 * bits stay the same. */
#define MG__NO_CONTRACT
#define MG__AVX512_TARGET target("avx2")
#endif

#if MG_CPU_X86
#define MG__SIMD_CLONES(NAME, PARAMS, ARGS)                                                 \
static __attribute__((unused, target("avx2"))) MG__NO_CONTRACT void NAME##_avx2 PARAMS      \
{ NAME##_body ARGS; }                                                                       \
static __attribute__((unused, MG__AVX512_TARGET)) MG__NO_CONTRACT void NAME##_avx512 PARAMS \
{ NAME##_body ARGS; }
#define MG__DISPATCH(NAME, ARGS)                                                            \
    if (mg_layers_variant == MG_V_AVX512) NAME##_avx512 ARGS;                               \
    else if (mg_layers_variant == MG_V_AVX2) NAME##_avx2 ARGS;                              \
    else NAME##_body ARGS;
#else
#define MG__NO_CONTRACT
#define MG__SIMD_CLONES(NAME, PARAMS, ARGS)
#define MG__DISPATCH(NAME, ARGS) NAME##_body ARGS;
#endif

#define MG__CLONES(NAME, PARAMS, ARGS)                                                      \
MG__SIMD_CLONES(NAME, PARAMS, ARGS)                                                         \
static __attribute__((unused)) MG__NO_CONTRACT void NAME PARAMS { MG__DISPATCH(NAME, ARGS) }

#endif /* MINIGRAD_SIMD_CLONES_H */
