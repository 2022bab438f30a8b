"""Copies that rearrange elements: ``repeat``, ``tile``, ``repeat_interleave``, ``flip``,
``fliplr``/``flipud``, ``roll`` and ``rot90``. The backward moves (or sums) each gradient back to
the element it came from.
"""
import numbers

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, canonical_dims
from .index_rows import index_select
from .shape import parse_shape, reshape
from .permutation import transpose

__all__ = ["tile", "repeat_interleave", "flip", "fliplr", "flipud", "roll", "rot90"]


class Repeat(Op):
    """``np.tile``: the tensor repeated along each dimension. Backward sums the copies."""

    @staticmethod
    def forward(ctx, a, reps):
        ctx.meta = (a.shape, reps)
        return np.tile(a, reps)  # always a copy

    @staticmethod
    def backward(ctx, grad):
        shape, reps = ctx.meta
        full = (1,) * (len(reps) - len(shape)) + shape
        if grad.size == 0:
            return np.zeros(shape, grad.dtype), None
        split = []
        for r, s in zip(reps, full):
            split += [r, s]  # each dimension of the result as (copy, position in the copy)
        g = np.reshape(grad, split).sum(axis=tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape), None

    __slots__ = ("meta",)


def repeat(input, *sizes):
    """Repeats this tensor along the specified dimensions (``Tensor.repeat``, numpy's ``tile``).

    ``sizes`` (ints, or one tuple/list) gives the number of copies along each dimension; there
    may be more sizes than dimensions (leading dimensions of size 1 are added). Unlike
    ``expand``, the data is copied.

    Example::

        >>> x = minigrad.tensor([1, 2, 3])
        >>> x.repeat(4, 2)
        tensor([[1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3],
                [1, 2, 3, 1, 2, 3]])
        >>> x.repeat(4, 2, 1).size()
        minigrad.Size([4, 2, 3])
    """
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = parse_shape(sizes)
    shape = input._data.shape
    if len(reps) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    full = (1,) * (len(reps) - len(shape)) + shape
    out = [r * s for r, s in zip(reps, full)]
    for r in reps:
        if r < 0:
            neg = next(o for o, r2 in zip(out, reps) if r2 < 0)
            raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: {out}")
    return Repeat.apply(input, reps)


def tile(input, dims):
    """``input`` repeated ``dims[i]`` times along each dimension; with fewer ``dims`` than
    dimensions, ones are prepended (``repeat`` would refuse).

    Example::

        >>> minigrad.tensor([1, 2]).tile((2,))
        tensor([1, 2, 1, 2])
        >>> minigrad.tile(minigrad.tensor([[1, 2]]), (2, 1))
        tensor([[1, 2],
                [1, 2]])
    """
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return repeat(input, *dims)


def _tile_method(self, *dims):
    """``x.tile(2, 1)`` or ``x.tile((2, 1))``: Tensor.tile takes the sizes either way."""
    return tile(self, dims[0] if len(dims) == 1 else dims)


def repeat_interleave(input=None, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) of ``input`` repeated ``repeats`` times, next to
    each other (``repeat`` repeats the whole tensor). ``repeats`` is an int or a tensor of one
    count per slice; without ``dim`` the input is flattened first.

    Example::

        >>> minigrad.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
        >>> minigrad.repeat_interleave(minigrad.tensor([[1, 2], [3, 4]]), minigrad.tensor([1, 2]), dim=0)
        tensor([[1, 2],
                [3, 4],
                [3, 4]])
    """
    if input is None:  # repeat_interleave(repeats=counts), by keyword
        input, repeats = repeats, None
    if repeats is None:  # repeat_interleave(counts): the indices repeated by their counts
        counts = input._data
        if counts.ndim != 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeats must be 1-d integer tensor")
        return _wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    if dim is None:
        input, dim = reshape(input, (-1,)), 0
    d = canonical_dim(dim, input._data.ndim)
    size = input._data.shape[d] if input._data.ndim else 1
    if isinstance(repeats, Tensor):
        counts = repeats._data
        if counts.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        counts = np.broadcast_to(counts.reshape(-1), (size,)) if counts.size == 1 else counts
        if counts.size != size:
            raise RuntimeError("repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {counts.size} and input.size({d}) = {size}")
    else:
        counts = np.full(size, repeats, dtype=np.int64)
    if np.any(counts < 0):
        raise RuntimeError("repeats can not be negative" if isinstance(repeats, Tensor)
                           else "Repeats must be non-negative")
    index = np.repeat(np.arange(size, dtype=np.int64), counts)
    if input._data.ndim == 0:
        input = reshape(input, (1,))
    return index_select(input, d, _wrap(index))


def _dims_arg(dims, name):
    """``f(0, 1)``, ``f((0, 1))`` or ``f([0, 1])`` as a tuple of ints."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    for d in dims:
        if not isinstance(d, numbers.Integral) or isinstance(d, bool):
            raise TypeError(f"{name}(): argument 'dims' (position 1) must be tuple of ints, not {type(d).__name__}")
    return dims


