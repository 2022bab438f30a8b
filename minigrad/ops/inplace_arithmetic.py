"""The in-place arithmetic: ``add_``, ``sub_``, ``mul_``, ``div_`` (the ``+=`` ... operators),
``floor_divide_``, ``remainder_``, ``pow_``, the bitwise ``and_``/``or_``/``xor_``/``not_`` and
shifts, and ``clamp_``/``clamp_min_``/``clamp_max_``, with PyTorch's dtype rule: the result must
be castable to the tensor's dtype.
"""
import numpy as np

from .._dtype import get_default_dtype, result_type
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor, _wrap
from ._util import as_operand
from .arithmetic import _check_bool_sub, add, div, mul, pow, scale_by_alpha, sub
from .clamping import clamp
from .inplace import _NAMES, _check_cast, _raw, apply_inplace, broadcast_error
from .integer import (bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or, bitwise_right_shift,
                      bitwise_xor)
from .rounding import floor_divide, remainder

__all__ = ["clamp_", "clamp_min_", "clamp_max_"]


def _binary_inplace(t, other, ufunc, outofplace):
    other = as_operand(other)
    _check_cast(t, other)
    return apply_inplace(
        t, lambda old: outofplace(old, other),
        lambda data: ufunc(data, _raw(other), out=data, casting="unsafe"),
        others=(other,),
    )


def add_(t, other, alpha=1):
    """In-place version of ``add``: ``self += alpha * other`` (broadcast to this tensor's shape; the
    result type must fit this tensor's dtype). Returns this tensor.

    Example::

        >>> x = minigrad.tensor([1., 2.])
        >>> x.add_(minigrad.tensor([10., 10.]), alpha=2)
        tensor([21., 22.])
    """
    return _binary_inplace(t, scale_by_alpha(t, other, alpha), np.add, add)


def sub_(t, other, alpha=1):
    """In-place version of ``sub``: ``self -= alpha * other``. Returns this tensor.

    Example::

        >>> minigrad.tensor([5., 5.]).sub_(1)
        tensor([4., 4.])
    """
    _check_bool_sub(t, other)
    return _binary_inplace(t, scale_by_alpha(t, other, alpha), np.subtract, sub)


def mul_(t, other):
    """In-place version of ``mul``: ``self *= other``. Returns this tensor.

    Example::

        >>> minigrad.tensor([1., 2.]).mul_(3)
        tensor([3., 6.])
    """
    return _binary_inplace(t, other, np.multiply, mul)


def div_(t, other, rounding_mode=None):
    """In-place version of ``div``: ``self /= other`` (this tensor must be floating point unless a
    ``rounding_mode``, "trunc" or "floor", keeps the quotient an integer). Returns this tensor.

    Example::

        >>> minigrad.tensor([1., 2.]).div_(4)
        tensor([0.2500, 0.5000])
    """
    if rounding_mode is not None:
        return _computed_inplace(t, other, lambda a, b: div(a, b, rounding_mode=rounding_mode))
    other = as_operand(other)
    if t._data.dtype.kind != "f":
        res = result_type(t, other)  # the quotient's dtype: a float operand's, else the default
        res = res if res.is_floating_point else get_default_dtype()
        raise RuntimeError(
            f"result type {_NAMES.get(res.name)} can't be cast to the desired output type "
            f"{_NAMES.get(t.dtype.name)}"
        )
    return _binary_inplace(t, other, np.true_divide, div)


def _computed_inplace(t, other, outofplace):
    """``t op= other`` for the ops whose rules (integer division by zero, integer powers, shifts)
    live in the out-of-place function: without a graph the result is computed out of place and
    copied in, so both forms give the same values and errors."""
    other = as_operand(other)
    _check_cast(t, other)
    if isinstance(other, Tensor):
        err = broadcast_error(other._data.shape, t._data.shape)
        if err is not None:
            raise err

    def write(data):
        with no_grad():
            result = outofplace(_wrap(data), other)
        np.copyto(data, result._data, casting="unsafe")

    return apply_inplace(t, lambda old: outofplace(old, other), write, others=(other,))


def floor_divide_(t, other):
    """In-place version of ``floor_divide``: ``self //= other``. Returns this tensor.

    Example::

        >>> minigrad.tensor([7, -7]).floor_divide_(2)
        tensor([ 3, -4])
    """
    return _computed_inplace(t, other, floor_divide)


def remainder_(t, other):
    """In-place version of ``remainder``: ``self %= other``. Returns this tensor.

    Example::

        >>> minigrad.tensor([7, -7]).remainder_(3)
        tensor([1, 2])
    """
    return _computed_inplace(t, other, remainder)


def pow_(t, exponent):
    """In-place version of ``pow``: ``self **= exponent``. Returns this tensor.

    Example::

        >>> minigrad.tensor([1., 2., 3.]).pow_(2)
        tensor([1., 4., 9.])
    """
    return _computed_inplace(t, exponent, pow)


def bitwise_not_(t):
    """In-place version of ``bitwise_not`` (``~``) for integer and bool tensors. Returns this tensor."""
    bitwise_not(t)  # its dtype check
    return apply_inplace(t, bitwise_not, lambda data: np.invert(data, out=data))


def _bitwise_inplace(fn):
    name = fn.__name__

    def method(t, other):
        return _computed_inplace(t, other, fn)

    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place version of ``{name}``. Returns this tensor."
    return method


bitwise_and_ = _bitwise_inplace(bitwise_and)
bitwise_or_ = _bitwise_inplace(bitwise_or)
bitwise_xor_ = _bitwise_inplace(bitwise_xor)
bitwise_left_shift_ = _bitwise_inplace(bitwise_left_shift)
bitwise_right_shift_ = _bitwise_inplace(bitwise_right_shift)


def clamp_(t, min=None, max=None):  # noqa: A002
    """In-place version of ``clamp``: limits the elements to ``[min, max]``. Returns this tensor.

    Example::

        >>> minigrad.tensor([-2., 0.5, 3.]).clamp_(-1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return apply_inplace(
        t, lambda old: clamp(old, min, max),
        lambda data: np.clip(data, _raw(min), _raw(max), out=data),
        others=(min, max),
    )


def clamp_min_(t, min):  # noqa: A002
    """In-place version of ``clamp_min``."""
    return clamp_(t, min=min)


def clamp_max_(t, max):  # noqa: A002
    """In-place version of ``clamp_max``."""
    return clamp_(t, max=max)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"add_": add_, "sub_": sub_, "mul_": mul_, "div_": div_, "floor_divide_": floor_divide_,
           "remainder_": remainder_, "pow_": pow_, "bitwise_not_": bitwise_not_,
           "bitwise_and_": bitwise_and_, "bitwise_or_": bitwise_or_, "bitwise_xor_": bitwise_xor_,
           "bitwise_left_shift_": bitwise_left_shift_, "bitwise_right_shift_": bitwise_right_shift_,
           "clamp_": clamp_, "clamp_min_": clamp_min_, "clamp_max_": clamp_max_}
