"""The floating-point representation: ``isnan``, ``isinf``, ``isfinite``, ``isposinf``,
``isneginf``, ``signbit``, ``nan_to_num``, ``copysign``, ``nextafter``, and ``frexp``/``ldexp``
(mantissa and exponent).
"""
import numpy as np

from .._dtype import get_default_dtype
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._elementwise import _binary, _float_pair
from ._util import promote, return_type
from .arithmetic import pow as _pow

__all__ = ["isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit", "nan_to_num",
           "copysign", "nextafter", "ldexp", "frexp"]


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


def isposinf(input):
    """A bool tensor, True where ``input`` is +inf.

    Example::

        >>> minigrad.isposinf(minigrad.tensor([1., float("inf"), float("-inf")]))
        tensor([False,  True, False])
    """
    return _wrap(np.isposinf(input._data) if input._data.dtype.kind == "f"
                 else np.zeros(input._data.shape, bool))


def isneginf(input):
    """A bool tensor, True where ``input`` is -inf.

    Example::

        >>> minigrad.isneginf(minigrad.tensor([1., float("inf"), float("-inf")]))
        tensor([False, False,  True])
    """
    return _wrap(np.isneginf(input._data) if input._data.dtype.kind == "f"
                 else np.zeros(input._data.shape, bool))


def signbit(input):
    """A bool tensor, True where the sign bit is set (negative numbers and -0.0).

    Example::

        >>> minigrad.signbit(minigrad.tensor([-0., 1., -2.]))
        tensor([ True, False,  True])
    """
    return _wrap(np.signbit(input._data))


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


def _copysign_grads(a, b, out):
    return np.where(a == 0, 0, out / a), np.zeros(np.shape(b), out.dtype)


Copysign = _binary("Copysign", np.copysign, _copysign_grads, "|a| with the sign of b")
Copysign.name = lambda self: "CopysignBackward0" if self._tensor_args[1] else "CopysignBackward1"


def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other`` (integers give floats). The
    gradient reaches ``input`` only (0 at 0, as in PyTorch).

    Example::

        >>> minigrad.copysign(minigrad.tensor([1., -2.]), -1.)
        tensor([-1., -2.])
    """
    return Copysign.apply(*_float_pair(input, other))


def nextafter(input, other):
    """The next floating-point value after ``input`` towards ``other``. Not differentiable.

    Example::

        >>> minigrad.nextafter(minigrad.tensor([1.]), minigrad.tensor([2.])) > 1
        tensor([True])
    """
    a, b = promote(input, other)
    return _wrap(np.asarray(np.nextafter(a._data if isinstance(a, Tensor) else a,
                                         b._data if isinstance(b, Tensor) else b)))


def ldexp(input, other):
    """``input * 2 ** other`` (integers give the default float dtype).

    Example::

        >>> minigrad.ldexp(minigrad.tensor([1., 2.]), minigrad.tensor([2, 3]))
        tensor([ 4., 16.])
    """
    if input._data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    two = _wrap(np.asarray(2.0, input._data.dtype))
    return input * _pow(two, other)


_Frexp = return_type("frexp", ("mantissa", "exponent"))


def frexp(input):
    """``input`` split into a mantissa in (-1, -0.5] or [0.5, 1) and an int32 exponent:
    ``input == mantissa * 2 ** exponent``.

    Example::

        >>> minigrad.frexp(minigrad.tensor([8., -0.3])).exponent
        tensor([ 4, -1], dtype=minigrad.int32)
    """
    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes"
                           .replace("torch.", "minigrad."))
    _, e = np.frexp(input._data)
    # mantissa = input * 2^-exponent: differentiable in input, as in PyTorch
    scale = _wrap(np.ldexp(np.ones((), input._data.dtype), -e).astype(input._data.dtype))
    return _Frexp(input * scale, _wrap(np.asarray(e, np.int32)))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"isnan": isnan, "isinf": isinf, "isfinite": isfinite, "isposinf": isposinf,
           "isneginf": isneginf, "signbit": signbit, "nan_to_num": nan_to_num, "copysign": copysign,
           "nextafter": nextafter, "ldexp": ldexp, "frexp": frexp}
