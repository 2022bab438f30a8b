"""Ops once gathered in matrix_more.py (now in diagonals.py, products.py, permutation.py,
rearrange.py, slicing.py, index_rows.py, cumulative.py, joining.py, masking.py, sorting.py)
against PyTorch: diagonal/diag/trace, outer/inner/tensordot/kron,
addmm-family, swap/flip/rotate views, select/take, tensor_split and friends, diff, meshgrid,
triangle indices, argwhere, isin: values, dtypes, gradients and errors."""

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error, check_parity_float32_and_64, gradcheck_float64
from test_torch_parity import R

torch = pytest.importorskip("torch")

OPS = {
    "diagonal": (lambda L, a: L.diagonal(a), [R(3, 4)]),
    "diagonal-offset": (lambda L, a: a.diagonal(1), [R(3, 4)]),
    "diagonal-negative": (lambda L, a: a.diagonal(-2), [R(3, 4)]),
    "diagonal-dims": (lambda L, a: L.diagonal(a, 0, 2, 0), [R(3, 2, 4)]),
    "diagonal-empty": (lambda L, a: a.diagonal(5), [R(3, 4)]),
    "diag-1d": (lambda L, a: L.diag(a), [R(3)]),
    "diag-1d-offset": (lambda L, a: L.diag(a, -1), [R(3)]),
    "diag-2d": (lambda L, a: a.diag(1), [R(3, 4)]),
    "diag-int": (lambda L, a: L.diag(a, 2), [np.array([1, 2])]),
    "trace": (lambda L, a: L.trace(a), [R(3, 4)]),
    "trace-int": (lambda L, a: a.trace(), [np.arange(6).reshape(2, 3)]),
    "outer": (lambda L, a, b: L.outer(a, b), [R(3), R(4)]),
    "ger": (lambda L, a, b: a.ger(b), [R(3), R(4)]),
    "inner": (lambda L, a, b: L.inner(a, b), [R(2, 3), R(4, 3)]),
    "inner-0d": (lambda L, a, b: L.inner(a, b), [R(), R(4, 3)]),
    "tensordot-int": (lambda L, a, b: L.tensordot(a, b, dims=1), [R(2, 3), R(3, 4)]),
    "tensordot-lists": (lambda L, a, b: L.tensordot(a, b, dims=([0, 1], [1, 0])), [R(2, 3), R(3, 2)]),
    "tensordot-default": (lambda L, a, b: L.tensordot(a, b), [R(2, 3, 4), R(3, 4, 5)]),
    "kron": (lambda L, a, b: L.kron(a, b), [R(2, 2), R(1, 3)]),
    "kron-ndim": (lambda L, a, b: a.kron(b), [R(2), R(2, 3)]),
    "addmm": (lambda L, a, b, c: L.addmm(a, b, c, beta=0.5, alpha=2), [R(2, 1), R(2, 3), R(3, 4)]),
    "addmm-beta0": (lambda L, a, b, c: L.addmm(a, b, c, beta=0),
                    [np.full((2, 4), np.nan, np.float32), R(2, 3), R(3, 4)]),
    "addmv": (lambda L, a, b, c: a.addmv(b, c, alpha=-1), [R(2), R(2, 3), R(3)]),
    "baddbmm": (lambda L, a, b, c: L.baddbmm(a, b, c, beta=2), [R(2, 1, 4), R(2, 3, 5), R(2, 5, 4)]),
    "addbmm": (lambda L, a, b, c: L.addbmm(a, b, c), [R(3, 4), R(2, 3, 5), R(2, 5, 4)]),
    "swapaxes": (lambda L, a: L.swapaxes(a, 0, -1), [R(2, 3, 4)]),
    "swapdims": (lambda L, a: a.swapdims(1, 2), [R(2, 3, 4)]),
    "ravel": (lambda L, a: a.t().ravel(), [R(2, 3)]),
    "fliplr": (lambda L, a: L.fliplr(a), [R(2, 3)]),
    "flipud": (lambda L, a: a.flipud(), [R(2, 3)]),
    "rot90": (lambda L, a: L.rot90(a), [R(2, 3)]),
    "rot90-k": (lambda L, a: a.rot90(2, [1, 0]), [R(2, 3)]),
    "rot90-negative": (lambda L, a: L.rot90(a, -1, (0, 2)), [R(2, 3, 4)]),
    "rot90-zero": (lambda L, a: L.rot90(a, 4), [R(2, 3)]),
    "select": (lambda L, a: L.select(a, 1, -1), [R(2, 3)]),
    "take": (lambda L, a, i: L.take(a, i), [R(2, 3), np.array([[5, 0], [-1, 2]])]),
    "tensor_split-n": (lambda L, a: L.tensor_split(a, 3), [R(7, 2)]),
    "tensor_split-indices": (lambda L, a: a.tensor_split([1, 5, 2], dim=1), [R(2, 7)]),
    "hsplit": (lambda L, a: L.hsplit(a, 2), [R(3, 4)]),
    "hsplit-1d": (lambda L, a: a.hsplit([1]), [R(4)]),
    "vsplit": (lambda L, a: L.vsplit(a, [1, 2]), [R(3, 4)]),
    "dsplit": (lambda L, a: L.dsplit(a, 2), [R(1, 2, 4)]),
    "diff": (lambda L, a: L.diff(a), [R(3, 4)]),
    "diff-n-dim": (lambda L, a: a.diff(n=2, dim=0), [R(4, 3)]),
    "diff-prepend": (lambda L, a, b: L.diff(a, prepend=b), [R(3, 4), R(3, 1)]),
    "diff-int": (lambda L, a: L.diff(a, n=2), [np.array([1, 3, 6, 10])]),
    "diff-bool": (lambda L, a: L.diff(a), [np.array([True, True, False])]),
    "meshgrid-ij": (lambda L, a, b: L.meshgrid(a, b, indexing="ij"), [R(2), R(3)]),
    "meshgrid-xy": (lambda L, a, b, c: L.meshgrid([a, b, c], indexing="xy"), [R(2), R(3), R(4)]),
    "argwhere": (lambda L, a: L.argwhere(a), [np.array([[0, 1], [2, 0]])]),
    "isin": (lambda L, a, b: L.isin(a, b), [np.array([1, 2, 3]), np.array([2, 5])]),
    "isin-invert": (lambda L, a, b: L.isin(a, b, invert=True), [np.array([[1, 2], [3, 4]]), np.array([4])]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    check_parity_float32_and_64(fn, arrays)


@pytest.mark.parametrize("args", [(3, 3), (3, 3, -1), (2, 4, 1), (4, 2, -2), (0, 3), (3, 3, 5)])
@pytest.mark.parametrize("which", ["tril_indices", "triu_indices"])
def test_triangle_indices_match_torch(which, args):
    m, t = getattr(minigrad, which)(*args), getattr(torch, which)(*args)
    assert m.tolist() == t.tolist() and str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(m.shape) == tuple(t.shape)


GRADCHECK = {
    "diagonal": (lambda x: x.diagonal(-1), [R(3, 4)]),
    "diag": (lambda x: minigrad.diag(x, 1), [R(3)]),
    "trace": (lambda x: x.trace(), [R(3, 3)]),
    "tensordot": (lambda a, b: minigrad.tensordot(a, b, ([1, 0], [0, 2])), [R(2, 3, 2), R(3, 4, 2)]),
    "kron": (lambda a, b: minigrad.kron(a, b), [R(2, 2), R(3, 1)]),
    "addmm": (lambda a, b, c: minigrad.addmm(a, b, c, beta=0.5, alpha=3), [R(2, 4), R(2, 3), R(3, 4)]),
    "rot90": (lambda x: x.rot90(3), [R(2, 3)]),
    "take": (lambda x: minigrad.take(x, minigrad.tensor([1, 1, -1])), [R(2, 3)]),
    "diff": (lambda x: x.diff(n=2), [R(2, 5)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    assert gradcheck_float64(fn, arrays)


ERRORS = {
    "diag-3d": "L.diag(L.ones(2, 2, 2))",
    "diagonal-same-dims": "L.diagonal(L.ones(2, 2), 0, 1, 1)",
    "trace-3d": "L.trace(L.ones(2, 2, 2))",
    "outer-2d": "L.outer(L.ones(2), L.ones(3, 1))",
    "tensordot-sizes": "L.tensordot(L.ones(2, 3), L.ones(4, 2), dims=1)",
    "select-range": "L.select(L.ones(2, 3), 1, 5)",
    "take-range": "L.take(L.ones(2, 3), L.tensor([7]))",
    "rot90-same-dims": "L.rot90(L.ones(2, 3), 1, (0, 0))",
    "rot90-1d": "L.rot90(L.ones(2))",
    "fliplr-1d": "L.fliplr(L.ones(2))",
    "hsplit-indivisible": "L.hsplit(L.ones(2, 3), 2)",
    "vsplit-1d": "L.vsplit(L.ones(4), 2)",
    "tensor_split-zero": "L.tensor_split(L.ones(4), 0)",
    "meshgrid-indexing": "L.meshgrid(L.ones(2), L.ones(3), indexing='ab')",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message(name):
    assert_same_error(torch, ERRORS[name])
