/*
 * rng.h -- counter-based random numbers and the elementwise kernels that use
 * them (dropout, Bernoulli masks, uniform/normal fills) plus ReLU, for
 * minigrad's _ops.pyx.
 *
 * Header-only C99 + GNU extensions.  Every function is `static`; the only
 * mutable global is the CPU dispatch choice (mg_rng_variant), written once by
 * mg_rng_init() at module import and, in tests, by mg_rng_set_variant().
 * Builds with plain -O3: the AVX2 code lives in functions carrying
 * __attribute__((target("avx2"))) and is only called when
 * __builtin_cpu_supports("avx2") says the CPU (and OS) can run it.
 *
 * ------------------------------------------------------------------------
 * The generator: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), same
 * constants as Random123 / PyTorch's CUDA Philox.  It is a pure function
 *     block = philox(counter[4 x u32], key[2 x u32]) -> 4 x u32
 * so any element of any stream can be computed independently: the output
 * never depends on how the work is split into chunks or threads.
 *
 *   key     = (seed & 0xffffffff, seed >> 32)
 *   counter = (b & 0xffffffff, b >> 32, offset & 0xffffffff, offset >> 32)
 *
 * where `seed` and `offset` are 64-bit numbers supplied by the caller (the
 * framework bumps `offset` once per call) and b is the 64-bit block index.
 *
 * THE WORD STREAM.  Concatenating blocks 0, 1, 2, ... gives one stream of
 * 32-bit words s[k] = word (k % 4) of block (k / 4).  Every kernel reads
 * this one stream (this is exactly the layout the spec prescribes):
 *   random_bits   element i = s[i]
 *   uniform f32   element i = (s[i] >> 8) * 2^-24                 in [0,1)
 *   uniform f64   element i = u53(s[2i], s[2i+1])                  in [0,1)
 *                 with u53(a, b) = ((a << 21) | (b >> 11)) * 2^-53
 *                 (a gives the top 32 of the 53 bits, b the low 21)
 *   normal        pair j = (element 2j, 2j+1) uses block j = s[4j..4j+3]:
 *                 u1 = 1 - u53(s[4j], s[4j+1]) in (0,1], u2 = u53(s[4j+2],
 *                 s[4j+3]) in [0,1), r = sqrt(-2 ln u1), t = 2 pi u2,
 *                 element 2j = r cos t, element 2j+1 = r sin t; all in
 *                 double, then mean + std*z, rounded to float32 for f32.
 *                 Same for f32 and f64 (one block per pair either way).
 *                 For an odd length the last pair's sine value is unused.
 *   dropout/bernoulli mask, two paths chosen from p alone (q = 1 - p):
 *     16-bit      element i uses the 16-bit half (i % 2) (0 = low) of
 *                 s[i / 2], i.e. block i/8, word (i%8)/2; keep iff
 *                 half < T, T = round(q * 65536) in [0, 65536].
 *                 So one block = 8 elements = exactly one mask byte.
 *                 Used when |T/65536 - q| <= 1e-4 * min(p, q), i.e. the
 *                 realised keep probability T/65536 is accurate to 1e-4
 *                 relative (of q and of p): p = 0, 1, 0.5, 0.1, 0.3 ...
 *     32-bit      otherwise (p like 1e-5, 1e-3, 0.999): element i uses the
 *     (precise)   whole word s[i] (block i/4, word i%4); keep iff
 *                 s[i] < T, T = round(q * 2^32) in [0, 2^32].
 *                 Two blocks = 8 elements = one mask byte.
 *                 The caller (_ops_random.pxi) picks the path and T.
 *
 * Floating point: only IEEE-exact single operations, libm calls and no
 * contraction-sensitive code inside the variant-specific (SIMD) functions;
 * every transform that could be contracted into an FMA is written once, in
 * shared code, so all variants give bit-identical results by construction
 * (and the tests check it).  Do not build with -ffast-math.
 *
 * Variants (mg_rng_variant):
 *   MG_RNG_SCALAR  one Philox block per call, element-by-element consumers:
 *                  the plain reference the others are tested against.
 *   MG_RNG_GENERIC portable C, eight blocks interleaved for instruction-level
 *                  parallelism; the default where AVX2 is missing.
 *   MG_RNG_AVX2    sixteen blocks per call with AVX2 intrinsics, plus AVX2
 *                  consumers for dropout / masks / ReLU.  Default on x86
 *                  CPUs that have AVX2.
 *
 * Dropout semantics match torch 2.13's CPU dropout, which computes
 * y = x * noise with noise = bernoulli(q) / q (a float tensor):
 *   y = x * (keep ? scale : +0.0), so a dropped NaN or +-inf gives NaN and a
 *   dropped negative finite x gives -0.0 (both exactly as torch), and
 *   dx = dy * (keep ? scale : +0.0) likewise.
 * The float32 scale torch uses is 1.0f / (float)(1 - p) (float division);
 * the caller passes scale in, so it decides.
 *
 * ReLU matches torch: relu(x) = x < 0 ? +0 : x (so NaN -> NaN, -0.0 -> -0.0,
 * negatives -> +0) and relu_backward(g, r) = r <= 0 ? +0 : g (so r = NaN
 * passes g through, and a NaN g at r <= 0 gives 0).
 *
 * All kernels take full-array base pointers and an element range
 * [start, end); they touch only elements (and mask bytes) of that range.
 * Kernels that WRITE a bit-packed mask require start % 8 == 0 so that two
 * ranges never share a mask byte; the byte holding element end-1 gets zero
 * bits above end-1 (like np.packbits' padding).
 */
#ifndef MINIGRAD_RNG_H
#define MINIGRAD_RNG_H

#include <stdint.h>
#include <string.h>
#include <math.h>

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define MG_HAVE_X86 1
#include <immintrin.h>
#else
#define MG_HAVE_X86 0
#endif

/* Public entry points: static (header-only), and not warned about when a
 * translation unit uses only some of them. */
#define MG_FN static __attribute__((unused))


/* ------------------------------------------------------------------------
 * Philox4x32-10 constants (Random123).
 * M0, M1: the round multipliers; W0, W1: the Weyl key increments (golden
 * ratio and sqrt(3)-1 in 32-bit fixed point). */
#define MG_PHILOX_M0 0xD2511F53u
#define MG_PHILOX_M1 0xCD9E8D57u
#define MG_PHILOX_W0 0x9E3779B9u
#define MG_PHILOX_W1 0xBB67AE85u

