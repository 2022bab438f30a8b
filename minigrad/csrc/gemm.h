/*
 * gemm.h -- BLIS-style matrix multiply for minigrad (header-only, GNU C99).
 *
 *     C[M,N]  (= | +=)  A[M,K] @ B[K,N]  (+ bias[N] on every row)  (then ReLU)
 *
 * float32 and float64.  A and B are addressed through arbitrary element strides
 * (A(i,k) = A[i*rsa + k*csa], B(k,j) = B[k*rsb + j*csb]; any int64, negative or 0 included),
 * so transposed operands and numpy views need no copy.  C is row-major: C(i,j) = C[i*ldc + j].
 *
 * Reading order for a student of the code (one job per header):
 *   gemm_kernel.h ..... the bit-identity rule, and the contracts every variant obeys
 *   gemm_pack.h ....... portable packing of A and B into micro-panels
 *   gemm_generic.h .... the portable micro-kernel (plain C, fmaf/fma)
 *   gemm_avx2.h ....... AVX2+FMA micro-kernels (6 x 16) and the transposing packers
 *   gemm_avx512.h ..... AVX-512 micro-kernels (12 x 32 / 12 x 16) and their packers
 *   gemm_dispatch.h ... run-time choice of the variant, the table of variants
 *   gemm.h (this) ..... the K blocking, the plan (blocks, tasks, edge tiles), entry points
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
 * Determinism.  Every element C(i,j) is computed by the rule of gemm_kernel.h:
 *     acc_b = fma-chain over k in K block b (k ascending, from +0)
 *     C = acc_0 [or C_old + acc_0];  C = C + acc_1; ...;  C = C + bias; relu
 * The K blocks depend only on the problem shape (mg_gemm_kc: never on the variant, the thread
 * count or the task shapes), each tile is computed by the variant's one micro-kernel whether
 * it is a full tile or an edge tile (edge tiles run on zero-padded panels into a small
 * scratch tile), and threads only ever split C into disjoint rectangles.  So the bits of C
 * depend neither on how many threads ran nor on which variant (generic, avx2_fma, avx512).
 *
 * Threading is done by the caller (Cython prange / OpenMP) over the task lists exposed by the
 * plan; these headers never start threads themselves and have no mutable global state other
 * than the dispatch choice (an atomic int).  All buffers are per call (one malloc per plan).
 */
#ifndef MG_GEMM_H
#define MG_GEMM_H

#include "gemm_kernel.h"
#include "gemm_dispatch.h"

/* ======================================================================
 * The K blocking (shared by every variant)
 *
 * Where a K block ends is part of the arithmetic (each block's fma chain is added to C), so
 * the block size is a function of (M, K, dtype) only: every variant, thread count and task
 * grid cuts K at the same places.
 *
 * KC: a B micro-panel (KC x NR) should stay near the core while the ir loop streams A
 *     micro-panels past it, and every K block costs one extra load + store of each C tile, so
 *     KC is as large as the caches allow.  float32 384: the AVX2 panel is 384 x 16 x 4 B =
 *     24 KB, in L1 (measured 1-3% faster than 256 on 1024^3 and on the MLP shapes, Zen 3).
 *     The AVX-512 panel is then 48 KB and streams from L2, which costs it nothing measurable:
 *     on Zen 4, KC from 256 to 1024 gave the AVX-512 kernel the same speed within the noise
 *     (+-2%), so the AVX2 optimum stays.  float64 256 (16 KB / 32 KB).
 *     K is split into ceil(K/KC) equal blocks (K=1000 -> 3 x 334, not 384+384+232) so no
 *     step runs a short, inefficient K block.
 * Small M (<= MG_SMALL_M = 512 rows, e.g. a batch of 128 through a Linear layer): float32 KC
 *     goes up to 800, so K <= 800 is one block.  With few rows the ir loop is short, the B
 *     micro-panel is reused only a few times anyway, and what dominates is the per-K-block
 *     cost (a kernel call and a C load+store per tile, one more pass of the B packer):
 *     measured 4-6% faster on x(128,784) @ W(512,784)^T and 1-3% on 512 x 512 x 784, but
 *     3-7% slower on 1024^3, hence the M limit.
 * ====================================================================== */

