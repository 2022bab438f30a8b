"""The activations of ``minigrad.nn.functional`` beyond ReLU, sigmoid and the softmax family
(``F.relu6``, ``F.hardtanh``, ``F.mish``, ``F.glu``, ``F.prelu`` ...; import them from
``nn.functional``): PyTorch's signatures, argument checks, dtype rules and in-place forms, over
the kernels of ``ops/activation_piecewise.py`` and ``ops/activation_smooth.py``.
"""
import numbers

import numpy as np

from ..ops import activation_piecewise as _pw
from ..ops import activation_smooth as _smooth
from ..ops._elementwise import Pointwise
from ..ops.arithmetic import div, sub
from ..ops.inplace import apply_inplace
from ..ops.pointwise import abs as _abs
from ..ops.trigonometric import tanh as _tanh
from ._arg_checks import _check_tensor_args, _fp_quiet, _not_implemented, _type_name

__all__ = ["relu6", "hardtanh", "hardtanh_", "threshold", "threshold_", "hardshrink",
           "softshrink", "hardsigmoid", "hardswish", "logsigmoid", "mish", "softsign",
           "tanhshrink", "celu", "celu_", "selu_", "elu_", "leaky_relu_", "rrelu", "rrelu_", "glu",
           "prelu"]


def check_input(fn, input):
    """PyTorch's TypeError for a non-tensor ``input`` of ``fn``; returns ``input``."""
    _check_tensor_args(fn, input=(input, False))
    return input


def activation(input, fn, inplace, name, kernel):
    """``fn`` (value and derivative in one pass) applied by ``Pointwise``, in place if asked.
    ``name`` and ``kernel`` are the names in PyTorch's errors for a non-tensor input and for an
    integer one."""
    check_input(name + "_" if inplace else name, input)
    if input._data.dtype.kind != "f":
        raise _not_implemented(kernel, input)
    if inplace:
        return apply_inplace(input, lambda old: Pointwise.apply(old, fn),
                             lambda data: np.copyto(data, fn(data)[0], casting="unsafe"))
    return Pointwise.apply(input, fn)


def _float_only(name, kernel, input):
    check_input(name, input)
    if input._data.dtype.kind != "f":
        raise _not_implemented(kernel, input)