/* Everything that is constant during one call: the key and the two high
 * counter words (the offset). */
typedef struct {
    uint32_t k0, k1;       /* key  = seed lo, seed hi */
    uint32_t o0, o1;       /* counter words 2,3 = offset lo, offset hi */
    uint32_t ks[10][2];    /* the round keys (k0 + r*W0, k1 + r*W1) */
} mg_philox_ctx;

static inline mg_philox_ctx mg_philox_make_ctx(uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c;
    c.k0 = (uint32_t)seed;
    c.k1 = (uint32_t)(seed >> 32);
    c.o0 = (uint32_t)offset;
    c.o1 = (uint32_t)(offset >> 32);
    for (int r = 0; r < 10; r++) {
        c.ks[r][0] = c.k0 + (uint32_t)r * MG_PHILOX_W0;   /* mod 2^32 */
        c.ks[r][1] = c.k1 + (uint32_t)r * MG_PHILOX_W1;
    }
    return c;
}

/* The reference: one block, straight from the paper.  Each round:
 *   (hi0, lo0) = M0 * c0,  (hi1, lo1) = M1 * c2     (32x32 -> 64 bit)
 *   c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
 * and the key is bumped by (W0, W1) between rounds. */
static inline void mg_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                    uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)MG_PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)MG_PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += MG_PHILOX_W0;
        k1 += MG_PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* Block b of the stream described by ctx. */
static inline void mg__block_scalar(uint64_t b, const mg_philox_ctx *c,
                                    uint32_t out[4])
{
    uint32_t ctr[4] = { (uint32_t)b, (uint32_t)(b >> 32), c->o0, c->o1 };
    uint32_t key[2] = { c->k0, c->k1 };
    mg_philox4x32_10(ctr, key, out);
}

/* ------------------------------------------------------------------------
 * Run-time dispatch. */
enum { MG_RNG_SCALAR = 0, MG_RNG_GENERIC = 1, MG_RNG_AVX2 = 2, MG_RNG_NVARIANTS = 3 };

/* The one mutable global: which variant the dispatchers call.  Written at
 * import (mg_rng_init) and by tests (mg_rng_set_variant) while no kernel
 * runs, read by the kernels; an int read is atomic enough for that. */
static int mg_rng_variant = MG_RNG_SCALAR;

static inline const char *mg_rng_variant_name(int v)
{
    switch (v) {
    case MG_RNG_SCALAR: return "scalar";
    case MG_RNG_GENERIC: return "generic";
    case MG_RNG_AVX2: return "avx2";
    default: return "?";
    }
}

/* 1 if variant v can run on this machine. */
static inline int mg_rng_variant_supported(int v)
{
    switch (v) {
    case MG_RNG_SCALAR:
    case MG_RNG_GENERIC:
        return 1;
    case MG_RNG_AVX2:
#if MG_HAVE_X86
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
        return 0;
#endif
    default:
        return 0;
    }
}

/* Pick the best variant for this CPU.  Call once, at module import. */
static inline void mg_rng_init(void)
{
    if (mg_rng_variant_supported(MG_RNG_AVX2))
        mg_rng_variant = MG_RNG_AVX2;
    else
        mg_rng_variant = MG_RNG_GENERIC;
}

/* Override (tests, debugging).  Returns 0, or -1 if v cannot run here. */
static inline int mg_rng_set_variant(int v)
{
    if (!mg_rng_variant_supported(v))
        return -1;
    mg_rng_variant = v;
    return 0;
}

static inline int mg_rng_get_variant(void) { return mg_rng_variant; }

/* ------------------------------------------------------------------------
 * Block generators.  mg__blocks(variant, c, b0, nb, out) writes blocks
 * b0 .. b0+nb-1 one after the other ("AoS": out[4*j + w] = word w of block
 * b0+j), i.e. exactly the words s[4*b0 .. 4*(b0+nb)) of the word stream.
 * Block indices wrap mod 2^64 like the counter.  The variants differ only
 * in how many blocks they compute at once and how. */

/* GENERIC: eight blocks interleaved, in portable C.  One block alone is a
 * chain of 10 dependent multiplies; interleaving eight independent chains
 * lets an out-of-order core overlap them (~25% faster than one block at a
 * time on Zen 3).  Auto-vectorization is switched off for this function
 * (GCC only): with SSE2 only, GCC emulates the 32x32->64 lane products with
 * three multiplies each and the result is 2x slower than scalar code. */
#if defined(__GNUC__) && !defined(__clang__)
#define MG_NO_VECTORIZE __attribute__((optimize("no-tree-vectorize")))
#else
#define MG_NO_VECTORIZE
#endif

MG_NO_VECTORIZE static void mg__gen8_generic(uint64_t b0, const mg_philox_ctx *c,
                                             uint32_t out[32])
{
    uint32_t c0[8], c1[8], c2[8], c3[8];
    for (int j = 0; j < 8; j++) {
        uint64_t b = b0 + (uint64_t)j;
        c0[j] = (uint32_t)b;
        c1[j] = (uint32_t)(b >> 32);
        c2[j] = c->o0;
        c3[j] = c->o1;
    }
    uint32_t k0 = c->k0, k1 = c->k1;
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
#pragma GCC unroll 8
        for (int j = 0; j < 8; j++) {
            uint64_t p0 = (uint64_t)MG_PHILOX_M0 * c0[j];
            uint64_t p1 = (uint64_t)MG_PHILOX_M1 * c2[j];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[j] ^ k0;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[j] ^ k1;
            c1[j] = (uint32_t)p1;
            c3[j] = (uint32_t)p0;
            c0[j] = n0;
            c2[j] = n2;
        }
        k0 += MG_PHILOX_W0;
        k1 += MG_PHILOX_W1;
    }
    for (int j = 0; j < 8; j++) {
        out[4 * j + 0] = c0[j];
        out[4 * j + 1] = c1[j];
        out[4 * j + 2] = c2[j];
        out[4 * j + 3] = c3[j];
    }
}

#if MG_HAVE_X86
#define MG_AVX2 __attribute__((target("avx2")))
#define MG_AVX2_INLINE static inline __attribute__((target("avx2"), always_inline))