#ifndef MG_KC_F32
#define MG_KC_F32 384
#endif
#ifndef MG_KC_SMALL_M_F32
#define MG_KC_SMALL_M_F32 800
#endif
#ifndef MG_KC_F64
#define MG_KC_F64 256
#endif
#ifndef MG_KC_SMALL_M_F64
#define MG_KC_SMALL_M_F64 256
#endif
#ifndef MG_SMALL_M
#define MG_SMALL_M 512
#endif
#ifndef MG_PRIVATE_B_MAX_M
#define MG_PRIVATE_B_MAX_M 512     /* see "Shared or private B" in the plan below */
#endif
#ifndef MG_PRIVATE_B_MAX_TM
#define MG_PRIVATE_B_MAX_TM 2
#endif

/* The K blocks of a product with M rows: *n_kb blocks of *kc (the last one possibly shorter),
 * the fewest blocks no longer than the maximum, balanced.  K == 0 is one empty block (it still
 * writes 0 or C_old, plus the bias).  Reported to Python by _ops._gemm_plan_info, so the
 * tests can compute the documented rule exactly. */
MG_API void mg_gemm_k_blocking(int dtype, int64_t M, int64_t K, int64_t *kc, int64_t *n_kb)
{
    const int64_t kc_max = dtype == MG_F32 ? (M <= MG_SMALL_M ? MG_KC_SMALL_M_F32 : MG_KC_F32)
                                           : (M <= MG_SMALL_M ? MG_KC_SMALL_M_F64 : MG_KC_F64);
    *n_kb = K > 0 ? (K + kc_max - 1) / kc_max : 1;
    *kc = K > 0 ? (K + *n_kb - 1) / *n_kb : 0;
}

/* ======================================================================
 * The plan
 *
 * A plan holds one product, its blocking, its task decomposition and its workspace (one
 * malloc).  Work is cut into steps s = (N block, K block) and, within a step, into tasks.
 * The caller runs it as
 *
 *     mg_gemm_plan_init(&p, ..., nthreads)
 *     parallel for t < p.n_pack_tasks:  mg_gemm_pack_task(&p, 0, t)
 *     for s < p.n_steps:
 *         parallel for t < p.n_step_tasks:  mg_gemm_step_task(&p, s, t)
 *     mg_gemm_plan_free(&p)
 *
 * where step task t computes rectangle t of step s and then packs share t of step s+1's B
 * block.  The packed B block is shared by all tasks, so it must be complete before any task
 * reads it: the barrier at the end of each parallel loop provides that.  B is double-buffered
 * (step s uses buffer s % 2) so packing step s+1 can overlap computing step s, and the
 * barrier also guarantees that buffer s % 2 is no longer read when step s+2 packs into it.
 * One barrier per step instead of two.  (mg_gemm_plan_run_serial does the same on the
 * calling thread.)
 *
 * Tasks are a tm x tn grid of rectangles of C whose edges fall on the MR x NR tile grid; they
 * are disjoint, so no two threads write the same element, and the grid shape (which may
 * depend on nthreads) only changes who computes a tile, never how.  Each task owns its A
 * buffer.  The task functions only read the plan, so any number of threads may run them.
 *
 * Shared or private B.  The shared B block saves packing work (each panel is packed once),
 * but costs a barrier per step, and its lines are written by one core and read by the others,
 * so packing them again next step must first take them back from the other caches: measured
 * on a 2-core Zen 4, packing half of a 256 x 256 B block on each of 2 threads took twice as
 * long as packing all of it on one.  So each task packs the B columns it needs into its own
 * buffer and runs every step alone (mg_gemm_task): one parallel loop, no barrier, nothing
 * shared but the read-only A and B, whenever that packs B at most MG_PRIVATE_B_MAX_TM = 2
 * times over (the task grid splits M at most in two: always on 1 or 2 threads), or when M is
 * small (M <= MG_PRIVATE_B_MAX_M = 512: B then weighs little against each task's compute).
 * Measured with 2 threads against a shared B: +25% at 256^3, +8% at 512^3 (float32, best of
 * 300 runs); the duplicated packing shrinks relative to the compute as the sizes grow.  Many
 * threads splitting a large M keep the shared block.  The caller then runs
 *
 *     parallel for t < p.n_tasks:  mg_gemm_task(&p, t)
 *
 * Either way every element is computed by the same micro-kernel calls in the same order.
 * ====================================================================== */

