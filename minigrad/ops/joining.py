"""Joining tensors: ``cat`` (``concat``), ``stack``, ``hstack``/``vstack``/``dstack``/
``column_stack``, ``block_diag``, ``cartesian_prod``, ``meshgrid``. The backward cuts the gradient
back into the pieces.
"""
import numpy as np

from .._dtype import promote_types
from ..autograd.function import Op
from ..creation import zeros
from ..tensor import Tensor
from ._util import canonical_dim, tensor_varargs
from .._deprecation import warn_once
from .broadcast import expand
from .shape import atleast_1d, atleast_2d, atleast_3d, reshape

__all__ = ["cat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack", "block_diag",
           "meshgrid", "cartesian_prod"]


def _legacy_empty(a):
    return a.ndim == 1 and a.shape[0] == 0


class Cat(Op):
    """Join along ``dim``. Legacy empty 1-D tensors (shape (0,)) are skipped when joining others,
    as in PyTorch; they still get their (empty) gradient."""

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        skip = tuple(_legacy_empty(a) for a in arrays)
        if all(skip):
            skip = (False,) + skip[1:]
        ctx.skip = skip
        joined = [a for a, s in zip(arrays, skip) if not s]
        ctx.bounds = np.cumsum([a.shape[dim] for a in joined])[:-1]
        return np.concatenate(joined, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        pieces = iter(np.split(grad, ctx.bounds, axis=ctx.dim))
        return (None, *(np.zeros(0, grad.dtype) if s else next(pieces) for s in ctx.skip))

    __slots__ = ("dim", "bounds", "skip")


class Stack(Op):
    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx.dim = dim
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None, *np.moveaxis(grad, ctx.dim, 0))

    __slots__ = ("dim",)


def _common_dtype(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' must be tuple of Tensors, not {type(tensors).__name__}")
    if not tensors:
        if name == "stack":
            raise RuntimeError("stack expects a non-empty TensorList")
        raise ValueError(f"minigrad.{name}(): expected a non-empty list of Tensors")
    for i, x in enumerate(tensors):
        if not isinstance(x, Tensor):
            raise TypeError(f"{name}(): expected Tensor as element {i} in argument 0, but got {type(x).__name__}")
    dtype = tensors[0].dtype
    for x in tensors[1:]:
        dtype = promote_types(dtype, x.dtype)
    return [x.to(dtype) for x in tensors]


def cat(tensors, dim=0):
    """Concatenates a sequence of tensors along an existing dimension ``dim``.

    The tensors must have the same shape except in ``dim``; their dtypes are promoted to a common
    one. Legacy empty 1-d tensors (shape (0,)) are skipped, as in PyTorch. ``concat`` is an alias.

    Example::

        >>> a, b = minigrad.zeros(2, 3), minigrad.ones(1, 3)
        >>> minigrad.cat([a, b])
        tensor([[0., 0., 0.],
                [0., 0., 0.],
                [1., 1., 1.]])
        >>> minigrad.cat((a, a), dim=1).shape
        minigrad.Size([2, 6])
    """
    tensors = _common_dtype(tensors, "cat")
    for i, x in enumerate(tensors):
        if x._data.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch skips legacy empty 1-D tensors (shape (0,)) when joining others
    nonempty = [x for x in tensors if not (x._data.ndim == 1 and x._data.shape[0] == 0)] or tensors[:1]
    ref = nonempty[0]._data
    d = canonical_dim(dim, ref.ndim)
    for i, x in enumerate(nonempty):
        if x._data.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {x._data.ndim}"
            )
        for k in range(ref.ndim):
            if k != d and x._data.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{ref.shape[k]} but got size {x._data.shape[k]} for tensor number {i} in the list."
                )
    return Cat.apply(d, *tensors)


concat = cat


def concatenate(tensors, axis=0):
    """Alias of ``cat`` with numpy's parameter name: ``tensors`` joined along ``axis``.

    Example::

        >>> minigrad.concatenate([minigrad.zeros(2), minigrad.ones(1)])
        tensor([0., 0., 1.])
    """
    return cat(tensors, axis)


