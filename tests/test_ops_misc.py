"""Ops once gathered in misc_more.py (now in floating_point.py, comparison.py, arithmetic.py,
pointwise.py, sorting.py, histograms.py, statistics.py, products.py, joining.py) against PyTorch: isposinf/isneginf/signbit, fmax/fmin, float_power, heaviside,
searchsorted/bucketize, bincount, histc, kthvalue, quantile/nanquantile, cross,
unique_consecutive, cartesian_prod, block_diag: values, dtypes, gradients, errors."""
import warnings

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error, gradcheck_float64, to_float64
from test_torch_parity import R, check_parity

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
SPECIAL = np.array([1., -0., 0., INF, -INF, NAN, -2.], np.float32)

OPS = {
    "isposinf": (lambda L, a: L.isposinf(a), [SPECIAL]),
    "isneginf": (lambda L, a: a.isneginf(), [SPECIAL]),
    "isposinf-int": (lambda L, a: L.isposinf(a), [np.array([1, 2])]),
    "signbit": (lambda L, a: L.signbit(a), [SPECIAL]),
    "fmax": (lambda L, a, b: L.fmax(a, b), [np.array([1., NAN, NAN, 2., 3.], np.float32),
                                            np.array([NAN, 2., NAN, 2., 1.], np.float32)]),
    "fmin": (lambda L, a, b: a.fmin(b), [R(3, 4), R(4)]),
    "fmax-int": (lambda L, a, b: L.fmax(a, b), [np.array([1, 5]), np.array([3, 2])]),
    "float_power": (lambda L, a: L.float_power(a, 2), [np.array([2, 3])]),
    "float_power-tensor": (lambda L, a, b: a.float_power(b), [R(3) + 3, R(3)]),
    "heaviside": (lambda L, a, v: L.heaviside(a, v),
                  [np.array([-1., 0., 2.], np.float32), np.array([0.5], np.float32)]),
    "searchsorted": (lambda L, s, v: L.searchsorted(s, v), [np.array([1, 3, 5]), np.array([3, 6, 0])]),
    "searchsorted-right": (lambda L, s, v: L.searchsorted(s, v, right=True),
                           [np.array([1., 3., 5.], np.float32), np.array([[3., 6.]], np.float32)]),
    "searchsorted-side-2d": (lambda L, s, v: L.searchsorted(s, v, side="right", out_int32=True),
                             [np.array([[1, 3, 5], [2, 4, 6]]), np.array([[3], [7]])]),
    "bucketize": (lambda L, v, b: L.bucketize(v, b), [np.array([3, 6, 1]), np.array([1, 3, 5])]),
    "bucketize-right": (lambda L, v, b: L.bucketize(v, b, right=True), [np.array([3, 6, 1]), np.array([1, 3, 5])]),
    "bincount": (lambda L, a: L.bincount(a, minlength=6), [np.array([0, 1, 1, 3])]),
    "bincount-weights": (lambda L, a, w: a.bincount(w), [np.array([0, 1, 1]), np.array([0.5, 1., 2.], np.float32)]),
    "histc": (lambda L, a: L.histc(a, bins=4, min=0, max=3), [np.array([1., 2., 1., 3., -1.], np.float32)]),
    "histc-range": (lambda L, a: a.histc(bins=5), [R(20)]),
    "histc-constant": (lambda L, a: L.histc(a, bins=3), [np.array([2., 2.], np.float32)]),
    "kthvalue": (lambda L, a: L.kthvalue(a, 2), [R(3, 5)]),
    "kthvalue-dim-keepdim": (lambda L, a: a.kthvalue(3, dim=0, keepdim=True), [R(4, 3)]),
    "quantile": (lambda L, a: L.quantile(a, 0.4), [R(3, 5)]),
    "quantile-dim-tensor-q": (lambda L, a, q: L.quantile(a, q, dim=1, keepdim=True),
                              [R(3, 5), np.array([0.25, 0.5, 1.0], np.float32)]),
    "quantile-lower": (lambda L, a: a.quantile(0.3, dim=0, interpolation="lower"), [R(5, 3)]),
    "quantile-higher": (lambda L, a: a.quantile(0.3, interpolation="higher"), [R(5, 3)]),
    "quantile-midpoint": (lambda L, a: a.quantile(0.3, 1, interpolation="midpoint"), [R(5, 3)]),
    "quantile-nearest": (lambda L, a: a.quantile(0.5, interpolation="nearest"), [R(6)]),
    "quantile-keepdim-all": (lambda L, a: L.quantile(a, 0.5, keepdim=True), [R(2, 3)]),
    "quantile-nan": (lambda L, a: L.quantile(a, 0.5, dim=1), [np.array([[1., NAN, 3.], [1., 2., 3.]], np.float32)]),
    "nanquantile": (lambda L, a: L.nanquantile(a, 0.5, dim=1),
                    [np.array([[1., NAN, 3.], [1., 2., 4.], [NAN, NAN, NAN]], np.float32)]),
    "cross": (lambda L, a, b: L.cross(a, b, dim=1), [R(4, 3), R(4, 3)]),
    "cross-broadcast": (lambda L, a, b: a.cross(b, dim=-1), [R(2, 1, 3), R(1, 4, 3)]),
    "unique_consecutive": (lambda L, a: L.unique_consecutive(a, return_inverse=True, return_counts=True),
                           [np.array([1, 1, 2, 2, 1, 3, 3])]),
    "unique_consecutive-dim": (lambda L, a: a.unique_consecutive(dim=0, return_counts=True),
                               [np.array([[1, 2], [1, 2], [3, 4], [1, 2]])]),
    "cartesian_prod": (lambda L, a, b: L.cartesian_prod(a, b), [R(2), R(3)]),
    "cartesian_prod-3": (lambda L, a, b, c: L.cartesian_prod(a, b, c), [np.array([1, 2]), np.array([3]), np.array([4, 5])]),
    "block_diag": (lambda L, a, b, c: L.block_diag(a, b, c), [R(2, 3), R(3), R()]),
    "block_diag-dtypes": (lambda L, a, b: L.block_diag(a, b), [np.array([[1, 2]]), R(1, 1, dtype=np.float64)]),
}


