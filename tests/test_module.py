"""nn.Module's contract: registration, iteration order, state_dict, repr, modes, errors."""
import copy
from collections import OrderedDict

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2)
        self.register_buffer("running", minigrad.zeros(2))
        self.register_buffer("scratch", minigrad.zeros(1), persistent=False)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) + self.running


def test_registration_and_order():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert [n for n, _ in net.named_buffers()] == ["running", "scratch"]
    assert [n for n, _ in net.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    # own parameters and buffers first, then the children (PyTorch's order)
    assert list(net.state_dict()) == ["running", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert isinstance(net.fc1.weight, nn.Parameter)
    assert net.fc1.weight.requires_grad
    assert "fc1" in dir(net) and "running" in dir(net)


def test_shared_parameters_appear_once():
    a = nn.Linear(3, 3)
    seq = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_parameter_basics():
    t = minigrad.ones(2, 3)
    p = nn.Parameter(t)
    assert p.requires_grad and p.is_leaf
    p.data[0, 0] = 5.0
    assert t[0, 0].item() == 5.0  # shares memory
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert "requires_grad=True" in repr(p)
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad
    assert q._data is not p._data and np.array_equal(q._data, p._data)


def test_setattr_errors():
    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(minigrad.zeros(1))

    with pytest.raises(AttributeError, match=r"cannot assign parameters before Module.__init__\(\) call"):
        Early()

    class EarlyModule(nn.Module):
        def __init__(self):
            self.l = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        EarlyModule()
    lin = nn.Linear(2, 2)
    with pytest.raises(TypeError) as e:
        lin.weight = minigrad.zeros(2, 2)
    assert str(e.value) == ("cannot assign 'minigrad.FloatTensor' as parameter 'weight' "
                            "(minigrad.nn.Parameter or None expected)")
    lin.bias = None
    assert lin.bias is None and "bias" in lin._parameters
    net = Net()
    with pytest.raises(TypeError, match="as child module 'fc1'"):
        net.fc1 = 3
    with pytest.raises(KeyError, match="contain"):
        net.register_parameter("a.b", None)
    with pytest.raises(KeyError, match="attribute 'fc1' already exists"):
        net.register_buffer("fc1", minigrad.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        net.add_module("x", 3)
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope


def test_delattr_and_reassign():
    net = Net()
    del net.fc2
    assert "fc2" not in net._modules
    net.running = minigrad.ones(2)  # reassigning a buffer keeps it a buffer
    assert "running" in net._buffers and net.running[0].item() == 1
    net.extra = nn.Parameter(minigrad.zeros(1))
    assert "extra" in net._parameters
    del net.extra
    assert not hasattr(net, "extra")


def test_train_eval():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ReLU()))
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    net.train(False)
    assert not net[1][0].training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_state_dict_shares_memory_and_is_detached():
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    w = sd["fc1.weight"]
    assert not isinstance(w, nn.Parameter) and not w.requires_grad
    assert w._data is net.fc1.weight._data
    assert net.state_dict(keep_vars=True)["fc1.weight"] is net.fc1.weight
    assert list(net.state_dict(prefix="m."))[1] == "m.fc1.weight"


def test_load_state_dict_roundtrip_in_place():
    a, b = Net(), Net()
    w_before = b.fc1.weight
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert b.fc1.weight is w_before  # copied in place: optimizers keep working
    x = minigrad.randn(5, 4)
    assert np.array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def test_load_state_dict_errors():
    net = Net()
    sd = net.state_dict()
    del sd["fc2.bias"]
    sd["fc3.weight"] = minigrad.zeros(1)
    sd["fc1.weight"] = minigrad.zeros(5, 4)
    with pytest.raises(RuntimeError) as e:
        net.load_state_dict(sd)
    msg = str(e.value)
    assert msg.startswith("Error(s) in loading state_dict for Net:\n\t")
    assert 'Missing key(s) in state_dict: "fc2.bias". ' in msg
    assert 'Unexpected key(s) in state_dict: "fc3.weight". ' in msg
    assert ("size mismatch for fc1.weight: copying a param with shape minigrad.Size([5, 4]) from "
            "checkpoint, the shape in current model is minigrad.Size([3, 4]).") in msg
    del sd["fc1.weight"]
    r = net.load_state_dict(sd, strict=False)
    # non-strict: not an error, but reported (as PyTorch does)
    assert r.missing_keys == ["fc1.weight", "fc2.bias"] and r.unexpected_keys == ["fc3.weight"]
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        net.load_state_dict([1, 2])


def test_load_state_dict_assign():
    net = nn.Linear(2, 2)
    new = {"weight": minigrad.ones(2, 2), "bias": minigrad.zeros(2)}
    net.load_state_dict(new, assign=True)
    assert isinstance(net.weight, nn.Parameter) and net.weight.requires_grad
    assert net.weight._data is new["weight"]._data


def test_zero_grad_apply_requires_grad():
    net = Net()
    net(minigrad.randn(3, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad._data.any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "ReLU", "Linear", "Net"]
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_double_keeps_parameter_objects():
    net = Net()
    w = net.fc1.weight
    assert net.double() is net
    assert net.fc1.weight is w and w.dtype == minigrad.float64
    assert net.running.dtype == minigrad.float64
    out = net(minigrad.randn(2, 4, dtype=minigrad.float64))
    assert out.dtype == minigrad.float64
    net.to(minigrad.float32)
    assert w.dtype == minigrad.float32
    assert net.cpu() is net and net.to("cpu") is net
    with pytest.raises(RuntimeError):
        net.half()


def test_forward_missing_and_hooks():
    class NoForward(nn.Module):
        pass

    with pytest.raises(NotImplementedError, match=r'Module \[NoForward\] is missing the required "forward" function'):
        NoForward()(1)
    lin = nn.Linear(2, 2)
    calls = []
    h = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out * 0)
    out = lin(minigrad.ones(1, 2))
    assert calls == [minigrad.Size([1, 2])] and not out._data.any()
    h.remove()
    assert lin(minigrad.ones(1, 2))._data.any()
    h2 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    assert np.array_equal(lin(minigrad.ones(1, 2))._data, np.broadcast_to(lin.bias._data, (1, 2)))
    h2.remove()


def test_get_submodule_and_parameter():
    net = nn.Sequential(OrderedDict(enc=nn.Sequential(nn.Linear(2, 2)), head=nn.Linear(2, 1)))
    assert net.get_submodule("enc.0") is net.enc[0]
    assert net.get_parameter("head.bias") is net.head.bias
    with pytest.raises(AttributeError):
        net.get_submodule("enc.5")


def test_repr_nested_matches_torch():
    torch = pytest.importorskip("torch")

    def build(lib):
        n = lib.nn
        return n.Sequential(
            n.Linear(10, 10), n.ReLU(), n.Dropout(0.25),
            n.Sequential(n.Linear(10, 5, bias=False), n.Tanh(), n.Softmax(dim=1)),
            n.ModuleList([n.Linear(2, 2), n.Linear(2, 2), n.ReLU(inplace=True)]),
            n.ModuleDict({"a": n.Flatten(), "b": n.LeakyReLU(0.2)}),
            n.Identity(), n.Dropout2d(), n.AlphaDropout(0.1), n.LogSoftmax(dim=-1),
            n.Sigmoid(), n.Unflatten(1, (2, 5)), n.GELU(), n.CrossEntropyLoss(), n.MSELoss(),
        )

    assert repr(build(minigrad)) == repr(build(torch))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())


