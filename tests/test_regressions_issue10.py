"""Regression tests for issue 10 (items 4-12) and for what the op sweep and the fuzzer found.

Each test is the smallest program that shows one defect, compared with PyTorch 2.13 where
PyTorch has the behaviour. Each was written to fail before its fix; a test of a defect not fixed yet stays marked
``xfail(strict=True, reason="issue 10: ...")``, so that it fails the suite once it passes.
"""
import math
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as mnn
import minigrad.nn.functional as F

torch = pytest.importorskip("torch")

VERSION_ERROR = "one of the variables needed for gradient computation has been modified by an inplace operation"


def xfail(reason):
    return pytest.mark.xfail(strict=True, reason=f"issue 10: {reason}")


def run_both(code):
    """The values of ``r`` after ``code`` with ``L`` = minigrad and = torch (or the exception)."""
    out = []
    for L in (minigrad, torch):
        scope = {"L": L, "F": L.nn.functional, "np": np, "math": math}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(code, scope)  # noqa: S102 - the cases below
            out.append(scope["r"])
        except Exception as exc:  # noqa: BLE001 - compared
            out.append(exc)
    return out


def assert_same_refusal(code):
    """torch raises on ``code``; minigrad must raise the same exception type (or a subclass)."""
    m, t = run_both(code)
    assert isinstance(t, Exception), f"torch gave {t!r}"
    assert isinstance(m, type(t)), f"minigrad gave {m!r}, torch raised {t!r}"


def assert_same(code, rtol=1e-6, atol=1e-7):
    m, t = run_both(code)
    if isinstance(t, Exception):
        assert isinstance(m, type(t)), f"torch raised {t!r}; minigrad gave {m!r}"
        return
    assert not isinstance(m, Exception), f"minigrad raised {m!r}; torch gave {t!r}"
    m = m if isinstance(m, (tuple, list)) else [m]
    t = t if isinstance(t, (tuple, list)) else [t]
    assert len(m) == len(t)
    for a, b in zip(m, t):
        if isinstance(b, torch.Tensor):
            assert isinstance(a, minigrad.Tensor), f"{a!r} is not a tensor"
            assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], (a.dtype, b.dtype)
            assert tuple(a.shape) == tuple(b.shape), (tuple(a.shape), tuple(b.shape))
            assert a.requires_grad == b.requires_grad
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(force=True),
                                       rtol=rtol, atol=atol, equal_nan=True)
        else:
            assert a == b or (a != a and b != b), (a, b)


# ------------------------------------------------------------------ item 4: untracked views
def test_einsum_view_write_raises_the_version_error():
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = x * 1
    s = (a * a).sum()  # saves a
    minigrad.einsum("ij->ji", a).zero_()
    with pytest.raises(RuntimeError, match=VERSION_ERROR):
        s.backward()


def test_diagonal_view_write_raises_the_version_error():
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    a = x * 1
    s = (a * a).sum()
    d = a.diagonal()
    d.add_(1)
    assert a._version == 1
    with pytest.raises(RuntimeError, match=VERSION_ERROR):
        s.backward()


def test_diag_of_a_matrix_is_a_writable_copy():
    assert_same("x = L.tensor([[1., 2.], [3., 4.]]); d = L.diag(x); d.add_(1); r = (d, x)")


def test_ravel_of_a_strided_tensor_is_a_copy():
    assert_same("x = L.arange(8.).reshape(2, 4)[:, ::2]; v = x.ravel(); v.add_(1); r = (v, x)")


# ------------------------------------------------------------------ item 5: 0-d tensors stay 0-d
@pytest.mark.parametrize("code", [
    "r = L.relu(L.tensor(-2.))",
    "r = F.relu(L.tensor(3.))",
    "r = L.tensor(3.).relu()",
    "r = L.nn.ReLU()(L.tensor(3.))",
    "r = F.dropout(L.tensor(3.), 0.5).shape",
    "r = L.nn.Dropout(0.5)(L.tensor(3.)).shape",
    "r = L.relu(L.tensor(2., dtype=L.float64)) + L.ones(3)",
])
def test_zero_d_relu_and_dropout_keep_the_shape(code):
    assert_same(code)


def test_relu_of_a_zero_d_leaf_backward():
    assert_same("x = L.tensor(2., requires_grad=True); L.relu(x).backward(); r = x.grad")


# ------------------------------------------------------------------ item 6: masks select
def test_clamp_then_sqrt_gradient_is_zero_not_nan():
    assert_same("x = L.tensor([-1., 4.], requires_grad=True); "
                "x.clamp(min=0).sqrt().sum().backward(); r = x.grad")


@pytest.mark.parametrize("op", ["max()", "min()", "median()", "clamp(-1, 1)", "clamp_max(1)",
                                "clip(0, 2)"])
