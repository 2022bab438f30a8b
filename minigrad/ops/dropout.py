"""Dropout: zero each element with probability p and scale the survivors by 1/(1-p).

The mask comes from the counter-based generator (``minigrad.random``) and is computed, applied
and bit-packed (1 bit per element) in one pass by the compiled kernel; backward reads the bits.
"""
import numbers

import numpy as np

from .. import _ops
from ..autograd.function import Op
from ..random import next_call

__all__ = ["dropout", "check_probability"]


def check_probability(p):
    """PyTorch's check: p must be a number in [0, 1] (NaN is not)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


class Dropout(Op):
    @staticmethod
    def forward(ctx, a, p, seed, offset):
        out, mask = _ops.dropout_forward(np.ascontiguousarray(a), p, seed, offset)
        ctx.save_for_backward(mask)
        ctx.p = p
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        # the same mask, the same scale: dL/dx = dL/dy * mask / (1 - p)
        return _ops.dropout_backward(np.ascontiguousarray(grad), mask, ctx.p), None, None, None

    def name(self):
        return "NativeDropoutBackward0"

    __slots__ = ("p",)


def dropout(input, p=0.5, training=True, inplace=False, generator=None):
    """Inverted dropout: in training, zeroes each element of ``input`` with probability ``p`` and
    scales the others by ``1 / (1 - p)``, so that the expected value is unchanged and evaluation
    needs no rescaling.

    ``training=False`` or ``p=0`` return ``input`` unchanged; ``p=1`` gives zeros (with zero
    gradients). The mask comes from the counter-based generator: it is repeatable under
    ``manual_seed`` (or with ``generator=``) and independent of the thread count.

    Args:
        input (Tensor): a floating-point tensor.
        p (float): the probability of an element being zeroed.
        training (bool): apply dropout (True) or return ``input`` (False).
        inplace (bool): modify ``input`` in place.
        generator (minigrad.Generator, optional): the source of randomness.

    Example::

        >>> x = minigrad.ones(8)
        >>> y = minigrad.dropout(x, 0.5, True)
        >>> sorted(set(y.tolist()))  # each element zeroed or doubled
        [0.0, 2.0]
        >>> minigrad.dropout(x, 0.5, False) is x
        True
    """
    p = check_probability(p)
    if not training or p == 0.0 or input._data.size == 0:
        return input
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"dropout expects a floating-point input, but got {input.dtype.name}")
    if p == 1.0:  # as PyTorch: input.mul(0), so NaN stays NaN and the gradient is 0
        return input.mul_(0.0) if inplace else input * 0.0
    seed, offset = next_call(generator)
    if inplace:
        from .inplace import apply_inplace

        return apply_inplace(
            input,
            lambda old: Dropout.apply(old, p, seed, offset),
            lambda data: _write_dropout(data, p, seed, offset),
        )
    return Dropout.apply(input, p, seed, offset)


def _write_dropout(data, p, seed, offset):
    if data.flags.c_contiguous:
        _ops.dropout_forward(data, p, seed, offset, out=data)
    else:
        data[...] = _ops.dropout_forward(np.ascontiguousarray(data), p, seed, offset)[0]
