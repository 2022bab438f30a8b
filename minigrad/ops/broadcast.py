"""Broadcasting: ``expand`` (a view with stride 0 along the new or size-1 dimensions),
``broadcast_to``, ``broadcast_tensors``, ``broadcast_shapes``. The backward sums the gradient
over the broadcast dimensions.
"""
import numbers

import numpy as np

from .._dtype import tensor_type_name
from ..autograd.function import Op, broadcast_error
from ..tensor import Size
from ._util import sum_to, tensor_varargs
from .shape import _keyword_sizes, parse_shape

__all__ = ["broadcast_to", "broadcast_shapes", "broadcast_tensors"]


class Expand(Op):
    @staticmethod
    def forward(ctx, a, shape):
        ctx.in_shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad):
        return sum_to(grad, ctx.in_shape), None

    __slots__ = ("in_shape",)


def expand_error(shape, sizes, dtype):
    """PyTorch's error for expanding ``shape`` to ``sizes``, or None if it is possible (also the
    error for ``x[index] = value`` when value does not fit the indexed region)."""
    if len(sizes) < len(shape):
        return RuntimeError(
            f"expand(minigrad.{tensor_type_name(dtype)}{{{list(shape)}}}, size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)"
            % (len(sizes), len(shape))
        )
    lead = len(sizes) - len(shape)
    for i in range(lead, len(sizes)):
        s, cur = sizes[i], shape[i - lead]
        if s != -1 and cur != 1 and s != cur:
            return RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
    return None


def expand(input, *sizes, **kwargs):
    """A view of ``input`` broadcast to a larger shape, without copying: dimensions of size 1 are
    repeated, new leading dimensions added; -1 keeps a dimension's size. Writing into the result
    writes the shared elements.

    Example::

        >>> x = minigrad.tensor([[1], [2]])
        >>> x.expand(2, 3)
        tensor([[1, 1, 1],
                [2, 2, 2]])
        >>> x.expand(4, -1, 2).shape
        minigrad.Size([4, 2, 2])
    """
    sizes = _keyword_sizes(sizes, kwargs, "size", "expand")
    sizes = parse_shape(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise expand_error(shape, sizes, input._data.dtype)
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing dimension {i}")
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        target.append(s)
    return Expand.apply(input, tuple(target))


def sum_to_size(input, *size):
    """``input`` summed to ``size`` (a shape ``input`` broadcasts from): the inverse of
    ``expand``, as the gradient of a broadcast is reduced.

    Example::

        >>> minigrad.ones(2, 3).sum_to_size(1, 3)
        tensor([[2., 2., 2.]])
    """
    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    size = parse_shape(size[0] if len(size) == 1 and not isinstance(size[0], numbers.Integral)
                       else size)
    shape = input._data.shape
    lead = len(shape) - len(size)
    if lead < 0 or any(s != 1 and s != n for s, n in zip(size, shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size)
                                      if s == 1 and shape[lead + i] != 1)
    if not dims:
        return input
    from .reduction import sum as _sum  # (reduction imports this family)
    return _sum(input, dims, keepdim=True).reshape(tuple(size)) if lead else \
        _sum(input, dims, keepdim=True)


def broadcast_to(input, size):
    """``input`` broadcast to ``size``: the same as ``input.expand(size)`` (a view).

    Example::

        >>> minigrad.broadcast_to(minigrad.tensor([1, 2, 3]), (2, 3))
        tensor([[1, 2, 3],
                [1, 2, 3]])
    """
    return expand(input, size)


def broadcast_shapes(*shapes):
    """The shape that tensors of these shapes broadcast to (PyTorch's error if they do not).

    Example::

        >>> minigrad.broadcast_shapes((2, 1), (3,))
        minigrad.Size([2, 3])
    """
    shapes = [(s,) if isinstance(s, numbers.Integral) else tuple(s) for s in shapes]
    for s in shapes:
        for x in s:
            if x < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {x}: {list(s)}")
    acc = []
    for i, s in enumerate(shapes):
        if len(s) > len(acc):
            acc = [1] * (len(s) - len(acc)) + acc
        for k in range(1, len(s) + 1):
            if s[-k] != 1 and acc[-k] != 1 and s[-k] != acc[-k]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {s[-k]} at {-k}! Mismatching "
                    f"argument at index {i} had {tuple(s)}; but expected shape should be "
                    f"broadcastable to {acc}")
            if acc[-k] == 1:
                acc[-k] = s[-k]
    return Size(np.broadcast_shapes(*shapes)) if shapes else Size(())


def broadcast_tensors(*tensors):
    """The tensors expanded (as views) to their common broadcast shape.

    Example::

        >>> a, b = minigrad.broadcast_tensors(minigrad.tensor([[1], [2]]), minigrad.tensor([3, 4]))
        >>> a
        tensor([[1, 1],
                [2, 2]])
    """
    tensor_varargs(tensors)
    err = broadcast_error(*(t._data.shape for t in tensors))
    if err is not None:
        raise err
    shape = np.broadcast_shapes(*(t._data.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


# the Tensor methods of this family (installed by tensor_methods.py)
def broadcast_to_method(self, *size, **kwargs):
    """``x.broadcast_to(size)``: ``minigrad.broadcast_to(x, size)``; as PyTorch's method, it also
    takes the sizes as separate arguments (``x.broadcast_to(2, 3)``).

    Example::

        >>> minigrad.tensor([1, 2]).broadcast_to(2, 2)
        tensor([[1, 2],
                [1, 2]])
    """
    if "size" in kwargs:
        if size:
            raise TypeError("broadcast_to() got multiple values for argument 'size'")
        size = (kwargs.pop("size"),)
    if kwargs:
        raise TypeError(f"broadcast_to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if not size:
        raise TypeError('broadcast_to() missing 1 required positional arguments: "size"')
    return expand(self, *size)


METHODS = {"expand": expand, "broadcast_to": broadcast_to_method, "sum_to_size": sum_to_size}
