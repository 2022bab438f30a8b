"""Layers, activations, containers and nn.init, compared with PyTorch where it is installed."""
import math
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

RNG = np.random.default_rng(1234)


def _arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _both(arr, requires_grad=True):
    torch = pytest.importorskip("torch")
    return (minigrad.tensor(arr, requires_grad=requires_grad),
            torch.tensor(arr, requires_grad=requires_grad))


# ------------------------------------------------------------------ Linear
def test_linear_shapes_and_init_bounds():
    minigrad.manual_seed(0)
    lin = nn.Linear(20, 30)
    assert lin.weight.shape == (30, 20) and lin.bias.shape == (30,)
    bound = 1 / math.sqrt(20)
    assert np.abs(lin.weight._data).max() <= bound and np.abs(lin.bias._data).max() <= bound
    # kaiming_uniform_(a=sqrt(5)) is U(-1/sqrt(fan_in), 1/sqrt(fan_in)): variance bound²/3
    big = nn.Linear(400, 300)
    assert abs(big.weight._data.var() - (1 / 400) / 3) < 0.05 * (1 / 400) / 3
    assert lin(minigrad.randn(128, 20)).shape == (128, 30)
    assert lin(minigrad.randn(4, 5, 20)).shape == (4, 5, 30)
    nob = nn.Linear(3, 2, bias=False)
    assert nob.bias is None and [n for n, _ in nob.named_parameters()] == ["weight"]
    assert repr(nob) == "Linear(in_features=3, out_features=2, bias=False)"
    assert nn.Linear(2, 2, dtype=minigrad.float64).weight.dtype == minigrad.float64


def test_linear_init_repeatable_under_manual_seed():
    minigrad.manual_seed(7)
    a = nn.Linear(5, 4)
    minigrad.manual_seed(7)
    b = nn.Linear(5, 4)
    assert np.array_equal(a.weight._data, b.weight._data)
    assert np.array_equal(a.bias._data, b.bias._data)
    w = a.weight._data.copy()
    a.reset_parameters()
    assert not np.array_equal(w, a.weight._data)


