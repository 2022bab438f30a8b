"""Losses against PyTorch (values and gradients, every option), gradchecks, stability, errors."""
import itertools
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

RNG = np.random.default_rng(7)


def _torch():
    return pytest.importorskip("torch")


def _compare(fn_name, arrays, kwargs, grad_of=(0,), rtol=1e-10, atol=1e-12, module=None):
    """Run F.<fn_name> (or nn.<module>) on minigrad and torch with the same arrays; compare the
    values and the gradients of the float inputs listed in ``grad_of``."""
    torch = _torch()
    ours, theirs = [], []
    for i, a in enumerate(arrays):
        if a is None:
            ours.append(None)
            theirs.append(None)
            continue
        rg = i in grad_of
        ours.append(minigrad.tensor(a, requires_grad=rg))
        theirs.append(torch.tensor(a, requires_grad=rg))

    def conv(kw, lib):
        return {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}

    if module:
        out_o = getattr(nn, module)(**conv(kwargs, minigrad))(*ours)
        out_t = getattr(torch.nn, module)(**conv(kwargs, torch))(*theirs)
    else:
        out_o = getattr(F, fn_name)(*ours, **conv(kwargs, minigrad))
        out_t = getattr(torch.nn.functional, fn_name)(*theirs, **conv(kwargs, torch))
    assert tuple(out_o.shape) == tuple(out_t.shape)
    assert out_o.dtype.name == str(out_t.dtype).split(".")[-1]
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), rtol=rtol, atol=atol)
    g = RNG.standard_normal(tuple(out_t.shape)).astype(arrays[0].dtype)
    out_o.backward(minigrad.tensor(g))
    out_t.backward(torch.tensor(g))
    for i in grad_of:
        np.testing.assert_allclose(ours[i].grad.numpy(), theirs[i].grad.numpy(), rtol=rtol,
                                   atol=atol, err_msg=f"gradient of argument {i}")


def _targets(shape, c, ignore=None, dtype=np.int64):
    t = RNG.integers(0, c, size=shape).astype(dtype)
    if ignore is not None and t.size:
        t.reshape(-1)[::3] = ignore
    return t


# ------------------------------------------------------------------ cross entropy
CE_CASES = list(itertools.product(
    ["none", "mean", "sum"],   # reduction
    [False, True],             # class weights
    [0.0, 0.2],                # label smoothing
    [None, 1, -100],           # ignore_index present in targets (None: none ignored)
))


@pytest.mark.parametrize("reduction,weighted,smoothing,ignore", CE_CASES)
def test_cross_entropy_index_targets_match_torch(reduction, weighted, smoothing, ignore):
    c = 5
    x = RNG.standard_normal((6, c)) * 3
    t = _targets(6, c, ignore)
    kw = {"reduction": reduction, "label_smoothing": smoothing}
    if ignore is not None:
        kw["ignore_index"] = ignore
    if weighted:
        kw["weight"] = RNG.uniform(0.2, 2.0, c)
    _compare("cross_entropy", [x, t], kw)


@pytest.mark.parametrize("shape", [(2, 4, 3), (2, 4, 3, 2), (1, 3, 2, 2, 2)])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_cross_entropy_spatial_targets_match_torch(shape, reduction):
    x = RNG.standard_normal(shape)
    t = _targets((shape[0],) + shape[2:], shape[1], ignore=-100)
    _compare("cross_entropy", [x, t], {"reduction": reduction, "weight": RNG.uniform(0.5, 1.5, shape[1]),
                                       "label_smoothing": 0.1})


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4), (3,)])
def test_cross_entropy_probability_targets_match_torch(reduction, weighted, smoothing, shape):
    x = RNG.standard_normal(shape)
    cdim = 1 if len(shape) > 1 else 0
    e = np.exp(RNG.standard_normal(shape))
    q = e / e.sum(axis=cdim, keepdims=True)
    kw = {"reduction": reduction, "label_smoothing": smoothing}
    if weighted:
        kw["weight"] = RNG.uniform(0.2, 2.0, shape[cdim])
    _compare("cross_entropy", [x, q], kw, grad_of=(0, 1))


def test_cross_entropy_unbatched_and_module_and_float32():
    x = RNG.standard_normal(5)
    _compare("cross_entropy", [x, np.array(3)], {})
    x32 = RNG.standard_normal((8, 4)).astype(np.float32)
    _compare(None, [x32, _targets(8, 4)], {"label_smoothing": 0.1, "weight": RNG.uniform(0.5, 1, 4).astype(np.float32)},
             rtol=2e-5, atol=1e-6, module="CrossEntropyLoss")


def test_cross_entropy_all_ignored_is_nan_with_zero_gradient():
    torch = _torch()
    x = minigrad.randn(3, 4, dtype=minigrad.float64, requires_grad=True)
    t = minigrad.tensor([-100, -100, -100])
    loss = F.cross_entropy(x, t)
    ref = torch.nn.functional.cross_entropy(torch.tensor(x.detach().numpy()), torch.tensor(t.numpy()))
    assert np.isnan(loss.item()) and np.isnan(ref.item())
    loss.backward()
    assert not x.grad.numpy().any()


