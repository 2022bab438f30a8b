"""The gamma family of special_functions.py against PyTorch: lgamma, digamma, polygamma, erfinv (values over a wide range,
poles, infinities, NaN; gradients; float64 gradchecks)."""
import numpy as np
import pytest

import minigrad
from torch_reference import gradcheck_float64, to_float64
from test_torch_parity import R, check_parity

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
WIDE = np.concatenate([np.linspace(-7.75, 30.25, 77), [1e-6, 0.5, 1., 2., 250.]]).astype(np.float32)
POLES = np.array([0., -1., -3., INF, -INF, NAN], np.float32)

OPS = {
    "lgamma": (lambda L, a: L.lgamma(a), [WIDE]),
    "lgamma-poles": (lambda L, a: a.lgamma(), [POLES]),
    "lgamma-int": (lambda L, a: L.lgamma(a), [np.array([1, 2, 5])]),
    "digamma": (lambda L, a: L.digamma(a), [WIDE]),
    "digamma-poles": (lambda L, a: a.digamma(), [POLES]),
    "polygamma-1": (lambda L, a: L.polygamma(1, a), [WIDE]),
    "polygamma-2": (lambda L, a: a.polygamma(2), [WIDE]),
    "polygamma-3": (lambda L, a: L.polygamma(3, a), [np.abs(WIDE) + 0.1]),
    "erfinv": (lambda L, a: L.erfinv(a), [np.linspace(-0.99, 0.99, 67).astype(np.float32)]),
    "mvlgamma": (lambda L, a: L.mvlgamma(a, 3), [np.abs(WIDE) + 1.1]),
    "mvlgamma-method": (lambda L, a: a.mvlgamma(1), [np.abs(WIDE) + 0.1]),
    "erfinv-edges": (lambda L, a: a.erfinv(), [np.array([-1., 1., 1.5, -2., NAN, 0.], np.float32)]),
}


# PyTorch's own polygamma (through its zeta function) is good to ~1e-10 relative in float64;
# the gradients at the poles are implementation artefacts (huge or infinite), not compared.
NO_GRAD = {"lgamma-poles", "digamma-poles", "erfinv-edges"}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    rg = [False] * len(arrays) if name in NO_GRAD else None
    check_parity(fn, arrays, requires_grad=rg, rtol=1e-5, atol=1e-5)
    check_parity(fn, to_float64(arrays), requires_grad=rg, rtol=1e-8, atol=1e-8)


GRADCHECK = {
    "lgamma": (lambda x: x.lgamma(), [R(3, 4, low=0.3, high=6)]),
    "digamma": (lambda x: x.digamma(), [R(3, 4, low=-3.7, high=-3.3)]),
    "polygamma": (lambda x: minigrad.polygamma(2, x), [R(3, 4, low=0.5, high=4)]),
    "erfinv": (lambda x: x.erfinv(), [R(3, 4, low=-0.9, high=0.9)]),
    "mvlgamma": (lambda x: x.mvlgamma(2), [R(3, 4, low=1.5, high=5)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    assert gradcheck_float64(fn, arrays)


def test_polygamma_negative_order_is_torchs_error():
    errors = []
    for L in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            L.polygamma(-1, L.tensor([1.]))
        errors.append(str(info.value))
    assert errors[0] == errors[1]
