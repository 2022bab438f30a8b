"""The extremes: ``max``/``min`` (of everything, along a dim with indices, or of two tensors),
``amax``/``amin``, ``aminmax``, ``argmax``/``argmin``.

The gradient goes to the winning elements: to the first one for ``max(dim)`` (its index), split
evenly among ties for ``amax`` and the all-element ``max``, as in PyTorch.
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, canonical_dims, return_type
from .comparison import maximum, minimum as _minimum

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]


class AllMax(Op):
    """max()/min() over every element; at ties the gradient is shared evenly (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, a, minimum):
        ctx.meta = minimum
        out = np.min(a) if minimum else np.max(a)
        ctx.save_for_backward(a, out)
        return np.asarray(out)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        winners = np.isnan(a) if np.isnan(out) else (a == out)
        share = grad / winners.sum().astype(grad.dtype)
        # select, not multiply: an infinite gradient must not turn the others into inf * 0 = NaN
        return np.where(winners, share, np.zeros((), grad.dtype)), None

    def name(self):
        return "MinBackward1" if self.meta else "MaxBackward1"

    __slots__ = ("meta",)


class MaxDim(Op):
    """max/min along one dim, given the winning indices: the gradient goes to those elements."""

    @staticmethod
    def forward(ctx, a, idx, dim, keepdim, minimum=False):
        values = np.take_along_axis(a, idx, axis=dim)
        ctx.save_for_backward(idx)
        ctx.meta = (a.shape, dim, keepdim, minimum)
        return values if keepdim else np.squeeze(values, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        (idx,) = ctx.saved_tensors
        shape, dim, keepdim, _ = ctx.meta
        if not keepdim:
            grad = np.expand_dims(grad, dim)
        out = np.zeros(shape, dtype=grad.dtype)
        np.put_along_axis(out, idx, grad, axis=dim)
        return out, None, None, None, None

    def name(self):
        return "MinBackward0" if self.meta[3] else "MaxBackward0"

    __slots__ = ("meta",)


def _reduce_dim(input, dim, keepdim, minimum):
    """(values, indices) of the max (or min) along ``dim``; the first index wins ties."""
    find = np.argmin if minimum else np.argmax
    idx = find(input._data, axis=dim, keepdims=True)
    values = MaxDim.apply(input, idx, dim, keepdim, minimum)
    return values, _wrap(idx if keepdim else np.squeeze(idx, axis=dim))


_MaxResult = return_type("max")
_MinResult = return_type("min")


_TYPE_NAME = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


def _max_or_min(input, dim, keepdim, other, minimum):
    name = "min" if minimum else "max"
    if isinstance(dim, Tensor):  # max(input, other): elementwise
        other, dim = dim, None
    if other is not None:
        return _minimum(input, other) if minimum else maximum(input, other)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return AllMax.apply(input, minimum)
    dim = canonical_dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        return (_MinResult if minimum else _MaxResult)(input.clone(), _wrap(np.zeros((), np.int64)))
    if input._data.shape[dim] == 0:
        raise IndexError(
            f"{name}(): Expected reduction dim {dim} to have non-zero size."
        )
    return (_MinResult if minimum else _MaxResult)(*_reduce_dim(input, dim, keepdim, minimum))


def max(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    """The maximum of ``input``, in three forms:

    * ``max(input)``: the largest element (NaN if there is one); tied maxima share the gradient.
    * ``max(input, dim, keepdim=False)``: a namedtuple ``(values, indices)`` of the maxima along
      ``dim`` and their positions (the first one at ties); the gradient goes to those positions.
    * ``max(input, other)``: the elementwise ``maximum``.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.max()
        tensor(5.)
        >>> minigrad.max(x, dim=1)
        minigrad.return_types.max(
        values=tensor([5., 4.]),
        indices=tensor([1, 0]))
        >>> x.max(0, keepdim=True).values
        tensor([[4., 5.]])
    """
    return _max_or_min(input, dim, keepdim, other, minimum=False)


def min(input, dim=None, keepdim=False, *, other=None):  # noqa: A001
    """The minimum of ``input``: ``min(input)`` (the smallest element), ``min(input, dim,
    keepdim=False)`` (a namedtuple ``(values, indices)`` along ``dim``) or ``min(input, other)``
    (the elementwise ``minimum``); see ``max``.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.min()
        tensor(1.)
        >>> x.min(dim=0).indices
        tensor([0, 1])
    """
    return _max_or_min(input, dim, keepdim, other, minimum=True)


class AMax(Op):
    """amax/amin over some dims; the gradient is shared evenly among tied maxima (PyTorch's rule
    for amax, unlike max(dim), which picks one index)."""

    @staticmethod
    def forward(ctx, a, axes, keepdim, minimum):
        out = (np.amin if minimum else np.amax)(a, axis=axes, keepdims=True)
        ctx.save_for_backward(a, out)
        ctx.meta = (axes, keepdim, minimum)
        return out if keepdim else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        axes, keepdim, _ = ctx.meta
        if not keepdim:
            grad = np.expand_dims(grad, axes)
        # PyTorch's amax backward: grad / count over the elements equal to the result (a NaN
        # result equals nothing, so its row gets NaN, as in PyTorch)
        winners = a == out
        count = winners.sum(axis=axes, keepdims=True).astype(grad.dtype)
        # PyTorch multiplies here (amax's inf gradient gives NaN elsewhere, as in PyTorch)
        return grad / count * winners, None, None, None

    def name(self):
        return "AminBackward0" if self.meta[2] else "AmaxBackward0"

    __slots__ = ("meta",)


def _amax(input, dim, keepdim, minimum):
    nd = input._data.ndim
    axes = canonical_dims(None if dim == () else dim, nd)
    name = "amin" if minimum else "amax"
    if input._data.size == 0 and (dim == () or dim is None):
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument."
        )
    for ax in axes:
        if input._data.shape[ax] == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim {ax} to have non-zero size."
            )
    return AMax.apply(input, axes, keepdim, minimum)


