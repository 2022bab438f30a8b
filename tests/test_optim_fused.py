"""SGD's fused update (``_ops.sgd_step``, csrc/sgd.h) against its numpy definition
(``SGD._group_step``): the same bits for every option, dtype and thread count, the same state and
version counters, and the numpy route for whatever the kernel does not take."""
import itertools

import numpy as np
import pytest

import minigrad
from minigrad import _ops
from minigrad.optim import SGD

OPTIONS = [dict(momentum=m, dampening=d, nesterov=n, weight_decay=w, maximize=x)
           for m, d, n, w, x in itertools.product((0, 0.9), (0, 0.3), (False, True), (0, 0.01),
                                                  (False, True))
           if not (n and (m == 0 or d != 0))]


def _numpy_route(monkeypatch):
    monkeypatch.setattr(SGD, "_fused_group_step",
                        lambda self, group: self._group_step(group, group["params"]))


def _train(dtype, options, shapes=((37,), (5, 3), (1,)), steps=6, lr=0.05):
    rng = np.random.default_rng(0)
    params = [minigrad.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]
    opt = SGD(params, lr=lr, **options)
    for step in range(steps):
        for p in params:
            a = p.detach().numpy().astype(np.float64)
            p.grad = minigrad.tensor((np.sin(3 * a) + 0.1 * a + 0.01 * step).astype(dtype))
        opt.step()
    state = [{k: v.numpy().copy() for k, v in opt.state[p].items()} for p in params]
    return [p.detach().numpy().copy() for p in params], state, [p._version for p in params]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_fused_equals_numpy_definition(monkeypatch, dtype, options):
    fused = _train(dtype, options)
    with monkeypatch.context() as m:
        _numpy_route(m)
        reference = _train(dtype, options)
    for a, b in zip(fused[0], reference[0]):
        np.testing.assert_array_equal(a, b)
    assert [s.keys() for s in fused[1]] == [s.keys() for s in reference[1]]
    for sa, sb in zip(fused[1], reference[1]):
        for k in sa:
            np.testing.assert_array_equal(sa[k], sb[k])
    assert fused[2] == reference[2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_parameters_same_bits_on_any_thread_count(monkeypatch, dtype):
    """Big enough to be split across threads: 1 and 2 threads and the numpy route agree."""
    shapes = ((300, 257),)
    options = dict(momentum=0.9, nesterov=True, weight_decay=0.01)
    results = []
    before = minigrad.get_num_threads()
    try:
        for threads in (1, 2):
            minigrad.set_num_threads(threads)
            results.append(_train(dtype, options, shapes, steps=3)[0][0])
    finally:
        minigrad.set_num_threads(before)
    with monkeypatch.context() as m:
        _numpy_route(m)
        results.append(_train(dtype, options, shapes, steps=3)[0][0])
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


def test_buffer_and_versions_as_pytorch_first_and_later_steps():
    w = minigrad.nn.Parameter(minigrad.tensor([1.0, 2.0]))
    opt = SGD([w], lr=0.1, momentum=0.9)
    w.grad = minigrad.tensor([1.0, 1.0])
    opt.step()
    buf = opt.state[w]["momentum_buffer"]
    np.testing.assert_array_equal(buf.numpy(), [1.0, 1.0])  # the first step copies the gradient
    assert buf._version == 0 and w._version == 1
    opt.step()
    np.testing.assert_array_equal(buf.numpy(), np.float32(0.9) * np.float32(1.0) + np.float32(1.0))
    assert buf._version == 1 and w._version == 2


def test_what_the_kernel_does_not_take_goes_the_numpy_way(monkeypatch):
    """A gradient that is not C-contiguous (assigned by the user), a float64 buffer loaded for a
    float32 parameter ... : the kernel skips them and the numpy definition updates them."""
    def run(transposed_grad):
        a = minigrad.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True)
        b = minigrad.tensor(np.ones(3, np.float32), requires_grad=True)
        opt = SGD([a, b], lr=0.1, momentum=0.9)
        for step in range(3):
            g = np.full((4, 3), 0.5 + step, np.float32).T if transposed_grad else np.full((3, 4), 0.5 + step, np.float32)
            a.grad = minigrad.from_numpy(g)
            b.grad = minigrad.ones(3)
            opt.step()
        return a.detach().numpy().copy(), b.detach().numpy().copy(), opt.state[a]["momentum_buffer"].numpy().copy()

    assert not minigrad.from_numpy(np.ones((4, 3), np.float32).T).is_contiguous()
    skipped, contiguous = run(True), run(False)
    for x, y in zip(skipped, contiguous):
        np.testing.assert_array_equal(x, y)


def test_kernel_reports_what_it_skipped():
    d = np.ones(4, np.float32)
    g = np.ones(8, np.float32)[::2]  # not contiguous
    assert _ops.sgd_step([d], [g], [], [], 0.1, 0, 0, 0, False, False) == [0]
    np.testing.assert_array_equal(d, 1)  # untouched
    d64 = np.ones(4)
    assert _ops.sgd_step([d, d64], [np.ones(4, np.float32), np.ones(4, np.float32)], [], [],
                         0.5, 0, 0, 0, False, False) == [1]  # dtypes differ
    np.testing.assert_array_equal(d, 0.5)
    overlapping = np.zeros(6, np.float32)
    assert _ops.sgd_step([overlapping[:4]], [overlapping[2:]], [], [], 0.1, 0, 0, 0, False, False) == [0]
    with pytest.raises(ValueError, match="same length"):
        _ops.sgd_step([d], [], [], [], 0.1, 0, 0, 0, False, False)
    with pytest.raises(TypeError, match="lr must be a real number"):
        _ops.sgd_step([d], [g], [], [], "0.1", 0, 0, 0, False, False)


def test_in_place_alias_gradient_is_the_numpy_result(monkeypatch):
    """A gradient sharing the parameter's memory exactly (p.grad = p.detach()): each element is
    read before it is written, as numpy's out= does."""
    def run():
        p = minigrad.tensor(np.linspace(-1, 1, 9, dtype=np.float32), requires_grad=True)
        opt = SGD([p], lr=0.25, momentum=0.5, weight_decay=0.1)
        for _ in range(3):
            p.grad = p.detach()
            opt.step()
        return p.detach().numpy().copy()

    fused = run()
    with monkeypatch.context() as m:
        _numpy_route(m)
        np.testing.assert_array_equal(fused, run())


def test_tensor_hyper_parameters_take_the_numpy_route():
    """A momentum given as a 0-d tensor is not a plain number: numpy's arithmetic decides."""
    w = minigrad.nn.Parameter(minigrad.tensor([1.0, 2.0]))
    opt = SGD([w], lr=0.1, momentum=0.5)
    opt.param_groups[0]["momentum"] = np.float32(0.5)  # a numpy scalar, not a Python number
    w.grad = minigrad.tensor([1.0, 1.0])
    opt.step()
    opt.step()
    np.testing.assert_allclose(w.detach().numpy(), [1.0 - 0.1 - 0.15, 2.0 - 0.1 - 0.15], rtol=1e-6)
