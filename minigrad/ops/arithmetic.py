"""Elementwise arithmetic: + - * / ** neg, casts, comparisons, where, maximum, clamp.

Binary ops broadcast like PyTorch; their backward sums each gradient back to its input's shape
(``sum_to``). Either operand may be a Python number, which the op treats as a constant.
"""
import numpy as np

from .._dtype import bool as _bool_dtype
from .._dtype import get_default_dtype, result_type, scalar_type_name, to_dtype
from ..autograd.function import Op, translate_numpy_error
from ..tensor import Tensor, _wrap
from ._util import as_operand, promote, sum_to

# the top-level names (minigrad.add ...); cast, Tensor.to's helper, stays internal
__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "clone", "eq", "ne", "lt", "le", "gt", "ge",
    "logical_not", "logical_and", "logical_or", "where", "maximum", "minimum", "clamp",
    "isnan", "isinf", "isfinite", "allclose", "equal", "floor_divide",
    "remainder", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "nonzero", "clamp_min", "clamp_max", "bitwise_left_shift", "bitwise_right_shift",
]


def _shape(x):
    return np.shape(x)


class Add(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a + b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to(grad, sa) if need_a else None, sum_to(grad, sb) if need_b else None)

    __slots__ = ("shapes",)


class Sub(Op):
    @staticmethod
    def forward(ctx, a, b):
        ctx.shapes = (_shape(a), _shape(b))
        return a - b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to(grad, sa) if need_a else None, sum_to(-grad, sb) if need_b else None)

    __slots__ = ("shapes",)


class Mul(Op):
    saved_for = ((1,), (0,))  # a serves b's gradient, b serves a's

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (sum_to(grad * b, _shape(a)) if need_a else None,
                sum_to(grad * a, _shape(b)) if need_b else None)

    __slots__ = ()


class Div(Op):
    saved_for = ((1,), (0, 1))

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to(grad / b, _shape(a)) if need_a else None
        gb = sum_to(-grad * a / (b * b), _shape(b)) if need_b else None
        return ga, gb

    __slots__ = ()


class Pow(Op):
    @staticmethod
    def forward(ctx, a, b):
        out = _power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = gb = None
        if need_a:
            # d(a^b)/da = b * a^(b-1); PyTorch defines it as 0 where b == 0 (even at a == 0)
            ga = np.where(b == 0, 0, grad * b * np.power(a, b - 1)).astype(grad.dtype, copy=False)
            ga = sum_to(ga, _shape(a))
        if need_b:
            # d(a^b)/db = a^b * log(a); 0 where a == 0 and b >= 0 (PyTorch's convention)
            gb = np.where((a == 0) & (b >= 0), 0, grad * out * np.log(a)).astype(grad.dtype, copy=False)
            gb = sum_to(gb, _shape(b))
        return ga, gb

    __slots__ = ()


def _power(a, b):
    """np.power with PyTorch's integer rule for negative exponents (numpy refuses them): 1 and -1
    keep their magnitude, every other base truncates to 0."""
    if np.result_type(a, b).kind not in "iu" or not np.any(np.asarray(b) < 0):
        return np.power(a, b)
    a, b = np.asarray(a), np.asarray(b)
    negative = b < 0
    out = np.power(a, np.where(negative, 0, b))
    odd_minus_one = np.where(b % 2 == 1, -1, 1).astype(out.dtype)
    inverse = np.where(a == 1, 1, np.where(a == -1, odd_minus_one, 0)).astype(out.dtype)
    return np.where(negative, inverse, out)


class Neg(Op):
    @staticmethod
    def forward(ctx, a):
        return np.negative(a)

    @staticmethod
    def backward(ctx, grad):
        return -grad

    __slots__ = ()


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


def add(input, other, alpha=1):
    """Adds ``other``, scaled by ``alpha``, to ``input``: ``input + alpha * other``.

    Broadcasts like PyTorch and applies its type promotion (``int_tensor + 1.5`` is float).
    ``other`` may be a tensor or a Python number.

    Args:
        input (Tensor): the first operand.
        other (Tensor or Number): the tensor or number to add.
        alpha (Number): the multiplier for ``other``.

    Example::

        >>> a = minigrad.tensor([1., 2., 3.])
        >>> minigrad.add(a, 10)
        tensor([11., 12., 13.])
        >>> a.add(minigrad.tensor([[1.], [2.]]), alpha=-1)
        tensor([[ 0.,  1.,  2.],
                [-1.,  0.,  1.]])
    """
    other = scale_by_alpha(input, other, alpha)
    a, b = promote(input, other)
    return Add.apply(a, b)