def test_linear_matches_torch_forward_backward():
    torch = pytest.importorskip("torch")
    x = _arr(6, 4)
    ours = nn.Linear(4, 3, dtype=minigrad.float64)
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    xm, xt = _both(x)
    ym, yt = ours(xm), theirs(xt)
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-12)
    g = _arr(6, 3)
    ym.backward(minigrad.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------ activations
ACTIVATIONS = [
    ("ReLU", {}), ("Sigmoid", {}), ("Tanh", {}), ("Softmax", {"dim": 1}), ("LogSoftmax", {"dim": 1}),
    ("Softmin", {"dim": 0}), ("LeakyReLU", {"negative_slope": 0.2}), ("ELU", {"alpha": 0.7}),
    ("SELU", {}), ("GELU", {}), ("GELU", {"approximate": "tanh"}), ("SiLU", {}),
    ("Softplus", {"beta": 2.0}), ("Identity", {}), ("Flatten", {}), ("Flatten", {"start_dim": 0}),
]


@pytest.mark.parametrize("name,kwargs", ACTIVATIONS)
def test_activation_modules_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    x = _arr(3, 4, 2) * 3
    xm, xt = _both(x)
    ym = getattr(nn, name)(**kwargs)(xm)
    yt = getattr(torch.nn, name)(**kwargs)(xt)
    assert repr(getattr(nn, name)(**kwargs)) == repr(getattr(torch.nn, name)(**kwargs))
    np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = _arr(*ym.shape)
    ym.backward(minigrad.tensor(g))
    yt.backward(torch.tensor(g))
    np.testing.assert_allclose(xm.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("fn", ["leaky_relu", "elu", "selu", "gelu", "silu", "softplus", "softmin"])
def test_functional_activations_gradcheck(fn):
    x = minigrad.tensor(_arr(3, 4) * 2 + 0.01, requires_grad=True)
    f = getattr(F, fn)
    if fn == "softmin":
        assert gradcheck(lambda t: f(t, dim=1), (x,))
    else:
        assert gradcheck(f, (x,))


def test_inplace_relu_and_leaky_relu():
    x = minigrad.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(x) is x and x.tolist() == [0.0, 2.0]
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"
    y = minigrad.tensor([-1.0, 2.0])
    F.leaky_relu(y, 0.5, inplace=True)
    assert y.tolist() == [-0.5, 2.0]


def test_softmax_implicit_dim_warns():
    x = minigrad.randn(2, 3)
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(x)
    np.testing.assert_allclose(y.sum(1).numpy(), np.ones(2), rtol=1e-6)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        F.log_softmax(x)


def test_softmax_extreme_logits_stable():
    x = minigrad.tensor([[1e4, -1e4, 0.0]], requires_grad=True)
    y = F.log_softmax(x, dim=1)
    assert np.isfinite(y.detach().numpy()).all()
    y[0, 0].backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_one_hot():
    out = F.one_hot(minigrad.tensor([0, 2, 1]), 4)
    assert out.tolist() == [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]
    assert F.one_hot(minigrad.tensor([1, 3])).shape == (2, 4)


# ------------------------------------------------------------------ Flatten / Unflatten
def test_flatten_unflatten():
    x = minigrad.randn(32, 1, 5, 5)
    assert nn.Flatten()(x).shape == (32, 25)
    assert nn.Flatten(0, 2)(x).shape == (160, 5)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    u = nn.Unflatten(1, (2, 5, 5))
    assert u(minigrad.randn(2, 50)).shape == (2, 2, 5, 5)
    assert repr(u) == "Unflatten(dim=1, unflattened_size=(2, 5, 5))"
    with pytest.raises(TypeError):
        nn.Unflatten(1, 5)


# ------------------------------------------------------------------ containers
def test_sequential_indexing_and_editing():
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh()]
    seq = nn.Sequential(*layers)
    assert len(seq) == 4 and list(seq) == layers
    assert seq[0] is layers[0] and seq[-1] is layers[3]
    sub = seq[1:3]
    assert isinstance(sub, nn.Sequential) and list(sub) == layers[1:3]
    assert list(sub._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 4 is out of range"):
        seq[4]
    sig = nn.Sigmoid()
    seq[1] = sig
    assert seq[1] is sig
    del seq[0]
    assert list(seq._modules) == ["0", "1", "2"] and seq[0] is sig
    seq.append(nn.ReLU())
    seq.insert(0, nn.Identity())
    assert isinstance(seq[0], nn.Identity) and len(seq) == 5
    seq.extend([nn.Identity(), nn.Identity()])
    assert len(seq) == 7
    popped = seq.pop(-1)
    assert isinstance(popped, nn.Identity) and len(seq) == 6
    with pytest.raises(IndexError):
        seq.insert(10, nn.ReLU())
    named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
    assert list(named.state_dict()) == ["fc.weight", "fc.bias"]
    assert named.fc is named[0]
    assert len(named + nn.Sequential(nn.ReLU())) == 3


def test_sequential_forward_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(10, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1)).double()
    assert repr(ours) == repr(theirs)
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    x = _arr(7, 10)
    np.testing.assert_allclose(ours(minigrad.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=1e-12)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(ml) == 3 and len(list(ml.parameters())) == 6
    assert "(0-2): 3 x Linear(in_features=2, out_features=2, bias=True)" in repr(ml)
    ml.append(nn.ReLU())
    ml.insert(0, nn.Tanh())
    assert isinstance(ml[0], nn.Tanh) and isinstance(ml[-1], nn.ReLU)
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    assert isinstance(ml[1:], nn.ModuleList) and len(ml[1:]) == 3
    with pytest.raises(NotImplementedError):
        ml(minigrad.ones(1))
    md = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    md["c"] = nn.Tanh()
    assert list(md) == ["a", "b", "c"]
    assert isinstance(md.pop("b"), nn.ReLU) and list(md) == ["a", "c"]
    with pytest.raises(ValueError, match="has length 1; 2 is required"):
        md.update([("x",)])
    pl = nn.ParameterList([nn.Parameter(minigrad.zeros(2)), minigrad.ones(3)])
    assert len(list(pl.parameters())) == 2 and isinstance(pl[1], nn.Parameter)
    assert "(1): Parameter containing: [minigrad.float32 of size 3]" in repr(pl)


# ------------------------------------------------------------------ nn.init
def test_calculate_gain_and_fans():
    init = nn.init
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("selu") == 0.75 and init.calculate_gain("conv2d") == 1
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        init.calculate_gain("foo")
    assert init._calculate_fan_in_and_fan_out(minigrad.empty(3, 4, 5, 5)) == (100, 75)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(minigrad.empty(3))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(minigrad.empty(3, 3), mode="fan_avg")


@pytest.mark.parametrize("fn,kwargs,expected_std", [
    ("xavier_uniform_", {}, math.sqrt(2 / (200 + 300))),
    ("xavier_normal_", {"gain": 2.0}, 2 * math.sqrt(2 / (200 + 300))),
    ("kaiming_uniform_", {"nonlinearity": "relu"}, math.sqrt(2 / 200)),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2 / 300)),
    ("normal_", {"std": 0.3}, 0.3),
    ("uniform_", {"a": -1.0, "b": 1.0}, 1 / math.sqrt(3)),
    ("trunc_normal_", {"std": 1.0, "a": -2.0, "b": 2.0}, 0.8796),
])
def test_init_statistics(fn, kwargs, expected_std):
    w = nn.Parameter(minigrad.empty(300, 200))
    out = getattr(nn.init, fn)(w, **kwargs)
    assert out is w and w.requires_grad and w.grad_fn is None
    assert abs(w._data.std() - expected_std) < 0.03 * expected_std
    assert abs(w._data.mean()) < 0.05 * expected_std
    if fn == "trunc_normal_":
        assert np.abs(w._data).max() <= 2.0


