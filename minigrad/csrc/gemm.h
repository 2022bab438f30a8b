/*
 * gemm.h -- BLIS-style matrix multiply for minigrad (header-only, GNU C99).
 *
 *     C[M,N]  (= | +=)  A[M,K] @ B[K,N]  (+ bias[N] on every row)  (then ReLU)
 *
 * float32 and float64.  A and B are addressed through arbitrary element
 * strides (A(i,k) = A[i*rsa + k*csa], B(k,j) = B[k*rsb + j*csb]; any int64,
 * negative or 0 included), so transposed operands and numpy views need no
 * copy.  C is row-major: C(i,j) = C[i*ldc + j].
 *
 * Reading order for a student of the code:
 *   1. constants and blocking parameters ........ section 1
 *   2. run-time CPU dispatch ...................... section 2
 *   3. micro-kernels (AVX2+FMA, generic C) ........ section 3
 *   4. packing of A and B panels .................. section 4
 *   5. the plan: K/N blocking, tasks, edge tiles .. section 5
 *   6. one-call serial entry points ............... section 6
 *
 * The algorithm is the classic Goto/BLIS five-loop nest:
 *
 *   for jc in N by NC:                     (B block lives in L3)
 *     for pc in K by KC:                   -- one "step" of the plan
 *       pack B[pc:pc+kc, jc:jc+nc] into NR-wide panels     (shared, parallel;
 *                                           overlapped with the previous step)
 *       for each task (a rectangle of C, fixed before the loop):
 *         for ic in task rows by MC:       (A block lives in L2)
 *           pack A[ic:ic+mc, pc:pc+kc] into MR-high panels (private)
 *           for jr in task cols by NR:     (B micro-panel lives in L1)
 *             for ir in mc by MR:
 *               micro-kernel: MR x NR tile of C += A panel @ B panel
 *
 * Determinism.  Every element C(i,j) is computed as
 *     acc_b = fma-chain over k in K block b (fixed order, k ascending)
 *     C = acc_0 [or C_old + acc_0];  C = C + acc_1; ...;  C = C + bias; relu
 * The K blocks depend only on the problem shape (never on the thread
 * count or the task shapes), each tile is computed by the same micro-kernel whether it is a
 * full tile or an edge tile (edge tiles run on zero-padded panels into a
 * small temporary), and threads only ever split C into disjoint
 * rectangles.  So the bits of C do not depend on how many threads ran.
 *
 * Threading is done by the caller (Cython prange / OpenMP) over the task
 * lists exposed by the plan; this header never starts threads itself and
 * has no mutable global state other than the dispatch choice (an atomic
 * int).  All buffers are per call (one malloc per plan).
 */
#ifndef MG_GEMM_H
#define MG_GEMM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define MG_HAVE_AVX2_KERNELS 1
#include <immintrin.h>
#else
#define MG_HAVE_AVX2_KERNELS 0
#endif

/* Every function is static (header-only); `unused` keeps -Wall quiet about
 * the entry points a given includer does not call. */
#define MG_API static __attribute__((unused))

/* ======================================================================
 * 1. Constants and blocking parameters
 * ====================================================================== */

enum { MG_F32 = 0, MG_F64 = 1 };                        /* dtype codes   */
enum { MG_ACCUMULATE = 1, MG_RELU = 2 };                 /* user flags    */
enum { MG_OK = 0, MG_ENOMEM = -1, MG_EINVAL = -2, MG_EUNSUPPORTED = -3 };
enum { MG_VARIANT_AUTO = 0, MG_VARIANT_GENERIC = 1, MG_VARIANT_AVX2_FMA = 2,
       MG_N_VARIANTS = 3 };

/*
 * Register tile.  AVX2 has 16 ymm registers.  A 6 x 16 float32 tile is 12
 * ymm accumulators (6 rows x 2 vectors of 8), plus 2 registers for the B row
 * and 1 for the broadcast A element: 15 of 16.  Per k step it issues 12 FMAs
 * against 8 loads (2 B vectors + 6 broadcasts), and Zen 3 can do 2 FMAs but
 * 3 loads per cycle, so the FMA pipes stay the bottleneck -- which is what
 * we want.  12 independent accumulators also cover the FMA latency (4
 * cycles x 2 pipes = 8 in flight needed).  float64 uses the same shape with
 * 4-wide vectors: 6 x 8.  The generic C kernel uses the same MR x NR so that
 * packing and blocking are shared by all variants.
 */
#define MG_MR      6
#define MG_NR_F32 16
#define MG_NR_F64  8

/*
 * Cache blocking (Zen 3: 32 KB L1d, 512 KB L2 per core, 32 MB L3 shared).
 * Override at compile time (-DMG_KC_F32=...) for tuning experiments.
 *
 * KC: a B micro-panel (KC x NR) should stay in L1 while the ir loop
 *     streams A micro-panels past it, and every K block costs one extra
 *     load + store of each C tile, so KC is as large as L1 allows:
 *     float32 384 x 16 x 4 B = 24 KB of the 32 KB L1d, plus a 9 KB A
 *     micro-panel streaming through.  Measured 1-3% faster than the
 *     textbook 256 (16 KB) on 1024^3 and on the MLP shapes, no change at
 *     256..512.  float64 keeps 256 x 8 x 8 B = 16 KB.
 *     K is split into ceil(K/KC) equal blocks (K=1000 -> 3 x 334, not
 *     384+384+232) so no step runs a short, inefficient K block.
 *     Small M (<= MG_SMALL_M = 512 rows, e.g. a batch of 128 through a
 *     Linear layer): float32 KC goes up to 800, so K <= 800 is one block.
 *     With few rows the ir loop is short, the B micro-panel (up to 50 KB,
 *     from L2) is reused only a few times anyway, and what dominates is the
 *     per-K-block cost (a kernel call and a C load+store per tile, and one
 *     more pass of the B packer): measured 4-6% faster on x(128,784) @
 *     W(512,784)^T and 1-3% on 512 x 512 x 784, but 3-7% slower on 1024^3,
 *     hence the M limit.  The blocking is a function of (M, K, dtype) only,
 *     never of the thread count.
 * MC: the packed A block (MC x KC) stays in L2 (512 KB/core): float32
 *     96 x 384 x 4 B = 144 KB, float64 72 x 256 x 8 B = 144 KB -- under a
 *     third of L2, so the B panels streaming through it and the C tiles
 *     do not evict it.
 * NC: the packed B block (KC x NC) lives in L3 and is shared by all
 *     threads: 384 x 4080 x 4 B = 6 MB (x2, double-buffered), inside the
 *     32 MB L3.  Only matrices wider than NC pay a second pass over A.
 * (All measured on a 2-core Zen 3; benchmarks/run.py times the square cases.)
 */
