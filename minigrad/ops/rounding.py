"""Rounding and integer division: ``floor``, ``ceil``, ``round``, ``trunc``/``fix``, ``frac``,
``floor_divide`` (``//``), ``remainder`` (``%``, the sign of the divisor) and ``fmod`` (the sign
of the dividend).

Rounding keeps integer inputs as they are (a copy); ``frac`` and ``round(decimals=)`` reject
integers with PyTorch's NotImplementedError. Step functions have a zero gradient.
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._elementwise import _unary
from ._util import _not_implemented, promote, sum_to
from .arithmetic import StepFunction, _shape, div

__all__ = ["floor", "ceil", "trunc", "fix", "round", "frac", "floor_divide", "remainder", "fmod"]


def _rounding(name, fn, input):
    """floor/ceil/trunc/round: integers are returned unchanged (a copy), as in PyTorch; the
    gradient is zero but, as in PyTorch, the result is part of the graph."""
    if input._data.dtype.kind in "iub":
        return _wrap(input._data.copy())
    return StepFunction.apply(fn, name, input)


def floor(input):
    """The largest integer not greater than each element of ``input`` (integers are unchanged);
    the gradient is zero.

    Example::

        >>> minigrad.floor(minigrad.tensor([-1.5, 0.5, 2.]))
        tensor([-2.,  0.,  2.])
    """
    return _rounding("Floor", np.floor, input)


def ceil(input):
    """The smallest integer not less than each element of ``input``; the gradient is zero.

    Example::

        >>> minigrad.tensor([-1.5, 0.5]).ceil()
        tensor([-1.,  1.])
    """
    return _rounding("Ceil", np.ceil, input)


def trunc(input):
    """Each element of ``input`` rounded towards zero; the gradient is zero. ``fix`` is an alias.

    Example::

        >>> minigrad.trunc(minigrad.tensor([-1.7, 1.7]))
        tensor([-1.,  1.])
    """
    return _rounding("Trunc", np.trunc, input)


fix = trunc


def round(input, *, decimals=0):  # noqa: A001
    """Each element of ``input`` rounded to ``decimals`` decimal places, halves to even (as in
    PyTorch: ``round(2.5) == 2``); the gradient is zero.

    Example::

        >>> minigrad.round(minigrad.tensor([0.5, 1.5, 1.234]))
        tensor([0., 2., 1.])
        >>> minigrad.tensor([1.234, 5.678]).round(decimals=1)
        tensor([1.2000, 5.7000])
    """
    if decimals == 0:
        return _rounding("Round", np.rint, input)
    if input._data.dtype.kind in "iub":
        raise _not_implemented("round_cpu", input)
    return _rounding("RoundBackward1", lambda a: np.round(a, decimals), input)


Frac = _unary("Frac", lambda a: a - np.trunc(a), lambda a, out: 1, "x - trunc(x)")


def frac(input):
    """The fractional part of each element, ``x - trunc(x)`` (sign of ``x``); gradient 1.

    Example::

        >>> minigrad.frac(minigrad.tensor([1.25, -1.25]))
        tensor([ 0.2500, -0.2500])
    """
    if input._data.dtype.kind in "iub":
        raise _not_implemented("frac_cpu", input)
    return Frac.apply(input)


def floor_divide(input, other):
    """``input // other``: the quotient rounded towards minus infinity, as
    ``div(input, other, rounding_mode="floor")``.

    Example::

        >>> minigrad.floor_divide(minigrad.tensor([7., -7.]), 2)
        tensor([ 3., -4.])
    """
    return div(input, other, rounding_mode="floor")


class Remainder(Op):
    def name(self):  # PyTorch's overloads: with a number (0), with a tensor (1)
        return "RemainderBackward1" if self._tensor_args[1] else "RemainderBackward0"

    """Python's modulus (the sign of the divisor): a - floor(a / b) * b."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to(grad, _shape(a)) if need_a else None
        gb = None
        if need_b:
            gb = sum_to(-grad * np.floor_divide(a, b), _shape(b))
        return ga, gb

    __slots__ = ()


def remainder(input, other):
    """``input % other`` elementwise, with the sign of ``other`` (Python's rule, and PyTorch's).

    Example::

        >>> minigrad.remainder(minigrad.tensor([-3., 4., 5.]), 2)
        tensor([1., 0., 1.])
        >>> minigrad.tensor([5, -5]).remainder(-3)
        tensor([-1, -2])
    """
    a, b = promote(input, other)
    if isinstance(b, Tensor) and b._data.dtype.kind in "iu" and np.any(b._data == 0):
        raise RuntimeError("ZeroDivisionError")
    if type(b) is int and b == 0 and isinstance(a, Tensor) and a._data.dtype.kind in "iu":
        raise RuntimeError("ZeroDivisionError")
    return Remainder.apply(a, b)


class Fmod(Op):
    def name(self):  # PyTorch's overloads: with a number (0), with a tensor (1)
        return "FmodBackward1" if self._tensor_args[1] else "FmodBackward0"

    """C's fmod: the remainder of ``a / b`` rounded towards zero (the sign of ``a``)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(all="ignore"):
            return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to(grad, np.shape(a)) if need_a else None
        gb = None
        if need_b:
            with np.errstate(all="ignore"):
                gb = sum_to(-grad * np.trunc(np.true_divide(a, b)), np.shape(b))
        return ga, gb

    __slots__ = ()


def _check_integer_divisor(a, b):
    if isinstance(b, Tensor) and b._data.dtype.kind in "iub" and not np.all(b._data):
        raise RuntimeError("ZeroDivisionError")
    if type(b) is int and b == 0 and isinstance(a, Tensor) and a._data.dtype.kind in "iub":
        raise RuntimeError("ZeroDivisionError")


def fmod(input, other):
    """The remainder of ``input / other`` rounded towards zero, so it has the sign of ``input``
    (C's ``fmod``; ``remainder`` has the sign of ``other``). Integer division by zero is an error.

    Example::

        >>> minigrad.fmod(minigrad.tensor([-3., 3.]), 2)
        tensor([-1.,  1.])
    """
    a, b = promote(input, other)
    _check_integer_divisor(a, b)
    return Fmod.apply(a, b)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"floor": floor, "ceil": ceil, "fix": trunc, "trunc": trunc, "round": round, "frac": frac,
           "floor_divide": floor_divide, "remainder": remainder, "fmod": fmod}
