"""``fma(a, b, c)``: ``a * b + c`` rounded once, as a fused multiply-add instruction computes it.

PyTorch's CPU kernels for ``add(x, alpha=...)``, ``lerp`` and ``addcmul`` use fused multiply-adds
(they are vectorised with FMA instructions on x86-64 with AVX2/AVX-512), so the optimizers' updates
round differently from numpy's separate multiply and add. numpy has no FMA; these helpers compute
it exactly with numpy operations so that SGD and Adam reproduce PyTorch's floating-point steps:

* float32: ``a * b`` is exact in float64 (24 + 24 significant bits), so one float64 addition and
  the conversion back to float32 give the fused result (a double rounding that differs from the
  single one only when the float64 sum lands exactly halfway between two float32 values);
* float64: Dekker's exact product and Knuth's exact sum split ``a * b + c`` into a rounded part
  and its error; rounding the error term "to odd" before the final addition makes that addition
  round correctly (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums: proved
  algorithms using rounding to odd", IEEE Trans. Computers 57(4), 2008).

Results are the same on every CPU and thread count (numpy's element-wise operations only).
"""
import numpy as np

__all__ = ["fma"]

_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's constant, splits a float64 into two 26-bit halves


def _two_sum(a, b):
    """``s, e`` with ``s = fl(a + b)`` and ``s + e == a + b`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_prod(a, b):
    """``p, e`` with ``p = fl(a * b)`` and ``p + e == a * b`` exactly (Dekker)."""
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _fma64(a, b, c):
    with np.errstate(all="ignore"):
        ph, pl = _two_prod(a, b)
        sh, sl = _two_sum(c, ph)
        low, err = _two_sum(sl, pl)
        # round `sl + pl` to odd: when inexact and the nearest result has an even last bit, take the
        # neighbour on the side of the exact value (whose last bit is odd). Float64 bit patterns
        # are ordered like magnitudes, so that neighbour is the pattern +1 (away from zero, when
        # the error has the sign of `low`) or -1 (toward zero); `low` is never 0 when err != 0.
        low = np.array(low, dtype=np.float64)
        bits = low.view(np.int64)
        inexact_even = (err != 0) & ((bits & 1) == 0)
        if inexact_even.any():
            away = np.signbit(err) == np.signbit(low)
            bits += np.where(away, 1, -1) * inexact_even
        result = sh + low
        if not np.isfinite(result).all():
            # infinities and NaNs (and the products that overflow in the splitting): the plain
            # expression has the IEEE result there
            plain = a * b + c
            result = np.where(np.isfinite(result), result, plain)
    return result


def _float64(x):
    return np.float64(x) if np.ndim(x) == 0 else np.asarray(x, np.float64)


def fma(a, b, c, out=None):
    """``a * b + c`` with a single rounding, in the dtype of ``c`` (float32 or float64 arrays;
    ``a`` and ``b`` may be Python floats, which are rounded to that dtype first). Writes into
    ``out`` if given."""
    c = np.asarray(c)
    if c.dtype == np.float32:
        # Python-float coefficients are first rounded to float32, as PyTorch's float32 kernels do
        a64 = np.asarray(a, np.float32).astype(np.float64)
        b64 = np.asarray(b, np.float32).astype(np.float64)
        result = a64 * b64 + c.astype(np.float64)
        if out is None:
            return result.astype(np.float32)
        out[...] = result
        return out
    if c.dtype != np.float64:
        result = a * b + c
    else:
        # scalar coefficients stay scalars: their splitting then costs nothing per element
        result = _fma64(_float64(a), _float64(b), c)
        result = np.broadcast_to(result, np.broadcast_shapes(np.shape(a), np.shape(b), c.shape))
    if out is None:
        return np.asarray(result, c.dtype)
    out[...] = result
    return out
