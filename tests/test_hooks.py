"""``Tensor.register_hook`` against PyTorch: each scenario runs the same code on both libraries
(``L`` is ``minigrad`` or ``torch``) and returns what the hooks saw and the gradients; the two
must match (order of the calls, values, replacements, errors)."""
import gc
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def _plain(x):
    """Tensors as (dtype name, nested lists), recursively, so both libraries compare equal."""
    if hasattr(x, "detach"):
        return (str(x.dtype).split(".")[-1], x.detach().numpy().tolist())
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    return x


def same(scenario):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m, t = scenario(minigrad), scenario(torch)
    assert _plain(m) == _plain(t)
    return m


def order_and_replacement(L):
    log = []
    x = L.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: log.append(("x1", g.clone())))
    x.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: log.append(("x3", g.clone())))
    y = x * 3
    y.register_hook(lambda g: log.append(("y1", g.clone())) or g + 1)
    y.register_hook(lambda g: log.append(("y2", g.clone())))
    z = (y * y).sum() + x.sum()
    z.backward()
    return log, x.grad


def leaf_hook_sees_the_sum_once(L):
    log = []
    a = L.tensor([1.0, -1.0], requires_grad=True)
    a.register_hook(lambda g: log.append(g.clone()))
    (a * 2 + a * 3 + a.exp()).sum().backward()
    return log, a.grad


def leaf_hook_runs_before_accumulation(L):
    log = []
    a = L.tensor([1.0, 2.0], requires_grad=True)
    a.grad = L.tensor([10.0, 10.0])
    a.register_hook(lambda g: log.append((g.clone(), a.grad.clone())) or g * 0.5)
    (a * 4).sum().backward()
    return log, a.grad


def hook_on_the_root(L):
    log = []
    a = L.ones(2, requires_grad=True)
    s = (a * 2).sum()
    s.register_hook(lambda g: log.append(g.clone()) or g * 10)
    s.backward()
    return log, a.grad


def hook_on_a_leaf_root(L):
    a = L.tensor([1.0, 2.0], requires_grad=True)
    a.register_hook(lambda g: g * 3)
    a.backward(L.tensor([1.0, 1.0]))
    return a.grad


def retain_grad_sees_the_hooked_gradient(L):
    out = []
    for retain_first in (False, True):
        y = L.ones(2, requires_grad=True) * 1
        if retain_first:
            y.retain_grad()
        y.register_hook(lambda g: g * 7)
        if not retain_first:
            y.retain_grad()
        y.sum().backward()
        out.append(y.grad)
    return out


def hooks_and_inplace(L):
    log = []
    a = L.ones(2, requires_grad=True)
    b = a * 2
    b.register_hook(lambda g: log.append(("before", g.clone())))
    b.add_(1)
    b.register_hook(lambda g: log.append(("after", g.clone())) or g * 3)
    (b * b).sum().backward()
    return log, a.grad


def hook_on_views(L):
    log = []
    a = L.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = a * 1
    row = y[1]
    row.register_hook(lambda g: log.append(g.clone()) or g * 100)
    (row * 2).sum().backward()
    return log, a.grad


def remove_handles(L):
    x = L.ones(2, requires_grad=True)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    h.remove()  # a second remove does nothing
    x.sum().backward()
    first = x.grad.clone()
    x.grad = None
    with x.register_hook(lambda g: g * 2):
        x.sum().backward()
    second = x.grad.clone()
    x.grad = None
    x.sum().backward()
    y = x * 1
    hy = y.register_hook(lambda g: g * 5)
    hy.remove()
    y.sum().backward()
    return first, second, x.grad


def autograd_grad_and_hooks(L):
    x = L.ones(2, requires_grad=True)
    x.register_hook(lambda g: g * 5)
    y = x * 2
    y.register_hook(lambda g: g * 10)
    # a leaf's gradient is taken after its hooks, a non-leaf's before them (as in PyTorch)
    return L.autograd.grad((y * 3).sum(), [y, x])


def backward_inputs_and_hooks(L):
    log = []
    a = L.ones(2, requires_grad=True)
    c = L.ones(2, requires_grad=True)
    a.register_hook(lambda g: log.append("a"))
    c.register_hook(lambda g: log.append("c") or g * 2)
    (a * c).sum().backward(inputs=[c])
    y = a * 2
    y.register_hook(lambda g: g * 10)
    y.retain_grad()
    (y * 3).sum().backward(inputs=[y])
    return log, a.grad, c.grad, y.grad


def hooks_run_outside_the_graph(L):
    seen = []
    x = L.ones(2, requires_grad=True)
    x.register_hook(lambda g: seen.append(L.is_grad_enabled()))
    y = x * 2
    y.register_hook(lambda g: seen.append((L.is_grad_enabled(), g.requires_grad)))
    y.sum().backward()
    return seen


def hooks_run_every_pass(L):
    log = []
    w = L.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: log.append(g.clone()))
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    return log, w.grad


