"""Random sampling into existing tensors and from distributions: ``uniform_``, ``normal_``,
``bernoulli_``, ``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_``, ``random_``,
``multinomial`` and ``poisson``.

Each transforms draws of the counter-based generator (``creation.fill_uniform``/``fill_normal``),
so the numbers do not depend on the thread count; they differ from PyTorch's (another generator),
their distributions do not.
"""
import numpy as np

from .._dtype import c_type_name, scalar_type_name
from ..creation import fill_normal, fill_uniform, random_uint64
from ..tensor import Tensor, _wrap
from ._util import _not_implemented
from .inplace import copy_
from .special_functions import _lgamma64

__all__ = ["multinomial", "poisson"]


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fills this tensor in place with numbers drawn uniformly from ``[a, b)`` (from ``generator``, or
    the default generator set by ``minigrad.manual_seed``); returns it.

    Example::

        >>> x = minigrad.empty(1000).uniform_(-1, 1)
        >>> bool(x.min() >= -1 and x.max() < 1)
        True
    """
    return copy_(self, _wrap(fill_uniform(np.empty(self._data.shape, self._data.dtype), generator, a, b)))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fills this tensor in place with numbers drawn from the normal distribution N(``mean``,
    ``std``^2) (from ``generator``, or the default generator); returns it.

    Example::

        >>> x = minigrad.empty(10000).normal_(mean=3., std=0.5)
        >>> round(x.mean().item(), 1), round(x.std().item(), 1)
        (3.0, 0.5)
    """
    return copy_(self, _wrap(fill_normal(np.empty(self._data.shape, self._data.dtype), generator, mean, std)))


def _uniform(shape, generator):
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
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    if self._data.dtype.kind != "f":
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


def _poisson_small(lam, generator):
    """Knuth: count uniforms until their product drops below e^-lam (lam < 10). Each round
    draws one uniform per unfinished element (one generator call per round)."""
    count = np.zeros(lam.shape, np.float64)
    product = np.ones(lam.shape, np.float64)
    limit = np.exp(-lam)
    todo = np.flatnonzero(lam > 0)
    while todo.size:
        product[todo] *= _uniform(todo.shape, generator)
        done = product[todo] <= limit[todo]
        count[todo[~done]] += 1
        todo = todo[~done]
    return count


def _poisson_large(lam, generator):
    """Hoermann's transformed rejection (PTRS, as numpy's generator) for lam >= 10; each round
    draws two uniforms per element still rejected."""
    out = np.zeros(lam.shape, np.float64)
    slam, loglam = np.sqrt(lam), np.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    todo = np.arange(lam.size)
    while todo.size:
        uv = _uniform((2, todo.size), generator)
        u, v = uv[0] - 0.5, uv[1]
        us = 0.5 - np.abs(u)
        A, B, L = a[todo], b[todo], lam[todo]
        k = np.floor((2 * A / us + B) * u + L + 0.43)
        accept = (us >= 0.07) & (v <= vr[todo])
        maybe = ~accept & (k >= 0) & ~((us < 0.013) & (v > us))
        with np.errstate(all="ignore"):
            test = (np.log(v) + np.log(invalpha[todo]) - np.log(A / (us * us) + B)
                    <= -L + k * loglam[todo] - _lgamma64(np.maximum(k, 0) + 1))
        accept |= maybe & test
        out[todo[accept]] = k[accept]
        todo = todo[~accept]
    return out


def poisson(input, generator=None):
    """Counts drawn from Poisson distributions with the rates in ``input`` (same shape and
    dtype), from minigrad's counter-based generator.

    Example::

        >>> minigrad.poisson(minigrad.tensor([0., 0.]))
        tensor([0., 0.])
    """
    rates = input._data
    if rates.dtype.kind != "f":
        raise _not_implemented("poisson_cpu", input)
    lam = rates.astype(np.float64).reshape(-1)
    if not (lam >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    out = np.zeros(lam.shape, np.float64)
    small = lam < 10
    if small.any():
        out[small] = _poisson_small(lam[small], generator)
    if (~small).any():
        out[~small] = _poisson_large(lam[~small], generator)
    return _wrap(out.reshape(rates.shape).astype(rates.dtype))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"uniform_": uniform_, "normal_": normal_, "bernoulli_": bernoulli_,
           "exponential_": exponential_, "geometric_": geometric_, "cauchy_": cauchy_,
           "log_normal_": log_normal_, "random_": random_, "multinomial": multinomial}