def scale_by_alpha(input, other, alpha):
    """``alpha * other`` for add/sub (and their in-place forms), with PyTorch's checks of alpha
    against the result type: no float alpha for integer results, bool alpha only for bool ones."""
    if type(alpha) is int and alpha == 1:
        return other
    other = as_operand(other)
    result = result_type(as_operand(input), other)
    if isinstance(alpha, bool) or isinstance(alpha, np.bool_):
        if result is not _bool_dtype:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif not result.is_floating_point and not isinstance(alpha, (int, np.integer)):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if result is _bool_dtype:  # bool + alpha * bool stays bool: only whether alpha is 0 matters
        return other if alpha else (other & False if isinstance(other, Tensor) else False)
    if not isinstance(other, Tensor):
        return other * alpha  # a Python number stays one (it does not take part in promotion)
    return mul(other, alpha)


def _is_bool(x):
    return type(x) is bool or (isinstance(x, Tensor) and x._data.dtype == np.bool_)


def _check_bool_sub(a, b):
    if _is_bool(a) or _is_bool(b):
        if _is_bool(a) and _is_bool(b):
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
                "or `logical_xor()` operator instead."
            )
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def sub(input, other, alpha=1):
    """Subtracts ``other``, scaled by ``alpha``, from ``input``: ``input - alpha * other``.

    Broadcasts and promotes types as ``add``. Bool operands are an error, as in PyTorch (use
    ``logical_not`` or ``^`` instead).

    Example::

        >>> a = minigrad.tensor([1., 2.])
        >>> minigrad.sub(a, minigrad.tensor([0.5, 0.5]), alpha=2)
        tensor([0., 1.])
    """
    if not (type(alpha) is int and alpha == 1):
        _check_bool_sub(input, other)
        other = scale_by_alpha(input, other, alpha)
    a, b = promote(input, other)
    if a is not input or b is not other or a.__class__ is bool or b.__class__ is bool:
        # a bool tensor only gets here converted, or with another bool (which numpy refuses)
        _check_bool_sub(input, other)
    try:
        return Sub.apply(a, b)
    except TypeError:  # numpy refuses bool - bool
        _check_bool_sub(input, other)
        raise


def mul(input, other):
    """Multiplies ``input`` by ``other`` elementwise (broadcasting, with type promotion).

    Example::

        >>> a = minigrad.tensor([[1., 2.], [3., 4.]])
        >>> a.mul(minigrad.tensor([10., 100.]))
        tensor([[ 10., 200.],
                [ 30., 400.]])
        >>> minigrad.mul(a, 0.5)
        tensor([[0.5000, 1.0000],
                [1.5000, 2.0000]])
    """
    a, b = promote(input, other)
    return Mul.apply(a, b)


def div(input, other, rounding_mode=None):
    """Divides ``input`` by ``other`` elementwise (broadcasting, with type promotion).

    Without ``rounding_mode`` this is true division: integer inputs give the default float dtype,
    as in PyTorch. ``rounding_mode="trunc"`` rounds the quotient towards zero, ``"floor"`` towards
    minus infinity (both keep integer dtypes); their gradient is zero.

    Args:
        input (Tensor or Number): the dividend.
        other (Tensor or Number): the divisor.
        rounding_mode (str, optional): None, ``"trunc"`` or ``"floor"``.

    Example::

        >>> a = minigrad.tensor([7, -7])
        >>> a / 2
        tensor([ 3.5000, -3.5000])
        >>> minigrad.div(a, 2, rounding_mode="trunc")
        tensor([ 3, -3])
        >>> a.div(2, rounding_mode="floor")
        tensor([ 3, -4])
    """
    a, b = promote(input, other)
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    for x in (a, b):
        if isinstance(x, Tensor) and x._data.dtype.kind != "f":
            # integer / integer: computed in the default float dtype from the original operands
            # (so that e.g. uint8_tensor / -2 is -0.5, as in PyTorch)
            dtype = get_default_dtype()
            a, b = as_operand(input), as_operand(other)
            a = a.to(dtype) if isinstance(a, Tensor) else a
            b = b.to(dtype) if isinstance(b, Tensor) else b
            break
    return Div.apply(a, b)


