"""Out-of-place writes into parts of a tensor: ``select_scatter`` and ``slice_scatter`` (the
places of a view), ``masked_scatter`` (of a mask) and ``index_put`` (of index tensors). They are
built on ``index_copy`` and ``index_add``, which give their gradients.
"""
import numpy as np

from ..tensor import Tensor, _wrap
from ._util import canonical_dim
from .broadcast import expand
from .index_rows import index_add, index_copy
from .shape import reshape

__all__ = ["select_scatter", "slice_scatter", "masked_scatter", "index_put"]


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with the slice ``input.select(dim, index)`` replaced by ``src``.

    Example::

        >>> minigrad.select_scatter(minigrad.zeros(2, 3), minigrad.ones(3), 0, 1)
        tensor([[0., 0., 0.],
                [1., 1., 1.]])
    """
    d = canonical_dim(dim, input._data.ndim)
    want = input._data.shape[:d] + input._data.shape[d + 1:]
    if src._data.shape != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {list(want)}")
    size = input._data.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {d}")
    return index_copy(input, d, _wrap(np.array([index % size], np.int64)), src.unsqueeze(d))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``.

    Example::

        >>> minigrad.slice_scatter(minigrad.zeros(4, 2), minigrad.ones(2, 2), 0, 1, None, 2)
        tensor([[0., 0.],
                [1., 1.],
                [0., 0.],
                [1., 1.]])
    """
    d = canonical_dim(dim, input._data.ndim)
    positions = np.arange(input._data.shape[d])[slice(start, end, step)]
    want = list(input._data.shape)
    want[d] = positions.size
    if list(src._data.shape) != want:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = "
                           f"{list(src._data.shape)}, slice size = {want}")
    return index_copy(input, d, _wrap(positions.astype(np.int64)), src)


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the positions where ``mask`` is True (broadcast) filled with
    consecutive elements of ``source``.

    Example::

        >>> minigrad.zeros(4).masked_scatter(minigrad.tensor([True, False, True, False]), minigrad.tensor([1., 2., 3.]))
        tensor([1., 0., 2., 0.])
    """
    if not isinstance(source, Tensor):
        raise TypeError(f"masked_scatter(): argument 'source' (position 2) must be Tensor, not "
                        f"{type(source).__name__}")
    if mask._data.dtype != np.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {str(mask.dtype).split('.')[-1]}".replace("int64", "long"))
    full = np.broadcast_to(mask._data, input._data.shape)
    where_true = np.flatnonzero(full)
    if where_true.size > source._data.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    src = source.reshape(-1)[: where_true.size]
    flat = index_copy(input.reshape(-1), 0, _wrap(where_true.astype(np.int64)), src)
    return flat.reshape(input._data.shape)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` written (or, with ``accumulate=True``, added) at
    ``input[indices]``, for a tuple of integer index tensors over the leading dimensions.

    Example::

        >>> minigrad.zeros(3, 2).index_put((minigrad.tensor([0, 0]),), minigrad.tensor([1., 2.]), accumulate=True)
        tensor([[2., 4.],
                [0., 0.],
                [0., 0.]])
    """
    indices = tuple(indices)
    if not indices or len(indices) > input._data.ndim:
        raise IndexError(f"too many indices for tensor of dimension {input._data.ndim} (got "
                         f"{len(indices)})")
    arrays = []
    for k, t in enumerate(indices):
        a = t._data if isinstance(t, Tensor) else np.asarray(t)
        if a.dtype.kind not in "iu":
            raise NotImplementedError("minigrad's index_put takes integer index tensors only")
        size = input._data.shape[k]
        bad = (a < -size) | (a >= size)
        if bad.any():
            raise IndexError(f"index {int(a[bad].flat[0])} is out of bounds for dimension {k} "
                             f"with size {size}")
        arrays.append(np.where(a < 0, a + size, a))
    lead = input._data.shape[:len(indices)]
    rest = input._data.shape[len(indices):]
    linear = np.ravel_multi_index(np.broadcast_arrays(*arrays), lead).astype(np.int64)
    flat = reshape(input, (-1,) + rest)
    vals = values if isinstance(values, Tensor) else _wrap(np.asarray(values, input._data.dtype))
    vals = reshape(expand(vals.to(input.dtype), linear.shape + rest), (-1,) + rest)
    index = _wrap(linear.reshape(-1))
    out = index_add(flat, 0, index, vals) if accumulate else index_copy(flat, 0, index, vals)
    return reshape(out, input._data.shape)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"select_scatter": select_scatter, "slice_scatter": slice_scatter,
           "masked_scatter": masked_scatter, "index_put": index_put}