/* AVX2: sixteen blocks at once, as four "sets" of four blocks.
 *
 * _mm256_mul_epu32 multiplies the LOW 32 bits of each 64-bit lane and gives
 * the full 64-bit product.  So each 64-bit lane carries one block, with the
 * live 32-bit word in its low half (the high half is ignored garbage): set
 * s, lane l is block b0 + 4s + l, and registers c0..c3 of the set hold the
 * four counter words.  One round is then
 *     p0 = M0 * c0, p1 = M1 * c2                (lo in low, hi in high half)
 *     c0 = (p1 >> 32) ^ c1 ^ k0,  c1 = p1        (only p1's low half matters)
 *     c2 = (p0 >> 32) ^ c3 ^ k1,  c3 = p0
 * i.e. 2 multiplies, 2 shifts and 4 xors per set and round, with no
 * shuffling at all (recombining even/odd lanes each round, the textbook
 * approach, costs 25% more).  Four independent sets hide the 5-cycle
 * dependency chain of a round; their 16 state registers fill the register
 * file, so the round keys are broadcast from memory (mg_philox_ctx.ks)
 * rather than kept in registers (7% faster than updating them in place).
 * Measured on Zen 3: ~2.5 ns per block per core.
 *
 * Output: lo[s] = (block 4s | block 4s+2) and hi[s] = (block 4s+1 |
 * block 4s+3), each 128-bit half being one block's words 0..3 in order. */
MG_AVX2_INLINE void mg__philox16_avx2(uint64_t b0, const mg_philox_ctx *c,
                                      __m256i lo[4], __m256i hi[4])
{
    __m256i c0[4], c1[4], c2[4], c3[4];
    /* 64-bit adds give the block index with its carry for free. */
    const __m256i base = _mm256_add_epi64(_mm256_set1_epi64x((long long)b0),
                                          _mm256_setr_epi64x(0, 1, 2, 3));
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) {
        __m256i ctr = _mm256_add_epi64(base, _mm256_set1_epi64x(4 * s));
        c0[s] = ctr;                           /* low half = index lo */
        c1[s] = _mm256_srli_epi64(ctr, 32);    /* index hi */
        c2[s] = _mm256_set1_epi32((int)c->o0);
        c3[s] = _mm256_set1_epi32((int)c->o1);
    }
    const __m256i m0 = _mm256_set1_epi64x(MG_PHILOX_M0);
    const __m256i m1 = _mm256_set1_epi64x(MG_PHILOX_M1);
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
        /* round keys: a broadcast from memory each, no registers tied up */
        const __m256i k0 = _mm256_set1_epi32((int)c->ks[r][0]);
        const __m256i k1 = _mm256_set1_epi32((int)c->ks[r][1]);
#pragma GCC unroll 4
        for (int s = 0; s < 4; s++) {
            __m256i p0 = _mm256_mul_epu32(c0[s], m0);
            __m256i p1 = _mm256_mul_epu32(c2[s], m1);
            c0[s] = _mm256_xor_si256(_mm256_srli_epi64(p1, 32), _mm256_xor_si256(c1[s], k0));
            c2[s] = _mm256_xor_si256(_mm256_srli_epi64(p0, 32), _mm256_xor_si256(c3[s], k1));
            c1[s] = p1;
            c3[s] = p0;
        }
    }
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) {
        /* (w0, w1) and (w2, w3) of each block as one 64-bit lane... */
        __m256i x = _mm256_blend_epi32(c0[s], _mm256_slli_epi64(c1[s], 32), 0xAA);
        __m256i y = _mm256_blend_epi32(c2[s], _mm256_slli_epi64(c3[s], 32), 0xAA);
        /* ...then lanes 0,2 -> lo, lanes 1,3 -> hi (unpack works per 128-bit half). */
        lo[s] = _mm256_unpacklo_epi64(x, y);
        hi[s] = _mm256_unpackhi_epi64(x, y);
    }
}

/* Block j (0..15, a constant) of the sixteen, as a 128-bit vector. */
#define MG__BLK16(lo, hi, j)                                                    \
    (((j) & 3) == 0 ? _mm256_castsi256_si128(lo[(j) >> 2]) :                   \
     ((j) & 3) == 1 ? _mm256_castsi256_si128(hi[(j) >> 2]) :                   \
     ((j) & 3) == 2 ? _mm256_extracti128_si256(lo[(j) >> 2], 1) :              \
                      _mm256_extracti128_si256(hi[(j) >> 2], 1))

/* 16 blocks = 64 words into out. */
MG_AVX2 static void mg__gen16_avx2(uint64_t b0, const mg_philox_ctx *c,
                                   uint32_t *out)
{
    __m256i lo[4], hi[4];
    mg__philox16_avx2(b0, c, lo, hi);
    for (int s = 0; s < 4; s++) {
        /* blocks 4s, 4s+1 then 4s+2, 4s+3 */
        _mm256_storeu_si256((__m256i *)(out + 16 * s), _mm256_permute2x128_si256(lo[s], hi[s], 0x20));
        _mm256_storeu_si256((__m256i *)(out + 16 * s + 8), _mm256_permute2x128_si256(lo[s], hi[s], 0x31));
    }
}
#endif /* MG_HAVE_X86 */

/* Blocks b0 .. b0+nb-1 into out (4*nb words), with the given variant. */
static void mg__blocks(int variant, const mg_philox_ctx *c, uint64_t b0,
                       int64_t nb, uint32_t *out)
{
    uint32_t tmp[64];
    int64_t j = 0;
#if MG_HAVE_X86
    if (variant == MG_RNG_AVX2) {
        for (; j + 16 <= nb; j += 16)
            mg__gen16_avx2(b0 + (uint64_t)j, c, out + 4 * j);
        if (j < nb) {
            mg__gen16_avx2(b0 + (uint64_t)j, c, tmp);
            memcpy(out + 4 * j, tmp, (size_t)(nb - j) * 16);
        }
        return;
    }
#endif
    if (variant == MG_RNG_GENERIC) {
        for (; j + 8 <= nb; j += 8)
            mg__gen8_generic(b0 + (uint64_t)j, c, out + 4 * j);
        if (j < nb) {
            mg__gen8_generic(b0 + (uint64_t)j, c, tmp);
            memcpy(out + 4 * j, tmp, (size_t)(nb - j) * 16);
        }
        return;
    }
    for (; j < nb; j++)
        mg__block_scalar(b0 + (uint64_t)j, c, out + 4 * j);
}

/* Known-answer / cross-variant test hook: blocks first_block .. +nblocks-1
 * with the current variant.  first_block may be anything (e.g. just below
 * 2^32 so that SIMD lanes see the low->high counter carry). */
