"""trigonometric.py, special_functions.py (erf, xlogy), activation.py (logit) and pointwise.py
(logaddexp) against PyTorch: inverse/hyperbolic trigonometry, erf/erfc, logit, atan2, hypot,
logaddexp, xlogy and the aliases; values, dtypes, gradients, float64 gradchecks, in place."""
import warnings

import numpy as np
import pytest

import minigrad
from torch_reference import check_parity_float32_and_64, gradcheck_float64, warnings_from_quiet_ops
from test_torch_parity import P, R, assert_same

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
U = R(3, 4, low=-0.9, high=0.9)  # inside (-1, 1)
G1 = P(3, 4) + 0.6  # above 1

OPS = {
    "asin": (lambda L, a: L.asin(a), [U]),
    "acos": (lambda L, a: a.acos(), [U]),
    "atan": (lambda L, a: L.atan(a), [R(3, 4)]),
    "arcsin": (lambda L, a: L.arcsin(a), [U]),
    "arctan": (lambda L, a: a.arctan(), [R(3, 4)]),
    "sinh": (lambda L, a: L.sinh(a), [R(3, 4)]),
    "cosh": (lambda L, a: a.cosh(), [R(3, 4)]),
    "asinh": (lambda L, a: L.asinh(a), [R(3, 4)]),
    "acosh": (lambda L, a: L.acosh(a), [G1]),
    "atanh": (lambda L, a: a.atanh(), [U]),
    "erf": (lambda L, a: L.erf(a), [R(3, 4)]),
    "erfc": (lambda L, a: a.erfc(), [R(3, 4) * 3]),
    "erf-int": (lambda L, a: L.erf(a), [np.array([0, 1, -2])]),
    "logit": (lambda L, a: L.logit(a), [R(3, 4, low=0.05, high=0.95)]),
    "logit-eps": (lambda L, a: a.logit(eps=0.2), [R(3, 4, low=0.01, high=0.99)]),
    "deg2rad": (lambda L, a: L.deg2rad(a), [R(3, 4) * 90]),
    "rad2deg": (lambda L, a: a.rad2deg(), [R(3, 4)]),
    "atan2": (lambda L, a, b: L.atan2(a, b), [R(3, 4), R(4)]),
    "arctan2-0d": (lambda L, a, b: a.arctan2(b), [R(3, 4), R()]),
    "atan2-int": (lambda L, a, b: L.atan2(a, b), [np.array([1, -2]), np.array([3, 4])]),
    "hypot": (lambda L, a, b: L.hypot(a, b), [R(3, 4), R(3, 1)]),
    "logaddexp": (lambda L, a, b: L.logaddexp(a, b), [R(3, 4) * 50, R(4) * 50]),
    "logaddexp-inf": (lambda L, a, b: L.logaddexp(a, b),
                      [np.array([-INF, 1., INF], np.float32), np.array([0., -INF, 1.], np.float32)]),
    "logaddexp2-inf": (lambda L, a, b: L.logaddexp2(a, b),
                       [np.array([-INF, 1., INF], np.float32), np.array([0., -INF, 1.], np.float32)]),
    "logaddexp2": (lambda L, a, b: a.logaddexp2(b), [R(3, 4), R(3, 4)]),
    "xlogy": (lambda L, a, b: L.xlogy(a, b), [np.array([0., 1., 2., 0.], np.float32),
                                               np.array([0., 2., 3., NAN], np.float32)]),
    "xlogy-scalar": (lambda L, a: a.xlogy(2.0), [R(3, 4)]),
    "absolute": (lambda L, a: L.absolute(a), [R(3, 4)]),
    "negative": (lambda L, a: a.negative(), [R(3, 4)]),
    "positive": (lambda L, a: L.positive(a), [R(3, 4)]),
    "sgn": (lambda L, a: a.sgn(), [np.array([-2, 0, 3])]),
    "true_divide": (lambda L, a: L.true_divide(a, 2), [np.array([1, 3])]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    check_parity_float32_and_64(fn, arrays)


GRADCHECK = {
    "asin": (lambda x: x.asin(), [U]), "acos": (lambda x: x.acos(), [U]),
    "atan": (lambda x: x.atan(), [R(3, 4)]), "sinh": (lambda x: x.sinh(), [R(3, 4)]),
    "cosh": (lambda x: x.cosh(), [R(3, 4)]), "asinh": (lambda x: x.asinh(), [R(3, 4)]),
    "acosh": (lambda x: x.acosh(), [G1]), "atanh": (lambda x: x.atanh(), [U]),
    "erf": (lambda x: x.erf(), [R(3, 4)]), "erfc": (lambda x: x.erfc(), [R(3, 4)]),
    "logit": (lambda x: x.logit(), [R(3, 4, low=0.05, high=0.95)]),
    "deg2rad": (lambda x: x.deg2rad(), [R(3, 4)]),
    "atan2": (lambda a, b: minigrad.atan2(a, b), [R(3, 4), P(4)]),
    "hypot": (lambda a, b: minigrad.hypot(a, b), [R(3, 4), P(3, 1)]),
    "logaddexp": (lambda a, b: minigrad.logaddexp(a, b), [R(3, 4), R(4)]),
    "logaddexp2": (lambda a, b: minigrad.logaddexp2(a, b), [R(3, 4), R(4)]),
    "xlogy": (lambda a, b: minigrad.xlogy(a, b), [R(3, 4), P(4)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    assert gradcheck_float64(fn, arrays)


INPLACE = {"asin_": (), "acos_": (), "atan_": (), "sinh_": (), "cosh_": (), "asinh_": (),
           "atanh_": (), "arcsin_": (), "erf_": (), "erfc_": (), "logit_": (), "deg2rad_": (),
           "rad2deg_": (), "negative_": (), "absolute_": (), "sgn_": (), "atan2_": ("T",),
           "hypot_": ("T",), "xlogy_": (3.0,)}


def _args(L, spec):
    return [L.tensor(P(3, 4, seed=5)) if a == "T" else a for a in spec]


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_matches_torch(name):
    array = R(3, 4, low=0.1, high=0.9)
    mx, tx = minigrad.tensor(array), torch.tensor(array)
    assert getattr(mx, name)(*_args(minigrad, INPLACE[name])) is mx
    getattr(tx, name)(*_args(torch, INPLACE[name]))
    assert_same(mx, tx)
    errors = []
    for L in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            getattr(L.tensor(array, requires_grad=True), name)(*_args(L, INPLACE[name]))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_inplace_on_integer_tensor_is_torchs_error():
    errors = []
    for L in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            L.tensor([1, 2]).asin_()
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_positive_of_bool_is_torchs_error():
    errors = []
    for L in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            L.positive(L.tensor([True]))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_no_numpy_warnings():
    # recorded, not raised: an error would be caught by Op.apply, which reruns the forward.
    # (The older ops, e.g. the sums and divisions inside lerp/addcdiv, rely on minigrad's
    # warnings filter instead; these modules silence numpy themselves.)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = minigrad.tensor([0., -1., 1., 2., INF, -INF, NAN], requires_grad=True)
        outs = [x.asin(), x.acos(), x.atanh(), x.acosh(), x.logit(), x.erf(), x.sinh(), x.cosh(),
                minigrad.atan2(x, x), minigrad.hypot(x, x), minigrad.logaddexp(x, x),
                minigrad.logaddexp2(x, x), minigrad.xlogy(x, x), x.logit(eps=0.1)]
        minigrad.autograd.backward([o.sum() for o in outs])
    assert warnings_from_quiet_ops(caught) == []
