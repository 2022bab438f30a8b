"""Convolution: ``conv1d`` and ``conv2d`` (``F.conv1d``, ``F.conv2d``).

Three schemes, chosen by the shapes alone (never by the thread count):

* **One input channel** (a first layer on grey images, such as MNIST's ``Conv2d(1, 32, 3)``):
  computed directly, each output row a sum of shifted input rows scaled by one weight
  (``csrc/conv_direct.h``), one sample per thread. As a GEMM it would be a product with
  K = kh*kw = 9, where the packing costs more than the arithmetic.
* **groups = 1**: im2col + GEMM. For one sample a 2-d convolution is a matrix product (see
  ``csrc/im2col.h``)::

      out (Cout, Ho*Wo) = [weight | bias] (Cout, C*kh*kw + 1) @ [cols; 1] (C*kh*kw + 1, Ho*Wo)

  The columns get a last row of ones, so the bias is one more weight column, added inside the
  GEMM (no second pass over the output). The batch is processed in blocks of samples whose
  columns fit in a few MB of cache: ``_ops.im2col`` packs a block, and one ``_ops.bmm``
  multiplies every sample of it by the same weight (a stride-0 view, no copies; the bmm gives
  whole samples to threads: one parallel region per block), its output landing in place in the
  (N, Cout, Ho, Wo) result: no layout transposes. The backward pass uses the same blocks::

      dcols_n = weightᵀ @ dout_n          then col2im scatters dcols back onto dx, in place
      P_n     = dout_n @ [cols_n; 1]ᵀ     the weight gradient of sample n, and its last column
                                          the bias gradient (the same ones row)
      [dW | db] = P_0 + P_1 + ... + P_{N-1}, added in sample order (``_ops.sum_slices``)

* **groups > 1**: the same, group by group, the bias added afterwards.

Every sum has a fixed order (the GEMM's K blocks, the samples in order), so no result depends on
the thread count or on the block size. A 1-d convolution is the 2-d one with height 1.
"""
import numbers

import numpy as np

from .. import _ops
from .._dtype import scalar_type_name
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import qualified_type_name

__all__ = ["conv1d", "conv2d"]

# Samples per block: as many as keep one block's im2col columns under this size, so that the GEMM
# reads them from cache right after im2col wrote them. Measured on the MNIST network's training
# step (one thread, CPU time): 2-4 MB blocks 86 ms, 16 MB 104 ms, the whole batch (42 MB) 130 ms.
# Smaller blocks mean more parallel regions (a fork/join each, costly only on a loaded machine).
_BLOCK_BYTES = 4 << 20