typedef struct mg_gemm_plan {
    /* read by the Cython driver */
    int64_t n_steps;        /* (#N blocks) x (#K blocks); 0 if nothing to do */
    int64_t n_pack_tasks;   /* B-packing tasks per step                      */
    int64_t n_tasks;        /* compute tasks per step                        */
    int64_t n_step_tasks;   /* max(n_tasks, n_pack_tasks)                    */
    int nthreads;           /* useful threads (<= requested)                 */
    int private_b;          /* 1: tasks pack their own B, run mg_gemm_task   */
    int variant;            /* the variant that runs, and its tile (MG_VARIANT_*) */
    int mr, nr;
    /* problem */
    const mg_gemm_kernel *kern;  /* the variant, frozen at init              */
    int es;                 /* element size in bytes                         */
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
    char *bpack[2];         /* shared B: kc x round_up(nc, NR) each (double buffer) */
    char *apack;            /* n_tasks buffers of task_bytes: packed A block, then   */
    size_t apack_bytes;     /* (private B) the task's packed B columns               */
    size_t task_bytes;
    char *bias_pad;         /* round_up(N, NR), zero-padded                  */
} mg_gemm_plan;

/* Geometry of one step, derived from s alone (the plan is never mutated while tasks run). */
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
static inline void mg_split(int64_t n, int64_t parts, int64_t t, int64_t *lo, int64_t *hi)
{
    *lo = n * t / parts;
    *hi = n * (t + 1) / parts;
}

/* Choose the task grid tm x tn = P minimising a simple cost model of the slowest task, in
 * cycles per k: its tiles (2 MR NR flops each, at 32 flops per cycle -- the FMA peak of a
 * core running AVX2, or AVX-512 split into 256-bit halves: MR NR / 16), plus the A rows and
 * the B columns it packs (~1 cycle per element; with private B, a task packs all the B
 * columns of its rectangle, so tasks that split M pack the same B again).  Ties go to
 * splitting M.  Two examples on 2 threads, 12 x 32 tiles: M = 128 is 11 tile rows (6 + 5)
 * but 16 column panels of N = 512 (8 + 8): split N; a batch of 256 through a 784 -> 2048
 * layer would pack its 784 x 2048 B twice if it split M: split N. */
static void mg_choose_grid(int64_t m_tiles, int64_t n_tiles, int64_t P,
                           int mr, int nr, int64_t *tm, int64_t *tn)
{
    int64_t best = -1;
    *tm = 1; *tn = 1;
    for (int64_t a = P; a >= 1; a--) {
        if (P % a) continue;
        const int64_t b = P / a;
        const int64_t mt = mg_cdiv(m_tiles, a), nt = mg_cdiv(n_tiles, b);
        const int64_t cost = (int64_t)mr * nr * mt * nt / 16 + mr * mt + nr * nt;
        if (best < 0 || cost < best) { best = cost; *tm = a; *tn = b; }
    }
}

/* The variant that computes an M x N product.  A product at most one AVX2 tile wide or high
 * (N <= 16 floats / 8 doubles, or M <= 6) would leave at least half of every 12 x 32 AVX-512
 * tile as padding (the output layer of a classifier: N = 10), so it runs on the AVX2 tile
 * instead: at the same speed per lane on cores that split 512-bit FMAs, and no slower on cores
 * that do not.  The bits do not change (gemm_kernel.h): only which instructions compute them. */
