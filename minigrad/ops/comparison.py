"""Comparisons and logic: ``eq``/``ne``/``lt``/``le``/``gt``/``ge`` (the ``==`` ... operators),
``logical_not``/``and``/``or``/``xor``, ``equal``, ``allclose``, ``isclose``, ``is_nonzero``,
and the elementwise ``maximum``/``minimum`` (``fmax``/``fmin`` ignore NaN).

Comparisons give bool tensors and no gradient; ``maximum``/``minimum`` pass the gradient to the
winning operand (split evenly on ties, as in PyTorch).
"""
import numpy as np

from .._dtype import scalar_type_name
from ..autograd.function import Op, translate_numpy_error
from ..tensor import Tensor, _wrap
from ._util import as_operand, promote, sum_to
from .arithmetic import _shape
from .masking import where

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "logical_not", "logical_and", "logical_or",
           "logical_xor", "equal", "allclose", "isclose", "is_nonzero", "maximum", "minimum",
           "fmax", "fmin", "greater", "greater_equal", "less", "less_equal", "not_equal"]


# ------------------------------------------------------------------ comparisons (no gradient)
def _compare(ufunc, a, b):
    a, b = as_operand(a), as_operand(b)
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    try:
        return _wrap(ufunc(x, y))
    except ValueError as exc:
        err = translate_numpy_error(exc, (x, y))
        if err is None:
            raise
        raise err from None


def eq(input, other):
    """``input == other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.eq(minigrad.tensor([[1, 2], [3, 4]]), minigrad.tensor([[1, 1], [4, 4]]))
        tensor([[ True, False],
                [False,  True]])
    """
    return _compare(np.equal, input, other)


def ne(input, other):
    """``input != other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.tensor([1, 2, 3]).ne(2)
        tensor([ True, False,  True])
    """
    return _compare(np.not_equal, input, other)


def lt(input, other):
    """``input < other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.tensor([1., 2., 3.]).lt(2)
        tensor([ True, False, False])
    """
    return _compare(np.less, input, other)


def le(input, other):
    """``input <= other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.le(minigrad.tensor([1., 2., 3.]), 2)
        tensor([ True,  True, False])
    """
    return _compare(np.less_equal, input, other)


def gt(input, other):
    """``input > other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.tensor([1., 2., 3.]).gt(minigrad.tensor([0., 2., 4.]))
        tensor([ True, False, False])
    """
    return _compare(np.greater, input, other)


def ge(input, other):
    """``input >= other`` elementwise (broadcasting), as a bool tensor.

    Example::

        >>> minigrad.ge(minigrad.tensor([1., 2., 3.]), 2)
        tensor([False,  True,  True])
    """
    return _compare(np.greater_equal, input, other)


def logical_not(input):
    """Elementwise logical NOT (``input == 0``), as a bool tensor, for any dtype.

    Example::

        >>> minigrad.logical_not(minigrad.tensor([0., 1.5, -2.]))
        tensor([ True, False, False])
    """
    return _wrap(np.logical_not(input._data))


def logical_and(input, other):
    """Elementwise logical AND of ``input`` and ``other`` (non-zero counts as True), as a bool tensor.

    Example::

        >>> minigrad.tensor([1, 0, 3]).logical_and(minigrad.tensor([1, 1, 0]))
        tensor([ True, False, False])
    """
    return _compare(np.logical_and, input, other)


def logical_or(input, other):
    """Elementwise logical OR of ``input`` and ``other`` (non-zero counts as True), as a bool tensor.

    Example::

        >>> minigrad.logical_or(minigrad.tensor([1, 0, 0]), minigrad.tensor([0, 0, 2]))
        tensor([ True, False,  True])
    """
    return _compare(np.logical_or, input, other)


def logical_xor(input, other):
    """Elementwise logical XOR of ``input`` and ``other`` (non-zero counts as True), as a bool tensor.

    Example::

        >>> minigrad.tensor([1, 0, 3]).logical_xor(minigrad.tensor([1, 1, 0]))
        tensor([False,  True,  True])
    """
    return _compare(np.logical_xor, input, other)


