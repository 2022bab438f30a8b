"""Elementwise arithmetic: + - * / ** neg, casts, comparisons, where, maximum, clamp.

Binary ops broadcast like PyTorch; their backward sums each gradient back to its input's shape
(``sum_to``). Either operand may be a Python number, which the op treats as a constant.
"""
import numpy as np

from .._dtype import get_default_dtype, scalar_type_name, to_dtype
from ..autograd.function import Op, translate_numpy_error
from ..tensor import Tensor, _wrap
from ._util import as_operand, promote, sum_to

# the top-level names (minigrad.add ...); cast, Tensor.to's helper, stays internal
__all__ = [
    "add", "sub", "mul", "div", "pow", "neg", "clone", "eq", "ne", "lt", "le", "gt", "ge",
    "logical_not", "logical_and", "logical_or", "where", "maximum", "minimum", "clamp",
    "isnan", "isinf", "isfinite", "allclose", "equal", "floor_divide",
    "remainder", "logical_xor", "bitwise_not", "bitwise_and", "bitwise_or", "bitwise_xor",
    "nonzero", "clamp_min", "clamp_max",
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
        out = np.power(a, b)
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
    """``input + alpha * other``, broadcasting."""
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    return Add.apply(a, b)


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
    """``input - alpha * other``, broadcasting. Bool operands are an error, as in PyTorch."""
    if alpha != 1:
        _check_bool_sub(input, other)
        other = mul(other, alpha)
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
    a, b = promote(input, other)
    return Mul.apply(a, b)


def div(input, other, rounding_mode=None):
    """True division; integer inputs give the default float dtype, as in PyTorch."""
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
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    for x in (a, b):
        if isinstance(x, Tensor) and x._data.dtype.kind in "iub" and np.any(x._data == 0) and x is b:
            raise RuntimeError("ZeroDivisionError")
    if isinstance(b, int) and b == 0 and isinstance(a, Tensor) and a._data.dtype.kind in "iub":
        raise RuntimeError("ZeroDivisionError")
    return StepFunction.apply(_floor_divide if mode == "floor" else _trunc_divide, "Div", a, b)


def floor_divide(input, other):
    """``input // other`` (rounded towards -inf), as ``div(..., rounding_mode="floor")``."""
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
    """Elementwise ``input % other`` with the sign of ``other`` (Python's and PyTorch's rule)."""
    a, b = promote(input, other)
    if isinstance(b, Tensor) and b._data.dtype.kind in "iu" and np.any(b._data == 0):
        raise RuntimeError("ZeroDivisionError")
    if type(b) is int and b == 0 and isinstance(a, Tensor) and a._data.dtype.kind in "iu":
        raise RuntimeError("ZeroDivisionError")
    return Remainder.apply(a, b)


def pow(input, exponent):  # noqa: A001
    if (isinstance(input, Tensor) and type(exponent) is int and exponent < 0
            and input._data.dtype.kind in "iu"):
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    a, b = promote(input, exponent)
    return Pow.apply(a, b)


def neg(input):
    if input._data.dtype == np.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


def cast(input, dtype):
    dtype = to_dtype(dtype)
    if input._data.dtype == dtype.np:
        return input
    if input._requires_grad and not dtype.is_floating_point:
        out = _wrap(input._data.astype(dtype.np))  # integer results leave the graph
        return out
    return Cast.apply(input, dtype.np)


def clone(input):
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
    return _compare(np.equal, input, other)


def ne(input, other):
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


def logical_not(input):
    """``x == 0`` elementwise, as a bool tensor (for any dtype)."""
    return _wrap(np.logical_not(input._data))


def logical_and(input, other):
    return _compare(np.logical_and, input, other)


def logical_or(input, other):
    return _compare(np.logical_or, input, other)


def logical_xor(input, other):
    return _compare(np.logical_xor, input, other)


def _bitwise_check(ufunc, name, a, b):
    for x in (a, b):
        if isinstance(x, Tensor) and x._data.dtype.kind == "f" or isinstance(x, float):
            raise RuntimeError(f"\"{name}_cpu\" not implemented for 'Float'" if not isinstance(x, Tensor)
                               else f"\"{name}_cpu\" not implemented for '{scalar_type_name(x._data.dtype)}'")
    return _compare(ufunc, a, b)


def bitwise_not(input):
    """``~x``: logical not for bool tensors, bitwise not for integers."""
    if input._data.dtype.kind == "f":
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(input._data))


def bitwise_and(input, other):
    """``&``: logical for bools, bitwise for integers."""
    return _bitwise_check(np.bitwise_and, "bitwise_and", input, other)


def bitwise_or(input, other):
    return _bitwise_check(np.bitwise_or, "bitwise_or", input, other)


def bitwise_xor(input, other):
    return _bitwise_check(np.bitwise_xor, "bitwise_xor", input, other)


def isnan(input):
    return _wrap(np.isnan(input._data))


def isinf(input):
    return _wrap(np.isinf(input._data))


def isfinite(input):
    return _wrap(np.isfinite(input._data))


def equal(input, other):
    """True if both tensors have the same shape and elements."""
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
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
    """Elements of ``input`` where ``condition`` is true, else of ``other`` (broadcasting).
    ``where(condition)`` alone is ``nonzero(condition, as_tuple=True)``."""
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
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or one index tensor per
    dimension with ``as_tuple=True``."""
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
    a, b = promote(input, other)
    return Maximum.apply(a, b)


def minimum(input, other):
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
    """Limit the elements to [min, max]; the gradient is passed where the input lies inside."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
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