def amax(input, dim=None, keepdim=False):
    """The maxima of ``input`` over ``dim`` (int or tuple; all dimensions if empty), without indices.
    Unlike ``max(dim)``, tied maxima share the gradient evenly.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> minigrad.amax(x, dim=0)
        tensor([4., 5.])
        >>> x.amax()
        tensor(5.)
    """
    return _amax(input, dim, keepdim, False)


def amin(input, dim=None, keepdim=False):
    """The minima of ``input`` over ``dim`` (int or tuple; all dimensions if empty), without indices;
    tied minima share the gradient evenly (see ``amax``).

    Example::

        >>> minigrad.tensor([[1., 5.], [4., 2.]]).amin(1)
        tensor([1., 2.])
    """
    return _amax(input, dim, keepdim, True)


_AMinMax = return_type("aminmax", ("min", "max"))


def aminmax(input, *, dim=None, keepdim=False):
    """``(amin(input, dim), amax(input, dim))`` as a named tuple ``(min, max)``.

    Example::

        >>> minigrad.aminmax(minigrad.tensor([3., 1., 2.]))
        minigrad.return_types.aminmax(
        min=tensor(1.),
        max=tensor(3.))
    """
    if input._data.size == 0 and (dim is None or input._data.shape[canonical_dim(dim, input._data.ndim)] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    dims = () if dim is None else dim
    return _AMinMax(amin(input, dims, keepdim), amax(input, dims, keepdim))


def _arg_reduce(find, name, input, dim, keepdim):
    a = input._data
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = find(a)
        return _wrap(np.asarray(r).reshape((1,) * a.ndim if keepdim else ()))
    d = canonical_dim(dim, a.ndim)
    if a.ndim == 0:
        return _wrap(np.zeros((), np.int64))
    if a.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(find(a, axis=d, keepdims=keepdim))


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element of ``input`` (of the flattened tensor if ``dim`` is None), or
    the indices of the maxima along ``dim``; the first one wins ties. An int64 tensor, without
    gradient.

    Example::

        >>> x = minigrad.tensor([[1., 5.], [4., 2.]])
        >>> x.argmax()
        tensor(1)
        >>> minigrad.argmax(x, dim=0)
        tensor([1, 0])
    """
    return _arg_reduce(np.argmax, "argmax", input, dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element of ``input`` (of the flattened tensor if ``dim`` is None), or
    the indices of the minima along ``dim`` (see ``argmax``).

    Example::

        >>> minigrad.tensor([[1., 5.], [4., 2.]]).argmin(dim=1)
        tensor([0, 1])
    """
    return _arg_reduce(np.argmin, "argmin", input, dim, keepdim)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"max": max, "min": min, "amax": amax, "amin": amin, "aminmax": aminmax, "argmax": argmax,
           "argmin": argmin}
