"""scatter_views.py against PyTorch: Tensor.unfold, select_scatter, slice_scatter, index_put."""

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error
from minigrad.autograd import gradcheck
from test_torch_parity import R, assert_same, check_parity

torch = pytest.importorskip("torch")

OPS = {
    "unfold": (lambda L, a: a.unfold(0, 3, 2), [R(7)]),
    "unfold-2d": (lambda L, a: a.unfold(1, 2, 1), [R(3, 4)]),
    "unfold-dim0-3d": (lambda L, a: a.unfold(0, 2, 3), [R(5, 2, 3)]),
    "unfold-0d": (lambda L, a: a.unfold(0, 1, 1), [R()]),
    "select_scatter": (lambda L, a, s: L.select_scatter(a, s, 0, 1), [R(2, 3), R(3)]),
    "select_scatter-neg": (lambda L, a, s: a.select_scatter(s, -1, -2), [R(2, 3), R(2)]),
    "slice_scatter": (lambda L, a, s: L.slice_scatter(a, s, 0, 1, None, 2), [R(4, 2), R(2, 2)]),
    "slice_scatter-dim1": (lambda L, a, s: a.slice_scatter(s, dim=1, start=-3), [R(2, 5), R(2, 3)]),
    "index_put": (lambda L, a, v: L.index_put(a, (L.tensor([0, 2]), L.tensor([1, 0])), v), [R(3, 2), R(2)]),
    "index_put-accumulate": (lambda L, a, v: a.index_put((L.tensor([0, 0, -1]),), v, accumulate=True),
                             [R(3, 2), R(3, 2)]),
    "index_put-broadcast": (lambda L, a, v: L.index_put(a, (L.tensor([[0], [2]]), L.tensor([1, 0])), v),
                            [R(3, 2, 4), R(4)]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    check_parity(fn, arrays)
    check_parity(fn, [a.astype(np.float64) for a in arrays])


def test_gradcheck_float64():
    x = minigrad.tensor(R(3, 5).astype(np.float64), requires_grad=True)
    s = minigrad.tensor(R(3, 2).astype(np.float64), requires_grad=True)
    assert gradcheck(lambda t: t.unfold(1, 3, 1), (x,))
    assert gradcheck(lambda t, u: minigrad.slice_scatter(t, u, 1, 0, 4, 2), (x, s))
    assert gradcheck(lambda t, u: t.index_put((minigrad.tensor([0, 0]), minigrad.tensor([1, 1])),
                                              u[0], accumulate=True), (x, s))


def test_index_put_inplace_matches_torch():
    a = R(3, 2)
    m, t = minigrad.tensor(a), torch.tensor(a)
    assert m.index_put_((minigrad.tensor([1]),), minigrad.tensor(5.)) is m
    t.index_put_((torch.tensor([1]),), torch.tensor(5.))
    assert_same(m, t)


ERRORS = {
    "unfold-size": "L.arange(7.).unfold(0, 8, 1)",
    "unfold-step": "L.arange(7.).unfold(0, 3, 0)",
    "select_scatter-size": "L.select_scatter(L.zeros(2, 3), L.ones(2), 0, 1)",
    "slice_scatter-size": "L.slice_scatter(L.zeros(4, 2), L.ones(3, 2), 0, 1, None, 2)",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message(name):
    assert_same_error(torch, ERRORS[name])
