"""The smooth activations built on ``exp``: the ELU family (``elu``, ``selu``, ``celu``: one
kernel, as in PyTorch), ``logsigmoid``, ``mish`` and the gated ``glu``.

Computed without overflow for any input (``exp`` only of non-positive numbers); the value and
the derivative come from one numpy pass (``Pointwise``). ``nn.functional``'s argument checks are
in ``nn/_functional_activation.py``.
"""
import numpy as np

from ..autograd.function import Op
from ._elementwise import Pointwise
from ._util import canonical_dim
from .inplace import apply_inplace

__all__ = ["selu", "selu_", "celu", "celu_"]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elu_kernel(alpha, scale=1.0, input_scale=1.0, label="Elu"):
    """PyTorch's ELU kernel: ``scale * x`` for ``x > 0``, else ``scale * alpha * (exp(x *
    input_scale) - 1)`` (elu: scale 1; selu: its two constants; celu: ``input_scale = 1 /
    alpha``). A NaN takes the ``x > 0`` branch, as PyTorch's ``x <= 0 ? ... : ...``."""

    def kernel(a):
        e = np.exp(np.minimum(a, 0) * input_scale)
        pos = ~(a <= 0)
        out = np.where(pos, a * scale, scale * alpha * (e - 1))
        deriv = np.where(pos, scale, scale * alpha * input_scale * e)
        return out.astype(a.dtype, copy=False), deriv.astype(a.dtype, copy=False)

    kernel.__name__ = label
    return kernel


def _apply(input, kernel, inplace):
    if inplace:
        return apply_inplace(input, lambda old: Pointwise.apply(old, kernel),
                             lambda data: np.copyto(data, kernel(data)[0], casting="unsafe"))
    return Pointwise.apply(input, kernel)


def selu(input):
    """``scale * elu(x, alpha)`` with the self-normalising constants (alpha ≈ 1.6733, scale ≈
    1.0507; Klambauer et al. 2017), the activation ``alpha_dropout`` is designed for.

    Example::

        >>> minigrad.selu(minigrad.tensor([-1., 1.]))
        tensor([-1.1113,  1.0507])
    """
    return _apply(input, elu_kernel(SELU_ALPHA, SELU_SCALE), False)  # (torch.selu: input only)


def selu_(input):
    """In-place ``selu``."""
    return _apply(input, elu_kernel(SELU_ALPHA, SELU_SCALE), True)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``, the continuously differentiable
    ELU (Barron 2017).

    Example::

        >>> minigrad.celu(minigrad.tensor([-1., 1.]), alpha=2.)
        tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _apply(input, elu_kernel(alpha, 1.0, 1.0 / alpha, label="Celu"), inplace)


def celu_(input, alpha=1.0):
    """In-place ``celu``."""
    return celu(input, alpha, inplace=True)


def logsigmoid(input):
    """``log(sigmoid(x)) = -softplus(-x)``, computed as ``min(x, 0) - log1p(exp(-|x|))`` (no
    overflow, no log of 0)."""

    def LogSigmoid(a):
        e = np.exp(-np.abs(a))
        out = np.minimum(a, 0) - np.log1p(e)
        deriv = np.where(a >= 0, e / (1 + e), 1 / (1 + e))  # sigmoid(-x)
        return out, deriv.astype(a.dtype, copy=False)

    return Pointwise.apply(input, LogSigmoid)


def mish(input):
    """``x * tanh(softplus(x))`` (Misra 2019)."""

    def Mish(a):
        softplus = np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))
        t = np.tanh(softplus)
        e = np.exp(-np.abs(a))
        sig = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
        return a * t, (t + a * sig * (1 - t * t)).astype(a.dtype, copy=False)

    return Pointwise.apply(input, Mish)


class Glu(Op):
    """The gated linear unit: the input split in two halves ``a, b`` along ``dim``, ``a *
    sigmoid(b)`` (Dauphin et al. 2017)."""

    @staticmethod
    def forward(ctx, x, dim):
        a, b = np.split(x, 2, axis=dim)
        e = np.exp(-np.abs(b))
        sig = np.where(b >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(a, sig)
        ctx.dim = dim
        return a * sig

    @staticmethod
    def backward(ctx, grad):
        a, sig = ctx.saved_tensors
        return np.concatenate([grad * sig, grad * a * sig * (1 - sig)], axis=ctx.dim), None

    __slots__ = ("dim",)


def glu(input, dim=-1):
    """``a * sigmoid(b)`` where ``a`` and ``b`` are the two halves of ``input`` along ``dim``.

    Example::

        >>> minigrad.nn.functional.glu(minigrad.tensor([[1., 2., 0., 100.]]))
        tensor([[0.5000, 2.0000]])
    """
    x = input._data
    if x.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = canonical_dim(dim, x.ndim)
    if x.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{x.shape[d]}")
    return Glu.apply(input, d)


METHODS = {}
