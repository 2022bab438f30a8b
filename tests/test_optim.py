"""Optimizers: trajectories against PyTorch in float64, state dicts, validation, repr."""
import itertools
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad import optim

RNG = np.random.default_rng(3)


def _run(lib, opt_name, kwargs, steps=60, none_grad_every=7):
    """Train two float64 tensors on a fixed quadratic-ish objective; return their trajectory.
    Every ``none_grad_every`` steps the second parameter gets no gradient (must be skipped)."""
    a0 = np.linspace(-1, 1, 12).reshape(3, 4)
    b0 = np.linspace(0.5, -0.5, 4)
    target = np.cos(np.arange(12.0)).reshape(3, 4)
    a = lib.tensor(a0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    t = lib.tensor(target)
    opt = getattr(lib.optim, opt_name)([a, b], **kwargs)
    traj = []
    for step in range(steps):
        opt.zero_grad()
        use_b = step % none_grad_every != 3
        # convex and bounded below (negated when maximizing), so trajectories stay finite
        out = ((a * a * 0.5 - t * a).sum() + ((a.sum(0) * b).sum() * 0.1 if use_b else 0)
               + (b * b * 0.5 + b * b * b * b * 0.05).sum())
        if kwargs.get("maximize"):
            out = -out
        out.backward()
        opt.step()
        traj.append(np.concatenate([a.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(traj), opt


SGD_CASES = [dict(lr=0.05, momentum=m, dampening=d, weight_decay=wd, nesterov=n, maximize=mx)
             for m, d, wd, n, mx in itertools.product([0, 0.9], [0, 0.3], [0, 0.01], [False, True], [False, True])
             if not (n and (m == 0 or d != 0))]
ADAM_CASES = [dict(lr=0.01, betas=(0.9, 0.99), weight_decay=wd, amsgrad=ams, maximize=mx, eps=eps)
              for wd, ams, mx, eps in itertools.product([0, 0.05], [False, True], [False, True], [1e-8, 1e-3])]


@pytest.mark.parametrize("kwargs", SGD_CASES, ids=str)
def test_sgd_trajectory_matches_torch(kwargs):
    torch = pytest.importorskip("torch")
    ours, _ = _run(minigrad, "SGD", kwargs)
    theirs, _ = _run(torch, "SGD", kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
@pytest.mark.parametrize("kwargs", ADAM_CASES, ids=str)
def test_adam_trajectory_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, o_opt = _run(minigrad, name, kwargs)
    theirs, t_opt = _run(torch, name, kwargs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-11, atol=1e-12)
    o_state, t_state = o_opt.state_dict(), t_opt.state_dict()
    assert o_state["param_groups"] == t_state["param_groups"]
    assert sorted(o_state["state"]) == sorted(t_state["state"])
    for k in t_state["state"]:
        assert list(o_state["state"][k]) == list(t_state["state"][k])
        for key, v in t_state["state"][k].items():
            np.testing.assert_allclose(o_state["state"][k][key].numpy(), v.numpy(), rtol=1e-11, atol=1e-13)
            assert o_state["state"][k][key].dtype.name == str(v.dtype).split(".")[-1]


def test_default_hyperparameters_and_repr_match_torch():
    torch = pytest.importorskip("torch")
    for name in ("SGD", "Adam", "AdamW"):
        o = getattr(optim, name)([minigrad.zeros(2, requires_grad=True)])
        t = getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)])
        assert o.state_dict()["param_groups"] == t.state_dict()["param_groups"]
        assert repr(o) == repr(t)


def test_sgd_state_dict_format_and_roundtrip():
    torch = pytest.importorskip("torch")
    ours, o_opt = _run(minigrad, "SGD", dict(lr=0.1, momentum=0.9), steps=5)
    theirs, t_opt = _run(torch, "SGD", dict(lr=0.1, momentum=0.9), steps=5)
    o_sd, t_sd = o_opt.state_dict(), t_opt.state_dict()
    assert o_sd["param_groups"] == t_sd["param_groups"]
    assert list(o_sd["state"]) == [0, 1] and list(o_sd["state"][0]) == ["momentum_buffer"]
    # torch's state into a fresh minigrad optimizer, then both continue identically
    a = minigrad.tensor(ours[-1][:12].reshape(3, 4), requires_grad=True)
    b = minigrad.tensor(ours[-1][12:], requires_grad=True)
    fresh = optim.SGD([a, b], lr=0.5)
    fresh.load_state_dict({
        "state": {k: {n: minigrad.tensor(v.numpy()) for n, v in s.items()} for k, s in t_sd["state"].items()},
        "param_groups": t_sd["param_groups"],
    })
    assert fresh.param_groups[0]["lr"] == 0.1 and fresh.param_groups[0]["params"] == [a, b]
    np.testing.assert_allclose(fresh.state[a]["momentum_buffer"].numpy(), t_sd["state"][0]["momentum_buffer"].numpy())
    assert fresh.state[a]["momentum_buffer"]._data is not o_sd["state"][0]["momentum_buffer"]._data


def test_plain_sgd_has_empty_state():
    p = minigrad.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    p.sum().backward()
    opt.step()
    assert opt.state_dict()["state"] == {}
    np.testing.assert_allclose(p.detach().numpy(), np.full(3, 0.9, np.float32))
    assert p._version > 0


def test_parameter_groups_and_zero_grad():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    opt = optim.SGD([{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.5}],
                    lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9
    assert opt.state_dict()["param_groups"][1]["params"] == [2, 3]
    model(minigrad.randn(3, 2)).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in model.parameters())
    opt.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": model[0].weight})
    extra = nn.Parameter(minigrad.zeros(1))
    opt.add_param_group({"params": extra, "lr": 1.0})
    assert opt.param_groups[-1]["params"] == [extra] and opt.param_groups[-1]["momentum"] == 0.9


def test_validation_messages():
    p = [minigrad.zeros(1, requires_grad=True)]
    cases = [
        (lambda: optim.SGD(p, lr=-1), "Invalid learning rate: -1"),
        (lambda: optim.SGD(p, momentum=-0.5), "Invalid momentum value: -0.5"),
        (lambda: optim.SGD(p, weight_decay=-1), "Invalid weight_decay value: -1"),
        (lambda: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
        (lambda: optim.SGD([], lr=0.1), "optimizer got an empty parameter list"),
        (lambda: optim.Adam(p, lr=-1), "Invalid learning rate: -1"),
        (lambda: optim.Adam(p, eps=-1), "Invalid epsilon value: -1"),
        (lambda: optim.Adam(p, betas=(1.0, 0.9)), "Invalid beta parameter at index 0: 1.0"),
        (lambda: optim.Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
        (lambda: optim.AdamW(p, weight_decay=-1), "Invalid weight_decay value: -1"),
    ]
    for make, msg in cases:
        with pytest.raises(ValueError) as e:
            make()
        assert str(e.value) == msg
    with pytest.raises(TypeError, match="params argument given to the optimizer should be an iterable"):
        optim.SGD(minigrad.zeros(2, requires_grad=True))
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is int"):
        optim.SGD([1], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([minigrad.ones(2, requires_grad=True) * 2], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD(p, lr=0.1).add_param_group({"params": {minigrad.zeros(1, requires_grad=True)}})


def test_load_state_dict_errors():
    a = [minigrad.zeros(1, requires_grad=True)]
    b = [minigrad.zeros(1, requires_grad=True), minigrad.zeros(1, requires_grad=True)]
    sd = optim.SGD(b, lr=0.1).state_dict()
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.SGD(a, lr=0.1).load_state_dict(sd)
    two = optim.SGD([{"params": a}, {"params": [minigrad.zeros(1, requires_grad=True)]}], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD(b, lr=0.1).load_state_dict(two)


def test_adam_state_dict_roundtrip_continues_identically():
    _, opt1 = _run(minigrad, "Adam", dict(lr=0.01, amsgrad=True), steps=10)
    sd = opt1.state_dict()
    params = [p for g in opt1.param_groups for p in g["params"]]
    copies = [minigrad.tensor(p.detach().numpy(), requires_grad=True) for p in params]
    opt2 = optim.Adam(copies, lr=0.01, amsgrad=True)
    opt2.load_state_dict(sd)
    assert opt2.state[copies[0]]["step"].item() == 10
    for ps, opt in ((params, opt1), (copies, opt2)):
        for p in ps:
            p.grad = minigrad.ones(*p.shape, dtype=p.dtype)
        opt.step()
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_closure_and_lr_scheduler():
    p = minigrad.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=1.0)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 1.0
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(5):
        opt.step(closure)
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25]


def test_lr_scheduler_matches_torch():
    torch = pytest.importorskip("torch")

    def lrs(lib):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.3)
        s = [lib.optim.lr_scheduler.StepLR(opt, 3, 0.1), lib.optim.lr_scheduler.ExponentialLR(opt, 0.9)]
        out = []
        for _ in range(8):
            opt.step()
            for x in s:
                x.step()
            out.append(opt.param_groups[0]["lr"])
        return out

    np.testing.assert_allclose(lrs(minigrad), lrs(torch), rtol=1e-15)


def test_named_parameters_accepted():
    model = nn.Linear(2, 1)
    opt = optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.param_groups[0]["params"] == [model.weight, model.bias]
