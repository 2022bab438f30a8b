"""More elementwise math: rounding (floor, ceil, round, trunc, frac), reciprocal, rsqrt, exp2,
log2, log10, expm1, tan, fmod, nan_to_num, isclose, lerp, addcmul, addcdiv, and the in-place
``name_`` versions of the elementwise ops (``exp_``, ``floor_``, ``lerp_`` ...).

Dtype rules are PyTorch's: float-valued functions turn integer inputs into the default float
dtype; rounding keeps integer inputs as they are (a copy); ``frac`` and ``round(decimals=)``
reject integers with PyTorch's NotImplementedError.
"""
import numpy as np

from .._dtype import c_type_name, scalar_type_name
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import as_operand, float_input, promote, sum_to

__all__ = ["floor", "ceil", "round", "trunc", "fix", "frac", "reciprocal", "rsqrt", "exp2",
           "log2", "log10", "expm1", "tan", "fmod", "nan_to_num", "isclose", "lerp", "addcmul",
           "addcdiv", "clip"]


def _unary(name, fn, derivative, doc):
    """An Op class named ``name`` (its node prints as ``<name>Backward0``) computing ``fn(a)``
    whose gradient is ``grad * derivative(a, out)``."""

    # NaN/inf results (log of 0, 1/0 ...) are expected, as in PyTorch: no numpy warnings
    def forward(ctx, a):
        with np.errstate(all="ignore"):
            out = fn(a)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return grad * derivative(a, out)

    cls = type(name, (Op,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                             "__slots__": (), "__doc__": doc})
    return cls


_LN2 = np.log(2.0)
_LN10 = np.log(10.0)
Reciprocal = _unary("Reciprocal", np.reciprocal, lambda a, out: -out * out, "1 / x")
Rsqrt = _unary("Rsqrt", lambda a: np.reciprocal(np.sqrt(a)), lambda a, out: -0.5 * out * out * out,
               "1 / sqrt(x)")
Exp2 = _unary("Exp2", np.exp2, lambda a, out: out * np.asarray(_LN2, out.dtype), "2 ** x")
def _in_float64(fn):
    """``fn`` computed in float64 for float32 input: numpy's float32 log2/log10 are off by an
    ulp at exact powers (``log10(100) = 2.0000002``), PyTorch's are not."""
    def wrapped(a):
        return fn(a.astype(np.float64)).astype(a.dtype) if a.dtype == np.float32 else fn(a)
    return wrapped


Log2 = _unary("Log2", _in_float64(np.log2), lambda a, out: 1 / (a * np.asarray(_LN2, a.dtype)), "log base 2")
Log10 = _unary("Log10", _in_float64(np.log10), lambda a, out: 1 / (a * np.asarray(_LN10, a.dtype)),
               "log base 10")
Expm1 = _unary("Expm1", np.expm1, lambda a, out: out + 1, "e^x - 1")
Tan = _unary("Tan", np.tan, lambda a, out: 1 + out * out, "tangent")
Frac = _unary("Frac", lambda a: a - np.trunc(a), lambda a, out: 1, "x - trunc(x)")


def _not_implemented(kernel, t):
    return NotImplementedError(f'"{kernel}" not implemented for '
                               f"'{scalar_type_name(t._data.dtype)}'")


def _rounding(name, fn, input):
    """floor/ceil/trunc/round: integers are returned unchanged (a copy), as in PyTorch; the
    gradient is zero but, as in PyTorch, the result is part of the graph."""
    from .arithmetic import StepFunction

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
    return _rounding("Round", lambda a: np.round(a, decimals), input)


def frac(input):
    """The fractional part of each element, ``x - trunc(x)`` (sign of ``x``); gradient 1.

    Example::

        >>> minigrad.frac(minigrad.tensor([1.25, -1.25]))
        tensor([ 0.2500, -0.2500])
    """
    if input._data.dtype.kind in "iub":
        raise _not_implemented("frac_cpu", input)
    return Frac.apply(input)


