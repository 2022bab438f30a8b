"""Thread control for the compiled kernels: ``set_num_threads`` / ``get_num_threads``.

The kernels split their work in fixed chunks (see ``_ops.pyx``), so results are bit-identical
whatever the thread count; the count only changes speed. The default is the number of cores this
process may use, or ``OMP_NUM_THREADS`` when it is set.
"""
import numbers

from . import _ops

__all__ = ["set_num_threads", "get_num_threads", "openmp_enabled"]


def set_num_threads(n):
    """Use ``n`` threads in the compiled kernels (1 <= n <= 1024). Results are bit-identical for every
    ``n`` (the work is split in fixed chunks); only the speed changes.

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
    _ops.set_num_threads(int(n))


def get_num_threads():
    """The number of threads the compiled kernels use (by default the cores this process may use, or
    ``OMP_NUM_THREADS``).

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
