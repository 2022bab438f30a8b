"""Sorting: ``sort``, ``argsort``, ``topk``.

The order is computed with numpy's stable argsort (so ties keep their order, and NaN counts as
the largest value, as in PyTorch); the values are then taken with the indices by an op whose
backward sends each gradient back to the element it came from.
"""
import collections
import numbers

import numpy as np

from ..tensor import _wrap
from ._util import canonical_dim
from .indexing import Gather
from .reduction import _result_repr

__all__ = ["sort", "argsort", "topk"]

_SortResult = collections.namedtuple("sort", ["values", "indices"])
_TopkResult = collections.namedtuple("topk", ["values", "indices"])
_SortResult.__repr__ = _TopkResult.__repr__ = _result_repr


class Sort(Gather):
    """The sorted values: a gather along ``dim`` with the sorting permutation."""

    distinct = True
    __slots__ = ()

    def name(self):
        return "SortBackward0"


class TopK(Gather):
    """The k largest (or smallest) values: a gather with the first k sorting indices."""

    distinct = True
    __slots__ = ()

    def name(self):
        return "TopkBackward0"


def _order(a, dim, descending):
    """Stable sorting indices along ``dim`` (int64). Descending: sort the reversed array and
    reverse the result, so that equal elements still keep their order (and NaN comes first)."""
    if not descending:
        return np.argsort(a, axis=dim, kind="stable")
    n = a.shape[dim]
    idx = np.argsort(np.flip(a, dim), axis=dim, kind="stable")
    return np.ascontiguousarray(np.flip(n - 1 - idx, dim))


def sort(input, dim=-1, descending=False, *, stable=False):
    """Sorts the elements of ``input`` along ``dim`` (the last by default), in ascending order
    unless ``descending=True``.

    Returns a namedtuple ``(values, indices)``: the sorted elements and their positions in
    ``input`` (int64). minigrad's sort is always stable (equal elements keep their order);
    ``stable`` is accepted for PyTorch's signature. NaN sorts as the largest value. The values'
    gradient goes back to the elements they came from.

    Example::

        >>> x = minigrad.tensor([[3., 1., 2.], [0., 5., 4.]])
        >>> values, indices = minigrad.sort(x)
        >>> values
        tensor([[1., 2., 3.],
                [0., 4., 5.]])
        >>> indices
        tensor([[1, 2, 0],
                [0, 2, 1]])
        >>> x.sort(dim=0, descending=True).indices
        tensor([[0, 1, 1],
                [1, 0, 0]])
    """
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _SortResult(Sort.apply(input, 0, np.zeros((), np.int64)), _wrap(np.zeros((), np.int64)))
    idx = _order(a, d, descending)
    return _SortResult(Sort.apply(input, d, idx), _wrap(idx))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim``: ``sort(input, dim, descending).indices``
    (int64, no gradient).

    Example::

        >>> minigrad.tensor([[3., 1., 2.], [0., 5., 4.]]).argsort(dim=1, descending=True)
        tensor([[0, 2, 1],
                [1, 2, 0]])
    """
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(np.zeros((), np.int64))
    return _wrap(_order(a, d, descending))


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002
    """The ``k`` largest elements of ``input`` along ``dim`` (the last by default), or the ``k``
    smallest with ``largest=False``.

    Returns a namedtuple ``(values, indices)``, ``indices`` (int64) giving their positions in
    ``input``. The elements come in sorted order (largest first, or smallest first); minigrad
    always sorts them, which ``sorted=False`` (no order guaranteed) allows too. NaN counts as the
    largest value. The values' gradient goes back to the elements they came from.

    Example::

        >>> x = minigrad.tensor([1., 5., 2., 4., 3.])
        >>> minigrad.topk(x, 3)
        minigrad.return_types.topk(
        values=tensor([5., 4., 3.]),
        indices=tensor([1, 3, 4]))
        >>> x.topk(2, largest=False).values
        tensor([1., 2.])
    """
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise TypeError(f"topk(): argument 'k' (position 1) must be int, not {type(k).__name__}")
    a = input._data
    d = canonical_dim(dim, a.ndim)
    if a.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    n = a.shape[d] if a.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if a.ndim == 0:
        return _TopkResult(TopK.apply(input, 0, np.zeros((), np.int64)), _wrap(np.zeros((), np.int64)))
    idx = _order(a, d, largest)
    idx = np.ascontiguousarray(np.take(idx, np.arange(k), axis=d))
    return _TopkResult(TopK.apply(input, d, idx), _wrap(idx))