static int mg_gemm_narrow_variant(int variant, int dtype, int64_t M, int64_t N)
{
#if MG_HAVE_X86_KERNELS
    const mg_gemm_kernel *avx2 = &mg_gemm_kernels[MG_VARIANT_AVX2_FMA][dtype];
    if (variant == MG_VARIANT_AVX512 && (N <= avx2->nr || M <= avx2->mr))
        return MG_VARIANT_AVX2_FMA;      /* supported: AVX-512F CPUs all have AVX2 and FMA */
#endif
    (void)dtype; (void)M; (void)N;
    return variant;
}

MG_API void mg_gemm_plan_free(mg_gemm_plan *p)
{
    free(p->ws);
    p->ws = NULL;
}

/*
 * Set up a product.  Returns MG_OK, MG_EINVAL (bad dtype / negative sizes) or MG_ENOMEM.  On
 * error nothing needs freeing (but mg_gemm_plan_free is harmless).  nthreads only shapes the
 * task grid; the result does not depend on it.  bias: N contiguous elements or NULL.
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
    p->variant = mg_gemm_narrow_variant(mg_gemm_get_variant(), dtype, M, N);
    const mg_gemm_kernel *kern = &mg_gemm_kernels[p->variant][dtype];
    const int es = dtype == MG_F32 ? 4 : 8;
    p->kern = kern;
    p->mr = kern->mr; p->nr = kern->nr;
    p->es = es;
    p->M = M; p->N = N; p->K = K;
    p->A = (const char *)A; p->rsa = rsa; p->csa = csa;
    p->B = (const char *)B; p->rsb = rsb; p->csb = csb;
    p->C = (char *)C; p->ldc = ldc;
    p->flags = flags & (MG_ACCUMULATE | MG_RELU);
    p->has_bias = bias != NULL;
    /* K blocking: a function of M, K and dtype only (never of the variant or nthreads). */
    mg_gemm_k_blocking(dtype, M, K, &p->kc, &p->n_kb);
    if (M == 0 || N == 0)
        return MG_OK;                       /* n_steps = 0: nothing to do */

    p->nc = N < kern->nc ? N : kern->nc;
    p->n_nb = mg_cdiv(N, p->nc);
    p->n_steps = p->n_kb * p->n_nb;

    /* Task grid.  Never more tasks than tiles. */
    const int64_t m_tiles = mg_cdiv(M, kern->mr);
    const int64_t n_tiles = mg_cdiv(p->nc, kern->nr);
    int64_t P = nthreads < 1 ? 1 : nthreads;
    if (P > m_tiles * n_tiles) P = m_tiles * n_tiles;
    mg_choose_grid(m_tiles, n_tiles, P, kern->mr, kern->nr, &p->tm, &p->tn);
    p->n_tasks = p->tm * p->tn;
    p->nthreads = (int)P;
    p->private_b = p->tm <= MG_PRIVATE_B_MAX_TM || M <= MG_PRIVATE_B_MAX_M;
    p->n_pack_tasks = p->private_b ? 0 : P < n_tiles ? P : n_tiles;
    p->n_step_tasks = p->n_tasks > p->n_pack_tasks ? p->n_tasks : p->n_pack_tasks;

    /* Workspace: the shared packed B blocks (2 if there is a next step to overlap), one
     * buffer per task (its packed A block, and its packed B columns if B is private), the
     * padded bias. */
    const int64_t kc1 = p->kc > 0 ? p->kc : 1;
    const int64_t b_panels = p->private_b ? mg_cdiv(n_tiles, p->tn) : n_tiles;
    const size_t bbytes = mg_round_align((size_t)(kc1 * b_panels * kern->nr * es));
    const int nbuf = p->private_b ? 0 : p->n_steps > 1 ? 2 : 1;
    const int64_t mrows = mg_cdiv(m_tiles, p->tm) * kern->mr;      /* per task */
    const int64_t mcap = mrows < kern->mc ? mrows : kern->mc;
    p->apack_bytes = mg_round_align((size_t)(kc1 * mcap * es));
    p->task_bytes = p->apack_bytes + (p->private_b ? bbytes : 0);
    const size_t biasbytes = bias ? mg_round_align((size_t)(mg_cdiv(N, kern->nr) * kern->nr * es)) : 0;
    const size_t total = nbuf * bbytes + p->task_bytes * (size_t)p->n_tasks + biasbytes;

    void *ws = NULL;
    if (posix_memalign(&ws, MG_ALIGN, total) != 0 || ws == NULL)
        return MG_ENOMEM;
    p->ws = ws;
    p->bpack[0] = (char *)ws;
    p->bpack[1] = p->bpack[0] + (nbuf > 1 ? bbytes : 0);
    p->apack = p->bpack[0] + nbuf * bbytes;
    p->bias_pad = NULL;
    if (bias) {
        p->bias_pad = p->apack + p->task_bytes * (size_t)p->n_tasks;
        memset(p->bias_pad, 0, biasbytes);
        memcpy(p->bias_pad, bias, (size_t)(N * es));
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
    /* First K block overwrites C unless the user accumulates; later K blocks add to it; the
     * last one adds the bias and applies ReLU. */
    const int last = kb == p->n_kb - 1;
    st->flags = (kb > 0 || (p->flags & MG_ACCUMULATE)) ? MG_ACCUMULATE : 0;
    if (last && (p->flags & MG_RELU))
        st->flags |= MG_RELU;
    st->bias = last && p->has_bias;
    st->bpack = p->bpack[s & 1];
}