class Flip(Op):
    @staticmethod
    def forward(ctx, a, axes):
        ctx.axes = axes
        return np.array(np.flip(a, axes)) if axes else a.copy()

    @staticmethod
    def backward(ctx, grad):
        return (np.flip(grad, ctx.axes) if ctx.axes else grad), None

    __slots__ = ("axes",)


def flip(input, dims=None):
    """Reverses the order of the elements along the given dimensions (a copy, not a view).

    Args:
        dims (tuple or list of ints): the dimensions to flip (``minigrad.flip(x, (0, 1))``; the
            method also takes them as separate ints, ``x.flip(0, 1)``, as in PyTorch).

    Example::

        >>> x = minigrad.arange(8).view(2, 2, 2)
        >>> minigrad.flip(x, (0, 1))
        tensor([[[6, 7],
                 [4, 5]],
        <BLANKLINE>
                [[2, 3],
                 [0, 1]]])
    """
    if dims is None:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    if not isinstance(dims, (tuple, list)):  # (PyTorch's function form takes no bare int)
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    return _flip(input, _dims_arg((dims,), "flip"))


def _flip_method(self, *dims):
    """``x.flip(0, 1)`` or ``x.flip((0, 1))``: Tensor.flip takes the dims either way."""
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    return _flip(self, _dims_arg(dims, "flip"))


def _flip(input, dims):
    axes = canonical_dims(dims, input._data.ndim) if dims else ()
    return Flip.apply(input, axes)


def fliplr(input):
    """``input`` with its columns (dim 1) in reverse order.

    Example::

        >>> minigrad.fliplr(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([[2, 1],
                [4, 3]])
    """
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _flip(input, (1,))


def flipud(input):
    """``input`` with its rows (dim 0) in reverse order.

    Example::

        >>> minigrad.flipud(minigrad.tensor([1, 2]))
        tensor([2, 1])
    """
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _flip(input, (0,))


class Roll(Op):
    @staticmethod
    def forward(ctx, a, shifts, axes):
        ctx.meta = (shifts, axes)
        return np.roll(a, shifts, axes)

    @staticmethod
    def backward(ctx, grad):
        shifts, axes = ctx.meta
        back = -shifts if axes is None else tuple(-s for s in shifts)
        return np.roll(grad, back, axes), None, None

    __slots__ = ("meta",)


def roll(input, shifts, dims=None):
    """Rolls the elements along the given dimensions: those shifted past the last position come
    back at the first. Without ``dims`` the tensor is flattened, rolled and given its shape back.

    Args:
        shifts (int or tuple of ints): by how many places (negative: towards the start).
        dims (int or tuple of ints, optional): the dimensions, one per shift.

    Example::

        >>> x = minigrad.tensor([1, 2, 3, 4, 5, 6, 7, 8]).view(4, 2)
        >>> x.roll(1)
        tensor([[8, 1],
                [2, 3],
                [4, 5],
                [6, 7]])
        >>> x.roll((2, 1), (0, 1))
        tensor([[6, 5],
                [8, 7],
                [2, 1],
                [4, 3]])
    """
    shift_list = (shifts,) if isinstance(shifts, numbers.Integral) else tuple(shifts)
    dim_list = () if dims is None else (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    if dims is None and len(shift_list) == 1:
        return Roll.apply(input, int(shift_list[0]), None)
    if len(shift_list) != len(dim_list):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shift_list)}, dims:{len(dim_list)}")
    nd = input._data.ndim
    if nd == 0:
        raise IndexError(f"Dimension specified as {dim_list[0]} but tensor has no dimensions")
    axes = tuple(canonical_dim(d, nd) for d in dim_list)
    return Roll.apply(input, tuple(int(s) for s in shift_list), axes)


def rot90(input, k=1, dims=(0, 1)):
    """``input`` rotated by 90 degrees ``k`` times, from ``dims[0]`` towards ``dims[1]``.

    Example::

        >>> minigrad.rot90(minigrad.tensor([[1, 2], [3, 4]]))
        tensor([[2, 4],
                [1, 3]])
    """
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input._data.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = canonical_dim(dims[0], nd), canonical_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    k %= 4
    if k == 1:
        return transpose(_flip(input, (d1,)), d0, d1)
    if k == 2:
        return _flip(input, (d0, d1))
    if k == 3:
        return _flip(transpose(input, d0, d1), (d1,))
    return input.clone()


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"repeat": repeat, "tile": _tile_method, "repeat_interleave": repeat_interleave, "flip": _flip_method,
           "fliplr": fliplr, "flipud": flipud, "roll": roll, "rot90": rot90}
