/*
 * philox.h -- the counter-based random-number generator behind every random kernel
 * (random_fills.h: random_bits / uniform / normal; dropout.h: dropout and Bernoulli masks).
 *
 * Why a header of its own: the generator is the one piece those kernels share, and the one part
 * that differs between CPU variants.  Here are the stream every kernel reads and the block
 * generators of each variant; what a kernel makes of the words is in its own header, written once
 * for every variant (so the variants cannot disagree).
 *
 * ------------------------------------------------------------------------
 * The generator: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, SC'11), same constants as
 * Random123 / PyTorch's CUDA Philox.  It is a pure function
 *     block = philox(counter[4 x u32], key[2 x u32]) -> 4 x u32
 * so any element of any stream can be computed independently: the output never depends on how
 * the work is split into chunks or threads.
 *
 *   key     = (seed & 0xffffffff, seed >> 32)
 *   counter = (b & 0xffffffff, b >> 32, offset & 0xffffffff, offset >> 32)
 *
 * where `seed` and `offset` are 64-bit numbers supplied by the caller (the framework bumps
 * `offset` once per call) and b is the 64-bit block index.
 *
 * THE WORD STREAM.  Concatenating blocks 0, 1, 2, ... gives one stream of 32-bit words
 * s[k] = word (k % 4) of block (k / 4).  Every random kernel reads this one stream; how each turns
 * words into its elements is documented at the top of random_fills.h and dropout.h.
 *
 * Variants (mg_rng_variant, cpu_dispatch.h), all giving the same blocks:
 *   MG_V_SCALAR   one block per call: the plain reference the others are tested against.
 *   MG_V_GENERIC  portable C, eight blocks interleaved for instruction-level parallelism.
 *   MG_V_AVX2     sixteen blocks per call with AVX2 intrinsics.
 *   MG_V_AVX512   thirty-two blocks per call with AVX-512 intrinsics.
 */
#ifndef MINIGRAD_PHILOX_H
#define MINIGRAD_PHILOX_H

#include <stdint.h>
#include <string.h>

#include "cpu_dispatch.h"

/* ------------------------------------------------------------------------
 * Philox4x32-10 constants (Random123).
 * M0, M1: the round multipliers; W0, W1: the Weyl key increments (golden ratio and sqrt(3)-1 in
 * 32-bit fixed point). */
#define MG_PHILOX_M0 0xD2511F53u
#define MG_PHILOX_M1 0xCD9E8D57u
#define MG_PHILOX_W0 0x9E3779B9u
#define MG_PHILOX_W1 0xBB67AE85u

/* Everything that is constant during one call: the key and the two high counter words (the
 * offset). */
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
static inline void mg__block_scalar(uint64_t b, const mg_philox_ctx *c, uint32_t out[4])
{
    uint32_t ctr[4] = { (uint32_t)b, (uint32_t)(b >> 32), c->o0, c->o1 };
    uint32_t key[2] = { c->k0, c->k1 };
    mg_philox4x32_10(ctr, key, out);
}

/* ------------------------------------------------------------------------
 * Block generators.  The variants differ only in how many blocks they compute at once and how.
 * Block indices wrap mod 2^64 like the counter. */

/* GENERIC: eight blocks interleaved, in portable C.  One block alone is a chain of 10 dependent
 * multiplies; interleaving eight independent chains lets an out-of-order core overlap them (~25%
 * faster than one block at a time on Zen 3).  Auto-vectorization is switched off for this
 * function (GCC only): with SSE2 only, GCC emulates the 32x32->64 lane products with three
 * multiplies each and the result is 2x slower than scalar code. */
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

