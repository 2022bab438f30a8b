"""``minigrad.finfo`` and ``minigrad.iinfo``: the numerical limits of the floating-point and
integer dtypes (PyTorch's attributes and repr; numpy supplies the values)."""
import numpy as np

from .._dtype import get_default_dtype, to_dtype

__all__ = ["finfo", "iinfo"]


class finfo:  # noqa: N801 - PyTorch's name
    """The limits of a floating-point dtype (default: the default dtype): ``bits``, ``eps`` (the
    gap between 1 and the next number), ``max``, ``min`` (the lowest finite value), ``tiny`` and
    ``smallest_normal`` (the smallest positive normal number), ``resolution`` (10^-precision).

    Example::

        >>> minigrad.finfo(minigrad.float32).eps
        1.1920928955078125e-07
        >>> minigrad.finfo(minigrad.float64)
        finfo(resolution=1e-15, min=-1.79769e+308, max=1.79769e+308, eps=2.22045e-16, smallest_normal=2.22507e-308, tiny=2.22507e-308, dtype=float64)
    """

    def __init__(self, type=None):  # noqa: A002
        d = get_default_dtype() if type is None else to_dtype(type)
        if d.np.kind != "f":
            raise TypeError("minigrad.finfo() requires a floating point input type. Use "
                            "minigrad.iinfo to handle 'minigrad.finfo'")
        info = np.finfo(d.np)
        self.bits = int(info.bits)
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -int(info.precision)
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - PyTorch's name
    """The limits of an integer dtype: ``bits``, ``min``, ``max``.

    Example::

        >>> minigrad.iinfo(minigrad.uint8)
        iinfo(min=0, max=255, dtype=uint8)
        >>> minigrad.iinfo(minigrad.int64).max
        9223372036854775807
    """

    def __init__(self, type):  # noqa: A002
        d = to_dtype(type)
        if d.np.kind == "b":
            raise TypeError("minigrad.bool is not supported by minigrad.iinfo")
        if d.np.kind not in "iu":
            raise TypeError("minigrad.iinfo() requires an integer input type. Use minigrad.finfo "
                            "to handle 'minigrad.iinfo'")
        info = np.iinfo(d.np)
        self.bits = int(info.bits)
        self.min = int(info.min)
        self.max = int(info.max)
        self.dtype = d.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
