/*
 * peak_flops.h -- a loop that keeps a core's fused multiply-add units busy and nothing else, to
 * measure the machine's peak float32 FLOP rate (minigrad._ops.peak_gflops; benchmarks/run.py
 * reports GEMM speeds as a fraction of it).
 *
 * Why measure rather than compute: peak = FMA units x vector width x 2 x clock, and the clock a
 * core holds under load (turbo, power limits, a virtual machine's share) is the one unknown, so a
 * GEMM's GFLOP/s means little until it is set against what this loop reaches on the same cores.
 *
 * One iteration does one FMA on each of `chains` independent accumulators, acc = acc * m + a
 * (m < 1, so the values converge instead of overflowing).  An FMA takes 4 or 5 cycles and a core
 * starts up to two per cycle, so 10 chains in flight keep the units busy.  AVX2 has 16 vector
 * registers: 12 chains plus m and a fit (16 chains would spill to memory and halve the rate);
 * AVX-512 has 32: 16 chains leave a margin.
 */
#ifndef MINIGRAD_PEAK_FLOPS_H
#define MINIGRAD_PEAK_FLOPS_H

#include <stdint.h>

#include "cpu_dispatch.h"

#define MG_PEAK_CHAINS_GENERIC 16
#define MG_PEAK_CHAINS_AVX2 12
#define MG_PEAK_CHAINS_AVX512 16
#define MG_PEAK_M 0.999f
#define MG_PEAK_A 0.001f

/* generic: scalar multiply and add (two roundings: a CPU without FMA does no better). */
static float mg__peak_generic(int64_t iters)
{
    float acc[MG_PEAK_CHAINS_GENERIC];
    for (int j = 0; j < MG_PEAK_CHAINS_GENERIC; j++) acc[j] = (float)j;
    for (int64_t i = 0; i < iters; i++) {
#pragma GCC unroll 16
        for (int j = 0; j < MG_PEAK_CHAINS_GENERIC; j++) acc[j] = acc[j] * MG_PEAK_M + MG_PEAK_A;
    }
    float s = 0.0f;
    for (int j = 0; j < MG_PEAK_CHAINS_GENERIC; j++) s += acc[j];
    return s;
}

#if MG_CPU_X86
/* VEC: the register type; SET1, FMADD, ADD: its intrinsics; REDUCE: the lanes' sum. */
#define MG__DEFINE_PEAK(NAME, ATTR, CHAINS, VEC, SET1, FMADD, ADD, REDUCE)       \
ATTR static float NAME(int64_t iters)                                            \
{                                                                                \
    VEC acc[CHAINS];                                                             \
    const VEC m = SET1(MG_PEAK_M), a = SET1(MG_PEAK_A);                          \
    for (int j = 0; j < CHAINS; j++) acc[j] = SET1((float)j);                    \
    for (int64_t i = 0; i < iters; i++) {                                        \
        _Pragma("GCC unroll 16")                                                 \
        for (int j = 0; j < CHAINS; j++) acc[j] = FMADD(acc[j], m, a);           \
    }                                                                            \
    for (int j = 1; j < CHAINS; j++) acc[0] = ADD(acc[0], acc[j]);               \
    return REDUCE(acc[0]);                                                       \
}

MG_SIMD_INLINE_AVX2 float mg__sum8(__m256 v)
{
    float t[8];
    _mm256_storeu_ps(t, v);
    return ((t[0] + t[1]) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
}

MG__DEFINE_PEAK(mg__peak_avx2, MG_SIMD_AVX2, MG_PEAK_CHAINS_AVX2, __m256, _mm256_set1_ps, _mm256_fmadd_ps,
                _mm256_add_ps, mg__sum8)
MG__DEFINE_PEAK(mg__peak_avx512, MG_SIMD_AVX512, MG_PEAK_CHAINS_AVX512, __m512, _mm512_set1_ps, _mm512_fmadd_ps,
                _mm512_add_ps, _mm512_reduce_add_ps)
#endif

/* Floating-point operations per iteration of variant v (an FMA counts as two). */
static inline int64_t mg_peak_flops_per_iter(int v)
{
    switch (v) {
    case MG_V_AVX512: return 2 * 16 * MG_PEAK_CHAINS_AVX512;
    case MG_V_AVX2: return 2 * 8 * MG_PEAK_CHAINS_AVX2;
    default: return 2 * MG_PEAK_CHAINS_GENERIC;
    }
}

/* Run `iters` iterations of variant v (which the caller checked the CPU supports) and return a
 * value that depends on every accumulator, so that the compiler cannot drop the loop. */
MG_FN float mg_peak_fma_f32(int v, int64_t iters)
{
#if MG_CPU_X86
    if (v == MG_V_AVX512) return mg__peak_avx512(iters);
    if (v == MG_V_AVX2) return mg__peak_avx2(iters);
#endif
    return mg__peak_generic(iters);
}

#endif /* MINIGRAD_PEAK_FLOPS_H */