@pytest.mark.parametrize("scale", [1e4, -1e4])
def test_cross_entropy_extreme_logits(scale):
    torch = _torch()
    x = np.array([[scale, 0.0, -scale], [0.0, scale, 1.0]], dtype=np.float32)
    t = np.array([2, 1])
    xm = minigrad.tensor(x, requires_grad=True)
    loss = F.cross_entropy(xm, minigrad.tensor(t), label_smoothing=0.1)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(xt, torch.tensor(t), label_smoothing=0.1)
    assert np.isfinite(loss.item())
    np.testing.assert_allclose(loss.item(), ref.item(), rtol=1e-6)
    loss.backward()
    ref.backward()
    assert np.isfinite(xm.grad.numpy()).all()
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_cross_entropy_errors():
    x = minigrad.randn(3, 5)
    with pytest.raises(IndexError, match="^Target 7 is out of bounds.$"):
        F.cross_entropy(x, minigrad.tensor([1, 2, 7]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds."):
        F.cross_entropy(x, minigrad.tensor([1, 2, -1]))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(2\)."):
        F.cross_entropy(x, minigrad.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.cross_entropy(x, minigrad.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 3\]"):
        F.cross_entropy(minigrad.randn(2, 5, 4), minigrad.tensor([[1, 2, 3]] * 2))
    with pytest.raises(RuntimeError, match="weight tensor should be defined either for all 5 classes"):
        F.cross_entropy(x, minigrad.tensor([1, 2, 3]), weight=minigrad.ones(4))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.cross_entropy(x, minigrad.tensor([1, 2, 3]), reduction="foo")
    with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0. Got: 1.5"):
        F.cross_entropy(x, minigrad.tensor([1, 2, 3]), label_smoothing=1.5)
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cross_entropy(x, minigrad.zeros(3, 4, dtype=minigrad.int64))
    with pytest.raises(RuntimeError, match=r"size mismatch \(got input: \[3, 5, 2, 2\] , target: \[3, 2, 3\]"):
        F.nll_loss(minigrad.randn(3, 5, 2, 2), minigrad.zeros(3, 2, 3, dtype=minigrad.int64))


def test_uint8_targets_accepted():
    x = minigrad.randn(3, 4)
    a = F.cross_entropy(x, minigrad.tensor([0, 1, 3], dtype=minigrad.uint8))
    b = F.cross_entropy(x, minigrad.tensor([0, 1, 3]))
    assert a.item() == b.item()


# ------------------------------------------------------------------ NLL
@pytest.mark.parametrize("reduction,weighted,ignore", list(itertools.product(["none", "mean", "sum"], [False, True], [None, 0])))
def test_nll_loss_matches_torch(reduction, weighted, ignore):
    x = RNG.standard_normal((7, 4))
    t = _targets(7, 4, ignore)
    kw = {"reduction": reduction}
    if ignore is not None:
        kw["ignore_index"] = ignore
    if weighted:
        kw["weight"] = RNG.uniform(0.5, 2, 4)
    _compare("nll_loss", [x, t], kw)
    _compare(None, [x, t], kw, module="NLLLoss")


def test_nll_after_log_softmax_equals_cross_entropy():
    x = minigrad.randn(5, 6)
    t = minigrad.tensor([0, 5, 2, 2, 1])
    a = F.nll_loss(F.log_softmax(x, dim=1), t)
    b = F.cross_entropy(x, t)
    np.testing.assert_allclose(a.item(), b.item(), rtol=1e-6)


# ------------------------------------------------------------------ MSE / L1
@pytest.mark.parametrize("fn,module", [("mse_loss", "MSELoss"), ("l1_loss", "L1Loss")])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_pointwise_losses_match_torch(fn, module, reduction):
    x, y = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 3))
    _compare(fn, [x, y], {"reduction": reduction}, grad_of=(0, 1))
    _compare(None, [x, y], {"reduction": reduction}, grad_of=(0, 1), module=module)


def test_mse_broadcast_warning_and_shape_error():
    x = minigrad.randn(3, 5)
    with pytest.warns(UserWarning, match=r"Using a target size \(minigrad.Size\(\[5\]\)\) that is different to the input size \(minigrad.Size\(\[3, 5\]\)\)"):
        F.mse_loss(x, minigrad.randn(5))
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match=r"The size of tensor a \(5\) must match the size of tensor b \(4\) at non-singleton dimension 1"):
        F.mse_loss(x, minigrad.randn(4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _compare("mse_loss", [RNG.standard_normal((3, 1)), RNG.standard_normal(3)], {}, grad_of=(0, 1))
    assert F.mse_loss(x, x.double()).dtype == minigrad.float64


# ------------------------------------------------------------------ BCE
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("pos_weighted", [False, True])
def test_bce_with_logits_matches_torch(reduction, weighted, pos_weighted):
    x = RNG.standard_normal((5, 3)) * 4
    y = RNG.uniform(0, 1, (5, 3))
    kw = {"reduction": reduction}
    if weighted:
        kw["weight"] = RNG.uniform(0.5, 2, 3)
    if pos_weighted:
        kw["pos_weight"] = RNG.uniform(0.5, 3, 3)
    _compare("binary_cross_entropy_with_logits", [x, y], kw, grad_of=(0, 1))
    _compare(None, [x, y], kw, grad_of=(0, 1), module="BCEWithLogitsLoss")


def test_bce_with_logits_extreme_logits():
    torch = _torch()
    x = np.array([1e4, -1e4, 50.0, -50.0], dtype=np.float32)
    y = np.array([0.0, 1.0, 1.0, 0.0], dtype=np.float32)
    _compare("binary_cross_entropy_with_logits", [x, y], {"reduction": "none"}, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match=r"Target size \(minigrad.Size\(\[5\]\)\) must be the same as input size \(minigrad.Size\(\[3, 5\]\)\)"):
        F.binary_cross_entropy_with_logits(minigrad.randn(3, 5), minigrad.rand(5))


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_bce_matches_torch(reduction):
    x = RNG.uniform(0.01, 0.99, (4, 3))
    x[0, 0], x[1, 1] = 0.0, 1.0  # log clamped at -100
    y = RNG.uniform(0, 1, (4, 3))
    _compare("binary_cross_entropy", [x, y], {"reduction": reduction, "weight": RNG.uniform(0.5, 2, 3)},
             grad_of=(1,))
    x[0, 0], x[1, 1] = 0.3, 0.6
    _compare("binary_cross_entropy", [x, y], {"reduction": reduction}, grad_of=(0, 1))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(minigrad.tensor([1.5]), minigrad.tensor([1.0]))
    with pytest.raises(ValueError, match="is deprecated. Please ensure they have the same size."):
        F.binary_cross_entropy(minigrad.rand(3), minigrad.rand(3, 1))


# ------------------------------------------------------------------ gradcheck (float64)
def _f64(*shape, requires_grad=True):
    return minigrad.tensor(RNG.standard_normal(shape), requires_grad=requires_grad)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_gradcheck_losses(reduction):
    x = _f64(4, 3)
    t = minigrad.tensor([0, 2, -100, 1])
    w = minigrad.tensor([0.5, 2.0, 1.5], dtype=minigrad.float64)
    assert gradcheck(lambda a: F.cross_entropy(a, t, weight=w, reduction=reduction, label_smoothing=0.2), (x,))
    assert gradcheck(lambda a: F.nll_loss(a, t, weight=w, reduction=reduction), (x,))
    x3 = _f64(2, 3, 2)
    t3 = minigrad.tensor([[0, 2], [1, 1]])
    assert gradcheck(lambda a: F.cross_entropy(a, t3, reduction=reduction), (x3,))
    q = minigrad.tensor(np.full((4, 3), 1 / 3), requires_grad=True)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, reduction=reduction, label_smoothing=0.1), (x, q))
    y = _f64(4, 3)
    assert gradcheck(lambda a, b: F.mse_loss(a, b, reduction=reduction), (x, y))
    assert gradcheck(lambda a, b: F.l1_loss(a, b, reduction=reduction), (x, y))
    yb = minigrad.tensor(RNG.uniform(0, 1, (4, 3)), requires_grad=True)
    pw = minigrad.tensor(RNG.uniform(0.5, 2, 3), requires_grad=True)
    assert gradcheck(lambda a, b, c: F.binary_cross_entropy_with_logits(a, b, pos_weight=c, reduction=reduction),
                     (x, yb, pw))
    p = minigrad.tensor(RNG.uniform(0.1, 0.9, (4, 3)), requires_grad=True)
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, reduction=reduction), (p, yb))


def test_loss_modules_repr_and_buffers():
    torch = _torch()
    for name, kw in [("CrossEntropyLoss", {}), ("MSELoss", {}), ("NLLLoss", {}), ("BCEWithLogitsLoss", {}),
                     ("L1Loss", {}), ("BCELoss", {})]:
        assert repr(getattr(nn, name)(**kw)) == repr(getattr(torch.nn, name)(**kw))
    ce = nn.CrossEntropyLoss(weight=minigrad.ones(3))
    assert list(ce.state_dict()) == list(torch.nn.CrossEntropyLoss(weight=torch.ones(3)).state_dict())
    bce = nn.BCEWithLogitsLoss(pos_weight=minigrad.ones(3))
    assert list(bce.state_dict()) == list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)).state_dict())


def test_legacy_size_average_and_reduce():
    x, y = minigrad.randn(3, 4), minigrad.randn(3, 4)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated, please use reduction='sum' instead."):
        a = F.mse_loss(x, y, size_average=False)
    np.testing.assert_allclose(a.item(), F.mse_loss(x, y, reduction="sum").item(), rtol=1e-6)
    with pytest.warns(UserWarning, match="reduction='none'"):
        assert nn.MSELoss(reduce=False).reduction == "none"
