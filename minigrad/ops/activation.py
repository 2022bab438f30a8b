"""Activation functions: ``relu`` (the compiled kernels ``_ops.relu_forward`` /
``relu_backward``), ``sigmoid`` and its inverse ``logit``, ``softmax`` and ``log_softmax``.
"""
import numpy as np

from .. import _ops
from ..autograd.function import Op
from ..tensor import _wrap
from ._util import _not_implemented, c_contiguous, canonical_dim, float_input
from .inplace import apply_inplace

__all__ = ["relu", "relu_", "sigmoid", "logit", "softmax", "log_softmax"]


class Relu(Op):
    """max(x, 0) in the compiled kernel; NaN propagates. Backward passes the gradient where the
    result is not <= 0 (so also at NaN), exactly as PyTorch's threshold_backward."""

    @staticmethod
    def forward(ctx, a):
        out = _ops.relu_forward(c_contiguous(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return _ops.relu_backward(c_contiguous(grad), out)

    __slots__ = ()


def relu(input):
    """The rectified linear unit, ``max(input, 0)`` elementwise (NaN propagates), in the compiled
    kernel. The gradient passes where the result is positive.

    Example::

        >>> minigrad.relu(minigrad.tensor([-1., 0., 2.]))
        tensor([0., 0., 2.])
    """
    if input._data.dtype.kind != "f":
        return _wrap(np.maximum(input._data, 0).astype(input._data.dtype))
    return Relu.apply(input)


def relu_(input):
    """In-place version of ``relu``: replaces the elements of ``input`` by ``max(x, 0)`` and returns
    ``input``.

    Example::

        >>> x = minigrad.tensor([-1., 2.])
        >>> _ = x.relu_()
        >>> x
        tensor([0., 2.])
    """
    return apply_inplace(input, relu, _write_relu)


def _write_relu(data):
    if data.dtype.kind != "f":  # the kernel is for floats; integers are clamped by numpy
        np.maximum(data, 0, out=data)
    elif data.flags.c_contiguous:
        _ops.relu_forward(data, out=data)
    else:  # the kernel writes contiguous memory: a transposed or sliced view goes through a copy
        data[...] = _ops.relu_forward(c_contiguous(data))


class Sigmoid(Op):
    @staticmethod
    def forward(ctx, a):
        # 1 / (1 + e^-a) for a >= 0 and e^a / (1 + e^a) for a < 0: neither form overflows.
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return grad * out * (1 - out)

    __slots__ = ()


def sigmoid(input):
    """The logistic sigmoid of the elements of ``input``, 1 / (1 + e^-x), computed without overflow.

    Example::

        >>> minigrad.tensor([-2., 0., 2.]).sigmoid()
        tensor([0.1192, 0.5000, 0.8808])
    """
    return Sigmoid.apply(float_input(input))


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
        else:  # outside [0, 1] the logit is NaN, and so is its gradient (PyTorch)
            g = np.where((a < 0) | (a > 1), np.asarray(np.nan, grad.dtype), g)
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


class Softmax(Op):
    @staticmethod
    def forward(ctx, a, dim):
        if a.size == 0:
            ctx.save_for_backward(a)
            ctx.dim = dim
            return a.copy()
        shifted = a - np.maximum.reduce(a, axis=dim, keepdims=True)  # exp never overflows
        e = np.exp(shifted)
        out = e / np.add.reduce(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        # dL/dx = y * (g - sum(g * y))
        return out * (grad - (grad * out).sum(axis=ctx.dim, keepdims=True)), None

    __slots__ = ("dim",)


class LogSoftmax(Op):
    @staticmethod
    def forward(ctx, a, dim):
        if a.size == 0:
            ctx.save_for_backward(a)
            ctx.dim = dim
            return a.copy()
        shifted = a - np.maximum.reduce(a, axis=dim, keepdims=True)
        out = shifted - np.log(np.add.reduce(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        # dL/dx = g - softmax(x) * sum(g)
        return grad - np.exp(out) * grad.sum(axis=ctx.dim, keepdims=True), None

    __slots__ = ("dim",)


def _softmax_args(input, dim, dtype, fn="softmax"):
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim' (minigrad, like PyTorch's "
                        "modules, does not guess it)")
    if dtype is not None:
        input = input.to(dtype)
    dim = canonical_dim(dim, input._data.ndim)
    if input._data.dtype.kind != "f":
        # PyTorch has no integer kernel (the name depends on the dim); give a float dtype=
        lastdim = dim == max(input._data.ndim, 1) - 1
        raise _not_implemented(f"{fn}_lastdim_kernel_impl" if lastdim else f"{fn}_kernel_impl",
                               input)
    return input, dim


def softmax(input, dim=None, dtype=None):
    """Softmax along ``dim``: ``exp(x) / sum(exp(x))``, so the slices along ``dim`` are positive and sum
    to 1. Computed stably (the maximum is subtracted first).

    Args:
        input (Tensor): the input.
        dim (int): the dimension along which softmax is computed (required, as in PyTorch's
            modules; minigrad does not guess it).
        dtype (minigrad.dtype, optional): convert ``input`` to this dtype first.

    Example::

        >>> x = minigrad.tensor([[1., 2., 3.], [1., 1., 1.]])
        >>> minigrad.softmax(x, dim=1)
        tensor([[0.0900, 0.2447, 0.6652],
                [0.3333, 0.3333, 0.3333]])
    """
    input, dim = _softmax_args(input, dim, dtype)
    if input._data.ndim == 0:
        return Softmax.apply(input.reshape(1), 0).reshape(())
    return Softmax.apply(input, dim)


def log_softmax(input, dim=None, dtype=None):
    """``log(softmax(x))`` along ``dim``, computed stably as ``x - max - log(sum(exp(x - max)))``
    (pair it with ``nll_loss``, or use ``cross_entropy``).

    Example::

        >>> minigrad.tensor([[1., 2., 3.]]).log_softmax(dim=1)
        tensor([[-2.4076, -1.4076, -0.4076]])
    """
    input, dim = _softmax_args(input, dim, dtype, "log_softmax")
    if input._data.ndim == 0:
        return LogSoftmax.apply(input.reshape(1), 0).reshape(())
    return LogSoftmax.apply(input, dim)


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"relu": relu, "relu_": relu_, "sigmoid": sigmoid, "logit": logit, "softmax": softmax,
           "log_softmax": log_softmax}
