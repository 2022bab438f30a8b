/*
 * cpu_dispatch.h -- which SIMD code a kernel may run on this CPU, decided at run time.
 *
 * Why a header of its own: every kernel family (random numbers, dropout, ReLU, the fused
 * multiply-add, the peak-FLOP loop) asks the same two questions -- may I run AVX2 code? AVX-512
 * code? -- and must get the same answers, so that MINIGRAD_KERNELS=avx2 (read by _ops.pyx at
 * import) means one thing for all of them.
 *
 * The build stays portable: no -march=native.  Code for a wider instruction set lives in
 * functions marked MG_SIMD_AVX2 / MG_SIMD_AVX512, which the compiler may fill with those
 * instructions although the rest of the module targets any x86-64; a dispatcher calls them only
 * after mg_cpu_supports() said the CPU (and the operating system, which must save the wider
 * registers) can run them.
 *
 * Variants, in the order of the instruction sets they use:
 *   MG_V_SCALAR   the plainest reference code (random numbers only: one Philox block at a time)
 *   MG_V_GENERIC  portable C; the compiler's baseline (SSE2 on x86-64)
 *   MG_V_AVX2     AVX2 + FMA   (Intel Haswell, 2013; AMD Zen)
 *   MG_V_AVX512   AVX-512 F, BW, DQ and VL: the AVX-512 part of the x86-64-v4 level (Intel
 *                 Skylake-SP and later server cores, AMD Zen 4)
 * Every variant of a kernel gives the same bits: SIMD code uses only operations that are exact
 * or rounded once the same way at any width (compares, selects, integer arithmetic, one multiply,
 * a fused multiply-add), never a separate multiply and add that the compiler could fuse
 * differently in each copy.
 */
#ifndef MINIGRAD_CPU_DISPATCH_H
#define MINIGRAD_CPU_DISPATCH_H

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MG_CPU_X86 1
#include <immintrin.h>
#else
#define MG_CPU_X86 0
#endif

/* Public entry points: static (header-only), and not warned about when a translation unit uses
 * only some of them. */
#define MG_FN static __attribute__((unused))

enum { MG_V_SCALAR = 0, MG_V_GENERIC = 1, MG_V_AVX2 = 2, MG_V_AVX512 = 3, MG_V_COUNT = 4 };

#if MG_CPU_X86
/* The instruction sets each SIMD variant is compiled for (AVX-512 code may use AVX2 and FMA
 * instructions too: every AVX-512 CPU has them). */
#define MG_SIMD_AVX2 __attribute__((target("avx2,fma")))
#define MG_SIMD_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define MG_SIMD_INLINE_AVX2 static inline __attribute__((target("avx2,fma"), always_inline))
#define MG_SIMD_INLINE_AVX512 \
    static inline __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"), always_inline))
#endif

static inline const char *mg_variant_name(int v)
{
    switch (v) {
    case MG_V_SCALAR: return "scalar";
    case MG_V_GENERIC: return "generic";
    case MG_V_AVX2: return "avx2";
    case MG_V_AVX512: return "avx512";
    default: return "?";
    }
}

/* 1 if this CPU and OS can run variant v.  (__builtin_cpu_supports also checks that the OS saves
 * the AVX / AVX-512 registers, through XGETBV.) */
static inline int mg_cpu_supports(int v)
{
    switch (v) {
    case MG_V_SCALAR:
    case MG_V_GENERIC:
        return 1;
#if MG_CPU_X86
    case MG_V_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case MG_V_AVX512:
        __builtin_cpu_init();
        return mg_cpu_supports(MG_V_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512vl");
#endif
    default:
        return 0;
    }
}

/* The best variant this CPU supports. */
static inline int mg_cpu_best_variant(void)
{
    int v = MG_V_AVX512;
    while (v > MG_V_GENERIC && !mg_cpu_supports(v))
        v--;
    return v;
}

/* ------------------------------------------------------------------------
 * The variant of the random-number, dropout and ReLU kernels (philox.h, random_fills.h,
 * dropout.h, relu.h): one family, switched together (minigrad._ops.set_rng_variant).
 * The one mutable global they share: written at import and by tests while no kernel runs, read
 * by the kernels; an int read is atomic enough for that. */
static int mg_rng_variant = MG_V_GENERIC;

/* Select variant v.  Returns 0, or -1 if v cannot run here. */
static inline int mg_rng_set_variant(int v)
{
    if (v < 0 || v >= MG_V_COUNT || !mg_cpu_supports(v))
        return -1;
    mg_rng_variant = v;
    return 0;
}

static inline int mg_rng_get_variant(void) { return mg_rng_variant; }

#endif /* MINIGRAD_CPU_DISPATCH_H */
