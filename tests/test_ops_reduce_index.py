"""nansum, nanmean (reduction.py), median (statistics.py), cummax/cummin, logcumsumexp
(cumulative.py), aminmax (min_max.py) and index_rows.py (index_add/index_copy/index_fill and their in-place versions) against PyTorch."""
import warnings

import numpy as np
import pytest

import minigrad
from torch_reference import assert_same_error, check_parity_float32_and_64
from minigrad.autograd import gradcheck
from test_torch_parity import R, assert_same

torch = pytest.importorskip("torch")

NAN, INF = float("nan"), float("inf")
WITH_NAN = np.array([[1., NAN, 2.], [3., 4., NAN], [0., 5., 6.]], np.float32)

OPS = {
    "nansum": (lambda L, a: L.nansum(a), [WITH_NAN]),
    "nansum-dim": (lambda L, a: a.nansum(1, keepdim=True), [WITH_NAN]),
    "nansum-int": (lambda L, a: L.nansum(a), [np.array([1, 2])]),
    "nanmean": (lambda L, a: L.nanmean(a), [WITH_NAN]),
    "nanmean-dim": (lambda L, a: a.nanmean(dim=0), [WITH_NAN]),
    "median": (lambda L, a: L.median(a), [R(3, 5)]),
    "median-even": (lambda L, a: a.median(), [R(4)]),
    "median-ties": (lambda L, a: a.median(), [np.array([1., 2., 2., 3., 2.], np.float32)]),
    "median-nan": (lambda L, a: a.median(), [WITH_NAN]),
    "median-dim": (lambda L, a: L.median(a, 1), [R(3, 5)]),
    "median-dim-even-keepdim": (lambda L, a: a.median(dim=0, keepdim=True), [R(4, 3)]),
    "median-dim-nan": (lambda L, a: L.median(a, 1), [WITH_NAN]),
    "median-int": (lambda L, a: a.median(), [np.array([1, 2])]),
    "cummax": (lambda L, a: L.cummax(a, 1), [R(3, 5)]),
    "cummax-ties-nan": (lambda L, a: a.cummax(0),
                        [np.array([1., 3., 3., NAN, 5.], np.float32)]),
    "cummin": (lambda L, a: a.cummin(dim=0), [R(5, 3)]),
    "cummin-int-ties": (lambda L, a: L.cummin(a, 0), [np.array([3, 1, 1, 2])]),
    "aminmax": (lambda L, a: L.aminmax(a), [R(3, 4)]),
    "aminmax-dim": (lambda L, a: a.aminmax(dim=1, keepdim=True), [R(3, 4)]),
    "logcumsumexp": (lambda L, a: L.logcumsumexp(a, 1), [R(3, 5)]),
    "logcumsumexp-extreme": (lambda L, a: a.logcumsumexp(0),
                             [np.array([-1000., 0., 1000., -INF], np.float32)]),
    "index_add": (lambda L, a, s: a.index_add(1, L.tensor([0, 2, 0]), s, alpha=2), [R(2, 4), R(2, 3)]),
    "index_copy": (lambda L, a, s: L.index_copy(a, 0, L.tensor([2, 0]), s), [R(3, 2), R(2, 2)]),
    "index_fill": (lambda L, a: a.index_fill(1, L.tensor([0, 2]), -1.), [R(2, 3)]),
    "index_fill-tensor": (lambda L, a, v: L.index_fill(a, 0, L.tensor([1]), v), [R(2, 3), R()]),
}


@pytest.mark.parametrize("name", list(OPS))
def test_matches_torch(name):
    fn, arrays = OPS[name]
    check_parity_float32_and_64(fn, arrays)


GRADCHECK = {
    "nanmean": (lambda x: minigrad.nanmean(x, 1), [WITH_NAN]),
    "median": (lambda x: x.median(), [R(3, 5)]),
    "median-dim": (lambda x: x.median(1).values, [R(3, 5)]),
    "cummax": (lambda x: x.cummax(1).values, [R(3, 5)]),
    "logcumsumexp": (lambda x: x.logcumsumexp(1), [R(3, 5)]),
    "aminmax": (lambda x: minigrad.aminmax(x, dim=0)[1], [R(3, 5)]),
    "index_add": (lambda a, s: a.index_add(0, minigrad.tensor([1, 1]), s), [R(3, 2), R(2, 2)]),
    "index_copy": (lambda a, s: a.index_copy(0, minigrad.tensor([2, 0]), s), [R(3, 2), R(2, 2)]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_float64(name):
    fn, arrays = GRADCHECK[name]
    inputs = [minigrad.tensor(np.nan_to_num(a).astype(np.float64) if name != "nanmean" else
                              a.astype(np.float64), requires_grad=True) for a in arrays]
    assert gradcheck(fn, tuple(inputs))


@pytest.mark.parametrize("name", ["index_add_", "index_copy_", "index_fill_"])
def test_inplace_index_ops_match_torch(name):
    args = {"index_add_": lambda L: (1, L.tensor([0, 0]), L.ones(2, 2)),
            "index_copy_": lambda L: (1, L.tensor([2]), L.zeros(2, 1)),
            "index_fill_": lambda L: (1, L.tensor([0, 2]), -1.)}[name]
    a = R(2, 3)
    m, t = minigrad.tensor(a), torch.tensor(a)
    assert getattr(m, name)(*args(minigrad)) is m
    getattr(t, name)(*args(torch))
    assert_same(m, t)
    errors = []
    for L in (minigrad, torch):
        with pytest.raises(RuntimeError) as info:
            getattr(L.tensor(a, requires_grad=True), name)(*args(L))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


ERRORS = {
    "nanmean-int": "L.nanmean(L.tensor([1, 2]))",
    "aminmax-empty": "L.aminmax(L.tensor([]))",
    "logcumsumexp-int": "L.logcumsumexp(L.tensor([1, 2]), 0)",
    "index_add-range": "L.ones(2, 3).index_add(1, L.tensor([0, 5]), L.ones(2, 2))",
    "index_add-count": "L.ones(2, 3).index_add(1, L.tensor([0, 1]), L.ones(2, 3))",
    "median-dim-range": "L.ones(2, 3).median(2)",
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_error_type_and_message(name):
    assert_same_error(torch, ERRORS[name])


def test_result_tuples_print_as_torch():
    x = np.array([[1., 5., 3.]], np.float32)
    for fn in (lambda L, a: L.median(a, 1), lambda L, a: L.cummax(a, 1), lambda L, a: L.aminmax(a)):
        m, t = fn(minigrad, minigrad.tensor(x)), fn(torch, torch.tensor(x))
        assert repr(m) == repr(t).replace("torch.", "minigrad.")


def test_no_numpy_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = minigrad.tensor([[0., -INF, INF, NAN]], requires_grad=True)
        outs = [x.logcumsumexp(1), x.median(), x.median(1).values, x.cummax(1).values,
                x.nansum(), x.nanmean()]
        minigrad.autograd.backward([o.sum() for o in outs])
    ours = [w for w in caught if w.filename.replace("\\", "/").endswith(("ops/cumulative.py", "ops/statistics.py"))]
    assert [str(w.message) for w in ours] == []
