"""Special functions: ``erf``, ``erfc``, ``erfinv``, ``lgamma``, ``digamma``, ``polygamma``,
``mvlgamma``, ``sinc`` and ``xlogy`` (numpy has none of the gamma family).

digamma/polygamma: the recurrence psi(x) = psi(x + 1) - 1/x (and its derivatives) moves x
above 10, where the asymptotic series with Bernoulli numbers is accurate to double precision.
erfinv: a rational first guess refined by Newton steps on math.erf. Computed in float64.
"""
import math

import numpy as np

from ..autograd.function import Op
from ._elementwise import _binary, _const, _float_pair, _in_f64, _make, _unary
from ._util import float_input

__all__ = ["erf", "erfc", "lgamma", "digamma", "polygamma", "erfinv", "mvlgamma", "sinc", "xlogy"]


_erf_f64 = np.vectorize(math.erf, otypes=[np.float64])
_erfc_f64 = np.vectorize(math.erfc, otypes=[np.float64])
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


Erf = _unary("Erf", _in_f64(_erf_f64),
             lambda a, out: _const(_TWO_OVER_SQRT_PI, a) * np.exp(-a * a), "error function")
Erfc = _unary("Erfc", _in_f64(_erfc_f64),
              lambda a, out: -_const(_TWO_OVER_SQRT_PI, a) * np.exp(-a * a), "1 - erf")


erf = _make(Erf, "erf", "The error function of the elements of ``input``.",
            ">>> minigrad.erf(minigrad.tensor([0., 1.]))\n        tensor([0.0000, 0.8427])")
erfc = _make(Erfc, "erfc", "The complementary error function ``1 - erf(x)``, accurate for large "
             "x.", ">>> minigrad.erfc(minigrad.tensor([0., 1.]))\n        tensor([1.0000, 0.1573])")


_lgamma64 = np.vectorize(math.lgamma, otypes=[np.float64])
_erf64 = np.vectorize(math.erf, otypes=[np.float64])
# B_2k for k = 1..7
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
_SHIFT_TO = 10.0


def _digamma64(x):
    x = np.array(x, np.float64)
    out = np.zeros_like(x)
    pole = (x <= 0) & (x == np.floor(x))
    with np.errstate(all="ignore"):
        work = np.where(pole | ~np.isfinite(x), _SHIFT_TO, x)
        while True:  # psi(x) = psi(x + 1) - 1/x until every x is large
            small = work < _SHIFT_TO
            if not small.any():
                break
            out -= np.where(small, 1 / work, 0)
            work = np.where(small, work + 1, work)
        inv2 = 1 / (work * work)
        series = np.zeros_like(work)
        for k in range(len(_BERNOULLI), 0, -1):
            series = series * inv2 + _BERNOULLI[k - 1] / (2 * k)
        out += np.log(work) - 0.5 / work - series * inv2
    out = np.where(pole, np.where(x == 0, -np.inf, np.nan), out)
    out = np.where(np.isposinf(x), np.inf, np.where(np.isneginf(x) | np.isnan(x), np.nan, out))
    return out


def _polygamma64(n, x):
    """psi^(n)(x) for n >= 1: (-1)^(n+1) n! sum_k 1/(x+k)^(n+1), via recurrence + asymptotics."""
    if n == 0:
        return _digamma64(x)
    x = np.array(x, np.float64)
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
    fact = math.factorial(n)
    out = np.zeros_like(x)
    pole = (x <= 0) & (x == np.floor(x))
    with np.errstate(all="ignore"):
        work = np.where(pole | ~np.isfinite(x), _SHIFT_TO, x)
        while True:
            small = work < _SHIFT_TO
            if not small.any():
                break
            out += np.where(small, sign * fact / work ** (n + 1), 0)
            work = np.where(small, work + 1, work)
        # (n-1)!/x^n + n!/(2 x^(n+1)) + sum_k B_2k (2k+n-1)! / ((2k)! x^(2k+n))
        tail = math.factorial(n - 1) / work ** n + fact / (2 * work ** (n + 1))
        for k, b in enumerate(_BERNOULLI, start=1):
            tail = tail + b * math.factorial(2 * k + n - 1) / math.factorial(2 * k) / work ** (2 * k + n)
        out += sign * tail
    out = np.where(pole, np.inf if n % 2 == 1 else -np.inf, out)  # the sign from the right
    return np.where(np.isnan(x), np.nan, out)


def _erfinv64(y):
    y = np.array(y, np.float64)
    with np.errstate(all="ignore"):
        # Giles' single-precision approximation as the first guess
        w = -np.log((1 - y) * (1 + y))
        small = w < 5
        ws, wl = w - 2.5, np.sqrt(w) - 3
        ps = 2.81022636e-08
        for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            ps = c + ps * ws
        pl = -0.000200214257
        for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            pl = c + pl * wl
        x = np.where(small, ps, pl) * y
        for _ in range(3):  # Newton on erf(x) = y
            x = x - (_erf64(x) - y) / (2 / math.sqrt(math.pi) * np.exp(-x * x))
    x = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, x))
    return np.where((np.abs(y) > 1) | np.isnan(y), np.nan, x)


class Lgamma(Op):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        with np.errstate(all="ignore"):
            return _lgamma_safe(a).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return (grad * _digamma64(a)).astype(grad.dtype)

    __slots__ = ()