# ====================================================================== piecewise linear
def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``x`` clamped to ``[min_val, max_val]`` (the gradient passes strictly inside).

    Example::

        >>> F.hardtanh(minigrad.tensor([-2., 0.5, 3.]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    check_input("hardtanh_" if inplace else "hardtanh", input)
    if input._data.dtype == np.bool_:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if inplace:
        return _pw.in_place(input, lambda t: _pw.hardtanh(t, min_val, max_val))
    return _pw.hardtanh(input, min_val, max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place ``hardtanh``."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """``min(max(0, x), 6)`` (``hardtanh(x, 0, 6)``).

    Example::

        >>> F.relu6(minigrad.tensor([-1., 3., 8.]))
        tensor([0., 3., 6.])
    """
    check_input("relu6", input)
    return hardtanh(input, 0.0, 6.0, inplace)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, else ``value``.

    Example::

        >>> F.threshold(minigrad.tensor([0.2, 2.]), 1., 5.)
        tensor([5., 2.])
    """
    check_input("threshold_" if inplace else "threshold", input)
    if input._data.dtype == np.bool_:
        raise _not_implemented("threshold_cpu", input)
    if inplace:
        return _pw.threshold_(input, threshold, value)
    return _pw.threshold(input, threshold, value)


def threshold_(input, threshold, value):
    """In-place ``threshold``."""
    return globals()["threshold"](input, threshold, value, inplace=True)


@_fp_quiet
def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0.

    Example::

        >>> F.hardshrink(minigrad.tensor([-1., 0.3]))
        tensor([-1.,  0.])
    """
    _float_only("hardshrink", "hardshrink_cpu", input)
    return _pw.hardshrink(input, lambd)


@_fp_quiet
def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0 (``lambd >= 0``).

    Example::

        >>> F.softshrink(minigrad.tensor([-1., 0.3, 2.]))
        tensor([-0.5000,  0.0000,  1.5000])
    """
    _float_only("softshrink", "softshrink_check", input)
    if not lambd >= 0:
        top = "3.40282e+38" if input._data.dtype == np.float32 else "1.79769e+308"
        raise RuntimeError(f"lambda must be in range [0, {top}] for input dtype "
                           f"{_type_name(input)}, but found {lambd:g}")
    return _pw.softshrink(input, lambd)


def _maybe_in_place(input, inplace, out_of_place):
    return _pw.in_place(input, out_of_place) if inplace else out_of_place(input)


@_fp_quiet
def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``, a piecewise-linear sigmoid.

    Example::

        >>> F.hardsigmoid(minigrad.tensor([-4., 0., 1.5]))
        tensor([0.0000, 0.5000, 0.7500])
    """
    _float_only("hardsigmoid_" if inplace else "hardsigmoid", "hardsigmoid_cpu", input)
    return _maybe_in_place(input, inplace, _pw.hardsigmoid)


@_fp_quiet
def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6`` (Howard et al. 2019, MobileNetV3).

    Example::

        >>> F.hardswish(minigrad.tensor([-1., 1., 4.]))
        tensor([-0.3333,  0.6667,  4.0000])
    """
    _float_only("hardswish_" if inplace else "hardswish", "hardswish_cpu", input)
    return _maybe_in_place(input, inplace, _pw.hardswish)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: in training each negative element gets a slope drawn from
    U(``lower``, ``upper``) (from minigrad's generator: ``manual_seed`` repeats it); otherwise
    the mean slope ``(lower + upper) / 2``.

    Example::

        >>> F.rrelu(minigrad.tensor([-1., 1.]))
        tensor([-0.2292,  1.0000])
    """
    _float_only("rrelu_" if inplace else "rrelu", "leaky_relu_cpu", input)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if inplace:
        return _pw.rrelu_(input, lower, upper, training)
    return _pw.rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place ``rrelu``."""
    return rrelu(input, lower, upper, training, inplace=True)


def prelu(input, weight):
    """``x`` where ``x > 0``, else ``weight * x`` (the slope learned: one per channel,
    dimension 1, or one for all). See ``nn.PReLU``.

    Example::

        >>> F.prelu(minigrad.tensor([[-2., 2.]]), minigrad.tensor([0.5, 0.1]))
        tensor([[-1.,  2.]])
    """
    _check_tensor_args("prelu", input=(input, False), weight=(weight, False))
    if input._data.dtype.kind != "f":
        raise _not_implemented("prelu_cpu", input)
    return _pw.prelu(input, weight)


def leaky_relu_(input, negative_slope=0.01):
    """In-place ``leaky_relu``."""
    from .functional import leaky_relu  # (functional imports this module)
    return leaky_relu(input, negative_slope, inplace=True)


# ====================================================================== smooth
def elu_(input, alpha=1.0, scale=1.0, input_scale=1.0):
    """In-place ``elu`` (PyTorch's ``elu_`` also takes its kernel's ``scale`` and
    ``input_scale``: ``scale * alpha * (exp(input_scale * x) - 1)`` below 0, ``scale * x``
    above)."""
    from .functional import elu
    if scale == 1.0 and input_scale == 1.0:
        return elu(input, alpha, inplace=True)
    return activation(input, _smooth.elu_kernel(alpha, scale, input_scale), True, "elu_", "elu_cpu")


def selu_(input):
    """In-place ``selu``."""
    from .functional import selu
    return selu(input, inplace=True)


@_fp_quiet
def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example::

        >>> F.celu(minigrad.tensor([-1., 1.]))
        tensor([-0.6321,  1.0000])
    """
    _float_only("celu_" if inplace else "celu", "elu_cpu", input)
    return _smooth.celu(input, alpha, inplace)


def celu_(input, alpha=1.0):
    """In-place ``celu``."""
    return celu(input, alpha, inplace=True)


@_fp_quiet
def logsigmoid(input):
    """``log(sigmoid(x))``, stable for any ``x``.

    Example::

        >>> F.logsigmoid(minigrad.tensor([0., -100.]))
        tensor([  -0.6931, -100.0000])
    """
    _float_only("log_sigmoid", "log_sigmoid_cpu", input)
    return _smooth.logsigmoid(input)


@_fp_quiet
def mish(input, inplace=False):
    """``x * tanh(softplus(x))``.

    Example::

        >>> F.mish(minigrad.tensor([-1., 0., 1.]))
        tensor([-0.3034,  0.0000,  0.8651])
    """
    _float_only("mish_" if inplace else "mish", "mish_cpu", input)
    return _maybe_in_place(input, inplace, _smooth.mish)


def softsign(input):
    """``x / (1 + |x|)`` (as PyTorch, composed of ``abs``, ``+`` and ``/``).

    Example::

        >>> F.softsign(minigrad.tensor([-3., 1.]))
        tensor([-0.7500,  0.5000])
    """
    return div(input, _abs(input) + 1)


def tanhshrink(input):
    """``x - tanh(x)`` (as PyTorch, a subtraction).

    Example::

        >>> F.tanhshrink(minigrad.tensor([1.]))
        tensor([0.2384])
    """
    return sub(input, _tanh(input))


@_fp_quiet
def glu(input, dim=-1):
    """The gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the halves of ``input`` along
    ``dim`` (whose size must be even).

    Example::

        >>> F.glu(minigrad.tensor([[1., 2., 0., 100.]]))
        tensor([[0.5000, 2.0000]])
    """
    if not isinstance(dim, numbers.Integral):
        raise TypeError(f"glu(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    if input._data.ndim and input._data.dtype.kind != "f":
        raise _not_implemented("glu_cpu", input)
    return _smooth.glu(input, dim)