MG_FN void mg_philox_blocks(uint32_t *out, uint64_t first_block, int64_t nblocks,
                            uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    mg__blocks(mg_rng_variant, &c, first_block, nblocks, out);
}

/* ------------------------------------------------------------------------
 * Stream kernels.  They walk [start, end) in pieces of at most
 * MG_PIECE blocks, generate those blocks into a stack buffer with the
 * current variant, then apply a transform that is the same code for every
 * variant (so the floating-point results cannot differ between variants). */
#define MG_PIECE 256   /* blocks per piece: 4 KiB buffer, stays in L1 */

static inline int64_t mg__min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* random_bits: element i = s[i] = word i%4 of block i/4.  Whole blocks
 * inside the range are generated straight into out. */
MG_FN void mg_random_bits(uint32_t *out, int64_t start, int64_t end,
                          uint64_t seed, uint64_t offset)
{
    if (start >= end) return;
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t tmp[4];
    int64_t i = start;
    if (i & 3) {                              /* partial first block */
        mg__blocks(v, &c, (uint64_t)(i >> 2), 1, tmp);
        for (; i < end && (i & 3); i++) out[i] = tmp[i & 3];
    }
    int64_t nfull = (end - i) >> 2;           /* whole blocks */
    if (nfull > 0) {
        mg__blocks(v, &c, (uint64_t)(i >> 2), nfull, out + i);
        i += 4 * nfull;
    }
    if (i < end) {                            /* partial last block */
        mg__blocks(v, &c, (uint64_t)(i >> 2), 1, tmp);
        for (; i < end; i++) out[i] = tmp[i & 3];
    }
}

/* 53 random bits from two words -> double in [0, 1): a gives the top 32
 * bits, b's top 21 bits the rest.  Exact: the integer is < 2^53. */
static inline double mg__u53(uint32_t a, uint32_t b)
{
    return (double)(((uint64_t)a << 21) | (b >> 11)) * 0x1p-53;
}

/* uniform f32: element i from s[i], u = (s[i] >> 8) * 2^-24, exact in
 * float.  For a general [low, high) the value low + (high - low) * u is
 * formed in double and rounded to float; that rounding can land on high
 * itself, which is then replaced by the largest float below high, so the
 * result stays in [low, high) as torch promises (for low < high). */
MG_FN void mg_uniform_f32(float *out, int64_t start, int64_t end, uint64_t seed,
                          uint64_t offset, double low, double high)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t buf[4 * MG_PIECE];
    const double span = high - low;
    const int unit = (low == 0.0 && high == 1.0);
    const float hi_f = (float)high;
    const float below = nextafterf(hi_f, -INFINITY);
    const int clamp = span > 0.0 && below >= (float)low;
    for (int64_t i = start; i < end;) {
        int64_t b0 = i >> 2;
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 2) - b0 + 1);
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);
        int64_t stop = mg__min64(end, 4 * (b0 + nb));
        const uint32_t *w = buf + (i - 4 * b0);   /* word of element i */
        float *o = out + i;
        int64_t n = stop - i;
        if (unit) {
            for (int64_t t = 0; t < n; t++)
                o[t] = (float)(w[t] >> 8) * 0x1p-24f;
        } else {
            for (int64_t t = 0; t < n; t++) {
                float x = (float)(low + span * ((double)(w[t] >> 8) * 0x1p-24));
                o[t] = (clamp && x >= hi_f) ? below : x;
            }
        }
        i = stop;
    }
}

/* uniform f64: element i = u53(s[2i], s[2i+1]) (block i/2, words 2(i%2) and
 * 2(i%2)+1), then low + (high - low) * u with the same guard. */
MG_FN void mg_uniform_f64(double *out, int64_t start, int64_t end, uint64_t seed,
                          uint64_t offset, double low, double high)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    uint32_t buf[4 * MG_PIECE];
    const double span = high - low;
    const int unit = (low == 0.0 && high == 1.0);
    const double below = nextafter(high, -INFINITY);
    const int clamp = span > 0.0 && below >= low;
    for (int64_t i = start; i < end;) {
        int64_t b0 = i >> 1;
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 1) - b0 + 1);
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);
        int64_t stop = mg__min64(end, 2 * (b0 + nb));
        const uint32_t *w = buf + 2 * (i - 2 * b0);
        double *o = out + i;
        int64_t n = stop - i;
        for (int64_t t = 0; t < n; t++) {
            double u = mg__u53(w[2 * t], w[2 * t + 1]);
            if (!unit) {
                u = low + span * u;
                if (clamp && u >= high) u = below;
            }
            o[t] = u;
        }
        i = stop;
    }
}

/* Box-Muller on one block (4 words): (r cos t, r sin t), see the header. */
static inline void mg__box_muller(const uint32_t w[4], double *z0, double *z1)
{
    double u1 = 1.0 - mg__u53(w[0], w[1]);      /* (0, 1]: log never sees 0 */
    double u2 = mg__u53(w[2], w[3]);            /* [0, 1) */
    double r = sqrt(-2.0 * log(u1));
    double t = 6.283185307179586 * u2;          /* 2 pi */
    *z0 = r * cos(t);
    *z1 = r * sin(t);
}

/* normal: pair p = elements (2p, 2p+1) from block p.  A range may start or
 * end in the middle of a pair; then only the needed half is stored. */
