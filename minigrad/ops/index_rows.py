"""Rows picked by a 1-d index along a dimension: ``index_select`` and ``take``, and the writes
``index_add``, ``index_copy``, ``index_fill``. The writers are built on ``scatter_add``,
``scatter`` and ``masked_fill``, which give their gradients.
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import as_operand, c_contiguous, canonical_dim
from .indexing import getitem
from .masking import masked_fill
from .gather_scatter import scatter, scatter_add
from .shape import reshape

__all__ = ["index_select", "take", "index_add", "index_copy", "index_fill"]


class IndexSelect(Op):
    @staticmethod
    def forward(ctx, a, dim, index):
        ctx.meta = (a.shape, dim, index)
        return np.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.meta
        out = np.zeros(shape, dtype=grad.dtype)
        np.add.at(np.moveaxis(out, dim, 0), index, np.moveaxis(grad, dim, 0))
        return out, None, None

    __slots__ = ("meta",)


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at the positions in ``index`` (a 1-d int64/int32
    tensor; repeats allowed). The gradient adds up into the selected slices.

    Example::

        >>> x = minigrad.tensor([[1, 2, 3], [4, 5, 6]])
        >>> minigrad.index_select(x, 1, minigrad.tensor([2, 0]))
        tensor([[3, 1],
                [6, 4]])
    """
    if not isinstance(index, Tensor):
        raise TypeError("index_select(): argument 'index' (position 3) must be Tensor, not "
                        f"{type(index).__name__}")
    if index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index._data.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    d = canonical_dim(dim, input._data.ndim)
    idx = index._data.reshape(-1)
    size = input._data.shape[d] if input._data.ndim else 1
    if np.any((idx < 0) | (idx >= size)):  # negative indices too, as in PyTorch
        raise IndexError("index out of range in self")
    if input._data.ndim == 0:  # a 0-d input gives a 0-d result, as in PyTorch
        return reshape(IndexSelect.apply(reshape(input, (1,)), 0, idx), ())
    return IndexSelect.apply(input, d, idx)


def take(input, index):
    """The elements of ``input`` (read as 1-d) at ``index``; the result has ``index``'s shape.

    Example::

        >>> minigrad.take(minigrad.tensor([[1, 2], [3, 4]]), minigrad.tensor([0, 3]))
        tensor([1, 4])
    """
    n = input._data.size
    idx = index._data
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a "
                         f"tensor of {n} elements.")
    return getitem(reshape(input, (-1,)), _wrap(np.where(idx < 0, idx + n, idx).astype(np.int64)))


def _check(name, input, dim, index, source=None):
    if not isinstance(index, Tensor) or index._data.dtype not in (np.int32, np.int64):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index._data.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    nd = input._data.ndim
    d = canonical_dim(dim, nd)
    idx = index._data.reshape(-1)
    size = input._data.shape[d] if nd else 1
    if source is not None:
        src_size = source._data.shape[d] if source._data.ndim else 1
        if idx.size != src_size:
            raise RuntimeError(f"{name}_(): Number of indices ({idx.size}) should be equal to "
                               f"source.size(dim): ({src_size}), for dim: {d}")
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise RuntimeError(f"index {int(idx[bad][0])} is out of bounds for dimension {d} with "
                           f"size {size}")
    return d, idx


def _spread(idx, d, shape):
    """The 1-d index broadcast to ``shape`` along ``d`` (scatter's index form)."""
    view = [1] * len(shape)
    view[d] = -1
    return _wrap(c_contiguous(np.broadcast_to(idx.reshape(view), shape)).astype(np.int64))


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added to the slices along ``dim`` listed in
    ``index`` (repeated indices add up).

    Example::

        >>> minigrad.zeros(2, 3).index_add(1, minigrad.tensor([0, 0]), minigrad.ones(2, 2))
        tensor([[2., 0., 0.],
                [2., 0., 0.]])
    """
    d, idx = _check("index_add", input, dim, index, source)
    if alpha != 1:
        source = source * alpha
    if input._data.ndim == 0:
        return input + source.sum()
    return scatter_add(input, d, _spread(idx, d, source._data.shape), source)


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices along ``dim`` listed in ``index`` replaced by those
    of ``source``.

    Example::

        >>> minigrad.ones(2, 3).index_copy(1, minigrad.tensor([2]), minigrad.zeros(2, 1))
        tensor([[1., 1., 0.],
                [1., 1., 0.]])
    """
    d, idx = _check("index_copy", input, dim, index, source)
    if input._data.ndim == 0:  # replaced by the source (its gradient to input is 0, not None)
        return masked_fill(input, _wrap(np.asarray(True)), source.reshape(()).to(input.dtype))
    return scatter(input, d, _spread(idx, d, source._data.shape), source)


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices along ``dim`` listed in ``index`` filled with
    ``value`` (a number or a 0-d tensor).

    Example::

        >>> minigrad.ones(2, 3).index_fill(1, minigrad.tensor([0, 2]), -1.)
        tensor([[-1.,  1., -1.],
                [-1.,  1., -1.]])
    """
    d, idx = _check("index_fill", input, dim, index)
    mask = np.zeros(input._data.shape, bool)
    if input._data.ndim:
        view = [1] * input._data.ndim
        view[d] = -1
        hit = np.zeros(input._data.shape[d], bool)
        hit[idx] = True
        mask |= hit.reshape(view)
    else:
        mask[...] = idx.size > 0
    return masked_fill(input, _wrap(mask), as_operand(value))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"index_select": index_select, "take": take, "index_add": index_add,
           "index_copy": index_copy, "index_fill": index_fill}
