/*
 * fma.h -- out[i] = a[i*sa] * b[i*sb] + c[i], rounded once (a fused multiply-add), for the
 * optimizers' float updates in minigrad/optim (see minigrad/optim/_fma.py for why).
 *
 * sa and sb are 0 (a scalar, read at index 0) or 1 (an array).  Both code paths give the same
 * bits: C99's fma()/fmaf() are correctly rounded by definition; on x86-64 with the FMA
 * extension the loop is compiled with __attribute__((target("fma"))) so the compiler emits (and
 * vectorises) the instruction instead of calling libm per element, and is only called when
 * __builtin_cpu_supports("fma") says the CPU can run it.  Each element is computed on its own, so
 * how the range is split between threads cannot change a result.
 */
#ifndef MINIGRAD_FMA_H
#define MINIGRAD_FMA_H

#include <math.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MG_FMA_X86 1
#else
#define MG_FMA_X86 0
#endif

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

#if MG_FMA_X86
__attribute__((target("fma")))
static void mg_fma_f64_hw(const double *a, int64_t sa, const double *b, int64_t sb,
                          const double *c, double *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(double, __builtin_fma)
}

__attribute__((target("fma")))
static void mg_fma_f32_hw(const float *a, int64_t sa, const float *b, int64_t sb,
                          const float *c, float *out, int64_t start, int64_t end)
{
    MG_FMA_LOOPS(float, __builtin_fmaf)
}
#endif

/* 1 when the FMA instruction is used; set once by mg_fma_init() at import (tests may clear it
 * with mg_fma_set_hw(0) to check the portable path gives the same bits). */
static int mg_fma_use_hw = 0;

static inline int mg_fma_hw_supported(void)
{
#if MG_FMA_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("fma") ? 1 : 0;
#else
    return 0;
#endif
}

static inline void mg_fma_init(void) { mg_fma_use_hw = mg_fma_hw_supported(); }

static inline int mg_fma_set_hw(int on)
{
    if (on && !mg_fma_hw_supported()) return -1;
    mg_fma_use_hw = on ? 1 : 0;
    return 0;
}

static inline void mg_fma_f64(const double *a, int64_t sa, const double *b, int64_t sb,
                              const double *c, double *out, int64_t start, int64_t end)
{
#if MG_FMA_X86
    if (mg_fma_use_hw) { mg_fma_f64_hw(a, sa, b, sb, c, out, start, end); return; }
#endif
    mg_fma_f64_portable(a, sa, b, sb, c, out, start, end);
}

static inline void mg_fma_f32(const float *a, int64_t sa, const float *b, int64_t sb,
                              const float *c, float *out, int64_t start, int64_t end)
{
#if MG_FMA_X86
    if (mg_fma_use_hw) { mg_fma_f32_hw(a, sa, b, sb, c, out, start, end); return; }
#endif
    mg_fma_f32_portable(a, sa, b, sb, c, out, start, end);
}

#endif /* MINIGRAD_FMA_H */