#define MG__DEFINE_NORMAL(NAME, T)                                              \
MG_FN void NAME(T *out, int64_t start, int64_t end, uint64_t seed,              \
                uint64_t offset, double mean, double std)                      \
{                                                                               \
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);                         \
    int v = mg_rng_variant;                                                     \
    uint32_t buf[4 * MG_PIECE];                                                 \
    for (int64_t i = start; i < end;) {                                         \
        int64_t b0 = i >> 1;                                                    \
        int64_t nb = mg__min64(MG_PIECE, ((end - 1) >> 1) - b0 + 1);            \
        mg__blocks(v, &c, (uint64_t)b0, nb, buf);                               \
        int64_t stop = mg__min64(end, 2 * (b0 + nb));                           \
        for (; i < stop;) {                                                     \
            double z0, z1;                                                      \
            int64_t p = i >> 1;                                                 \
            mg__box_muller(buf + 4 * (p - b0), &z0, &z1);                       \
            if (!(i & 1)) out[i++] = (T)(mean + std * z0);                      \
            if (i < stop) out[i++] = (T)(mean + std * z1);                      \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_NORMAL(mg_normal_f32, float)
MG__DEFINE_NORMAL(mg_normal_f64, double)

/* ------------------------------------------------------------------------
 * Dropout / Bernoulli masks.
 *
 * Bit k of mask byte b is element 8b + k (np.packbits(..., bitorder='little')).
 * 16-bit path: one block -> 8 elements -> one mask byte; T is an int in
 * [0, 65536]: keep iff half < T, so T = 65536 keeps everything and T = 0
 * nothing.  32-bit (precise) path: two blocks per mask byte, see below. */

/* Keep bits of the 8 elements of a block (w = its 4 words). */
static inline unsigned mg__keep_byte(const uint32_t w[4], uint32_t T)
{
    unsigned byte = 0;
    for (int k = 0; k < 8; k++) {
        uint32_t half = (w[k >> 1] >> (16 * (k & 1))) & 0xffffu;
        byte |= (unsigned)(half < T) << k;
    }
    return byte;
}

/* Portable consumer (scalar and generic variants, and the AVX2 variant's
 * last partial group).  Walks the range one group of 8 blocks = 64
 * elements at a time: blocks from mg__blocks, then per element
 *   y = x * (keep ? scale : 0).
 * With the scalar variant this is one Philox call per block, exactly as the
 * spec words it: the reference the SIMD code is tested against.
 * x == NULL: mask only; mask == NULL: mask not stored. */
#define MG__DEFINE_DROPOUT_PORTABLE(NAME, T)                                    \
static void NAME(int variant, const T *x, T *y, uint8_t *mask, int64_t start,   \
                 int64_t end, uint32_t thr, T scale, const mg_philox_ctx *c)   \
{                                                                               \
    uint32_t buf[32];                                                           \
    for (int64_t g = start; g < end; g += 64) {                                 \
        int64_t n = mg__min64(end - g, 64);                                     \
        int nblk = (int)((n + 7) / 8);                                          \
        mg__blocks(variant, c, (uint64_t)(g >> 3), nblk, buf);                  \
        for (int b = 0; b < nblk; b++) {                                        \
            unsigned byte = mg__keep_byte(buf + 4 * b, thr);                    \
            int64_t e0 = g + 8 * b;                                             \
            int m = (int)mg__min64(end - e0, 8);                                \
            if (m < 8) byte &= (1u << m) - 1u;  /* zero padding bits */         \
            if (mask) mask[e0 >> 3] = (uint8_t)byte;                            \
            if (x) {  /* table, not ?: -- random bits mispredict branches */  \
                const T mult[2] = { (T)0, scale };                              \
                for (int k = 0; k < m; k++)                                     \
                    y[e0 + k] = x[e0 + k] * mult[(byte >> k) & 1u];             \
            }                                                                   \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_DROPOUT_PORTABLE(mg__dropout_portable_f32, float)
MG__DEFINE_DROPOUT_PORTABLE(mg__dropout_portable_f64, double)

/* The precise (32-bit) path, any variant: groups of 64 elements = 16 blocks
 * generated with the variant's block generator (the costly part), then the
 * same portable transform for every variant.  keep iff word < T with T a
 * 64-bit number in [0, 2^32] (2^32 keeps everything, 0 nothing).
 * x == NULL: mask only; mask == NULL: mask not stored. */
#define MG__DEFINE_DROPOUT32(NAME, T)                                           \
static void NAME(int variant, const T *x, T *y, uint8_t *mask, int64_t start,   \
                 int64_t end, uint64_t thr, T scale, const mg_philox_ctx *c)   \
{                                                                               \
    uint32_t buf[64];                                                           \
    const T mult[2] = { (T)0, scale };                                          \
    for (int64_t g = start; g < end; g += 64) {                                 \
        int64_t n = mg__min64(end - g, 64);                                     \
        int nbytes = (int)((n + 7) / 8);                                        \
        /* whole bytes' worth of words, so no word read is uninitialised */    \
        mg__blocks(variant, c, (uint64_t)(g >> 2), 2 * nbytes, buf);            \
        for (int b = 0; b < nbytes; b++) {                                      \
            unsigned byte = 0;                                                  \
            for (int k = 0; k < 8; k++)                                         \
                byte |= (unsigned)((uint64_t)buf[8 * b + k] < thr) << k;        \
            int64_t e0 = g + 8 * b;                                             \
            int m = (int)mg__min64(end - e0, 8);                                \
            if (m < 8) byte &= (1u << m) - 1u;  /* zero padding bits */         \
            if (mask) mask[e0 >> 3] = (uint8_t)byte;                            \
            if (x)                                                              \
                for (int k = 0; k < m; k++)                                     \
                    y[e0 + k] = x[e0 + k] * mult[(byte >> k) & 1u];             \
        }                                                                       \
    }                                                                           \
}
MG__DEFINE_DROPOUT32(mg__dropout32_f32, float)
MG__DEFINE_DROPOUT32(mg__dropout32_f64, double)

#if MG_HAVE_X86
/* AVX2 dropout, float32: 16 blocks = 128 elements per iteration.  Per block:
 * zero-extend its eight 16-bit halves to eight 32-bit lanes -- on a
 * little-endian machine these come out in element order 8b..8b+7 (low half
 * of word 0 first) -- compare with T - 1 (signed compares are fine:
 * halves < 2^16, -1 <= T - 1 < 2^16) to get the DROP lanes, ANDNOT them with
 * scale to get the multiplier (scale or +0.0), multiply x; the complement
 * of movemask of the compare is the mask byte, bit k = element 8b+k.
 * x == NULL: mask only (bernoulli_mask); mask == NULL: not stored. */
MG_AVX2 static void mg__dropout_avx2_f32(const float *x, float *y, uint8_t *mask,
                                         int64_t start, int64_t end, uint32_t thr,
                                         float scale, const mg_philox_ctx *c)
{
    /* drop iff half > T - 1 (T = 0 gives -1: everything dropped; T = 65536
     * gives 65535: nothing); computing "drop" rather than "keep" lets
     * andnot build the multiplier in one instruction. */
    const __m256i tm1 = _mm256_set1_epi32((int)thr - 1);
    const __m256 sv = _mm256_set1_ps(scale);
    int64_t g = start;
    for (; g + 128 <= end; g += 128) {
        __m256i lo[4], hi[4];
        mg__philox16_avx2((uint64_t)(g >> 3), c, lo, hi);
        uint64_t drop[2] = { 0, 0 };
#define MG__DO_BLOCK(j) do {                                                    \
            __m256i h = _mm256_cvtepu16_epi32(MG__BLK16(lo, hi, j));            \
            __m256 d = _mm256_castsi256_ps(_mm256_cmpgt_epi32(h, tm1));         \
            drop[(j) >> 3] |= (uint64_t)(unsigned)_mm256_movemask_ps(d) << (8 * ((j) & 7)); \
            if (x) {                                                            \
                __m256 mult = _mm256_andnot_ps(d, sv);  /* keep ? scale : 0 */  \
                __m256 xv = _mm256_loadu_ps(x + g + 8 * (j));                   \
                _mm256_storeu_ps(y + g + 8 * (j), _mm256_mul_ps(xv, mult));     \
            }                                                                   \
        } while (0)
        MG__DO_BLOCK(0);  MG__DO_BLOCK(1);  MG__DO_BLOCK(2);  MG__DO_BLOCK(3);
        MG__DO_BLOCK(4);  MG__DO_BLOCK(5);  MG__DO_BLOCK(6);  MG__DO_BLOCK(7);
        MG__DO_BLOCK(8);  MG__DO_BLOCK(9);  MG__DO_BLOCK(10); MG__DO_BLOCK(11);
        MG__DO_BLOCK(12); MG__DO_BLOCK(13); MG__DO_BLOCK(14); MG__DO_BLOCK(15);
#undef MG__DO_BLOCK
        /* byte j = block j's keep byte (x86 is little-endian) */
        uint64_t keep[2] = { ~drop[0], ~drop[1] };
        if (mask) memcpy(mask + (g >> 3), keep, 16);
    }
    if (g < end)  /* last partial group: same numbers, portable code */
        mg__dropout_portable_f32(MG_RNG_AVX2, x, y, mask, g, end, thr, scale, c);
}

/* AVX2 dropout, float64: the same, four elements per register, so each
 * block's eight halves are widened to 64-bit lanes in two steps. */
MG_AVX2 static void mg__dropout_avx2_f64(const double *x, double *y, uint8_t *mask,
                                         int64_t start, int64_t end, uint32_t thr,
                                         double scale, const mg_philox_ctx *c)
{
    const __m256i tv = _mm256_set1_epi64x((long long)thr);
    const __m256d sv = _mm256_set1_pd(scale);
    int64_t g = start;
    for (; g + 128 <= end; g += 128) {
        __m256i lo[4], hi[4];
        mg__philox16_avx2((uint64_t)(g >> 3), c, lo, hi);
        uint64_t bits[2] = { 0, 0 };
#define MG__DO_BLOCK(j) do {                                                    \
            __m128i blk = MG__BLK16(lo, hi, j);                                 \
            __m256i ka = _mm256_cmpgt_epi64(tv, _mm256_cvtepu16_epi64(blk));    \
            __m256i kb = _mm256_cmpgt_epi64(tv, _mm256_cvtepu16_epi64(         \
                                                _mm_srli_si128(blk, 8)));       \
            unsigned byte = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(ka)) | \
                ((unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(kb)) << 4);   \
            bits[(j) >> 3] |= (uint64_t)byte << (8 * ((j) & 7));                \
            if (x) {                                                            \
                const double *xp = x + g + 8 * (j);                             \
                double *yp = y + g + 8 * (j);                                   \
                __m256d ma = _mm256_and_pd(_mm256_castsi256_pd(ka), sv);       \
                __m256d mb = _mm256_and_pd(_mm256_castsi256_pd(kb), sv);       \
                _mm256_storeu_pd(yp, _mm256_mul_pd(_mm256_loadu_pd(xp), ma));   \
                _mm256_storeu_pd(yp + 4, _mm256_mul_pd(_mm256_loadu_pd(xp + 4), mb)); \
            }                                                                   \
        } while (0)
        MG__DO_BLOCK(0);  MG__DO_BLOCK(1);  MG__DO_BLOCK(2);  MG__DO_BLOCK(3);
        MG__DO_BLOCK(4);  MG__DO_BLOCK(5);  MG__DO_BLOCK(6);  MG__DO_BLOCK(7);
        MG__DO_BLOCK(8);  MG__DO_BLOCK(9);  MG__DO_BLOCK(10); MG__DO_BLOCK(11);
        MG__DO_BLOCK(12); MG__DO_BLOCK(13); MG__DO_BLOCK(14); MG__DO_BLOCK(15);
#undef MG__DO_BLOCK
        if (mask) memcpy(mask + (g >> 3), bits, 16);
    }
    if (g < end)
        mg__dropout_portable_f64(MG_RNG_AVX2, x, y, mask, g, end, thr, scale, c);
}

/* AVX2 consumer of the 32-bit (precise) path: 16 blocks = 64 words = 64 elements per
 * iteration, 8 per register.  keep iff w < T, i.e. w <= T - 1 unsigned, tested as
 * min_epu32(w, T - 1) == w; that needs T >= 1 (T = 2^32 gives T - 1 = 0xffffffff: all kept),
 * so T = 0 is left to the portable code.  The keep lanes AND scale give the multiplier
 * (scale or +0.0), as in the portable code, so the products are the same bits. */
MG_AVX2 static void mg__dropout32_avx2_f32(const float *x, float *y, uint8_t *mask,
                                           int64_t start, int64_t end, uint64_t thr,
                                           float scale, const mg_philox_ctx *c)
{
    const __m256i tm1 = _mm256_set1_epi32((int)(uint32_t)(thr - 1));
    const __m256 sv = _mm256_set1_ps(scale);
    uint32_t buf[64];
    int64_t g = start;
    for (; g + 64 <= end; g += 64) {
        mg__gen16_avx2((uint64_t)(g >> 2), c, buf);
        for (int b = 0; b < 8; b++) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(buf + 8 * b));
            __m256 keep = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_min_epu32(w, tm1), w));
            if (mask) mask[(g >> 3) + b] = (uint8_t)_mm256_movemask_ps(keep);
            if (x) {
                __m256 xv = _mm256_loadu_ps(x + g + 8 * b);
                _mm256_storeu_ps(y + g + 8 * b, _mm256_mul_ps(xv, _mm256_and_ps(keep, sv)));
            }
        }
    }
    if (g < end)
        mg__dropout32_f32(MG_RNG_AVX2, x, y, mask, g, end, thr, scale, c);
}