def _lgamma_safe(a):
    x = np.asarray(a, np.float64)
    pole = (x <= 0) & (x == np.floor(x))
    out = _lgamma64(np.where(pole | ~np.isfinite(x), 1.0, x))
    out = np.where(pole | np.isinf(x), np.inf, out)
    return np.where(np.isnan(x), np.nan, out)


class Polygamma(Op):
    @staticmethod
    def forward(ctx, a, n):
        ctx.save_for_backward(a)
        ctx.n = n
        return _polygamma64(n, a).astype(a.dtype)

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return (grad * _polygamma64(ctx.n + 1, a)).astype(grad.dtype), None

    def name(self):
        return "DigammaBackward0" if self.n == 0 else "PolygammaBackward0"

    __slots__ = ("n",)


class Erfinv(Op):
    @staticmethod
    def forward(ctx, a):
        out = _erfinv64(a).astype(a.dtype)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return (grad * (math.sqrt(math.pi) / 2) * np.exp(out.astype(np.float64) ** 2)).astype(grad.dtype)

    __slots__ = ()


def lgamma(input):
    """The natural logarithm of the absolute value of the gamma function (inf at the poles 0,
    -1, -2 ...). Its gradient is ``digamma``.

    Example::

        >>> minigrad.lgamma(minigrad.tensor([0.5, 1., 5.]))
        tensor([0.5724, 0.0000, 3.1781])
    """
    return Lgamma.apply(float_input(input))


def digamma(input):
    """The logarithmic derivative of the gamma function, psi(x) (-inf at 0, NaN at the negative
    integers, as in PyTorch).

    Example::

        >>> minigrad.digamma(minigrad.tensor([1., 0.5]))
        tensor([-0.5772, -1.9635])
    """
    return Polygamma.apply(float_input(input), 0)


def polygamma(n, input):
    """The ``n``-th derivative of ``digamma`` (``n >= 0``).

    Example::

        >>> minigrad.polygamma(1, minigrad.tensor([1.]))
        tensor([1.6449])
    """
    if not isinstance(n, int) or n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return Polygamma.apply(float_input(input), n)


def erfinv(input):
    """The inverse of ``erf`` (±inf at ±1, NaN outside [-1, 1]).

    Example::

        >>> minigrad.erfinv(minigrad.tensor([0., 0.5]))
        tensor([0.0000, 0.4769])
    """
    return Erfinv.apply(float_input(input))


def mvlgamma(input, p):
    """The multivariate log-gamma function of dimension ``p``:
    ``p (p - 1) / 4 * log(pi) + sum_j lgamma(input - j / 2)`` for j = 0 ... p - 1.

    Example::

        >>> minigrad.mvlgamma(minigrad.tensor([2.5, 3.]), 3)
        tensor([1.8810, 2.6949])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = float_input(input)
    out = lgamma(x)
    for j in range(1, p):
        out = out + lgamma(x - j / 2)
    return out + p * (p - 1) / 4 * math.log(math.pi)


def _mvlgamma_method(self, p):
    """``x.mvlgamma(p)``: ``minigrad.mvlgamma(x, p)``.

    Example::

        >>> minigrad.tensor([2.5]).mvlgamma(2)
        tensor([0.8570])
    """
    return mvlgamma(self, p)


def _polygamma_method(self, n):
    """``x.polygamma(n)``: ``minigrad.polygamma(n, x)``.

    Example::

        >>> minigrad.tensor([1.]).polygamma(1)
        tensor([1.6449])
    """
    return polygamma(n, self)


def _sinc(a):
    return np.sinc(a)


def _sinc_derivative(a, out):
    x = np.pi * a
    with np.errstate(all="ignore"):
        d = (np.cos(x) - out) / a
    return np.where(a == 0, 0, d).astype(a.dtype, copy=False)


Sinc = _unary("Sinc", _sinc, _sinc_derivative, "sin(pi x) / (pi x)")


def sinc(input):
    """The normalized sinc function ``sin(pi x) / (pi x)`` (1 at 0).

    Example::

        >>> minigrad.sinc(minigrad.tensor([0., 0.5]))
        tensor([1.0000, 0.6366])
    """
    return Sinc.apply(float_input(input))


def _xlogy_forward(a, b):
    return np.where((a == 0) & ~np.isnan(b), 0, a * np.log(b)).astype(np.result_type(a, b))


def _xlogy_grads(a, b, out):
    return np.where((a == 0) & (b <= 0), 0, np.log(b)), a / b


Xlogy = _binary("Xlogy", _xlogy_forward, _xlogy_grads, "a * log(b), 0 where a == 0")


def xlogy(input, other):
    """``input * log(other)``, 0 where ``input`` is 0 (unless ``other`` is NaN).

    Example::

        >>> minigrad.xlogy(minigrad.tensor([0., 2.]), minigrad.tensor([0., 1.]))
        tensor([0., 0.])
    """
    return Xlogy.apply(*_float_pair(input, other))


# the Tensor methods of this family (installed by tensor_methods.py)
METHODS = {"erf": erf, "erfc": erfc, "lgamma": lgamma, "digamma": digamma, "erfinv": erfinv,
           "mvlgamma": _mvlgamma_method, "polygamma": _polygamma_method, "sinc": sinc,
           "xlogy": xlogy}