class StepFunction(Op):
    """An op that is piecewise constant (sign, rounded division ...): its gradient is zero, but
    as in PyTorch its result is part of the graph (``requires_grad`` and a ``grad_fn``)."""

    @staticmethod
    def forward(ctx, fn, name, *arrays):
        ctx.meta = (name, tuple(np.shape(a) for a in arrays))
        return np.asarray(fn(*arrays))

    @staticmethod
    def backward(ctx, grad):
        _, shapes = ctx.meta
        return (None, None) + tuple(np.zeros(s, grad.dtype) for s in shapes)

    def name(self):
        return f"{self.meta[0]}Backward0"

    __slots__ = ("meta",)


def _floor_divide(x, y):
    return np.floor_divide(x, y)


def _trunc_divide(x, y):
    return np.trunc(np.true_divide(x, y)).astype(np.result_type(x, y))


def _rounded_div(a, b, mode):
    if mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    for x in (a, b):
        if isinstance(x, Tensor) and x._data.dtype.kind in "iub" and np.any(x._data == 0) and x is b:
            raise RuntimeError("ZeroDivisionError")
    if isinstance(b, int) and b == 0 and isinstance(a, Tensor) and a._data.dtype.kind in "iub":
        raise RuntimeError("ZeroDivisionError")
    return StepFunction.apply(_floor_divide if mode == "floor" else _trunc_divide, "Div", a, b)


def floor_divide(input, other):
    """``input // other``: the quotient rounded towards minus infinity, as
    ``div(input, other, rounding_mode="floor")``.

    Example::

        >>> minigrad.floor_divide(minigrad.tensor([7., -7.]), 2)
        tensor([ 3., -4.])
    """
    return div(input, other, rounding_mode="floor")


class Remainder(Op):
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


def pow(input, exponent):  # noqa: A001
    """Raises ``input`` to the power ``exponent`` elementwise (``input ** exponent``).

    Either may be a tensor (broadcasting) or a number. Integer tensors to negative integer powers
    are an error, as in PyTorch. The gradient follows PyTorch's conventions at 0 (zero where the
    exponent is 0).

    Example::

        >>> a = minigrad.tensor([1., 2., 3.])
        >>> a.pow(2)
        tensor([1., 4., 9.])
        >>> minigrad.pow(2, a)
        tensor([2., 4., 8.])
    """
    if (isinstance(input, Tensor) and type(exponent) is int and exponent < 0
            and input._data.dtype.kind in "iub"):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    a, b = promote(input, exponent)
    return Pow.apply(a, b)


def neg(input):
    """``-input`` elementwise (an error for bool tensors: use ``logical_not``).

    Example::

        >>> minigrad.tensor([1., -2.]).neg()
        tensor([-1.,  2.])
    """
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


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


def _left_shift(a, b):
    # PyTorch's rule: shifting by a negative amount or by the bit width or more gives 0
    a, b = np.asarray(a), np.asarray(b)
    bits = a.dtype.itemsize * 8
    out = np.left_shift(a, np.clip(b, 0, bits - 1).astype(a.dtype))
    return np.where((b < 0) | (b >= bits), np.zeros((), a.dtype), out)


def _right_shift(a, b):
    # PyTorch's rule: a negative or too large shift gives the sign fill (a >> (bits - 1))
    a, b = np.asarray(a), np.asarray(b)
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


def isnan(input):
    """A bool tensor, True where ``input`` is NaN.

    Example::

        >>> minigrad.tensor([1., float("nan"), float("inf")]).isnan()
        tensor([False,  True, False])
    """
    return _wrap(np.isnan(input._data))


def isinf(input):
    """A bool tensor, True where ``input`` is +inf or -inf.

    Example::

        >>> minigrad.isinf(minigrad.tensor([1., float("-inf"), float("nan")]))
        tensor([False,  True, False])
    """
    return _wrap(np.isinf(input._data))


