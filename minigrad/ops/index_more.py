"""index_add, index_copy, index_fill (and their in-place ``name_`` versions): writes into the
slices of a tensor along ``dim`` chosen by a 1-d index. Built on scatter_add, scatter and
masked_fill, which give the gradients."""
import numpy as np

from ..tensor import Tensor, _wrap
from ._util import as_operand, canonical_dim
from .indexing import masked_fill, scatter, scatter_add
from . import shape_more
from .shape_more import _inplace_from

__all__ = ["index_add", "index_copy", "index_fill"]


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
    return _wrap(np.ascontiguousarray(np.broadcast_to(idx.reshape(view), shape)).astype(np.int64))


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
    if input._data.ndim == 0:
        return source.reshape(()).to(input.dtype) * 1
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


_EXAMPLES = {"index_add_": "0, minigrad.tensor([0]), minigrad.ones(1, 2)",
             "index_copy_": "0, minigrad.tensor([1]), minigrad.zeros(1, 2)",
             "index_fill_": "1, minigrad.tensor([0]), 3."}
shape_more._EXAMPLE_ARGS.update(_EXAMPLES)  # the in-place docstrings' example arguments
METHODS = {"index_add": index_add, "index_copy": index_copy, "index_fill": index_fill}
METHODS.update({name + "_": _inplace_from(fn, name + "_") for name, fn in list(METHODS.items())})
