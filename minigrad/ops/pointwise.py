"""Pointwise maths: ``exp``/``exp2``/``expm1``, ``log``/``log2``/``log10``/``log1p``,
``logaddexp``/``logaddexp2``, ``sqrt``/``rsqrt``, ``square``, ``reciprocal``, ``abs``,
``sign``/``sgn`` and ``heaviside``.

Integer inputs of float-valued functions are promoted to the default float dtype first, as in
PyTorch. (Trigonometry is in ``trigonometric.py``, activations in ``activation.py``.)
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._elementwise import _binary, _float_pair, _in_float64, _unary
from ._util import _not_implemented, float_input
from .arithmetic import StepFunction

__all__ = ["exp", "log", "log1p", "sqrt", "abs", "square", "sign", "reciprocal", "rsqrt", "exp2",
           "log2", "log10", "expm1", "logaddexp", "logaddexp2", "absolute", "sgn", "heaviside"]


class Exp(Op):
    @staticmethod
    def forward(ctx, a):
        out = np.exp(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out

    __slots__ = ()


class Log(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / a

    __slots__ = ()


class Log1p(Op):
    node_name = "Log1PBackward0"  # (PyTorch's spelling)

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.log1p(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad / (1 + a)

    __slots__ = ()


class Sqrt(Op):
    @staticmethod
    def forward(ctx, a):
        out = np.sqrt(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad / (2 * out)

    __slots__ = ()


class Abs(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * _sign(a)  # 0 at a == 0 and at NaN, as PyTorch

    __slots__ = ()


_LN2 = np.log(2.0)
_LN10 = np.log(10.0)
Reciprocal = _unary("Reciprocal", np.reciprocal, lambda a, out: -out * out, "1 / x")
Rsqrt = _unary("Rsqrt", lambda a: np.reciprocal(np.sqrt(a)), lambda a, out: -0.5 * out * out * out,
               "1 / sqrt(x)")
Exp2 = _unary("Exp2", np.exp2, lambda a, out: out * np.asarray(_LN2, out.dtype), "2 ** x")


Log2 = _unary("Log2", _in_float64(np.log2), lambda a, out: 1 / (a * np.asarray(_LN2, a.dtype)), "log base 2")
Log10 = _unary("Log10", _in_float64(np.log10), lambda a, out: 1 / (a * np.asarray(_LN10, a.dtype)),
               "log base 10")
Expm1 = _unary("Expm1", np.expm1, lambda a, out: out + 1, "e^x - 1")


def exp(input):
    """The exponential of the elements of ``input``, e^x. Integer inputs give the default float dtype.

    Example::

        >>> minigrad.exp(minigrad.tensor([0., 1.]))
        tensor([1.0000, 2.7183])
        >>> minigrad.tensor([0., -1.]).exp()
        tensor([1.0000, 0.3679])
    """
    return Exp.apply(float_input(input))


def log(input):
    """The natural logarithm of the elements of ``input`` (NaN below 0, -inf at 0, as in PyTorch).
    Integer inputs give the default float dtype.

    Example::

        >>> minigrad.tensor([1., 2.7183, 10.]).log()
        tensor([0.0000, 1.0000, 2.3026])
    """
    return Log.apply(float_input(input))


def log1p(input):
    """``log(1 + x)`` for the elements of ``input``, accurate for small x.

    Example::

        >>> minigrad.log1p(minigrad.tensor([0., 1e-8, 1.]))
        tensor([0.0000e+00, 1.0000e-08, 6.9315e-01])
    """
    return Log1p.apply(float_input(input))


def sqrt(input):
    """The square root of the elements of ``input`` (NaN for negative values). Integer inputs give the
    default float dtype.

    Example::

        >>> minigrad.tensor([4., 9., 2.]).sqrt()
        tensor([2.0000, 3.0000, 1.4142])
    """
    return Sqrt.apply(float_input(input))


def abs(input):  # noqa: A001
    """The absolute value of the elements of ``input`` (its gradient is 0 at 0, as in PyTorch).

    Example::

        >>> minigrad.abs(minigrad.tensor([-1, 2, -3]))
        tensor([1, 2, 3])
    """
    if input._data.dtype == np.bool_:
        raise _not_implemented("abs_cpu", input)  # PyTorch has no bool kernel
    return Abs.apply(input)


def square(input):
    """The square of the elements of ``input`` (``input * input``).

    Example::

        >>> minigrad.tensor([-2., 3.]).square()
        tensor([4., 9.])
    """
    if input._data.dtype == np.bool_:
        input = input.to(np.int64)  # as PyTorch's pow(x, 2): bool squares to int64
    return input * input


def _sign(a):
    """np.sign, but 0 (not NaN) at NaN, as PyTorch's sign; a bool is its own sign. An array of
    ``a``'s shape (np.sign of a 0-d array is a numpy scalar)."""
    if a.dtype == np.bool_:
        return a.copy()
    s = np.asarray(np.sign(a))
    if s.dtype.kind == "f":
        s = np.where(np.isnan(s), np.zeros((), s.dtype), s)
    return s