#ifndef MG_KC_F32
#define MG_KC_F32 384
#endif
#ifndef MG_MC_F32
#define MG_MC_F32 96
#endif
#ifndef MG_KC_SMALL_M_F32
#define MG_KC_SMALL_M_F32 800
#endif
#ifndef MG_SMALL_M
#define MG_SMALL_M 512
#endif
#ifndef MG_NC_F32
#define MG_NC_F32 4080
#endif
#ifndef MG_KC_F64
#define MG_KC_F64 256
#endif
#ifndef MG_MC_F64
#define MG_MC_F64 72
#endif
#ifndef MG_KC_SMALL_M_F64
#define MG_KC_SMALL_M_F64 256
#endif
#ifndef MG_NC_F64
#define MG_NC_F64 4080
#endif

#define MG_ALIGN 64          /* packed buffers: cache-line aligned        */

/* Blocks must hold whole register tiles, and the B panel stride must keep
 * the 64-byte alignment the kernels' aligned loads rely on. */
typedef char mg_check_mc_f32[(MG_MC_F32 % MG_MR == 0) ? 1 : -1];
typedef char mg_check_mc_f64[(MG_MC_F64 % MG_MR == 0) ? 1 : -1];
typedef char mg_check_nc_f32[(MG_NC_F32 % MG_NR_F32 == 0) ? 1 : -1];
typedef char mg_check_nc_f64[(MG_NC_F64 % MG_NR_F64 == 0) ? 1 : -1];

/* Micro-kernel contract (all variants, both dtypes):
 *   tile = sum_{k<kc} a[k*MR + i] * b[k*NR + j]   (i < MR, j < NR)
 *   x    = (flags & MG_ACCUMULATE) ? c[i*ldc+j] + tile : tile
 *   x    = bias ? x + bias[j] : x
 *   x    = (flags & MG_RELU) ? (x < 0 ? 0 : x) : x      (NaN stays NaN)
 *   c[i*ldc + j] = x
 * a: packed A micro-panel (kc x MR), b: packed B micro-panel (kc x NR,
 * 64-byte aligned), bias: NR entries (zero-padded) or NULL. */
typedef void (*mg_ukr_fn)(int64_t kc, const void *a, const void *b,
                          void *c, int64_t ldc, const void *bias, int flags);

/* ======================================================================
 * 2. Run-time dispatch
 *
 * The build uses plain -O3 (no -march), so the AVX2 kernels are compiled
 * with __attribute__((target("avx2,fma"))) and only called after
 * __builtin_cpu_supports says the CPU (and OS, libgcc checks XCR0) can run
 * them.  The choice is one int read with an atomic load; it is written by
 * mg_gemm_init() (call once at module import) and by the test override
 * mg_gemm_set_variant().  A plan reads it once, so a concurrent override
 * never mixes kernels inside one product.
 * ====================================================================== */

static int mg_variant_choice_ = MG_VARIANT_AUTO;     /* AUTO = not resolved */

MG_API int mg_gemm_variant_supported(int v)
{
    if (v == MG_VARIANT_GENERIC)
        return 1;
#if MG_HAVE_AVX2_KERNELS
    if (v == MG_VARIANT_AVX2_FMA) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
#endif
    return 0;
}

MG_API int mg_gemm_best_variant(void)
{
    return mg_gemm_variant_supported(MG_VARIANT_AVX2_FMA)
               ? MG_VARIANT_AVX2_FMA : MG_VARIANT_GENERIC;
}

/* Resolve the automatic choice.  Idempotent; racing callers all store the
 * same value, and the store is atomic, so calling it from several threads
 * is harmless (but the intent is: once, at import). */
MG_API void mg_gemm_init(void)
{
    if (__atomic_load_n(&mg_variant_choice_, __ATOMIC_ACQUIRE) == MG_VARIANT_AUTO)
        __atomic_store_n(&mg_variant_choice_, mg_gemm_best_variant(),
                         __ATOMIC_RELEASE);
}

/* Force a variant (tests).  MG_VARIANT_AUTO restores the best one.
 * Returns MG_EUNSUPPORTED (and changes nothing) if this CPU cannot run it. */
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
    case MG_VARIANT_AUTO:     return "auto";
    default:                  return "unknown";
    }
}

/* ======================================================================
 * 3. Micro-kernels
 *
 * Each computes one MR x NR tile over kc steps with the contract above.
 * They are noinline and reached through one call site, so every tile --
 * full or edge -- runs exactly the same machine code.
 * ====================================================================== */

/* ---- 3a. Generic C (any CPU).  Written once as a macro for float and
 * double; the arithmetic is the contract, literally.  The tile is done in
 * column chunks of W (8 floats / 4 doubles) so that the 6 x W accumulators
 * fit in the 16 SSE registers the compiler has without -march; a whole
 * 6 x 16 float tile (24 registers) spilled to memory every k and ran at
 * 4 GFLOP/s.  Chunking does not change any element's arithmetic (each
 * still sums its k products in ascending order). */
#define MG_DEFINE_GENERIC_UKR(NAME, T, NR, W)                                 \
__attribute__((noinline))                                                     \
static void NAME(int64_t kc, const void *a_, const void *b_, void *c_,        \
                 int64_t ldc, const void *bias_, int flags)                   \
{                                                                             \
    const T *bias = (const T *)bias_;                                         \
    T *c = (T *)c_;                                                           \
    for (int j0 = 0; j0 < NR; j0 += W) {                                      \
        const T *a = (const T *)a_, *b = (const T *)b_ + j0;                  \
        T acc[MG_MR][W];                                                      \
        for (int i = 0; i < MG_MR; i++)                                       \
            for (int j = 0; j < W; j++)                                       \
                acc[i][j] = 0;                                                \
        for (int64_t k = 0; k < kc; k++, a += MG_MR, b += NR)                 \
            for (int i = 0; i < MG_MR; i++) {                                 \
                const T ai = a[i];                                            \
                for (int j = 0; j < W; j++)                                   \
                    acc[i][j] += ai * b[j];                                   \
            }                                                                 \
        for (int i = 0; i < MG_MR; i++)                                       \
            for (int j = 0; j < W; j++) {                                     \
                T x = acc[i][j];                                              \
                T *cij = c + i * ldc + j0 + j;                                \
                if (flags & MG_ACCUMULATE) x = *cij + x;                      \
                if (bias) x = x + bias[j0 + j];                               \
                if ((flags & MG_RELU) && x < 0) x = 0;                        \
                *cij = x;                                                     \
            }                                                                 \
    }                                                                         \
}