/* Pack share t (of n_pack_tasks) of step s's B block.  No-op for t out of range, so a caller
 * may pass any t < n_step_tasks. */
MG_API void mg_gemm_pack_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    if (s >= p->n_steps || t >= p->n_pack_tasks)
        return;
    const mg_gemm_kernel *kern = p->kern;
    const int es = p->es, NR = kern->nr;
    mg_step st;
    mg_step_geometry(p, s, &st);
    const int64_t npanels = mg_cdiv(st.ncur, NR);
    int64_t lo, hi;
    mg_split(npanels, p->n_pack_tasks, t, &lo, &hi);
    if (lo >= hi || st.kcur == 0)
        return;
    const int64_t j0 = lo * NR;
    const int64_t ncols = (hi * NR < st.ncur ? hi * NR : st.ncur) - j0;
    const char *src = p->B + (st.pc * p->rsb + (st.jc + j0) * p->csb) * es;
    kern->pack_b(src, p->rsb, p->csb, st.kcur, ncols, st.bpack + lo * st.kcur * NR * es);
}

/* Macro-kernel: C[i0:i0+mc, j0:j0+nc] op= packed A block @ packed B panels.  Full tiles are
 * written in place; edge tiles go through a scratch tile, with the same micro-kernel, so no
 * element is computed differently.  Loop order jr-outer/ir-inner keeps one B micro-panel near
 * the core across the A panels. */
static void mg_macro_kernel(const mg_gemm_plan *p, const mg_step *st,
                            int64_t i0, int64_t mc, int64_t j0, int64_t nc,
                            const char *apack, const char *bpack)
{
    const mg_gemm_kernel *kern = p->kern;
    const int es = p->es, MR = kern->mr, NR = kern->nr;
    const mg_ukr_fn ukr = kern->ukr;
    const int64_t kc = st->kcur, ldc = p->ldc;
    const int flags = st->flags;
    char tmp[MG_TILE_MAX_BYTES] __attribute__((aligned(MG_ALIGN)));

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
            ukr(kc, ap, bp, dst, ld, bias, flags);
            if (edge)
                for (int64_t i = 0; i < mr; i++)
                    memcpy(c + i * ldc * es, tmp + i * NR * es, (size_t)(nr * es));
        }
    }
}

/* The rectangle of C that task t computes in step st: rows [i0, i1), columns [j0, j1) of
 * the step's N block.  Returns 0 if it is empty (more tasks than tiles in that block). */
