/*
 * fma.h -- out[i] = a[i*sa] * b[i*sb] + c[i], rounded once (a fused multiply-add), for the
 * optimizers' float updates in minigrad/optim (see minigrad/optim/_fma.py for why).
 *
 * sa and sb are 0 (a scalar, read at index 0) or 1 (an array).  Three variants (cpu_dispatch.h)
 * give the same bits, because a fused multiply-add is correctly rounded by definition:
 *   generic  C99's fma()/fmaf() per element (the C library computes it exactly in software when
 *            the CPU has no FMA instruction);
 *   avx2     the loop compiled with MG_SIMD_AVX2, so the compiler emits and vectorises the FMA
 *            instruction, 4 doubles / 8 floats at a time;
 *   avx512   the same with AVX-512, 8 doubles / 16 floats at a time.
 * The SIMD copies run only when cpu_dispatch.h says the CPU can run them.  Each element is
 * computed on its own, so how the range is split between threads cannot change a result.
 */
#ifndef MINIGRAD_FMA_H
#define MINIGRAD_FMA_H

#include <math.h>
#include <stdint.h>

#include "cpu_dispatch.h"

/* The three operand shapes get their own loops: with constant strides the compiler vectorises. */
#define MG_FMA_LOOPS(T, FMA)                                                          \
    if (sa == 0 && sb == 1) {                                                         \
        const T s = a[0];                                                             \
        for (int64_t i = start; i < end; i++) out[i] = FMA(s, b[i], c[i]);            \
    } else if (sa == 1 && sb == 0) {                                                  \
        const T s = b[0];                                                             \
        for (int64_t i = start; i < end; i++) out[i] = FMA(a[i], s, c[i]);            \
    } else if (sa == 1 && sb == 1) {                                                  \
        for (int64_t i = start; i < end; i++) out[i] = FMA(a[i], b[i], c[i]);         \
    } else {                                                                          \
        for (int64_t i = start; i < end; i++) out[i] = FMA(a[0], b[0], c[i]);         \
    }

static void mg_fma_f64_portable(const double *a, int64_t sa, const double *b, int64_t sb,
                                const double *c, double *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(double, fma)
}

static void mg_fma_f32_portable(const float *a, int64_t sa, const float *b, int64_t sb,
                                const float *c, float *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(float, fmaf)
}

#if MG_CPU_X86
/* The same loops with the FMA instruction (__builtin_fma compiles to it when the target has it),
 * vectorised 4 doubles / 8 floats wide (AVX2) or 8 / 16 wide (AVX-512). */
MG_SIMD_AVX2 static void mg_fma_f64_avx2(const double *a, int64_t sa, const double *b, int64_t sb,
                                         const double *c, double *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(double, __builtin_fma)
}

MG_SIMD_AVX2 static void mg_fma_f32_avx2(const float *a, int64_t sa, const float *b, int64_t sb,
                                         const float *c, float *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(float, __builtin_fmaf)
}

MG_SIMD_AVX512 static void mg_fma_f64_avx512(const double *a, int64_t sa, const double *b,
                                             int64_t sb, const double *c, double *out,
                                             int64_t start, int64_t end)
{
    MG_FMA_LOOPS(double, __builtin_fma)
}

MG_SIMD_AVX512 static void mg_fma_f32_avx512(const float *a, int64_t sa, const float *b,
                                             int64_t sb, const float *c, float *out,
                                             int64_t start, int64_t end)
{
    MG_FMA_LOOPS(float, __builtin_fmaf)
}
#endif

/* The variant in use (MG_V_GENERIC, MG_V_AVX2 or MG_V_AVX512): the best the CPU has, set by
 * mg_fma_init() at import; MINIGRAD_KERNELS and tests change it with mg_fma_set_variant(). */
static int mg_fma_variant = MG_V_GENERIC;

static inline void mg_fma_init(void) { mg_fma_variant = mg_cpu_best_variant(); }

/* Returns 0, or -1 if v is not an fma variant this CPU can run. */
static inline int mg_fma_set_variant(int v)
{
    if (v < MG_V_GENERIC || v >= MG_V_COUNT || !mg_cpu_supports(v))
        return -1;
    mg_fma_variant = v;
    return 0;
}

static inline int mg_fma_get_variant(void) { return mg_fma_variant; }

#if MG_CPU_X86
#define MG__FMA_CALL(SUFFIX, ...) do {                                                  \
        if (mg_fma_variant == MG_V_AVX512) mg_fma_##SUFFIX##_avx512(__VA_ARGS__);        \
        else if (mg_fma_variant == MG_V_AVX2) mg_fma_##SUFFIX##_avx2(__VA_ARGS__);       \
        else mg_fma_##SUFFIX##_portable(__VA_ARGS__);                                    \
    } while (0)
#else
#define MG__FMA_CALL(SUFFIX, ...) mg_fma_##SUFFIX##_portable(__VA_ARGS__)
#endif

static inline void mg_fma_f64(const double *a, int64_t sa, const double *b, int64_t sb,
                              const double *c, double *out, int64_t start, int64_t end)
{
    MG__FMA_CALL(f64, a, sa, b, sb, c, out, start, end);
}

static inline void mg_fma_f32(const float *a, int64_t sa, const float *b, int64_t sb,
                              const float *c, float *out, int64_t start, int64_t end)
{
    MG__FMA_CALL(f32, a, sa, b, sb, c, out, start, end);
}

#endif /* MINIGRAD_FMA_H */
