"""Inverse and hyperbolic trigonometric functions, erf/erfc, logit, angle conversions, and the
binary atan2, hypot, logaddexp/logaddexp2, xlogy; plus PyTorch's aliases (arcsin, absolute,
negative, true_divide ...). Integer inputs give the default float dtype, as in PyTorch.
"""
import math

import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import float_input, promote, sum_to
from .special import _unary

__all__ = ["asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos",
           "arctan", "arcsinh", "arccosh", "arctanh", "erf", "erfc", "logit", "deg2rad",
           "rad2deg", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "xlogy", "absolute",
           "negative", "positive", "sgn", "true_divide"]

_erf_f64 = np.vectorize(math.erf, otypes=[np.float64])
_erfc_f64 = np.vectorize(math.erfc, otypes=[np.float64])
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def _in_f64(fn):
    return lambda a: fn(a.astype(np.float64)).astype(a.dtype)  # math.erf: float64 only


def _const(value, like):
    return np.asarray(value, like.dtype)


Asin = _unary("Asin", np.arcsin, lambda a, out: 1 / np.sqrt(1 - a * a), "arcsine")
Acos = _unary("Acos", np.arccos, lambda a, out: -1 / np.sqrt(1 - a * a), "arccosine")
Atan = _unary("Atan", np.arctan, lambda a, out: 1 / (1 + a * a), "arctangent")
Sinh = _unary("Sinh", np.sinh, lambda a, out: np.cosh(a), "hyperbolic sine")
Cosh = _unary("Cosh", np.cosh, lambda a, out: np.sinh(a), "hyperbolic cosine")
Asinh = _unary("Asinh", np.arcsinh, lambda a, out: 1 / np.sqrt(a * a + 1), "inverse sinh")
Acosh = _unary("Acosh", np.arccosh, lambda a, out: 1 / np.sqrt(a * a - 1), "inverse cosh")
Atanh = _unary("Atanh", np.arctanh, lambda a, out: 1 / (1 - a * a), "inverse tanh")
Erf = _unary("Erf", _in_f64(_erf_f64),
             lambda a, out: _const(_TWO_OVER_SQRT_PI, a) * np.exp(-a * a), "error function")
Erfc = _unary("Erfc", _in_f64(_erfc_f64),
              lambda a, out: -_const(_TWO_OVER_SQRT_PI, a) * np.exp(-a * a), "1 - erf")
Deg2rad = _unary("Deg2Rad", lambda a: a * _const(math.pi / 180, a),
                 lambda a, out: _const(math.pi / 180, a), "degrees to radians")
Rad2deg = _unary("Rad2Deg", lambda a: a * _const(180 / math.pi, a),
                 lambda a, out: _const(180 / math.pi, a), "radians to degrees")


def _doc(fn, text, example):
    fn.__doc__ = f"{text}\n\n    Example::\n\n        {example}\n"
    return fn


def _make(op, name, text, example):
    def fn(input):
        return op.apply(float_input(input))

    fn.__name__ = fn.__qualname__ = name
    return _doc(fn, text, example)


asin = _make(Asin, "asin", "The arcsine of the elements of ``input`` (NaN outside [-1, 1]).",
             ">>> minigrad.asin(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 1.5708])")
acos = _make(Acos, "acos", "The arccosine of the elements of ``input`` (NaN outside [-1, 1]).",
             ">>> minigrad.acos(minigrad.tensor([1., 0.]))\n        tensor([0.0000, 1.5708])")
atan = _make(Atan, "atan", "The arctangent of the elements of ``input``.",
             ">>> minigrad.atan(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 0.7854])")
sinh = _make(Sinh, "sinh", "The hyperbolic sine of the elements of ``input``.",
             ">>> minigrad.sinh(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 1.1752])")
cosh = _make(Cosh, "cosh", "The hyperbolic cosine of the elements of ``input``.",
             ">>> minigrad.cosh(minigrad.tensor([0., 1.]))\n        tensor([1.0000, 1.5431])")
asinh = _make(Asinh, "asinh", "The inverse hyperbolic sine of the elements of ``input``.",
              ">>> minigrad.asinh(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 0.8814])")