def test_masked_gradients_with_an_infinite_upstream_gradient(op):
    assert_same(f"x = L.tensor([1., 3., -2.], requires_grad=True); y = x.{op}; "
                "y.backward(L.full(y.shape, float('inf'))); r = x.grad")


# ------------------------------------------------------------------ item 7: cross_entropy
@pytest.mark.parametrize("bad", ["float('nan')", "float('inf')", "-float('inf')"])
def test_cross_entropy_ignores_nan_logits_of_ignored_rows(bad):
    assert_same(f"x = L.tensor([[{bad}, 1.], [1., 2.], [0.5, 0.5]], requires_grad=True); "
                "loss = F.cross_entropy(x, L.tensor([-100, 1, 0])); loss.backward(); "
                "r = (loss, x.grad)")


# ------------------------------------------------------------------ item 8: gradient dtypes
@pytest.mark.parametrize("op", ["max()", "min()", "amax()", "amin()", "aminmax()[0]",
                                "aminmax()[1]", "amax(0).sum()"])
def test_reduction_gradients_keep_the_input_dtype(op):
    assert_same(f"x = L.tensor([[1., -2.], [3., 0.5]], requires_grad=True); "
                f"y = L.relu(x).{op}; y.backward(); r = x.grad")


@pytest.mark.parametrize("op", ["max()", "min()", "amax()", "amin()"])
def test_gradient_arriving_at_an_intermediate_has_its_dtype(op):
    seen = []
    x = minigrad.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * 1
    y.register_hook(lambda g: seen.append(g.dtype))
    getattr(y, op.split("(")[0])().backward()
    assert seen == [minigrad.float32]


def test_sum_with_dtype_sends_the_input_dtype_back():
    seen = []
    x = minigrad.tensor([1.0, 2.0], dtype=minigrad.float64, requires_grad=True)
    y = x * 1
    y.register_hook(lambda g: seen.append(g.dtype))
    y.sum(dtype=minigrad.float32).backward()
    assert seen == [minigrad.float64]


# ------------------------------------------------------------------ item 9: optimizers, 0-d
@pytest.mark.parametrize("opt", ["SGD([p], lr=0.1, momentum=0.9)", "Adam([p], lr=0.1)",
                                 "AdamW([p], lr=0.1)", "Adam([p], amsgrad=True)", "RMSprop([p])",
                                 "Adagrad([p])", "Adamax([p])", "NAdam([p])", "RAdam([p])",
                                 "Adadelta([p])", "ASGD([p])", "Rprop([p])"])
def test_optimizers_step_zero_d_float64_parameters(opt):
    """(was: the fma kernel's operands went through np.ascontiguousarray, which made the 0-d
    parameter 1-d; Rprop indexed a numpy scalar)"""
    assert_same(f"p = L.nn.Parameter(L.tensor(1.5, dtype=L.float64)); o = L.optim.{opt}; "
                "(p * p).backward(); o.step(); o.zero_grad(); (p * p).backward(); o.step(); "
                "r = p.detach()", rtol=1e-12, atol=0)


# ------------------------------------------------------------------ item 10: 0-d and bool
@pytest.mark.parametrize("code", ["r = L.tensor(-2.).sign()", "r = L.sgn(L.tensor(-2.))",
                                  "r = L.tensor(0.).sgn()", "x = L.tensor(-2.); x.sign_(); r = x"])
def test_sign_of_zero_d(code):
    assert_same(code)


@pytest.mark.parametrize("expr", ["x.abs()", "F.l1_loss(x, L.tensor(1.))",
                                  "F.smooth_l1_loss(x, L.tensor(1.))",
                                  "F.huber_loss(x, L.tensor(1.))"])
def test_zero_d_backward_of_abs_and_losses(expr):
    assert_same(f"x = L.tensor(-2.5, requires_grad=True); ({expr}).backward(); r = x.grad")


def test_sign_of_bool():
    assert_same("r = L.tensor([True, False]).sign()")


# ------------------------------------------------------------------ item 11
def test_relu_inplace_method_on_int64():
    assert_same("x = L.tensor([-1, 2, 0]); x.relu_(); r = x")


def test_linear_with_no_input_features_on_3d_input():
    assert_same("x = L.ones(2, 3, 0); w = L.ones(4, 0); r = F.linear(x, w, L.ones(4))")


def test_linear_of_integer_tensors():
    assert_same("r = F.linear(L.tensor([[1, 2]]), L.tensor([[1, 1], [2, 0]]), L.tensor([1, 1]))")


# ------------------------------------------------------------------ item 12
def test_float32_std_of_huge_values():
    assert_same("r = L.tensor([3e38, 0.]).std()", rtol=1e-6)


def test_cov_of_one_variable_is_zero_d():
    assert_same("r = L.cov(L.tensor([[1., 2., 4.]]))")


