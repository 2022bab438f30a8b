"""Lazy modules against PyTorch: ``nn.LazyLinear``, ``LazyModuleMixin``,
``UninitializedParameter`` / ``UninitializedBuffer``. Each snippet runs on both libraries; the
results (values shown as repr, shapes, types) or the exceptions (type and message, "torch."
read as "minigrad.") and the warnings must agree."""
import copy
import warnings

import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


def outcome(L, code):
    from torch.nn.parameter import UninitializedBuffer as TB, UninitializedParameter as TP
    from minigrad.nn.parameter import UninitializedBuffer as MB, UninitializedParameter as MP
    env = {"L": L, "nn": L.nn, "copy": copy,
           "UP": TP if L is torch else MP, "UB": TB if L is torch else MB}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(code, env)
            result = ("value", _show(env.get("r")))
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            message = str(exc).replace("torch.", "minigrad.").replace("torch functions", "minigrad functions")
            if "Attempted to use an uninitialized parameter in" in message:
                message = message.split(" objects>")[1]  # (the name of the function differs)
            result = ("raises", type(exc).__name__, message)
    said = [(w.category.__name__, str(w.message).replace("torch.", "minigrad.")) for w in caught]
    return result, said


def _show(v):
    if isinstance(v, (torch.Size, minigrad.Size)):
        return ("size", tuple(v))
    if isinstance(v, (torch.Tensor, minigrad.Tensor)):
        try:
            return ("tensor", type(v).__name__, tuple(v.shape), str(v.dtype).split(".")[-1], v.requires_grad)
        except RuntimeError:
            return ("uninitialized", type(v).__name__, str(v.dtype).split(".")[-1], v.requires_grad)
    if isinstance(v, dict):
        return tuple((k, _show(x)) for k, x in v.items())
    if isinstance(v, (tuple, list)):
        return tuple(_show(x) for x in v)
    if isinstance(v, type):
        return v.__name__
    return repr(v).replace("torch.", "minigrad.")


def assert_same(code):
    m, t = outcome(minigrad, code), outcome(torch, code)
    assert m == t, f"\n{code}\n  torch:    {t}\n  minigrad: {m}"


BEFORE = [  # an uninitialised LazyLinear
    "m = nn.LazyLinear(3); r = (repr(m), type(m), m.in_features, m.out_features)",
    "m = nn.LazyLinear(3); r = (repr(m.weight), type(m.weight), type(m.bias))",
    "m = nn.LazyLinear(3); r = (m.weight.dtype, m.weight.requires_grad, m.weight.device, m.weight.grad)",
    "m = nn.LazyLinear(3, bias=False); r = (repr(m), m.bias, list(m.state_dict()))",
    "m = nn.LazyLinear(3); r = m.has_uninitialized_params()",
    "m = nn.LazyLinear(3); r = {k: repr(v) for k, v in m.state_dict().items()}",
    "m = nn.LazyLinear(3); r = [n for n, _ in m.named_parameters()]",
    "m = nn.LazyLinear(3); r = len(list(m.parameters()))",
    "m = nn.LazyLinear(3, dtype=L.float64); r = m.weight.dtype",
    "m = nn.LazyLinear(3).to(L.float64); r = (m.weight.dtype, m.bias.dtype, repr(m))",
    "m = nn.LazyLinear(3).double(); r = repr(m.weight)",
    "m = copy.deepcopy(nn.LazyLinear(3)); r = (repr(m), repr(m.weight), m.has_uninitialized_params())",
    "m = nn.LazyLinear(3); m.zero_grad(); r = m.weight.grad",
    "m = nn.LazyLinear(3); r = repr(L.optim.SGD(m.parameters(), lr=0.1))",
    "m = nn.LazyLinear(3); r = repr(L.optim.Adam(m.parameters()))",
    "r = repr(nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2)))",
    # using it is an error
    "r = nn.LazyLinear(3).weight.shape",
    "r = nn.LazyLinear(3).weight + 1",
    "r = nn.LazyLinear(3).weight.sum()",
    "r = nn.LazyLinear(3).weight.dim()",
    "r = sum(p.numel() for p in nn.LazyLinear(3).parameters())",
    "r = nn.init.xavier_uniform_(nn.LazyLinear(3).weight)",
    "r = nn.LazyLinear(3).weight.requires_grad_(False)",
    "r = nn.LazyLinear(2)(L.tensor(1.0))",
    "r = nn.LazyLinear(2)(L.ones(3, 4, dtype=L.int64))",
    "r = nn.Linear(3, 2).load_state_dict(nn.LazyLinear(2).state_dict())",
    "m = nn.LazyLinear(2); r = m.initialize_parameters(L.ones(3, 4)); r = (r, repr(m), m.weight.shape)",
]