def _block_size(n, cols_bytes_per_sample):
    """Samples per block, a function of the shapes only (never of the thread count); a multiple
    of 4 when it can be, so that bmm can give whole samples to 1, 2 or 4 threads."""
    nb = max(1, min(n, _BLOCK_BYTES // max(1, cols_bytes_per_sample)))
    return nb - nb % 4 if nb >= 4 else nb


class Convolution(Op):
    """out = conv(x, weight) + bias for x (N, C, *spatial) with one or two spatial dimensions.

    ``geometry`` = (stride, padding, dilation, groups, output_size), each 2-d (height first);
    padding is the top/left amount: the bottom/right amount is implied by ``output_size`` (so
    the asymmetric padding of ``padding="same"`` needs no copy)."""

    saved_for = ((1,), (0,))

    @staticmethod
    def forward(ctx, x, weight, bias, geometry):
        stride, padding, dilation, groups, out_hw = geometry
        x4 = np.ascontiguousarray(x).reshape(_as_2d(x.shape))
        w4 = np.ascontiguousarray(weight).reshape(_as_2d(weight.shape))
        ctx.save_for_backward(x, weight)
        ctx.geometry = geometry
        n, cout = x4.shape[0], w4.shape[0]
        shape = (n, cout) + _spatial_out(x.ndim, out_hw)
        if _is_direct(x4, groups):
            xp = _pad_plane(x4, w4.shape[2:], stride, padding, dilation, out_hw)
            return _ops.conv_direct_forward(xp, w4, bias, stride, dilation, out_hw).reshape(shape)
        if groups == 1:
            out = _forward_gemm(x4, w4, bias, stride, padding, dilation, out_hw)
        else:
            out = _forward_groups(x4, w4, bias, stride, padding, dilation, groups, out_hw)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad[:3]
        stride, padding, dilation, groups, out_hw = ctx.geometry
        x4 = np.ascontiguousarray(x).reshape(_as_2d(x.shape))
        w4 = np.ascontiguousarray(weight).reshape(_as_2d(weight.shape))
        n, cout = x4.shape[0], w4.shape[0]
        dout = np.ascontiguousarray(grad).reshape(n, cout, out_hw[0] * out_hw[1])
        if _is_direct(x4, groups):
            dx, dw, db = _backward_direct(x4, w4, dout, need, stride, padding, dilation, out_hw)
        elif groups == 1:
            dx, dw, db = _backward_gemm(x4, w4, dout, need, stride, padding, dilation, out_hw)
        else:
            dx, dw, db = _backward_groups(x4, w4, dout, need, stride, padding, dilation, groups,
                                          out_hw)
        gx = dx.reshape(x.shape) if need[0] else None
        gw = dw.reshape(weight.shape) if need[1] else None
        return gx, gw, (db if need[2] else None), None

    def name(self):
        return "ConvolutionBackward0"

    __slots__ = ("geometry",)


# ---------------------------------------------------------------------- one input channel
def _is_direct(x4, groups):
    return groups == 1 and x4.shape[1] == 1


def _pad_plane(x4, kernel, stride, padding, dilation, out_hw):
    """x4 (N, 1, H, W) with the zero padding the output's windows read, top/left as given and
    bottom/right as far as the last window reaches (x4 itself when none is needed)."""
    n, _, h, w = x4.shape
    reach = [(o - 1) * s + (k - 1) * d + 1 if o else 0
             for o, s, k, d in zip(out_hw, stride, kernel, dilation)]
    extra = [max(0, r - p - size) for r, p, size in zip(reach, padding, (h, w))]
    if not any(padding) and not any(extra):
        return x4
    return np.pad(x4, ((0, 0), (0, 0), (padding[0], extra[0]), (padding[1], extra[1])))


def _backward_direct(x4, w4, dout, need, stride, padding, dilation, out_hw):
    n, _, h, w = x4.shape
    cout, kernel = w4.shape[0], w4.shape[2:]
    dx = dw = db = None
    dout4 = dout.reshape(n, cout, *out_hw)
    xp = _pad_plane(x4, kernel, stride, padding, dilation, out_hw)
    if need[1] or need[2]:
        dwb = _ops.conv_direct_weight_grad(xp, dout4, kernel, stride, dilation, with_bias=need[2])
        dw = dwb[:, :kernel[0] * kernel[1]]
        db = dwb[:, -1].copy() if need[2] else None
    if need[0]:
        dxp = _ops.conv_direct_input_grad(dout4, w4, xp.shape[2:], stride, dilation)
        dx = dxp[:, :, padding[0]:padding[0] + h, padding[1]:padding[1] + w]
        dx = np.ascontiguousarray(dx) if dxp is not dx else dx
    return dx, dw, db


# ---------------------------------------------------------------------- im2col + GEMM
def _forward_gemm(x4, w4, bias, stride, padding, dilation, out_hw):
    n, c, h, w = x4.shape
    cout, _, kh, kw = w4.shape
    length = out_hw[0] * out_hw[1]
    out = np.empty((n, cout, length), dtype=x4.dtype)
    pointwise = _is_pointwise((kh, kw), stride, padding, dilation, (h, w), out_hw)
    ones = bias is not None and not pointwise
    a = w4.reshape(cout, c * kh * kw)
    if ones:  # [weight | bias]: the bias is the weight of the columns' row of ones
        a = np.concatenate([a, bias[:, None]], axis=1)
    nb = _block_size(n, a.shape[1] * length * x4.itemsize)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        cols = _columns(x4[n0:n1], (kh, kw), stride, padding, dilation, out_hw, ones)
        _ops.bmm(np.broadcast_to(a, (n1 - n0,) + a.shape), cols, out=out[n0:n1])
    if bias is not None and not ones:
        out += bias[:, None]
    return out


def _backward_gemm(x4, w4, dout, need, stride, padding, dilation, out_hw):
    n, c, h, w = x4.shape
    cout, _, kh, kw = w4.shape
    k, length = c * kh * kw, out_hw[0] * out_hw[1]
    pointwise = _is_pointwise((kh, kw), stride, padding, dilation, (h, w), out_hw)
    ones = need[1] and need[2] and not pointwise  # the bias gradient from the GEMM's last column
    dx = np.empty((n, c, h, w), dtype=x4.dtype) if need[0] else None
    parts = np.empty((n, cout, k + ones), dtype=x4.dtype) if need[1] else None
    wt = w4.reshape(cout, k).T
    nb = _block_size(n, (k + ones) * length * x4.itemsize)
    for n0 in range((0 if need[0] or need[1] else n), n, nb):
        n1 = min(n, n0 + nb)
        blk = dout[n0:n1]
        if need[1]:
            cols = _columns(x4[n0:n1], (kh, kw), stride, padding, dilation, out_hw, ones)
            _ops.bmm(blk, cols.transpose(0, 2, 1), out=parts[n0:n1])
        if need[0]:
            dcols = _ops.bmm(np.broadcast_to(wt, (n1 - n0, k, cout)), blk)
            if pointwise:
                dx[n0:n1] = dcols.reshape(n1 - n0, c, h, w)
            else:
                _ops.col2im(dcols, (h, w), (kh, kw), stride, padding, dilation, out_hw,
                            out=dx[n0:n1])
    dw = db = None
    if need[1]:
        dwb = _ops.sum_slices(parts.reshape(n, cout * (k + ones))).reshape(cout, k + ones)
        dw = dwb[:, :k]
        if ones:
            db = dwb[:, k].copy()
    if need[2] and db is None:
        db = _ops.batch_norm_grad_sums(dout)[0].astype(x4.dtype)
    return dx, dw, db


def _forward_groups(x4, w4, bias, stride, padding, dilation, groups, out_hw):
    n, c, h, w = x4.shape
    cout, cg, kh, kw = w4.shape
    k, og, length = cg * kh * kw, cout // groups, out_hw[0] * out_hw[1]
    out = np.empty((n, cout, length), dtype=x4.dtype)
    wg = w4.reshape(groups, og, k)
    nb = _block_size(n, c * kh * kw * length * x4.itemsize)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        cols = _columns(x4[n0:n1], (kh, kw), stride, padding, dilation, out_hw)
        block = out[n0:n1]
        for g in range(groups):
            a = np.broadcast_to(wg[g], (n1 - n0, og, k))
            block[:, g * og:(g + 1) * og] = _ops.bmm(a, cols[:, g * k:(g + 1) * k])
    if bias is not None:
        out += bias[:, None]
    return out


def _backward_groups(x4, w4, dout, need, stride, padding, dilation, groups, out_hw):
    n, c, h, w = x4.shape
    cout, cg, kh, kw = w4.shape
    k, og, length = cg * kh * kw, cout // groups, out_hw[0] * out_hw[1]
    wg = w4.reshape(groups, og, k)
    dx = np.empty((n, c, h, w), dtype=x4.dtype) if need[0] else None
    dw = np.zeros((groups, og, k), dtype=x4.dtype) if need[1] else None
    db = _ops.batch_norm_grad_sums(dout)[0].astype(x4.dtype) if need[2] else None
    nb = _block_size(n, c * kh * kw * length * x4.itemsize)
    pointwise = _is_pointwise((kh, kw), stride, padding, dilation, (h, w), out_hw)
    for n0 in range((0 if need[0] or need[1] else n), n, nb):
        n1 = min(n, n0 + nb)
        m, blk = n1 - n0, dout[n0:n1]
        if need[1]:
            cols = _columns(x4[n0:n1], (kh, kw), stride, padding, dilation, out_hw)
            for g in range(groups):
                # per-sample products, added to dW in sample order: a fixed order
                part = _ops.bmm(blk[:, g * og:(g + 1) * og],
                                cols[:, g * k:(g + 1) * k].transpose(0, 2, 1))
                for i in range(m):
                    np.add(dw[g], part[i], out=dw[g])
        if need[0]:
            dcols = np.empty((m, c * kh * kw, length), dtype=x4.dtype)
            for g in range(groups):
                a = np.broadcast_to(wg[g].T, (m, k, og))
                dcols[:, g * k:(g + 1) * k] = _ops.bmm(a, blk[:, g * og:(g + 1) * og])
            if pointwise:
                dx[n0:n1] = dcols.reshape(m, c, h, w)
            else:
                _ops.col2im(dcols, (h, w), (kh, kw), stride, padding, dilation, out_hw,
                            out=dx[n0:n1])
    return dx, dw, db


def _as_2d(shape):
    """(N, C, L) -> (N, C, 1, L); 4-d shapes unchanged."""
    return tuple(shape[:2]) + (1,) + tuple(shape[2:]) if len(shape) == 3 else tuple(shape)


def _spatial_out(ndim, out_hw):
    return tuple(out_hw) if ndim == 4 else (out_hw[1],)


def _is_pointwise(kernel, stride, padding, dilation, in_hw, out_hw):
    """A 1x1 convolution with stride 1 and no padding: its columns are the input itself."""
    return (tuple(kernel) == (1, 1) and tuple(stride) == (1, 1) and tuple(padding) == (0, 0)
            and tuple(in_hw) == tuple(out_hw))


def _columns(x4, kernel, stride, padding, dilation, out_hw, ones_row=False):
    n, c, h, w = x4.shape
    if _is_pointwise(kernel, stride, padding, dilation, (h, w), out_hw):
        return x4.reshape(n, c, h * w)
    return _ops.im2col(x4, kernel, stride, padding, dilation, out_hw, ones_row)


# ---------------------------------------------------------------------- arguments
def int_tuple(value):
    """``value`` as a tuple of ints (an int is a 1-tuple), or None if it is not an int or a
    sequence of ints (bools are not ints here, as in PyTorch's parsers)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (int(value),)
    if isinstance(value, (tuple, list)) and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        return tuple(int(v) for v in value)
    return None


def expand_param(value, n, name, fn):
    """An int or a sequence of 1 or ``n`` ints, as a tuple of ``n`` ints (PyTorch's messages)."""
    ints = int_tuple(value)
    if ints is None:
        raise TypeError(f"{fn}() received an invalid combination of arguments - got {name}="
                        f"{qualified_type_name(value)}, but expected one of: tuple of ints {name}")
    if len(ints) == 1:
        return ints * n
    if len(ints) != n:
        raise RuntimeError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the convolution dimensions, but got {name}={list(ints)}")
    return ints


def _same_padding(kernel, dilation):
    """(top/left padding per dim, total padding per dim) of padding="same" (stride 1): the
    output has the input's size; an odd total puts the extra row/column at the bottom/right,
    as PyTorch does."""
    totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
    return tuple(t // 2 for t in totals), tuple(totals)


def _conv(fn, ndim, input, weight, bias, stride, padding, dilation, groups):
    """Checks in PyTorch's order and messages, then Convolution.apply."""
    for pos, (name, value, optional) in enumerate(
            (("input", input, False), ("weight", weight, False), ("bias", bias, True)), 1):
        if not isinstance(value, Tensor) and not (optional and value is None):
            raise TypeError(f"{fn}() received an invalid combination of arguments - got "
                            f"{name}={qualified_type_name(value)}, but expected one of: "
                            f"Tensor {name}")
    x, w = input._data, weight._data
    batched = ndim + 2
    if x.ndim not in (batched - 1, batched):
        raise RuntimeError(f"Expected {batched - 1}D (unbatched) or {batched}D (batched) input to "
                           f"{fn}, but got input of size: {list(x.shape)}")
    spatial = w.ndim - 2
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"{fn}() received an invalid combination of arguments - got groups="
                        f"{qualified_type_name(groups)}, but expected one of: int groups")
    if spatial < 1:
        raise RuntimeError("weight should have at least three dimensions")
    stride = expand_param(stride, ndim, "stride", fn)
    dilation = expand_param(dilation, ndim, "dilation", fn)
    same = False
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0,) * spatial
        elif padding == "same":
            same = True
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = expand_param(padding, ndim, "padding", fn)
    if same and any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    if spatial != ndim:  # PyTorch's complaint comes from the weight's view of the dims
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of {spatial} values to "
            f"match the convolution dimensions, but got stride={list(stride)}")
    if x.ndim != batched:
        input = input.unsqueeze(0)
        x = input._data
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if not same and any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if w.shape[0] == 0 or w.shape[0] % groups:
        if w.shape[0] == 0:
            raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                               f"dimension 0, but got weight of size {list(w.shape)} instead")
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at "
                           f"dimension 0, but got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[1] * groups} channels, but got "
                           f"{x.shape[1]} channels instead")
    kernel = w.shape[2:]
    if same:
        padding, totals = _same_padding(kernel, dilation)
    else:
        totals = tuple(2 * p for p in padding)
    padded = [s + t for s, t in zip(x.shape[2:], totals)]
    extent = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, extent)):
        sizes = " x ".join(str(p) for p in padded)
        ks = " x ".join(str(e) for e in extent)
        raise RuntimeError(f"Calculated padded input size per channel: ({sizes}). Kernel size: "
                           f"({ks}). Kernel size can't be greater than actual input size")
    if bias is not None and bias._data.shape != (w.shape[0],):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be "
                           f"1-dimensional with {w.shape[0]} elements, but got bias of size "
                           f"{list(bias._data.shape)} instead")
    if x.dtype != w.dtype:
        raise RuntimeError(f"expected scalar type {scalar_type_name(x.dtype)} but found "
                           f"{scalar_type_name(w.dtype)}")
    if bias is not None and bias._data.dtype != x.dtype:
        raise RuntimeError(f"Input type ({_c_name(x.dtype)}) and bias type "
                           f"({_c_name(bias._data.dtype)}) should be the same")
    if x.dtype.kind != "f":
        raise NotImplementedError(f"minigrad's {fn} supports float32 and float64 tensors, got "
                                  f"{scalar_type_name(x.dtype)}")
    out_sizes = tuple((p - e) // s + 1 for p, e, s in zip(padded, extent, stride))
    if spatial == 1:
        stride, padding, dilation, out_sizes = ((1,) + stride, (0,) + padding, (1,) + dilation,
                                                (1,) + out_sizes)
    return Convolution.apply(input, weight, bias, (stride, padding, dilation, groups, out_sizes))


def _c_name(dtype):
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation, as PyTorch) of ``input`` (N, C_in, H, W) or unbatched
    (C_in, H, W) with ``weight`` (C_out, C_in / groups, kH, kW), plus ``bias`` (C_out,).

    ``padding``: an int, a pair, ``"valid"`` (none) or ``"same"`` (output size = input size,
    stride 1). Runs as im2col + the compiled GEMM; results do not depend on the thread count.

    Example::

        >>> x = minigrad.ones(1, 1, 4, 4)
        >>> minigrad.nn.functional.conv2d(x, minigrad.ones(2, 1, 3, 3)).shape
        minigrad.Size([1, 2, 2, 2])
        >>> minigrad.nn.functional.conv2d(x, minigrad.ones(1, 1, 3, 3), padding=1)[0, 0, 0]
        tensor([4., 6., 6., 4.])
    """
    return _unbatch(_conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups),
                    input, 4)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution of ``input`` (N, C_in, L) or unbatched (C_in, L) with ``weight``
    (C_out, C_in / groups, k), plus ``bias`` (C_out,); ``padding`` as in ``conv2d``.

    Example::

        >>> x = minigrad.tensor([[[1., 2., 3., 4.]]])
        >>> minigrad.nn.functional.conv1d(x, minigrad.tensor([[[1., 0., -1.]]]))
        tensor([[[-2., -2.]]])
    """
    return _unbatch(_conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups),
                    input, 3)


