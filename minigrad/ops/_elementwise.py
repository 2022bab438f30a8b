"""How the elementwise families define their ops from numpy: ``_unary`` makes an ``Op`` class
from a function and its derivative, ``_binary`` the same for two operands (broadcast, with the
gradients summed back to each operand's shape), ``_make`` the public function around a unary op.
Integer inputs of float-valued functions become the default float dtype first, as in PyTorch.
"""
import numpy as np

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import float_input, promote, sum_to

__all__ = []


def _unary(name, fn, derivative, doc):
    """An Op class named ``name`` (its node prints as ``<name>Backward0``) computing ``fn(a)``
    whose gradient is ``grad * derivative(a, out)``."""

    # NaN/inf results (log of 0, 1/0 ...) are expected, as in PyTorch: no numpy warnings
    def forward(ctx, a):
        with np.errstate(all="ignore"):
            out = fn(a)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return grad * derivative(a, out)

    cls = type(name, (Op,), {"forward": staticmethod(forward), "backward": staticmethod(backward),
                             "__slots__": (), "__doc__": doc})
    return cls


def _in_float64(fn):
    """``fn`` computed in float64 for float32 input: numpy's float32 log2/log10 are off by an
    ulp at exact powers (``log10(100) = 2.0000002``), PyTorch's are not."""
    def wrapped(a):
        return fn(a.astype(np.float64)).astype(a.dtype) if a.dtype == np.float32 else fn(a)
    return wrapped


def _in_f64(fn):
    return lambda a: fn(a.astype(np.float64)).astype(a.dtype)  # math.erf: float64 only


def _const(value, like):
    return np.asarray(value, like.dtype)


def _doc(fn, text, example):
    fn.__doc__ = f"{text}\n\n    Example::\n\n        {example}\n"
    return fn


def _make(op, name, text, example):
    def fn(input):
        return op.apply(float_input(input))

    fn.__name__ = fn.__qualname__ = name
    return _doc(fn, text, example)


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