acosh = _make(Acosh, "acosh", "The inverse hyperbolic cosine of the elements of ``input`` (NaN "
              "below 1).",
              ">>> minigrad.acosh(minigrad.tensor([1., 2.]))\n        tensor([0.0000, 1.3170])")
atanh = _make(Atanh, "atanh", "The inverse hyperbolic tangent of the elements of ``input``.",
              ">>> minigrad.atanh(minigrad.tensor([0., 0.5]))\n        tensor([0.0000, 0.5493])")
erf = _make(Erf, "erf", "The error function of the elements of ``input``.",
            ">>> minigrad.erf(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 0.8427])")
erfc = _make(Erfc, "erfc", "The complementary error function ``1 - erf(x)``, accurate for large "
             "x.", ">>> minigrad.erfc(minigrad.tensor([0., 1.]))\n        tensor([1.0000, 0.1573])")
deg2rad = _make(Deg2rad, "deg2rad", "Angles in degrees converted to radians.",
                ">>> minigrad.deg2rad(minigrad.tensor([180.]))\n        tensor([3.1416])")
rad2deg = _make(Rad2deg, "rad2deg", "Angles in radians converted to degrees.",
                ">>> minigrad.rad2deg(minigrad.tensor([3.1416]))\n        tensor([180.0004])")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


class Logit(Op):
    """log(p / (1 - p)), with p first clamped to [eps, 1 - eps] when eps is given (the gradient
    is then zero outside that range, as in PyTorch)."""

    @staticmethod
    def forward(ctx, a, eps):
        p = a if eps is None else np.clip(a, eps, 1 - eps)
        ctx.save_for_backward(a)
        ctx.eps = eps
        with np.errstate(all="ignore"):
            return np.log(p / (1 - p))

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        with np.errstate(all="ignore"):
            g = grad / (a * (1 - a))
        if ctx.eps is not None:
            g = np.where((a < ctx.eps) | (a > 1 - ctx.eps), 0, g).astype(grad.dtype)
        return g, None

    __slots__ = ("eps",)


def logit(input, eps=None):
    """The log-odds ``log(p / (1 - p))`` of the elements of ``input`` (the inverse of
    ``sigmoid``); with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``.

    Example::

        >>> minigrad.logit(minigrad.tensor([0.5, 0.75]))
        tensor([0.0000, 1.0986])
    """
    return Logit.apply(float_input(input), eps)


def _float_pair(input, other):
    a, b = promote(input, other)
    if isinstance(a, Tensor):
        a = float_input(a)
    if isinstance(b, Tensor):
        b = float_input(b)
    if not isinstance(a, Tensor):
        a = float(a)
    if not isinstance(b, Tensor):
        b = float(b)
    return a, b


