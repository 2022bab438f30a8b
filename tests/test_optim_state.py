"""Optimizer.state_dict / load_state_dict / add_param_group compared with PyTorch: group keys filled
in from the defaults, state cast to the parameter's dtype, error texts, and round trips through
torch's optimizers."""
import numpy as np
import pytest

import minigrad
from minigrad import optim

torch = pytest.importorskip("torch")

OLD_KEYS = ("maximize", "foreach", "differentiable", "fused", "nesterov", "capturable",
            "decoupled_weight_decay", "amsgrad")
KWARGS = {"SGD": dict(lr=0.1, momentum=0.9), "Adam": dict(lr=0.1, amsgrad=True), "AdamW": dict(lr=0.1)}


def _stepped(lib, name, dtype="float32"):
    w = lib.nn.Parameter(lib.linspace(-1, 1, 6, dtype=getattr(lib, dtype)).reshape(2, 3))
    b = lib.nn.Parameter(lib.ones(3, dtype=getattr(lib, dtype)))
    opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": 0.01}], **KWARGS[name])
    for _ in range(3):
        opt.zero_grad()
        ((w * w).sum() + (b * w).sum()).backward()
        opt.step()
    return opt, w, b


def _to(lib, value):
    """Convert a state dict's tensors between the libraries (numbers, tuples and lists stay)."""
    if isinstance(value, dict):
        return {k: _to(lib, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to(lib, v) for v in value]
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return lib.tensor(value.detach().numpy().copy())
    return value


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_old_state_dict_gets_missing_group_keys_as_torch(name):
    loaded = []
    for lib in (torch, minigrad):
        opt, w, _ = _stepped(lib, name)
        sd = opt.state_dict()
        for group in sd["param_groups"]:
            for key in OLD_KEYS:
                group.pop(key, None)
        if name != "SGD":
            sd["state"][0]["step"] = 3.0  # old checkpoints stored a number
        fresh_opt = getattr(lib.optim, name)(
            [{"params": [lib.nn.Parameter(w.detach().clone())]},
             {"params": [lib.nn.Parameter(lib.ones(3))]}], lr=0.5)
        fresh_opt.load_state_dict(sd)
        loaded.append(fresh_opt)
    theirs, ours = loaded
    for t_group, o_group in zip(theirs.param_groups, ours.param_groups):
        assert list(o_group) == list(t_group)
        assert {k: v for k, v in o_group.items() if k != "params"} == \
            {k: v for k, v in t_group.items() if k != "params"}
    if name != "SGD":
        step = ours.state[ours.param_groups[0]["params"][0]]["step"]
        assert isinstance(step, minigrad.Tensor) and step.dtype == minigrad.float32 and step.item() == 3
    for o in loaded:  # both can step after loading
        for g in o.param_groups:
            for p in g["params"]:
                p.grad = p.detach() * 0 + 1
        o.step()


@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_load_casts_state_to_parameter_dtype_and_copies(name):
    opt64, _, _ = _stepped(minigrad, name, "float64")
    sd = opt64.state_dict()
    opt32, w, b = _stepped(minigrad, name, "float32")
    opt32.load_state_dict(sd)
    for p in (w, b):
        for key, value in opt32.state[p].items():
            expected = minigrad.float32 if key != "step" else sd["state"][0][key].dtype
            assert value.dtype == expected, key
    first_key = next(iter(sd["state"][0]))
    assert opt32.state[w][first_key] is not sd["state"][0][first_key]  # copied, not aliased
    before = sd["state"][0][first_key].clone()
    w.grad = minigrad.ones(2, 3)
    b.grad = minigrad.ones(3)
    opt32.step()
    assert minigrad.equal(sd["state"][0][first_key], before)  # the loaded dict is untouched
    assert opt32.param_groups[0]["params"] == [w]
    if name == "Adam":
        assert opt32.param_groups[0]["betas"] == (0.9, 0.999)
        assert isinstance(opt32.param_groups[0]["betas"], tuple)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_round_trip_through_torch(name):
    ours, w, b = _stepped(minigrad, name)
    theirs, tw, tb = _stepped(torch, name)
    o_sd, t_sd = ours.state_dict(), theirs.state_dict()
    assert o_sd["param_groups"] == t_sd["param_groups"]
    assert [list(g) for g in o_sd["param_groups"]] == [list(g) for g in t_sd["param_groups"]]  # key order
    assert list(o_sd) == list(t_sd) == ["state", "param_groups"]
    for k in t_sd["state"]:
        assert list(o_sd["state"][k]) == list(t_sd["state"][k])
    # minigrad -> torch: torch accepts it and continues as our optimizer does
    t_opt = getattr(torch.optim, name)(
        [{"params": [torch.nn.Parameter(torch.tensor(w.detach().numpy()))]},
         {"params": [torch.nn.Parameter(torch.tensor(b.detach().numpy()))]}], lr=0.5)
    t_opt.load_state_dict(_to(torch, o_sd))
    back = t_opt.state_dict()
    assert back["param_groups"] == o_sd["param_groups"]
    # torch -> minigrad: identical hyper-parameters and state
    m_opt = getattr(optim, name)([{"params": [minigrad.nn.Parameter(w.detach().clone())]},
                                  {"params": [minigrad.nn.Parameter(b.detach().clone())]}], lr=0.5)
    m_opt.load_state_dict(_to(minigrad, back))
    again = m_opt.state_dict()
    assert again["param_groups"] == o_sd["param_groups"]
    for k, st in o_sd["state"].items():
        for key, value in st.items():
            np.testing.assert_array_equal(again["state"][k][key].numpy(), value.numpy())
            assert again["state"][k][key].dtype == value.dtype


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


@pytest.mark.parametrize("case", ["groups", "sizes", "duplicate", "not-dict", "names", "required"])
def test_errors_match_torch(case):
    def build(lib):
        w = lib.nn.Parameter(lib.ones(2))
        v = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1)
        if case == "groups":
            return lambda: opt.load_state_dict({"state": {}, "param_groups": []})
        if case == "sizes":
            return lambda: opt.load_state_dict({"state": {}, "param_groups": [{"params": [0, 1], "lr": 1}]})
        if case == "duplicate":
            return lambda: opt.add_param_group({"params": [v, w]})
        if case == "not-dict":
            return lambda: opt.add_param_group([v])
        if case == "names":
            named = lib.optim.SGD([("w", w)], lr=0.1)
            return lambda: named.add_param_group({"params": [v]})
        if case == "required":
            from importlib import import_module
            required = import_module(lib.__name__ + ".optim.optimizer").required

            class NoDefault(lib.optim.Optimizer):
                def __init__(self, params):
                    super().__init__(params, {"lr": required})

            return lambda: NoDefault([{"params": [w]}])

    assert _error(build(minigrad)) == _error(build(torch))


def test_state_given_as_numpy_arrays_is_converted():
    opt, w, b = _stepped(minigrad, "Adam")
    sd = opt.state_dict()
    as_numpy = {"state": {k: {n: v.numpy() for n, v in st.items()} for k, st in sd["state"].items()},
                "param_groups": sd["param_groups"]}
    fresh, fw, fb = _stepped(minigrad, "Adam")
    fresh.load_state_dict(as_numpy)
    for key, value in fresh.state[fw].items():
        assert isinstance(value, minigrad.Tensor)
        np.testing.assert_array_equal(value.numpy(), sd["state"][0][key].numpy())
    fw.grad, fb.grad = minigrad.ones(2, 3), minigrad.ones(3)
    fresh.step()
