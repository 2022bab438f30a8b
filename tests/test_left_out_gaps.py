"""The "not implemented yet" names of minigrad/_left_out.py that are now in, compared with
PyTorch 2.13 (issue 17, item 6): PyTorch's aliases, the in-place forms of out-of-place ops, and
the small gaps."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _pair(data, dtype="float64", requires_grad=False):
    a = np.asarray(data, dtype=dtype)
    m = minigrad.tensor(a.copy(), requires_grad=requires_grad)
    t = torch.tensor(a.copy(), requires_grad=requires_grad)
    return m, t


def _same(m, t, exact=True):
    assert str(m.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
    assert tuple(m.shape) == tuple(t.shape)
    if exact:
        np.testing.assert_array_equal(m.detach().numpy(), t.detach().numpy())
    else:
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ aliases
ALIASES = {"greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le",
           "not_equal": "ne", "subtract": "sub", "multiply": "mul", "divide": "div"}


@pytest.mark.parametrize("alias,target", sorted(ALIASES.items()))
def test_alias_is_the_target(alias, target):
    assert getattr(minigrad, alias) is getattr(minigrad, target) or \
        getattr(minigrad, alias).__wrapped__ is getattr(minigrad, target).__wrapped__
    x = minigrad.tensor([1., 2.])
    np.testing.assert_array_equal(getattr(x, alias)(1.5).numpy(), getattr(x, target)(1.5).numpy())


@pytest.mark.parametrize("alias", sorted(ALIASES))
@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_alias_values_as_torch(alias, dtype):
    am, at = _pair([[1, -2, 3], [4, 0, -6]], dtype)
    bm, bt = _pair([2, 0, 3] if alias != "divide" else [2, 5, 3], dtype)
    _same(getattr(minigrad, alias)(am, bm), getattr(torch, alias)(at, bt), exact=False)
    _same(getattr(am, alias)(bm), getattr(at, alias)(bt), exact=False)
    _same(getattr(am, alias)(2), getattr(at, alias)(2), exact=False)


def test_alias_keywords_as_torch():
    am, at = _pair([7, -7, 5], "int64")
    for mode in ("floor", "trunc"):
        _same(minigrad.divide(am, 2, rounding_mode=mode), torch.divide(at, 2, rounding_mode=mode))
        _same(am.divide(2, rounding_mode=mode), at.divide(2, rounding_mode=mode))
    _same(minigrad.subtract(am, 2, alpha=3), torch.subtract(at, 2, alpha=3))
    with pytest.raises(RuntimeError):
        torch.divide(at, 2, rounding_mode="bad")
    with pytest.raises((RuntimeError, ValueError)):
        minigrad.divide(am, 2, rounding_mode="bad")


def test_alias_gradients_as_torch():
    am, at = _pair([[1.5, -2.], [3., 0.5]], requires_grad=True)
    bm, bt = _pair([2., -0.5], requires_grad=True)
    for name in ("subtract", "multiply", "divide"):
        gm = getattr(minigrad, name)(am, bm).sum()
        gt = getattr(torch, name)(at, bt).sum()
        gm.backward()
        gt.backward()
    np.testing.assert_allclose(am.grad.numpy(), at.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bm.grad.numpy(), bt.grad.numpy(), rtol=1e-12)


def test_alias_shape_errors_as_torch():
    am, at = _pair([1., 2., 3.])
    bm, bt = _pair([1., 2.])
    for name in ("greater", "less_equal", "multiply"):
        with pytest.raises(RuntimeError) as tm:
            getattr(torch, name)(at, bt)
        with pytest.raises(RuntimeError) as mm:
            getattr(minigrad, name)(am, bm)
        assert str(mm.value) == str(tm.value)


def test_concatenate_as_torch():
    am, at = _pair([[1., 2.]], requires_grad=True)
    bm, bt = _pair([[3., 4.], [5., 6.]], requires_grad=True)
    _same(minigrad.concatenate([am, bm]), torch.concatenate([at, bt]))
    _same(minigrad.concatenate([bm, bm], axis=1), torch.concatenate([bt, bt], axis=1))
    _same(minigrad.concatenate((bm, bm), 1), torch.concatenate((bt, bt), 1))
    minigrad.concatenate([am, bm], axis=0).mul(minigrad.tensor([[1.], [2.], [3.]])).sum().backward()
    torch.concatenate([at, bt], axis=0).mul(torch.tensor([[1.], [2.], [3.]])).sum().backward()
    np.testing.assert_array_equal(bm.grad.numpy(), bt.grad.numpy())
    with pytest.raises(RuntimeError):
        torch.concatenate([at, bt], axis=1)
    with pytest.raises(RuntimeError):
        minigrad.concatenate([am, bm], axis=1)
    out_m, out_t = minigrad.empty(3, 2, dtype=minigrad.float64), torch.empty(3, 2, dtype=torch.float64)
    assert minigrad.concatenate([am.detach(), bm.detach()], out=out_m) is out_m
    torch.concatenate([at.detach(), bt.detach()], out=out_t)
    _same(out_m, out_t)


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool"])
def test_msort_as_torch(dtype):
    data = [[3, 1, 0], [2, 4, 1], [0, 0, 5]]
    am, at = _pair(data, dtype)
    _same(minigrad.msort(am), torch.msort(at))
    _same(am.msort(), at.msort())
    m1, t1 = _pair([3, -1, 2], dtype)
    _same(m1.msort(), t1.msort())


def test_msort_gradient_and_errors_as_torch():
    am, at = _pair([[3., -1.], [2., 5.], [0., 1.]], requires_grad=True)
    w = np.array([[1., 2.], [3., 4.], [5., 6.]])
    (minigrad.msort(am) * minigrad.tensor(w)).sum().backward()
    (torch.msort(at) * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(am.grad.numpy(), at.grad.numpy())
    with pytest.raises(TypeError):
        torch.msort(at, 0)
    with pytest.raises(TypeError):
        minigrad.msort(am, 0)
