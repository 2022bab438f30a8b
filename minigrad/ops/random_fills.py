"""The in-place random fills beyond uniform_/normal_: bernoulli_, exponential_, geometric_,
cauchy_, log_normal_, random_. Each transforms draws of the counter-based generator
(``creation.fill_uniform``/``fill_normal``), so the numbers do not depend on the thread count;
they differ from PyTorch's (another generator), their distributions do not."""
import numpy as np

from .._dtype import c_type_name, scalar_type_name
from ..tensor import Tensor, _wrap
from .inplace import copy_

__all__ = ["multinomial"]


def _uniform(shape, generator):
    from ..creation import fill_uniform

    return fill_uniform(np.empty(shape, np.float64), generator)


def _continuous(self, name):
    if self._data.dtype.kind != "f":
        kind = {"exponential_": "Exponential", "cauchy_": "Cauchy"}[name]
        # PyTorch names the dtype as ScalarType (Long) or as C type (long int) depending on the op
        dt = (c_type_name if name == "cauchy_" else scalar_type_name)(self._data.dtype)
        raise RuntimeError(f"{kind} distribution is a continuous probability distribution. dtype "
                           f"must be a floating point but you specified {dt}")


def bernoulli_(self, p=0.5, *, generator=None):
    """Fills this tensor with 1 (probability ``p``, a number or a tensor of probabilities) or 0;
    returns it.

    Example::

        >>> minigrad.empty(3).bernoulli_(minigrad.tensor([0., 1., 1.]))
        tensor([0., 1., 1.])
    """
    probs = p._data if isinstance(p, Tensor) else p
    if not isinstance(p, Tensor) and not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    u = _uniform(self._data.shape, generator)
    return copy_(self, _wrap((u < probs).astype(self._data.dtype)))


def exponential_(self, lambd=1.0, *, generator=None):
    """Fills this tensor with exponentially distributed numbers of rate ``lambd``; returns it.

    Example::

        >>> bool((minigrad.empty(100).exponential_(2.) >= 0).all())
        True
    """
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    _continuous(self, "exponential_")
    u = _uniform(self._data.shape, generator)
    return copy_(self, _wrap(-np.log1p(-u) / lambd))


def geometric_(self, p, *, generator=None):
    """Fills this tensor with geometrically distributed counts (trials until the first success,
    success probability ``p``); returns it.

    Example::

        >>> bool((minigrad.empty(100).geometric_(0.5) >= 1).all())
        True
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    u = _uniform(self._data.shape, generator)
    return copy_(self, _wrap(np.ceil(np.log1p(-u) / np.log1p(-p))))


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fills this tensor with Cauchy-distributed numbers; returns it.

    Example::

        >>> minigrad.empty(3).cauchy_().shape
        minigrad.Size([3])
    """
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    _continuous(self, "cauchy_")
    u = _uniform(self._data.shape, generator)
    return copy_(self, _wrap(median + sigma * np.tan(np.pi * (u - 0.5))))


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fills this tensor with numbers whose logarithm is normal(``mean``, ``std``); returns it.

    Example::

        >>> bool((minigrad.empty(100).log_normal_() > 0).all())
        True
    """
    from ..creation import fill_normal

    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    if self._data.dtype.kind != "f":
        from .special import _not_implemented

        raise _not_implemented("log_normal_cpu", self)
    z = fill_normal(np.empty(self._data.shape, np.float64), generator, mean, std)
    return copy_(self, _wrap(np.exp(z)))


def random_(self, from_=None, to=None, *, generator=None, **kwargs):
    """Fills this tensor with integers drawn uniformly from ``[from, to)`` (``random_(to)``:
    ``[0, to)``; ``random_()``: ``[0, 2^mantissa]`` for floats, ``[0, max]`` for integers);
    returns it.

    Example::

        >>> bool((minigrad.zeros(100, dtype=minigrad.long).random_(3) < 3).all())
        True
    """
    from ..creation import random_uint64

    if "from" in kwargs:
        from_ = kwargs.pop("from")
    if from_ is not None and to is None:
        from_, to = 0, from_
    dt = self._data.dtype
    if from_ is None:
        from_ = 0
        to = (2 ** (np.finfo(dt).nmant + 1) + 1 if dt.kind == "f"
              else 2 if dt.kind == "b" else int(np.iinfo(dt).max) + 1)
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} "
                           f">= to={to}")
    span = int(to) - int(from_)
    bits = random_uint64(self._data.size, generator)
    values = (bits % np.uint64(span)).astype(np.int64) + int(from_)  # modulo bias < span/2^64
    return copy_(self, _wrap(values.reshape(self._data.shape).astype(dt)))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """``num_samples`` category indices drawn from each row of ``input`` (non-negative weights,
    1-d or 2-d), with or without replacement. Without replacement, each row is ordered by
    exponential "arrival times" divided by the weights (the exponential race), which draws
    exactly as successive sampling would.

    Example::

        >>> minigrad.multinomial(minigrad.tensor([0., 1., 0.]), 2, replacement=True)
        tensor([1, 1])
    """
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{scalar_type_name(p.dtype)}")
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if replacement:
        cdf = np.cumsum(rows, 1)
        cdf /= cdf[:, -1:]
        u = _uniform((rows.shape[0], num_samples), generator)
        out = np.stack([np.searchsorted(c, x, side="right") for c, x in zip(cdf, u)])
        out = np.minimum(out, rows.shape[1] - 1)
    else:
        u = _uniform(rows.shape, generator)
        with np.errstate(divide="ignore"):
            arrival = -np.log1p(-u) / rows  # weight 0: inf, drawn last (as PyTorch does)
        out = np.argsort(arrival, axis=1, kind="stable")[:, :num_samples]
    out = out.astype(np.int64)
    return _wrap(out.reshape(num_samples) if p.ndim == 1 else out)


METHODS = {"multinomial": multinomial, "bernoulli_": bernoulli_, "exponential_": exponential_, "geometric_": geometric_,
           "cauchy_": cauchy_, "log_normal_": log_normal_, "random_": random_}
