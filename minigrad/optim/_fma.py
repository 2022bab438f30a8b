"""``fma(a, b, c)``: ``a * b + c`` rounded once, as a fused multiply-add instruction computes it.

PyTorch's CPU kernels for ``add(x, alpha=...)``, ``lerp`` and ``addcmul`` are vectorised with FMA
instructions (x86-64 with AVX2/AVX-512), so the optimizers' updates round once per element where
numpy's separate multiply and add round twice. The float64 updates of SGD and Adam call this to
reproduce PyTorch's steps (SGD bit for bit). The work is done by ``minigrad._ops.fma``
(``csrc/fma.h``): the FMA instruction when the CPU has one, C99's correctly rounded ``fma()``
otherwise, so the bits are the same on every machine and for any thread count.
"""
import numpy as np

from .._ops import fma as _fma_kernel

__all__ = ["fma", "add_scaled", "addcmul", "lerp"]


def _operand(x, c):
    """A scalar stays a scalar; an array becomes a C-contiguous array of c's dtype and shape (the
    kernel takes nothing else)."""
    if np.ndim(x) == 0:
        return float(x)
    return np.asarray(np.broadcast_to(np.asarray(x, c.dtype), c.shape), order="C")


def fma(a, b, c, out=None):
    """``a * b + c`` with a single rounding, in the dtype of ``c`` (a float32 or float64 array;
    ``a`` and ``b`` may be numbers, which are first rounded to that dtype as PyTorch's kernels do,
    or arrays that broadcast to ``c``'s shape). Writes into ``out`` (``c``'s shape and dtype,
    possibly ``c`` itself) if given."""
    c = np.asarray(c)
    ca = np.asarray(c, order="C")  # (np.ascontiguousarray would make a 0-d parameter 1-d)
    if out is not None and out.flags.c_contiguous and (out is c or not np.shares_memory(out, ca)):
        target = out
    else:
        target = None
    result = _fma_kernel(_operand(a, ca), _operand(b, ca), ca, out=target)
    if out is not None and target is None:
        out[...] = result
        return out
    return result


def add_scaled(c, alpha, x, out=None):
    """``c + alpha * x``, PyTorch's ``c.add(x, alpha=alpha)``: for float64 ``c``, with one
    rounding (``fma``), which reproduces PyTorch's updates; for float32, numpy's multiply then
    add, so that float32 training results stay what they have been (they may differ from
    PyTorch's in the last bit). ``alpha`` may be a number or an array. Writes into
    ``out`` if given (which may be ``c``)."""
    if c.dtype == np.float64:
        return fma(alpha, x, c, out=out)
    if out is None:
        return c + alpha * x
    return np.add(c, alpha * x, out=out)


def addcmul(c, value, a, b, out=None):
    """``c + value * a * b``, PyTorch's ``c.addcmul(a, b, value=value)``: its kernel rounds
    ``value * a``, then fuses the multiply by ``b`` with the add (in float64 here, as
    ``add_scaled``)."""
    return add_scaled(c, value * a, b, out=out)


def lerp(start, end, weight, out=None):
    """``start + weight * (end - start)`` for a number ``weight``, PyTorch's ``torch.lerp``: its
    kernel uses that form for ``|weight| < 0.5`` and ``end - (end - start) * (1 - weight)``
    otherwise (exact at both ends), each a multiply-add (fused in float64, as ``add_scaled``)."""
    if abs(weight) < 0.5:
        return add_scaled(start, weight, end - start, out=out)
    return add_scaled(end, 1 - weight, start - end, out=out)
