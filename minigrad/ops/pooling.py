"""Pooling: max, average and adaptive pooling over 1 or 2 spatial dimensions.

Every layer is one of two compiled kernels (``_ops.max_pool_forward`` / ``avg_pool_forward``
and their backward passes, ``csrc/pool.h``) with the windows worked out here, per output row and
per output column, with PyTorch's rules: padding (never a maximum; counted or not in an average),
dilation, ``ceil_mode`` (a last, partial window), ``divisor_override``, and the adaptive layers'
``floor(o*I/O) .. ceil((o+1)*I/O)`` windows. A 1-d input is a 2-d one of height 1.
"""
import math
import numbers

import numpy as np

from .. import _ops
from ..autograd.function import Op
from ..tensor import Tensor, _wrap
from ._util import qualified_type_name
from .convolution import int_tuple

__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_max_pool1d", "adaptive_max_pool2d"]


class MaxPool(Op):
    """Max pooling of planes (P, H, W); ``out`` and ``indices`` were computed by the caller (the
    indices are also a result of ``return_indices=True``); backward adds the gradient at them."""

    @staticmethod
    def forward(ctx, x, out, indices, label, hw):
        ctx.indices = indices
        ctx.in_shape = x.shape
        ctx.label = label
        ctx.hw = hw
        return out

    @staticmethod
    def backward(ctx, grad):
        g = np.ascontiguousarray(grad).reshape(ctx.indices.shape)
        dx = _ops.max_pool_backward(g, ctx.indices, *ctx.hw)
        return dx.reshape(ctx.in_shape), None, None, None, None

    def name(self):
        return f"{self.label}Backward0"

    __slots__ = ("indices", "in_shape", "label", "hw")


class AvgPool(Op):
    """Average pooling of planes (P, H, W) with the given windows and divisors."""

    @staticmethod
    def forward(ctx, x, windows, planes, out_shape, label):
        ctx.windows = windows
        ctx.in_shape = x.shape
        ctx.label = label
        ctx.hw = planes[1:]
        out = _ops.avg_pool_forward(np.ascontiguousarray(x).reshape(planes), *windows)
        return out.reshape(out_shape)

    @staticmethod
    def backward(ctx, grad):
        hs, he, ws, we, div = ctx.windows
        g = np.ascontiguousarray(grad).reshape(-1, len(hs), len(ws))
        dx = _ops.avg_pool_backward(g, *ctx.hw, hs, he, ws, we, div)
        return dx.reshape(ctx.in_shape), None, None, None, None

    def name(self):
        return f"{self.label}Backward0"

    __slots__ = ("windows", "in_shape", "label", "hw")


# ---------------------------------------------------------------------- windows
def _pool_out_size(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling_output_shape."""
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _max_windows(size, out, k, s, p, d):
    """(first valid position, valid count) of each output's window on one axis."""
    first = np.empty(out, np.int64)
    count = np.empty(out, np.int64)
    for o in range(out):
        start = o * s - p
        t0 = 0 if start >= 0 else (-start + d - 1) // d  # the first tap inside the input
        pos = [start + t * d for t in range(t0, k) if 0 <= start + t * d < size]
        first[o] = pos[0] if pos else min(max(start + t0 * d, 0), size - 1)
        count[o] = len(pos)
    return first, count


def _avg_windows(size, out, k, s, p):
    """(start, end, full window size incl. padding) of each output's window on one axis."""
    hs = np.empty(out, np.int64)
    he = np.empty(out, np.int64)
    full = np.empty(out, np.int64)
    for o in range(out):
        a = o * s - p
        b = min(a + k, size + p)
        full[o] = b - a
        hs[o], he[o] = max(a, 0), min(b, size)
    return hs, he, full


def _adaptive_windows(size, out):
    o = np.arange(out, dtype=np.int64)
    return (o * size) // out, -((-(o + 1) * size) // out)


# ---------------------------------------------------------------------- arguments
def _pair(value, n, fn, name):
    """An int or a tuple of 1 or n ints (PyTorch's pooling arguments)."""
    ints = int_tuple(value)
    if ints is not None and len(ints) in (1, n):
        return ints * n if len(ints) == 1 else ints
    if isinstance(value, (tuple, list)):
        which = "a single int, or a tuple of two ints" if n == 2 else "a single int"
        raise RuntimeError(f"{fn}: {name} must either be {which}")
    raise TypeError(f"{fn}() received an invalid combination of arguments - got {name}="
                    f"{qualified_type_name(value)}, but expected one of: tuple of ints {name}")


def _check_tensor(fn, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not "
                        f"{qualified_type_name(input)}")


def _planes(input, spatial):
    """(P, H, W) view sizes of an input with ``spatial`` trailing dims."""
    shape = input._data.shape
    p = int(np.prod(shape[:-spatial])) if len(shape) > spatial else 1
    h, w = (1, shape[-1]) if spatial == 1 else shape[-2:]
    return p, h, w


def _float_only(fn, input):
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f"minigrad's {fn} supports float32 and float64 tensors, got "
                                  f"{input._data.dtype}")