#if MG_CPU_X86
/* AVX2: sixteen blocks at once, as four "sets" of four blocks.
 *
 * _mm256_mul_epu32 multiplies the LOW 32 bits of each 64-bit lane and gives the full 64-bit
 * product.  So each 64-bit lane carries one block, with the live 32-bit word in its low half (the
 * high half is ignored garbage): set s, lane l is block b0 + 4s + l, and registers c0..c3 of the
 * set hold the four counter words.  One round is then
 *     p0 = M0 * c0, p1 = M1 * c2                (lo in low, hi in high half)
 *     c0 = (p1 >> 32) ^ c1 ^ k0,  c1 = p1        (only p1's low half matters)
 *     c2 = (p0 >> 32) ^ c3 ^ k1,  c3 = p0
 * i.e. 2 multiplies, 2 shifts and 4 xors per set and round, with no shuffling at all
 * (recombining even/odd lanes each round, the textbook approach, costs 25% more).  Four
 * independent sets hide the 5-cycle dependency chain of a round; their 16 state registers fill
 * the register file, so the round keys are broadcast from memory (mg_philox_ctx.ks) rather than
 * kept in registers (7% faster than updating them in place).  Measured on Zen 3: ~2.5 ns per
 * block per core.
 *
 * Output: lo[s] = (block 4s | block 4s+2) and hi[s] = (block 4s+1 | block 4s+3), each 128-bit
 * half being one block's words 0..3 in order. */
MG_SIMD_INLINE_AVX2 void mg__philox16_avx2(uint64_t b0, const mg_philox_ctx *c,
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
MG_SIMD_AVX2 static void mg__gen16_avx2(uint64_t b0, const mg_philox_ctx *c, uint32_t *out)
{
    __m256i lo[4], hi[4];
    mg__philox16_avx2(b0, c, lo, hi);
    for (int s = 0; s < 4; s++) {
        /* blocks 4s, 4s+1 then 4s+2, 4s+3 */
        _mm256_storeu_si256((__m256i *)(out + 16 * s), _mm256_permute2x128_si256(lo[s], hi[s], 0x20));
        _mm256_storeu_si256((__m256i *)(out + 16 * s + 8), _mm256_permute2x128_si256(lo[s], hi[s], 0x31));
    }
}

/* AVX-512: thirty-two blocks at once, as four sets of eight, one block per 64-bit lane exactly
 * as in the AVX2 version (see there).  Two instructions make it cheaper per block than twice the
 * AVX2 code: vpternlogd computes the three-way xor (p >> 32) ^ c ^ k in one instruction instead
 * of two, so a set costs 6 instructions per round instead of 8; and with 32 vector registers the
 * 16 state registers leave room for the constants.
 *
 * Output: w[j], j = 0..7, holds blocks b0 + 4j .. b0 + 4j + 3 in order, i.e. the 16 consecutive
 * stream words s[4*b0 + 16j .. 4*b0 + 16j + 15], lowest word in the lowest lane.  So a consumer
 * reads elements in stream order straight from the registers: 32 halves (16-bit dropout path)
 * or 16 words (32-bit path, fills) per register. */
MG_SIMD_INLINE_AVX512 void mg__philox32_avx512(uint64_t b0, const mg_philox_ctx *c, __m512i w[8])
{
    __m512i c0[4], c1[4], c2[4], c3[4];
    const __m512i base = _mm512_add_epi64(_mm512_set1_epi64((long long)b0),
                                          _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) {
        __m512i ctr = _mm512_add_epi64(base, _mm512_set1_epi64(8 * s));
        c0[s] = ctr;
        c1[s] = _mm512_srli_epi64(ctr, 32);
        c2[s] = _mm512_set1_epi32((int)c->o0);
        c3[s] = _mm512_set1_epi32((int)c->o1);
    }
    const __m512i m0 = _mm512_set1_epi64(MG_PHILOX_M0);
    const __m512i m1 = _mm512_set1_epi64(MG_PHILOX_M1);
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
        const __m512i k0 = _mm512_set1_epi32((int)c->ks[r][0]);
        const __m512i k1 = _mm512_set1_epi32((int)c->ks[r][1]);
#pragma GCC unroll 4
        for (int s = 0; s < 4; s++) {
            __m512i p0 = _mm512_mul_epu32(c0[s], m0);
            __m512i p1 = _mm512_mul_epu32(c2[s], m1);
            /* 0x96: the truth table of a ^ b ^ c */
            c0[s] = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p1, 32), c1[s], k0, 0x96);
            c2[s] = _mm512_ternarylogic_epi32(_mm512_srli_epi64(p0, 32), c3[s], k1, 0x96);
            c1[s] = p1;
            c3[s] = p0;
        }
    }
    /* To stream order.  x: each 64-bit lane = (w0, w1) of its block -- the odd 32-bit lanes take
     * c1's low words (shuffle pattern CCAA copies each even 32-bit lane to the odd one above it,
     * and the mask 0xAAAA writes only the odd lanes); y likewise (w2, w3).  Then blocks 0..3 of
     * the set are lanes x0 y0 x1 y1 x2 y2 x3 y3, and blocks 4..7 lanes x4 y4 ... x7 y7. */
    const __m512i first4 = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i last4 = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