def equal(input, other):
    """``True`` if ``input`` and ``other`` have the same shape and the same elements, else ``False``
    (a Python bool).

    Example::

        >>> minigrad.equal(minigrad.tensor([1, 2]), minigrad.tensor([1, 2]))
        True
    """
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``True`` if every element satisfies ``|input - other| <= atol + rtol * |other|`` (a Python
    bool); NaNs compare equal only with ``equal_nan=True``.

    Example::

        >>> minigrad.tensor([1.0, 2.0]).allclose(minigrad.tensor([1.0, 2.0 + 1e-7]))
        True
    """
    return bool(np.allclose(input._data, other._data, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """A bool tensor, True where ``|input - other| <= atol + rtol * |other|`` (broadcasting);
    equal infinities are close, NaNs are close only with ``equal_nan=True``. Both tensors must
    have the same dtype, as in PyTorch.

    Example::

        >>> minigrad.isclose(minigrad.tensor([1., 2.]), minigrad.tensor([1. + 1e-9, 2.1]))
        tensor([ True, False])
    """
    other = as_operand(other)
    if isinstance(other, Tensor) and other._data.dtype != input._data.dtype:
        raise RuntimeError(f"{scalar_type_name(input._data.dtype)} did not match "
                           f"{scalar_type_name(other._data.dtype)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol:g}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol:g}")
    a = input._data
    b = other._data if isinstance(other, Tensor) else other
    with np.errstate(all="ignore"):
        return _wrap(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def is_nonzero(input):
    """``True`` if the single element of ``input`` is non-zero (an error for zero or several
    elements, as in PyTorch).

    Example::

        >>> minigrad.is_nonzero(minigrad.tensor([0.5]))
        True
    """
    if input._data.size == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input._data.size > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input._data.reshape(()))


class Maximum(Op):
    """Elementwise max; at ties each side gets half the gradient, as in PyTorch."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_comparison(grad, a, b, ctx.needs_input_grad, np.greater)

    __slots__ = ()


class Minimum(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _split_by_comparison(grad, a, b, ctx.needs_input_grad, np.less)

    __slots__ = ()


def _split_by_comparison(grad, a, b, needs, wins):
    """PyTorch's rule: half each at ties, nothing to the losing side, and (as NaN loses no
    comparison) the whole gradient to both sides where either is NaN."""
    half = np.where(a == b, grad * 0.5, grad)
    ga = gb = None
    if needs[0]:
        ga = sum_to(np.where(wins(b, a), 0, half).astype(grad.dtype, copy=False), _shape(a))
    if needs[1]:
        gb = sum_to(np.where(wins(a, b), 0, half).astype(grad.dtype, copy=False), _shape(b))
    return ga, gb


def maximum(input, other):
    """The elementwise maximum of ``input`` and ``other`` (broadcasting). NaN propagates; at ties each
    side gets half the gradient, as in PyTorch.

    Example::

        >>> minigrad.maximum(minigrad.tensor([1., 5.]), minigrad.tensor([3., 2.]))
        tensor([3., 5.])
    """
    a, b = promote(input, other)
    return Maximum.apply(a, b)


def minimum(input, other):
    """The elementwise minimum of ``input`` and ``other`` (broadcasting). NaN propagates; at ties each
    side gets half the gradient, as in PyTorch.

    Example::

        >>> minigrad.tensor([1., 5.]).minimum(minigrad.tensor([3., 2.]))
        tensor([1., 2.])
    """
    a, b = promote(input, other)
    return Minimum.apply(a, b)


def _nan_ignoring(input, other, ufunc):
    a, b = promote(input, other)
    a_data = a._data if isinstance(a, Tensor) else a
    b_data = b._data if isinstance(b, Tensor) else b
    take_a = ufunc(a_data, b_data) | (a_data == b_data) | np.isnan(b_data) \
        if np.result_type(a_data, b_data).kind == "f" else ufunc(a_data, b_data) | (a_data == b_data)
    return where(_wrap(np.asarray(take_a)), a, b)


def fmax(input, other):
    """The elementwise maximum, ignoring NaN (NaN only where both are NaN). The gradient goes to
    ``input`` at ties, as in PyTorch.

    Example::

        >>> minigrad.fmax(minigrad.tensor([1., float("nan")]), minigrad.tensor([float("nan"), 2.]))
        tensor([1., 2.])
    """
    return _nan_ignoring(input, other, np.greater)


def fmin(input, other):
    """The elementwise minimum, ignoring NaN (NaN only where both are NaN).

    Example::

        >>> minigrad.fmin(minigrad.tensor([1., float("nan")]), minigrad.tensor([0., 2.]))
        tensor([0., 2.])
    """
    return _nan_ignoring(input, other, np.less)


# PyTorch's other names for the comparisons (the same functions)
greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"greater": gt, "greater_equal": ge, "less": lt, "less_equal": le, "not_equal": ne,
           "eq": eq, "ne": ne, "lt": lt, "le": le, "gt": gt, "ge": ge, "logical_not": logical_not,
           "logical_and": logical_and, "logical_or": logical_or, "logical_xor": logical_xor,
           "equal": equal, "allclose": allclose, "isclose": isclose, "is_nonzero": is_nonzero,
           "maximum": maximum, "minimum": minimum, "fmax": fmax, "fmin": fmin}