def test_state_dict_keys_and_values_match_torch():
    torch = pytest.importorskip("torch")

    def build(lib):
        n = lib.nn

        class M(n.Module):
            def __init__(self):
                super().__init__()
                self.body = n.Sequential(n.Linear(6, 8), n.ReLU(), n.Dropout(0.1), n.Linear(8, 4))
                self.heads = n.ModuleList([n.Linear(4, 3), n.Linear(4, 1)])
                self.register_buffer("scale", lib.ones(4))

            def forward(self, x):
                h = self.body(x) * self.scale
                return lib.cat([self.heads[0](h), self.heads[1](h)], 1)

        return M()

    ours, theirs = build(minigrad), build(torch)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # minigrad -> torch
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 6)).astype(np.float32)
    ours.eval(), theirs.eval()
    a = ours(minigrad.from_numpy(x)).detach().numpy()
    b = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # torch -> minigrad
    fresh = build(minigrad).eval()
    fresh.load_state_dict({k: minigrad.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    np.testing.assert_allclose(fresh(minigrad.from_numpy(x)).detach().numpy(), b, rtol=1e-5, atol=1e-6)


def test_module_init_rejects_arguments():
    with pytest.raises(TypeError):
        nn.Module(3)


def test_buffer_class_and_non_persistent():
    m = nn.Module()
    m.stat = nn.Buffer(minigrad.zeros(3))
    m.tmp = nn.Buffer(minigrad.zeros(1), persistent=False)
    assert list(m.state_dict()) == ["stat"]
    assert [n for n, _ in m.named_buffers()] == ["stat", "tmp"]


def test_training_step_reduces_loss():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 1))
    opt = minigrad.optim.SGD(model.parameters(), lr=0.05)
    x = minigrad.randn(64, 3)
    y = (x * minigrad.tensor([1.0, -2.0, 0.5])).sum(1, keepdim=True)
    first = None
    for _ in range(200):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.1 * first