@pytest.mark.parametrize("code", ["r = L.tensor([1, 2]).softmax(0)",
                                  "r = L.tensor([1, 2]).log_softmax(0)",
                                  "r = L.softmax(L.tensor([[1, 2]]), 0)",
                                  "r = L.tensor([1., 2.]).softmax(0, dtype=L.int64)",
                                  "r = L.tensor([True, False]).abs()"])
def test_integer_inputs_pytorch_refuses(code):
    assert_same_refusal(code)


def test_cross_entropy_all_weights_zero():
    assert_same("x = L.tensor([[1., 2.], [0., 1.]], requires_grad=True); "
                "loss = F.cross_entropy(x, L.tensor([0, 1]), weight=L.zeros(2)); "
                "loss.backward(); r = (loss, x.grad)")


# ------------------------------------------------------------------ the engine (found by the fuzzer)
def test_backward_from_the_same_root_twice():
    assert_same("b = L.ones(2, requires_grad=True); d = (b * 2) * 3; "
                "L.autograd.backward([d, d], [L.ones(2), L.ones(2)]); r = b.grad")


def test_backward_from_dependent_roots():
    assert_same("b = L.ones(2, requires_grad=True); a = b * 2; d = a * 3; "
                "L.autograd.backward([d, a], [L.ones(2), L.ones(2)]); r = b.grad")


def test_backward_from_a_view_and_its_base_after_an_in_place_write():
    assert_same("b = L.arange(6.).reshape(3, 2).requires_grad_(); c = b.clone(); "
                "x = c.transpose(0, 1); x += 1; "
                "L.autograd.backward([x, c], [L.ones(2, 3), L.ones(3, 2)]); r = b.grad")


def test_zero_d_gradients_accumulate():
    assert_same("v = L.tensor(0.25, dtype=L.float64, requires_grad=True); "
                "e = L.tensor(1.5, dtype=L.float64, requires_grad=True); "
                "s0 = e.__rsub__(v); s1 = L.add(v, v); "
                "L.autograd.backward([s0, s1], [L.tensor(1., dtype=L.float64)] * 2); r = (v.grad, e.grad)")


def test_promoted_integer_operand_changed_in_place_afterwards():
    """Documented (docs/core_differences.md): an integer operand that an op promotes to float is
    saved as the promoted copy, so changing it in place afterwards does not change the gradient
    (found by the fuzzer: seed 792, kron; PyTorch's kron uses the new values, its mul raises)."""
    a = minigrad.tensor([[0.5, 0.25, 0.625]], requires_grad=True)
    v = minigrad.tensor([[4], [0], [-5]])
    s = minigrad.kron(a, v)
    v.clamp_max_(1)
    s.backward(minigrad.ones(3, 3))
    assert a.grad.tolist() == [[-1.0, -1.0, -1.0]]  # 4 + 0 - 5: the values the forward used


# ------------------------------------------------------------------ found by the op sweep
def test_write_through_an_expanded_view():
    """(was: the write was silently dropped when a gradient was needed)"""
    assert_same("b = L.tensor([[1., -2., 3.]], requires_grad=True); c = b.clone(); "
                "x = c.expand(2, 3); x[0] = 1.5; r = (x.detach(), c.detach())")


@xfail("the gradient through a write into an expand()ed view reaches the overwritten elements")
def test_gradient_through_a_write_into_an_expanded_view():
    assert_same("b = L.tensor([[1., -2., 3.]], requires_grad=True); c = b.clone(); "
                "x = c.expand(2, 3); x[0] = 1.5; c.sum().backward(); r = b.grad")


def test_copy_into_an_integer_tensor_does_not_require_grad():
    assert_same("x = L.zeros(3, dtype=L.int64); y = L.tensor([1., 2., 3.], requires_grad=True); "
                "x.copy_(y); r = x")


def test_chunk_of_an_empty_dimension():
    assert_same("r = L.zeros(0, 4).chunk(2)")


def test_index_copy_zero_d_gradient():
    assert_same("x = L.tensor(1., requires_grad=True); s = L.tensor(2., requires_grad=True); "
                "y = x.index_copy(0, L.tensor([0]), s); y.backward(); r = (x.grad, s.grad)")


def test_logit_gradient_outside_its_domain():
    assert_same("x = L.tensor([1.5, 0.5], requires_grad=True); x.logit().sum().backward(); "
                "r = x.grad")


def test_sqrt_power_gradient_at_special_values():
    assert_same("x = L.tensor([-float('inf'), -0.0, 4.], requires_grad=True); "
                "(x ** 0.5).sum().backward(); r = x.grad")


def test_mse_loss_gradient_of_huge_values():
    assert_same("x = L.tensor([3.4e38, 1.], requires_grad=True); "
                "F.mse_loss(x, L.tensor([-1., 0.])).backward(); r = x.grad", rtol=1e-5)