def unreached_leaf_hook_does_not_run(L):
    log = []
    a = L.ones(2, requires_grad=True)
    b = L.ones(2, requires_grad=True)
    b.register_hook(lambda g: log.append("b"))
    (a * 2).sum().backward()
    return log, a.grad


def logged_gradient_is_not_changed_by_later_passes(L):
    log = []
    w = L.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: log.append(g))
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    return log, w.grad


def returned_tensor_is_not_aliased_by_grad(L):
    keep = L.tensor([1.0, 1.0])
    w = L.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: keep)
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    return keep, w.grad


def gradient_clipping_on_parameters(L):
    lin = L.nn.Linear(3, 2)
    with L.no_grad():
        lin.weight.copy_(L.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]]))
        lin.bias.fill_(0.1)
    for p in lin.parameters():
        p.register_hook(lambda g: g.clamp(-0.5, 0.5))
    x = L.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
    (lin(x) ** 2).sum().backward()
    return lin.weight.grad, lin.bias.grad


def custom_function_outputs(L):
    class Split(L.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    log = []
    x = L.tensor([1.0, 2.0], requires_grad=True)
    a, b = Split.apply(x)
    a.register_hook(lambda g: log.append(("a", g.clone())) or g * 10)
    b.register_hook(lambda g: log.append(("b", g.clone())))
    (a + b * b).sum().backward()
    return sorted(log, key=lambda e: e[0]), x.grad


@pytest.mark.parametrize("scenario", [
    order_and_replacement, leaf_hook_sees_the_sum_once, leaf_hook_runs_before_accumulation,
    hook_on_the_root, hook_on_a_leaf_root, retain_grad_sees_the_hooked_gradient,
    hooks_and_inplace, hook_on_views, remove_handles, autograd_grad_and_hooks,
    backward_inputs_and_hooks, hooks_run_outside_the_graph, hooks_run_every_pass,
    unreached_leaf_hook_does_not_run, logged_gradient_is_not_changed_by_later_passes,
    returned_tensor_is_not_aliased_by_grad, gradient_clipping_on_parameters,
    custom_function_outputs,
], ids=lambda f: f.__name__)
def test_hooks_match_torch(scenario):
    same(scenario)


def test_retain_grad_with_backward_inputs_fills_grad_once():
    def scenario(L):
        x = L.ones(2, requires_grad=True)
        y = x * 2
        y.retain_grad()
        (y * 3).sum().backward(inputs=[y])
        return y.grad

    same(scenario)


ERRORS = {
    "no-grad": lambda L: L.ones(2).register_hook(lambda g: g),
    "size": lambda L: _backward_with_hook(L, lambda g: L.ones(3), leaf=True),
    "size-nonleaf": lambda L: _backward_with_hook(L, lambda g: L.ones(3), leaf=False),
    "dtype": lambda L: _backward_with_hook(L, lambda g: g.double(), leaf=False),
    "not-a-tensor": lambda L: _backward_with_hook(L, lambda g: 3, leaf=True),
}


def _backward_with_hook(L, hook, leaf):
    x = L.ones(2, requires_grad=True)
    t = x if leaf else x * 2
    t.register_hook(hook)
    t.sum().backward()


@pytest.mark.parametrize("name", list(ERRORS))
def test_hook_errors_match_torch(name):
    def run(L):
        try:
            ERRORS[name](L)
        except Exception as exc:  # noqa: BLE001
            return type(exc), str(exc).replace("torch.", "minigrad.")
        return None, None

    t_type, t_msg = run(torch)
    assert t_type is not None
    m_type, m_msg = run(minigrad)
    assert m_type is t_type
    if name != "not-a-tensor":  # torch says "expected Variable"; minigrad names the Tensor
        assert m_msg == t_msg
    else:
        assert m_msg == "expected Tensor, but hook returned 'int'"


def test_handle_id_and_leaf_registry_is_freed():
    from minigrad.autograd import hooks

    x = minigrad.ones(2, requires_grad=True)
    h = x.register_hook(lambda g: g)
    assert isinstance(h.id, int)
    assert id(x) in hooks._LEAF_HOOKS
    del x
    gc.collect()
    assert not any(ref() is None for ref, _ in hooks._LEAF_HOOKS.values())


def test_no_hooks_no_wrapper():
    """Without leaf hooks the engine uses its sink as it is (the common path stays as it was)."""
    from minigrad.autograd import hooks, sinks

    x = minigrad.ones(3, requires_grad=True)
    y = (x * 2).sum()
    sink = sinks.LeafSink()
    assert hooks.with_leaf_hooks(sink, [y.grad_fn]) is sink
    x.register_hook(lambda g: g)
    assert hooks.with_leaf_hooks(sink, [y.grad_fn]) is not sink


def test_hook_gradient_values_float64():
    x = minigrad.tensor(np.array([0.5, -1.5]), requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.dtype))
    (x ** 2).sum().backward()
    assert seen == [minigrad.float64]
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -3.0])
