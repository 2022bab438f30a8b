"""Arithmetic: ``+ - * / **`` and negation (``add``, ``sub``, ``mul``, ``div``, ``pow``,
``neg`` and their aliases), ``float_power``, and the fused ``lerp``, ``addcmul``, ``addcdiv``.

Binary ops broadcast like PyTorch; their backward sums each gradient back to its input's shape
(``sum_to``). Either operand may be a Python number, which the op treats as a constant.
"""
import numpy as np

from .._dtype import bool as _bool_dtype, c_type_name, get_default_dtype, result_type
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import _not_implemented, as_operand, promote, sum_to

__all__ = ["add", "sub", "mul", "div", "subtract", "multiply", "divide", "pow", "neg", "true_divide", "negative", "positive",
           "float_power", "lerp", "addcmul", "addcdiv"]


def _shape(x):
    return np.shape(x)


class Add(Op):
    edge_args = (0, 1)  # PyTorch wraps a number operand in a tensor: it shows as (None, 0)

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

    # number - tensor is PyTorch's rsub(tensor, number): RsubBackward1, the tensor its one input
    def name(self):
        return "SubBackward0" if self._tensor_args[0] else "RsubBackward1"

    @property
    def edge_args(self):
        return (0, 1) if self._tensor_args[0] else (1,)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        return (sum_to(grad, sa) if need_a else None, sum_to(-grad, sb) if need_b else None)

    __slots__ = ("shapes",)


class Mul(Op):
    saved_for = ((1,), (0,))  # a serves b's gradient, b serves a's
    edge_args = (0, 1)

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


class AlphaScale(Mul):
    """``alpha * other`` inside ``add``/``sub``: PyTorch's add takes alpha itself, so its graph
    has no node for this one (``transparent``: ``next_functions`` shows ``other``)."""

    transparent = True
    __slots__ = ()


class Div(Op):
    saved_for = ((1,), (0, 1))
    edge_args = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = sum_to(grad / b, _shape(a)) if need_a else None
        gb = sum_to(-grad * ((a / b) / b), _shape(b)) if need_b else None  # PyTorch's order
        return ga, gb

    __slots__ = ()


class Pow(Op):
    def name(self):  # PyTorch's overloads: tensor ** number, tensor ** tensor, number ** tensor
        a, b = self._tensor_args
        return "PowBackward1" if a and b else ("PowBackward0" if a else "PowBackward2")

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
            ga = np.where(b == 0, 0, grad * b * _power(a, b - 1)).astype(grad.dtype, copy=False)
            ga = sum_to(ga, _shape(a))
        if need_b:
            # d(a^b)/db = a^b * log(a); 0 where a == 0 and b >= 0 (PyTorch's convention)
            gb = np.where((a == 0) & (b >= 0), 0, grad * out * np.log(a)).astype(grad.dtype, copy=False)
            gb = sum_to(gb, _shape(b))
        return ga, gb

    __slots__ = ()


def _power(a, b):
    """np.power with PyTorch's integer rule for negative exponents (numpy refuses them): 1 and -1
    keep their magnitude, every other base truncates to 0. A float base to the scalar power -0.5
    is 1 / sqrt(x), as PyTorch's rsqrt kernel for it (NaN at -inf, -inf at -0.0; the gradient
    of x ** 0.5 uses it too)."""
    if np.ndim(b) == 0 and b == -0.5 and np.result_type(a).kind == "f":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.reciprocal(np.sqrt(a))
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
    return AlphaScale.apply(*promote(other, alpha))


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


class StepFunction(Op):
    """An op that is piecewise constant (sign, rounded division ...): its gradient is zero, but
    as in PyTorch its result is part of the graph (``requires_grad`` and a ``grad_fn``)."""

    @staticmethod
    def forward(ctx, fn, name, *arrays):
        ctx.meta = (name, tuple((np.shape(a), np.result_type(a)) for a in arrays))
        return np.asarray(fn(*arrays))

    @staticmethod
    def backward(ctx, grad):
        _, inputs = ctx.meta
        return (None, None) + tuple(np.zeros(s, d if d.kind == "f" else grad.dtype)
                                    for s, d in inputs)

    def name(self):  # "Sign" is SignBackward0; a name with its overload number stays as it is
        name = self.meta[0]
        return name if "Backward" in name else f"{name}Backward0"

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
    name = "DivBackward2" if isinstance(b, Tensor) else "DivBackward3"  # PyTorch's overloads
    return StepFunction.apply(_floor_divide if mode == "floor" else _trunc_divide, name, a, b)


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