@pytest.mark.parametrize("code", ["r = L.einsum('ij->', L.tensor([[True, True]]))",
                                  "r = L.tensor([1, 2, 3]).__rlshift__(True)",
                                  "r = L.addcmul(L.tensor(True), L.tensor(True), L.tensor(0.5, dtype=L.float64), value=0.5)"])
def test_result_dtypes(code):
    assert_same(code)


@pytest.mark.parametrize("code", ["r = L.addcmul(L.tensor([1, 2]), L.tensor([3, 4]), L.tensor([5, 6]), value=0.5)",
                                  "r = L.addr(L.tensor([[True]]), L.tensor([True]), L.tensor([True]), beta=2)"])
def test_fractional_scalars_on_integer_tensors(code):
    assert_same(code)


@pytest.mark.parametrize("code", ["r = L.atleast_1d((L.ones(2), L.ones(2)), 0)",
                                  "r = L.tensor(1.).split([1, 2])",
                                  "r = L.cat([L.tensor(1.)])",
                                  "r = L.ones(2).heaviside(0.5)",
                                  "r = L.ones(2, 3).diff(1, -1, L.zeros(1))"])
def test_errors_have_pytorch_types(code):
    assert_same_refusal(code)


@pytest.mark.parametrize("code", ["r = L.ones(2, 3).tile(2, 1)",
                                  "r = str(L.ones(2, 3).type('torch.LongTensor').dtype)[-5:]",
                                  "r = L.ones(2, 3).scatter(0, L.tensor([[0, 1, 0]]), L.ones(1, 3), reduce='add')"])
def test_valid_arguments_are_accepted(code):
    assert_same(code)


_ACCEPTS = xfail("minigrad.reshape accepts Tensor.reshape's argument forms (the sizes as "
                 "separate arguments)")


@pytest.mark.parametrize("code", ["r = L.broadcast_tensors([L.ones(2), L.ones(2)])",
                                  "r = L.flip(L.ones(2, 3), 0)",
                                  pytest.param("r = L.reshape(L.ones(2, 3), 3, 2)", marks=_ACCEPTS),
                                  "r = L.cartesian_prod(L.ones(2, 2))"])
def test_invalid_arguments_are_refused(code):
    assert_same_refusal(code)


# ------------------------------------------------------------------ found by the long fuzzing runs
def test_trapezoid_of_no_samples_is_outside_the_graph():
    assert_same("x = L.ones(3, 0, requires_grad=True); r = L.trapz(x)")


def test_addmm_beta_zero_gradient_is_zero_times_the_gradient():
    """PyTorch ignores input's values when beta is 0, but its gradient is 0 * grad (NaN where
    the upstream gradient is)."""
    assert_same("c = L.tensor([[float('nan'), 1.]], dtype=L.float64, requires_grad=True); "
                "y = L.addmm(c, L.ones(1, 2, dtype=L.float64), L.ones(2, 2, dtype=L.float64), beta=0); "
                "y.backward(L.tensor([[float('nan'), 1.]], dtype=L.float64)); r = (y, c.grad)")


def test_view_requires_grad_after_its_base_is_written_in_place():
    assert_same("s0 = L.zeros(1, 1); s1 = s0.expand(1, 0); s0.sub_(L.ones(1, 1, requires_grad=True)); "
                "r = (s1.requires_grad, s0.requires_grad)")


def test_power_minus_one_half_at_special_values():
    """x ** -0.5 is PyTorch's rsqrt kernel (NaN at -inf, -inf at -0.0), and so is the gradient of
    x ** 0.5."""
    assert_same("x = L.tensor([-float('inf'), -0.0, 4., float('inf')], requires_grad=True); "
                "y = x ** -0.5; (x ** 0.5).sum().backward(); r = (y, x.grad)")


def test_x_divided_by_x_gradient():
    """The divisor's gradient in PyTorch's order, -grad * ((a / b) / b): x / x's gradient cancels
    to 0 exactly, as PyTorch's."""
    assert_same("x = L.tensor([-0.003695165, 0.19165755, -1.2764619], requires_grad=True); "
                "(x / x).sum().backward(); r = x.grad", rtol=0, atol=0)


def test_kron_gradient_uses_the_forward_values_of_an_operand_changed_in_place():
    """Fuzzer seed 7 (CI): an integer operand of kron written in place after the product. PyTorch's
    kron backward reads the new values without its version error (docs/core_differences.md);
    minigrad's gradient is the one of the product that was computed."""
    a = minigrad.tensor([[-5, 3, 5]])
    e = minigrad.ones(1, 3, dtype=minigrad.float64, requires_grad=True)
    s = minigrad.kron(a, e)
    a.mul_(2)
    s.sum().backward()
    assert e.grad.tolist() == [[3.0, 3.0, 3.0]]
