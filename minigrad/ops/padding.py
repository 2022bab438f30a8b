"""Padding: ``pad`` (``nn.functional.pad``) in its four modes, and ``constant_pad_nd``.

``pad`` lists (left, right) amounts for the last dimensions, the last one first; a negative
amount crops. ``constant`` fills with a value (any number of dimensions); ``reflect`` mirrors
the edge without repeating it, ``replicate`` repeats the edge, ``circular`` wraps around (these
three pad the last 1, 2 or 3 dimensions of a batched or unbatched input, as in PyTorch).

The three non-constant modes are one op (``IndexPad``): each padded dimension has an index map
from output positions to input positions, so the forward is a gather and the backward adds each
output gradient back where its value came from.
"""
import numbers

import numpy as np

from .._dtype import fill_value
from ..autograd.function import Op

__all__ = ["constant_pad_nd"]


class ConstantPadNd(Op):
    """The input placed in a tensor filled with ``value``; negative amounts crop."""

    @staticmethod
    def forward(ctx, a, pads, value):
        nd = len(pads) // 2
        lead = a.ndim - nd
        out_shape = list(a.shape)
        src, dst = [slice(None)] * a.ndim, [slice(None)] * a.ndim
        for k in range(nd):
            d = a.ndim - 1 - k
            left, right = pads[2 * k], pads[2 * k + 1]
            n = a.shape[d]
            out_shape[d] = n + left + right
            if out_shape[d] < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            # output position o holds input position o - left, where both exist
            lo, hi = max(0, left), min(out_shape[d], n + left)
            hi = max(hi, lo)
            src[d] = slice(lo - left, hi - left)
            dst[d] = slice(lo, hi)
        out = np.full(out_shape, value, dtype=a.dtype)
        out[tuple(dst)] = a[tuple(src)]
        ctx.meta = (a.shape, tuple(src), tuple(dst), lead)
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, src, dst, _ = ctx.meta
        g = np.zeros(shape, grad.dtype)
        g[src] = grad[dst]
        return g, None, None

    __slots__ = ("meta",)


def _index_map(n, left, right, mode):
    """Output position -> input position along one dimension of ``n`` elements."""
    base = np.arange(max(-left, 0), n - max(-right, 0))  # (negative amounts crop first)
    m = len(base)
    lp, rp = max(left, 0), max(right, 0)
    if mode == "reflect":
        before, after = base[1:lp + 1][::-1], base[m - 1 - rp:m - 1][::-1]
    elif mode == "replicate":
        before, after = np.repeat(base[:1], lp), np.repeat(base[-1:], rp)
    else:  # circular
        before, after = base[m - lp:] if lp else base[:0], base[:rp]
    return np.concatenate([before, base, after])


class IndexPad(Op):
    """Reflect, replicate or circular padding: a gather along each padded dimension."""

    @staticmethod
    def forward(ctx, a, maps):
        out = a
        for d, m in maps:
            out = np.take(out, m, axis=d)
        ctx.meta = (a.shape, maps)
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, maps = ctx.meta
        g = grad
        for d, m in reversed(maps):
            target = list(g.shape)
            target[d] = shape[d]
            acc = np.zeros(target, grad.dtype)
            np.add.at(acc, (slice(None),) * d + (m,), g)
            g = acc
        return g, None

    def name(self):
        return self.label

    __slots__ = ("meta", "label")


def _check_pads(pad, ndim):
    if not isinstance(pad, (list, tuple)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    for pos, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, numbers.Integral):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but found "
                            f"element of type {type(p).__name__} at pos {pos}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{ndim}")
    return tuple(int(p) for p in pad)


def constant_pad_nd(input, pad, value=0):
    """``input`` padded with ``value`` (``pad``: (left, right) amounts, last dimension first;
    negative amounts crop).

    Example::

        >>> minigrad.constant_pad_nd(minigrad.tensor([[1, 2]]), (1, 0, 0, 1), 9)
        tensor([[9, 1, 2],
                [9, 9, 9]])
    """
    pads = _check_pads(pad, input._data.ndim)
    return ConstantPadNd.apply(input, pads, fill_value(value, input._data.dtype))


_NON_CONSTANT = ("reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):
    """Pads ``input`` (see the module's docstring): ``pad`` gives (left, right) amounts for the
    last dimensions, last first; ``mode`` is ``"constant"`` (with ``value``, default 0),
    ``"reflect"``, ``"replicate"`` or ``"circular"``.

    Example::

        >>> x = minigrad.tensor([[[1., 2., 3.]]])
        >>> F.pad(x, (2, 1))
        tensor([[[0., 0., 1., 2., 3., 0.]]])
        >>> F.pad(x, (2, 1), mode="reflect")
        tensor([[[3., 2., 1., 2., 3., 2.]]])
        >>> F.pad(x, (2, 1), mode="circular")
        tensor([[[2., 3., 1., 2., 3., 1.]]])
    """
    pads = _check_pads(pad, input._data.ndim)
    if mode == "constant":
        return ConstantPadNd.apply(input, pads, fill_value(0 if value is None else value,
                                                           input._data.dtype))
    if mode not in _NON_CONSTANT:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k, ndim, shape = len(pads) // 2, input._data.ndim, input._data.shape
    if not (1 <= k <= 3 and ndim in (k + 1, k + 2)):
        raise NotImplementedError(
            f"Padding size {len(pads)} is not supported for {ndim}D input tensor.\nSupported "
            "combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads "
            "last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - "
            "4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if 0 in (shape[1:] if ndim == k + 2 else shape):  # (only the batch may be empty)
        raise RuntimeError(f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(shape)}")
    maps = []
    for j in range(k):
        d = ndim - 1 - j
        left, right = pads[2 * j], pads[2 * j + 1]
        if mode == "reflect" and (left >= shape[d] or right >= shape[d]):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding "
                               f"input dimension, but got: padding ({left}, {right}) at dimension "
                               f"{d} of input {list(shape)}")
        if mode == "circular" and (left > shape[d] or right > shape[d]):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        maps.append((d, _index_map(shape[d], left, right, mode)))
    result = IndexPad.apply(input, tuple(maps))
    if result.grad_fn is not None:
        label = {"reflect": "ReflectionPad", "replicate": "ReplicationPad",
                 "circular": "CircularPad"}[mode]
        result.grad_fn.label = f"{label}{k}DBackward0"
    return result


METHODS = {}