def test_init_constant_eye_orthogonal_and_generator():
    w = minigrad.empty(3, 4)
    assert nn.init.constant_(w, 0.5)._data.tolist() == [[0.5] * 4] * 3
    assert not nn.init.zeros_(w)._data.any() and nn.init.ones_(w)._data.all()
    assert np.array_equal(nn.init.eye_(w)._data, np.eye(3, 4))
    q = nn.init.orthogonal_(minigrad.empty(4, 6, dtype=minigrad.float64))._data
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-12)
    g1, g2 = minigrad.Generator().manual_seed(3), minigrad.Generator().manual_seed(3)
    a = nn.init.normal_(minigrad.empty(5), generator=g1)
    b = nn.init.normal_(minigrad.empty(5), generator=g2)
    assert np.array_equal(a._data, b._data)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        nn.init.kaiming_uniform_(minigrad.empty(0, 3))


def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    grads = [_arr(3, 4), _arr(5)]
    ours = [minigrad.zeros(*g.shape, dtype=minigrad.float64, requires_grad=True) for g in grads]
    theirs = [torch.zeros(*g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads):
        o.grad = minigrad.tensor(g)
        t.grad = torch.tensor(g)
    for norm_type in (2.0, 1.0, math.inf):
        n1 = nn.utils.clip_grad_norm_(ours, 0.5, norm_type)
        n2 = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type)
        np.testing.assert_allclose(n1.item(), n2.item(), rtol=1e-12)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    nn.utils.clip_grad_value_(ours, 0.01)
    assert np.abs(ours[0].grad.numpy()).max() <= 0.01
    vec = nn.utils.parameters_to_vector(ours)
    assert vec.shape == (17,)
    nn.utils.vector_to_parameters(minigrad.zeros(17, dtype=minigrad.float64), ours)
    assert not ours[0]._data.any()
