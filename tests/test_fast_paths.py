"""The training loop's fast paths (issue 11, per-op overhead) give what the checked paths give, bit
for bit, and bad input still gets the checked path's error:

* ``F.cross_entropy`` for (N, C) float logits and N int64 class indices (``CrossEntropyIndex``
  with ``ignore_index=None``), against the general route with the same meaning (uint8 targets,
  or all-ones class weights, take the checks);
* ``F.relu`` for a float tensor;
* ``Op.apply``'s node: the engine calls each op's static ``backward`` directly.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.autograd.function import Op
from minigrad.ops import activation, loss as loss_ops


def _ce_run(logits, target, dtype, **kwargs):
    x = minigrad.tensor(logits.astype(dtype), requires_grad=True)
    out = F.cross_entropy(x, target, **kwargs)
    out.backward()
    return out.detach().numpy().copy(), x.grad.numpy().copy(), out.grad_fn.name()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n,c", [(1, 2), (7, 5), (64, 10), (3, 1)])
def test_cross_entropy_fast_path_equals_the_checked_path(dtype, n, c):
    rng = np.random.default_rng(n * 31 + c)
    logits = rng.standard_normal((n, c)) * 4
    labels = rng.integers(0, c, n)
    fast = _ce_run(logits, minigrad.tensor(labels), dtype)
    as_uint8 = _ce_run(logits, minigrad.tensor(labels.astype(np.uint8)), dtype)
    weighted = _ce_run(logits, minigrad.tensor(labels), dtype, weight=minigrad.ones(c, dtype=minigrad.float32 if dtype == np.float32 else minigrad.float64))
    for other in (as_uint8, weighted):
        np.testing.assert_array_equal(fast[0], other[0])
        np.testing.assert_array_equal(fast[1], other[1])
    assert fast[2] == "NllLossBackward0"


def test_cross_entropy_fast_path_is_taken_and_sees_extreme_logits():
    x = minigrad.tensor([[1e4, -1e4, 0.0], [float("inf"), 0.0, 1.0]], requires_grad=True)
    y = minigrad.tensor([1, 2])
    out = F.cross_entropy(x, y)
    ref = F.cross_entropy(x, minigrad.tensor([1, 2], dtype=minigrad.uint8))
    np.testing.assert_array_equal(out.detach().numpy(), ref.detach().numpy())
    assert out.grad_fn.__class__ is loss_ops.CrossEntropyIndex


@pytest.mark.parametrize("target,error,message", [
    ([0, 3], IndexError, "Target 3 is out of bounds."),
    ([0, -1], IndexError, "Target -1 is out of bounds."),
    ([0, 1, 2], ValueError, r"Expected input batch_size \(2\) to match target batch_size \(3\)"),
])
def test_cross_entropy_bad_targets_get_the_checked_errors(target, error, message):
    x = minigrad.randn(2, 3, requires_grad=True)
    with pytest.raises(error, match=message):
        F.cross_entropy(x, minigrad.tensor(target))


def test_cross_entropy_ignored_targets_still_ignored():
    x = minigrad.randn(3, 4, requires_grad=True)
    y = minigrad.tensor([1, -100, 2])
    out = F.cross_entropy(x, y)
    keep = F.cross_entropy(x[[0, 2]], minigrad.tensor([1, 2]))
    np.testing.assert_allclose(out.item(), keep.item(), rtol=1e-6)
    out.backward()
    assert (x.grad.numpy()[1] == 0).all()


def test_cross_entropy_other_arguments_take_the_checked_route():
    x = minigrad.randn(4, 3)
    y = minigrad.tensor([0, 1, 2, 0])
    with pytest.raises(ValueError, match="is not a valid value for reduction"):
        F.cross_entropy(x, y, reduction="avg")
    with pytest.raises(TypeError, match="must be Tensor"):
        F.cross_entropy(x.numpy(), y)
    smooth = F.cross_entropy(x, y, label_smoothing=0.1)
    assert smooth.item() != F.cross_entropy(x, y).item()
    assert F.cross_entropy(x, y, reduction="sum").item() == pytest.approx(4 * F.cross_entropy(x, y).item(), rel=1e-6)


def test_relu_fast_path_equals_the_op_and_errors_stay():
    x = minigrad.tensor([[-1.0, 0.0, 2.5, float("nan")]], requires_grad=True)
    y = F.relu(x)
    y.sum().backward()
    ref_x = minigrad.tensor([[-1.0, 0.0, 2.5, float("nan")]], requires_grad=True)
    ref = activation.relu(ref_x)
    ref.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), ref.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), ref_x.grad.numpy())
    assert y.grad_fn.name() == "ReluBackward0"
    assert F.relu(minigrad.tensor([-2, 3])).tolist() == [0, 3]  # integers: the checked route
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        F.relu(minigrad.tensor([True, False]))
    with pytest.raises(TypeError, match=r"relu\(\): argument 'input' \(position 1\) must be Tensor"):
        F.relu([1.0, -1.0])
    z = minigrad.tensor([-1.0, 1.0])
    assert F.relu(z, inplace=True) is z and z.tolist() == [0.0, 1.0]


def test_ops_backward_is_bound_as_the_nodes_method():
    class Triple(Op):
        @staticmethod
        def forward(ctx, a):
            return a * 3

        @staticmethod
        def backward(ctx, grad):
            return grad * 3

    class TripleAgain(Triple):  # inherits forward and backward
        pass

    class Custom(Triple):  # a subclass that defines its own _run_backward keeps it
        def _run_backward(self, grad):
            return (grad * 5,)

    assert Triple._run_backward is Triple.__dict__["backward"].__func__
    for cls, factor in ((Triple, 3.0), (TripleAgain, 3.0), (Custom, 5.0)):
        x = minigrad.ones(2, requires_grad=True)
        cls.apply(x).sum().backward()
        assert x.grad.tolist() == [factor, factor]
