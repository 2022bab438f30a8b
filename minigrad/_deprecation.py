"""``warn_once``: the deprecation warnings that PyTorch gives once per process (its C++
``TORCH_WARN_ONCE``: ``cross`` without ``dim``, ``meshgrid`` without ``indexing``, ``x.T``
on a tensor that is not 2-D, ``chain_matmul`` ...), given once per process here too."""
import warnings

__all__ = ["warn_once"]

_WARNED = set()


def warn_once(message, stacklevel=2):
    """A UserWarning with ``message``, the first time only (``stacklevel`` as for
    ``warnings.warn``, counted from the caller of ``warn_once``)."""
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)