MG_DEFINE_GENERIC_UKR(mg_ukr_f32_generic, float, MG_NR_F32, 8)
MG_DEFINE_GENERIC_UKR(mg_ukr_f64_generic, double, MG_NR_F64, 4)

#if MG_HAVE_AVX2_KERNELS
/* ---- 3b. AVX2 + FMA, float32, 6 x 16.
 * Per k: load one 16-wide row of the B panel (2 ymm), then for each of the
 * 6 rows broadcast a(i,k) and FMA into that row's 2 accumulators.  The
 * loop is deliberately not unrolled: with a 4x unroll GCC 12 schedules the
 * loads early, runs out of the 16 registers and spills accumulators to the
 * stack inside the loop (measured 4-5% slower).  Rolled, the loop is 12
 * FMAs + 8 loads + 3 loop ops, well within Zen 3's 6-wide dispatch for the
 * 6 cycles the FMAs take, and runs at ~97% of the FMA peak.
 * ReLU is max(0, x): maxps returns its second operand when either is NaN,
 * so NaN propagates (like np.maximum(x, 0)). */
#define MG_S_STEP(A, B)                                                       \
    do {                                                                      \
        const __m256 b0 = _mm256_load_ps((B));                                \
        const __m256 b1 = _mm256_load_ps((B) + 8);                            \
        __m256 ai;                                                            \
        ai = _mm256_broadcast_ss((A) + 0);                                    \
        c00 = _mm256_fmadd_ps(ai, b0, c00); c01 = _mm256_fmadd_ps(ai, b1, c01);\
        ai = _mm256_broadcast_ss((A) + 1);                                    \
        c10 = _mm256_fmadd_ps(ai, b0, c10); c11 = _mm256_fmadd_ps(ai, b1, c11);\
        ai = _mm256_broadcast_ss((A) + 2);                                    \
        c20 = _mm256_fmadd_ps(ai, b0, c20); c21 = _mm256_fmadd_ps(ai, b1, c21);\
        ai = _mm256_broadcast_ss((A) + 3);                                    \
        c30 = _mm256_fmadd_ps(ai, b0, c30); c31 = _mm256_fmadd_ps(ai, b1, c31);\
        ai = _mm256_broadcast_ss((A) + 4);                                    \
        c40 = _mm256_fmadd_ps(ai, b0, c40); c41 = _mm256_fmadd_ps(ai, b1, c41);\
        ai = _mm256_broadcast_ss((A) + 5);                                    \
        c50 = _mm256_fmadd_ps(ai, b0, c50); c51 = _mm256_fmadd_ps(ai, b1, c51);\
    } while (0)

#define MG_S_STORE_ROW(R, X0, X1)                                             \
    do {                                                                      \
        float *cr = c + (R) * ldc;                                            \
        __m256 x0 = (X0), x1 = (X1);                                          \
        if (flags & MG_ACCUMULATE) {                                          \
            x0 = _mm256_add_ps(_mm256_loadu_ps(cr), x0);                      \
            x1 = _mm256_add_ps(_mm256_loadu_ps(cr + 8), x1);                  \
        }                                                                     \
        if (bias) { x0 = _mm256_add_ps(x0, bv0); x1 = _mm256_add_ps(x1, bv1); }\
        if (flags & MG_RELU) {                                                \
            x0 = _mm256_max_ps(zero, x0); x1 = _mm256_max_ps(zero, x1);       \
        }                                                                     \
        _mm256_storeu_ps(cr, x0);                                             \
        _mm256_storeu_ps(cr + 8, x1);                                         \
    } while (0)

__attribute__((target("avx2,fma"), noinline))
static void mg_ukr_f32_avx2(int64_t kc, const void *a_, const void *b_,
                            void *c_, int64_t ldc, const void *bias_, int flags)
{
    const float *a = (const float *)a_, *b = (const float *)b_;
    const float *bias = (const float *)bias_;
    float *c = (float *)c_;
    const __m256 zero = _mm256_setzero_ps();
    __m256 c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero,
           c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero,
           c50 = zero, c51 = zero;

    /* Ask for the C tile now so its lines arrive while we compute. */
    for (int i = 0; i < MG_MR; i++)
        __builtin_prefetch(c + i * ldc, 1, 3), __builtin_prefetch(c + i * ldc + 15, 1, 3);

    for (int64_t k = 0; k < kc; k++, a += MG_MR, b += MG_NR_F32)
        MG_S_STEP(a, b);

    __m256 bv0 = zero, bv1 = zero;
    if (bias) { bv0 = _mm256_loadu_ps(bias); bv1 = _mm256_loadu_ps(bias + 8); }
    MG_S_STORE_ROW(0, c00, c01);
    MG_S_STORE_ROW(1, c10, c11);
    MG_S_STORE_ROW(2, c20, c21);
    MG_S_STORE_ROW(3, c30, c31);
    MG_S_STORE_ROW(4, c40, c41);
    MG_S_STORE_ROW(5, c50, c51);
}
#undef MG_S_STEP
#undef MG_S_STORE_ROW

/* ---- 3c. AVX2 + FMA, float64, 6 x 8: the same scheme with 4-wide
 * vectors (12 accumulators = 6 rows x 2 vectors of 4 doubles). */
#define MG_D_STEP(A, B)                                                       \
    do {                                                                      \
        const __m256d b0 = _mm256_load_pd((B));                               \
        const __m256d b1 = _mm256_load_pd((B) + 4);                           \
        __m256d ai;                                                           \
        ai = _mm256_broadcast_sd((A) + 0);                                    \
        c00 = _mm256_fmadd_pd(ai, b0, c00); c01 = _mm256_fmadd_pd(ai, b1, c01);\
        ai = _mm256_broadcast_sd((A) + 1);                                    \
        c10 = _mm256_fmadd_pd(ai, b0, c10); c11 = _mm256_fmadd_pd(ai, b1, c11);\
        ai = _mm256_broadcast_sd((A) + 2);                                    \
        c20 = _mm256_fmadd_pd(ai, b0, c20); c21 = _mm256_fmadd_pd(ai, b1, c21);\
        ai = _mm256_broadcast_sd((A) + 3);                                    \
        c30 = _mm256_fmadd_pd(ai, b0, c30); c31 = _mm256_fmadd_pd(ai, b1, c31);\
        ai = _mm256_broadcast_sd((A) + 4);                                    \
        c40 = _mm256_fmadd_pd(ai, b0, c40); c41 = _mm256_fmadd_pd(ai, b1, c41);\
        ai = _mm256_broadcast_sd((A) + 5);                                    \
        c50 = _mm256_fmadd_pd(ai, b0, c50); c51 = _mm256_fmadd_pd(ai, b1, c51);\
    } while (0)

