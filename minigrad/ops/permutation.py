"""Reordering dimensions: ``permute``, ``transpose``/``swapaxes``/``swapdims``, ``t``,
``movedim``/``moveaxis``. All are views; the backward applies the inverse permutation.
"""
import numbers

import numpy as np

from ..autograd.function import Op
from ._util import canonical_dim
from .shape import _keyword_sizes, parse_shape

__all__ = ["permute", "transpose", "t", "swapaxes", "swapdims", "movedim", "moveaxis"]


class Permute(Op):
    @staticmethod
    def forward(ctx, a, dims, kind=None):
        ctx.dims = (dims, kind)
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, grad):
        return np.transpose(grad, np.argsort(ctx.dims[0])), None, None

    def name(self):  # transpose and t() are permutations too, named apart in PyTorch's graph
        return self.dims[1] or "PermuteBackward0"

    __slots__ = ("dims",)


def permute(input, *dims, **kwargs):
    """A view of ``input`` with its dimensions reordered: dimension ``i`` of the result is dimension
    ``dims[i]`` of ``input``. ``dims`` may be given as ints or as one tuple.

    Example::

        >>> x = minigrad.zeros(2, 3, 4)
        >>> x.permute(2, 0, 1).shape
        minigrad.Size([4, 2, 3])
        >>> minigrad.permute(x, (1, 2, 0)).shape
        minigrad.Size([3, 4, 2])
    """
    dims = _keyword_sizes(dims, kwargs, "dims", "permute")
    dims = parse_shape(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal to len(dims) = {len(dims)}"
        )
    dims = tuple(canonical_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims)


def transpose(input, dim0, dim1):
    """A view of ``input`` with dimensions ``dim0`` and ``dim1`` swapped (``swapaxes`` is an alias).

    Example::

        >>> x = minigrad.tensor([[1, 2, 3], [4, 5, 6]])
        >>> x.transpose(0, 1)
        tensor([[1, 4],
                [2, 5],
                [3, 6]])
        >>> minigrad.transpose(minigrad.zeros(2, 3, 4), -1, 0).shape
        minigrad.Size([4, 3, 2])
    """
    return _swap(input, dim0, dim1, "TransposeBackward0")


def _swap(input, dim0, dim1, kind):
    nd = input._data.ndim
    d0, d1 = canonical_dim(dim0, nd), canonical_dim(dim1, nd)
    if nd == 0:
        return Permute.apply(input, (), kind)
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Permute.apply(input, tuple(dims), kind)


def t(input):
    """The transpose of a matrix (``input`` with at most 2 dimensions; 0-d and 1-d tensors are
    returned as they are). A view.

    Example::

        >>> minigrad.tensor([[1, 2], [3, 4]]).t()
        tensor([[1, 3],
                [2, 4]])
    """
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return input if nd < 2 else _swap(input, 0, 1, "TBackward0")


def swapaxes(input, axis0, axis1):
    """Alias of ``transpose``.

    Example::

        >>> minigrad.swapaxes(minigrad.zeros(2, 3), 0, 1).shape
        minigrad.Size([3, 2])
    """
    return transpose(input, axis0, axis1)


swapdims = swapaxes


def _dim_list(dims, ndim):
    dims = [dims] if isinstance(dims, numbers.Integral) else list(dims)
    return [canonical_dim(d, ndim) for d in dims]


def movedim(input, source, destination):
    """A view of ``input`` with the dimension(s) ``source`` moved to position(s) ``destination``
    (the other dimensions keep their order). ``moveaxis`` is an alias.

    Example::

        >>> minigrad.movedim(minigrad.zeros(2, 3, 4), 0, -1).shape
        minigrad.Size([3, 4, 2])
    """
    nd = input._data.ndim
    src, dst = _dim_list(source, nd), _dim_list(destination, nd)
    if len(src) != len(dst):
        raise RuntimeError(
            "movedim: Invalid source or destination dims: source "
            f"({list(source) if not isinstance(source, numbers.Integral) else [source]} dims) "
            f"should contain the same number of dims as destination "
            f"({list(destination) if not isinstance(destination, numbers.Integral) else [destination]} dims)")
    for name, ds, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(given)})")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return permute(input, order) if nd else input.view(())


moveaxis = movedim


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"permute": permute, "swapaxes": transpose, "transpose": transpose, "t": t,
           "swapdims": swapaxes, "moveaxis": movedim, "movedim": movedim}
