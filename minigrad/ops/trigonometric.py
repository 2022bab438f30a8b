"""Trigonometric and hyperbolic functions: ``sin``, ``cos``, ``tan``, their inverses, ``atan2``,
``hypot``, ``sinh``, ``cosh``, ``tanh`` and their inverses, ``deg2rad``/``rad2deg``, and
PyTorch's ``arc*`` aliases. Integer inputs give the default float dtype, as in PyTorch.
"""
import math

import numpy as np

from ..autograd.function import Op
from ._elementwise import _binary, _const, _float_pair, _make, _unary
from ._util import float_input

__all__ = ["sin", "cos", "tan", "tanh", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh",
           "atanh", "deg2rad", "rad2deg", "arcsin", "arccos", "arctan", "arcsinh", "arccosh",
           "arctanh", "atan2", "arctan2", "hypot"]


class Sin(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return grad * np.cos(a)

    __slots__ = ()


class Cos(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.cos(a)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return -grad * np.sin(a)

    __slots__ = ()


class Tanh(Op):
    @staticmethod
    def forward(ctx, a):
        out = np.tanh(a)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)

    __slots__ = ()


def sin(input):
    """The sine of the elements of ``input`` (in radians).

    Example::

        >>> minigrad.tensor([0., 1.5708]).sin()
        tensor([0., 1.])
    """
    return Sin.apply(float_input(input))


def cos(input):
    """The cosine of the elements of ``input`` (in radians).

    Example::

        >>> minigrad.cos(minigrad.tensor([0., 3.1416]))
        tensor([ 1., -1.])
    """
    return Cos.apply(float_input(input))


Tan = _unary("Tan", np.tan, lambda a, out: 1 + out * out, "tangent")


def tan(input):
    """The tangent of each element (in radians).

    Example::

        >>> minigrad.tan(minigrad.tensor([0., 0.7854]))
        tensor([0.0000, 1.0000])
    """
    return Tan.apply(float_input(input))


def tanh(input):
    """The hyperbolic tangent of the elements of ``input``.

    Example::

        >>> minigrad.tanh(minigrad.tensor([-1., 0., 20.]))
        tensor([-0.7616,  0.0000,  1.0000])
    """
    return Tanh.apply(float_input(input))


Asin = _unary("Asin", np.arcsin, lambda a, out: 1 / np.sqrt(1 - a * a), "arcsine")
Acos = _unary("Acos", np.arccos, lambda a, out: -1 / np.sqrt(1 - a * a), "arccosine")
Atan = _unary("Atan", np.arctan, lambda a, out: 1 / (1 + a * a), "arctangent")
Sinh = _unary("Sinh", np.sinh, lambda a, out: np.cosh(a), "hyperbolic sine")
Cosh = _unary("Cosh", np.cosh, lambda a, out: np.sinh(a), "hyperbolic cosine")
Asinh = _unary("Asinh", np.arcsinh, lambda a, out: 1 / np.sqrt(a * a + 1), "inverse sinh")
Acosh = _unary("Acosh", np.arccosh, lambda a, out: 1 / np.sqrt(a * a - 1), "inverse cosh")
Atanh = _unary("Atanh", np.arctanh, lambda a, out: 1 / (1 - a * a), "inverse tanh")


Deg2rad = _unary("Deg2Rad", lambda a: a * _const(math.pi / 180, a),
                 lambda a, out: _const(math.pi / 180, a), "degrees to radians")
Rad2deg = _unary("Rad2Deg", lambda a: a * _const(180 / math.pi, a),
                 lambda a, out: _const(180 / math.pi, a), "radians to degrees")


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


deg2rad = _make(Deg2rad, "deg2rad", "Angles in degrees converted to radians.",
                ">>> minigrad.deg2rad(minigrad.tensor([180.]))\n        tensor([3.1416])")
rad2deg = _make(Rad2deg, "rad2deg", "Angles in radians converted to degrees.",
                ">>> minigrad.rad2deg(minigrad.tensor([3.1416]))\n        tensor([180.0004])")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


Atan2 = _binary("Atan2", np.arctan2, lambda a, b, out: (b / (a * a + b * b), -a / (a * a + b * b)),
                "atan2(a, b)")
Hypot = _binary("Hypot", np.hypot, lambda a, b, out: (a / out, b / out), "sqrt(a^2 + b^2)")


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


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"sin": sin, "cos": cos, "tan": tan, "tanh": tanh, "arcsin": asin, "asin": asin,
           "acos": acos, "arccos": acos, "arctan": atan, "atan": atan, "sinh": sinh, "cosh": cosh,
           "arcsinh": asinh, "asinh": asinh, "acosh": acosh, "arccosh": acosh, "arctanh": atanh,
           "atanh": atanh, "deg2rad": deg2rad, "rad2deg": rad2deg, "arctan2": atan2, "atan2": atan2,
           "hypot": hypot}