def _unbatch(out, input, batched):
    """The unbatched form's result: the batch dimension added by the checks removed again."""
    if isinstance(input, Tensor) and input._data.ndim == batched - 1:
        return out.squeeze(0)
    return out


# ---------------------------------------------------------------------- padding modes
class Pad(Op):
    """Index padding of trailing dimensions: ``out = x`` taken at ``index`` along each axis
    (reflect, replicate, circular). Backward adds each output gradient back to the element it
    was read from (``np.add.at``: in index order, a fixed order)."""

    @staticmethod
    def forward(ctx, x, indices):
        ctx.indices = indices
        ctx.in_shape = x.shape
        out = x
        for axis, index in indices:
            out = np.take(out, index, axis=axis)
        return out

    @staticmethod
    def backward(ctx, grad):
        g = grad
        shape = list(g.shape)
        for axis, index in reversed(ctx.indices):
            shape[axis] = ctx.in_shape[axis]
            acc = np.zeros(shape, dtype=g.dtype)
            np.add.at(acc, (slice(None),) * axis + (index,), g)
            g = acc
        return g, None

    def name(self):
        return "PadBackward0"

    __slots__ = ("indices", "in_shape")


def pad_for_conv(input, pads, mode):
    """``F.pad(input, pads, mode)`` for the convolution layers' ``padding_mode``: ``pads`` =
    (left, right) for the last dimension, then the one before ...; mode "reflect" (mirror
    without repeating the edge), "replicate" (repeat the edge) or "circular" (wrap around)."""
    x = input._data
    indices = []
    for i in range(len(pads) // 2):
        axis = x.ndim - 1 - i
        left, right, size = pads[2 * i], pads[2 * i + 1], x.shape[axis]
        if left == 0 and right == 0:
            continue
        pos = np.arange(-left, size + right, dtype=np.int64)
        if mode == "reflect":
            if left >= size or right >= size:
                raise RuntimeError(
                    f"Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({left}, {right}) at dimension {axis} of input "
                    f"{list(x.shape)}")
            q = np.abs(pos)
            index = np.where(q >= size, 2 * (size - 1) - q, q)
        elif mode == "replicate":
            if size == 0:
                raise RuntimeError(f"padding size is expected to be {len(pads) // 2}, but got: 0")
            index = np.clip(pos, 0, size - 1)
        else:
            if left > size or right > size:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            index = pos % size
        indices.append((axis, index))
    return Pad.apply(input, tuple(indices)) if indices else input