def _check_pool_shape(fn, input, spatial, kernel, stride, pad, dilation, out_sizes):
    """PyTorch's pool2d_shape_check (the 1-d forms are checked as 2-d of height 1)."""
    shape = input._data.shape
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[-1]}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[-1]}")
    if any(p < 0 for p in pad):
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad[0]}")
    for k, p, d in zip(kernel, pad, dilation):
        if p > ((k - 1) * d + 1) // 2:
            if spatial == 1 and fn == "max_pool1d":
                raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, "
                                   f"but got padding={p} and kernel_size={k}")
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if any(o < 1 for o in out_sizes):
        lead = shape[-spatial - 1] if len(shape) > spatial else 1
        ins = "x".join(str(s) for s in (lead,) + tuple(shape[-spatial:]))
        outs = "x".join(str(s) for s in (lead,) + tuple(out_sizes))
        raise RuntimeError(f"Given input size: ({ins}). Calculated output size: ({outs}). Output "
                           f"size is too small")


def _check_dims(fn, input, spatial):
    shape = input._data.shape
    if len(shape) not in (spatial + 1, spatial + 2):
        if spatial == 2 and fn.startswith("adaptive"):
            raise RuntimeError(f"{fn}(): Expected 3D or 4D tensor, but got {list(shape)}")
        if fn == "max_pool1d":
            raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional "
                               f"0 dim batch size for input, but got:{list(shape)}")
        if spatial == 1:
            raise RuntimeError(f"Expected 2 to 3 dimensions, but got {len(shape)}-dimensional tensor "
                               f"for argument #1 'self' (while checking arguments for {fn})")
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if any(s == 0 for s in shape[1:]) and len(shape) == spatial + 2 or \
            (len(shape) == spatial + 1 and any(s == 0 for s in shape)):
        if fn.startswith("adaptive"):
            dim = next(i for i, s in enumerate(shape) if s == 0 and (i > 0 or len(shape) == spatial + 1))
            raise RuntimeError(f"{fn}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {list(shape)} with dimension "
                               f"{dim} being empty")
        raise RuntimeError(f"Expected {spatial + 1}D or {spatial + 2}D (batch mode) tensor with "
                           f"optional 0 dim batch size for input, but got:{list(shape)}")


