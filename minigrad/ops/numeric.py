"""Number-theoretic and floating-point helpers: gcd, lcm, nextafter, ldexp, frexp, vander,
unravel_index, histogram, renorm."""
import collections
import numbers

import numpy as np

from .._dtype import get_default_dtype, scalar_type_name
from ..tensor import Tensor, _wrap
from ._util import canonical_dim, promote
from .special import _not_implemented

__all__ = ["gcd", "lcm", "nextafter", "ldexp", "frexp", "vander", "unravel_index", "histogram",
           "renorm"]


def _integer_pair(name, input, other):
    a, b = promote(input, other)
    for t in (a, b):
        if isinstance(t, Tensor) and t._data.dtype.kind not in "iu":
            raise _not_implemented(f"{name}_cpu", t)
    return (a._data if isinstance(a, Tensor) else a), (b._data if isinstance(b, Tensor) else b)


def gcd(input, other):
    """The greatest common divisor of the elements (integers only), non-negative.

    Example::

        >>> minigrad.gcd(minigrad.tensor([12, -18]), minigrad.tensor([8, 12]))
        tensor([4, 6])
    """
    a, b = _integer_pair("gcd", input, other)
    return _wrap(np.asarray(np.gcd(a, b)))


def lcm(input, other):
    """The least common multiple of the elements (integers only), non-negative.

    Example::

        >>> minigrad.lcm(minigrad.tensor([4, 0]), minigrad.tensor([6, 3]))
        tensor([12,  0])
    """
    a, b = _integer_pair("lcm", input, other)
    return _wrap(np.asarray(np.lcm(a, b)))


def nextafter(input, other):
    """The next floating-point value after ``input`` towards ``other``. Not differentiable.

    Example::

        >>> minigrad.nextafter(minigrad.tensor([1.]), minigrad.tensor([2.])) > 1
        tensor([True])
    """
    a, b = promote(input, other)
    return _wrap(np.asarray(np.nextafter(a._data if isinstance(a, Tensor) else a,
                                         b._data if isinstance(b, Tensor) else b)))


def ldexp(input, other):
    """``input * 2 ** other`` (integers give the default float dtype).

    Example::

        >>> minigrad.ldexp(minigrad.tensor([1., 2.]), minigrad.tensor([2, 3]))
        tensor([ 4., 16.])
    """
    from .arithmetic import pow as _pow

    if input._data.dtype.kind != "f":
        input = input.to(get_default_dtype())
    two = _wrap(np.asarray(2.0, input._data.dtype))
    return input * _pow(two, other)


_Frexp = collections.namedtuple("frexp", ["mantissa", "exponent"])


def frexp(input):
    """``input`` split into a mantissa in (-1, -0.5] or [0.5, 1) and an int32 exponent:
    ``input == mantissa * 2 ** exponent``.

    Example::

        >>> minigrad.frexp(minigrad.tensor([8., -0.3])).exponent
        tensor([ 4, -1], dtype=minigrad.int32)
    """
    from .reduction_more import _wrap_result

    if input._data.dtype.kind != "f":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes"
                           .replace("torch.", "minigrad."))
    _, e = np.frexp(input._data)
    # mantissa = input * 2^-exponent: differentiable in input, as in PyTorch
    scale = _wrap(np.ldexp(np.ones((), input._data.dtype), -e).astype(input._data.dtype))
    return _wrap_result(_Frexp)(input * scale, _wrap(np.asarray(e, np.int32)))


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of the 1-d ``x``: columns ``x ** (N-1) ... x ** 0`` (or the other
    way round with ``increasing=True``).

    Example::

        >>> minigrad.vander(minigrad.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [4, 2, 1],
                [9, 3, 1]])
    """
    from .arithmetic import pow as _pow
    from .shape import stack

    if x._data.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x._data.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x._data.dtype.kind in "b":
        x = x.to(np.int64)
    powers = list(range(n)) if increasing else list(range(n - 1, -1, -1))
    if not powers:
        return _wrap(np.zeros((x._data.shape[0], 0), x._data.dtype))
    return stack([_pow(x, p) if p else x * 0 + 1 for p in powers], 1)


def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of the flat ``indices``, one tensor per
    dimension.

    Example::

        >>> minigrad.unravel_index(minigrad.tensor([5, 1]), (2, 3))
        (tensor([1, 0]), tensor([2, 1]))
    """
    if not isinstance(indices, Tensor):
        indices = _wrap(np.asarray(indices))
    if indices._data.dtype.kind not in "iu":
        raise TypeError("expected 'indices' to be integer dtype, but got "
                        f"{str(indices.dtype)}")
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    idx = indices._data.astype(np.int64)
    out = []
    for s in reversed(shape):
        out.append(idx % s if s else idx * 0)
        idx = idx // s if s else idx
    return tuple(_wrap(np.asarray(o, np.int64)) for o in reversed(out))


_Histogram = collections.namedtuple("histogram", ["hist", "bin_edges"])


def histogram(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """A histogram of ``input``: ``(hist, bin_edges)``, with ``bins`` equal bins over ``range``
    (default: the data's range) or the given bin edges (a 1-d tensor).

    Example::

        >>> minigrad.histogram(minigrad.tensor([1., 2., 1.]), bins=4, range=(0., 3.)).hist
        tensor([0., 2., 1., 0.])
    """
    from .reduction_more import _wrap_result

    a = input._data
    if a.dtype.kind != "f":
        raise _not_implemented("histogram_cpu", input)
    edges = bins._data if isinstance(bins, Tensor) else bins
    w = weight._data if isinstance(weight, Tensor) else None
    hist, out_edges = np.histogram(a.reshape(-1), bins=edges, range=range,
                                   weights=None if w is None else w.reshape(-1), density=density)
    return _wrap_result(_Histogram)(_wrap(hist.astype(a.dtype)),
                                    _wrap(np.asarray(out_edges, a.dtype)))


def renorm(input, p, dim, maxnorm):
    """``input`` with each slice along ``dim`` (the sub-tensors ``input.select(dim, i)``)
    rescaled so that its ``p``-norm is at most ``maxnorm``.

    Example::

        >>> minigrad.renorm(minigrad.tensor([[1., 2.], [3., 4.]]), 2, 0, 2.)
        tensor([[0.8944, 1.7889],
                [1.2000, 1.6000]])
    """
    from .arithmetic import where
    from .reduction import vector_norm

    if input._data.dtype.kind != "f":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {scalar_type_name(input._data.dtype)}")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = canonical_dim(dim, input._data.ndim)
    others = tuple(i for i in np.arange(input._data.ndim) if i != d)
    norms = vector_norm(input, p, dim=others, keepdim=True) if others else input.abs()
    # PyTorch's factor, maxnorm / (norm + 1e-7) where the norm exceeds maxnorm (differentiated
    # through the norm, as PyTorch's renorm backward)
    factor = maxnorm / (norms + 1e-7)
    return input * where(_wrap(norms._data > maxnorm), factor, 1.0)


METHODS = {"gcd": gcd, "lcm": lcm, "nextafter": nextafter, "ldexp": ldexp, "frexp": frexp,
           "renorm": renorm}
