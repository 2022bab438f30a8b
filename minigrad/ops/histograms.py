"""Counting: ``bincount``, ``histc`` and ``histogram`` (no gradient).
"""
import numpy as np

from .._dtype import scalar_type_name
from ..tensor import Tensor, _wrap
from ._util import _not_implemented, return_type

__all__ = ["bincount", "histc", "histogram"]


def bincount(input, weights=None, minlength=0):
    """The number of occurrences of each value 0, 1, ... in the 1-d non-negative integer
    ``input`` (summing ``weights`` instead of counting, if given).

    Example::

        >>> minigrad.bincount(minigrad.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
    """
    a = input._data
    if a.ndim != 1 or a.dtype.kind not in "iub" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out_dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return _wrap(np.bincount(a, weights=w.astype(np.float64), minlength=minlength)
                 .astype(out_dtype))


def histc(input, bins=100, min=0, max=0):  # noqa: A002
    """A histogram of ``input`` with ``bins`` equal bins between ``min`` and ``max`` (the data's
    range when both are 0); elements outside are ignored. Floating point only.

    Example::

        >>> minigrad.histc(minigrad.tensor([1., 2., 1.]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                  f"'{scalar_type_name(a.dtype)}'")
    if bins <= 0:
        raise RuntimeError("torch.histc(): bins must be > 0, but got "
                           f"{bins} for dimension 0".replace("torch.", "minigrad."))
    lo, hi = float(min), float(max)
    finite = a[np.isfinite(a)]
    if lo == hi and finite.size:
        lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc(): max must be larger than min, but got min {min} max "
                           f"{max}".replace("torch.", "minigrad."))
    counts, _ = np.histogram(finite, bins=bins, range=(lo, hi))
    return _wrap(counts.astype(a.dtype))


_Histogram = return_type("histogram", ("hist", "bin_edges"))


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """A histogram of ``input``: ``(hist, bin_edges)``, with ``bins`` equal bins over ``range``
    (default: the data's range) or the given bin edges (a 1-d tensor).

    Example::

        >>> minigrad.histogram(minigrad.tensor([1., 2., 1.]), bins=4, range=(0., 3.)).hist
        tensor([0., 2., 1., 0.])
    """
    a = input._data
    if a.dtype.kind != "f":
        raise _not_implemented("histogram_cpu", input)
    edges = bins._data if isinstance(bins, Tensor) else bins
    w = weight._data if isinstance(weight, Tensor) else None
    hist, out_edges = np.histogram(a.reshape(-1), bins=edges, range=range,
                                   weights=None if w is None else w.reshape(-1), density=density)
    return _Histogram(_wrap(hist.astype(a.dtype)),
                                    _wrap(np.asarray(out_edges, a.dtype)))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"bincount": bincount, "histc": histc}