def sign(input):
    """The sign of the elements of ``input``: -1, 0 or 1 (0 for NaN, as in PyTorch). Its gradient is
    zero.

    Example::

        >>> minigrad.sign(minigrad.tensor([-2.5, 0., 3.]))
        tensor([-1.,  0.,  1.])
    """
    return StepFunction.apply(_sign, "Sign", input)


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


def _logaddexp_grads(a, b, out):
    # PyTorch's form: right where one operand is infinite (exp(a - out) would be inf - inf)
    return 1 / (1 + np.exp(b - a)), 1 / (1 + np.exp(a - b))


def _logaddexp2_grads(a, b, out):
    return 1 / (1 + np.exp2(b - a)), 1 / (1 + np.exp2(a - b))


Logaddexp = _binary("Logaddexp", np.logaddexp, _logaddexp_grads, "log(e^a + e^b)")
Logaddexp2 = _binary("Logaddexp2", np.logaddexp2, _logaddexp2_grads, "log2(2^a + 2^b)")


def logaddexp(input, other):
    """``log(exp(input) + exp(other))`` elementwise, without overflow.

    Example::

        >>> minigrad.logaddexp(minigrad.tensor([1000., 0.]), minigrad.tensor([1000., 0.]))
        tensor([1.0007e+03, 6.9315e-01])
    """
    return Logaddexp.apply(*_float_pair(input, other))


def logaddexp2(input, other):
    """``log2(2^input + 2^other)`` elementwise, without overflow.

    Example::

        >>> minigrad.logaddexp2(minigrad.tensor([1.]), minigrad.tensor([1.]))
        tensor([2.])
    """
    return Logaddexp2.apply(*_float_pair(input, other))


def absolute(input):
    """Alias of ``abs``.

    Example::

        >>> minigrad.absolute(minigrad.tensor([-1, 2]))
        tensor([1, 2])
    """
    return abs(input)


def sgn(input):
    """The sign of the elements of ``input`` (``sign`` for real tensors).

    Example::

        >>> minigrad.sgn(minigrad.tensor([-2., 0., 3.]))
        tensor([-1.,  0.,  1.])
    """
    return sign(input)


def heaviside(input, values):
    """The Heaviside step: 0 where ``input < 0``, ``values`` where it is 0, 1 where it is
    positive. ``input`` and ``values`` must have the same dtype. Not differentiable.

    Example::

        >>> minigrad.heaviside(minigrad.tensor([-1., 0., 2.]), minigrad.tensor([0.5]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    for name, t in (("input", input), ("values", values)):
        if not isinstance(t, Tensor):
            raise TypeError(f"heaviside(): argument '{name}' must be Tensor, not "
                            f"{type(t).__name__}")
    if values._data.dtype != input._data.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _wrap(np.heaviside(input._data, values._data).astype(input._data.dtype))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"exp": exp, "log": log, "log1p": log1p, "sqrt": sqrt, "abs": abs, "square": square,
           "sign": sign, "reciprocal": reciprocal, "rsqrt": rsqrt, "exp2": exp2, "log2": log2,
           "log10": log10, "expm1": expm1, "logaddexp": logaddexp, "logaddexp2": logaddexp2,
           "absolute": absolute, "sgn": sgn, "heaviside": heaviside}
