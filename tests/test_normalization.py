"""Batch norm and layer norm (F.batch_norm, F.layer_norm, nn.BatchNorm1d/2d, nn.LayerNorm) against
PyTorch: values, gradients, running statistics (momentum, None = cumulative average), eval mode,
num_batches_tracked, state_dict and checkpoints both ways, gradcheck, errors."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.autograd import gradcheck
from test_torch_parity import check_parity
from torch_reference import assert_same_error

torch = pytest.importorskip("torch")

TOL32 = dict(rtol=1e-4, atol=1e-5)


def rand(*shape, seed=0, dtype=np.float64, scale=1.0, shift=0.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale + shift).astype(dtype)


# (9, 130), (3, 70, 5): more channels than one block of the fused kernels (64 when L == 1)
BN_SHAPES = [(7, 3), (5, 3, 4), (4, 3, 5, 6), (1, 3, 2, 2), (2, 3, 1, 1), (200, 3), (9, 130),
             (3, 70, 5)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", BN_SHAPES, ids=str)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_matches_torch(shape, training, affine, dtype):
    c = shape[1]
    rm, rv = rand(c, seed=1, dtype=dtype), np.abs(rand(c, seed=2, dtype=dtype)) + 0.5
    arrays = [rand(*shape, seed=3, dtype=dtype, scale=3, shift=2)]
    if affine:
        arrays += [rand(c, seed=4, dtype=dtype), rand(c, seed=5, dtype=dtype)]
    stats = {}

    def fn(L, x, w=None, b=None):
        m, v = L.tensor(rm), L.tensor(rv)
        stats[L.__name__] = (m, v)
        return L.nn.functional.batch_norm(x, m, v, w, b, training, 0.3, 1e-3)

    check_parity(fn, arrays, **(TOL32 if dtype == np.float32 else {}))
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12)
    for ours, theirs in zip(stats["minigrad"], stats["torch"]):
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), **tol)


def test_batch_norm_without_running_stats_and_non_contiguous_input():
    def fn(L, x, w, b):
        return L.nn.functional.batch_norm(x.transpose(0, 2), None, None, w, b, True)
    check_parity(fn, [rand(5, 3, 4), rand(3, seed=1), rand(3, seed=2)])


def test_weight_without_bias_and_bias_without_weight():
    for which in ("w", "b"):
        def fn(L, x, p):
            args = (p, None) if which == "w" else (None, p)
            return (L.nn.functional.batch_norm(x, None, None, *args, True),
                    L.nn.functional.layer_norm(x, (4,), *[None if a is None else a.repeat(2)[:4]
                                                          for a in args]))
        check_parity(fn, [rand(5, 3, 4), rand(3, seed=1)])


def test_statistics_of_data_far_from_zero_are_accurate():
    # one pass, but shifted: var = E[(x-K)^2] - E[x-K]^2 does not cancel for a large mean
    x = rand(64, 4, 10, seed=7, dtype=np.float32, scale=0.1, shift=1e3)
    y = nn.functional.batch_norm(minigrad.tensor(x), None, None, training=True, eps=0)
    x64 = x.astype(np.float64)
    expect = (x64 - x64.mean((0, 2), keepdims=True)) / x64.std((0, 2), keepdims=True)
    np.testing.assert_allclose(y.numpy(), expect, atol=2e-3)
    y = nn.functional.layer_norm(minigrad.tensor(x.reshape(64, 40)), (40,), eps=0)
    rows = x64.reshape(64, 40)
    expect = (rows - rows.mean(1, keepdims=True)) / rows.std(1, keepdims=True)
    np.testing.assert_allclose(y.numpy(), expect, atol=2e-3)



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(9, 130), (3, 70, 5), (4, 3, 5, 6)], ids=str)
def test_fast_path_and_checked_path_give_the_same_bits(shape, dtype):
    """F.batch_norm's fast path (contiguous tensors of the input's dtype) and its checked path
    (here forced by running statistics that are strided views, updated through copies): the
    same outputs, gradients, running statistics and version bumps, in training and eval."""
    c = shape[1]
    x = rand(*shape, seed=3, dtype=dtype, scale=3, shift=2)
    dy = rand(*shape, seed=6, dtype=dtype)
    results = []
    for strided in (False, True):
        store = minigrad.tensor(np.stack([rand(c, seed=1, dtype=dtype),
                                          np.abs(rand(c, seed=2, dtype=dtype)) + 0.5], 1))
        rm, rv = (store[:, 0], store[:, 1]) if strided else (store[:, 0].clone(),
                                                              store[:, 1].clone())
        assert rm._data.flags.c_contiguous != strided
        w = minigrad.tensor(rand(c, seed=4, dtype=dtype), requires_grad=True)
        b = minigrad.tensor(rand(c, seed=5, dtype=dtype), requires_grad=True)
        out = []
        for training in (True, False, True):
            xt = minigrad.tensor(x, requires_grad=True)
            v0 = rm._version
            y = nn.functional.batch_norm(xt, rm, rv, w, b, training, 0.3, 1e-3)
            assert (rm._version > v0) == training  # (the views of one store share a counter)
            y.backward(minigrad.tensor(dy))
            out += [y.detach().numpy(), xt.grad.numpy(), rm.numpy().copy(), rv.numpy().copy()]
        out += [w.grad.numpy(), b.grad.numpy()]
        results.append(out)
    for a, b in zip(*results):
        assert a.tobytes() == b.tobytes()

@pytest.mark.parametrize("dims", [(1, 3), (2, 3), (4, 3, 5, 6)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck(dims, training):
    if training and dims == (1, 3):
        return  # one value per channel: an error in training (tested below)
    c = dims[1]
    inputs = (minigrad.tensor(rand(*dims, seed=1), requires_grad=True),
              minigrad.tensor(rand(c, seed=2), requires_grad=True),
              minigrad.tensor(rand(c, seed=3), requires_grad=True))
    rm, rv = minigrad.tensor(rand(c, seed=4)), minigrad.tensor(np.abs(rand(c, seed=5)) + 1)
    # running stats are updated by every call in training: give each call fresh copies
    assert gradcheck(lambda x, w, b: nn.functional.batch_norm(
        x, None if training else rm, None if training else rv, w, b, training), inputs)


# ------------------------------------------------------------------ BatchNorm modules
def _batches(shape, n=4):
    return [rand(*shape, seed=10 + i, scale=2, shift=i) for i in range(n)]


@pytest.mark.parametrize("cls, shape", [("BatchNorm1d", (8, 5)), ("BatchNorm1d", (6, 5, 3)),
                                        ("BatchNorm2d", (4, 5, 3, 2))])
@pytest.mark.parametrize("kwargs", [{}, dict(momentum=None), dict(momentum=0.5, eps=1e-3),
                                    dict(affine=False), dict(track_running_stats=False),
                                    dict(bias=False)], ids=str)
def test_batchnorm_module_training_and_eval_match_torch(cls, shape, kwargs):
    mods = {L: getattr(L.nn, cls)(5, dtype=L.float64, **kwargs) for L in (minigrad, torch)}
    assert repr(mods[minigrad]) == repr(mods[torch])
    assert list(mods[minigrad].state_dict()) == list(mods[torch].state_dict())
    for x in _batches(shape):
        outs = {}
        for L, m in mods.items():
            m.train()
            xt = L.tensor(x, requires_grad=True)
            y = m(xt)
            y.backward(L.tensor(rand(*shape, seed=99)))
            outs[L] = [y.detach().numpy(), xt.grad.numpy()] + [
                p.grad.numpy() for p in m.parameters()]
        for a, b in zip(outs[minigrad], outs[torch]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for (k, a), (k2, b) in zip(mods[minigrad].state_dict().items(), mods[torch].state_dict().items()):
        assert k == k2
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    x = rand(*shape, seed=5)
    for L, m in mods.items():
        m.eval()
    np.testing.assert_allclose(mods[minigrad](minigrad.tensor(x)).detach().numpy(),
                               mods[torch](torch.tensor(x)).detach().numpy(), rtol=1e-10)


def test_eval_uses_running_statistics_and_no_update():
    m = nn.BatchNorm1d(3)
    m.running_mean.copy_(minigrad.tensor([1.0, 2.0, 3.0]))
    m.running_var.copy_(minigrad.tensor([4.0, 1.0, 0.25]))
    m.eval()
    y = m(minigrad.tensor([[1.0, 2.0, 3.0], [3.0, 3.0, 3.5]]))
    np.testing.assert_allclose(y.detach().numpy(), [[0, 0, 0], [1, 1, 1]], atol=1e-4)  # eps
    assert int(m.num_batches_tracked) == 0
    assert m.running_mean.tolist() == [1.0, 2.0, 3.0]



def test_num_batches_tracked_counts_with_torchs_versions():
    """The counter's direct bump (its own 0-d buffer) and add_'s path (here a view) agree with
    torch: the value, a new version per training batch, none in eval."""
    mods = {L: L.nn.BatchNorm1d(3) for L in (minigrad, torch)}
    for L, m in mods.items():
        v0 = m.num_batches_tracked._version
        m(L.randn(4, 3))
        m(L.randn(4, 3))
        m.eval()
        m(L.randn(4, 3))
        assert int(m.num_batches_tracked) == 2 and m.num_batches_tracked._version - v0 == 2
    m = nn.BatchNorm1d(3)
    store = minigrad.tensor([7, 5])
    m.num_batches_tracked = store[1]  # a view: add_ writes through to the store
    m(minigrad.randn(4, 3))
    assert store.tolist() == [7, 6] and int(m.num_batches_tracked) == 6

def test_momentum_none_is_a_cumulative_average():
    m = nn.BatchNorm1d(2, momentum=None)
    batches = _batches((10, 2), n=3)
    for x in batches:
        m(minigrad.tensor(x.astype(np.float32)))
    expect = np.mean([x.mean(0) for x in batches], axis=0)
    np.testing.assert_allclose(m.running_mean.numpy(), expect, rtol=1e-5)
    expect_var = np.mean([x.var(0, ddof=1) for x in batches], axis=0)  # unbiased, as PyTorch
    np.testing.assert_allclose(m.running_var.numpy(), expect_var, rtol=1e-5)
    assert int(m.num_batches_tracked) == 3


def test_empty_batch_leaves_running_statistics_as_torch():
    for L in (minigrad, torch):
        m = L.nn.BatchNorm1d(3)
        y = m(L.zeros(0, 3))
        assert tuple(y.shape) == (0, 3)
        assert m.running_mean.tolist() == [0.0] * 3 and int(m.num_batches_tracked) == 1


def test_state_dict_moves_to_and_from_torch_and_old_checkpoints_load():
    theirs = torch.nn.BatchNorm2d(4)
    theirs(torch.randn(8, 4, 3, 3))
    ours = nn.BatchNorm2d(4)
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    assert ours.state_dict()._metadata[""]["version"] == 2 == theirs.state_dict()._metadata[""]["version"]
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].numpy(), v.numpy())
    assert ours.state_dict()["num_batches_tracked"].dtype == minigrad.int64
    back = torch.nn.BatchNorm2d(4)
    back.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    # a version-1 checkpoint (before num_batches_tracked) loads, with the counter kept
    old = {k: v for k, v in ours.state_dict().items() if k != "num_batches_tracked"}
    old = type(ours.state_dict())(old)
    old._metadata = {"": {"version": 1}}
    fresh = nn.BatchNorm2d(4)
    fresh.load_state_dict(old)
    assert int(fresh.num_batches_tracked) == 0
    for L in (minigrad, torch):  # no metadata at all: treated as old, as PyTorch does
        L.nn.BatchNorm2d(4).load_state_dict({k: L.tensor(v.numpy()) for k, v in old.items()})


# ------------------------------------------------------------------ LayerNorm
LN_CASES = [((4, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((3, 100), (100,)), ((5,), (5,)),
            ((2, 3, 7), (2, 3, 7)), ((0, 4), (4,))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, normalized", LN_CASES, ids=str)
@pytest.mark.parametrize("affine", ["both", "weight", "none"])
def test_layer_norm_matches_torch(shape, normalized, affine, dtype):
    arrays = [rand(*shape, seed=1, dtype=dtype, scale=2, shift=1)]
    if affine != "none":
        arrays.append(rand(*normalized, seed=2, dtype=dtype))
    if affine == "both":
        arrays.append(rand(*normalized, seed=3, dtype=dtype))

    def fn(L, x, w=None, b=None):
        return L.nn.functional.layer_norm(x, normalized, w, b, eps=1e-4)

    check_parity(fn, arrays, **(TOL32 if dtype == np.float32 else {}))


def test_layer_norm_non_contiguous_and_gradcheck():
    check_parity(lambda L, x, w: L.nn.functional.layer_norm(x.transpose(0, 1), (3,), w),
                 [rand(3, 4), rand(3, seed=1)])
    inputs = tuple(minigrad.tensor(rand(*s, seed=i), requires_grad=True)
                   for i, s in enumerate([(3, 2, 5), (2, 5), (2, 5)]))
    assert gradcheck(lambda x, w, b: nn.functional.layer_norm(x, (2, 5), w, b), inputs)


@pytest.mark.parametrize("kwargs", [{}, dict(elementwise_affine=False), dict(bias=False),
                                    dict(eps=1e-3)], ids=str)
@pytest.mark.parametrize("shape", [10, (3, 4)], ids=str)
def test_layernorm_module_matches_torch(shape, kwargs):
    ours, theirs = nn.LayerNorm(shape, **kwargs), torch.nn.LayerNorm(shape, **kwargs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    with torch.no_grad():
        for p in theirs.parameters():
            p.uniform_(-1, 1)
    ours.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    full = (2, 5) + ((shape,) if isinstance(shape, int) else shape)
    x = rand(*full, dtype=np.float32)
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_grad_fn_names_match_torch():
    x = minigrad.ones(4, 3, requires_grad=True)
    assert nn.functional.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert nn.functional.layer_norm(x, (3,)).grad_fn.name() == "NativeLayerNormBackward0"


@pytest.mark.parametrize("code", [
    "L.nn.functional.batch_norm(L.ones(4, 3, 5), L.zeros(4), L.ones(3), training=True)",
    "L.nn.functional.batch_norm(L.ones(4, 3, 5), L.zeros(3), L.ones(4), training=True)",
    "L.nn.functional.batch_norm(L.ones(4, 3, 5), L.zeros(3), L.ones(3), L.ones(4))",
    "L.nn.functional.batch_norm(L.ones(4, 3, 5), L.zeros(3), L.ones(3), None, L.ones(4))",
    "L.nn.functional.batch_norm(L.ones(4, 3, 5), None, None, training=False)",
    "L.nn.functional.batch_norm(L.ones(1, 3), L.zeros(3), L.ones(3), training=True)",
    "L.nn.functional.batch_norm(L.ones(4, 3, dtype=L.int64), L.zeros(3), L.ones(3), training=True)",
    "L.nn.functional.batch_norm(L.ones(4, 3, dtype=L.float64), L.zeros(3), L.ones(3), training=True)",
    "L.nn.BatchNorm1d(3)(L.ones(2, 3, 4, 4))",
    "L.nn.BatchNorm2d(3)(L.ones(2, 3, 4))",
    "L.nn.BatchNorm2d(4)(L.ones(2, 3, 4, 4))",
    "L.nn.BatchNorm1d(3)(L.ones(1, 3))",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5), (4,))",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5), (5,), L.ones(4))",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5), (5,), None, L.ones(4))",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5, dtype=L.int64), (5,))",
    "L.nn.functional.layer_norm(L.ones(5), (2, 5))",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5), ())",
    "L.nn.functional.layer_norm(L.ones(4, 3, 5), (5,), L.ones(5, dtype=L.float64))",
])
def test_hostile_arguments_get_torchs_errors(code):
    assert_same_error(torch, code)