AFTER = [  # the first call gives the shapes and turns it into a Linear
    "m = nn.LazyLinear(3); y = m(L.ones(4, 5)); r = (y, type(m), repr(m), m.in_features)",
    "m = nn.LazyLinear(3); m(L.ones(4, 5)); r = (type(m.weight), m.weight.shape, m.bias.shape)",
    "m = nn.LazyLinear(3); m(L.ones(4, 5)); r = {k: v.shape for k, v in m.state_dict().items()}",
    "m = nn.LazyLinear(3); m(L.ones(4, 5)); r = hasattr(m, 'has_uninitialized_params')",
    "m = nn.LazyLinear(3); m(L.ones(4, 5)); r = m(L.ones(2, 7))",
    "m = nn.LazyLinear(2); r = m(L.ones(4)); r = (r, repr(m))",
    "m = nn.LazyLinear(2, dtype=L.float64); r = m(L.ones(3, 4, dtype=L.float64))",
    "m = nn.LazyLinear(3, bias=False); m(L.ones(2, 4)); r = (repr(m), list(m.state_dict()))",
    "s = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2)); y = s(L.ones(2, 3)); r = (y, repr(s))",
    "m = nn.LazyLinear(2); y = m(L.ones(2, 3)); y.sum().backward(); r = (m.weight.grad.shape, m.bias.grad.shape)",
    "m = nn.LazyLinear(2); h = m.register_forward_pre_hook(lambda mod, args: None); m(L.ones(2, 3)); r = repr(m)",
]

LOAD = [  # state dicts before and after
    "m = nn.LazyLinear(3); r = m.load_state_dict(nn.Linear(5, 3).state_dict()); r = (r, type(m), repr(m), m.weight.shape)",
    "m = nn.LazyLinear(3); m.load_state_dict(nn.Linear(5, 3).state_dict()); m(L.ones(2, 5)); r = (type(m), repr(m))",
    "m = nn.LazyLinear(3); m.load_state_dict(nn.Linear(5, 3).state_dict()); r = m(L.ones(2, 4))",
    "m = nn.LazyLinear(3); r = m.load_state_dict({'weight': L.ones(2, 3), 'bias': L.ones(3)}); r = (r, m.weight.shape)",
    "m = nn.LazyLinear(3); r = m.load_state_dict({'weight': L.ones(3, 2)}, strict=False); r = (r, m.has_uninitialized_params(), repr(m.bias))",
    "m = nn.LazyLinear(3); r = m.load_state_dict(nn.LazyLinear(3).state_dict()); r = (r, m.has_uninitialized_params())",
    "m = nn.LazyLinear(3); r = m.load_state_dict({'weight': L.ones(3, 2)})",
    "s = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2)); s(L.ones(1, 3)); t = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2)); r = t.load_state_dict(s.state_dict()); r = (r, repr(t))",
]