#define MG_D_STORE_ROW(R, X0, X1)                                             \
    do {                                                                      \
        double *cr = c + (R) * ldc;                                           \
        __m256d x0 = (X0), x1 = (X1);                                         \
        if (flags & MG_ACCUMULATE) {                                          \
            x0 = _mm256_add_pd(_mm256_loadu_pd(cr), x0);                      \
            x1 = _mm256_add_pd(_mm256_loadu_pd(cr + 4), x1);                  \
        }                                                                     \
        if (bias) { x0 = _mm256_add_pd(x0, bv0); x1 = _mm256_add_pd(x1, bv1); }\
        if (flags & MG_RELU) {                                                \
            x0 = _mm256_max_pd(zero, x0); x1 = _mm256_max_pd(zero, x1);       \
        }                                                                     \
        _mm256_storeu_pd(cr, x0);                                             \
        _mm256_storeu_pd(cr + 4, x1);                                         \
    } while (0)

__attribute__((target("avx2,fma"), noinline))
static void mg_ukr_f64_avx2(int64_t kc, const void *a_, const void *b_,
                            void *c_, int64_t ldc, const void *bias_, int flags)
{
    const double *a = (const double *)a_, *b = (const double *)b_;
    const double *bias = (const double *)bias_;
    double *c = (double *)c_;
    const __m256d zero = _mm256_setzero_pd();
    __m256d c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero,
            c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero,
            c50 = zero, c51 = zero;

    for (int i = 0; i < MG_MR; i++)
        __builtin_prefetch(c + i * ldc, 1, 3), __builtin_prefetch(c + i * ldc + 7, 1, 3);

    for (int64_t k = 0; k < kc; k++, a += MG_MR, b += MG_NR_F64)
        MG_D_STEP(a, b);

    __m256d bv0 = zero, bv1 = zero;
    if (bias) { bv0 = _mm256_loadu_pd(bias); bv1 = _mm256_loadu_pd(bias + 4); }
    MG_D_STORE_ROW(0, c00, c01);
    MG_D_STORE_ROW(1, c10, c11);
    MG_D_STORE_ROW(2, c20, c21);
    MG_D_STORE_ROW(3, c30, c31);
    MG_D_STORE_ROW(4, c40, c41);
    MG_D_STORE_ROW(5, c50, c51);
}
#undef MG_D_STEP
#undef MG_D_STORE_ROW
#endif /* MG_HAVE_AVX2_KERNELS */

/* ======================================================================
 * 4. Packing
 *
 * A block (mc x kc) -> ceil(mc/MR) micro-panels, each kc x MR:
 *     panel[k*MR + i] = A(i0 + i, k0 + k), rows past mc are 0.
 * B block (kc x nc) -> ceil(nc/NR) micro-panels, each kc x NR:
 *     panel[k*NR + j] = B(k0 + k, j0 + j), columns past nc are 0.
 * So the micro-kernel reads both operands as contiguous streams whatever
 * the source layout, and edge tiles see zeros instead of out-of-bounds
 * memory (the zero rows/columns only produce tile entries that are never
 * copied to C).
 *
 * Packing only moves bits, so one body serves both dtypes: elements are
 * moved with memcpy of ES bytes, and the body is always_inline'd into two
 * thin wrappers with ES/MR/NR constant, which turns every memcpy into a
 * single load/store and lets the compiler unroll the fixed-size loops.
 * ====================================================================== */

#define MG_INLINE static inline __attribute__((always_inline))

MG_INLINE void mg_pack_a_impl(const char *a, int64_t rsa, int64_t csa,
                              int64_t mc, int64_t kc, char *dst,
                              const int ES, const int MR)
{
    int64_t i0 = 0;
    if (rsa == 1) {
        /* Column-major A (e.g. dy^T in the weight gradient dy^T @ x): the
         * MR values of one panel row are adjacent in memory.  Walk k in the
         * outer loop so the source is read sequentially (one contiguous
         * run of mc values per k) and each whole panel gets MR values;
         * panel-by-panel it would read MR values from each of kc rows far
         * apart, which measured 1.6x slower (cache-set conflicts). */
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
            /* Row-major A: MR rows, each contiguous in k.  Walk k and take
             * one element from each row (MR sequential streams). */
            for (int64_t k = 0; k < kc; k++)
                for (int i = 0; i < MR; i++)
                    memcpy(dst + (k * MR + i) * ES, src + (i * rsa + k) * ES, ES);
        } else {
            /* Any strides, and the zero-padded last panel. */
            for (int64_t k = 0; k < kc; k++) {
                int i = 0;
                for (; i < mr; i++)
                    memcpy(dst + (k * MR + i) * ES,
                           src + (i * rsa + k * csa) * ES, ES);
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
            /* Column-major B (B = W^T of a row-major W, the Linear forward
             * case): NR columns, each contiguous in k.  Read each column
             * sequentially and scatter it with stride NR into the panel,
             * which is small enough (kc x NR <= 16 KB) to stay in L1. */
            for (int j = 0; j < NR; j++) {
                const char *col = src + j * csb * ES;
                for (int64_t k = 0; k < kc; k++)
                    memcpy(dst + (k * NR + j) * ES, col + k * ES, ES);
            }
        } else {
            for (int64_t k = 0; k < kc; k++) {
                int j = 0;
                for (; j < nr; j++)
                    memcpy(dst + (k * NR + j) * ES,
                           src + (k * rsb + j * csb) * ES, ES);
                for (; j < NR; j++)
                    memset(dst + (k * NR + j) * ES, 0, ES);
            }
        }
    }
}

typedef void (*mg_pack_fn)(const char *src, int64_t rs, int64_t cs,
                           int64_t m, int64_t n, char *dst);