def true_divide(input, other):
    """Alias of ``div`` (true division).

    Example::

        >>> minigrad.true_divide(minigrad.tensor([1, 3]), 2)
        tensor([0.5000, 1.5000])
    """
    return div(input, other)


def negative(input):
    """Alias of ``neg``.

    Example::

        >>> minigrad.negative(minigrad.tensor([1., -2.]))
        tensor([-1.,  2.])
    """
    return neg(input)


def positive(input):
    """``input`` itself (``+input``); an error for bool tensors, as in PyTorch.

    Example::

        >>> minigrad.positive(minigrad.tensor([1., -2.]))
        tensor([ 1., -2.])
    """
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def float_power(input, exponent):
    """``input ** exponent`` computed in float64 (the result is float64).

    Example::

        >>> minigrad.float_power(minigrad.tensor([2]), 2)
        tensor([4.], dtype=minigrad.float64)
    """
    a = input.to(np.float64) if isinstance(input, Tensor) else float(input)
    e = exponent.to(np.float64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, e)


def _same_float_dtype(kernel, input, *others):
    if input._data.dtype.kind != "f":
        raise _not_implemented(kernel, input)
    for name, o in others:
        if isinstance(o, Tensor) and o._data.dtype != input._data.dtype:
            raise RuntimeError(f"expected dtype {c_type_name(input._data.dtype)} for `{name}` but got dtype "
                               f"{c_type_name(o._data.dtype)}")


def lerp(input, end, weight):
    """Linear interpolation ``input + weight * (end - input)``; ``weight`` is a number or a tensor
    (broadcasting). ``input``, ``end`` (and a tensor ``weight``) must share one float dtype.

    Example::

        >>> minigrad.lerp(minigrad.tensor([0., 10.]), minigrad.tensor([10., 20.]), 0.5)
        tensor([ 5., 15.])
    """
    end = as_operand(end)
    weight = as_operand(weight)
    kernel = "lerp_kernel_tensor" if isinstance(weight, Tensor) else "lerp_kernel_scalar"
    _same_float_dtype(kernel, input, ("end", end), ("weight", weight))
    return input + weight * (end - input)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2`` (broadcasting).

    Example::

        >>> minigrad.addcmul(minigrad.ones(2), minigrad.tensor([1., 2.]), minigrad.tensor([3., 4.]), value=0.5)
        tensor([2.5000, 5.0000])
    """
    # as PyTorch: the three tensors give the result's dtype, and value is cast to it (a
    # fractional value on integer tensors truncates; the value never promotes)
    dtype = result_type(as_operand(input), as_operand(tensor1), as_operand(tensor2))
    value = _scalar_in(value, dtype)
    prod = tensor1 * tensor2
    out = input + (prod if value == 1 else prod * value)
    return out if out.dtype == dtype else out.to(dtype)


def _scalar_in(value, dtype):
    """A Python number as PyTorch casts a scalar argument (value=, alpha=, beta=) to the dtype of
    an op's result: truncated for integers, a bool for bool."""
    if dtype.is_floating_point or not isinstance(value, (int, float)):
        return value
    return bool(value) if dtype == _bool_dtype else int(value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2`` (broadcasting); integer ``tensor1`` and ``tensor2``
    are an error, as in PyTorch.

    Example::

        >>> minigrad.addcdiv(minigrad.ones(2), minigrad.tensor([1., 2.]), minigrad.tensor([4., 4.]), value=2)
        tensor([1.5000, 2.0000])
    """
    if all(isinstance(t, Tensor) and t._data.dtype.kind in "iub" for t in (tensor1, tensor2)):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release "
            "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
            "behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2))"
            ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    quot = tensor1 / tensor2
    return input + (quot if value == 1 else quot * value)


# PyTorch's other names for sub, mul and div (the same functions)
subtract, multiply, divide = sub, mul, div

# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"add": add, "sub": sub, "subtract": sub, "mul": mul, "multiply": mul, "div": div,
           "divide": div, "true_divide": div, "pow": pow, "neg": neg, "negative": negative,
           "positive": positive, "float_power": float_power, "lerp": lerp, "addcmul": addcmul,
           "addcdiv": addcdiv}