static int mg_task_rect(const mg_gemm_plan *p, const mg_step *st, int64_t t,
                        int64_t *i0, int64_t *i1, int64_t *j0, int64_t *j1)
{
    const int MR = p->kern->mr, NR = p->kern->nr;
    int64_t mlo, mhi, nlo, nhi;
    mg_split(mg_cdiv(p->M, MR), p->tm, t / p->tn, &mlo, &mhi);
    mg_split(mg_cdiv(st->ncur, NR), p->tn, t % p->tn, &nlo, &nhi);
    *i0 = mlo * MR; *i1 = mhi * MR < p->M ? mhi * MR : p->M;
    *j0 = nlo * NR; *j1 = nhi * NR < st->ncur ? nhi * NR : st->ncur;
    return *i0 < *i1 && *j0 < *j1;
}

/* C[i0:i1, jc+j0 : jc+j1] for step st, the B panels of those columns at bpack. */
static void mg_compute_rect(const mg_gemm_plan *p, const mg_step *st, int64_t i0, int64_t i1,
                            int64_t j0, int64_t j1, char *apack, const char *bpack)
{
    const mg_gemm_kernel *kern = p->kern;
    for (int64_t ic = i0; ic < i1; ic += kern->mc) {
        const int64_t mc = i1 - ic < kern->mc ? i1 - ic : kern->mc;
        if (st->kcur > 0)
            kern->pack_a(p->A + (ic * p->rsa + st->pc * p->csa) * p->es,
                         p->rsa, p->csa, mc, st->kcur, apack);
        mg_macro_kernel(p, st, ic, mc, st->jc + j0, j1 - j0, apack, bpack);
    }
}

/* Shared B: compute task t (of n_tasks) of step s, its rectangle of C.  Needs step s's B
 * block packed.  No-op for t out of range. */
MG_API void mg_gemm_compute_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    if (s >= p->n_steps || t >= p->n_tasks)
        return;
    mg_step st;
    mg_step_geometry(p, s, &st);
    int64_t i0, i1, j0, j1;
    if (!mg_task_rect(p, &st, t, &i0, &i1, &j0, &j1))
        return;
    mg_compute_rect(p, &st, i0, i1, j0, j1, p->apack + (size_t)t * p->task_bytes,
                    st.bpack + (j0 / p->kern->nr) * st.kcur * p->kern->nr * p->es);
}

/* Private B: all of task t's share of the product, every step, packing the B columns it
 * needs into its own buffer.  No-op for t out of range. */
MG_API void mg_gemm_task(const mg_gemm_plan *p, int64_t t)
{
    if (t >= p->n_tasks || !p->private_b)
        return;
    char *apack = p->apack + (size_t)t * p->task_bytes;
    char *bpack = apack + p->apack_bytes;
    for (int64_t s = 0; s < p->n_steps; s++) {
        mg_step st;
        mg_step_geometry(p, s, &st);
        int64_t i0, i1, j0, j1;
        if (!mg_task_rect(p, &st, t, &i0, &i1, &j0, &j1))
            continue;
        if (st.kcur > 0)
            p->kern->pack_b(p->B + (st.pc * p->rsb + (st.jc + j0) * p->csb) * p->es,
                            p->rsb, p->csb, st.kcur, j1 - j0, bpack);
        mg_compute_rect(p, &st, i0, i1, j0, j1, apack, bpack);
    }
}

/* Step task t of step s: compute rectangle t of step s, then pack share t of step s+1's B
 * block into the other buffer. */
MG_API void mg_gemm_step_task(const mg_gemm_plan *p, int64_t s, int64_t t)
{
    mg_gemm_compute_task(p, s, t);
    mg_gemm_pack_task(p, s + 1, t);
}

/* Run every task on the calling thread. */
MG_API void mg_gemm_plan_run_serial(const mg_gemm_plan *p)
{
    if (p->private_b) {
        for (int64_t t = 0; t < p->n_tasks; t++)
            mg_gemm_task(p, t);
        return;
    }
    for (int64_t t = 0; t < p->n_pack_tasks; t++)
        mg_gemm_pack_task(p, 0, t);
    for (int64_t s = 0; s < p->n_steps; s++)
        for (int64_t t = 0; t < p->n_step_tasks; t++)
            mg_gemm_step_task(p, s, t);
}

/* ======================================================================
 * One-call serial entry points (thread-safe: everything is per call).  Bit-identical to the
 * parallel plan for the same inputs.
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
