"""Elementwise math and activations: exp, log, sqrt, abs, sigmoid, tanh, relu, softmax.

Integer inputs are promoted to the default float dtype first, as in PyTorch. ReLU runs in the
compiled kernels (``_ops.relu_forward`` / ``relu_backward``); the rest use numpy.
"""
import numpy as np

from .. import _ops
from ..autograd.function import Op
from ._util import canonical_dim, float_input

__all__ = ["exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "relu_", "sin", "cos",
           "log1p", "square", "sign", "softmax", "log_softmax"]


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


class Relu(Op):
    """max(x, 0) in the compiled kernel; NaN propagates. Backward passes the gradient where the
    result is not <= 0 (so also at NaN), exactly as PyTorch's threshold_backward."""

    @staticmethod
    def forward(ctx, a):
        out = _ops.relu_forward(np.ascontiguousarray(a))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        return _ops.relu_backward(np.ascontiguousarray(grad), out)

    __slots__ = ()


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


def exp(input):
    return Exp.apply(float_input(input))


def log(input):
    return Log.apply(float_input(input))


def log1p(input):
    return Log1p.apply(float_input(input))


def sqrt(input):
    return Sqrt.apply(float_input(input))


def abs(input):  # noqa: A001
    return Abs.apply(input)


def sin(input):
    return Sin.apply(float_input(input))


def cos(input):
    return Cos.apply(float_input(input))


def square(input):
    return input * input


def _sign(a):
    """np.sign, but 0 (not NaN) at NaN, as PyTorch's sign."""
    s = np.sign(a)
    if s.dtype.kind == "f":
        s[np.isnan(s)] = 0
    return s


def sign(input):
    from .arithmetic import StepFunction

    return StepFunction.apply(_sign, "Sign", input)


def sigmoid(input):
    return Sigmoid.apply(float_input(input))


def tanh(input):
    return Tanh.apply(float_input(input))


def relu(input):
    """max(input, 0) elementwise."""
    if input._data.dtype.kind != "f":
        from ..tensor import _wrap

        return _wrap(np.maximum(input._data, 0).astype(input._data.dtype))
    return Relu.apply(input)


def relu_(input):
    """In-place ReLU."""
    from .inplace import apply_inplace

    return apply_inplace(input, relu, _write_relu)


def _write_relu(data):
    if data.flags.c_contiguous:
        _ops.relu_forward(data, out=data)
    else:  # the kernel writes contiguous memory: a transposed or sliced view goes through a copy
        data[...] = _ops.relu_forward(np.ascontiguousarray(data))


def _softmax_args(input, dim, dtype):
    if dim is None:
        raise TypeError("softmax() missing required argument 'dim' (minigrad, like PyTorch's "
                        "modules, does not guess it)")
    if dtype is not None:
        input = input.to(dtype)
    return float_input(input), canonical_dim(dim, input._data.ndim)


def softmax(input, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed stably (the max is subtracted first)."""
    input, dim = _softmax_args(input, dim, dtype)
    if input._data.ndim == 0:
        return Softmax.apply(input.reshape(1), 0).reshape(())
    return Softmax.apply(input, dim)


def log_softmax(input, dim=None, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably as x - max - log(sum(exp(x - max)))."""
    input, dim = _softmax_args(input, dim, dtype)
    if input._data.ndim == 0:
        return LogSoftmax.apply(input.reshape(1), 0).reshape(())
    return LogSoftmax.apply(input, dim)