static void mg_pack_a_f32(const char *a, int64_t rsa, int64_t csa,
                          int64_t mc, int64_t kc, char *dst)
{ mg_pack_a_impl(a, rsa, csa, mc, kc, dst, 4, MG_MR); }
static void mg_pack_a_f64(const char *a, int64_t rsa, int64_t csa,
                          int64_t mc, int64_t kc, char *dst)
{ mg_pack_a_impl(a, rsa, csa, mc, kc, dst, 8, MG_MR); }
static void mg_pack_b_f32(const char *b, int64_t rsb, int64_t csb,
                          int64_t kc, int64_t nc, char *dst)
{ mg_pack_b_impl(b, rsb, csb, kc, nc, dst, 4, MG_NR_F32); }
static void mg_pack_b_f64(const char *b, int64_t rsb, int64_t csb,
                          int64_t kc, int64_t nc, char *dst)
{ mg_pack_b_impl(b, rsb, csb, kc, nc, dst, 8, MG_NR_F64); }

#if MG_HAVE_AVX2_KERNELS
/* ---- 4b. AVX2 packing of a column-major B (rsb == 1): B = W^T of a
 * row-major W, i.e. the Linear-layer forward x @ W^T.  The scalar path
 * moves one element at a time (~1.2 cycles each, and B packing is up to
 * 20% of such a product); here an 8 x 8 block (8 columns of B, each 8
 * contiguous k values) is loaded as 8 vectors, transposed in registers
 * (unpack / shuffle / 128-bit lane permute) and stored as 8 panel rows.
 * Bits are only moved, so this cannot change any result.  Other layouts,
 * the k tail and the zero-padded last panel use the portable packer. */
__attribute__((target("avx2")))
static void mg_pack_b_f32_avx2(const char *b_, int64_t rsb, int64_t csb,
                               int64_t kc, int64_t nc, char *dst_)
{
    if (rsb != 1) {
        mg_pack_b_f32(b_, rsb, csb, kc, nc, dst_);
        return;
    }
    const float *b = (const float *)b_;
    float *dst = (float *)dst_;
    int64_t j0 = 0;
    for (; j0 + MG_NR_F32 <= nc; j0 += MG_NR_F32, dst += kc * MG_NR_F32) {
        int64_t k = 0;
        for (; k + 8 <= kc; k += 8) {
            for (int h = 0; h < MG_NR_F32; h += 8) {
                const float *s = b + (j0 + h) * csb + k;     /* column j0+h */
                const __m256 r0 = _mm256_loadu_ps(s),           r1 = _mm256_loadu_ps(s + csb);
                const __m256 r2 = _mm256_loadu_ps(s + 2 * csb), r3 = _mm256_loadu_ps(s + 3 * csb);
                const __m256 r4 = _mm256_loadu_ps(s + 4 * csb), r5 = _mm256_loadu_ps(s + 5 * csb);
                const __m256 r6 = _mm256_loadu_ps(s + 6 * csb), r7 = _mm256_loadu_ps(s + 7 * csb);
                /* t: pairs of columns interleaved; u: 4 columns per k in
                 * each 128-bit lane (k+q low lane, k+4+q high lane). */
                const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
                const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
                const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
                const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
                const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
                const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
                const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
                const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
                float *d = dst + k * MG_NR_F32 + h;
                _mm256_store_ps(d + 0 * MG_NR_F32, _mm256_permute2f128_ps(u0, u4, 0x20));
                _mm256_store_ps(d + 1 * MG_NR_F32, _mm256_permute2f128_ps(u1, u5, 0x20));
                _mm256_store_ps(d + 2 * MG_NR_F32, _mm256_permute2f128_ps(u2, u6, 0x20));
                _mm256_store_ps(d + 3 * MG_NR_F32, _mm256_permute2f128_ps(u3, u7, 0x20));
                _mm256_store_ps(d + 4 * MG_NR_F32, _mm256_permute2f128_ps(u0, u4, 0x31));
                _mm256_store_ps(d + 5 * MG_NR_F32, _mm256_permute2f128_ps(u1, u5, 0x31));
                _mm256_store_ps(d + 6 * MG_NR_F32, _mm256_permute2f128_ps(u2, u6, 0x31));
                _mm256_store_ps(d + 7 * MG_NR_F32, _mm256_permute2f128_ps(u3, u7, 0x31));
            }
        }
        if (k < kc)      /* k tail: the portable packer on the remaining rows */
            mg_pack_b_f32((const char *)(b + j0 * csb + k), rsb, csb, kc - k,
                          MG_NR_F32, (char *)(dst + k * MG_NR_F32));
    }
    if (j0 < nc)
        mg_pack_b_f32((const char *)(b + j0 * csb), rsb, csb, kc, nc - j0, (char *)dst);
}

/* float64: 8-wide panels = two 4 x 4 transposes per 4 k values. */
__attribute__((target("avx2")))
static void mg_pack_b_f64_avx2(const char *b_, int64_t rsb, int64_t csb,
                               int64_t kc, int64_t nc, char *dst_)
{
    if (rsb != 1) {
        mg_pack_b_f64(b_, rsb, csb, kc, nc, dst_);
        return;
    }
    const double *b = (const double *)b_;
    double *dst = (double *)dst_;
    int64_t j0 = 0;
    for (; j0 + MG_NR_F64 <= nc; j0 += MG_NR_F64, dst += kc * MG_NR_F64) {
        int64_t k = 0;
        for (; k + 4 <= kc; k += 4) {
            for (int h = 0; h < MG_NR_F64; h += 4) {
                const double *s = b + (j0 + h) * csb + k;
                const __m256d r0 = _mm256_loadu_pd(s),           r1 = _mm256_loadu_pd(s + csb);
                const __m256d r2 = _mm256_loadu_pd(s + 2 * csb), r3 = _mm256_loadu_pd(s + 3 * csb);
                const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
                const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
                double *d = dst + k * MG_NR_F64 + h;
                _mm256_store_pd(d + 0 * MG_NR_F64, _mm256_permute2f128_pd(t0, t2, 0x20));
                _mm256_store_pd(d + 1 * MG_NR_F64, _mm256_permute2f128_pd(t1, t3, 0x20));
                _mm256_store_pd(d + 2 * MG_NR_F64, _mm256_permute2f128_pd(t0, t2, 0x31));
                _mm256_store_pd(d + 3 * MG_NR_F64, _mm256_permute2f128_pd(t1, t3, 0x31));
            }
        }
        if (k < kc)
            mg_pack_b_f64((const char *)(b + j0 * csb + k), rsb, csb, kc - k,
                          MG_NR_F64, (char *)(dst + k * MG_NR_F64));
    }
    if (j0 < nc)
        mg_pack_b_f64((const char *)(b + j0 * csb), rsb, csb, kc, nc - j0, (char *)dst);
}
#endif /* MG_HAVE_AVX2_KERNELS */