def isfinite(input):
    """A bool tensor, True where ``input`` is finite (not inf, not NaN).

    Example::

        >>> minigrad.tensor([1., float("inf"), float("nan")]).isfinite()
        tensor([ True, False, False])
    """
    return _wrap(np.isfinite(input._data))


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


# ------------------------------------------------------------------ selection
class Where(Op):
    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.save_for_backward(cond)
        ctx.shapes = (_shape(a), _shape(b))
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        (cond,) = ctx.saved_tensors
        sa, sb = ctx.shapes
        _, need_a, need_b = ctx.needs_input_grad
        ga = sum_to(np.where(cond, grad, 0).astype(grad.dtype, copy=False), sa) if need_a else None
        gb = sum_to(np.where(cond, 0, grad).astype(grad.dtype, copy=False), sb) if need_b else None
        return None, ga, gb

    __slots__ = ("shapes",)


def where(condition, input=None, other=None):
    """Elements of ``input`` where ``condition`` is True, else of ``other``.

    ``condition`` (a bool tensor), ``input`` and ``other`` broadcast together; ``input`` and
    ``other`` may be numbers, and their types are promoted as for ``add``. The gradient goes to
    ``input`` where the condition holds and to ``other`` elsewhere. ``where(condition)`` alone is
    ``nonzero(condition, as_tuple=True)``. As a method, ``x.where(condition, y)`` is
    ``where(condition, x, y)``.

    Example::

        >>> x = minigrad.tensor([[-1., 2.], [3., -4.]])
        >>> minigrad.where(x > 0, x, 0.)
        tensor([[0., 2.],
                [3., 0.]])
        >>> minigrad.where(x > 0)
        (tensor([0, 1]), tensor([1, 0]))
    """
    if input is None and other is None:
        return nonzero(as_operand(condition), as_tuple=True)
    condition = as_operand(condition)
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{scalar_type_name(cond.dtype)}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        # two Python numbers: each is a 0-d tensor of its own type (1.0 -> float32, 1 -> int64)
        from ..creation import tensor

        input, other = tensor(input), tensor(other)
    a, b = promote(input, other)
    return Where.apply(cond, a, b)


def nonzero(input, *, as_tuple=False):
    """The indices of the non-zero elements of ``input``: an int64 tensor of shape (n, ndim), one row
    per element, or with ``as_tuple=True`` one index tensor per dimension (usable as ``x[...]``).

    Example::

        >>> x = minigrad.tensor([[0, 1], [2, 0]])
        >>> minigrad.nonzero(x)
        tensor([[0, 1],
                [1, 0]])
        >>> x.nonzero(as_tuple=True)
        (tensor([0, 1]), tensor([1, 0]))
    """
    idx = np.nonzero(input._data) if input._data.ndim else np.nonzero(input._data.reshape(1))
    if as_tuple:
        return tuple(_wrap(i.astype(np.int64)) for i in idx)
    return _wrap(np.stack(idx, axis=1).astype(np.int64) if input._data.ndim else
                 np.zeros((len(idx[0]), 0), np.int64))


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


class Clamp(Op):
    @staticmethod
    def forward(ctx, a, lo, hi):
        ctx.save_for_backward(a)
        ctx.bounds = (lo, hi)
        return np.clip(a, lo, hi)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = np.ones(a.shape, dtype=bool)
        if lo is not None:
            inside &= a >= lo
        if hi is not None:
            inside &= a <= hi
        return grad * inside, None, None

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
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        from .special import clamp_tensors  # PyTorch's gradients at the bounds

        return clamp_tensors(input, min, max)
    if input._data.dtype.kind != "f" and any(isinstance(v, float) for v in (min, max)):
        input = input.to(get_default_dtype())
    return Clamp.apply(input, min, max)


def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``: the elements below ``min`` (a number or a tensor) are raised
    to it.

    Example::

        >>> minigrad.tensor([-1., 0.5, 2.]).clamp_min(0.)
        tensor([0.0000, 0.5000, 2.0000])
    """
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``: the elements above ``max`` (a number or a tensor) are lowered
    to it.

    Example::

        >>> minigrad.tensor([-1., 0.5, 2.]).clamp_max(1.)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return clamp(input, max=max)