# not differentiable: PyTorch marks the result requires_grad (its backward raises); minigrad's
# result does not require grad
NO_GRAD = {"heaviside", "bincount-weights"}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    rg = [False] * len(arrays) if name in NO_GRAD else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch's deprecation notices
        check_parity(fn, arrays, requires_grad=rg)
        check_parity(fn, to_float64(arrays), requires_grad=rg)


GRADCHECK = {
    "fmax": (lambda a, b: minigrad.fmax(a, b), [R(3, 4), R(4)]),
    "float_power": (lambda a, b: minigrad.float_power(a, b), [R(3) + 3, R(3)]),
    "kthvalue": (lambda x: x.kthvalue(2, 1).values, [R(3, 5)]),
    "quantile": (lambda x: minigrad.quantile(x, minigrad.tensor([0.3, 0.8], dtype=minigrad.float64), dim=1), [R(3, 5)]),
    "nanquantile": (lambda x: x.nanquantile(0.4), [R(3, 5)]),
    "cross": (lambda a, b: minigrad.cross(a, b, dim=0), [R(3, 2), R(3, 2)]),
    "block_diag": (lambda a, b: minigrad.block_diag(a, b), [R(2, 3), R(2)]),
    "cartesian_prod": (lambda a, b: minigrad.cartesian_prod(a, b), [R(2), R(3)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    assert gradcheck_float64(fn, arrays)


ERRORS = {
    "heaviside-dtypes": "L.heaviside(L.tensor([-1., 0.]), L.tensor([1]))",
    "bincount-negative": "L.bincount(L.tensor([-1]))",
    "bincount-2d": "L.bincount(L.tensor([[1]]))",
    "kthvalue-k": "L.kthvalue(L.tensor([3., 1., 2.]), 4)",
    "quantile-int": "L.quantile(L.tensor([1, 2]), 0.5)",
    "quantile-q": "L.quantile(L.tensor([1., 2.]), 1.5)",
    "quantile-interpolation": "L.quantile(L.tensor([1., 2.]), 0.5, interpolation='cubic')",
    "cross-size": "L.cross(L.ones(2, 3), L.ones(2, 2), dim=1)",
    "cross-ndim": "L.cross(L.ones(2, 3), L.ones(3), dim=-1)",
    "histc-int": "L.histc(L.tensor([1, 2]))",
    "searchsorted-side": "L.searchsorted(L.tensor([1, 2]), L.tensor([1]), side='middle')",
    "bucketize-2d": "L.bucketize(L.tensor([1]), L.tensor([[1, 2]]))",
    "block_diag-3d": "L.block_diag(L.ones(1, 1, 1))",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message(name):
    assert_same_error(torch, ERRORS[name])