MG_AVX2 static void mg__dropout32_avx2_f64(const double *x, double *y, uint8_t *mask,
                                           int64_t start, int64_t end, uint64_t thr,
                                           double scale, const mg_philox_ctx *c)
{
    const __m256i tm1 = _mm256_set1_epi32((int)(uint32_t)(thr - 1));
    const __m256d sv = _mm256_set1_pd(scale);
    uint32_t buf[64];
    int64_t g = start;
    for (; g + 64 <= end; g += 64) {
        mg__gen16_avx2((uint64_t)(g >> 2), c, buf);
        for (int b = 0; b < 8; b++) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(buf + 8 * b));
            __m256i keep = _mm256_cmpeq_epi32(_mm256_min_epu32(w, tm1), w);
            if (mask) mask[(g >> 3) + b] = (uint8_t)_mm256_movemask_ps(_mm256_castsi256_ps(keep));
            if (x) {
                /* widen the 8 lane masks to two registers of 4 64-bit masks */
                __m256d ka = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(keep)));
                __m256d kb = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(keep, 1)));
                const double *xp = x + g + 8 * b;
                double *yp = y + g + 8 * b;
                _mm256_storeu_pd(yp, _mm256_mul_pd(_mm256_loadu_pd(xp), _mm256_and_pd(ka, sv)));
                _mm256_storeu_pd(yp + 4, _mm256_mul_pd(_mm256_loadu_pd(xp + 4), _mm256_and_pd(kb, sv)));
            }
        }
    }
    if (g < end)
        mg__dropout32_f64(MG_RNG_AVX2, x, y, mask, g, end, thr, scale, c);
}
#endif

