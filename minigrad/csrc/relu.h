/*
 * relu.h -- ReLU forward and backward (minigrad._ops.relu_forward / relu_backward), matching
 * torch bit for bit:
 *   forward  y = x < 0 ? +0 : x      (NaN and -0.0 pass through unchanged)
 *   backward dx = r <= 0 ? +0 : g    (r = result; NaN r passes g through)
 *
 * Why a header of its own: ReLU is an elementwise kernel with no random numbers; it shares only
 * the CPU dispatch (cpu_dispatch.h: it runs the variant of the random/dropout family, so one
 * switch selects both).
 *
 * Pure selects, so any vectorization gives the same bits.  The loops are written plainly for the
 * auto-vectorizer (the backward pass reads g[i] before the test: a load inside the select would
 * be conditional, which the compiler may not vectorise without masked loads, and the baseline
 * has none -- the branchy loop it made instead was 20x slower) and compiled three times: for the baseline (SSE2, 4 floats per instruction)
 * and, via the target attribute, for AVX2 (8) and AVX-512 (16, with the compare going into a
 * mask register and a zero-masking move doing the select).  The width matters while the data sits
 * in cache, which is where a training step's activations are.
 *
 * All kernels take full-array base pointers and an element range [start, end).
 */
#ifndef MINIGRAD_RELU_H
#define MINIGRAD_RELU_H

#include <stdint.h>

#include "cpu_dispatch.h"

#define MG__DEFINE_RELU(SUFFIX, ATTR)                                            \
ATTR static void mg__relu_fwd_f32_##SUFFIX(const float *__restrict x,            \
        float *__restrict y, int64_t n)                                          \
{ for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i]; }           \
ATTR static void mg__relu_fwd_f64_##SUFFIX(const double *__restrict x,           \
        double *__restrict y, int64_t n)                                         \
{ for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0.0 ? 0.0 : x[i]; }             \
ATTR static void mg__relu_fwd_ip_f32_##SUFFIX(float *x, int64_t n)              \
{ for (int64_t i = 0; i < n; i++) x[i] = x[i] < 0.0f ? 0.0f : x[i]; }           \
ATTR static void mg__relu_fwd_ip_f64_##SUFFIX(double *x, int64_t n)             \
{ for (int64_t i = 0; i < n; i++) x[i] = x[i] < 0.0 ? 0.0 : x[i]; }             \
ATTR static void mg__relu_bwd_f32_##SUFFIX(const float *g, const float *r,      \
        float *dx, int64_t n)                                                    \
{ for (int64_t i = 0; i < n; i++) { float gi = g[i]; dx[i] = r[i] <= 0.0f ? 0.0f : gi; } } \
ATTR static void mg__relu_bwd_f64_##SUFFIX(const double *g, const double *r,    \
        double *dx, int64_t n)                                                   \
{ for (int64_t i = 0; i < n; i++) { double gi = g[i]; dx[i] = r[i] <= 0.0 ? 0.0 : gi; } }

MG__DEFINE_RELU(generic, )
#if MG_CPU_X86
MG__DEFINE_RELU(avx2, MG_SIMD_AVX2)
MG__DEFINE_RELU(avx512, MG_SIMD_AVX512)
#define MG__RELU_CALL(name, ...) do {                                            \
        if (mg_rng_variant == MG_V_AVX512) name##_avx512(__VA_ARGS__);           \
        else if (mg_rng_variant == MG_V_AVX2) name##_avx2(__VA_ARGS__);          \
        else name##_generic(__VA_ARGS__);                                        \
    } while (0)
#else
#define MG__RELU_CALL(name, ...) name##_generic(__VA_ARGS__)
#endif

/* y may equal x (in place); otherwise they must not overlap. */
MG_FN void mg_relu_fwd_f32(const float *x, float *y, int64_t start, int64_t end)
{
    if (x == y) MG__RELU_CALL(mg__relu_fwd_ip_f32, y + start, end - start);
    else MG__RELU_CALL(mg__relu_fwd_f32, x + start, y + start, end - start);
}

MG_FN void mg_relu_fwd_f64(const double *x, double *y, int64_t start, int64_t end)
{
    if (x == y) MG__RELU_CALL(mg__relu_fwd_ip_f64, y + start, end - start);
    else MG__RELU_CALL(mg__relu_fwd_f64, x + start, y + start, end - start);
}

/* dx may equal g or r. */
MG_FN void mg_relu_bwd_f32(const float *g, const float *r, float *dx,
                           int64_t start, int64_t end)
{
    MG__RELU_CALL(mg__relu_bwd_f32, g + start, r + start, dx + start, end - start);
}

MG_FN void mg_relu_bwd_f64(const double *g, const double *r, double *dx,
                           int64_t start, int64_t end)
{
    MG__RELU_CALL(mg__relu_bwd_f64, g + start, r + start, dx + start, end - start);
}

#endif /* MINIGRAD_RELU_H */
