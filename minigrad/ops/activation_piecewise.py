"""The piecewise-linear activations: ``hardtanh`` (and ``relu6``), ``threshold``, ``hardshrink``,
``softshrink``, ``hardsigmoid``, ``hardswish``, ``leaky``/``rrelu`` and ``prelu``.

Each kernel gives the value and the derivative in one numpy pass (``Pointwise``); at the kinks
the derivative is PyTorch's (``hardtanh``'s gradient is 0 at ``min_val`` and ``max_val``, a NaN
input passes the gradient where PyTorch's comparisons let it through). The argument checks
PyTorch makes in ``nn.functional`` are in ``nn/_functional_activation.py``.
"""
import numpy as np

from .._dtype import scalar_type_name
from ..autograd.function import Op
from ..creation import fill_uniform
from ..tensor import _wrap
from ._elementwise import Pointwise
from .inplace import apply_inplace

__all__ = ["threshold", "threshold_", "hardshrink", "rrelu", "rrelu_", "prelu"]


def _mask(cond, dtype, value=1.0):
    return np.where(cond, dtype.type(value), dtype.type(0))


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """``x`` clamped to ``[min_val, max_val]``; the gradient passes strictly inside. Integer
    tensors are clamped (no gradient)."""

    def Hardtanh(a):
        inside = ~((a <= min_val) | (a >= max_val))  # NaN passes the gradient, as PyTorch
        return np.clip(a, min_val, max_val), _mask(inside, a.dtype)

    if input._data.dtype.kind != "f":
        return _wrap(np.clip(input._data, min_val, max_val).astype(input._data.dtype))
    return Pointwise.apply(input, Hardtanh)


def threshold(input, threshold, value):
    """``x`` where ``x > threshold``, else ``value``; the gradient passes where ``x >
    threshold``.

    Example::

        >>> minigrad.threshold(minigrad.tensor([-1., 0.5, 2.]), 0.5, 9.)
        tensor([9., 9., 2.])
    """

    def Threshold(a):
        below = a <= threshold
        return np.where(below, a.dtype.type(value), a), _mask(~below, a.dtype)

    if input._data.dtype.kind != "f":
        a = input._data
        return _wrap(np.where(a <= threshold, value, a).astype(a.dtype))
    return Pointwise.apply(input, Threshold)


def threshold_(input, threshold, value):
    """In-place ``threshold``."""
    return in_place(input, lambda old: globals()["threshold"](old, threshold, value))


def in_place(input, fn):
    """``fn`` (an out-of-place op) applied to ``input`` in place: recorded in the graph when a
    gradient flows, else written straight into the array."""
    def write(data):
        np.copyto(data, fn(_wrap(data.copy()))._data, casting="unsafe")

    return apply_inplace(input, fn, write)


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0.

    Example::

        >>> minigrad.hardshrink(minigrad.tensor([-1., 0.2, 0.7]))
        tensor([-1.0000,  0.0000,  0.7000])
    """

    def Hardshrink(a):
        zero = (a >= -lambd) & (a <= lambd)
        return np.where(zero, a.dtype.type(0), a), _mask(~zero, a.dtype)

    return Pointwise.apply(input, Hardshrink)


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 in between."""

    def Softshrink(a):
        zero = (a >= -lambd) & (a <= lambd)
        lam = a.dtype.type(lambd)
        out = np.where(a > lam, a - lam, np.where(a < -lam, a + lam, a.dtype.type(0)))
        return np.where(np.isnan(a), a, out), _mask(~zero, a.dtype)

    return Pointwise.apply(input, Softshrink)


def hardsigmoid(input):
    """``relu6(x + 3) / 6``, a piecewise-linear sigmoid."""

    def Hardsigmoid(a):
        inside = (a > -3) & (a < 3)
        # (PyTorch's gradient is 1/6 rounded to float32, in float64 too)
        return np.clip(a + 3, 0, 6) / a.dtype.type(6), _mask(inside, a.dtype, np.float32(1 / 6))

    return Pointwise.apply(input, Hardsigmoid)