#pragma GCC unroll 4
    for (int s = 0; s < 4; s++) {
        __m512i x = _mm512_mask_shuffle_epi32(c0[s], 0xAAAA, c1[s], _MM_PERM_CCAA);
        __m512i y = _mm512_mask_shuffle_epi32(c2[s], 0xAAAA, c3[s], _MM_PERM_CCAA);
        w[2 * s] = _mm512_permutex2var_epi64(x, first4, y);
        w[2 * s + 1] = _mm512_permutex2var_epi64(x, last4, y);
    }
}

/* 32 blocks = 128 words into out. */
MG_SIMD_AVX512 static void mg__gen32_avx512(uint64_t b0, const mg_philox_ctx *c, uint32_t *out)
{
    __m512i w[8];
    mg__philox32_avx512(b0, c, w);
    for (int j = 0; j < 8; j++)
        _mm512_storeu_si512((void *)(out + 16 * j), w[j]);
}
#endif /* MG_CPU_X86 */

static inline int64_t mg__min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Blocks b0 .. b0+nb-1 into out (4*nb words), with the given variant: out[4*j + w] = word w of
 * block b0+j, i.e. exactly the words s[4*b0 .. 4*(b0+nb)) of the word stream. */
static void mg__blocks(int variant, const mg_philox_ctx *c, uint64_t b0, int64_t nb,
                       uint32_t *out)
{
    uint32_t tmp[128];
    int64_t j = 0;
    /* whole groups of `step` blocks straight into out, the last partial group
     * through tmp. */
#define MG__GEN_GROUPS(step, fn)                                                 \
    do {                                                                         \
        for (; j + (step) <= nb; j += (step))                                    \
            fn(b0 + (uint64_t)j, c, out + 4 * j);                                \
        if (j < nb) {                                                            \
            fn(b0 + (uint64_t)j, c, tmp);                                        \
            memcpy(out + 4 * j, tmp, (size_t)(nb - j) * 16);                     \
        }                                                                        \
    } while (0)
    switch (variant) {
#if MG_CPU_X86
    case MG_V_AVX512: MG__GEN_GROUPS(32, mg__gen32_avx512); return;
    case MG_V_AVX2: MG__GEN_GROUPS(16, mg__gen16_avx2); return;
#endif
    case MG_V_GENERIC: MG__GEN_GROUPS(8, mg__gen8_generic); return;
    default:
        for (; j < nb; j++)
            mg__block_scalar(b0 + (uint64_t)j, c, out + 4 * j);
    }
#undef MG__GEN_GROUPS
}

/* Known-answer / cross-variant test hook: blocks first_block .. +nblocks-1 with the current
 * variant.  first_block may be anything (e.g. just below 2^32 so that SIMD lanes see the low->high
 * counter carry). */
MG_FN void mg_philox_blocks(uint32_t *out, uint64_t first_block, int64_t nblocks,
                            uint64_t seed, uint64_t offset)
{
    mg_philox_ctx c = mg_philox_make_ctx(seed, offset);
    mg__blocks(mg_rng_variant, &c, first_block, nblocks, out);
}

#endif /* MINIGRAD_PHILOX_H */
