"""Conversions and copies: ``cast`` (what ``Tensor.to(dtype)`` records: differentiable between
floating-point types), ``clone``, and ``view_as_dtype`` (``x.view(dtype)``: the same bytes read
as another dtype), and ``detach``/``detach_`` as torch functions.
"""
import numpy as np

from .._dtype import scalar_type_name, to_dtype
from ..autograd.function import Op
from ..tensor import _wrap

__all__ = ["clone", "detach", "detach_"]


class Cast(Op):
    """Change of dtype; the gradient is cast back to the input's dtype."""

    @staticmethod
    def forward(ctx, a, dtype):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad.astype(ctx.dtype), None

    def name(self):
        return "ToCopyBackward0"

    __slots__ = ("dtype",)


class Clone(Op):
    @staticmethod
    def forward(ctx, a):
        return np.array(a, order="C")

    @staticmethod
    def backward(ctx, grad):
        return grad

    __slots__ = ()


def cast(input, dtype):
    """``input`` converted to ``dtype`` (differentiably for float results): ``Tensor.to``'s helper."""
    dtype = to_dtype(dtype)
    if input._data.dtype == dtype.np:
        return input
    if input._requires_grad and not dtype.is_floating_point:
        out = _wrap(input._data.astype(dtype.np))  # integer results leave the graph
        return out
    return Cast.apply(input, dtype.np)


def clone(input):
    """A copy of ``input`` (new memory), recorded in the graph: gradients flow through it back to
    ``input``.

    Example::

        >>> x = minigrad.tensor([1., 2.], requires_grad=True)
        >>> y = x.clone()
        >>> y.data_ptr() != x.data_ptr(), y.grad_fn is not None
        (True, True)
    """
    return Clone.apply(input)


def view_as_dtype(input, dtype):
    """``x.view(dtype)``: the same memory read as another dtype (bits reinterpreted, not
    converted), as in PyTorch. With a different element size the last dimension is rescaled.
    Outside the graph (no gradient), sharing the version counter."""
    d = to_dtype(dtype)
    a = input._data
    if d.itemsize != a.itemsize:
        ratio = f"{scalar_type_name(a.dtype)} as {scalar_type_name(d)} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {ratio}")
        if a.strides[-1] != a.itemsize and a.shape[-1] != 1:
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {ratio}, but got {a.strides[-1] // a.itemsize}"
            )
        if d.itemsize > a.itemsize and (a.shape[-1] * a.itemsize) % d.itemsize:
            raise RuntimeError(
                f"self.size(-1) must be divisible by {d.itemsize // a.itemsize} to view {ratio}, "
                f"but got {a.shape[-1]}"
            )
    t = _wrap(a.view(d.np), base=input if input._base is None else input._base)
    return t


def detach(input):
    """``input.detach()``: a tensor sharing ``input``'s data, outside the graph.

    Example::

        >>> minigrad.detach(minigrad.ones(2, requires_grad=True)).requires_grad
        False
    """
    return input.detach()


def detach_(input):
    """``input.detach_()``: ``input`` taken out of the graph, in place; returns it.

    Example::

        >>> y = minigrad.ones(2, requires_grad=True) * 2
        >>> minigrad.detach_(y) is y, y.requires_grad
        (True, False)
    """
    return input.detach_()