/* Dropout forward on elements [start, end) (start % 8 == 0):
 *   y[i] = x[i] * (keep_i ? scale : +0.0),  mask bit i = keep_i.
 * y may equal x (in place).  wide = 0: the 16-bit path, thr = T =
 * round((1-p) * 65536); wide = 1: the 32-bit path, thr = round((1-p) * 2^32). */
MG_FN void mg_dropout_fwd_f32(const float *x, float *y, uint8_t *mask,
                               int64_t start, int64_t end, uint64_t thr, int wide,
                               float scale, uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    if (wide) {
#if MG_HAVE_X86
        if (v == MG_RNG_AVX2 && thr != 0) { mg__dropout32_avx2_f32(x, y, mask, start, end, thr, scale, &c); return; }
#endif
        mg__dropout32_f32(v, x, y, mask, start, end, thr, scale, &c);
        return;
    }
#if MG_HAVE_X86
    if (v == MG_RNG_AVX2) { mg__dropout_avx2_f32(x, y, mask, start, end, (uint32_t)thr, scale, &c); return; }
#endif
    mg__dropout_portable_f32(v, x, y, mask, start, end, (uint32_t)thr, scale, &c);
}

MG_FN void mg_dropout_fwd_f64(const double *x, double *y, uint8_t *mask,
                               int64_t start, int64_t end, uint64_t thr, int wide,
                               double scale, uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    if (wide) {
#if MG_HAVE_X86
        if (v == MG_RNG_AVX2 && thr != 0) { mg__dropout32_avx2_f64(x, y, mask, start, end, thr, scale, &c); return; }
#endif
        mg__dropout32_f64(v, x, y, mask, start, end, thr, scale, &c);
        return;
    }
#if MG_HAVE_X86
    if (v == MG_RNG_AVX2) { mg__dropout_avx2_f64(x, y, mask, start, end, (uint32_t)thr, scale, &c); return; }
#endif
    mg__dropout_portable_f64(v, x, y, mask, start, end, (uint32_t)thr, scale, &c);
}

/* Keep mask only (start % 8 == 0): the same bits dropout_fwd would store
 * for the same (seed, offset, thr, wide).  Used for channel-wise dropout. */
MG_FN void mg_bernoulli_mask(uint8_t *mask, int64_t start, int64_t end,
                              uint64_t thr, int wide, uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    int v = mg_rng_variant;
    if (wide) {
#if MG_HAVE_X86
        if (v == MG_RNG_AVX2 && thr != 0) { mg__dropout32_avx2_f32(NULL, NULL, mask, start, end, thr, 0.0f, &c); return; }
#endif
        mg__dropout32_f32(v, NULL, NULL, mask, start, end, thr, 0.0f, &c);
        return;
    }
#if MG_HAVE_X86
    if (v == MG_RNG_AVX2) { mg__dropout_avx2_f32(NULL, NULL, mask, start, end, (uint32_t)thr, 0.0f, &c); return; }
#endif
    mg__dropout_portable_f32(v, NULL, NULL, mask, start, end, (uint32_t)thr, 0.0f, &c);
}

/* ------------------------------------------------------------------------
 * Mask consumers (no random numbers): dropout backward and unpack.
 *   dx[i] = dy[i] * (bit_i ? scale : +0.0)     (torch: grad * noise)
 *   out[i] = bit_i ? scale : +0.0
 * Any [start, end) works (they only read the mask). */
#define MG__BIT(mask, i) (((mask)[(i) >> 3] >> ((i) & 7)) & 1u)

#define MG__DEFINE_MASKMUL_PORTABLE(NAME, T)                                     \
static void NAME(const T *dy, const uint8_t *mask, T *dx, int64_t start,         \
                 int64_t end, T scale)                                          \
{                                                                                \
    /* a table lookup, not ?: (random bits would mispredict a branch) */        \
    const T mult[2] = { (T)0, scale };                                           \
    if (dy) {                                                                    \
        for (int64_t i = start; i < end; i++)                                   \
            dx[i] = dy[i] * mult[MG__BIT(mask, i)];                              \
    } else {                                                                     \
        for (int64_t i = start; i < end; i++)                                   \
            dx[i] = mult[MG__BIT(mask, i)];                                      \
    }                                                                            \
}
MG__DEFINE_MASKMUL_PORTABLE(mg__maskmul_portable_f32, float)
MG__DEFINE_MASKMUL_PORTABLE(mg__maskmul_portable_f64, double)

#if MG_HAVE_X86
/* Eight elements per mask byte: broadcast the byte, shift each lane so that
 * "its" bit lands in the sign bit (lane k shifted left by 31 - k), and let
 * blendv pick scale or 0 on that sign bit. */