def reciprocal(input):
    """``1 / x`` for each element (integers give the default float dtype).

    Example::

        >>> minigrad.tensor([2, 4]).reciprocal()
        tensor([0.5000, 0.2500])
    """
    return Reciprocal.apply(float_input(input))


def rsqrt(input):
    """``1 / sqrt(x)`` for each element (NaN below 0, inf at 0).

    Example::

        >>> minigrad.rsqrt(minigrad.tensor([4., 0.25]))
        tensor([0.5000, 2.0000])
    """
    return Rsqrt.apply(float_input(input))


def exp2(input):
    """``2 ** x`` for each element.

    Example::

        >>> minigrad.exp2(minigrad.tensor([0., 3.]))
        tensor([1., 8.])
    """
    return Exp2.apply(float_input(input))


def log2(input):
    """The base-2 logarithm of each element.

    Example::

        >>> minigrad.tensor([1., 8.]).log2()
        tensor([0., 3.])
    """
    return Log2.apply(float_input(input))


def log10(input):
    """The base-10 logarithm of each element.

    Example::

        >>> minigrad.log10(minigrad.tensor([1., 100.]))
        tensor([0., 2.])
    """
    return Log10.apply(float_input(input))


def expm1(input):
    """``exp(x) - 1`` for each element, accurate for small x.

    Example::

        >>> minigrad.expm1(minigrad.tensor([0., 1e-8]))
        tensor([0.0000e+00, 1.0000e-08])
    """
    return Expm1.apply(float_input(input))


def tan(input):
    """The tangent of each element (in radians).

    Example::

        >>> minigrad.tan(minigrad.tensor([0., 0.7854]))
        tensor([0.0000, 1.0000])
    """
    return Tan.apply(float_input(input))


class Fmod(Op):
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


class NanToNum(Op):
    """NaN, +inf and -inf replaced by numbers; the gradient flows only where the input was
    finite (PyTorch's rule)."""

    @staticmethod
    def forward(ctx, a, nan, posinf, neginf):
        ctx.save_for_backward(a)
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return grad * np.isfinite(a), None, None, None

    __slots__ = ()


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """``input`` with NaN replaced by ``nan``, +inf by ``posinf`` and -inf by ``neginf`` (by
    default the dtype's largest and lowest finite values). Integer tensors are returned unchanged.

    Example::

        >>> minigrad.nan_to_num(minigrad.tensor([float("nan"), float("inf"), -1.]), posinf=9.)
        tensor([ 0.,  9., -1.])
    """
    if input._data.dtype.kind != "f":
        return _wrap(input._data.copy())
    return NanToNum.apply(input, nan, posinf, neginf)


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
    prod = tensor1 * tensor2
    out = input + (prod if value == 1 else prod * value)
    if isinstance(input, Tensor) and out._data.dtype != input._data.dtype and \
            input._data.dtype.kind in "iub" and type(value) is float:
        return out.to(input.dtype)  # PyTorch keeps an integer input's dtype for a float value
    return out


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


def clip(input, min=None, max=None):  # noqa: A002
    """Alias of ``clamp``.

    Example::

        >>> minigrad.clip(minigrad.tensor([-2., 0.5, 3.]), -1, 1)
        tensor([-1.0000,  0.5000,  1.0000])
    """
    from .arithmetic import clamp

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

    def name(self):
        return "ClampBackward1"

    __slots__ = ()


def clamp_tensors(input, min, max):  # noqa: A002
    """``clamp`` when a bound is a tensor: the three operands promote to one dtype and
    broadcast together."""
    from .._dtype import result_type

    operands = [as_operand(v) if v is not None else None for v in (input, min, max)]
    dtype = input.dtype
    for v in operands[1:]:
        if v is not None:
            dtype = result_type(_wrap(np.empty(0, dtype.np)), v)
    operands = [v.to(dtype) if isinstance(v, Tensor) else v for v in operands]
    return ClampTensors.apply(*operands)
