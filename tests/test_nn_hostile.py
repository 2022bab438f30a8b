"""Hostile and edge-case calls of the layers, ``nn.functional``, the losses, ``nn.init`` and
``nn.Parameter``, run on minigrad and on PyTorch: the outcome must be the same.

"The same" means: the same result (shape, dtype, values to 4 decimals) or the same exception
(type and message, with ``torch`` read as ``minigrad``), and the same warnings (category and
message). Deliberate differences are tested separately at the end, each with the reason.
"""
import math
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


class _Lib:
    """The names a case uses, for minigrad or for torch."""

    def __init__(self, mod):
        self.T = mod
        self.nn = mod.nn
        self.F = mod.nn.functional
        self.init = mod.nn.init
        self.name = mod.__name__


MG, TH = _Lib(minigrad), _Lib(torch)


def _summary(value, lib):
    if isinstance(value, lib.T.Tensor):
        arr = np.round(value.detach().numpy().astype(np.float64), 4) + 0.0  # -0.0 counts as 0.0
        return ("tensor", tuple(value.shape), str(value.dtype).split(".")[-1], repr(arr.tolist()))
    if isinstance(value, (tuple, list)):
        return tuple(_summary(v, lib) for v in value)
    if isinstance(value, (bool, int, float, str, type(None))):
        return value
    return repr(value).replace(lib.name, "minigrad")