MG_AVX2 static void mg__maskmul_avx2_f32(const float *dy, const uint8_t *mask,
                                         float *dx, int64_t start, int64_t end,
                                         float scale)
{
    int64_t i = start;
    int64_t head = (8 - (start & 7)) & 7;     /* up to a byte boundary */
    if (head > end - start) head = end - start;
    mg__maskmul_portable_f32(dy, mask, dx, i, i + head, scale);
    i += head;
    const __m256i sh = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
    const __m256 sv = _mm256_set1_ps(scale), zero = _mm256_setzero_ps();
    for (; i + 8 <= end; i += 8) {
        __m256i b = _mm256_set1_epi32(mask[i >> 3]);
        __m256 sel = _mm256_castsi256_ps(_mm256_sllv_epi32(b, sh));
        __m256 m = _mm256_blendv_ps(zero, sv, sel);
        if (dy) m = _mm256_mul_ps(_mm256_loadu_ps(dy + i), m);
        _mm256_storeu_ps(dx + i, m);
    }
    mg__maskmul_portable_f32(dy, mask, dx, i, end, scale);
}

MG_AVX2 static void mg__maskmul_avx2_f64(const double *dy, const uint8_t *mask,
                                         double *dx, int64_t start, int64_t end,
                                         double scale)
{
    int64_t i = start;
    int64_t head = (8 - (start & 7)) & 7;
    if (head > end - start) head = end - start;
    mg__maskmul_portable_f64(dy, mask, dx, i, i + head, scale);
    i += head;
    const __m256i shlo = _mm256_setr_epi64x(63, 62, 61, 60);
    const __m256i shhi = _mm256_setr_epi64x(59, 58, 57, 56);
    const __m256d sv = _mm256_set1_pd(scale), zero = _mm256_setzero_pd();
    for (; i + 8 <= end; i += 8) {
        __m256i b = _mm256_set1_epi64x(mask[i >> 3]);
        __m256d ma = _mm256_blendv_pd(zero, sv, _mm256_castsi256_pd(_mm256_sllv_epi64(b, shlo)));
        __m256d mb = _mm256_blendv_pd(zero, sv, _mm256_castsi256_pd(_mm256_sllv_epi64(b, shhi)));
        if (dy) {
            ma = _mm256_mul_pd(_mm256_loadu_pd(dy + i), ma);
            mb = _mm256_mul_pd(_mm256_loadu_pd(dy + i + 4), mb);
        }
        _mm256_storeu_pd(dx + i, ma);
        _mm256_storeu_pd(dx + i + 4, mb);
    }
    mg__maskmul_portable_f64(dy, mask, dx, i, end, scale);
}
#endif

/* Dropout backward: dx = dy * (bit ? scale : +0.0); dx may equal dy. */
MG_FN void mg_dropout_bwd_f32(const float *dy, const uint8_t *mask, float *dx,
                               int64_t start, int64_t end, float scale)
{
#if MG_HAVE_X86
    if (mg_rng_variant == MG_RNG_AVX2) { mg__maskmul_avx2_f32(dy, mask, dx, start, end, scale); return; }
#endif
    mg__maskmul_portable_f32(dy, mask, dx, start, end, scale);
}

MG_FN void mg_dropout_bwd_f64(const double *dy, const uint8_t *mask, double *dx,
                               int64_t start, int64_t end, double scale)
{
#if MG_HAVE_X86
    if (mg_rng_variant == MG_RNG_AVX2) { mg__maskmul_avx2_f64(dy, mask, dx, start, end, scale); return; }
#endif
    mg__maskmul_portable_f64(dy, mask, dx, start, end, scale);
}

/* Unpack: out = bit ? scale : +0.0 (a float mask for broadcasting). */
MG_FN void mg_unpack_mask_f32(const uint8_t *mask, float *out, int64_t start,
                               int64_t end, float scale)
{
    mg_dropout_bwd_f32(NULL, mask, out, start, end, scale);
}

MG_FN void mg_unpack_mask_f64(const uint8_t *mask, double *out, int64_t start,
                               int64_t end, double scale)
{
    mg_dropout_bwd_f64(NULL, mask, out, start, end, scale);
}

/* ------------------------------------------------------------------------
 * ReLU, matching torch bit for bit:
 *   forward  y = x < 0 ? +0 : x      (NaN and -0.0 pass through unchanged)
 *   backward dx = r <= 0 ? +0 : g    (r = result; NaN r passes g through)
 * Pure selects, so any vectorization gives the same bits.  The loops are
 * written plainly for the auto-vectorizer and compiled twice: baseline
 * (SSE2) and, via the target attribute, AVX2 (twice the width, which
 * matters while the data sits in cache). */
#define MG__DEFINE_RELU(SUFFIX, ATTR)                                            \
ATTR static void mg__relu_fwd_f32_##SUFFIX(const float *__restrict x,             \
        float *__restrict y, int64_t n)                                          \
{ for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0.0f ? 0.0f : x[i]; }           \
ATTR static void mg__relu_fwd_f64_##SUFFIX(const double *__restrict x,            \
        double *__restrict y, int64_t n)                                         \
{ for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0.0 ? 0.0 : x[i]; }             \
ATTR static void mg__relu_fwd_ip_f32_##SUFFIX(float *x, int64_t n)              \
{ for (int64_t i = 0; i < n; i++) x[i] = x[i] < 0.0f ? 0.0f : x[i]; }           \
ATTR static void mg__relu_fwd_ip_f64_##SUFFIX(double *x, int64_t n)             \
{ for (int64_t i = 0; i < n; i++) x[i] = x[i] < 0.0 ? 0.0 : x[i]; }             \
ATTR static void mg__relu_bwd_f32_##SUFFIX(const float *g, const float *r,      \
        float *dx, int64_t n)                                                  \
{ for (int64_t i = 0; i < n; i++) dx[i] = r[i] <= 0.0f ? 0.0f : g[i]; }         \
ATTR static void mg__relu_bwd_f64_##SUFFIX(const double *g, const double *r,    \
        double *dx, int64_t n)                                                 \
{ for (int64_t i = 0; i < n; i++) dx[i] = r[i] <= 0.0 ? 0.0 : g[i]; }

MG__DEFINE_RELU(generic, )
#if MG_HAVE_X86
MG__DEFINE_RELU(avx2, MG_AVX2)
#define MG__RELU_CALL(name, ...) do {                                            \
        if (mg_rng_variant == MG_RNG_AVX2) name##_avx2(__VA_ARGS__);             \
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

#endif /* MINIGRAD_RNG_H */
