"""Normalisation: ``batch_norm`` and ``layer_norm`` (``F.batch_norm``, ``F.layer_norm``).

Both run in the compiled kernels of ``csrc/norm.h``: statistics in one pass over the data (shifted
sums in double), the normalisation and the affine transform in a second, fused pass; backward
is one pass for the sums it needs and one for the input gradient. Batch norm normalises each
channel of (N, C, *) over N and the spatial positions; layer norm normalises each trailing block
of ``normalized_shape`` values.

Batch norm's backward, with M = N * L values per channel, x̂ = (x - mean) * invstd::

    dx = w * invstd * (dy - sum(dy) / M - x̂ * sum(dy * x̂) / M)     (training: batch statistics)
    dx = w * invstd * dy                                            (eval: running statistics)
    dw = sum(dy * x̂),  db = sum(dy)
"""
import math
import numbers

import numpy as np

from .. import _ops
from .._dtype import scalar_type_name
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import qualified_type_name

__all__ = ["batch_norm", "layer_norm"]


class BatchNorm(Op):
    """y = (x - mean) * invstd * weight + bias per channel of x (N, C, L), the statistics the
    batch's (``training``: the running statistics, when given, are updated in place) or the
    running ones. One kernel call forward (``_ops.batch_norm_forward``) and one backward."""

    saved_for = ((0, 1), (0,))

    @staticmethod
    def forward(ctx, x, weight, bias, running, training, momentum, eps, shape3):
        x3 = x.reshape(shape3)
        out, mean, invstd = _ops.batch_norm_forward(x3, weight, bias, running[0], running[1],
                                                    training, momentum, eps)
        ctx.save_for_backward(x, weight)
        ctx.stats = (mean, invstd, training, shape3)
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        mean, invstd, training, shape3 = ctx.stats
        need = ctx.needs_input_grad
        dy = np.ascontiguousarray(grad).reshape(shape3)
        dx, dw, db = _ops.batch_norm_backward(dy, x.reshape(shape3), mean, invstd, weight,
                                              training, need[0], need[1], need[2])
        return ((None if dx is None else dx.reshape(grad.shape)), dw, db, None, None, None, None,
                None)

    def name(self):
        return "NativeBatchNormBackward0"

    __slots__ = ("stats",)


class LayerNorm(Op):
    """y = (x - mean) * rstd * weight + bias over each row of x (M, D)."""

    saved_for = ((0, 1), (0,))

    @staticmethod
    def forward(ctx, x, weight, bias, eps, shape2):
        x2 = np.ascontiguousarray(x).reshape(shape2)
        if weight is None and bias is not None:
            weight = np.ones(bias.shape, x.dtype)  # the kernel's affine form needs a weight
        w = None if weight is None else np.ascontiguousarray(weight).reshape(-1)
        b = None if bias is None else np.ascontiguousarray(bias).reshape(-1)
        y, mean, rstd = _ops.layer_norm_forward(x2, w, b, eps)
        ctx.save_for_backward(x, weight)
        ctx.stats = (mean, rstd, shape2)
        return y.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        mean, rstd, shape2 = ctx.stats
        x2 = np.ascontiguousarray(x).reshape(shape2)
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        dy = np.ascontiguousarray(grad).reshape(x2.shape)
        w = None if weight is None else np.ascontiguousarray(weight).reshape(-1)
        dx, dw, db = _ops.layer_norm_backward(dy, x2, w, mean, rstd, need_x, need_w, need_b)
        if need_w:
            dw = dw.reshape(weight.shape)
        if need_b:
            db = db.reshape(weight.shape)
        return (None if dx is None else dx.reshape(grad.shape)), dw, db, None, None

    def name(self):
        return "NativeLayerNormBackward0"

    __slots__ = ("stats",)


def _check_tensor(fn, name, pos, value, optional=True):
    if not isinstance(value, Tensor) and not (optional and value is None):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{qualified_type_name(value)}")