def hardswish(input):
    """``x * relu6(x + 3) / 6`` (MobileNetV3's activation)."""

    def Hardswish(a):
        out = a * np.clip(a + 3, 0, 6) / a.dtype.type(6)
        deriv = np.where(a <= -3, 0, np.where(a < 3, a / 3 + 0.5, 1)).astype(a.dtype)
        return out, deriv

    return Pointwise.apply(input, Hardswish)


def leaky_kernel(slope, label="LeakyRelu"):
    """``x`` where ``x > 0``, else ``slope * x``: the kernel of ``leaky_relu``, and of ``rrelu``
    in evaluation (value and derivative, for ``Pointwise``)."""

    def kernel(a):
        pos = a > 0
        return np.where(pos, a, a * slope), np.where(pos, 1.0, slope).astype(a.dtype)

    kernel.__name__ = label
    return kernel


class RreluWithNoise(Op):
    """``x`` where ``x > 0``, else ``noise * x``: randomized leaky ReLU in training, with one
    slope per element drawn from U(lower, upper) (the same slopes serve the gradient)."""

    @staticmethod
    def forward(ctx, a, slopes):
        ctx.save_for_backward(slopes)
        return a * slopes

    @staticmethod
    def backward(ctx, grad):
        (slopes,) = ctx.saved_tensors
        return grad * slopes, None

    __slots__ = ()


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """Randomized leaky ReLU (Xu et al. 2015): in training, each negative element is multiplied by
    a slope drawn uniformly from ``[lower, upper]``; in evaluation by ``(lower + upper) / 2``.

    Example::

        >>> minigrad.rrelu(minigrad.tensor([-1., 2.]))
        tensor([-0.2292,  2.0000])
    """
    if not training:
        return Pointwise.apply(input, leaky_kernel((lower + upper) / 2, label="RreluWithNoise"))
    a = input._data
    noise = np.empty(a.shape, a.dtype)
    fill_uniform(noise, generator, lower, upper)
    slopes = np.where(a > 0, a.dtype.type(1), noise)  # (NaN takes a random slope: NaN anyway)
    return RreluWithNoise.apply(input, slopes)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    """In-place ``rrelu``."""
    return in_place(input, lambda old: rrelu(old, lower, upper, training, generator))


class PreluKernel(Op):
    """``x`` where ``x > 0``, else ``weight * x``, the weight broadcast along dimension 1 (one
    slope per channel) or a single slope; the weight's gradient sums over the rest."""

    @staticmethod
    def forward(ctx, a, w):
        wb = w.reshape((1, -1) + (1,) * (a.ndim - 2)) if w.size > 1 else w.reshape(())
        ctx.save_for_backward(a, wb)
        ctx.wshape = w.shape
        return np.where(a > 0, a, wb * a)

    @staticmethod
    def backward(ctx, grad):
        a, wb = ctx.saved_tensors
        pos = a > 0
        ga = np.where(pos, grad, wb * grad).astype(grad.dtype, copy=False)
        gw = None
        if ctx.needs_input_grad[1]:
            contrib = np.where(pos, 0, a * grad)
            if wb.ndim:
                axes = tuple(d for d in range(a.ndim) if d != 1)
                gw = contrib.sum(axis=axes)
            else:
                gw = contrib.sum()
            gw = np.asarray(gw, dtype=grad.dtype).reshape(ctx.wshape)
        return ga, gw

    __slots__ = ("wshape",)


def prelu(input, weight):
    """``x`` where ``x > 0``, else ``weight * x``: a leaky ReLU whose slope is learned, one per
    channel (dimension 1) or one for all (``weight`` of 1 element).

    Example::

        >>> minigrad.prelu(minigrad.tensor([-2., 3.]), minigrad.tensor([0.25]))
        tensor([-0.5000,  3.0000])
    """
    w = weight._data
    if w.dtype != input._data.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got "
                           f"{scalar_type_name(input._data.dtype)} and {scalar_type_name(w.dtype)}")
    if w.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {w.ndim}")
    if w.size != 1:
        channels = input._data.shape[1] if input._data.ndim >= 2 else 1
        if w.size != channels:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {w.size} and channel size = {channels}.")
    return PreluKernel.apply(input, weight)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"hardshrink": hardshrink, "prelu": prelu}
