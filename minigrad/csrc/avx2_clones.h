/*
 * avx2_clones.h -- one loop, two compiled copies: baseline x86-64 (SSE2) and AVX2, chosen at run
 * time (header-only, C99). Used by the normalisation (norm.h) and direct convolution
 * (conv_direct.h) kernels.
 *
 * MG__CLONES(NAME, PARAMS, ARGS) turns an always-inline NAME##_body into NAME##_avx2 (compiled
 * with target("avx2")) and NAME, which calls one or the other by the flag mg_norm_avx2. The two
 * copies compute the same operations in the same order: the vectors run across independent
 * accumulators (channels, columns, lanes or output positions), never along one sum, and no FMA
 * is enabled (the AVX2 target does not include it), so they give the same bits.
 */
#ifndef MINIGRAD_AVX2_CLONES_H
#define MINIGRAD_AVX2_CLONES_H

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define MG_NORM_X86 1
#define MG__AVX2_CLONE(NAME, PARAMS, ARGS)                                                  \
static __attribute__((unused, target("avx2"))) void NAME##_avx2 PARAMS { NAME##_body ARGS; }
#else
#define MG_NORM_X86 0
#define MG__AVX2_CLONE(NAME, PARAMS, ARGS)
#endif

static int mg_norm_avx2 = 0;  /* 1: the AVX2 copies run (set once at import, or by tests) */

static inline int mg_norm_avx2_supported(void)
{
#if MG_NORM_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

static inline void mg_norm_init(void) { mg_norm_avx2 = mg_norm_avx2_supported(); }

static inline int mg_norm_set_avx2(int on)
{
    if (on && !mg_norm_avx2_supported()) return -1;
    mg_norm_avx2 = on ? 1 : 0;
    return 0;
}

#if MG_NORM_X86
#define MG__DISPATCH(NAME, ARGS)                                                            \
    if (mg_norm_avx2) NAME##_avx2 ARGS; else NAME##_body ARGS;
#else
#define MG__DISPATCH(NAME, ARGS) NAME##_body ARGS;
#endif

#define MG__CLONES(NAME, PARAMS, ARGS)                                                      \
MG__AVX2_CLONE(NAME, PARAMS, ARGS)                                                          \
static __attribute__((unused)) void NAME PARAMS { MG__DISPATCH(NAME, ARGS) }

#endif /* MINIGRAD_AVX2_CLONES_H */
