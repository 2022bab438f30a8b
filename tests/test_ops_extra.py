"""Ops once gathered in extra.py (now in statistics.py, special_functions.py, floating_point.py,
products.py, diagonals.py, scatter_views.py, norms.py, cumulative.py, creation.py) against
PyTorch: mode, nanmedian, sinc, copysign, vdot, addr, diag_embed, diagflat,
fill_diagonal_, masked_scatter, dist, cdist, cov, corrcoef, trapezoid, logspace."""

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error, check_parity_float32_and_64, gradcheck_float64
from test_torch_parity import R, assert_same

torch = pytest.importorskip("torch")

NAN = float("nan")

OPS = {
    "mode": (lambda L, a: L.mode(a), [np.array([3., 1., 1., 3., 2.], np.float32)]),
    "mode-dim": (lambda L, a: a.mode(0, keepdim=True), [np.array([[1, 2], [1, 3], [2, 3], [2, 2]])]),
    "mode-float-grad": (lambda L, a: L.mode(a, 1), [np.array([[1., 2., 2., 3.], [4., 4., 5., 5.]], np.float32)]),
    "nanmedian": (lambda L, a: L.nanmedian(a), [np.array([1., NAN, 2., 3.], np.float32)]),
    "nanmedian-dim": (lambda L, a: a.nanmedian(1),
                      [np.array([[1., NAN, 2., 5.], [NAN, 3., NAN, 7.], [4., 3., 2., 1.]], np.float32)]),
    "nanmedian-all-nan": (lambda L, a: a.nanmedian(), [np.array([NAN, NAN], np.float32)]),
    "sinc": (lambda L, a: L.sinc(a), [np.array([0., 0.5, -1.5, 2.25], np.float32)]),
    "copysign": (lambda L, a, b: L.copysign(a, b), [R(3, 4), R(4)]),
    "copysign-scalar": (lambda L, a: a.copysign(-1.), [np.array([1., -2., 0.], np.float32)]),
    "copysign-int": (lambda L, a, b: L.copysign(a, b), [np.array([1, 2]), np.array([-1, 1])]),
    "vdot": (lambda L, a, b: L.vdot(a, b), [R(4), R(4)]),
    "addr": (lambda L, a, b, c: L.addr(a, b, c, beta=0.5, alpha=2), [R(3, 4), R(3), R(4)]),
    "diag_embed": (lambda L, a: L.diag_embed(a), [R(2, 3)]),
    "diag_embed-offset-dims": (lambda L, a: a.diag_embed(offset=-1, dim1=0, dim2=2), [R(2, 3)]),
    "diagflat": (lambda L, a: L.diagflat(a, 1), [R(2, 2)]),
    "masked_scatter": (lambda L, a, s: a.masked_scatter(a > 0, s), [R(3, 4), R(12)]),
    "masked_scatter-broadcast": (lambda L, a, s: L.masked_scatter(a, L.tensor([True, False, True, False]), s),
                                 [R(3, 4), R(2, 4)]),
    "dist": (lambda L, a, b: L.dist(a, b), [R(3, 4), R(4)]),
    "dist-p": (lambda L, a, b: a.dist(b, 3), [R(3, 4), R(3, 4)]),
    "cdist": (lambda L, a, b: L.cdist(a, b), [R(3, 4), R(5, 4)]),
    "cdist-p1-batch": (lambda L, a, b: L.cdist(a, b, p=1), [R(2, 3, 4), R(2, 5, 4)]),
    "cov": (lambda L, a: L.cov(a), [R(3, 6)]),
    "cov-1d-correction": (lambda L, a: L.cov(a, correction=0), [R(6)]),
    "corrcoef": (lambda L, a: L.corrcoef(a), [R(3, 6)]),
    "trapezoid": (lambda L, a: L.trapezoid(a), [R(3, 5)]),
    "trapezoid-x": (lambda L, y, x: L.trapezoid(y, x, dim=0), [R(5, 3), np.sort(R(5))]),
    "trapz-dx": (lambda L, y: L.trapz(y, dx=0.5), [R(3, 5)]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    check_parity_float32_and_64(fn, arrays)


GRADCHECK = {
    "sinc": (lambda x: x.sinc(), [R(3, 4)]),
    "copysign": (lambda a, b: minigrad.copysign(a, b), [R(3, 4), R(4)]),
    "diag_embed": (lambda x: minigrad.diag_embed(x, 1), [R(2, 3)]),
    "masked_scatter": (lambda a, s: a.masked_scatter(minigrad.tensor([True, False, True]), s), [R(2, 3), R(5)]),
    "cdist": (lambda a, b: minigrad.cdist(a, b), [R(3, 2), R(4, 2)]),
    "cov": (lambda x: minigrad.cov(x), [R(2, 5)]),
    "corrcoef": (lambda x: minigrad.corrcoef(x), [R(2, 5)]),
    "nanmedian": (lambda x: x.nanmedian(), [R(2, 5)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    assert gradcheck_float64(fn, arrays)


@pytest.mark.parametrize("shape,wrap", [((2, 3), False), ((3, 2), False), ((7, 3), True),
                                        ((7, 3), False), ((3, 3, 3), False)])
def test_fill_diagonal_matches_torch(shape, wrap):
    a = R(*shape)
    m, t = minigrad.tensor(a), torch.tensor(a)
    assert m.fill_diagonal_(5., wrap=wrap) is m
    t.fill_diagonal_(5., wrap=wrap)
    assert_same(m, t)
    # with autograd: the filled positions get no gradient
    ml, tl = minigrad.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    my, ty = ml * 2, tl * 2
    my.fill_diagonal_(1., wrap=wrap)
    ty.fill_diagonal_(1., wrap=wrap)
    my.sum().backward()
    ty.sum().backward()
    assert_same(ml.grad, tl.grad)


@pytest.mark.parametrize("args", [(0, 2, 3), (1, -1, 5), (0, 3, 4, 2.0)])
def test_logspace_matches_torch(args):
    assert_same(minigrad.logspace(*args), torch.logspace(*args))
    assert_same(minigrad.logspace(*args, dtype=minigrad.float64),
                torch.logspace(*args, dtype=torch.float64))


ERRORS = {
    "fill_diagonal-1d": "L.zeros(3).fill_diagonal_(1)",
    "fill_diagonal-unequal": "L.zeros(2, 3, 3).fill_diagonal_(1)",
    "fill_diagonal-leaf": "L.zeros(2, 2, requires_grad=True).fill_diagonal_(1)",
    "masked_scatter-short": "L.zeros(4).masked_scatter(L.tensor([True, True, True, False]), L.ones(2))",
    "cdist-columns": "L.cdist(L.ones(2, 3), L.ones(2, 4))",
    "cdist-1d": "L.cdist(L.ones(3), L.ones(2, 3))",
    "cov-3d": "L.cov(L.ones(2, 2, 2))",
    "diag_embed-dims": "L.diag_embed(L.ones(2), 0, 1, 1)",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message(name):
    assert_same_error(torch, ERRORS[name])
