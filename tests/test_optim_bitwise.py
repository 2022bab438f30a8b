"""Optimizer updates against PyTorch's single-tensor implementations (foreach=False) in float64:
SGD bit for bit over 50 steps; Adam/AdamW within a few ulps (PyTorch's float64 sqrt is not
correctly rounded on every CPU, numpy's is). The gradients are computed in numpy from the current
parameters, so that only the optimizers' arithmetic is compared."""
import itertools
from fractions import Fraction

import numpy as np
import pytest

import minigrad
from minigrad.optim._fma import fma

torch = pytest.importorskip("torch")

SGD_CASES = [dict(lr=0.05, momentum=m, dampening=d, weight_decay=wd, nesterov=n, maximize=mx)
             for m, d, wd, n, mx in itertools.product([0, 0.9], [0, 0.3], [0, 0.01], [False, True],
                                                       [False, True])
             if not (n and (m == 0 or d != 0))]
ADAM_CASES = [dict(lr=0.01, betas=betas, weight_decay=wd, amsgrad=ams, maximize=mx, eps=eps)
              for betas, wd, ams, mx, eps in itertools.product(
                  [(0.9, 0.99), (0.3, 0.999)], [0, 0.05], [False, True], [False, True], [1e-8, 1e-3])]


def _trajectory(lib, name, kwargs, steps=50):
    starts = [np.linspace(-1.3, 1.1, 37), np.linspace(0.5, -0.7, 5).reshape(5, 1)]
    params = [lib.tensor(a.copy(), requires_grad=True) for a in starts]
    extra = {"foreach": False} if lib is torch else {}
    opt = getattr(lib.optim, name)(params, **kwargs, **extra)
    out = []
    for step in range(steps):
        for p in params:
            a = p.detach().numpy()
            g = np.sin(3 * a) + 0.1 * a + 0.01 * step
            p.grad = lib.tensor(-g if kwargs.get("maximize") else g)
        opt.step()
        out.append(np.concatenate([p.detach().numpy().ravel().copy() for p in params]))
    return np.array(out)


def _torch_fuses_multiply_add():
    """Whether this PyTorch build computes ``add(x, alpha=a)`` with one rounding (its vectorised
    CPU kernels on x86-64 with AVX2/AVX-512 do); minigrad reproduces that behaviour."""
    a = np.linspace(0.1, 1.9, 4099)
    b = np.linspace(-1.3, 2.7, 4099)
    fused = torch.tensor(a).add(torch.tensor(b), alpha=0.7).numpy()
    return np.array_equal(fused, fma(0.7, b, a)) and not np.array_equal(fused, a + 0.7 * b)


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_float64_bit_for_bit(kwargs):
    if not _torch_fuses_multiply_add():
        pytest.skip("this PyTorch build does not fuse multiply-adds: its rounding is numpy's")
    np.testing.assert_array_equal(_trajectory(minigrad, "SGD", kwargs), _trajectory(torch, "SGD", kwargs))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_float64_within_ulps(name, kwargs):
    ours = _trajectory(minigrad, name, kwargs)
    theirs = _trajectory(torch, name, kwargs)
    # identical operation order and fused multiply-adds; what remains is PyTorch's vectorised
    # sqrt, which can be 1 ulp off the correctly rounded value that numpy returns
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_max_ulp(ours[0], theirs[0], maxulp=1)  # the first step: one sqrt apart


def test_fma_is_correctly_rounded():
    rng = np.random.default_rng(0)
    n = 4000
    a = rng.standard_normal(n) * 2.0 ** rng.integers(-20, 20, n)
    b = rng.standard_normal(n) * 2.0 ** rng.integers(-20, 20, n)
    c = rng.standard_normal(n) * 2.0 ** rng.integers(-40, 40, n)
    c[:1000] = -(a[:1000] * b[:1000])  # the result is the product's rounding error
    c[1000:2000] = np.nextafter(c[:1000], 1.0)
    got = fma(a, b, c)
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)]
    np.testing.assert_array_equal(got, exact)
    assert (got != a * b + c).any()  # the cases do exercise the single rounding
    f32 = fma(np.float32(0.1), a.astype(np.float32), c.astype(np.float32))
    assert f32.dtype == np.float32
    if _torch_fuses_multiply_add():
        ref = torch.tensor(c.astype(np.float32)).add(torch.tensor(a.astype(np.float32)), alpha=0.1)
        np.testing.assert_array_equal(f32, ref.numpy())
    assert np.isnan(fma(np.inf, 0.0, 1.0)) and fma(np.inf, 1.0, 1.0) == np.inf
