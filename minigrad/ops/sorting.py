"""Sorting and searching: ``sort``, ``argsort``, ``topk``, ``kthvalue``, ``searchsorted``,
``bucketize``, ``unique``, ``unique_consecutive`` and ``isin``.

The order is computed with numpy's stable argsort (so ties keep their order, and NaN counts as
the largest value, as in PyTorch); the values are then taken with the indices by an op whose
backward sends each gradient back to the element it came from.
"""
import numbers

import numpy as np

from ..tensor import Tensor, _wrap
from ._util import c_contiguous, canonical_dim, return_type
from .gather_scatter import Gather, gather

__all__ = ["sort", "msort", "argsort", "topk", "kthvalue", "searchsorted", "bucketize", "unique",
           "unique_consecutive", "isin"]


_SortResult = return_type("sort")
_TopkResult = return_type("topk")


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
    return c_contiguous(np.flip(n - 1 - idx, dim))


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
    idx = c_contiguous(np.take(idx, np.arange(k), axis=d))
    return _TopkResult(TopK.apply(input, d, idx), _wrap(idx))


_KthValue = return_type("kthvalue")


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim`` and its index: ``(values, indices)``. Among
    equal values, which index is returned may differ from PyTorch's.

    Example::

        >>> minigrad.kthvalue(minigrad.tensor([3., 1., 2.]), 2).values
        tensor(2.)
    """
    a = input._data
    d = canonical_dim(dim, a.ndim)
    size = a.shape[d] if a.ndim else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if a.ndim == 0:
        return _KthValue(input.clone(), _wrap(np.zeros((), np.int64)))
    idx = np.take(np.argsort(a, axis=d, kind="stable"), [k - 1], axis=d).astype(np.int64)
    values = gather(input, d, _wrap(idx))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return _KthValue(values, _wrap(idx))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """For each value of ``input``, the index where it would be inserted into the (last
    dimension of the) sorted ``sorted_sequence`` to keep it sorted; ``right=True`` (or
    ``side="right"``) places it after equal elements.

    Example::

        >>> minigrad.searchsorted(minigrad.tensor([1, 3, 5]), minigrad.tensor([3, 6]))
        tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                               f"{side}".replace("torch.", "minigrad."))
        right = side == "right"
    seq = sorted_sequence._data
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    scalar = not isinstance(input, Tensor)
    vals = np.asarray(input) if scalar else input._data
    how = "right" if right else "left"
    if seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if vals.shape[:-1] != seq.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {list(seq.shape)} and input value tensor {list(vals.shape)}"
                .replace("torch.", "minigrad."))
        rows_s, rows_v = seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)])
        out = out.reshape(vals.shape)
    return _wrap(np.asarray(out, np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The index of the bucket of each element of ``input`` among the sorted 1-d ``boundaries``
    (``boundaries[i-1] < x <= boundaries[i]``; with ``right=True``, ``<= x <``).

    Example::

        >>> minigrad.bucketize(minigrad.tensor([3, 6]), minigrad.tensor([1, 3, 5]))
        tensor([1, 3])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements of ``input`` (sorted), as a 1-d tensor; with ``return_inverse`` also
    the position of each input element in it, with ``return_counts`` how often each occurs.
    With ``dim``, the distinct slices along ``dim``. Not differentiable.

    Example::

        >>> minigrad.unique(minigrad.tensor([3, 1, 3, 2]))
        tensor([1, 2, 3])
        >>> _, inverse, counts = minigrad.tensor([3, 1, 3]).unique(return_inverse=True, return_counts=True)
        >>> inverse, counts
        (tensor([1, 0, 1]), tensor([1, 2]))
    """
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        d = canonical_dim(dim, a.ndim)
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``input`` with runs of equal consecutive elements collapsed to one (flattened unless
    ``dim`` is given); optionally the run index of each element and the run lengths.

    Example::

        >>> minigrad.unique_consecutive(minigrad.tensor([1, 1, 2, 2, 1]))
        tensor([1, 2, 1])
    """
    a = input._data
    if dim is None:
        flat = a.reshape(-1)
        starts = np.ones(flat.size, bool)
        starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        inverse = (np.cumsum(starts) - 1).reshape(a.shape)
    else:
        d = canonical_dim(dim, a.ndim)
        moved = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        starts = np.ones(moved.shape[0], bool)
        starts[1:] = np.any(moved[1:] != moved[:-1], axis=1)
        values = np.moveaxis(np.moveaxis(a, d, 0)[starts], 0, d)
        inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), starts.size))
    out = [_wrap(c_contiguous(values))]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor, True where an element of ``elements`` occurs in ``test_elements``
    (either may be a number).

    Example::

        >>> minigrad.isin(minigrad.tensor([1, 2, 3]), minigrad.tensor([2, 5]))
        tensor([False,  True, False])
    """
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.isin(a, b, invert=invert))


def msort(input):
    """``input`` sorted along its first dimension, ascending: ``sort(input, dim=0).values``.

    Example::

        >>> minigrad.msort(minigrad.tensor([[3., 1.], [2., 4.]]))
        tensor([[2., 1.],
                [3., 4.]])
    """
    return sort(input, dim=0).values


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"msort": msort, "sort": sort, "argsort": argsort, "topk": topk, "kthvalue": kthvalue, "unique": unique,
           "unique_consecutive": unique_consecutive}
