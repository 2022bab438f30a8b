"""Thread control for the compiled kernels: ``set_num_threads`` / ``get_num_threads``.

The kernels split their work in fixed chunks (see ``_ops.pyx``), so results are bit-identical
whatever the thread count; the count only changes speed. The default is the number of cores this
process may use, or ``OMP_NUM_THREADS`` when it is set.

A thread count never ends the process. (OpenMP's runtime, libgomp, exits with "Thread creation
failed" when it cannot start the threads it was asked for, and a process forked after a parallel
kernel would hang on its next one.) The rules:

* At most 1024 threads: ``set_num_threads(n)`` with a larger ``n`` raises ``RuntimeError``, and a
  larger ``OMP_NUM_THREADS`` is clamped to 1024 with a ``RuntimeWarning``.
* Only as many as the machine can start: before a count is used (at import and in
  ``set_num_threads``), minigrad starts that many threads at once, with the stack size OpenMP
  will give them. If some cannot be started (a memory limit such as ``ulimit -v``, a limit on
  threads), the count falls to half of what could be started, leaving the rest of the memory to
  the program, and a ``RuntimeWarning`` says so. (The check is made when the count is set: memory
  taken by the program afterwards, or many Python threads that each run kernels with their own
  thread team, can still exhaust a tight limit.)
* After ``fork`` (``multiprocessing``'s default start method on Linux), the child's thread that
  called ``fork`` runs the kernels on one thread if it had used several before (OpenMP's worker
  threads do not survive ``fork``, and waiting for them would hang); ``get_num_threads()`` there
  returns 1. Threads started in the child use the full count. Results are the same either way.
"""
import numbers
import warnings

from . import _ops

__all__ = ["set_num_threads", "get_num_threads", "openmp_enabled"]


def set_num_threads(n):
    """Use ``n`` threads in the compiled kernels (1 <= n <= 1024). Results are bit-identical for every
    ``n`` (the work is split in fixed chunks); only the speed changes. If the machine cannot start
    ``n`` threads, fewer are used, with a ``RuntimeWarning`` (see the module's notes).

    Example::

        >>> n = minigrad.get_num_threads()
        >>> minigrad.set_num_threads(1)
        >>> minigrad.get_num_threads()
        1
        >>> minigrad.set_num_threads(n)
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    if n > _ops.MAX_THREADS:
        raise RuntimeError(f"set_num_threads supports at most {_ops.MAX_THREADS} threads, but got {n}")
    count, warning = _ops.set_num_threads(int(n))
    if warning is not None:
        warnings.warn(f"set_num_threads: {warning}", RuntimeWarning, stacklevel=2)
    if _ops._forked_serial() and count > 1:
        warnings.warn(
            "set_num_threads: this thread was forked from a process that had run parallel kernels "
            "on it, and OpenMP's threads do not survive fork: kernels called from this thread "
            f"keep running on one thread (threads started in this process use {count})",
            RuntimeWarning, stacklevel=2)


def get_num_threads():
    """The number of threads the compiled kernels use when called from this thread (by default the
    cores this process may use, or ``OMP_NUM_THREADS``; 1 in a forked child, see the module's notes).

    Example::

        >>> minigrad.get_num_threads() >= 1
        True
    """
    return _ops.get_num_threads()


def openmp_enabled():
    """True if the kernels were compiled with OpenMP (else they run on one thread).

    Example::

        >>> isinstance(minigrad.parallel.openmp_enabled(), bool)
        True
    """
    return _ops.openmp_enabled()
