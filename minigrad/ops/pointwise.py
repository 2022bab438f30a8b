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
    return Abs.apply(input)


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
    """np.sign, but 0 (not NaN) at NaN, as PyTorch's sign."""
    s = np.sign(a)
    if s.dtype.kind == "f":
        s[np.isnan(s)] = 0
    return s


def sign(input):
    """The sign of the elements of ``input``: -1, 0 or 1 (0 for NaN, as in PyTorch). Its gradient is
    zero.

    Example::

        >>> minigrad.sign(minigrad.tensor([-2.5, 0., 3.]))
        tensor([-1.,  0.,  1.])
    """
    from .arithmetic import StepFunction

    return StepFunction.apply(_sign, "Sign", input)


def sigmoid(input):
    """The logistic sigmoid of the elements of ``input``, 1 / (1 + e^-x), computed without overflow.

    Example::

        >>> minigrad.tensor([-2., 0., 2.]).sigmoid()
        tensor([0.1192, 0.5000, 0.8808])
    """
    return Sigmoid.apply(float_input(input))


def tanh(input):
    """The hyperbolic tangent of the elements of ``input``.

    Example::

        >>> minigrad.tanh(minigrad.tensor([-1., 0., 20.]))
        tensor([-0.7616,  0.0000,  1.0000])
    """
    return Tanh.apply(float_input(input))


def relu(input):
    """The rectified linear unit, ``max(input, 0)`` elementwise (NaN propagates), in the compiled
    kernel. The gradient passes where the result is positive.

    Example::

        >>> minigrad.relu(minigrad.tensor([-1., 0., 2.]))
        tensor([0., 0., 2.])
    """
    if input._data.dtype.kind != "f":
        from ..tensor import _wrap

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
    input, dim = _softmax_args(input, dim, dtype)
    if input._data.ndim == 0:
        return LogSoftmax.apply(input.reshape(1), 0).reshape(())
    return LogSoftmax.apply(input, dim)