UNINITIALIZED = [
    "p = UP(); r = (repr(p), type(p), p.requires_grad, p.dtype, isinstance(p, nn.Parameter), isinstance(p, L.Tensor))",
    "p = UP(); p.materialize((2, 3)); r = (type(p), p.shape, p.requires_grad)",
    "p = UP(requires_grad=False); p.materialize((2,)); r = (type(p), p.requires_grad)",
    "p = UP(dtype=L.float64); r = p.dtype",
    "p = UP(); p.materialize((2,)); r = p.materialize((3,))",
    "r = UP.cls_to_become",
    "b = UB(); r = (repr(b), type(b), b.requires_grad)",
    "b = UB(); b.materialize((4,)); r = (type(b), b.shape, b.requires_grad)",
    "r = UB.cls_to_become",
    "r = UP().shape",
    "r = UP().data",
    "r = UP().is_floating_point()",
    "r = copy.deepcopy(UP())",
]


@pytest.mark.parametrize("code", BEFORE + AFTER + LOAD + UNINITIALIZED)
def test_lazy_modules_match_torch(code):
    assert_same(code)


def test_no_warning_at_construction():
    """PyTorch 2.13 no longer warns that lazy modules are experimental; neither does minigrad."""
    for L in (minigrad, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            L.nn.LazyLinear(3)


def test_an_optimizer_built_before_the_first_call_trains_the_materialised_parameters():
    """The usual program: model and optimizer first, then training. The same weights (copied
    from torch after the first call) give the same losses step by step."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 5)), rng.standard_normal((16, 2))
    losses = []
    for L in (torch, minigrad):
        model = L.nn.Sequential(L.nn.LazyLinear(8), L.nn.Tanh(), L.nn.LazyLinear(2)).double()
        opt = L.optim.Adam(model.parameters(), lr=0.01)
        params = list(model.parameters())
        model(L.tensor(x))  # shapes set
        assert [p is q for p, q in zip(params, model.parameters())] == [True] * 4
        if L is torch:
            weights = [p.detach().numpy().copy() for p in model.parameters()]
        else:
            with minigrad.no_grad():
                for p, w in zip(model.parameters(), weights):
                    p.copy_(minigrad.tensor(w))
        run = []
        for _ in range(5):
            opt.zero_grad()
            loss = ((model(L.tensor(x)) - L.tensor(y)) ** 2).mean()
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-12)


def test_first_call_initialises_as_linear_does():
    """The weights are drawn by Linear's reset_parameters: U(-1/sqrt(in), 1/sqrt(in))."""
    minigrad.manual_seed(0)
    m = minigrad.nn.LazyLinear(200)
    m(minigrad.zeros(1, 400))
    w = m.weight.detach().numpy()
    bound = 1 / np.sqrt(400)
    assert w.min() >= -bound and w.max() <= bound and w.std() > bound / 2


def test_a_failed_load_leaves_the_lazy_module_uninitialised():
    """A documented difference: PyTorch gives the parameters their shapes (and copies those
    that fit) before it reports an unexpected key; minigrad checks first and leaves the module
    as it was."""
    m = minigrad.nn.LazyLinear(3)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        m.load_state_dict({"weight": minigrad.ones(3, 5), "bias": minigrad.ones(3), "extra": minigrad.ones(1)})
    assert m.has_uninitialized_params() and repr(m.weight) == "<UninitializedParameter>"
    t = torch.nn.LazyLinear(3)
    with pytest.raises(RuntimeError, match="Unexpected key"):
        t.load_state_dict({"weight": torch.ones(3, 5), "bias": torch.ones(3), "extra": torch.ones(1)})
    assert not t.has_uninitialized_params()


def test_a_lazy_module_without_cls_to_become_initialises_once():
    calls = []

    class Scale(minigrad.nn.modules.lazy.LazyModuleMixin, minigrad.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = minigrad.nn.UninitializedParameter()

        def initialize_parameters(self, x):
            calls.append(tuple(x.shape))
            if self.has_uninitialized_params():
                self.w.materialize(x.shape[-1:])
                with minigrad.no_grad():
                    self.w.fill_(2.0)

        def forward(self, x):
            return x * self.w

    s = Scale()
    assert s(minigrad.ones(2, 3)).tolist() == [[2.0] * 3] * 2
    assert s(minigrad.ones(1, 3)).tolist() == [[2.0] * 3]
    assert calls == [(2, 3)] and type(s) is Scale