/* Everything that depends on the dtype, in one table. */
typedef struct {
    int es, mr, nr;                 /* element size, register tile     */
    int64_t mc, kc, nc;             /* cache blocks (kc is a maximum)  */
    int64_t kc_small_m;             /* kc maximum when M <= MG_SMALL_M */
    mg_pack_fn pack_a;
    mg_pack_fn pack_b[MG_N_VARIANTS];  /* indexed by MG_VARIANT_*      */
    mg_ukr_fn ukr[MG_N_VARIANTS];
} mg_dtype_desc;

static const mg_dtype_desc mg_dtype_descs[2] = {
    { 4, MG_MR, MG_NR_F32, MG_MC_F32, MG_KC_F32, MG_NC_F32, MG_KC_SMALL_M_F32,
      mg_pack_a_f32,
#if MG_HAVE_AVX2_KERNELS
      { NULL, mg_pack_b_f32, mg_pack_b_f32_avx2 },
      { NULL, mg_ukr_f32_generic, mg_ukr_f32_avx2 } },
#else
      { NULL, mg_pack_b_f32, NULL },
      { NULL, mg_ukr_f32_generic, NULL } },
#endif
    { 8, MG_MR, MG_NR_F64, MG_MC_F64, MG_KC_F64, MG_NC_F64, MG_KC_SMALL_M_F64,
      mg_pack_a_f64,
#if MG_HAVE_AVX2_KERNELS
      { NULL, mg_pack_b_f64, mg_pack_b_f64_avx2 },
      { NULL, mg_ukr_f64_generic, mg_ukr_f64_avx2 } },
#else
      { NULL, mg_pack_b_f64, NULL },
      { NULL, mg_ukr_f64_generic, NULL } },
#endif
};

/* ======================================================================
 * 5. The plan
 *
 * A plan holds one product, its blocking, its task decomposition and its
 * workspace (one malloc).  Work is cut into steps s = (N block, K block)
 * and, within a step, into tasks.  The caller runs it as
 *
 *     mg_gemm_plan_init(&p, ..., nthreads)
 *     parallel for t < p.n_pack_tasks:  mg_gemm_pack_task(&p, 0, t)
 *     for s < p.n_steps:
 *         parallel for t < p.n_step_tasks:  mg_gemm_step_task(&p, s, t)
 *     mg_gemm_plan_free(&p)
 *
 * where step task t computes rectangle t of step s and then packs share t
 * of step s+1's B block.  The packed B block is shared by all tasks, so it
 * must be complete before any task reads it: the barrier at the end of
 * each parallel loop provides that.  B is double-buffered (step s uses
 * buffer s % 2) so packing step s+1 can overlap computing step s, and the
 * barrier also guarantees that buffer s % 2 is no longer read when step
 * s+2 packs into it.  One barrier per step instead of two.
 * (mg_gemm_plan_run_serial does the same on the calling thread.)
 *
 * Tasks are a tm x tn grid of rectangles of C whose edges fall on the
 * MR x NR tile grid; they are disjoint, so no two threads write the same
 * element, and the grid shape (which may depend on nthreads) only changes
 * who computes a tile, never how.  Each task owns its A buffer.  The task
 * functions only read the plan, so any number of threads may run them.
 * ====================================================================== */

typedef struct mg_gemm_plan {
    /* read by the Cython driver */
    int64_t n_steps;        /* (#N blocks) x (#K blocks); 0 if nothing to do */
    int64_t n_pack_tasks;   /* B-packing tasks per step                      */
    int64_t n_tasks;        /* compute tasks per step                        */
    int64_t n_step_tasks;   /* max(n_tasks, n_pack_tasks)                    */
    int nthreads;           /* useful threads (<= requested)                 */
    /* problem */
    const mg_dtype_desc *dd;
    mg_ukr_fn ukr;          /* kernel and B packer of the variant, frozen    */
    mg_pack_fn pack_b;      /* at init                                       */
    int64_t M, N, K;
    const char *A; int64_t rsa, csa;
    const char *B; int64_t rsb, csb;
    char *C; int64_t ldc;
    int flags;              /* MG_ACCUMULATE | MG_RELU                       */
    int has_bias;
    /* blocking */
    int64_t kc, n_kb;       /* K block size (balanced) and count             */
    int64_t nc, n_nb;       /* N block size and count                        */
    int64_t tm, tn;         /* task grid                                     */
    /* workspace */
    void *ws;
    char *bpack[2];         /* kc x round_up(nc, NR) each (double buffer)    */
    char *apack;            /* n_tasks buffers of apack_bytes                */
    size_t apack_bytes;
    char *bias_pad;         /* round_up(N, NR), zero-padded                  */
} mg_gemm_plan;

/* Geometry of one step, derived from s alone (the plan is never mutated
 * while tasks run). */
typedef struct {
    int64_t jc, ncur;       /* columns [jc, jc + ncur)                       */
    int64_t pc, kcur;       /* K range [pc, pc + kcur)                       */
    int flags;              /* flags for the micro-kernel                    */
    int bias;               /* add the bias in this step                     */
    char *bpack;            /* this step's packed B buffer                   */
} mg_step;

static inline int64_t mg_cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
static inline size_t mg_round_align(size_t n)
{ return (n + MG_ALIGN - 1) & ~(size_t)(MG_ALIGN - 1); }

/* Part `t` of `n` items split into `parts` near-equal contiguous ranges. */
static inline void mg_split(int64_t n, int64_t parts, int64_t t,
                            int64_t *lo, int64_t *hi)
{
    *lo = n * t / parts;
    *hi = n * (t + 1) / parts;
}

/* Choose the task grid tm x tn = P minimising a simple cost model of the
 * slowest task: its tiles (compute, ~6 kc cycles each for both dtypes:
 * 2*MR*NR flops at 32 resp. 16 flops/cycle) plus the A rows it must pack
 * (~1 kc cycle per row; a task splitting N re-packs its rows).  Ties go
 * to splitting M, which keeps each A block packed exactly once. */
static void mg_choose_grid(int64_t m_tiles, int64_t n_tiles, int64_t P,
                           int mr, int64_t *tm, int64_t *tn)
{
    int64_t best = -1;
    *tm = 1; *tn = 1;
    for (int64_t a = P; a >= 1; a--) {
        if (P % a) continue;
        const int64_t b = P / a;
        const int64_t mt = mg_cdiv(m_tiles, a), nt = mg_cdiv(n_tiles, b);
        const int64_t cost = 6 * mt * nt + mr * mt;
        if (best < 0 || cost < best) { best = cost; *tm = a; *tn = b; }
    }
}