def outcome(call, lib):
    """(result summary or (exception type, first line of message), [(warning, message)])."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("ok", _summary(call(lib), lib))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            result = ("raised", type(e).__name__, str(e).replace(lib.name, "minigrad").split("\n")[0])
    return result, [(w.category.__name__, str(w.message).replace(lib.name, "minigrad"))
                    for w in caught]


def assert_same_as_torch(call):
    ours, theirs = outcome(call, MG), outcome(call, TH)
    assert ours == theirs, f"\nminigrad: {ours}\ntorch:    {theirs}"


X = [[1., 2., 3.], [0.5, -1., 2.]]
P = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]


def _grads(fn, *tensors):
    fn(*tensors).sum().backward()
    return tuple(t.grad for t in tensors)


# ============================================================ 1. cross_entropy and nll_loss
CROSS_ENTROPY = {
    # probability targets: PyTorch promotes input, target and weight to a common dtype
    "prob-f64-target-f32-input": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P, dtype=L.T.float64)),
    "prob-f32-target-f64-input": lambda L: L.F.cross_entropy(L.T.tensor(X, dtype=L.T.float64), L.T.tensor(P)),
    "prob-f64-weight": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), weight=L.T.ones(3, dtype=L.T.float64)),
    "prob-f64-3d-weighted-none": lambda L: L.F.cross_entropy(
        L.T.ones(2, 3, 2), L.T.ones(2, 3, 2, dtype=L.T.float64) / 3, weight=L.T.tensor([1., 2., 3.]), reduction="none"),
    "prob-mixed-dtype-grads": lambda L: _grads(
        L.F.cross_entropy, L.T.tensor(X, requires_grad=True), L.T.tensor(P, dtype=L.T.float64, requires_grad=True)),
    "prob-int-target": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([[0, 1, 0], [1, 0, 0]])),
    "prob-ignore-index": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), ignore_index=1),
    "prob-ignore-index-0": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), ignore_index=0),
    "prob-ignore-index-negative": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), ignore_index=-1),
    "prob-smoothing": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), label_smoothing=0.2),
    "prob-smoothing-none": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), label_smoothing=0.2, reduction="none"),
    "prob-smoothing-weighted": lambda L: L.F.cross_entropy(
        L.T.tensor(X), L.T.tensor(P), label_smoothing=0.2, weight=L.T.tensor([1., 2., 3.])),
    "prob-smoothing-weighted-sum": lambda L: L.F.cross_entropy(
        L.T.tensor(X), L.T.tensor(P), label_smoothing=0.2, weight=L.T.tensor([1., 2., 3.]), reduction="sum"),
    "prob-smoothing-above-1": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), label_smoothing=1.5),
    "prob-weight-wrong-length": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor(P), weight=L.T.tensor([1., 2.])),
    "prob-shape-mismatch": lambda L: L.F.cross_entropy(L.T.ones(2, 3), L.T.ones(2, 4)),
    "prob-3d-shape-mismatch": lambda L: L.F.cross_entropy(L.T.ones(2, 3, 4), L.T.ones(2, 4)),
    "prob-0d-input-long-target": lambda L: L.F.cross_entropy(L.T.tensor(1.), L.T.tensor(0)),
    "prob-0d-input-float-target": lambda L: L.F.cross_entropy(L.T.tensor(1.), L.T.tensor(1.)),
    "prob-empty-batch": lambda L: L.F.cross_entropy(L.T.ones(0, 3), L.T.ones(0, 3)),
    "prob-3d-none": lambda L: L.F.cross_entropy(L.T.ones(2, 3, 4), L.T.ones(2, 3, 4) / 3, reduction="none"),
    # unbatched input
    "unbatched-index": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor(2)),
    "unbatched-index-none": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor(2), reduction="none"),
    "unbatched-index-1-element-target": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor([2])),
    "unbatched-index-1-element-target-none": lambda L: L.F.cross_entropy(
        L.T.tensor([1., 2., 3.]), L.T.tensor([2]), reduction="none"),
    "unbatched-index-2-element-target": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor([2, 1])),
    "unbatched-index-2d-target": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor([[2]])),
    "unbatched-prob": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor([0.2, 0.3, 0.5])),
    "unbatched-prob-none": lambda L: L.F.cross_entropy(
        L.T.tensor([1., 2., 3.]), L.T.tensor([0.2, 0.3, 0.5]), reduction="none"),
    "unbatched-prob-smoothing-weighted": lambda L: L.F.cross_entropy(
        L.T.tensor([1., 2., 3.]), L.T.tensor([0.2, 0.3, 0.5]), label_smoothing=0.1, weight=L.T.tensor([1., 2., 3.])),
    # class indices
    "index-smoothing-weighted": lambda L: L.F.cross_entropy(
        L.T.tensor(X), L.T.tensor([2, 0]), label_smoothing=0.2, weight=L.T.tensor([1., 2., 3.])),
    "index-smoothing-weighted-none": lambda L: L.F.cross_entropy(
        L.T.tensor(X), L.T.tensor([2, 0]), label_smoothing=0.2, weight=L.T.tensor([1., 2., 3.]), reduction="none"),
    "index-smoothing-ignored": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([2, -100]), label_smoothing=0.2),
    "index-smoothing-1": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1, 0]), label_smoothing=1.0),
    "index-smoothing-above-1": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1, 0]), label_smoothing=1.5),
    "index-3d-none": lambda L: L.F.cross_entropy(L.T.ones(2, 3, 4), L.T.zeros(2, 4, dtype=L.T.long), reduction="none"),
    "index-weight-wrong-length": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([2, 0]), weight=L.T.tensor([1., 2.])),
    "index-weight-2d": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([2, 0]), weight=L.T.ones(1, 3)),
    "index-weight-f64": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([2, 0]), weight=L.T.ones(3, dtype=L.T.float64)),
    "index-target-too-large": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([3, 0])),
    "index-target-negative": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([-1, 0])),
    "index-target-too-large-unbatched": lambda L: L.F.cross_entropy(L.T.tensor([1., 2., 3.]), L.T.tensor(5)),
    "index-target-too-large-3d": lambda L: L.F.cross_entropy(L.T.ones(2, 3, 4), L.T.full((2, 4), 7, dtype=L.T.long)),
    "index-target-int32": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1, 0], dtype=L.T.int32)),
    "index-target-uint8": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1, 0], dtype=L.T.uint8)),
    "index-target-float-1d": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1., 0.])),
    "index-target-long-2d-mismatch": lambda L: L.F.cross_entropy(L.T.ones(2, 3), L.T.ones(2, 4, dtype=L.T.long)),
    "index-batch-mismatch": lambda L: L.F.cross_entropy(L.T.ones(2, 3), L.T.zeros(3, dtype=L.T.long)),
    "index-all-ignored": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([-100, -100])),
    "index-empty-batch": lambda L: L.F.cross_entropy(L.T.ones(0, 3), L.T.zeros(0, dtype=L.T.long)),
    "index-empty-batch-sum": lambda L: L.F.cross_entropy(L.T.ones(0, 3), L.T.zeros(0, dtype=L.T.long), reduction="sum"),
    "int-input": lambda L: L.F.cross_entropy(L.T.tensor([[1, 2]]), L.T.tensor([1])),
    "int-input-1d": lambda L: L.F.cross_entropy(L.T.ones(3, dtype=L.T.long), L.T.tensor(1)),
    "int-input-3d": lambda L: L.F.cross_entropy(L.T.ones(2, 3, 4, dtype=L.T.long), L.T.ones(2, 4, dtype=L.T.long)),
    "bool-input": lambda L: L.F.cross_entropy(L.T.ones(2, 3, dtype=L.T.bool), L.T.tensor([1, 0])),
    "target-list": lambda L: L.F.cross_entropy(L.T.ones(2, 3), [1, 0]),
    "input-list": lambda L: L.F.cross_entropy([[1., 2.]], L.T.tensor([1])),
    "weight-list": lambda L: L.F.cross_entropy(L.T.ones(2, 3), L.T.tensor([1, 0]), weight=[1., 1., 1.]),
    "bad-reduction": lambda L: L.F.cross_entropy(L.T.tensor(X), L.T.tensor([1, 0]), reduction="avg"),
    # nll_loss
    "nll-3d": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4), L.T.zeros(2, 4, dtype=L.T.long)),
    "nll-4d-none": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4, 2), L.T.zeros(2, 4, 2, dtype=L.T.long), reduction="none"),
    "nll-3d-bad-target": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4), L.T.zeros(2, 5, dtype=L.T.long)),
    "nll-4d-bad-target": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4, 2), L.T.zeros(2, 5, 2, dtype=L.T.long)),
    "nll-unbatched": lambda L: L.F.nll_loss(L.T.ones(3), L.T.tensor(1)),
    "nll-unbatched-1-element-target": lambda L: L.F.nll_loss(L.T.tensor([1., 2., 3.]), L.T.tensor([2])),
    "nll-target-too-large": lambda L: L.F.nll_loss(L.T.tensor(X), L.T.tensor([3, 0])),
    "nll-target-negative": lambda L: L.F.nll_loss(L.T.tensor(X), L.T.tensor([-2, 0])),
    "nll-weight-f64": lambda L: L.F.nll_loss(L.T.ones(2, 3), L.T.tensor([1, 0]), weight=L.T.ones(3, dtype=L.T.float64)),
    "nll-int-input": lambda L: L.F.nll_loss(L.T.ones(2, 3, dtype=L.T.long), L.T.tensor([1, 0])),
    "nll-int-input-1d": lambda L: L.F.nll_loss(L.T.ones(3, dtype=L.T.long), L.T.tensor(1)),
    "nll-int-input-3d": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4, dtype=L.T.long), L.T.ones(2, 4, dtype=L.T.long)),
    "nll-int-input-4d": lambda L: L.F.nll_loss(L.T.ones(2, 3, 4, 1, dtype=L.T.long), L.T.ones(2, 4, 1, dtype=L.T.long)),
    "nll-bool-input": lambda L: L.F.nll_loss(L.T.ones(2, 3, dtype=L.T.bool), L.T.tensor([1, 0])),
    "nll-target-list": lambda L: L.F.nll_loss(L.T.ones(2, 3), [1, 0]),
    "nll-0d-input": lambda L: L.F.nll_loss(L.T.tensor(1.), L.T.tensor(0)),
}


@pytest.mark.parametrize("name", list(CROSS_ENTROPY))
def test_cross_entropy_and_nll_like_torch(name):
    assert_same_as_torch(CROSS_ENTROPY[name])


# ============================================================ 2. binary cross entropy
def _both_grads(fn, a, b, **kw):
    fn(a, b, **kw).backward()
    return a.grad, b.grad


BCE_X, BCE_Y = [0.2, 0.7, 0.9], [0., 1., 1.]
BINARY_CROSS_ENTROPY = {
    "bce": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor(BCE_Y)),
    "bce-input-above-1": lambda L: L.F.binary_cross_entropy(L.T.tensor([1.5, 0.2]), L.T.tensor([1., 0.])),
    "bce-input-negative": lambda L: L.F.binary_cross_entropy(L.T.tensor([-0.5, 0.2]), L.T.tensor([1., 0.])),
    "bce-input-nan": lambda L: L.F.binary_cross_entropy(L.T.tensor([float("nan"), 0.2]), L.T.tensor([1., 0.])),
    "bce-target-out-of-range": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor([2., -1., 1.])),
    "bce-target-nan": lambda L: L.F.binary_cross_entropy(L.T.tensor([0.5, 0.5]), L.T.tensor([0.5, float("nan")])),
    "bce-both-out-of-range-target-first": lambda L: L.F.binary_cross_entropy(L.T.tensor([0.5, 2.]), L.T.tensor([3., 0.])),
    "bce-int-target": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor([0, 1, 1])),
    "bce-int-input": lambda L: L.F.binary_cross_entropy(L.T.tensor([0, 1, 1]), L.T.tensor(BCE_Y)),
    "bce-int-both": lambda L: L.F.binary_cross_entropy(L.T.tensor([0, 1]), L.T.tensor([0, 1])),
    "bce-f64-target": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor(BCE_Y, dtype=L.T.float64)),
    "bce-f64-input-out-of-range-f32-target": lambda L: L.F.binary_cross_entropy(
        L.T.ones(3, dtype=L.T.float64) * 2, L.T.ones(3)),
    "bce-shape-mismatch": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor([1.])),
    "bce-shape-mismatch-2d": lambda L: L.F.binary_cross_entropy(L.T.ones(2, 3) / 2, L.T.ones(3)),
    "bce-weight-broadcast": lambda L: L.F.binary_cross_entropy(
        L.T.ones(2, 3) / 3, L.T.ones(2, 3), weight=L.T.tensor([1., 2., 3.])),
    "bce-weight-broadcast-none": lambda L: L.F.binary_cross_entropy(
        L.T.ones(2, 3) / 3, L.T.ones(2, 3), weight=L.T.tensor([1., 2., 3.]), reduction="none"),
    "bce-weight-larger-than-input": lambda L: L.F.binary_cross_entropy(
        L.T.ones(3) / 3, L.T.ones(3), weight=L.T.ones(2, 3), reduction="none"),
    "bce-weight-not-broadcastable": lambda L: L.F.binary_cross_entropy(L.T.ones(2, 3) / 3, L.T.ones(2, 3), weight=L.T.ones(2)),
    "bce-weight-f64-keeps-input-dtype": lambda L: L.F.binary_cross_entropy(
        L.T.ones(2, 3) / 3, L.T.ones(2, 3), weight=L.T.ones(3, dtype=L.T.float64)),
    "bce-weight-long": lambda L: L.F.binary_cross_entropy(L.T.ones(3) / 2, L.T.ones(3), weight=L.T.ones(3, dtype=L.T.long)),
    "bce-empty": lambda L: L.F.binary_cross_entropy(L.T.ones(0), L.T.ones(0)),
    "bce-0d": lambda L: L.F.binary_cross_entropy(L.T.tensor(0.3), L.T.tensor(1.)),
    "bce-at-0-and-1": lambda L: L.F.binary_cross_entropy(L.T.tensor([0., 1.]), L.T.tensor([1., 0.]), reduction="none"),
    "bce-input-grad-at-0-and-1": lambda L: _both_grads(
        L.F.binary_cross_entropy, L.T.tensor([0., 1., 0.5], requires_grad=True),
        L.T.tensor([1., 0., 0.25], requires_grad=True), reduction="sum"),
    "bce-module-weighted": lambda L: L.nn.BCELoss(weight=L.T.tensor([1., 2., 3.]))(L.T.ones(2, 3) / 3, L.T.ones(2, 3)),
    "bce-bad-reduction": lambda L: L.F.binary_cross_entropy(L.T.tensor(BCE_X), L.T.tensor(BCE_Y), reduction="x"),
    "logits": lambda L: L.F.binary_cross_entropy_with_logits(L.T.tensor(BCE_X), L.T.tensor(BCE_Y)),
    "logits-int-target": lambda L: L.F.binary_cross_entropy_with_logits(L.T.tensor(BCE_X), L.T.tensor([0, 1, 1])),
    "logits-int-input": lambda L: L.F.binary_cross_entropy_with_logits(L.T.tensor([0, 1, 1]), L.T.tensor(BCE_Y)),
    "logits-bool-target": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.tensor(BCE_X), L.T.tensor([False, True, True])),
    "logits-f64-target": lambda L: L.F.binary_cross_entropy_with_logits(L.T.tensor(BCE_X), L.T.tensor(BCE_Y, dtype=L.T.float64)),
    "logits-f64-input-has-target-dtype": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.tensor(BCE_X, dtype=L.T.float64), L.T.tensor(BCE_Y)),
    "logits-mixed-dtype-grads": lambda L: _both_grads(
        L.F.binary_cross_entropy_with_logits, L.T.tensor(BCE_X, dtype=L.T.float64, requires_grad=True),
        L.T.tensor(BCE_Y, requires_grad=True)),
    "logits-mixed-dtype-grads-2": lambda L: _both_grads(
        L.F.binary_cross_entropy_with_logits, L.T.tensor(BCE_X, requires_grad=True),
        L.T.tensor(BCE_Y, dtype=L.T.float64, requires_grad=True)),
    "logits-shape-mismatch": lambda L: L.F.binary_cross_entropy_with_logits(L.T.tensor(BCE_X), L.T.tensor([1.])),
    "logits-shape-mismatch-2d": lambda L: L.F.binary_cross_entropy_with_logits(L.T.ones(2, 3), L.T.ones(3)),
    "logits-pos-weight": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(2, 3), L.T.ones(2, 3), pos_weight=L.T.tensor([1., 2., 3.]), reduction="none"),
    "logits-pos-weight-not-broadcastable": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(2, 3), L.T.ones(2, 3), pos_weight=L.T.tensor([1., 2.])),
    "logits-pos-weight-larger-than-input": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), pos_weight=L.T.ones(2, 3), reduction="none"),
    "logits-pos-weight-f64": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), pos_weight=L.T.ones(3, dtype=L.T.float64)),
    "logits-pos-weight-int": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), pos_weight=L.T.tensor([1, 2, 3])),
    "logits-pos-weight-list": lambda L: L.F.binary_cross_entropy_with_logits(L.T.ones(3), L.T.ones(3), pos_weight=[1., 2., 3.]),
    "logits-weight-broadcast": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(2, 3), L.T.ones(2, 3), weight=L.T.tensor([1., 2., 3.]), reduction="none"),
    "logits-weight-not-broadcastable": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(2, 3), L.T.ones(2, 3), weight=L.T.ones(2)),
    "logits-weight-larger-than-input": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), weight=L.T.ones(2, 3), reduction="none"),
    "logits-weight-f64-keeps-dtype": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), weight=L.T.ones(3, dtype=L.T.float64)),
    "logits-weight-long": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.ones(3), L.T.ones(3), weight=L.T.ones(3, dtype=L.T.long)),
    "logits-empty": lambda L: L.F.binary_cross_entropy_with_logits(L.T.ones(0), L.T.ones(0)),
    "logits-inf-and-nan": lambda L: L.F.binary_cross_entropy_with_logits(
        L.T.tensor([float("inf"), -float("inf"), float("nan")]), L.T.tensor([1., 0., 1.]), reduction="none"),
    "logits-module-pos-weight": lambda L: L.nn.BCEWithLogitsLoss(pos_weight=L.T.tensor([1., 2., 3.]))(
        L.T.ones(2, 3), L.T.ones(2, 3)),
}


@pytest.mark.parametrize("name", list(BINARY_CROSS_ENTROPY))
def test_binary_cross_entropy_like_torch(name):
    assert_same_as_torch(BINARY_CROSS_ENTROPY[name])


# ============================================================ deliberate differences
def test_negative_or_nan_label_smoothing_is_an_error():
    """PyTorch silently ignores a negative or NaN label_smoothing (it only checks values above 0);
    a value outside [0, 1] is a mistake, so minigrad refuses it for both kinds of target."""
    x = minigrad.tensor(X)
    for target in (minigrad.tensor([1, 0]), minigrad.tensor(P)):
        for bad in (-0.1, float("nan")):
            with pytest.raises(RuntimeError, match="label_smoothing must be between 0.0 and 1.0"):
                minigrad.nn.functional.cross_entropy(x, target, label_smoothing=bad)


def test_unbatched_one_element_target_with_smoothing_works():
    """PyTorch fails on this call ("output with shape [] doesn't match the broadcast shape [1]");
    minigrad gives what the 0-d target gives."""
    F = minigrad.nn.functional
    x = minigrad.tensor([1., 2., 3.])
    for reduction in ("none", "mean", "sum"):
        ours = F.cross_entropy(x, minigrad.tensor([2]), label_smoothing=0.1, reduction=reduction)
        ref = torch.nn.functional.cross_entropy(torch.tensor([1., 2., 3.]), torch.tensor(2),
                                                label_smoothing=0.1, reduction=reduction)
        assert tuple(ours.shape) == tuple(ref.shape) == ()
        assert math.isclose(ours.item(), ref.item(), rel_tol=1e-6)


@pytest.mark.parametrize("fn", ["binary_cross_entropy", "binary_cross_entropy_with_logits"])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_binary_cross_entropy_non_tensor_argument_is_a_type_error(fn, position):
    """PyTorch raises AttributeError ("'list' object has no attribute 'size'") for a list input
    or target and accepts a list weight of binary_cross_entropy by accident; minigrad names the
    argument in a TypeError, as PyTorch does for its other loss arguments."""
    args = [minigrad.ones(3) / 2, minigrad.ones(3), minigrad.ones(3)]
    args[position] = [0.5, 0.5, 0.5]
    name = ["input", "target", "weight"][position]
    with pytest.raises(TypeError, match=rf"{fn}\(\): argument '{name}' \(position {position + 1}\) "
                                        r"must be Tensor, not list"):
        getattr(minigrad.nn.functional, fn)(args[0], args[1], weight=args[2])


def test_bce_with_logits_weights_may_require_grad():
    """PyTorch refuses a weight or pos_weight that requires grad; minigrad gives its gradient
    (checked against the formula the loss is)."""
    x = minigrad.tensor([[0.5, -1., 2.]], dtype=minigrad.float64, requires_grad=True)
    y = minigrad.tensor([[1., 0., 0.3]], dtype=minigrad.float64)
    pw = minigrad.tensor([1., 2., 3.], dtype=minigrad.float64, requires_grad=True)
    w = minigrad.tensor([2., 1., .5], dtype=minigrad.float64, requires_grad=True)
    minigrad.nn.functional.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw).backward()
    tx, ty = torch.tensor(x.tolist(), dtype=torch.float64), torch.tensor(y.tolist(), dtype=torch.float64)
    tpw = torch.tensor(pw.tolist(), dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(w.tolist(), dtype=torch.float64, requires_grad=True)
    ref = -tw * (tpw * ty * torch.nn.functional.logsigmoid(tx)
                 + (1 - ty) * torch.nn.functional.logsigmoid(-tx))
    ref.mean().backward()
    np.testing.assert_allclose(pw.grad.numpy(), tpw.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