def _float_only(kernel, input):
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"\"{kernel}\" not implemented for "
                                  f"'{scalar_type_name(input._data.dtype)}'")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Batch normalisation of ``input`` (N, C, *) per channel, then ``* weight + bias``.

    ``training=True`` normalises with the batch's mean and (biased) variance and, when
    ``running_mean``/``running_var`` are given, updates them in place:
    ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased, as in
    PyTorch). ``training=False`` normalises with the running statistics.

    Example::

        >>> x = minigrad.tensor([[1., 10.], [3., 30.]])
        >>> rm, rv = minigrad.zeros(2), minigrad.ones(2)
        >>> F.batch_norm(x, rm, rv, training=True)
        tensor([[-1.0000, -1.0000],
                [ 1.0000,  1.0000]])
        >>> rm, rv
        (tensor([0.2000, 2.0000]), tensor([ 1.1000, 20.9000]))
    """
    x = input._data if isinstance(input, Tensor) else None
    shape = x.shape if x is not None else ()
    # The fast path (a training loop's call): every argument a tensor of the input's float dtype
    # with C values, contiguous, the batch not empty. Anything else takes the checked path below,
    # which gives PyTorch's errors.
    if (x is not None and len(shape) > 1 and x.dtype in _KERNEL_DTYPES and x.flags.c_contiguous
            and (training or (running_mean is not None and running_var is not None))):
        c = shape[1]
        for t in (weight, bias, running_mean, running_var):
            if t is None:
                continue
            a = t._data if isinstance(t, Tensor) else None
            if a is None or a.dtype != x.dtype or a.shape != (c,) or not a.flags.c_contiguous \
                    or not a.flags.aligned or not a.flags.writeable:
                break
        else:
            n, length = shape[0], x.size // (shape[0] * c) if shape[0] * c else 0
            if shape[0] * c and (n * length > 1 or not training):
                return _batch_norm(input, weight, bias, (running_mean, running_var),
                                   (None if running_mean is None else running_mean._data,
                                    None if running_var is None else running_var._data),
                                   training, momentum, eps, (n, c, length))
    return _batch_norm_checked(input, running_mean, running_var, weight, bias, training,
                               momentum, eps)


_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _batch_norm(input, weight, bias, buffers, running, training, momentum, eps, shape3):
    """BatchNorm.apply, then the running statistics' version bump. weight, bias: (C,) contiguous
    tensors or None; running: the arrays the kernel updates in place (or None)."""
    rm, rv = running
    if training and shape3[0] * shape3[2] == 0:  # an empty batch: running statistics unchanged
        rm = rv = None
    out = BatchNorm.apply(input, weight, bias, (rm, rv), bool(training), float(momentum),
                          float(eps), shape3)
    if training:
        for buffer, array in zip(buffers, (rm, rv)):
            if array is not None:
                buffer._vc[0] += 1  # updated in place: a new version, as in PyTorch
    return out


def _batch_norm_checked(input, running_mean, running_var, weight, bias, training, momentum,
                        eps):
    """F.batch_norm's checks in PyTorch's order and messages, then the kernels (odd views of
    the running statistics updated through contiguous copies)."""
    fn = "batch_norm"
    _check_tensor(fn, "input", 1, input, False)
    for pos, (name, value) in enumerate((("running_mean", running_mean),
                                         ("running_var", running_var),
                                         ("weight", weight), ("bias", bias)), 2):
        _check_tensor(fn, name, pos, value)
    x = input._data
    shape = x.shape
    c = shape[1] if x.ndim > 1 else 0
    if training:
        size = math.prod(shape[2:]) * shape[0] if x.ndim > 1 else shape[0] if x.ndim else 1
        if size == 1:
            from ..tensor import Size
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {Size(shape)!r}".replace("minigrad.Size", "torch.Size"))
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._data.size}")
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError(f"{'running_mean' if running_mean is None else 'running_var'} must "
                           f"be defined in evaluation mode")
    _float_only("batch_norm", input)
    for t in (running_mean, running_var, weight, bias):
        if t is not None and t._data.dtype != x.dtype:
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    n = shape[0]
    length = math.prod(shape[2:])
    shape3 = (n, c, length)
    if not x.flags.c_contiguous:
        input = input.contiguous()
    weight, bias = (None if t is None else t.reshape(-1).contiguous() for t in (weight, bias))
    rm, rv = _updatable(running_mean), _updatable(running_var)
    out = _batch_norm(input, weight, bias, (running_mean, running_var), (rm, rv), training,
                      momentum, eps, shape3)
    if training and n * length:
        for buffer, array in ((running_mean, rm), (running_var, rv)):
            if buffer is not None and array is not buffer._data:
                buffer._data[...] = array.reshape(buffer._data.shape)
    return out


def _updatable(buffer):
    """A running statistic's array for the kernel to update in place (a contiguous copy of an
    odd view, written back by the caller), or None."""
    if buffer is None:
        return None
    a = buffer._data
    if a.ndim == 1 and a.flags.c_contiguous and a.flags.aligned and a.flags.writeable:
        return a
    return np.ascontiguousarray(a).reshape(-1).copy()


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Layer normalisation over the trailing ``normalized_shape`` dimensions of ``input``: each
    block is shifted to mean 0 and scaled to variance 1 (biased), then ``* weight + bias``
    (elementwise, of shape ``normalized_shape``).

    Example::

        >>> F.layer_norm(minigrad.tensor([[1., 2., 3.], [2., 2., 5.]]), (3,))
        tensor([[-1.2247,  0.0000,  1.2247],
                [-0.7071, -0.7071,  1.4142]])
    """
    fn = "layer_norm"
    _check_tensor(fn, "input", 1, input, False)
    if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
        normalized_shape = (int(normalized_shape),)
    normalized_shape = tuple(int(s) for s in normalized_shape)
    _check_tensor(fn, "weight", 3, weight)
    _check_tensor(fn, "bias", 4, bias)
    if not normalized_shape:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._data.shape) != normalized_shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {list(t._data.shape)} and normalized_shape = "
                               f"{list(normalized_shape)}")
    x = input._data
    k = len(normalized_shape)
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != normalized_shape:
        expected = ", ".join(["*"] + [str(s) for s in normalized_shape])
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input with "
                           f"shape [{expected}], but got input of size{list(x.shape)}")
    _float_only("LayerNormKernelImpl", input)
    for t in (weight, bias):
        if t is not None and t._data.dtype != x.dtype:
            raise RuntimeError(f"mixed dtype (CPU): expect parameter to have scalar type of "
                               f"{scalar_type_name(x.dtype)}")
    d = math.prod(normalized_shape)
    if d == 0 or x.size == 0:
        return input * 1 if weight is None else input * weight + (0 if bias is None else bias)
    return LayerNorm.apply(input, weight, bias, float(eps), (x.size // d, d))