MG_API void mg_gemm_plan_free(mg_gemm_plan *p)
{
    free(p->ws);
    p->ws = NULL;
}

/*
 * Set up a product.  Returns MG_OK, MG_EINVAL (bad dtype / negative sizes)
 * or MG_ENOMEM.  On error nothing needs freeing (but mg_gemm_plan_free is
 * harmless).  nthreads only shapes the task grid; the result does not
 * depend on it.  bias: N contiguous elements or NULL.
 */
MG_API int mg_gemm_plan_init(mg_gemm_plan *p, int dtype,
                             int64_t M, int64_t N, int64_t K,
                             const void *A, int64_t rsa, int64_t csa,
                             const void *B, int64_t rsb, int64_t csb,
                             void *C, int64_t ldc, const void *bias,
                             int flags, int nthreads)
{
    memset(p, 0, sizeof *p);
    if (dtype != MG_F32 && dtype != MG_F64)
        return MG_EINVAL;
    if (M < 0 || N < 0 || K < 0)
        return MG_EINVAL;
    const mg_dtype_desc *d = &mg_dtype_descs[dtype];
    const int variant = mg_gemm_get_variant();
    p->dd = d;
    p->ukr = d->ukr[variant];
    p->pack_b = d->pack_b[variant];
    p->M = M; p->N = N; p->K = K;
    p->A = (const char *)A; p->rsa = rsa; p->csa = csa;
    p->B = (const char *)B; p->rsb = rsb; p->csb = csb;
    p->C = (char *)C; p->ldc = ldc;
    p->flags = flags & (MG_ACCUMULATE | MG_RELU);
    p->has_bias = bias != NULL;
    if (M == 0 || N == 0)
        return MG_OK;                       /* n_steps = 0: nothing to do */

    /* K blocking: a function of M, K and dtype only (see section 1),
     * never of nthreads.  K == 0 still gets one (empty) step, which
     * writes 0 / C, plus bias. */
    const int64_t kc_max = M <= MG_SMALL_M ? d->kc_small_m : d->kc;
    p->n_kb = K > 0 ? mg_cdiv(K, kc_max) : 1;
    p->kc = K > 0 ? mg_cdiv(K, p->n_kb) : 0;
    p->nc = N < d->nc ? N : d->nc;
    p->n_nb = mg_cdiv(N, p->nc);
    p->n_steps = p->n_kb * p->n_nb;

    /* Task grid.  Never more tasks than tiles. */
    const int64_t m_tiles = mg_cdiv(M, d->mr);
    const int64_t n_tiles = mg_cdiv(p->nc, d->nr);
    int64_t P = nthreads < 1 ? 1 : nthreads;
    if (P > m_tiles * n_tiles) P = m_tiles * n_tiles;
    mg_choose_grid(m_tiles, n_tiles, P, d->mr, &p->tm, &p->tn);
    p->n_tasks = p->tm * p->tn;
    p->n_pack_tasks = P < n_tiles ? P : n_tiles;
    p->n_step_tasks = p->n_tasks > p->n_pack_tasks ? p->n_tasks : p->n_pack_tasks;
    p->nthreads = (int)P;

    /* Workspace: packed B blocks (2 if there is a next step to overlap),
     * one packed A block per task, padded bias. */
    const int64_t kc1 = p->kc > 0 ? p->kc : 1;
    const size_t bbytes = mg_round_align((size_t)(kc1 * mg_cdiv(p->nc, d->nr) * d->nr * d->es));
    const int nbuf = p->n_steps > 1 ? 2 : 1;
    const int64_t mrows = mg_cdiv(m_tiles, p->tm) * d->mr;      /* per task */
    const int64_t mcap = mrows < d->mc ? mrows : d->mc;
    p->apack_bytes = mg_round_align((size_t)(kc1 * mcap * d->es));
    const size_t biasbytes = bias ? mg_round_align((size_t)(mg_cdiv(N, d->nr) * d->nr * d->es)) : 0;
    const size_t total = nbuf * bbytes + p->apack_bytes * (size_t)p->n_tasks + biasbytes;

    void *ws = NULL;
    if (posix_memalign(&ws, MG_ALIGN, total) != 0 || ws == NULL)
        return MG_ENOMEM;
    p->ws = ws;
    p->bpack[0] = (char *)ws;
    p->bpack[1] = p->bpack[0] + (nbuf - 1) * bbytes;
    p->apack = p->bpack[0] + nbuf * bbytes;
    p->bias_pad = NULL;
    if (bias) {
        p->bias_pad = p->apack + p->apack_bytes * (size_t)p->n_tasks;
        memset(p->bias_pad, 0, biasbytes);
        memcpy(p->bias_pad, bias, (size_t)(N * d->es));
    }
    return MG_OK;
}

static void mg_step_geometry(const mg_gemm_plan *p, int64_t s, mg_step *st)
{
    const int64_t jb = s / p->n_kb, kb = s % p->n_kb;
    st->jc = jb * p->nc;
    st->ncur = p->N - st->jc < p->nc ? p->N - st->jc : p->nc;
    st->pc = kb * p->kc;
    st->kcur = p->K - st->pc < p->kc ? p->K - st->pc : p->kc;
    /* First K block overwrites C unless the user accumulates; later K
     * blocks add to it; the last one adds the bias and applies ReLU. */
    const int last = kb == p->n_kb - 1;
    st->flags = (kb > 0 || (p->flags & MG_ACCUMULATE)) ? MG_ACCUMULATE : 0;
    if (last && (p->flags & MG_RELU))
        st->flags |= MG_RELU;
    st->bias = last && p->has_bias;
    st->bpack = p->bpack[s & 1];
}

/* Pack share t (of n_pack_tasks) of step s's B block.  No-op for t out of
 * range, so a caller may pass any t < n_step_tasks. */
MG_API void mg_gemm_pack_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    if (s >= p->n_steps || t >= p->n_pack_tasks)
        return;
    const mg_dtype_desc *d = p->dd;
    mg_step st;
    mg_step_geometry(p, s, &st);
    const int64_t npanels = mg_cdiv(st.ncur, d->nr);
    int64_t lo, hi;
    mg_split(npanels, p->n_pack_tasks, t, &lo, &hi);
    if (lo >= hi || st.kcur == 0)
        return;
    const int64_t j0 = lo * d->nr;
    const int64_t ncols = (hi * d->nr < st.ncur ? hi * d->nr : st.ncur) - j0;
    const char *src = p->B + (st.pc * p->rsb + (st.jc + j0) * p->csb) * d->es;
    p->pack_b(src, p->rsb, p->csb, st.kcur, ncols,
              st.bpack + lo * st.kcur * d->nr * d->es);
}

