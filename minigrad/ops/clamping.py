"""Clamping: ``clamp`` (``clip``), ``clamp_min``, ``clamp_max``, with number or tensor bounds.

The gradient passes where the input lies within the bounds; at a bound it goes, as in PyTorch,
to the input when the bounds are numbers and to the bound tensor when they are tensors.
"""
import numpy as np

from .._dtype import get_default_dtype, result_type
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import as_operand, sum_to

__all__ = ["clamp", "clamp_min", "clamp_max", "clip"]


class Clamp(Op):
    @staticmethod
    def forward(ctx, a, lo, hi, name="ClampBackward1"):
        ctx.save_for_backward(a)
        ctx.bounds = (lo, hi, name)
        return np.clip(a, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        lo, hi, _ = ctx.bounds
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        # select, not multiply: outside the bounds the gradient is 0 even when it is inf
        return np.where(inside, grad, np.zeros((), grad.dtype)), None, None, None

    def name(self):  # clamp with number bounds, clamp_min, clamp_max: PyTorch's nodes differ
        return self.bounds[2]

    __slots__ = ("bounds",)


def clamp(input, min=None, max=None):  # noqa: A002
    """Clamps the elements of ``input`` into ``[min, max]``.

    Either bound may be None (but not both); bounds may be numbers or tensors (broadcasting). The
    gradient is passed where the input lies inside the bounds. ``clip`` is an alias.

    Example::

        >>> a = minigrad.tensor([-1.5, 0.2, 3.0])
        >>> minigrad.clamp(a, min=-0.5, max=0.5)
        tensor([-0.5000,  0.2000,  0.5000])
        >>> a.clamp(max=0.)
        tensor([-1.5000,  0.0000,  0.0000])
    """
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max, "Clamp")


def _clamp(input, min, max, kind):  # noqa: A002 - kind: PyTorch's node, Clamp/ClampMin/ClampMax
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return clamp_tensors(input, min, max, kind)
    if input._data.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = input.to(get_default_dtype())
    return Clamp.apply(input, min, max, kind + ("Backward1" if kind == "Clamp" else "Backward0"))


def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``: the elements below ``min`` (a number or a tensor) are raised
    to it.

    Example::

        >>> minigrad.tensor([-1., 0.5, 2.]).clamp_min(0.)
        tensor([0.0000, 0.5000, 2.0000])
    """
    return _clamp(input, min, None, "ClampMin")


def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``: the elements above ``max`` (a number or a tensor) are lowered
    to it.

    Example::

        >>> minigrad.tensor([-1., 0.5, 2.]).clamp_max(1.)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return _clamp(input, None, max, "ClampMax")


def clip(input, min=None, max=None):  # noqa: A002
    """Alias of ``clamp``.

    Example::

        >>> minigrad.clip(minigrad.tensor([-2., 0.5, 3.]), -1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return clamp(input, min, max)


class ClampTensors(Op):
    """``min(max(x, lo), hi)`` with tensor bounds (a missing bound is None). The gradient goes
    where PyTorch's ``clamp_backward_min_max`` sends it: to ``x`` where ``lo <= x <= hi``
    (bounds included), to ``lo`` where ``x < lo < hi``, to ``hi`` where ``x > hi`` or
    ``hi < lo``; NaNs get none."""

    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a, lo, hi)
        with np.errstate(all="ignore"):
            out = a if lo is None else np.maximum(a, lo)
            return out if hi is None else np.minimum(out, hi)

    @staticmethod
    def backward(ctx, grad):
        a, lo, hi = ctx.saved_tensors
        need_a, need_lo, need_hi = ctx.needs_input_grad
        zero = np.zeros((), grad.dtype)
        ga = glo = ghi = None
        with np.errstate(invalid="ignore"):
            if need_a:
                pred = np.ones(np.shape(a), bool)
                if lo is not None:
                    pred = pred & (a >= lo)
                if hi is not None:
                    pred = pred & (a <= hi)
                ga = sum_to(np.where(pred, grad, zero), np.shape(a))
            if need_lo:
                pred = lo > a if hi is None else (lo > a) & (lo < hi)
                glo = sum_to(np.where(pred, grad, zero), np.shape(lo))
            if need_hi:
                pred = hi < a if lo is None else (hi < a) | (hi < lo)
                ghi = sum_to(np.where(pred, grad, zero), np.shape(hi))
        return ga, glo, ghi

    node_name = "ClampBackward0"  # PyTorch's clamp with tensor bounds

    def pytorch_graph(self):  # clamp_min / clamp_max with a tensor: only that bound is shown
        kind = getattr(self, "kind", "Clamp")
        if kind == "ClampMin":
            return ("ClampMinBackward1", [0, 1])
        if kind == "ClampMax":
            return ("ClampMaxBackward1", [0, 2])
        return None

    __slots__ = ("kind",)


def clamp_tensors(input, min, max, kind="Clamp"):  # noqa: A002
    """``clamp`` when a bound is a tensor: the three operands promote to one dtype and
    broadcast together."""
    operands = [as_operand(v) if v is not None else None for v in (input, min, max)]
    dtype = input.dtype
    for v in operands[1:]:
        if v is not None:
            dtype = result_type(_wrap(np.empty(0, dtype.np)), v)
    operands = [v.to(dtype) if isinstance(v, Tensor) else v for v in operands]
    out = ClampTensors.apply(*operands)
    if kind != "Clamp" and out.grad_fn is not None:  # clamp_min/clamp_max: the one bound shown
        out.grad_fn.kind = kind
    return out


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"clamp": clamp, "clip": clamp, "clamp_min": clamp_min, "clamp_max": clamp_max}
