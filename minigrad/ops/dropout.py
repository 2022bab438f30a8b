"""Dropout: zero each element with probability p and scale the survivors by 1/(1-p).

The mask comes from the counter-based generator (``minigrad.random``) and is computed, applied
and bit-packed (1 bit per element) in one pass by the compiled kernel; backward reads the bits.
"""
import numbers

import numpy as np

from .. import _ops
from ..autograd.function import Op
from .._dtype import scalar_type_name
from ..random import next_call
from ..tensor import Tensor, _wrap
from ._util import c_contiguous, qualified_type_name as _type_name
from .inplace import apply_inplace

__all__ = ["dropout", "check_probability", "check_float", "zero_out"]


def check_probability(p, training=True, fn="dropout"):
    """The argument checks of PyTorch's dropout kernels (``torch.dropout``, ``feature_dropout``
    ...; ``fn`` names the kernel in the messages): ``p`` a number or a 0-d tensor and
    ``training`` a bool (TypeError), then ``p`` in [0, 1], NaN excluded (RuntimeError).
    Returns ``float(p)``. (``nn.functional`` first makes PyTorch's Python-level check, a
    ValueError for p < 0 or p > 1.)"""
    if isinstance(p, Tensor) and p.dim() == 0:
        value = float(p.item())
    elif isinstance(p, numbers.Real):
        value = float(p)
    else:
        raise TypeError(f"{fn}(): argument 'p' (position 2) must be float, not {_type_name(p)}")
    if not isinstance(training, bool):
        raise TypeError(f"{fn}(): argument 'train' (position 3) must be bool, not "
                        f"{_type_name(training)}")
    if not 0.0 <= value <= 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {value:g}")
    return value


def zero_out(input, inplace):
    """p = 1: ``input * 0`` as PyTorch (NaN stays NaN, the gradient is 0, the dtype is kept)."""
    zero = _wrap(np.zeros((), input._data.dtype))
    return input.mul_(zero) if inplace else input * zero


def check_float(input):
    """PyTorch's error for dropout of an integer or bool tensor (its noise is float)."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{scalar_type_name(input._data.dtype)}")


class Dropout(Op):
    @staticmethod
    def forward(ctx, a, p, seed, offset):
        out, mask = _ops.dropout_forward(c_contiguous(a), p, seed, offset)
        ctx.save_for_backward(mask)
        ctx.p = p
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        # the same mask, the same scale: dL/dx = dL/dy * mask / (1 - p)
        return _ops.dropout_backward(c_contiguous(grad), mask, ctx.p), None, None, None

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
        input (Tensor): a floating-point tensor (an integer one only with p = 0 or 1).
        p (float): the probability of an element being zeroed (a number or a 0-d tensor).
        training (bool): apply dropout (True) or return ``input`` (False); a bool, as PyTorch.
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
    p = check_probability(p, training, "dropout_" if inplace else "dropout")
    if not training or p == 0.0 or input._data.size == 0:
        return input
    if p == 1.0:
        return zero_out(input, inplace)
    check_float(input)
    seed, offset = next_call(generator)
    if inplace:
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
        data[...] = _ops.dropout_forward(c_contiguous(data), p, seed, offset)[0]