# ---------------------------------------------------------------------- max pooling
def _max_pool(fn, spatial, input, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    _check_tensor(fn, input)
    kernel = _pair(kernel_size, spatial, fn, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _pair(stride, spatial, fn, "stride")
    pad = _pair(padding, spatial, fn, "padding")
    dilation = _pair(dilation, spatial, fn, "dilation")
    _check_dims(fn, input, spatial)
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    sizes = input._data.shape[-spatial:]
    out_sizes = tuple(_pool_out_size(n, k, s, p, d, ceil_mode)
                      for n, k, s, p, d in zip(sizes, kernel, stride, pad, dilation))
    _check_pool_shape(fn, input, spatial, kernel, stride, pad, dilation, out_sizes)
    _float_only(fn, input)
    if spatial == 1:
        kernel, stride, pad, dilation, out_sizes = ((1,) + kernel, (1,) + stride, (0,) + pad,
                                                     (1,) + dilation, (1,) + out_sizes)
    p, h, w = _planes(input, spatial)
    h0, hn = _max_windows(h, out_sizes[0], kernel[0], stride[0], pad[0], dilation[0])
    w0, wn = _max_windows(w, out_sizes[1], kernel[1], stride[1], pad[1], dilation[1])
    return _run_max(input, spatial, (h, w), (h0, hn, dilation[0], w0, wn, dilation[1]),
                    out_sizes, "MaxPool2DWithIndices" if spatial == 2 else "MaxPool1DWithIndices",
                    return_indices)


def _run_max(input, spatial, hw, windows, out_sizes, label, return_indices):
    p = _planes(input, spatial)[0]
    x = np.ascontiguousarray(input._data).reshape(p, *hw)
    out, idx = _ops.max_pool_forward(x, *windows)
    lead = input._data.shape[:-spatial]
    shape = lead + (tuple(out_sizes) if spatial == 2 else (out_sizes[1],))
    result = MaxPool.apply(input, out.reshape(shape), idx, label, hw)
    return (result, _wrap(idx.reshape(shape))) if return_indices else result


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling of (N, C, H, W) or (C, H, W) input: the maximum of each (dilated)
    ``kernel_size`` window, moved by ``stride`` (default: ``kernel_size``) over the input padded
    with ``padding`` (which never wins). ``ceil_mode`` adds a last partial window;
    ``return_indices`` also returns each maximum's flat position ``h * W + w`` (int64).
    NaN propagates, as in PyTorch.

    Example::

        >>> x = minigrad.arange(16.).reshape(1, 1, 4, 4)
        >>> F.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> F.max_pool2d(x, 2, return_indices=True)[1]
        tensor([[[[ 5,  7],
                  [13, 15]]]])
    """
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling of (N, C, L) or (C, L) input (see ``max_pool2d``).

    Example::

        >>> F.max_pool1d(minigrad.tensor([[[1., 3., 2., 5., 4.]]]), 2)
        tensor([[[3., 5.]]])
    """
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _adaptive_sizes(fn, output_size, spatial, sizes):
    if isinstance(output_size, numbers.Integral) and not isinstance(output_size, bool):
        out = (int(output_size),) * spatial
    elif isinstance(output_size, (tuple, list)):
        if len(output_size) != spatial:
            raise RuntimeError(f"{fn}: output_size must be {spatial}")
        out = tuple(s if o is None else int(o) for o, s in zip(output_size, sizes))
    else:
        raise TypeError(f"{fn}(): argument 'output_size' must be tuple of ints, not "
                        f"{qualified_type_name(output_size)}")
    return out


def _adaptive_max(fn, spatial, input, output_size, return_indices):
    _check_tensor(fn, input)
    _check_dims(fn, input, spatial)
    sizes = input._data.shape[-spatial:]
    out = _adaptive_sizes(fn, output_size, spatial, sizes)
    if any(o < 0 for o in out):
        shape = list(input._data.shape[:-spatial]) + list(out)
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{next(o for o in out if o < 0)}: {shape}")
    p, h, w, out, (hs, he, ws, we) = _adaptive_plan(fn, input, spatial, out)
    return _run_max(input, spatial, (h, w), (hs, he - hs, 1, ws, we - ws, 1), out,
                    "AdaptiveMaxPool2D" if spatial == 2 else "AdaptiveMaxPool1D", return_indices)


def _adaptive_plan(fn, input, spatial, out):
    """The planes (P, H, W), the 2-d output size and the adaptive windows (row and column
    starts and ends) of an adaptive pooling."""
    _float_only(fn, input)
    if spatial == 1:
        out = (1,) + out
    p, h, w = _planes(input, spatial)
    return p, h, w, out, _adaptive_windows(h, out[0]) + _adaptive_windows(w, out[1])


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-d adaptive max pooling: output (N, C, *output_size) whatever the input size; output
    (i, j) is the maximum of rows ``floor(i*H/h) .. ceil((i+1)*H/h)`` and the same columns.
    A ``None`` in ``output_size`` keeps that input size.

    Example::

        >>> F.adaptive_max_pool2d(minigrad.arange(16.).reshape(1, 1, 4, 4), 1)
        tensor([[[[15.]]]])
    """
    return _adaptive_max("adaptive_max_pool2d", 2, input, output_size, return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-d adaptive max pooling of (N, C, L) or (C, L) input (see ``adaptive_max_pool2d``).

    Example::

        >>> F.adaptive_max_pool1d(minigrad.tensor([[1., 3., 2., 5., 4.]]), 2)
        tensor([[3., 5.]])
    """
    return _adaptive_max("adaptive_max_pool1d", 1, input, output_size, return_indices)


# ---------------------------------------------------------------------- average pooling
def _avg_pool(fn, spatial, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    _check_tensor(fn, input)
    kernel = _pair(kernel_size, spatial, fn, "kernel_size")
    stride = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _pair(stride, spatial, fn, "stride")
    pad = _pair(padding, spatial, fn, "padding")
    if spatial == 2 and input._data.ndim < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input._data.ndim, 1)}, {max(input._data.ndim, 1) - 1}], but got -3)")
    _check_dims(fn, input, spatial)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if any(s == 0 for s in stride):
        raise RuntimeError("stride should not be zero")
    sizes = input._data.shape[-spatial:]
    out_sizes = tuple(_pool_out_size(n, k, s, p, 1, ceil_mode)
                      for n, k, s, p in zip(sizes, kernel, stride, pad))
    _check_pool_shape(fn, input, spatial, kernel, stride, pad, (1,) * spatial, out_sizes)
    _float_only(fn, input)
    if spatial == 1:
        kernel, stride, pad, out_sizes = (1,) + kernel, (1,) + stride, (0,) + pad, (1,) + out_sizes
    p, h, w = _planes(input, spatial)
    hs, he, fh = _avg_windows(h, out_sizes[0], kernel[0], stride[0], pad[0])
    ws, we, fw = _avg_windows(w, out_sizes[1], kernel[1], stride[1], pad[1])
    if divisor_override is not None:
        div = np.full((len(hs), len(ws)), float(divisor_override))
    elif count_include_pad:
        div = np.outer(fh, fw).astype(np.float64)
    else:
        div = np.outer(he - hs, we - ws).astype(np.float64)
    div[div == 0] = 1.0  # an empty window (all padding) averages to 0, as in PyTorch
    return _run_avg(input, spatial, (p, h, w), (hs, he, ws, we, div), out_sizes,
                    "AvgPool2D" if spatial == 2 else "AvgPool1D")


