"""Integer ops: bitwise ``not``/``and``/``or``/``xor`` (``~ & | ^``), the shifts ``<<`` and
``>>``, ``gcd`` and ``lcm``. They take integer (and, for the logic, bool) tensors and have no
gradient.
"""
import numpy as np

from .._dtype import scalar_type_name
from ..tensor import Tensor, _wrap
from ._util import _not_implemented, as_operand, promote
from .comparison import _compare

__all__ = ["bitwise_left_shift", "bitwise_right_shift", "bitwise_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "gcd", "lcm"]


def _bitwise_check(ufunc, name, a, b):
    a, b = as_operand(a), as_operand(b)
    for x in (a, b):
        # NotImplementedError, as PyTorch (a RuntimeError subclass)
        if isinstance(x, Tensor) and x._data.dtype.kind == "f" or isinstance(x, float):
            raise NotImplementedError(f"\"{name}_cpu\" not implemented for 'Float'" if not isinstance(x, Tensor)
                                      else f"\"{name}_cpu\" not implemented for '{scalar_type_name(x._data.dtype)}'")
    if ufunc in (_left_shift, _right_shift):
        a, b = promote(a, b)  # bools shift as integers; the result has the promoted dtype
    return _compare(ufunc, a, b)


def _shift_operands(a, b):
    """The operands as arrays, ``a`` in the integer dtype of the result (a Python ``True``
    shifted by an int64 tensor shifts as int64, not as numpy's int8)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == np.bool_:
        a = a.astype(b.dtype if b.dtype.kind in "iu" else np.int64)
    return a, b


def _left_shift(a, b):
    # PyTorch's rule: shifting by a negative amount or by the bit width or more gives 0
    a, b = _shift_operands(a, b)
    bits = a.dtype.itemsize * 8
    out = np.left_shift(a, np.clip(b, 0, bits - 1).astype(a.dtype))
    return np.where((b < 0) | (b >= bits), np.zeros((), a.dtype), out)


def _right_shift(a, b):
    # PyTorch's rule: a negative or too large shift gives the sign fill (a >> (bits - 1))
    a, b = _shift_operands(a, b)
    bits = a.dtype.itemsize * 8
    too_far = (b < 0) | (b >= bits)
    return np.right_shift(a, np.where(too_far, bits - 1, b).astype(a.dtype))


def bitwise_left_shift(input, other):
    """``input << other`` for integer tensors (shifts outside ``[0, bits)`` give 0, as in PyTorch).

    Example::

        >>> minigrad.tensor([1, 2, 3]) << 2
        tensor([ 4,  8, 12])
    """
    return _bitwise_check(_left_shift, "lshift", input, other)


def bitwise_right_shift(input, other):
    """``input >> other`` for integer tensors (an arithmetic shift: the sign is kept).

    Example::

        >>> minigrad.tensor([16, -16]).bitwise_right_shift(2)
        tensor([ 4, -4])
    """
    return _bitwise_check(_right_shift, "rshift", input, other)


def bitwise_not(input):
    """``~input``: logical NOT for bool tensors, bitwise NOT for integers (an error for floats).

    Example::

        >>> minigrad.bitwise_not(minigrad.tensor([True, False]))
        tensor([False,  True])
        >>> ~minigrad.tensor([0, 5])
        tensor([-1, -6])
    """
    if input._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(input._data))


def bitwise_and(input, other):
    """``input & other``: logical AND for bools, bitwise AND for integers (an error for floats).

    Example::

        >>> minigrad.tensor([12, 10]).bitwise_and(6)
        tensor([4, 2])
    """
    return _bitwise_check(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    """``input | other``: logical OR for bools, bitwise OR for integers (an error for floats).

    Example::

        >>> minigrad.bitwise_or(minigrad.tensor([12, 10]), 1)
        tensor([13, 11])
    """
    return _bitwise_check(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    """``input ^ other``: logical XOR for bools, bitwise XOR for integers (an error for floats).

    Example::

        >>> minigrad.tensor([12, 10]).bitwise_xor(6)
        tensor([10, 12])
    """
    return _bitwise_check(np.bitwise_xor, "bitwise_xor", input, other)


def _integer_pair(name, input, other):
    a, b = promote(input, other)
    for t in (a, b):
        if isinstance(t, Tensor) and t._data.dtype.kind not in "iu":
            raise _not_implemented(f"{name}_cpu", t)
    return (a._data if isinstance(a, Tensor) else a), (b._data if isinstance(b, Tensor) else b)


def gcd(input, other):
    """The greatest common divisor of the elements (integers only), non-negative.

    Example::

        >>> minigrad.gcd(minigrad.tensor([12, -18]), minigrad.tensor([8, 12]))
        tensor([4, 6])
    """
    a, b = _integer_pair("gcd", input, other)
    return _wrap(np.asarray(np.gcd(a, b)))


def lcm(input, other):
    """The least common multiple of the elements (integers only), non-negative.

    Example::

        >>> minigrad.lcm(minigrad.tensor([4, 0]), minigrad.tensor([6, 3]))
        tensor([12,  0])
    """
    a, b = _integer_pair("lcm", input, other)
    return _wrap(np.asarray(np.lcm(a, b)))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"bitwise_left_shift": bitwise_left_shift, "bitwise_right_shift": bitwise_right_shift,
           "bitwise_not": bitwise_not, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
           "bitwise_xor": bitwise_xor, "gcd": gcd, "lcm": lcm}
