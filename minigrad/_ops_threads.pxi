# The thread count of the kernels (included by _ops.pyx, before the kernels, which read it as
# `_num_threads`). The rule (documented in minigrad/parallel.py, where users read it):
#   * never more than MAX_THREADS: libgomp cannot create ~10^5 threads and exits the process when
#     it fails to, so larger requests are refused (set_num_threads) or clamped (OMP_NUM_THREADS);
#   * never more than the machine can start: before a count is accepted, csrc/threads.h's probe
#     starts that many threads at once; if it cannot, the count falls to half of what it
#     could start (the other half of the memory is left to the program), with a warning;
#   * a forked child's thread that inherited a (dead) libgomp pool runs the kernels serially.
# `_num_threads` is a call to mg_kernel_threads(), which applies the fork rule for the calling
# thread.
MAX_THREADS = 1024

cdef extern from "threads.h" nogil:
    int _num_threads "mg_kernel_threads()"
    int mg_num_threads
    int mg_threads_of_this_thread()
    int mg_this_thread_forked_serial()
    int mg_install_fork_handler()
    int mg_probe_threads(int n, size_t stack_bytes)

if mg_install_fork_handler() != 0:  # pragma: no cover - only when the C library runs out of memory
    raise ImportError("minigrad: cannot install the fork handler (pthread_atfork failed)")


def _requested_num_threads():
    """(count, warning) at import: OMP_NUM_THREADS when it is a positive integer (its first entry,
    as in "4,2"), at most MAX_THREADS (with a warning when clamped); else the usable cores (the
    affinity mask)."""
    env = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n > MAX_THREADS:
            return MAX_THREADS, (f"OMP_NUM_THREADS={n} is more threads than minigrad uses "
                                 f"(at most {MAX_THREADS}); using {MAX_THREADS}")
        if n >= 1:
            return n, None
    try:
        return max(1, len(os.sched_getaffinity(0))), None
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1), None


def _omp_stack_bytes():
    """The stack size libgomp gives its threads: OMP_STACKSIZE (or GOMP_STACKSIZE) as libgomp
    reads it (a number with an optional B/K/M/G suffix, K by default), else 0 (the default)."""
    for name in ("OMP_STACKSIZE", "GOMP_STACKSIZE"):
        text = os.environ.get(name, "").strip().upper()
        if not text:
            continue
        unit, suffix = 1024, text[len(text) - 1]  # (no negative indices: wraparound is off)
        if suffix in "BKMG":
            unit = {"B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[suffix]
            text = text[:len(text) - 1].strip()
        try:
            n = int(text)
        except ValueError:
            return 0  # libgomp ignores a value it cannot read
        return max(0, min(n * unit, (1 << 62)))
    return 0


def _startable_num_threads(int n):
    """(count, warning): n if a pool of n threads can be started now, else half of what could."""
    cdef int started
    if n <= 1 or not MG_OPENMP:
        return n, None
    cdef size_t stack = _omp_stack_bytes()
    with nogil:
        started = mg_probe_threads(n - 1, stack)  # the calling thread is the pool's first
    if started == n - 1:
        return n, None
    usable = max(1, (started + 1) // 2)
    return usable, (f"cannot start {n} threads (only {started + 1} could be started: a memory or "
                    f"thread limit); using {usable}")


def _initial_num_threads():
    n, warning = _requested_num_threads()
    n, probe_warning = _startable_num_threads(n)
    return n, "; ".join(w for w in (warning, probe_warning) if w) or None


_num_threads_at_import, _import_warning = _initial_num_threads()
mg_num_threads = _num_threads_at_import
if _import_warning is not None:
    import warnings
    warnings.warn(f"minigrad: {_import_warning}", RuntimeWarning, stacklevel=2)


def set_num_threads(n):
    """Use n threads, 1 <= n <= MAX_THREADS, or fewer if the machine cannot start n. Returns
    (count used, warning text or None). (minigrad.set_num_threads checks its argument first,
    with PyTorch's messages, and issues the warning.)"""
    global mg_num_threads
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number of threads must be an int, got {type(n).__name__}")
    if n < 1 or n > MAX_THREADS:
        raise ValueError(f"number of threads must be between 1 and {MAX_THREADS}, got {n}")
    count, warning = _startable_num_threads(n)
    mg_num_threads = count
    return count, warning


def get_num_threads():
    """Threads the kernels use when called from this thread (1 in a forked child's thread that
    inherited a libgomp pool, see threads.h)."""
    return mg_threads_of_this_thread()


def _forked_serial():
    """True if this thread is a forked child's copy of a thread that may own a libgomp pool."""
    return bool(mg_this_thread_forked_serial())