/* Macro-kernel: C[i0:i0+mc, j0:j0+nc] op= packed A block @ packed B panels.
 * Full tiles are written in place; edge tiles go through `tmp`, with the
 * same micro-kernel, so no element is computed differently.  Loop order
 * jr-outer/ir-inner keeps one B micro-panel in L1 across the A panels. */
static void mg_macro_kernel(const mg_gemm_plan *p, const mg_step *st,
                            int64_t i0, int64_t mc, int64_t j0, int64_t nc,
                            const char *apack, const char *bpack)
{
    const mg_dtype_desc *d = p->dd;
    const int es = d->es, MR = d->mr, NR = d->nr;
    const int64_t kc = st->kcur, ldc = p->ldc;
    const int flags = st->flags;
    /* Edge tile scratch: MR x NR elements, max 6 x 16 x 4 = 384 bytes. */
    char tmp[MG_MR * MG_NR_F32 * 4] __attribute__((aligned(MG_ALIGN)));

    for (int64_t jr = 0; jr < nc; jr += NR) {
        const int64_t nr = nc - jr < NR ? nc - jr : NR;
        const char *bp = bpack + (jr / NR) * kc * NR * es;
        const char *bias = st->bias ? p->bias_pad + (j0 + jr) * es : NULL;
        for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = mc - ir < MR ? mc - ir : MR;
            const char *ap = apack + (ir / MR) * kc * MR * es;
            char *c = p->C + ((i0 + ir) * ldc + j0 + jr) * es;
            const int edge = mr < MR || nr < NR;
            char *dst = edge ? tmp : c;
            const int64_t ld = edge ? NR : ldc;
            if (edge && (flags & MG_ACCUMULATE))
                for (int64_t i = 0; i < mr; i++)
                    memcpy(tmp + i * NR * es, c + i * ldc * es, (size_t)(nr * es));
            p->ukr(kc, ap, bp, dst, ld, bias, flags);
            if (edge)
                for (int64_t i = 0; i < mr; i++)
                    memcpy(c + i * ldc * es, tmp + i * NR * es, (size_t)(nr * es));
        }
    }
}

/* Compute task t (of n_tasks) of step s: its rectangle of C.  Needs step
 * s's B block packed.  No-op for t out of range. */
MG_API void mg_gemm_compute_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    if (s >= p->n_steps || t >= p->n_tasks)
        return;
    const mg_dtype_desc *d = p->dd;
    const int es = d->es;
    mg_step st;
    mg_step_geometry(p, s, &st);
    const int64_t tim = t / p->tn, tjn = t % p->tn;
    int64_t mlo, mhi, nlo, nhi;
    mg_split(mg_cdiv(p->M, d->mr), p->tm, tim, &mlo, &mhi);
    mg_split(mg_cdiv(st.ncur, d->nr), p->tn, tjn, &nlo, &nhi);
    const int64_t i0 = mlo * d->mr, i1 = mhi * d->mr < p->M ? mhi * d->mr : p->M;
    const int64_t j0 = nlo * d->nr, j1 = nhi * d->nr < st.ncur ? nhi * d->nr : st.ncur;
    if (i0 >= i1 || j0 >= j1)
        return;
    char *apack = p->apack + (size_t)t * p->apack_bytes;
    const char *bpack = st.bpack + nlo * st.kcur * d->nr * es;
    for (int64_t ic = i0; ic < i1; ic += d->mc) {
        const int64_t mc = i1 - ic < d->mc ? i1 - ic : d->mc;
        if (st.kcur > 0)
            d->pack_a(p->A + (ic * p->rsa + st.pc * p->csa) * es,
                      p->rsa, p->csa, mc, st.kcur, apack);
        mg_macro_kernel(p, &st, ic, mc, st.jc + j0, j1 - j0, apack, bpack);
    }
}

/* Step task t of step s: compute rectangle t of step s, then pack share t
 * of step s+1's B block into the other buffer. */
MG_API void mg_gemm_step_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    mg_gemm_compute_task(p, s, t);
    mg_gemm_pack_task(p, s + 1, t);
}

/* Run every step on the calling thread. */
MG_API void mg_gemm_plan_run_serial(const mg_gemm_plan *p)
{
    for (int64_t t = 0; t < p->n_pack_tasks; t++)
        mg_gemm_pack_task(p, 0, t);
    for (int64_t s = 0; s < p->n_steps; s++)
        for (int64_t t = 0; t < p->n_step_tasks; t++)
            mg_gemm_step_task(p, s, t);
}

/* ======================================================================
 * 6. One-call serial entry points (thread-safe: everything is per call).
 * Bit-identical to the parallel plan for the same inputs.
 * ====================================================================== */

MG_API int mg_gemm(int dtype, int64_t M, int64_t N, int64_t K,
                   const void *A, int64_t rsa, int64_t csa,
                   const void *B, int64_t rsb, int64_t csb,
                   void *C, int64_t ldc, const void *bias, int flags)
{
    mg_gemm_plan p;
    int rc = mg_gemm_plan_init(&p, dtype, M, N, K, A, rsa, csa, B, rsb, csb,
                               C, ldc, bias, flags, 1);
    if (rc != MG_OK)
        return rc;
    mg_gemm_plan_run_serial(&p);
    mg_gemm_plan_free(&p);
    return MG_OK;
}

MG_API int mg_sgemm(int64_t M, int64_t N, int64_t K,
                    const float *A, int64_t rsa, int64_t csa,
                    const float *B, int64_t rsb, int64_t csb,
                    float *C, int64_t ldc, const float *bias, int flags)
{ return mg_gemm(MG_F32, M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, bias, flags); }

MG_API int mg_dgemm(int64_t M, int64_t N, int64_t K,
                    const double *A, int64_t rsa, int64_t csa,
                    const double *B, int64_t rsb, int64_t csb,
                    double *C, int64_t ldc, const double *bias, int flags)
{ return mg_gemm(MG_F64, M, N, K, A, rsa, csa, B, rsb, csb, C, ldc, bias, flags); }

#endif /* MG_GEMM_H */