def stack(tensors, dim=0):
    """Stacks a sequence of tensors of equal shape along a new dimension ``dim``.

    Example::

        >>> a, b = minigrad.tensor([1, 2]), minigrad.tensor([3, 4])
        >>> minigrad.stack([a, b])
        tensor([[1, 2],
                [3, 4]])
        >>> minigrad.stack([a, b], dim=1)
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = _common_dtype(tensors, "stack")
    shape = tensors[0]._data.shape
    for i, x in enumerate(tensors):
        if x._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 and "
                f"{list(x._data.shape)} at entry {i}"
            )
    nd = len(shape) + 1
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {dim})")
    return Stack.apply(dim % nd, *tensors)


def _tensor_list(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors):
    """Concatenates tensors horizontally: along dim 1, or dim 0 for 1-d tensors.

    Example::

        >>> minigrad.hstack([minigrad.tensor([1, 2]), minigrad.tensor([3])])
        tensor([1, 2, 3])
    """
    tensors = atleast_1d(_tensor_list(tensors, "hstack"))
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1)


def vstack(tensors):
    """Concatenates tensors vertically (along dim 0, 1-d tensors as rows). ``row_stack`` is an
    alias.

    Example::

        >>> minigrad.vstack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    return cat(atleast_2d(_tensor_list(tensors, "vstack")), 0)


row_stack = vstack


def dstack(tensors):
    """Concatenates tensors along the third dimension (after ``atleast_3d``).

    Example::

        >>> minigrad.dstack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """
    return cat(atleast_3d(_tensor_list(tensors, "dstack")), 2)


def column_stack(tensors):
    """Stacks tensors as columns: 0-d and 1-d tensors become columns, 2-d ones are joined along
    dim 1.

    Example::

        >>> minigrad.column_stack([minigrad.tensor([1, 2]), minigrad.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    tensors = _tensor_list(tensors, "column_stack")
    cols = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in tensors]
    return cat(cols, 1)


def block_diag(*tensors):
    """A block-diagonal matrix from the given tensors (0-d, 1-d as a row, or 2-d), their dtypes
    promoted.

    Example::

        >>> minigrad.block_diag(minigrad.ones(1, 2), minigrad.tensor([[2.]]))
        tensor([[1., 1., 0.],
                [0., 0., 2.]])
    """
    mats = []
    for i, t in enumerate(tensor_varargs(tensors)):
        if t._data.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t._data.ndim} dimensions"
                               .replace("torch.", "minigrad."))
        mats.append(reshape(t, (1, -1) if t._data.ndim == 1 else (1, 1)) if t._data.ndim < 2 else t)
    if not mats:
        return zeros(1, 0)
    dtype = mats[0].dtype
    for m in mats[1:]:
        dtype = promote_types(dtype, m.dtype)
    mats = [m.to(dtype) for m in mats]
    width = sum(m._data.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m._data.shape
        rows.append(cat([zeros(r, left, dtype=dtype), m, zeros(r, width - left - c, dtype=dtype)], 1))
        left += c
    return cat(rows, 0)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors: with ``indexing="ij"`` the i-th result varies along
    dim i; ``"xy"`` swaps the first two dimensions (as numpy's default).

    Example::

        >>> x, y = minigrad.meshgrid(minigrad.tensor([1, 2]), minigrad.tensor([3, 4, 5]), indexing="ij")
        >>> x.shape
        minigrad.Size([2, 3])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warn_once("minigrad.meshgrid: in an upcoming release, it will be required to pass the "
                  "indexing argument.")
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}".replace("torch.", "minigrad."))
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    grids = []
    for i, t in enumerate(ts):
        view = [1] * len(ts)
        view[i] = -1
        grids.append(expand(reshape(t, tuple(view)), shape))
    if swap:  # "xy": the first two inputs' roles are exchanged, the outputs keep their order
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """All combinations of one element from each 1-d tensor, one per row (the tensor itself for
    a single input).

    Example::

        >>> minigrad.cartesian_prod(minigrad.tensor([1, 2]), minigrad.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    for t in tensor_varargs(tensors):
        if t._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(g, (-1,)) for g in grids], 1)