def _run_avg(input, spatial, planes, windows, out_sizes, label):
    lead = input._data.shape[:-spatial]
    shape = lead + (tuple(out_sizes) if spatial == 2 else (out_sizes[1],))
    return AvgPool.apply(input, windows, planes, shape, label)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-d average pooling of (N, C, H, W) or (C, H, W) input. With ``count_include_pad`` (the
    default) the zero padding counts in the average; ``divisor_override`` replaces the count.

    Example::

        >>> F.avg_pool2d(minigrad.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling of (N, C, L) or (C, L) input (see ``avg_pool2d``).

    Example::

        >>> F.avg_pool1d(minigrad.tensor([[[1., 3., 2., 6.]]]), 2)
        tensor([[[2., 4.]]])
    """
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad, None)


def _adaptive_avg(fn, spatial, input, output_size):
    _check_tensor(fn, input)
    _check_dims(fn, input, spatial)
    sizes = input._data.shape[-spatial:]
    out = _adaptive_sizes(fn, output_size, spatial, sizes)
    if any(o < 0 for o in out):
        raise RuntimeError(f"{fn}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(str(o) for o in out)}}}")
    p, h, w, out, (hs, he, ws, we) = _adaptive_plan(fn, input, spatial, out)
    div = np.outer(he - hs, we - ws).astype(np.float64)
    return _run_avg(input, spatial, (p, h, w), (hs, he, ws, we, div), out,
                    "AdaptiveAvgPool2D" if spatial == 2 else "AdaptiveAvgPool1D")


def adaptive_avg_pool2d(input, output_size):
    """2-d adaptive average pooling: output (N, C, *output_size) whatever the input size; output
    (i, j) averages rows ``floor(i*H/h) .. ceil((i+1)*H/h)`` and the same columns. A ``None``
    in ``output_size`` keeps that input size.

    Example::

        >>> F.adaptive_avg_pool2d(minigrad.arange(16.).reshape(1, 1, 4, 4), 1)
        tensor([[[[7.5000]]]])
    """
    return _adaptive_avg("adaptive_avg_pool2d", 2, input, output_size)


def adaptive_avg_pool1d(input, output_size):
    """1-d adaptive average pooling of (N, C, L) or (C, L) input (see ``adaptive_avg_pool2d``).

    Example::

        >>> F.adaptive_avg_pool1d(minigrad.tensor([[1., 3., 2., 6.]]), 2)
        tensor([[2., 4.]])
    """
    return _adaptive_avg("adaptive_avg_pool1d", 1, input, output_size)