def _binary(name, forward, grads, doc):
    """An Op class ``name`` computing ``forward(a, b)``; ``grads(a, b, out)`` gives the local
    derivatives (d/da, d/db)."""

    def fwd(ctx, a, b):
        with np.errstate(all="ignore"):
            out = forward(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    def bwd(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        with np.errstate(all="ignore"):
            da, db = grads(a, b, out)
            ga = sum_to((grad * da).astype(grad.dtype, copy=False), np.shape(a)) if need_a else None
            gb = sum_to((grad * db).astype(grad.dtype, copy=False), np.shape(b)) if need_b else None
        return ga, gb

    return type(name, (Op,), {"forward": staticmethod(fwd), "backward": staticmethod(bwd),
                              "__slots__": (), "__doc__": doc})


def _logaddexp_grads(a, b, out):
    # PyTorch's form: right where one operand is infinite (exp(a - out) would be inf - inf)
    return 1 / (1 + np.exp(b - a)), 1 / (1 + np.exp(a - b))


def _logaddexp2_grads(a, b, out):
    return 1 / (1 + np.exp2(b - a)), 1 / (1 + np.exp2(a - b))


def _xlogy_forward(a, b):
    return np.where((a == 0) & ~np.isnan(b), 0, a * np.log(b)).astype(np.result_type(a, b))


def _xlogy_grads(a, b, out):
    return np.where((a == 0) & (b <= 0), 0, np.log(b)), a / b


Atan2 = _binary("Atan2", np.arctan2, lambda a, b, out: (b / (a * a + b * b), -a / (a * a + b * b)),
                "atan2(a, b)")
Hypot = _binary("Hypot", np.hypot, lambda a, b, out: (a / out, b / out), "sqrt(a^2 + b^2)")
Logaddexp = _binary("Logaddexp", np.logaddexp, _logaddexp_grads, "log(e^a + e^b)")
Logaddexp2 = _binary("Logaddexp2", np.logaddexp2, _logaddexp2_grads, "log2(2^a + 2^b)")
Xlogy = _binary("Xlogy", _xlogy_forward, _xlogy_grads, "a * log(b), 0 where a == 0")


def atan2(input, other):
    """The angle of the point ``(other, input)``: ``atan(input / other)`` in the right quadrant.
    ``arctan2`` is an alias.

    Example::

        >>> minigrad.atan2(minigrad.tensor([1., -1.]), minigrad.tensor([-1., -1.]))
        tensor([ 2.3562, -2.3562])
    """
    return Atan2.apply(*_float_pair(input, other))


arctan2 = atan2


def hypot(input, other):
    """``sqrt(input^2 + other^2)`` elementwise, without overflow.

    Example::

        >>> minigrad.hypot(minigrad.tensor([3.]), minigrad.tensor([4.]))
        tensor([5.])
    """
    return Hypot.apply(*_float_pair(input, other))


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


def xlogy(input, other):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN).

    Example::

        >>> minigrad.xlogy(minigrad.tensor([0., 2.]), minigrad.tensor([0., 1.]))
        tensor([0., 0.])
    """
    return Xlogy.apply(*_float_pair(input, other))


def absolute(input):
    """Alias of ``abs``.

    Example::

        >>> minigrad.absolute(minigrad.tensor([-1, 2]))
        tensor([1, 2])
    """
    from .pointwise import abs as _abs

    return _abs(input)


def negative(input):
    """Alias of ``neg``.

    Example::

        >>> minigrad.negative(minigrad.tensor([1., -2.]))
        tensor([-1.,  2.])
    """
    from .arithmetic import neg

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


def sgn(input):
    """The sign of the elements of ``input`` (``sign`` for real tensors).

    Example::

        >>> minigrad.sgn(minigrad.tensor([-2., 0., 3.]))
        tensor([-1.,  0.,  1.])
    """
    from .pointwise import sign

    return sign(input)


def true_divide(input, other):
    """Alias of ``div`` (true division).

    Example::

        >>> minigrad.true_divide(minigrad.tensor([1, 3]), 2)
        tensor([0.5000, 1.5000])
    """
    from .arithmetic import div

    return div(input, other)


METHODS = {name: globals()[name] for name in __all__ if name != "true_divide"}

# the in-place versions (x.asin_() ...); PyTorch has the unary ones at top level too
_INPLACE_UNARY = ["asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin",
                  "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "erf", "erfc", "logit",
                  "deg2rad", "rad2deg", "absolute", "negative", "sgn"]
_INPLACE_BINARY = ["atan2", "arctan2", "hypot", "xlogy"]


def _install_inplace():
    from .inplace_math import _inplace

    for name in _INPLACE_UNARY:
        METHODS[name + "_"] = _inplace(globals()[name], name + "_")
    for name in _INPLACE_BINARY:
        METHODS[name + "_"] = _inplace(globals()[name], name + "_", binary=True)


_install_inplace()
_TOP_LEVEL_INPLACE = ["asin_", "acos_", "atan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_",
                      "arcsin_", "arccos_", "arctan_", "arcsinh_", "arccosh_", "arctanh_", "erf_",
                      "erfc_", "logit_", "deg2rad_", "rad2deg_", "negative_", "xlogy_"]
globals().update({name: METHODS[name] for name in _TOP_LEVEL_INPLACE})
__all__ += _TOP_LEVEL_INPLACE
