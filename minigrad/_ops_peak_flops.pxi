# The machine's measured peak float32 FLOP rate (included by _ops.pyx): benchmarks/run.py sets
# every GEMM's GFLOP/s against it. Not used by the framework itself.

cdef extern from "peak_flops.h" nogil:
    float mg_peak_fma_f32(int v, int64_t iters)
    int64_t mg_peak_flops_per_iter(int v)


def peak_gflops(threads=1, variant=None, seconds=0.05, repeats=5):
    """Peak float32 GFLOP/s of `threads` cores, each running independent chains of fused
    multiply-adds (csrc/peak_flops.h) and nothing else: the best of `repeats` runs of about
    `seconds` each. `variant` ('generic', 'avx2', 'avx512'; default: the widest this CPU
    supports) picks the vector width."""
    import time
    if isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads <= MAX_THREADS:
        raise ValueError(f"threads must be an int in [1, {MAX_THREADS}], got {threads!r}")
    if variant is None:
        variant = mg_variant_name(mg_cpu_best_variant()).decode()
    if variant not in ("generic", "avx2", "avx512"):
        raise ValueError(f"unknown variant {variant!r}; expected 'generic', 'avx2' or 'avx512'")
    cdef int v = _RNG_VARIANTS[variant]
    if not mg_cpu_supports(v):
        raise ValueError(f"this CPU cannot run the {variant} variant")
    cdef int nt = threads, t
    cdef int64_t iters = 1 << 12
    cdef float sink = 0.0
    cdef double elapsed = 0.0
    # Grow the iteration count until one run takes `seconds` (timer and thread start-up are then
    # noise), then keep the best of `repeats` runs: other tenants only ever slow the loop down.
    best = 0.0
    runs = 0
    while runs < repeats:
        t0 = time.perf_counter()
        for t in prange(nt, schedule='static', nogil=True, num_threads=nt):
            sink += mg_peak_fma_f32(v, iters)
        elapsed = time.perf_counter() - t0
        if elapsed < seconds and iters < (1 << 40):
            iters *= 2
            continue
        best = max(best, nt * iters * mg_peak_flops_per_iter(v) / elapsed / 1e9)
        runs += 1
    if sink != sink:  # never true (the chains converge to 1); keeps the loop's result alive
        raise RuntimeError("peak loop diverged")
    return best
